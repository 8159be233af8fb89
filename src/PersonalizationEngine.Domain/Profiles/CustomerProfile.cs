using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Features;

namespace PersonalizationEngine.Domain.Profiles;

/// <summary>
/// The fused customer profile: the CustomerGrain's state (issue 3). Plain serialisable data (public get/set,
/// System.Text.Json round trip) plus pure methods: <see cref="Apply(CustomerEvent, ProfileSettings, DateTimeOffset)"/>,
/// <see cref="MergeFrom"/>, <see cref="Split"/>, <see cref="Features"/>. Configuration comes in through
/// <see cref="ProfileSettings"/>; time always comes in as an argument.
/// </summary>
public sealed partial class CustomerProfile
{
    public string ProfileId { get; set; } = "";
    /// <summary>Identifier type -> values, oldest first (bounded by <see cref="Identity.IdentityRules"/> limits).</summary>
    public Dictionary<string, List<string>> Identifiers { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, AttributeValue> Attributes { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Key: <c>purpose</c> or <c>purpose:channel</c>.</summary>
    public Dictionary<string, ConsentState> Consents { get; set; } = new(StringComparer.Ordinal);
    public List<string> Segments { get; set; } = [];
    /// <summary>
    /// When the profile entered each of <see cref="Segments"/> (same order), in seconds since 2020-01-01 UTC; 0 for
    /// memberships from before entry times were kept. Null until the first entry, and then not written, so snapshots
    /// of profiles without one read and write back unchanged (issue 19: the console shows it).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public List<int>? SegmentSince { get; set; }
    public FeatureState State { get; set; } = new();
    public long EventCount { get; set; }
    public Dictionary<string, int>? CustomTypeCounts { get; set; }
    /// <summary>Hashes of the most recent event ids (<see cref="EventIdHash"/>), oldest first.</summary>
    public List<long> RecentEventIds { get; set; } = [];
    /// <summary>When each of <see cref="RecentEventIds"/> was applied, in minutes since 2020-01-01 UTC (same order).</summary>
    public List<int> RecentEventMinutes { get; set; } = [];
    public int ConflictCount { get; set; }
    public double LatencySumSeconds { get; set; }
    public double ApplyLatencySumSeconds { get; set; }
    public LifecycleStage Lifecycle { get; set; }
    /// <summary>Model outputs the learning layer writes back (e.g. <c>churn_probability</c>), visible as features to segments and rules.</summary>
    public Dictionary<string, double>? Scores { get; set; }
    /// <summary>Recent offer contacts (impressions, answers) for contact policy and fatigue.</summary>
    public Decisioning.ContactHistory? Contacts { get; set; }

    public CustomerProfile() { }

    public CustomerProfile(string profileId) => ProfileId = profileId;

    /// <summary>The flat feature view (name -> number) that segments and decisioning read, plus data quality.</summary>
    public IReadOnlyDictionary<string, double> Features(DateTimeOffset asOf, ProfileSettings? settings = null)
    {
        settings ??= ProfileSettings.Default;
        var f = State.Flatten(asOf, settings.Features);
        f["event_count"] = EventCount;
        f["custom_events_total"] = CustomTypeCounts?.Values.Sum() ?? 0;
        f["dq_completeness"] = Completeness(settings);
        f["dq_conflicts"] = ConflictCount;
        if (Scores is not null)
        {
            foreach (var (name, value) in Scores) f[name] = value;
        }
        if (EventCount > 0)
        {
            f["dq_event_latency_s"] = LatencySumSeconds / EventCount;
            f["dq_apply_latency_s"] = ApplyLatencySumSeconds / EventCount;
        }
        return f;
    }

    /// <summary>Share of <see cref="ProfileSettings.ExpectedAttributes"/> present, plus an e-mail or phone.</summary>
    public double Completeness(ProfileSettings settings)
    {
        var expected = settings.ExpectedAttributes.Count + 1;
        var present = settings.ExpectedAttributes.Count(Attributes.ContainsKey)
            + (Identifiers.ContainsKey("email") || Identifiers.ContainsKey("phone") ? 1 : 0);
        return (double)present / expected;
    }
}
