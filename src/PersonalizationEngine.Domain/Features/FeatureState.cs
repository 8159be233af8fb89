using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Domain.Features;

/// <summary>
/// Behavioural features of one customer, updated on every event by EVENT time (issue 3 "Features and
/// portrait"). Serialisable state: public get/set properties only. Read through <see cref="Flatten"/>.
/// </summary>
public sealed partial class FeatureState
{
    // RFM and purchase habits. Refunds reduce monetary value; they do not count as orders.
    public int Orders { get; set; }
    public decimal Gross { get; set; }
    public int Refunds { get; set; }
    public decimal RefundAmount { get; set; }
    public DateTimeOffset? FirstPurchaseAt { get; set; }
    public DateTimeOffset? LastPurchaseAt { get; set; }
    public DateTimeOffset? FirstSeenAt { get; set; }
    public DateTimeOffset? LastSeenAt { get; set; }

    public WindowCounter EventsWindow { get; set; } = new();
    public WindowCounter OrdersWindow { get; set; } = new();
    public WindowCounter RefundsWindow { get; set; } = new();
    public int PageViews { get; set; }

    // Sessions (current session by event time; earlier sessions summarised).
    public DateTimeOffset? SessionStart { get; set; }
    public DateTimeOffset? SessionLast { get; set; }
    public int SessionPages { get; set; }
    public int Sessions { get; set; }
    public double ClosedSessionSeconds { get; set; }
    public int ClosedSessionPages { get; set; }

    // Cart.
    public int CartItems { get; set; }
    public decimal CartValue { get; set; }
    public DateTimeOffset? CartUpdatedAt { get; set; }

    public DecayedTopK Categories { get; set; } = new();
    public DecayedTopK Brands { get; set; } = new();
    public int[] ChannelCounts { get; set; } = new int[10];
    public int[] HourCounts { get; set; } = new int[24];

    public int EmailOpens { get; set; }
    public int EmailClicks { get; set; }
    public int EmailSends { get; set; }
    public int Complaints { get; set; }
    public int SupportTickets { get; set; }
    public int Reviews { get; set; }
    public double RatingSum { get; set; }
    public int OfferImpressions { get; set; }
    public int OfferClicks { get; set; }
    public int OfferAccepts { get; set; }
    public int OfferRejects { get; set; }

    public decimal Monetary => Gross - RefundAmount;
}
