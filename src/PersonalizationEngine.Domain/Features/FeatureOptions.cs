namespace PersonalizationEngine.Domain.Features;

/// <summary>Tunable feature thresholds; defaults documented per property.</summary>
public sealed record FeatureOptions
{
    /// <summary>A session ends after 30 minutes without activity (the Google Analytics convention).</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>A non-empty cart untouched this long, with no purchase after it, is abandoned.</summary>
    public TimeSpan CartAbandonAfter { get; init; } = TimeSpan.FromHours(1);
    public double AffinityHalfLifeDays { get; init; } = 30;
    public int AffinityTopK { get; init; } = 5;
    /// <summary>Expected customer lifespan in years for CLV.</summary>
    public double ExpectedLifespanYears { get; init; } = 3;
    /// <summary>"new": first purchase within this many days.</summary>
    public double NewWithinDays { get; init; } = 30;
    /// <summary>"loyal": at least this many orders and not at risk.</summary>
    public int LoyalMinOrders { get; init; } = 5;
    /// <summary>"at_risk": last purchase more than this many days ago.</summary>
    public double AtRiskAfterDays { get; init; } = 90;
    /// <summary>"lapsed": last purchase more than this many days ago.</summary>
    public double LapsedAfterDays { get; init; } = 180;
    /// <summary>Value tier boundaries on net monetary value: tier = number of thresholds reached (0..3).</summary>
    public IReadOnlyList<double> ValueTierThresholds { get; init; } = [100, 1000, 5000];
}
