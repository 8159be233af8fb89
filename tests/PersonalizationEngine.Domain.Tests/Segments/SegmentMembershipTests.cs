using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Domain.Segments;
using static PersonalizationEngine.Domain.Tests.Ev;

namespace PersonalizationEngine.Domain.Tests.Segments;

public sealed class SegmentMembershipTests
{
    private static readonly ProfileSettings Settings = new()
    {
        Segments =
        [
            SegmentDefinition.FromJson("repeat", "Repeat buyers", """{"feature":"orders_total","op":">=","value":2}"""),
            SegmentDefinition.FromJson("repeat_gb", "Repeat buyers in GB",
                """{"all":[{"segment":"repeat"},{"attr":"country","op":"=","value":"GB"},{"consent":"marketing:email"}]}"""),
            .. BuiltInSegments.All,
        ],
    };

    [Fact]
    public void Entering_and_leaving_are_events_with_time()
    {
        var p = new CustomerProfile("p");
        Assert.Empty(p.Apply(Purchase(T0, 10m), Settings, T0).SegmentChanges);
        var second = p.Apply(Purchase(T0.AddDays(1), 10m), Settings, T0.AddDays(1));
        Assert.Equal(new SegmentChange("repeat", true, T0.AddDays(1)), Assert.Single(second.SegmentChanges));

        // Time alone moves the customer: churn_risk after 90 days, lapsed after 180.
        var later = p.EvaluateSegments(T0.AddDays(200), Settings);
        Assert.Contains(new SegmentChange("churn_risk", true, T0.AddDays(200)), later);
        Assert.Contains(new SegmentChange("lapsed", true, T0.AddDays(200)), later);

        var back = p.Apply(Purchase(T0.AddDays(201), 10m), Settings, T0.AddDays(201));
        Assert.Contains(new SegmentChange("lapsed", false, T0.AddDays(201)), back.SegmentChanges);
        Assert.Contains(new SegmentChange("churn_risk", false, T0.AddDays(201)), back.SegmentChanges);
    }

    [Fact]
    public void Segments_read_attributes_other_segments_and_consents()
    {
        var p = new CustomerProfile("p");
        p.Apply(Purchase(T0, 10m), Settings, T0);
        p.Apply(Purchase(T0, 10m), Settings, T0);
        p.Apply(Attr(T0, Channel.Crm, "country", "GB"), Settings, T0);
        Assert.DoesNotContain("repeat_gb", p.Segments);
        var consent = new EventProperties().Set("purpose", "marketing").Set("granted", 1m);
        var r = p.Apply(Make(EventTypes.ConsentChange, T0, props: consent), Settings, T0);
        Assert.Contains(new SegmentChange("repeat_gb", true, T0), r.SegmentChanges);
    }

    [Fact]
    public void Cart_abandoner_and_high_value_builtins()
    {
        var p = new CustomerProfile("p");
        p.Apply(Make(EventTypes.AddToCart, T0, props: new EventProperties().Set("quantity", 1m).Set("price", 5m)), Settings, T0);
        Assert.Contains(new SegmentChange("cart_abandoner", true, T0.AddHours(2)), p.EvaluateSegments(T0.AddHours(2), Settings));
        for (var i = 0; i < 3; i++) p.Apply(Purchase(T0.AddDays(i + 1), 200m), Settings, T0.AddDays(i + 1));
        Assert.Contains("high_frequency_high_value", p.Segments);
        Assert.DoesNotContain("cart_abandoner", p.Segments);
    }
}
