using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Gateway.Hosting;

/// <summary>Liveness (the process answers) and readiness (storage answers too); both anonymous.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Operations").AllowAnonymous().DisableRateLimiting();
        group.MapGet("/live", () => TypedResults.Ok(new HealthAnswer("live", null))).WithName("Live").WithSummary("The process answers.");
        group.MapGet("/ready", ReadyAsync).WithName("Ready").WithSummary("The process and its store answer (503 when the store does not).")
            .Produces<HealthAnswer>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Results<Ok<HealthAnswer>, JsonHttpResult<HealthAnswer>>> ReadyAsync(IStorageProvider storage, CancellationToken ct)
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
            ? TypedResults.Ok(new HealthAnswer("ready", storage.Name))
            : TypedResults.Json(new HealthAnswer("unavailable", storage.Name), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>A health answer: the status and, for readiness, the store checked.</summary>
public sealed record HealthAnswer(string Status, string? Storage);
