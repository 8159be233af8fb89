using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Identity;

namespace PersonalizationEngine.Grains.Ingestion;

/// <summary>What happened to one submitted event.</summary>
public enum IngestStatus
{
    /// <summary>Durably journaled and applied to its profile.</summary>
    Accepted,
    /// <summary>Seen before (same event id): acknowledged, not applied again.</summary>
    Duplicate,
    /// <summary>Invalid: nothing of it was stored.</summary>
    Rejected,
}

/// <summary>The result for one item of a batch, in input order.</summary>
public sealed record IngestItemResult(
    int Index,
    string? EventId,
    IngestStatus Status,
    string? ProfileId,
    IReadOnlyList<ValidationError> Errors,
    IReadOnlyList<DroppedIdentifier> DroppedIdentifiers);

/// <summary>The results of a batch.</summary>
public sealed record IngestBatchResult(IReadOnlyList<IngestItemResult> Items)
{
    public int Accepted => Items.Count(i => i.Status == IngestStatus.Accepted);
    public int Duplicates => Items.Count(i => i.Status == IngestStatus.Duplicate);
    public int Rejected => Items.Count(i => i.Status == IngestStatus.Rejected);
}

/// <summary>
/// Admission control refused a batch: too many events are already being made durable. Nothing of the batch was
/// stored; the client should retry after <see cref="RetryAfter"/> (the gateway answers 503 with Retry-After).
/// </summary>
public sealed class IngestOverloadedException(string message) : Exception(message)
{
    public IngestOverloadedException(long inFlight, int limit)
        : this($"{inFlight} events are already being stored (limit {limit}); nothing of this batch was stored.")
    {
    }

    public TimeSpan RetryAfter => IngestionService.RetryAfter;
}
