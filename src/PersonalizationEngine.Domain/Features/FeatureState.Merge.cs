namespace PersonalizationEngine.Domain.Features;

public sealed partial class FeatureState
{
    /// <summary>
    /// Adds another customer's features into this one (profile merge). Counters, sums and windows add
    /// exactly; affinities are rescaled to this reference time; of the two current sessions the later one
    /// stays current and the other is closed.
    /// </summary>
    public void MergeFrom(FeatureState o, FeatureOptions options)
    {
        Orders += o.Orders; Gross += o.Gross; Refunds += o.Refunds; RefundAmount += o.RefundAmount;
        FirstPurchaseAt = Min(FirstPurchaseAt, o.FirstPurchaseAt); LastPurchaseAt = Max(LastPurchaseAt, o.LastPurchaseAt);
        FirstSeenAt = Min(FirstSeenAt, o.FirstSeenAt); LastSeenAt = Max(LastSeenAt, o.LastSeenAt);
        Merge(EventsWindow, o.EventsWindow); Merge(OrdersWindow, o.OrdersWindow); Merge(RefundsWindow, o.RefundsWindow);
        PageViews += o.PageViews;

        Sessions += o.Sessions;
        ClosedSessionSeconds += o.ClosedSessionSeconds; ClosedSessionPages += o.ClosedSessionPages;
        if (o.SessionStart is not null)
        {
            var keepOurs = SessionLast is not null && SessionLast >= o.SessionLast;
            var (closeStart, closeLast, closePages) = keepOurs ? (o.SessionStart, o.SessionLast, o.SessionPages) : (SessionStart, SessionLast, SessionPages);
            if (closeStart is not null) { ClosedSessionSeconds += (closeLast!.Value - closeStart.Value).TotalSeconds; ClosedSessionPages += closePages; }
            if (!keepOurs) { SessionStart = o.SessionStart; SessionLast = o.SessionLast; SessionPages = o.SessionPages; }
        }
        if (o.CartUpdatedAt is not null && (CartUpdatedAt is null || o.CartUpdatedAt > CartUpdatedAt))
        {
            CartItems = o.CartItems; CartValue = o.CartValue; CartUpdatedAt = o.CartUpdatedAt;
        }
        MergeAffinity(Categories, o.Categories, options);
        MergeAffinity(Brands, o.Brands, options);
        if (o.Purchases is { } bought) MergeAffinity(Purchases ??= new(), bought, options);
        for (var i = 0; i < ChannelCounts.Length; i++) ChannelCounts[i] += o.ChannelCounts[i];
        for (var i = 0; i < HourCounts.Length; i++) HourCounts[i] += o.HourCounts[i];
        EmailOpens += o.EmailOpens; EmailClicks += o.EmailClicks; EmailSends += o.EmailSends;
        Complaints += o.Complaints; SupportTickets += o.SupportTickets; Reviews += o.Reviews; RatingSum += o.RatingSum;
        OfferImpressions += o.OfferImpressions; OfferClicks += o.OfferClicks; OfferAccepts += o.OfferAccepts; OfferRejects += o.OfferRejects;
    }

    private static void Merge(WindowCounter into, WindowCounter from)
    {
        foreach (var b in from.Buckets)
        {
            for (var n = 0; n < b.Count; n++) into.Add(DateTimeOffset.FromUnixTimeSeconds(b.Minute * 60L), n == 0 ? b.Sum : 0);
        }
    }

    private static void MergeAffinity(DecayedTopK into, DecayedTopK from, FeatureOptions options)
    {
        if (from.Scores.Count == 0) return;
        if (into.Scores.Count == 0) into.Reference = from.Reference;
        var scale = Math.Pow(2, (from.Reference - into.Reference).TotalDays / options.AffinityHalfLifeDays);
        foreach (var (k, v) in from.Scores) into.AddScaled(k, v * scale);
        while (into.Scores.Count > options.AffinityTopK) into.Scores.Remove(into.Scores.MinBy(p => p.Score));
    }

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
