using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Domain.Features;

public sealed partial class FeatureState
{
    private static readonly (string Name, TimeSpan Span)[] _windows =
    [
        ("1h", TimeSpan.FromHours(1)), ("24h", TimeSpan.FromHours(24)), ("7d", TimeSpan.FromDays(7)),
        ("30d", TimeSpan.FromDays(30)), ("90d", TimeSpan.FromDays(90)),
    ];

    /// <summary>
    /// Lifecycle at <paramref name="asOf"/>: prospect (no order); lapsed (last order more than
    /// <see cref="FeatureOptions.LapsedAfterDays"/> ago); at_risk (more than AtRiskAfterDays ago); loyal
    /// (at least LoyalMinOrders orders); new (first order within NewWithinDays); otherwise active.
    /// </summary>
    public LifecycleStage Lifecycle(DateTimeOffset asOf, FeatureOptions o)
    {
        if (Orders == 0 || LastPurchaseAt is null) return LifecycleStage.Prospect;
        var recency = (asOf - LastPurchaseAt.Value).TotalDays;
        if (recency > o.LapsedAfterDays) return LifecycleStage.Lapsed;
        if (recency > o.AtRiskAfterDays) return LifecycleStage.AtRisk;
        if (Orders >= o.LoyalMinOrders) return LifecycleStage.Loyal;
        if ((asOf - FirstPurchaseAt!.Value).TotalDays <= o.NewWithinDays) return LifecycleStage.New;
        return LifecycleStage.Active;
    }

    /// <summary>
    /// CLV = average purchase frequency (orders per year) x average order value x expected lifespan (years).
    /// Frequency = orders / observed span in years, the span being first order to <paramref name="asOf"/>,
    /// at least 30 days so that one recent order does not extrapolate to hundreds a year (MISSION.md §9).
    /// </summary>
    public double Clv(DateTimeOffset asOf, FeatureOptions o)
    {
        if (Orders == 0 || FirstPurchaseAt is null) return 0;
        var spanYears = Math.Max(30, (asOf - FirstPurchaseAt.Value).TotalDays) / 365.25;
        return Orders / spanYears * Aov * o.ExpectedLifespanYears;
    }

    public double Aov => Orders == 0 ? 0 : (double)Monetary / Orders;

    /// <summary>The features every customer can have, in the order of the flat view (windows and affinities follow).</summary>
    private static readonly string[] _baseNames =
    [
        "frequency", "orders_total", "monetary", "revenue_total", "refunds_total", "refund_amount_total", "aov", "clv",
        "sessions_total", "page_views_total", "cart_items", "cart_value", "cart_abandoned", "email_opens", "email_clicks",
        "email_click_to_open", "complaints_total", "support_tickets_total", "reviews_total", "offer_impressions",
        "offer_clicks", "offer_accepts", "offer_rejects", "lifecycle_stage", "value_tier", "email_open_rate",
        "recency_days", "days_since_last_seen", "purchase_interval_days", "avg_rating", "sentiment",
    ];

    private static readonly string[] _windowNames = [.. _windows.SelectMany(w => new[] { "events_" + w.Name, "orders_" + w.Name, "revenue_" + w.Name, "refunds_" + w.Name })];

    private static readonly string[] _tailNames =
    [
        "session_active", "session_length_s", "session_pages", "avg_session_length_s", "avg_session_pages",
        "preferred_channel", "preferred_hour", "top_category_affinity",
    ];

    /// <summary>
    /// The flat name -> number view read by segments and decisioning: every feature <see cref="TryGetFeature"/>
    /// knows for this customer (the formulas live there only), the per-key affinities last.
    /// </summary>
    public Dictionary<string, double> Flatten(DateTimeOffset asOf, FeatureOptions o)
    {
        var f = new Dictionary<string, double>(64, StringComparer.Ordinal);
        void Add(string name)
        {
            if (TryGetFeature(name, asOf, o, out var value)) f[name] = value;
        }
        foreach (var name in _baseNames) Add(name);
        foreach (var name in _windowNames) Add(name);
        foreach (var name in _tailNames) Add(name);
        // Per key, so rules can ask "likes shoes?" ({"feature":"category_affinity.shoes","op":">","value":0}).
        foreach (var s in Categories.Scores) f["category_affinity." + s.Key] = Categories.ValueAt(s.Key, asOf, o.AffinityHalfLifeDays);
        foreach (var s in Brands.Scores) f["brand_affinity." + s.Key] = Brands.ValueAt(s.Key, asOf, o.AffinityHalfLifeDays);
        foreach (var s in Purchases?.Scores ?? []) f["category_purchases." + s.Key] = Purchases!.ValueAt(s.Key, asOf, o.AffinityHalfLifeDays);
        return f;
    }
}
