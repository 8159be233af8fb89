using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Features;
using PersonalizationEngine.Domain.Profiles;
using static PersonalizationEngine.Domain.Tests.Ev;

namespace PersonalizationEngine.Domain.Tests.Features;

public sealed class FeatureCalculationTests
{
    private static IReadOnlyDictionary<string, double> Run(DateTimeOffset asOf, params CustomerEvent[] events)
    {
        var p = new CustomerProfile("p");
        foreach (var e in events) p.Apply(e, ProfileSettings.Default, e.ReceivedAt);
        return p.Features(asOf);
    }

    [Fact]
    public void Rfm_aov_and_purchase_interval_with_a_refund()
    {
        // Hand check: orders at -10 d (100) and -4 d (50), refund 30 at -1 d.
        // recency 4 d, frequency 2, monetary 100 + 50 - 30 = 120, aov 60, interval (10 - 4) / 1 = 6 d.
        var f = Run(T0, Purchase(T0.AddDays(-10), 100m), Purchase(T0.AddDays(-4), 50m), Refund(T0.AddDays(-1), 30m));
        Assert.Equal(4, f["recency_days"], 9);
        Assert.Equal(2, f["frequency"]);
        Assert.Equal(120, f["monetary"], 9);
        Assert.Equal(60, f["aov"], 9);
        Assert.Equal(6, f["purchase_interval_days"], 9);
        Assert.Equal(1, f["refunds_total"]);
    }

    [Fact]
    public void Window_counts_and_sums_for_1h_24h_7d_30d_90d()
    {
        // Amounts 1, 2, 4, 8, 16, 32 at -30 min, -2 h, -3 d, -20 d, -60 d, -100 d: each window's sum is unique.
        var f = Run(T0,
            Purchase(T0.AddDays(-100), 32m), Purchase(T0.AddDays(-60), 16m), Purchase(T0.AddDays(-20), 8m),
            Purchase(T0.AddDays(-3), 4m), Purchase(T0.AddHours(-2), 2m), Purchase(T0.AddMinutes(-30), 1m));
        Assert.Equal((1, 1), ((int)f["orders_1h"], f["revenue_1h"]));
        Assert.Equal((2, 3), ((int)f["orders_24h"], f["revenue_24h"]));
        Assert.Equal((3, 7), ((int)f["orders_7d"], f["revenue_7d"]));
        Assert.Equal((4, 15), ((int)f["orders_30d"], f["revenue_30d"]));
        Assert.Equal((5, 31), ((int)f["orders_90d"], f["revenue_90d"]));
        Assert.Equal(6, f["frequency"]);
        Assert.Equal(5, f["events_90d"]);
    }

    [Fact]
    public void Late_out_of_order_events_land_in_their_event_time_window()
    {
        // Newest first, then a late event 3 days old: it belongs in 7d, not in 1h or 24h.
        var f = Run(T0, Purchase(T0.AddMinutes(-5), 10m), Purchase(T0.AddDays(-3), 5m));
        Assert.Equal(10, f["revenue_1h"]);
        Assert.Equal(10, f["revenue_24h"]);
        Assert.Equal(15, f["revenue_7d"]);
        // Recency follows the newest purchase, not the last applied one.
        Assert.Equal(5.0 / 1440, f["recency_days"], 9);
    }

    [Fact]
    public void Windows_expire_relative_to_asOf()
    {
        var p = new CustomerProfile("p");
        p.Apply(Purchase(T0, 10m));
        Assert.Equal(1, p.Features(T0.AddMinutes(59))["orders_1h"]);
        Assert.Equal(0, p.Features(T0.AddMinutes(61))["orders_1h"]);
        Assert.Equal(1, p.Features(T0.AddHours(23))["orders_24h"]);
        Assert.Equal(0, p.Features(T0.AddHours(25))["orders_24h"]);
        Assert.Equal(1, p.Features(T0.AddDays(29))["orders_30d"]);
        Assert.Equal(0, p.Features(T0.AddDays(31))["orders_30d"]);
        Assert.Equal(0, p.Features(T0.AddDays(91))["orders_90d"]);
        Assert.Equal(10, p.Features(T0.AddDays(91))["monetary"]);
    }

