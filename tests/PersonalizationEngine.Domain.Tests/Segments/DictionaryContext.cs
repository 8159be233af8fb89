using PersonalizationEngine.Domain.Segments;

namespace PersonalizationEngine.Domain.Tests.Segments;

internal sealed class DictionaryContext : IConditionContext
{
    public Dictionary<string, double> Features { get; init; } = [];
    public Dictionary<string, string> Attributes { get; init; } = [];
    public HashSet<string> Segments { get; init; } = [];
    public HashSet<string> Consents { get; init; } = [];

    public bool TryGetFeature(string name, out double value) => Features.TryGetValue(name, out value);
    public string? GetAttribute(string name) => Attributes.GetValueOrDefault(name);
    public bool IsInSegment(string segmentId) => Segments.Contains(segmentId);
    public bool HasConsent(string purposeAndChannel) => Consents.Contains(purposeAndChannel);
}
