using PersonalizationEngine.Domain.Features;
using PersonalizationEngine.Domain.Identity;
using PersonalizationEngine.Domain.Segments;

namespace PersonalizationEngine.Domain.Profiles;

/// <summary>
/// Everything a profile needs that is configuration, not state (kept out of the snapshot). One instance is
/// shared by all grains.
/// </summary>
public sealed record ProfileSettings
{
    public static ProfileSettings Default { get; } = new();

    public FeatureOptions Features { get; init; } = new();
    public IdentityRules Identity { get; init; } = new();
    public IReadOnlyList<SegmentDefinition> Segments { get; init; } = BuiltInSegments.All;

    /// <summary>Source weights for attribute conflicts: higher wins, then the more recent value (issue 3).</summary>
    public IReadOnlyDictionary<string, int> SourceWeights { get; init; } = new Dictionary<string, int>
    {
        ["crm"] = 100, ["store"] = 80, ["call_centre"] = 70, ["app"] = 50, ["web"] = 40, ["email"] = 30,
        ["sms"] = 30, ["push"] = 30, ["social"] = 20, ["ads"] = 10,
    };

    /// <summary>
    /// Deduplication by event id (issue 5: a client retry is never applied twice). Ids are remembered for
    /// <see cref="DedupWindow"/> (Segment dedups messageIds over a day too), at least the last
    /// <see cref="DedupMinimum"/> whatever their age, and never more than <see cref="DedupCapacity"/> per customer
    /// (8 + 4 bytes each), so a customer sending more than that many events within the window is deduplicated
    /// over the most recent <see cref="DedupCapacity"/> only.
    /// </summary>
    public int DedupCapacity { get; init; } = 10_000;
    public int DedupMinimum { get; init; } = 256;
    public TimeSpan DedupWindow { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Attributes expected on a complete profile (data-quality completeness).</summary>
    public IReadOnlyList<string> ExpectedAttributes { get; init; } =
        ["first_name", "last_name", "country", "city", "birth_date", "gender"];

    public int WeightOf(string source) => SourceWeights.TryGetValue(source, out var w) ? w : 0;

    public double MaxWeight => SourceWeights.Count == 0 ? 1 : Math.Max(1, SourceWeights.Values.Max());
}