    [Fact]
    public void Old_minute_buckets_are_compacted_to_days_and_dropped_after_90_days()
    {
        var w = new WindowCounter();
        for (var i = 0; i < 10; i++) w.Add(T0.AddMinutes(i * 7), 1);
        Assert.Equal(10, w.Buckets.Count);
        w.Add(T0.AddDays(3), 1);
        Assert.True(w.Buckets.Count <= 3);
        Assert.Equal((11, 11.0), w.In(TimeSpan.FromDays(7), T0.AddDays(3)));
        w.Add(T0.AddDays(95), 1);
        Assert.Equal((1, 1.0), w.In(TimeSpan.FromDays(1000), T0.AddDays(95)));
    }

    [Fact]
    public void Sessions_split_after_30_minutes_of_inactivity()
    {
        // 12:00, 12:10, 12:35 one session (35 min, 3 pages); 13:30 starts the second.
        var f = Run(T0.AddMinutes(95),
            Make(EventTypes.PageView, T0), Make(EventTypes.PageView, T0.AddMinutes(10)),
            Make(EventTypes.PageView, T0.AddMinutes(35)), Make(EventTypes.PageView, T0.AddMinutes(90)));
        Assert.Equal(2, f["sessions_total"]);
        Assert.Equal(1, f["session_pages"]);
        Assert.Equal(0, f["session_length_s"]);
        Assert.Equal(1, f["session_active"]);
        Assert.Equal(2100.0 / 2, f["avg_session_length_s"], 9);
        Assert.Equal(2, f["avg_session_pages"], 9);
    }

    [Fact]
    public void Cart_is_abandoned_after_an_hour_and_cleared_by_a_purchase()
    {
        var add = Make(EventTypes.AddToCart, T0, props: new EventProperties().Set("quantity", 2m).Set("price", 10m));
        var f = Run(T0.AddMinutes(90), add);
        Assert.Equal(2, f["cart_items"]);
        Assert.Equal(20, f["cart_value"]);
        Assert.Equal(1, f["cart_abandoned"]);
        Assert.Equal(0, Run(T0.AddMinutes(30), add with { EventId = "a2" })["cart_abandoned"]);

        var bought = Run(T0.AddHours(3), add with { EventId = "a3" }, Purchase(T0.AddMinutes(20), 20m),
            // Late add from before the purchase must not reopen the cart.
            Make(EventTypes.AddToCart, T0.AddMinutes(-5), props: new EventProperties().Set("quantity", 1m).Set("price", 5m)));
        Assert.Equal(0, bought["cart_items"]);
        Assert.Equal(0, bought["cart_abandoned"]);
    }

    [Fact]
    public void Categories_bought_are_a_decayed_purchase_count_that_views_do_not_move()
    {
        var view = Make(EventTypes.ProductView, T0, props: new EventProperties().Set("category", "camping"));
        Assert.False(Run(T0.AddDays(1), view).ContainsKey("category_purchases.camping"));
        var buy = Purchase(T0, 240m, category: "camping");
        Assert.Equal(1, Run(T0, view with { EventId = "v2" }, buy)["category_purchases.camping"], 9);
        // One half-life (30 days) later the purchase counts half: "bought recently" rules let the offer back in.
        Assert.Equal(0.5, Run(T0.AddDays(30), Purchase(T0, 240m, category: "camping"))["category_purchases.camping"], 9);
    }

    [Fact]
    public void Affinities_decay_with_a_30_day_half_life_and_stay_top_k()
    {
        var view = Make(EventTypes.ProductView, T0, props: new EventProperties().Set("category", "shoes"));
        var buy = Purchase(T0, 10m, category: "bags");
        // Weights: view 1, purchase 3; after one half-life, bags = 1.5.
        Assert.Equal(1.5, Run(T0.AddDays(30), view, buy)["top_category_affinity"], 9);

        var k = new DecayedTopK();
        for (var i = 0; i < 10; i++) k.Add("c" + i, T0, i + 1, 30, 8);
        Assert.Equal(8, k.Scores.Count);
        Assert.Equal("c9", k.Top);
        Assert.False(k.Contains("c0"));
    }

