using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Domain.Segments;

namespace PersonalizationEngine.Contracts;

/// <summary>The outcome of one event sent to a customer grain.</summary>
[GenerateSerializer, Alias("pe.EventOutcome")]
public enum EventOutcome
{
    Applied,
    Duplicate,
}

/// <summary>A batch of one customer's standardised events, in arrival order. Never mutated once sent.</summary>
[GenerateSerializer, Immutable, Alias("pe.IngestBatch")]
public sealed record IngestBatch([property: Id(0)] IReadOnlyList<CustomerEvent> Events);

/// <summary>
/// A customer grain's answer to a batch: the outcome per event, or <see cref="MovedTo"/> when this profile has been
/// merged into another one (the caller re-routes).
/// </summary>
[GenerateSerializer, Immutable, Alias("pe.IngestReply")]
public sealed record IngestReply(
    [property: Id(0)] IReadOnlyList<EventOutcome> Outcomes,
    [property: Id(1)] IReadOnlyList<SegmentChange> SegmentChanges,
    [property: Id(2)] string? MovedTo = null)
{
    public static IngestReply Moved(string profileId) => new([], [], profileId);
}

/// <summary>A batch was not applied (its journal append failed, or its activation left): nothing to acknowledge; retry.</summary>
[GenerateSerializer, Alias("pe.IngestAbandonedException")]
public sealed class IngestAbandonedException : Exception
{
    public IngestAbandonedException() { }

    public IngestAbandonedException(string message) : base(message) { }

    public IngestAbandonedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Whether a profile exists and, if it was merged, where it went.</summary>
[GenerateSerializer, Immutable, Alias("pe.CustomerStatus")]
public readonly record struct CustomerStatus([property: Id(0)] bool Exists, [property: Id(1)] string? MergedInto);

/// <summary>Identifiers (type → values, clear text): a copy, for identity resolution and erasure.</summary>
[GenerateSerializer, Immutable, Alias("pe.IdentifierSet")]
public sealed record IdentifierSet([property: Id(0)] Dictionary<string, List<string>> Values)
{
    public static IdentifierSet Empty { get; } = new(new Dictionary<string, List<string>>(StringComparer.Ordinal));
}

/// <summary>Identifier keys <c>type:value</c> (normalised).</summary>
[GenerateSerializer, Immutable, Alias("pe.IdentifierKeys")]
public sealed record IdentifierKeys([property: Id(0)] string[] Keys);

/// <summary>A profile's flat feature values at one time (a copy).</summary>
[GenerateSerializer, Immutable, Alias("pe.FeatureSnapshot")]
public sealed record FeatureSnapshot([property: Id(0)] IReadOnlyDictionary<string, double> Values);

/// <summary>
/// A profile handed over for a merge (or the moved side of an unmerge), with the journal position it includes, the
/// profiles folded into it, and the events it applied that its journal still held (for the receiving stream). The
/// profile is a copy made for the receiver.
/// </summary>
[GenerateSerializer, Immutable, Alias("pe.MergeExport")]
public sealed record MergeExport(
    [property: Id(0)] CustomerProfile Profile,
    [property: Id(1)] long JournalSequence,
    [property: Id(2)] IReadOnlyList<string>? Absorbed = null,
    [property: Id(3)] IReadOnlyList<CustomerEvent>? Events = null)
{
    /// <summary>The retained events (none when not given).</summary>
    public IReadOnlyList<CustomerEvent> RetainedEvents => Events ?? [];
}

/// <summary>Events handed from one grain to another (late events a merge forwards).</summary>
[GenerateSerializer, Immutable, Alias("pe.EventList")]
public sealed record EventList([property: Id(0)] IReadOnlyList<CustomerEvent> Events);

/// <summary>What an erasure leaves for the caller to clean up: the identifiers' links and the records of absorbed profiles.</summary>
[GenerateSerializer, Immutable, Alias("pe.ErasureResult")]
public sealed record ErasureResult([property: Id(0)] Dictionary<string, List<string>> Identifiers, [property: Id(1)] IReadOnlyList<string> Absorbed);

/// <summary>A GDPR access export: the full profile and the events its journal still holds.</summary>
[GenerateSerializer, Immutable, Alias("pe.CustomerExport")]
public sealed record CustomerExport([property: Id(0)] CustomerProfile Profile, [property: Id(1)] IReadOnlyList<CustomerEvent> Events);

/// <summary>The moved part of an unmerge and whether the split is exact.</summary>
[GenerateSerializer, Immutable, Alias("pe.SplitPlan")]
public sealed record SplitPlan([property: Id(0)] MergeExport Moved, [property: Id(1)] bool Exact);

/// <summary>The read model of a profile (personal identifiers masked). Every collection is a copy made for this answer.</summary>
[GenerateSerializer, Immutable, Alias("pe.ProfileView")]
public sealed record ProfileView(
    [property: Id(0)] string ProfileId,
    [property: Id(1)] Dictionary<string, List<string>> Identifiers,
    [property: Id(2)] Dictionary<string, AttributeValue> Attributes,
    [property: Id(3)] IReadOnlyDictionary<string, double> Features,
    [property: Id(4)] IReadOnlyList<string> Segments,
    [property: Id(5)] Dictionary<string, ConsentState> Consents,
    [property: Id(6)] long EventCount,
    [property: Id(7)] string Lifecycle,
    [property: Id(8)] Dictionary<string, int>? CustomEventCounts,
    [property: Id(9)] int Conflicts,
    [property: Id(10)] double Completeness);
