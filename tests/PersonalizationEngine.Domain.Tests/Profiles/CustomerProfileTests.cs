using System.Text.Json;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Features;
using PersonalizationEngine.Domain.Profiles;
using static PersonalizationEngine.Domain.Tests.Ev;

namespace PersonalizationEngine.Domain.Tests.Profiles;

public sealed class CustomerProfileTests
{
    [Fact]
    public void Duplicate_event_id_is_applied_once()
    {
        var p = new CustomerProfile("p");
        var e = Purchase(T0, 10m);
        Assert.True(p.Apply(e).Applied);
        var again = p.Apply(e with { ReceivedAt = T0.AddMinutes(5) });
        Assert.True(again.Duplicate);
        Assert.Equal(1, p.EventCount);
        Assert.Equal(10, p.Features(T0)["monetary"]);
    }

    [Fact]
    public void Dedup_memory_is_bounded()
    {
        var settings = new ProfileSettings { DedupCapacity = 3 };
        var p = new CustomerProfile("p");
        for (var i = 0; i < 5; i++) p.Apply(Make(EventTypes.PageView, T0.AddMinutes(i), id: "id" + i), settings, T0);
        Assert.Equal(3, p.RecentEventIds.Count);
        Assert.True(p.Apply(Make(EventTypes.PageView, T0, id: "id4"), settings, T0).Duplicate);
    }

    [Fact]
    public void Dedup_remembers_every_id_of_the_window_and_forgets_old_ones_beyond_the_minimum()
    {
        var settings = new ProfileSettings { DedupMinimum = 2, DedupCapacity = 1000, DedupWindow = TimeSpan.FromHours(24) };
        var p = new CustomerProfile("p");
        for (var i = 0; i < 600; i++) p.Apply(Make(EventTypes.PageView, T0, id: "day1-" + i), settings, T0.AddSeconds(i));
        Assert.Equal(600, p.RecentEventIds.Count); // all within the window, beyond the minimum
        Assert.True(p.Apply(Make(EventTypes.PageView, T0, id: "day1-0"), settings, T0.AddHours(23)).Duplicate);

        p.Apply(Make(EventTypes.PageView, T0, id: "day3-a"), settings, T0.AddDays(2));
        p.Apply(Make(EventTypes.PageView, T0, id: "day3-b"), settings, T0.AddDays(2));
        Assert.Equal(2, p.RecentEventIds.Count); // day-1 ids aged out; the minimum keeps the last two
        Assert.Equal(p.RecentEventIds.Count, p.RecentEventMinutes.Count);
        Assert.False(p.Apply(Make(EventTypes.PageView, T0, id: "day1-0"), settings, T0.AddDays(2)).Duplicate);
    }

    [Fact]
    public void Unknown_types_are_kept_and_counted()
    {
        var p = new CustomerProfile("p");
        p.Apply(Make("wishlist_add", T0));
        p.Apply(Make("wishlist_add", T0));
        p.Apply(Make(EventTypes.PageView, T0));
        Assert.Equal(2, p.CustomTypeCounts!["wishlist_add"]);
        Assert.Equal(3, p.EventCount);
        Assert.Equal(2, p.Features(T0)["custom_events_total"]);
    }

    [Fact]
    public void Attribute_conflicts_resolve_by_source_weight_then_recency_with_provenance()
    {
        var p = new CustomerProfile("p");
        p.Apply(Attr(T0, Channel.Web, "city", "London"));
        // CRM outweighs web even though its value is older.
        var r = p.Apply(Attr(T0.AddDays(-1), Channel.Crm, "city", "Paris"));
        Assert.Equal(1, r.ConflictsDetected);
        Assert.Equal("Paris", p.Attributes["city"].Value);
        Assert.Equal("crm", p.Attributes["city"].Source);
        Assert.Equal(T0.AddDays(-1), p.Attributes["city"].UpdatedAt);
        Assert.Equal(1.0, p.Attributes["city"].Confidence);
        // A newer web value still loses to CRM, and counts as a conflict.
        p.Apply(Attr(T0.AddDays(1), Channel.Web, "city", "Berlin"));
        Assert.Equal("Paris", p.Attributes["city"].Value);
        // Same weight: the more recent value wins.
        p.Apply(Attr(T0.AddDays(2), Channel.Crm, "city", "Rome"));
        Assert.Equal("Rome", p.Attributes["city"].Value);
        Assert.Equal(2, p.ConflictCount);
        Assert.Equal(2, p.Features(T0)["dq_conflicts"]);
    }

