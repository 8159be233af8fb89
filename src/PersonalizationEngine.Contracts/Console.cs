namespace PersonalizationEngine.Contracts;

// Read models of the console (issue 19): what a customer grain can tell about its own history, from memory and
// from the events its journal stream still holds. Personal identifiers in them are masked by the grain.

/// <summary>A page of a customer's timeline: newest first, <paramref name="Offset"/> entries skipped.</summary>
[GenerateSerializer, Immutable, Alias("pe.TimelineQuery")]
public sealed record TimelineQuery([property: Id(0)] int Offset, [property: Id(1)] int Limit);

/// <summary>One event of the timeline: what, where, when, and its key properties (no free-text personal data).</summary>
/// <param name="MovedFrom">The profile the event came from when a merge (or an unmerge) moved it into this stream.</param>
[GenerateSerializer, Immutable, Alias("pe.TimelineEntry")]
public sealed record TimelineEntry(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Type,
    [property: Id(2)] string Channel,
    [property: Id(3)] DateTimeOffset Timestamp,
    [property: Id(4)] DateTimeOffset ReceivedAt,
    [property: Id(5)] IReadOnlyDictionary<string, string> Properties,
    [property: Id(6)] IReadOnlyList<string> IdentifierTypes,
    [property: Id(7)] string? MovedFrom);

/// <summary>A page of the timeline, the events the journal holds for the profile, and how many it applied in all.</summary>
[GenerateSerializer, Immutable, Alias("pe.TimelinePage")]
public sealed record TimelinePage(
    [property: Id(0)] IReadOnlyList<TimelineEntry> Events,
    [property: Id(1)] int Total,
    [property: Id(2)] long EventCount);

/// <summary>One identifier of the identity graph (masked), with the first event that carried it and its source.</summary>
[GenerateSerializer, Immutable, Alias("pe.IdentityNode")]
public sealed record IdentityNode(
    [property: Id(0)] string Type,
    [property: Id(1)] string Value,
    [property: Id(2)] string? Source,
    [property: Id(3)] DateTimeOffset? LinkedAt,
    [property: Id(4)] int Events,
    [property: Id(5)] string? MovedFrom);

/// <summary>
/// A merge or unmerge seen from this profile: <c>merged</c> (another profile was folded in), <c>split-off</c> (events
/// of some identifiers moved to a new profile), <c>split-from</c> (this profile was created by an unmerge).
/// </summary>
[GenerateSerializer, Immutable, Alias("pe.IdentityChange")]
public sealed record IdentityChange(
    [property: Id(0)] string Kind,
    [property: Id(1)] string ProfileId,
    [property: Id(2)] DateTimeOffset? At,
    [property: Id(3)] int Events);

/// <summary>A profile's identity graph: its identifiers and the merges and unmerges that shaped it.</summary>
[GenerateSerializer, Immutable, Alias("pe.IdentityGraph")]
public sealed record IdentityGraph(
    [property: Id(0)] string ProfileId,
    [property: Id(1)] IReadOnlyList<IdentityNode> Identifiers,
    [property: Id(2)] IReadOnlyList<IdentityChange> Changes,
    [property: Id(3)] int RetainedEvents);

/// <summary>A segment the profile is in, and since when (null when it entered before entry times were kept).</summary>
[GenerateSerializer, Immutable, Alias("pe.SegmentMembership")]
public sealed record SegmentMembership([property: Id(0)] string SegmentId, [property: Id(1)] DateTimeOffset? EnteredAt);

/// <summary>One offer of a remembered decision: its score breakdown and what the customer did with it.</summary>
[GenerateSerializer, Immutable, Alias("pe.DecidedOffer")]
public sealed record DecidedOffer(
    [property: Id(0)] string OfferId,
    [property: Id(1)] double Score,
    [property: Id(2)] double Propensity,
    [property: Id(3)] double ContextWeight,
    [property: Id(4)] double Value,
    [property: Id(5)] double Lever,
    [property: Id(6)] IReadOnlyList<string> Reasons,
    [property: Id(7)] IReadOnlyList<string> Outcomes);

/// <summary>A decision the customer grain remembers (the most recent few, while the customer is in memory).</summary>
[GenerateSerializer, Immutable, Alias("pe.DecisionRecord")]
public sealed record DecisionRecord(
    [property: Id(0)] string DecisionId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Channel,
    [property: Id(3)] string? Placement,
    [property: Id(4)] bool Control,
    [property: Id(5)] IReadOnlyList<DecidedOffer> Offers,
    [property: Id(6)] int Excluded,
    [property: Id(7)] bool Converted);

/// <summary>What the console reads about a customer besides the profile: segments with entry times, recent decisions.</summary>
[GenerateSerializer, Immutable, Alias("pe.CustomerActivity")]
public sealed record CustomerActivity(
    [property: Id(0)] IReadOnlyList<SegmentMembership> Segments,
    [property: Id(1)] IReadOnlyList<DecisionRecord> Decisions);
