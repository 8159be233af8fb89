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
    public DateTimeOffset? FirstPurchaseAt { get => _firstPurchaseAt.Value; set => _firstPurchaseAt = new(value); }
    public DateTimeOffset? LastPurchaseAt { get => _lastPurchaseAt.Value; set => _lastPurchaseAt = new(value); }
    public DateTimeOffset? FirstSeenAt { get => _firstSeenAt.Value; set => _firstSeenAt = new(value); }
    public DateTimeOffset? LastSeenAt { get => _lastSeenAt.Value; set => _lastSeenAt = new(value); }

    public WindowCounter EventsWindow { get; set; } = new();
    public WindowCounter OrdersWindow { get; set; } = new();
    public WindowCounter RefundsWindow { get; set; } = new();
    public int PageViews { get; set; }

    // Sessions (current session by event time; earlier sessions summarised).
    public DateTimeOffset? SessionStart { get => _sessionStart.Value; set => _sessionStart = new(value); }
    public DateTimeOffset? SessionLast { get => _sessionLast.Value; set => _sessionLast = new(value); }
    public int SessionPages { get; set; }
    public int Sessions { get; set; }
    public double ClosedSessionSeconds { get; set; }
    public int ClosedSessionPages { get; set; }

    // Cart.
    public int CartItems { get; set; }
    public decimal CartValue { get; set; }
    public DateTimeOffset? CartUpdatedAt { get => _cartUpdatedAt.Value; set => _cartUpdatedAt = new(value); }

    public DecayedTopK Categories { get; set; } = new();
    public DecayedTopK Brands { get; set; } = new();

    /// <summary>
    /// Categories bought (decayed count of purchases, same half-life as the affinities), null until the first purchase
    /// with a category: <c>category_purchases.camping</c> lets an offer's applicability say "not right after buying it".
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DecayedTopK? Purchases { get; set; }
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

    // The seven optional times as clock ticks + offset minutes (10 bytes each once the runtime packs the fields)
    // instead of DateTimeOffset? (24 bytes each): about 100 bytes less per customer (4 KB goal). Same values,
    // offsets included, through the public properties and in the JSON.
    private PackedTime _firstPurchaseAt = PackedTime.None;
    private PackedTime _lastPurchaseAt = PackedTime.None;
    private PackedTime _firstSeenAt = PackedTime.None;
    private PackedTime _lastSeenAt = PackedTime.None;
    private PackedTime _sessionStart = PackedTime.None;
    private PackedTime _sessionLast = PackedTime.None;
    private PackedTime _cartUpdatedAt = PackedTime.None;
}
