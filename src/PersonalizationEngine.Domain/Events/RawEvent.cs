namespace PersonalizationEngine.Domain.Events;

/// <summary>An event as received (strings as sent), before validation and standardisation.</summary>
public sealed record RawEvent
{
    public string? EventId { get; init; }
    public Dictionary<string, string?>? Identifiers { get; init; }
    public string? Channel { get; init; }
    public string? Type { get; init; }
    public string? Timestamp { get; init; }
    public EventProperties? Properties { get; init; }
}
