using System.Text.Json;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Domain.Segments;
using static PersonalizationEngine.Domain.Tests.Ev;

namespace PersonalizationEngine.Domain.Tests.Profiles;

/// <summary>Issue 19: a profile knows when it entered each segment it is in, across leaving, re-entering and a snapshot.</summary>
public sealed class SegmentEntryTimeTests
{
    private static readonly ProfileSettings Settings = new()
    {
        Segments =
        [
            SegmentDefinition.FromJson("buyers", "Buyers", """{"feature":"orders_total","op":">=","value":1}"""),
            SegmentDefinition.FromJson("refunded", "Refunded", """{"feature":"refunds_total","op":">=","value":1}"""),
            SegmentDefinition.FromJson("one_order", "One order", """{"feature":"orders_total","op":"=","value":1}"""),
        ],
    };

    [Fact]
    public void Entry_times_follow_membership_and_survive_a_snapshot()
    {
        var p = new CustomerProfile("p");
        p.Apply(Purchase(T0, 10m), Settings, T0.AddSeconds(5));
        Assert.Equal(T0.AddSeconds(5), p.SegmentEnteredAt("buyers"));
        Assert.Equal(T0.AddSeconds(5), p.SegmentEnteredAt("one_order"));
        Assert.Null(p.SegmentEnteredAt("refunded"));

        // A second order: one_order is left (its time goes with it), buyers keeps its first entry time.
        p.Apply(Purchase(T0.AddHours(1), 20m), Settings, T0.AddHours(1));
        Assert.Null(p.SegmentEnteredAt("one_order"));
        Assert.Equal(T0.AddSeconds(5), p.SegmentEnteredAt("buyers"));
        p.Apply(Refund(T0.AddHours(2), 5m), Settings, T0.AddHours(2));
        Assert.Equal(p.Segments.Count, p.SegmentSince!.Count);
        Assert.Equal(T0.AddHours(2), p.SegmentEnteredAt("refunded"));

        var copy = JsonSerializer.Deserialize<CustomerProfile>(JsonSerializer.Serialize(p, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!;
        Assert.Equal(T0.AddSeconds(5), copy.SegmentEnteredAt("buyers"));
        Assert.Equal(T0.AddHours(2), copy.SegmentEnteredAt("refunded"));
    }

    [Fact]
    public void Memberships_from_before_entry_times_were_kept_have_no_time_and_stay_aligned()
    {
        var p = new CustomerProfile("p") { Segments = ["buyers"] }; // as read from an older snapshot
        p.Apply(Refund(T0, 5m), Settings, T0);
        Assert.Null(p.SegmentEnteredAt("buyers"));
        Assert.Equal(T0, p.SegmentEnteredAt("refunded"));
    }
}
