namespace PersonalizationEngine.Domain.Events;

/// <summary>
/// A small typed property bag: numbers as decimal (money is never binary floating point), strings, string
/// lists and purchase lines. Empty collections stay null so an event with few properties stays small.
/// </summary>
public sealed class EventProperties
{
    public Dictionary<string, decimal>? Numbers { get; set; }
    public Dictionary<string, string>? Strings { get; set; }
    public Dictionary<string, List<string>>? Lists { get; set; }
    public List<LineItem>? Items { get; set; }

    public int Count => (Numbers?.Count ?? 0) + (Strings?.Count ?? 0) + (Lists?.Count ?? 0) + (Items is null ? 0 : 1);

    public decimal? Number(string name) => Numbers is not null && Numbers.TryGetValue(name, out var v) ? v : null;

    public string? String(string name) => Strings is not null && Strings.TryGetValue(name, out var v) ? v : null;

    public EventProperties Set(string name, decimal value) { (Numbers ??= new(StringComparer.Ordinal))[name] = value; return this; }

    public EventProperties Set(string name, string value) { (Strings ??= new(StringComparer.Ordinal))[name] = value; return this; }

    public EventProperties Set(string name, List<string> value) { (Lists ??= new(StringComparer.Ordinal))[name] = value; return this; }

    public EventProperties Add(LineItem item) { (Items ??= []).Add(item); return this; }
}
