using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Domain.Segments;

namespace PersonalizationEngine.Grains.Customers;

/// <summary>The outcome of one event sent to a customer grain.</summary>
public enum EventOutcome
{
    Applied,
    Duplicate,
}

/// <summary>
/// A customer grain's answer to a batch: the outcome per event, or <see cref="MovedTo"/> when this profile
/// has been merged into another one (the caller re-routes), or <see cref="Erased"/>.
/// </summary>
public sealed record IngestReply(IReadOnlyList<EventOutcome> Outcomes, IReadOnlyList<SegmentChange> SegmentChanges, string? MovedTo = null, bool SnapshotDue = false)
{
    public static IngestReply Moved(string profileId) => new([], [], profileId);
}

/// <summary>
/// What <see cref="CustomerGrain.Ingest"/> hands back: the batch's index, its journal append to await (null when
/// every event was a duplicate) and the task that completes once the batch is applied.
/// </summary>
public sealed record IngestTicket(long Index, Task<IReadOnlyList<long>>? Append, Task<IngestReply> Applied)
{
    public static IngestTicket Moved(string profileId) => new(-1, null, Task.FromResult(IngestReply.Moved(profileId)));

    /// <summary>The customer has no data key yet: call <see cref="CustomerGrain.PrepareAsync"/> and ingest again.</summary>
    public static readonly IngestTicket NeedsKey = new(-1, null, Task.FromResult(new IngestReply([], [])));
}

/// <summary>A batch was not applied (its journal append failed, or its activation left): nothing to acknowledge; retry.</summary>
public sealed class IngestAbandonedException(string message) : Exception(message);

/// <summary>
/// A profile handed over for a merge (or the moved side of an unmerge), with the journal position it includes, the
/// profiles folded into it, and the events it applied that its journal still held (for the receiving stream).
/// </summary>
public sealed record MergeExport(CustomerProfile Profile, long JournalSequence, IReadOnlyList<string>? Absorbed = null, IReadOnlyList<CustomerEvent>? Events = null)
{
    /// <summary>The retained events (none when not given).</summary>
    public IReadOnlyList<CustomerEvent> Events { get; init; } = Events ?? [];
}

/// <summary>A GDPR access export: the full profile and the events its journal still holds.</summary>
public sealed record CustomerExport(CustomerProfile Profile, IReadOnlyList<CustomerEvent> Events);

/// <summary>The read model of a profile (personal identifiers masked).</summary>
public sealed record ProfileView(
    string ProfileId,
    Dictionary<string, List<string>> Identifiers,
    Dictionary<string, AttributeValue> Attributes,
    IReadOnlyDictionary<string, double> Features,
    IReadOnlyList<string> Segments,
    Dictionary<string, ConsentState> Consents,
    long EventCount,
    string Lifecycle,
    Dictionary<string, int>? CustomEventCounts,
    int Conflicts,
    double Completeness);
