namespace PersonalizationEngine.Domain.Segments;

/// <summary>
/// What a condition can read. Generic on purpose: the same language serves segments and offer eligibility.
/// </summary>
public interface IConditionContext
{
    bool TryGetFeature(string name, out double value);
    string? GetAttribute(string name);
    bool IsInSegment(string segmentId);
    /// <summary><paramref name="purposeAndChannel"/> is <c>purpose</c> or <c>purpose:channel</c>.</summary>
    bool HasConsent(string purposeAndChannel);
}
