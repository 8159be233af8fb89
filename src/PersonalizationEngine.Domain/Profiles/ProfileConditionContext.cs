using PersonalizationEngine.Domain.Segments;

namespace PersonalizationEngine.Domain.Profiles;

/// <summary>The condition context of a profile: its features, attribute values, segments and consents.</summary>
public sealed class ProfileConditionContext(CustomerProfile profile, IReadOnlyDictionary<string, double> features) : IConditionContext, Decisioning.IConsentView
{
    public bool TryGetFeature(string name, out double value) => features.TryGetValue(name, out value);

    public string? GetAttribute(string name) => profile.Attributes.TryGetValue(name, out var a) ? a.Value : null;

    public bool IsInSegment(string segmentId) => profile.Segments.Contains(segmentId);

    /// <summary>
    /// <c>purpose:channel</c> uses the channel-specific consent when recorded, else the purpose-wide one;
    /// absent consent is no consent (GDPR: consent must be explicit).
    /// </summary>
    public bool HasConsent(string purposeAndChannel)
    {
        if (profile.Consents.TryGetValue(purposeAndChannel, out var exact)) return exact.Granted;
        var colon = purposeAndChannel.IndexOf(':');
        return colon > 0 && profile.Consents.TryGetValue(purposeAndChannel[..colon], out var general) && general.Granted;
    }

    /// <summary>True when the customer said no: for <c>purpose:channel</c> if recorded, else for the purpose.</summary>
    public bool IsRefused(string purpose, string channel)
    {
        // "purpose:channel" looked up without building the string (this runs for every offer of every decision).
        var length = purpose.Length + 1 + channel.Length;
        if (length <= 256 && profile.Consents.TryGetAlternateLookup<ReadOnlySpan<char>>(out var lookup))
        {
            Span<char> key = stackalloc char[length];
            purpose.CopyTo(key);
            key[purpose.Length] = ':';
            channel.CopyTo(key[(purpose.Length + 1)..]);
            if (lookup.TryGetValue(key, out var exactState)) return !exactState.Granted;
        }
        else if (profile.Consents.TryGetValue(purpose + ":" + channel, out var exact)) return !exact.Granted;
        return profile.Consents.TryGetValue(purpose, out var general) && !general.Granted;
    }
}
