namespace PersonalizationEngine.Grains.Offers;

/// <summary>
/// The context vector the propensity models see: a bias term plus a few bounded transforms of the customer's
/// live features and the channel of the request. Fixed length (<see cref="Dimension"/>), all values in [0, 1]
/// so the ridge prior treats them alike.
/// </summary>
public static class OfferContext
{
    public static readonly string[] Names =
    [
        "bias", "recent", "orders", "aov", "churn", "activity_7d", "cart", "email_engaged", "channel_web", "channel_app", "channel_email",
    ];

    /// <summary>The number of context entries (a constant so decisions can store a context inline).</summary>
    public const int Size = 11;

    public static int Dimension => Size;

    public static double[] Build(IReadOnlyDictionary<string, double> f, string channel)
    {
        double F(string name) => f.TryGetValue(name, out var v) && double.IsFinite(v) ? v : 0;
        var recency = f.TryGetValue("recency_days", out var r) && double.IsFinite(r) ? r : 365;
        return
        [
            1,
            1 / (1 + recency / 30),
            Squash(F("orders_total"), 5),
            Squash(F("aov"), 100),
            Math.Clamp(F("churn_probability"), 0, 1),
            Squash(F("events_7d"), 10),
            F("cart_items") > 0 ? 1 : 0,
            Math.Clamp(F("email_click_to_open"), 0, 1),
            channel == "web" ? 1 : 0,
            channel == "app" ? 1 : 0,
            channel == "email" ? 1 : 0,
        ];
    }

    /// <summary>x / (x + half): 0 at 0, 0.5 at <paramref name="half"/>, towards 1 beyond.</summary>
    private static double Squash(double x, double half) => x <= 0 ? 0 : x / (x + half);
}
