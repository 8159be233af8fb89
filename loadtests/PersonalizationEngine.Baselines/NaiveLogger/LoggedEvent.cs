namespace PersonalizationEngine.Baselines.NaiveLogger;

/// <summary>One row of the naive logger: the event's id, whose it is, what kind, its timestamp as sent, and the event's JSON as received.</summary>
public readonly record struct LoggedEvent(string EventId, string UserId, string Type, string? Timestamp, string RawJson);