    [Fact]
    public void Preferred_channel_and_hour()
    {
        var at8 = new DateTimeOffset(2026, 1, 10, 8, 15, 0, TimeSpan.FromHours(1));
        var f = Run(T0, Make(EventTypes.EmailOpen, at8, Channel.Email), Make(EventTypes.EmailOpen, at8.AddDays(1), Channel.Email),
            Make(EventTypes.EmailClick, at8.AddDays(2), Channel.Email), Make(EventTypes.PageView, at8.AddHours(12)));
        Assert.Equal((double)Channel.Email, f["preferred_channel"]);
        // Local hour of the customer (the event's own offset), not UTC.
        Assert.Equal(8, f["preferred_hour"]);
    }

    [Fact]
    public void Email_engagement_rates()
    {
        var events = new List<CustomerEvent>();
        for (var i = 0; i < 8; i++) events.Add(Make("email_send", T0.AddMinutes(i), Channel.Email));
        for (var i = 0; i < 4; i++) events.Add(Make(EventTypes.EmailOpen, T0.AddMinutes(10 + i), Channel.Email));
        events.Add(Make(EventTypes.EmailClick, T0.AddMinutes(20), Channel.Email));
        var f = Run(T0.AddHours(1), [.. events]);
        Assert.Equal(0.5, f["email_open_rate"], 9);
        Assert.Equal(0.25, f["email_click_to_open"], 9);
    }

    [Fact]
    public void Complaints_and_sentiment_from_review_ratings()
    {
        var f = Run(T0, Make(EventTypes.Review, T0, props: new EventProperties().Set("rating", 5m)),
            Make(EventTypes.Review, T0, props: new EventProperties().Set("rating", 2m)),
            Make(EventTypes.Complaint, T0, Channel.CallCentre));
        Assert.Equal(3.5, f["avg_rating"], 9);
        Assert.Equal(0.25, f["sentiment"], 9); // (3.5 - 3) / 2
        Assert.Equal(1, f["complaints_total"]);
    }

    [Fact]
    public void Clv_is_frequency_times_aov_times_lifespan()
    {
        // Two orders of 100 over 0.2 years (73.05 d): 10 orders/year x 100 x 3 years = 3000.
        var first = T0;
        var f = Run(first.AddDays(73.05), Purchase(first, 100m), Purchase(first.AddDays(30), 100m));
        Assert.Equal(3000, f["clv"], 6);
    }

    [Theory]
    [InlineData(new int[0], LifecycleStage.Prospect)]
    [InlineData(new[] { 10 }, LifecycleStage.New)]
    [InlineData(new[] { 60, 10 }, LifecycleStage.Active)]
    [InlineData(new[] { 80, 60, 40, 20, 10 }, LifecycleStage.Loyal)]
    [InlineData(new[] { 60, 40, 20, 10 }, LifecycleStage.Active)]
    [InlineData(new[] { 150, 100 }, LifecycleStage.AtRisk)]
    [InlineData(new[] { 300, 200 }, LifecycleStage.Lapsed)]
    public void Lifecycle_stage_thresholds(int[] purchaseDaysAgo, LifecycleStage expected)
    {
        var f = Run(T0, [.. purchaseDaysAgo.Select(d => Purchase(T0.AddDays(-d), 10m))]);
        Assert.Equal((int)expected, f["lifecycle_stage"]);
    }

    [Fact]
    public void Value_tier_counts_thresholds_reached()
    {
        Assert.Equal(0, Run(T0, Purchase(T0, 99m))["value_tier"]);
        Assert.Equal(2, Run(T0, Purchase(T0, 1500m))["value_tier"]);
    }

    [Fact]
    public void Data_quality_completeness_conflicts_and_latency()
    {
        var p = new CustomerProfile("p");
        var ids = new Dictionary<string, string> { ["email"] = "a@b.com" };
        var e = Attr(T0, Channel.Web, "first_name", "Ann", ids) with { ReceivedAt = T0.AddSeconds(60) };
        p.Apply(e, ProfileSettings.Default, T0.AddSeconds(62));
        p.Apply(Attr(T0, Channel.Crm, "country", "GB") with { ReceivedAt = T0.AddSeconds(60) }, ProfileSettings.Default, T0.AddSeconds(62));
        var f = p.Features(T0.AddMinutes(1));
        // first_name, country and an e-mail out of 6 expected attributes + contact = 3/7.
        Assert.Equal(3.0 / 7, f["dq_completeness"], 9);
        Assert.Equal(60, f["dq_event_latency_s"], 9);
        Assert.Equal(2, f["dq_apply_latency_s"], 9);
        Assert.Equal(0, f["dq_conflicts"]);
    }
}
