using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Domain.Tests.Profiles;
using static PersonalizationEngine.Domain.Tests.Ev;

namespace PersonalizationEngine.Domain.Tests.Features;

/// <summary>
/// The single-feature lookup (what segment rules and the churn model read) gives exactly what the full
/// feature view gives: every name present with the same value, and nothing else present.
/// </summary>
public sealed class FeatureLookupTests
{
    private static readonly string[] Absent =
    [
        "no_such_feature", "events_2h", "orders_", "_1h", "category_affinity.", "category_affinity.nope",
        "brand_affinity.nope", "revenue", "events", "orders_total_1h", "affinity.shoes", "",
    ];

    private static void AssertSameView(CustomerProfile p, DateTimeOffset asOf, ProfileSettings settings)
    {
        var full = p.Features(asOf, settings);
        var lazy = p.FeatureView(asOf, settings);
        foreach (var (name, value) in full)
        {
            Assert.True(p.TryGetFeature(name, asOf, settings, out var got), $"{name} missing from the lookup");
            Assert.Equal(value, got);
            Assert.True(lazy.TryGetValue(name, out var viaView));
            Assert.Equal(value, viaView);
        }
        foreach (var name in Absent.Where(n => !full.ContainsKey(n)))
        {
            Assert.False(p.TryGetFeature(name, asOf, settings, out _), $"{name} present in the lookup only");
        }
        // The whole view, enumerated, is the full one.
        Assert.Equal(full.OrderBy(f => f.Key, StringComparer.Ordinal), lazy.OrderBy(f => f.Key, StringComparer.Ordinal));
        Assert.Equal(full.Count, lazy.Count);
    }

    [Fact]
    public void Empty_profile_lookup_matches_full_view()
    {
        var p = new CustomerProfile("p");
        AssertSameView(p, T0, ProfileSettings.Default);
    }

    [Fact]
    public void Realistic_customers_lookup_matches_full_view_at_many_times()
    {
        for (var customer = 0; customer < 12; customer++)
        {
            var p = new CustomerProfile("p" + customer);
            foreach (var e in RealisticCustomer.Events(customer, T0))
            {
                p.Apply(e, ProfileSettings.Default, e.ReceivedAt);
                AssertSameView(p, e.ReceivedAt, ProfileSettings.Default);
            }
            var last = p.State.LastSeenAt!.Value;
            foreach (var later in new[] { TimeSpan.Zero, TimeSpan.FromMinutes(45), TimeSpan.FromHours(2), TimeSpan.FromDays(3), TimeSpan.FromDays(40), TimeSpan.FromDays(200) })
            {
                AssertSameView(p, last + later, ProfileSettings.Default);
            }
        }
    }

    [Fact]
    public void Refunds_sessions_reviews_scores_and_custom_counts_match_full_view()
    {
        var p = new CustomerProfile("p");
        p.Apply(Purchase(T0, 120m, category: "shoes"), ProfileSettings.Default, T0);
        p.Apply(Purchase(T0.AddDays(2), 80m, category: "bags"), ProfileSettings.Default, T0.AddDays(2));
        p.Apply(Refund(T0.AddDays(3), 30m), ProfileSettings.Default, T0.AddDays(3));
        p.Apply(Make(EventTypes.Review, T0.AddDays(3), props: new EventProperties().Set("rating", 2m)), ProfileSettings.Default, T0.AddDays(3));
        p.Apply(Make(EventTypes.PageView, T0.AddDays(4)), ProfileSettings.Default, T0.AddDays(4));
        p.Apply(Make("wishlist_add", T0.AddDays(4)), ProfileSettings.Default, T0.AddDays(4));
        p.Apply(Make(EventTypes.EmailOpen, T0.AddDays(4), Channel.Email), ProfileSettings.Default, T0.AddDays(4));
        AssertSameView(p, T0.AddDays(4), ProfileSettings.Default);

        // Model scores win over the engine's own features of the same name, except the latency features.
        p.Scores = new(StringComparer.Ordinal) { ["churn_probability"] = 0.42, ["orders_total"] = 99, ["dq_event_latency_s"] = 7 };
        AssertSameView(p, T0.AddDays(5), ProfileSettings.Default);
        Assert.True(p.TryGetFeature("orders_total", T0, ProfileSettings.Default, out var orders));
        Assert.Equal(99, orders);
        Assert.True(p.TryGetFeature("churn_probability", T0, ProfileSettings.Default, out var churn));
        Assert.Equal(0.42, churn);
    }
}
