using Microsoft.Extensions.Diagnostics.HealthChecks;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Gateway.Hosting;

/// <summary>Readiness of the engine's store through its own provider (SQLite or PostgreSQL: schema and a round trip).</summary>
internal sealed class StorageHealthCheck(IStorageProvider storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await storage.IsHealthyAsync(cancellationToken).ConfigureAwait(false)
                ? HealthCheckResult.Healthy(storage.Name)
                : HealthCheckResult.Unhealthy(storage.Name);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or StorageUnavailableException or System.Data.Common.DbException)
        {
            return HealthCheckResult.Unhealthy(storage.Name, ex);
        }
    }
}
