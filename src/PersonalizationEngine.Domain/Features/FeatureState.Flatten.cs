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

    /// <summary>The flat name -> number view read by segments and decisioning.</summary>
    public Dictionary<string, double> Flatten(DateTimeOffset asOf, FeatureOptions o)
    {
        var f = new Dictionary<string, double>(64, StringComparer.Ordinal)
        {
            ["frequency"] = Orders,
            ["orders_total"] = Orders,
            ["monetary"] = (double)Monetary,
            ["revenue_total"] = (double)Monetary,
            ["refunds_total"] = Refunds,
            ["refund_amount_total"] = (double)RefundAmount,
            ["aov"] = Aov,
            ["clv"] = Clv(asOf, o),
            ["sessions_total"] = Sessions,
            ["page_views_total"] = PageViews,
            ["cart_items"] = CartItems,
            ["cart_value"] = (double)CartValue,
            ["cart_abandoned"] = CartItems > 0 && CartUpdatedAt is { } cu && asOf - cu >= o.CartAbandonAfter ? 1 : 0,
            ["email_opens"] = EmailOpens,
            ["email_clicks"] = EmailClicks,
            ["email_click_to_open"] = EmailOpens == 0 ? 0 : (double)EmailClicks / EmailOpens,
            ["complaints_total"] = Complaints,
            ["support_tickets_total"] = SupportTickets,
            ["reviews_total"] = Reviews,
            ["offer_impressions"] = OfferImpressions,
            ["offer_clicks"] = OfferClicks,
            ["offer_accepts"] = OfferAccepts,
            ["offer_rejects"] = OfferRejects,
            ["lifecycle_stage"] = (int)Lifecycle(asOf, o),
            ["value_tier"] = o.ValueTierThresholds.Count(th => (double)Monetary >= th),
        };
        if (EmailSends > 0) f["email_open_rate"] = (double)EmailOpens / EmailSends;
        if (LastPurchaseAt is { } lp) f["recency_days"] = Math.Max(0, (asOf - lp).TotalDays);
        if (LastSeenAt is { } ls) f["days_since_last_seen"] = Math.Max(0, (asOf - ls).TotalDays);
        if (Orders >= 2) f["purchase_interval_days"] = (LastPurchaseAt!.Value - FirstPurchaseAt!.Value).TotalDays / (Orders - 1);
        if (Reviews > 0)
        {
            f["avg_rating"] = RatingSum / Reviews;
            // Sentiment in [-1, 1] from the 1..5 star scale: 3 stars is neutral.
            f["sentiment"] = (RatingSum / Reviews - 3) / 2;
        }
        foreach (var (name, span) in _windows)
        {
            f["events_" + name] = EventsWindow.In(span, asOf).Count;
            var orders = OrdersWindow.In(span, asOf);
            f["orders_" + name] = orders.Count;
            var refunds = RefundsWindow.In(span, asOf);
            // Net revenue: refunds count in the window of the refund's own time.
            f["revenue_" + name] = orders.Sum - refunds.Sum;
            f["refunds_" + name] = refunds.Count;
        }
        if (SessionStart is { } ss)
        {
            var sessionOpen = asOf - SessionLast!.Value < o.SessionTimeout;
            f["session_active"] = sessionOpen ? 1 : 0;
            f["session_length_s"] = (SessionLast.Value - ss).TotalSeconds;
            f["session_pages"] = SessionPages;
            var closed = Sessions - 1;
            f["avg_session_length_s"] = ((SessionLast.Value - ss).TotalSeconds + ClosedSessionSeconds) / Sessions;
            f["avg_session_pages"] = (double)(SessionPages + ClosedSessionPages) / Math.Max(1, closed + 1);
        }
        var channel = Array.IndexOf(ChannelCounts, ChannelCounts.Max());
        if (ChannelCounts[channel] > 0) f["preferred_channel"] = channel;
        var hour = Array.IndexOf(HourCounts, HourCounts.Max());
        if (HourCounts[hour] > 0) f["preferred_hour"] = hour;
        if (Categories.Top is { } top) f["top_category_affinity"] = Categories.ValueAt(top, asOf, o.AffinityHalfLifeDays);
        // Per key, so rules can ask "likes shoes?" ({"feature":"category_affinity.shoes","op":">","value":0}).
        foreach (var s in Categories.Scores) f["category_affinity." + s.Key] = Categories.ValueAt(s.Key, asOf, o.AffinityHalfLifeDays);
        foreach (var s in Brands.Scores) f["brand_affinity." + s.Key] = Brands.ValueAt(s.Key, asOf, o.AffinityHalfLifeDays);
        return f;
    }
}
