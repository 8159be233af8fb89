using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Storage.Configuration;

namespace PersonalizationEngine.Gateway.Hosting;

/// <summary>
/// Liveness (the process answers) and readiness (every check tagged <see cref="ReadyTag"/> passes: the store,
/// and PostgreSQL itself when it is the store), both anonymous. The checks are ASP.NET Core health checks
/// (<c>AddHealthChecks</c>, <c>AspNetCore.HealthChecks.NpgSql</c>); the routes stay typed so the OpenAPI document describes them.
/// </summary>
internal static class HealthApi
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddEngineHealthChecks(this IServiceCollection services, StorageOptions storage)
    {
        var checks = services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<MembershipHealthCheck>("cluster", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(3));
        if (storage.Provider == StorageProviderKind.Postgres)
        {
            checks.AddNpgSql(storage.Postgres.ConnectionString, name: "postgres", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(3));
        }
        return services;
    }

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Operations").AllowAnonymous().DisableRateLimiting();
        group.MapGet("/live", () => TypedResults.Ok(new HealthAnswer("live", null, []))).WithName("Live").WithSummary("The process answers.");
        group.MapGet("/ready", ReadyAsync).WithName("Ready").WithSummary("The process and its store answer (503 when a check fails).")
            .Produces<HealthAnswer>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Results<Ok<HealthAnswer>, JsonHttpResult<HealthAnswer>>> ReadyAsync(HealthCheckService health, IStorageProvider storage, CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(c => c.Tags.Contains(ReadyTag), ct);
        // Check names and statuses only: exception texts can carry host names or connection details.
        var checks = report.Entries.Select(e => new HealthCheckView(e.Key, e.Value.Status.ToString().ToLowerInvariant(), Math.Round(e.Value.Duration.TotalMilliseconds, 1))).ToArray();
        return report.Status == HealthStatus.Healthy
            ? TypedResults.Ok(new HealthAnswer("ready", storage.Name, checks))
            : TypedResults.Json(new HealthAnswer("unavailable", storage.Name, checks), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>A health answer: the status, the store, and each readiness check.</summary>
public sealed record HealthAnswer(string Status, string? Storage, IReadOnlyList<HealthCheckView> Checks);

/// <summary>One health check's outcome.</summary>
public sealed record HealthCheckView(string Name, string Status, double DurationMs);

/// <summary>
/// Ready only while this node's silo is an active member of its cluster: a node that is still joining, shutting down,
/// or was declared dead by the others (cut off from them or from the membership table) takes no traffic.
/// </summary>
internal sealed class MembershipHealthCheck(Orleans.Runtime.ISiloStatusOracle membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(membership.CurrentStatus == Orleans.Runtime.SiloStatus.Active
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("silo " + membership.CurrentStatus));
}
