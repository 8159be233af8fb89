using PersonalizationEngine.Domain.Segments;

namespace PersonalizationEngine.Domain.Profiles;

/// <summary>The condition context of a profile: its features, attribute values, segments and consents.</summary>
public sealed class ProfileConditionContext(CustomerProfile profile, IReadOnlyDictionary<string, double> features) : IConditionContext
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
}
