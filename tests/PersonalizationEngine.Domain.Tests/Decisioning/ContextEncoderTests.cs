using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Domain.Profiles;

namespace PersonalizationEngine.Domain.Tests.Decisioning;

public sealed class ContextEncoderTests
{
    private static readonly Dictionary<string, double> NoFeatures = [];

    private static Dictionary<string, AttributeValue> Attributes(params (string Name, string Value)[] values) =>
        values.ToDictionary(v => v.Name, v => new AttributeValue { Value = v.Value, Source = "crm" });

    private static ContextSpec Spec() => new()
    {
        Behavioural = false,
        Attributes =
        [
            new ContextAttribute { Name = "history_segment", Kind = "category", Values = ["new", "loyal"] },
            new ContextAttribute { Name = "country", Kind = "category", Buckets = 4 },
            new ContextAttribute { Name = "age", Kind = "number", Min = 18, Max = 78 },
            new ContextAttribute { Name = "vip", Kind = "boolean" },
        ],
        Features = [new ContextFeature { Name = "orders_total", Scale = 5 }],
        Segments = ["big_spender"],
    };

    [Fact]
    public void Numbers_booleans_categories_features_and_segments_each_take_fixed_places()
    {
        var encoder = new ContextEncoder(Spec());
        Assert.Equal(3 + 4 + 1 + 1 + 1 + 1, encoder.Dimension);
        Assert.Equal(["attr.history_segment=new", "attr.history_segment=loyal", "attr.history_segment=(other)"], encoder.Names.Take(3));

        var x = encoder.Encode(new Dictionary<string, double> { ["orders_total"] = 5 },
            Attributes(("history_segment", "loyal"), ("country", "GB"), ("age", "48"), ("vip", "true")), ["big_spender"], "web");
        Assert.Equal([0, 1, 0], x[..3]);
        Assert.Equal(1, x[3..7].Sum());
        Assert.Equal(0.5, x[7], 12);   // (48 - 18) / (78 - 18)
        Assert.Equal(1, x[8]);
        Assert.Equal(0.5, x[9], 12);   // 5 / (5 + 5)
        Assert.Equal(1, x[10]);
    }

    [Fact]
    public void Unknown_missing_and_hostile_values_stay_inside_the_fixed_dimension()
    {
        var encoder = new ContextEncoder(Spec());
        var unknown = encoder.Encode(NoFeatures, Attributes(("history_segment", "whale"), ("age", "not a number"), ("vip", "maybe")), null, "web");
        Assert.Equal([0, 0, 1], unknown[..3]); // an unlisted category is "other", never a new column
        Assert.Equal(0, unknown[7]);
        Assert.Equal(0, unknown[8]);
        var missing = encoder.Encode(NoFeatures, null, null, "web");
        Assert.All(missing, v => Assert.Equal(0, v));
        var huge = encoder.Encode(NoFeatures, Attributes(("country", new string('x', 10_000)), ("age", "1e308")), null, "web");
        Assert.Equal(encoder.Dimension, huge.Length);
        Assert.Equal(1, huge[3..7].Sum());
        Assert.Equal(1, huge[7]); // clamped
    }

    [Fact]
    public void Hashed_categories_are_stable_and_spread()
    {
        var encoder = new ContextEncoder(new ContextSpec { Behavioural = false, Attributes = [new ContextAttribute { Name = "country", Buckets = 8 }] });
        int Bucket(string c) => Array.IndexOf(encoder.Encode(NoFeatures, Attributes(("country", c)), null, "web"), 1.0);
        Assert.Equal(Bucket("GB"), Bucket("GB"));
        var used = new[] { "GB", "IE", "FR", "DE", "ES", "IT", "NL", "BE", "PL", "SE", "US", "JP" }.Select(Bucket).Distinct().Count();
        Assert.True(used >= 5, $"12 countries used only {used} of 8 buckets");
    }

    [Fact]
    public void The_behavioural_default_keeps_its_eleven_values()
    {
        var x = ContextEncoder.Default.Encode(new Dictionary<string, double> { ["recency_days"] = 30, ["cart_items"] = 2 }, null, null, "email");
        Assert.Equal(11, x.Length);
        Assert.Equal(1, x[0]);
        Assert.Equal(0.5, x[1], 12);
        Assert.Equal(1, x[6]);
        Assert.Equal(1, x[10]);
    }

    [Fact]
    public void Validation_names_the_key_of_each_problem()
    {
        var spec = new ContextSpec
        {
            Attributes = [new ContextAttribute { Name = "", Kind = "colour" }, new ContextAttribute { Name = "age", Kind = "number", Min = 10, Max = 5 }],
            Features = [new ContextFeature { Name = "x", Scale = 0 }],
        };
        var keys = spec.Validate("Decisioning:Context").Select(e => e.Key).ToList();
        Assert.Contains("Decisioning:Context:Attributes:0:Name", keys);
        Assert.Contains("Decisioning:Context:Attributes:0:Kind", keys);
        Assert.Contains("Decisioning:Context:Attributes:1:Max", keys);
        Assert.Contains("Decisioning:Context:Features:0:Scale", keys);
        var wide = new ContextSpec { Attributes = [.. Enumerable.Range(0, 3).Select(i => new ContextAttribute { Name = $"c{i}", Buckets = 30 })] };
        Assert.Contains(wide.Validate("Decisioning:Context"), e => e.Key == "Decisioning:Context" && e.Message.Contains("at most 64", StringComparison.Ordinal));
    }
}
