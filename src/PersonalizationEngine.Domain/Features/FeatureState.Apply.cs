using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Domain.Features;

public sealed partial class FeatureState
{
    /// <summary>Updates every feature for one (already deduplicated) event.</summary>
    public void Apply(CustomerEvent e, FeatureOptions o)
    {
        var t = e.Timestamp;
        if (FirstSeenAt is null || t < FirstSeenAt) FirstSeenAt = t;
        if (LastSeenAt is null || t > LastSeenAt) LastSeenAt = t;
        EventsWindow.Add(t);
        ChannelCounts[(int)e.Channel]++;
        // Preferred hour in the customer's own local time (the offset the event carries).
        HourCounts[t.Hour]++;
        ApplySession(e, o);

        switch (e.Type)
        {
            case EventTypes.Purchase:
                var amount = e.Amount;
                Orders++;
                Gross += amount;
                OrdersWindow.Add(t, (double)amount);
                if (FirstPurchaseAt is null || t < FirstPurchaseAt) FirstPurchaseAt = t;
                if (LastPurchaseAt is null || t > LastPurchaseAt) LastPurchaseAt = t;
                if (CartUpdatedAt is null || t >= CartUpdatedAt) { CartItems = 0; CartValue = 0; CartUpdatedAt = t; }
                AddAffinities(e, o, weight: 3);
                AddPurchases(e, o);
                break;
            case EventTypes.Refund:
                Refunds++;
                RefundAmount += Math.Abs(e.Amount);
                RefundsWindow.Add(t, (double)Math.Abs(e.Amount));
                break;
            case EventTypes.AddToCart:
            case EventTypes.RemoveFromCart:
                // A late cart change from before the last purchase was converted by it: it must not reopen the cart.
                if (LastPurchaseAt is { } bought && t <= bought) break;
                var sign = e.Type == EventTypes.AddToCart ? 1 : -1;
                var qty = (int)(e.Properties.Number("quantity") ?? e.Properties.Items?.Sum(x => x.Quantity) ?? 1);
                var value = e.Properties.Number("price") is { } p ? p * qty : e.Amount;
                CartItems = Math.Max(0, CartItems + sign * qty);
                CartValue = CartItems == 0 ? 0 : Math.Max(0, CartValue + sign * value);
                if (CartUpdatedAt is null || t > CartUpdatedAt) CartUpdatedAt = t;
                if (sign > 0) AddAffinities(e, o, weight: 2);
                break;
            case EventTypes.ProductView:
                AddAffinities(e, o, weight: 1);
                break;
            case EventTypes.PageView:
            case EventTypes.ScreenView:
                PageViews++;
                break;
            case EventTypes.EmailOpen: EmailOpens++; break;
            case EventTypes.EmailClick: EmailClicks++; break;
            case "email_send" or "email_delivered": EmailSends++; break;
            case EventTypes.Complaint: Complaints++; break;
            case EventTypes.SupportTicket: SupportTickets++; break;
            case EventTypes.Review:
                if (e.Properties.Number("rating") is { } r) { Reviews++; RatingSum += (double)r; }
                break;
            case EventTypes.OfferImpression: OfferImpressions++; break;
            case EventTypes.OfferClick: OfferClicks++; break;
            case EventTypes.OfferAccept: OfferAccepts++; break;
            case EventTypes.OfferReject: OfferRejects++; break;
        }
    }

    private void ApplySession(CustomerEvent e, FeatureOptions o)
    {
        var t = e.Timestamp;
        var isPage = e.Type is EventTypes.PageView or EventTypes.ScreenView or EventTypes.ProductView;
        if (SessionStart is null)
        {
            StartSession(t, isPage);
        }
        else if (t >= SessionStart && t <= SessionLast!.Value + o.SessionTimeout)
        {
            if (t > SessionLast) SessionLast = t;
            if (isPage) SessionPages++;
        }
        else if (t > SessionLast!.Value + o.SessionTimeout)
        {
            ClosedSessionSeconds += (SessionLast.Value - SessionStart.Value).TotalSeconds;
            ClosedSessionPages += SessionPages;
            StartSession(t, isPage);
        }
        else if (t >= SessionStart.Value - o.SessionTimeout)
        {
            // Late event just before the current session: it extends the session backwards.
            SessionStart = t;
            if (isPage) SessionPages++;
        }
        else
        {
            // A late event from an earlier, already closed session: counted as part of history only.
            if (isPage) ClosedSessionPages++;
        }
    }

    private void StartSession(DateTimeOffset t, bool isPage)
    {
        Sessions++;
        SessionStart = t;
        SessionLast = t;
        SessionPages = isPage ? 1 : 0;
    }

    private void AddPurchases(CustomerEvent e, FeatureOptions o)
    {
        var p = e.Properties;
        if (p.String("category") is { } c) (Purchases ??= new()).Add(c, e.Timestamp, 1, o.AffinityHalfLifeDays, o.AffinityTopK);
        foreach (var item in p.Items ?? [])
        {
            if (item.Category is { } ic) (Purchases ??= new()).Add(ic, e.Timestamp, 1, o.AffinityHalfLifeDays, o.AffinityTopK);
        }
    }

    private void AddAffinities(CustomerEvent e, FeatureOptions o, double weight)
    {
        var p = e.Properties;
        if (p.String("category") is { } c) Categories.Add(c, e.Timestamp, weight, o.AffinityHalfLifeDays, o.AffinityTopK);
        if (p.String("brand") is { } b) Brands.Add(b, e.Timestamp, weight, o.AffinityHalfLifeDays, o.AffinityTopK);
        foreach (var item in p.Items ?? [])
        {
            if (item.Category is { } ic) Categories.Add(ic, e.Timestamp, weight, o.AffinityHalfLifeDays, o.AffinityTopK);
            if (item.Brand is { } ib) Brands.Add(ib, e.Timestamp, weight, o.AffinityHalfLifeDays, o.AffinityTopK);
        }
    }
}
