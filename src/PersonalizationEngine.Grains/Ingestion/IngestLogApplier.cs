using Microsoft.Extensions.Hosting;

namespace PersonalizationEngine.Grains.Ingestion;

/// <summary>
/// Runs log-first ingestion's applier (<see cref="IngestionService"/>): at start, reads back what the ingest log still
/// holds and applies it ahead of new requests; at stop, refuses new requests and drains the backlog for a bounded time.
/// Registered after the silo, so it starts after it and stops before it.
/// </summary>
internal sealed class IngestLogApplier(IngestionService ingestion) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => ingestion.StartLogAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => ingestion.StopLogAsync(cancellationToken);
}
