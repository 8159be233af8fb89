using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Domain.Tests;

/// <summary>Builds canonical events for tests.</summary>
internal static class Ev
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);
    private static int _next;

    public static CustomerEvent Make(string type, DateTimeOffset at, Channel channel = Channel.Web,
        Dictionary<string, string>? ids = null, EventProperties? props = null, string? id = null) => new()
    {
        EventId = id ?? "e" + Interlocked.Increment(ref _next),
        Identifiers = ids ?? new Dictionary<string, string> { ["user_id"] = "u1" },
        Channel = channel,
        Type = type,
        Timestamp = at,
        ReceivedAt = at,
        Properties = props ?? new EventProperties(),
    };

    public static CustomerEvent Purchase(DateTimeOffset at, decimal amount, Dictionary<string, string>? ids = null, string? category = null)
    {
        var p = new EventProperties().Set("amount", amount).Set("currency", "GBP");
        if (category is not null) p.Set("category", category);
        return Make(EventTypes.Purchase, at, ids: ids, props: p);
    }

    public static CustomerEvent Refund(DateTimeOffset at, decimal amount) =>
        Make(EventTypes.Refund, at, props: new EventProperties().Set("amount", amount).Set("currency", "GBP"));

    public static CustomerEvent Attr(DateTimeOffset at, Channel channel, string name, string value, Dictionary<string, string>? ids = null) =>
        Make(EventTypes.ProfileUpdate, at, channel, ids, new EventProperties().Set(name, value));
}
