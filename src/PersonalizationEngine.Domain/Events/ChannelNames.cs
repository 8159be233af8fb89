namespace PersonalizationEngine.Domain.Events;

/// <summary>Wire names of <see cref="Channel"/> (snake_case, as in the public API).</summary>
public static class ChannelNames
{
    private static readonly string[] _names =
        ["web", "app", "email", "sms", "push", "store", "call_centre", "crm", "social", "ads"];

    public static string ToWire(Channel channel) => _names[(int)channel];

    public static bool TryParse(string? text, out Channel channel)
    {
        var index = Array.IndexOf(_names, text?.Trim().ToLowerInvariant());
        channel = index < 0 ? default : (Channel)index;
        return index >= 0;
    }
}
