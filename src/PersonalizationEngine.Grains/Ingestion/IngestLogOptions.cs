using System.ComponentModel.DataAnnotations;

namespace PersonalizationEngine.Grains.Ingestion;

/// <summary>When an ingestion route answers 2xx.</summary>
public enum IngestAcknowledgement
{
    /// <summary>
    /// Log-first: once the request's events are in the durable ingest log (one group-committed append per request). Identity
    /// resolution and the customers' own journals and profiles follow behind, in log order; reads of a customer wait for
    /// what was acknowledged for them (read-your-writes, bounded by <see cref="IngestLogOptions.ReadYourWritesTimeout"/>).
    /// </summary>
    Durable,

    /// <summary>Once every event is in its customer's journal and applied to the profile: exact per-item outcomes (profile, duplicate).</summary>
    Applied,
}

/// <summary>Ingestion settings (configuration section <c>Ingest</c>).</summary>
public sealed class IngestLogOptions
{
    public const string Section = "Ingest";

    /// <summary>
    /// Default <see cref="IngestAcknowledgement.Durable"/> on one node. A multi-node cluster acknowledges
    /// <see cref="IngestAcknowledgement.Applied"/> (each node's ingest log would be stranded by that node's death until it
    /// came back); a request can always ask for <c>?wait=applied</c>.
    /// </summary>
    public IngestAcknowledgement? Acknowledge { get; set; }

    /// <summary>
    /// Backpressure: events acknowledged and not yet applied, over the node. A request that would pass it is refused
    /// (503 + Retry-After, nothing stored), so the lag between acknowledgement and application stays bounded, and so does
    /// memory (the events wait in memory as well as in the log). 100,000 is a few seconds of application on 2 cores.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxBacklogEvents { get; set; } = 100_000;

    /// <summary>At most this many events are resolved and delivered to their customers together (one round).</summary>
    [Range(1, 1_000_000)]
    public int MaxApplyBatchEvents { get; set; } = 8_192;

    /// <summary>
    /// How long a read of a customer (decision, profile) waits for events acknowledged for them to be applied before it
    /// answers from what is applied; counted in <c>pe_ingest_read_waits_total{outcome}</c>.
    /// </summary>
    public TimeSpan ReadYourWritesTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The ingest log is sealed under a key per segment; a new segment starts after this long, and a segment's key is
    /// destroyed once all its events are applied, so an erased customer's events in the log are unreadable within about
    /// this time of the erasure.
    /// </summary>
    public TimeSpan SegmentDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a graceful shutdown waits for the backlog to be applied (the rest is applied from the log at the next start).</summary>
    public TimeSpan DrainOnStop { get; set; } = TimeSpan.FromSeconds(20);
}
