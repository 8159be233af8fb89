using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Gateway.Hosting;

/// <summary>Liveness (the process answers) and readiness (storage answers too); both anonymous.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Operations").AllowAnonymous().DisableRateLimiting();
        group.MapGet("/live", () => Results.Ok(new { status = "live" }));
        group.MapGet("/ready", async (IStorageProvider storage, CancellationToken ct) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            bool healthy;
            try
            {
                healthy = await storage.IsHealthyAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or StorageUnavailableException or System.Data.Common.DbException)
            {
                healthy = false;
            }
            return healthy
                ? Results.Ok(new { status = "ready", storage = storage.Name })
                : Results.Json(new { status = "unavailable", storage = storage.Name }, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }
}