    [Fact]
    public void Latest_consent_by_event_time_wins_and_unsubscribe_withdraws()
    {
        var p = new CustomerProfile("p");
        var grant = new EventProperties().Set("purpose", "marketing").Set("consent_channel", "email").Set("granted", 1m);
        p.Apply(Make(EventTypes.ConsentChange, T0, props: grant));
        var lateWithdrawal = new EventProperties().Set("purpose", "marketing").Set("consent_channel", "email").Set("granted", 0m);
        p.Apply(Make(EventTypes.ConsentChange, T0.AddHours(-1), props: lateWithdrawal));
        Assert.True(p.Consents["marketing:email"].Granted);
        p.Apply(Make(EventTypes.Unsubscribe, T0.AddHours(1), Channel.Email));
        Assert.False(p.Consents["marketing:email"].Granted);
    }

    [Fact]
    public void Apply_reports_lifecycle_change()
    {
        var p = new CustomerProfile("p");
        var r = p.Apply(Purchase(T0, 10m));
        Assert.Equal(LifecycleStage.Prospect, r.LifecycleBefore);
        Assert.Equal(LifecycleStage.New, r.LifecycleAfter);
        Assert.True(r.LifecycleChanged);
    }

    [Fact]
    public void Profile_json_round_trip_preserves_everything()
    {
        var p = new CustomerProfile("p-1");
        var ids = new Dictionary<string, string> { ["user_id"] = "u1", ["email"] = "a@b.com" };
        p.Apply(Attr(T0, Channel.Crm, "country", "GB", ids));
        p.Apply(Attr(T0.AddMinutes(1), Channel.Web, "country", "IE", ids));
        var purchase = Purchase(T0.AddMinutes(2), 42.5m, ids, "bags");
        p.Apply(purchase);
        p.Apply(Make(EventTypes.AddToCart, T0.AddMinutes(3), props: new EventProperties().Set("quantity", 1m).Set("price", 9.99m).Set("brand", "acme")));
        p.Apply(Make(EventTypes.ConsentChange, T0, props: new EventProperties().Set("purpose", "marketing").Set("granted", 1m)));
        p.Apply(Make("wishlist_add", T0.AddMinutes(4), props: new EventProperties().Add(new LineItem { Sku = "x", Quantity = 2, UnitPrice = 1.5m })));
        p.Apply(Make(EventTypes.Review, T0.AddMinutes(5), props: new EventProperties().Set("rating", 4m)));

        var json = JsonSerializer.Serialize(p);
        var back = JsonSerializer.Deserialize<CustomerProfile>(json)!;
        Assert.Equal(json, JsonSerializer.Serialize(back));
        var asOf = T0.AddDays(2);
        Assert.Equal(p.Features(asOf).OrderBy(x => x.Key), back.Features(asOf).OrderBy(x => x.Key));
        Assert.Equal(p.EventCount, back.EventCount);
        Assert.Equal("crm", back.Attributes["country"].Source);
        // A restored profile keeps deduplicating and keeps counting.
        Assert.True(back.Apply(purchase).Duplicate);
        back.Apply(Purchase(T0.AddMinutes(10), 7.5m, ids));
        Assert.Equal(50, back.Features(asOf)["monetary"]);
    }

    [Fact]
    public void Identifiers_respect_limits_and_blocked_values()
    {
        var p = new CustomerProfile("p");
        for (var i = 0; i < 7; i++) p.Apply(Make(EventTypes.PageView, T0, ids: new() { ["anonymous_id"] = "a" + i }));
        p.Apply(Make(EventTypes.PageView, T0, ids: new() { ["user_id"] = "u1" }));
        p.Apply(Make(EventTypes.PageView, T0, ids: new() { ["user_id"] = "u2", ["device_id"] = "null" }));
        Assert.Equal(["a2", "a3", "a4", "a5", "a6"], p.Identifiers["anonymous_id"]);
        Assert.Equal(["u1"], p.Identifiers["user_id"]);
        Assert.False(p.Identifiers.ContainsKey("device_id"));
    }
}
