namespace PersonalizationEngine.Domain.Features;

public sealed partial class FeatureState
{
    /// <summary>
    /// One feature, computed on its own (absent: false); the only place the formulas live, <see cref="Flatten"/>
    /// asks it for every name. Segment rules and models read a handful of features after every event; this spares
    /// them the ~60-entry dictionary.
    /// </summary>
    public bool TryGetFeature(string name, DateTimeOffset asOf, FeatureOptions o, out double value)
    {
        value = 0;
        switch (name)
        {
            case "frequency":
            case "orders_total": value = Orders; return true;
            case "monetary":
            case "revenue_total": value = (double)Monetary; return true;
            case "refunds_total": value = Refunds; return true;
            case "refund_amount_total": value = (double)RefundAmount; return true;
            case "aov": value = Aov; return true;
            case "clv": value = Clv(asOf, o); return true;
            case "sessions_total": value = Sessions; return true;
            case "page_views_total": value = PageViews; return true;
            case "cart_items": value = CartItems; return true;
            case "cart_value": value = (double)CartValue; return true;
            case "cart_abandoned": value = CartItems > 0 && CartUpdatedAt is { } cu && asOf - cu >= o.CartAbandonAfter ? 1 : 0; return true;
            case "email_opens": value = EmailOpens; return true;
            case "email_clicks": value = EmailClicks; return true;
            case "email_click_to_open": value = EmailOpens == 0 ? 0 : (double)EmailClicks / EmailOpens; return true;
            case "complaints_total": value = Complaints; return true;
            case "support_tickets_total": value = SupportTickets; return true;
            case "reviews_total": value = Reviews; return true;
            case "offer_impressions": value = OfferImpressions; return true;
            case "offer_clicks": value = OfferClicks; return true;
            case "offer_accepts": value = OfferAccepts; return true;
            case "offer_rejects": value = OfferRejects; return true;
            case "lifecycle_stage": value = (int)Lifecycle(asOf, o); return true;
            case "value_tier": value = ValueTier(o); return true;
            case "email_open_rate":
                if (EmailSends == 0) return false;
                value = (double)EmailOpens / EmailSends; return true;
            case "recency_days":
                if (LastPurchaseAt is not { } lp) return false;
                value = Math.Max(0, (asOf - lp).TotalDays); return true;
            case "days_since_last_seen":
                if (LastSeenAt is not { } ls) return false;
                value = Math.Max(0, (asOf - ls).TotalDays); return true;
            case "purchase_interval_days":
                if (Orders < 2) return false;
                value = (LastPurchaseAt!.Value - FirstPurchaseAt!.Value).TotalDays / (Orders - 1); return true;
            case "avg_rating":
                if (Reviews == 0) return false;
                value = RatingSum / Reviews; return true;
            case "sentiment":
                if (Reviews == 0) return false;
                value = (RatingSum / Reviews - 3) / 2; return true;
            case "session_active":
                if (SessionStart is null) return false;
                value = asOf - SessionLast!.Value < o.SessionTimeout ? 1 : 0; return true;
            case "session_length_s":
                if (SessionStart is not { } s1) return false;
                value = (SessionLast!.Value - s1).TotalSeconds; return true;
            case "session_pages":
                if (SessionStart is null) return false;
                value = SessionPages; return true;
            case "avg_session_length_s":
                if (SessionStart is not { } s2) return false;
                value = ((SessionLast!.Value - s2).TotalSeconds + ClosedSessionSeconds) / Sessions; return true;
            case "avg_session_pages":
                if (SessionStart is null) return false;
                value = (double)(SessionPages + ClosedSessionPages) / Math.Max(1, Sessions - 1 + 1); return true;
            case "preferred_channel":
                return TryArgMax(ChannelCounts, out value);
            case "preferred_hour":
                return TryArgMax(HourCounts, out value);
            case "top_category_affinity":
                if (Categories.Top is not { } top) return false;
                value = Categories.ValueAt(top, asOf, o.AffinityHalfLifeDays); return true;
        }
        if (TryWindowFeature(name, asOf, out value)) return true;
        if (TryAffinity(name, "category_affinity.", Categories, asOf, o, out value)) return true;
        if (Purchases is { } bought && TryAffinity(name, "category_purchases.", bought, asOf, o, out value)) return true;
        return TryAffinity(name, "brand_affinity.", Brands, asOf, o, out value);
    }

    private int ValueTier(FeatureOptions o)
    {
        var monetary = (double)Monetary;
        var tier = 0;
        foreach (var th in o.ValueTierThresholds)
        {
            if (monetary >= th) tier++;
        }
        return tier;
    }

    /// <summary>Index of the first maximum; absent when that count is 0 (nothing counted yet).</summary>
    private static bool TryArgMax(int[] counts, out double value)
    {
        value = 0;
        if (counts.Length == 0) return false;
        var best = 0;
        for (var i = 1; i < counts.Length; i++)
        {
            if (counts[i] > counts[best]) best = i;
        }
        if (counts[best] <= 0) return false;
        value = best;
        return true;
    }

    /// <summary><c>events_/orders_/revenue_/refunds_</c> followed by a window name (1h, 24h, 7d, 30d, 90d).</summary>
    private bool TryWindowFeature(string name, DateTimeOffset asOf, out double value)
    {
        value = 0;
        var underscore = name.IndexOf('_');
        if (underscore <= 0) return false;
        var suffix = name.AsSpan(underscore + 1);
        TimeSpan? span = null;
        foreach (var (w, s) in _windows)
        {
            if (suffix.SequenceEqual(w)) { span = s; break; }
        }
        if (span is not { } window) return false;
        switch (name.AsSpan(0, underscore))
        {
            case "events": value = EventsWindow.In(window, asOf).Count; return true;
            case "orders": value = OrdersWindow.In(window, asOf).Count; return true;
            case "refunds": value = RefundsWindow.In(window, asOf).Count; return true;
            case "revenue": value = OrdersWindow.In(window, asOf).Sum - RefundsWindow.In(window, asOf).Sum; return true;
            default: return false;
        }
    }

    private static bool TryAffinity(string name, string prefix, DecayedTopK scores, DateTimeOffset asOf, FeatureOptions o, out double value)
    {
        value = 0;
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var key = name.AsSpan(prefix.Length);
        foreach (var s in scores.Scores)
        {
            if (key.SequenceEqual(s.Key))
            {
                value = scores.ValueAt(s.Key, asOf, o.AffinityHalfLifeDays);
                return true;
            }
        }
        return false;
    }
}
