using System.Text.Json;

namespace PersonalizationEngine.Gateway.Contracts;

/// <summary>
/// The answer of every ingestion route: counts and per-item results (200 when nothing was rejected, 207 when
/// some items were). A stream answers only its rejected lines in <see cref="Results"/>. <see cref="Acknowledged"/> says what
/// the 2xx means: <c>durable</c> (log-first: in the durable ingest log, applied behind it; duplicates are recognised then, and
/// <c>profileId</c> is not known yet) or <c>applied</c> (in the customers' journals and profiles: exact outcomes).
/// </summary>
public sealed record IngestSummary(bool Success, int Accepted, int Duplicates, int Rejected, IReadOnlyList<IngestItem> Results, string Acknowledged = "applied");

/// <summary>The outcome of one item: accepted, duplicate (already applied) or rejected with the fields at fault.</summary>
public sealed record IngestItem(int Index, string? EventId, string Status, string? ProfileId, IReadOnlyList<FieldError>? Errors, IReadOnlyList<DroppedIdentifierView>? DroppedIdentifiers);

/// <summary>An identifier left out of identity resolution (a limit, a blocked value) and why.</summary>
public sealed record DroppedIdentifierView(string Type, string Reason);

/// <summary>
/// A native event (documentation of the body of <c>POST /api/v1/events</c>). The routes read the body as a
/// document, item by item, so one bad item is reported against its own fields and never sinks the batch.
/// </summary>
public sealed record NativeEvent(string EventId, IReadOnlyDictionary<string, string> Identifiers, string Channel, string Type, string Timestamp, IReadOnlyDictionary<string, JsonElement>? Properties);

/// <summary>A Segment HTTP Tracking API message (documentation; the routes follow Segment's spec).</summary>
public sealed record SegmentMessage(
    string? Type,
    string? MessageId,
    string? UserId,
    string? AnonymousId,
    string? Event,
    string? Name,
    string? PreviousId,
    string? GroupId,
    string? Timestamp,
    IReadOnlyDictionary<string, JsonElement>? Properties,
    IReadOnlyDictionary<string, JsonElement>? Traits,
    IReadOnlyDictionary<string, JsonElement>? Context);

/// <summary>A Segment batch: <c>{"batch": [messages]}</c>.</summary>
public sealed record SegmentBatch(IReadOnlyList<SegmentMessage> Batch);
