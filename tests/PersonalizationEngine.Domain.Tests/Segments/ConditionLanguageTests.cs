using PersonalizationEngine.Domain.Segments;

namespace PersonalizationEngine.Domain.Tests.Segments;

public sealed class ConditionLanguageTests
{
    private const string Example =
        """{"all":[{"feature":"orders_90d","op":">=","value":3},{"attr":"country","op":"in","value":["GB","IE"]}]}""";

    private static Condition Parse(string json)
    {
        var r = ConditionParser.ParseJson(json);
        Assert.True(r.IsValid, string.Join("; ", r.Errors));
        return r.Condition!;
    }

    [Fact]
    public void Issue_example_parses_into_a_typed_tree()
    {
        var all = Assert.IsType<AllCondition>(Parse(Example));
        Assert.Equal(new LeafCondition(LeafSource.Feature, "orders_90d", ConditionOp.Ge) { Number = 3 }, all.Children[0]);
        var leaf = Assert.IsType<LeafCondition>(all.Children[1]);
        Assert.Equal(["GB", "IE"], leaf.List!);
    }

    [Theory]
    [InlineData(3, "GB", true)]
    [InlineData(2, "GB", false)]
    [InlineData(5, "ie", true)]
    [InlineData(5, "FR", false)]
    public void Issue_example_evaluates(double orders, string country, bool expected)
    {
        var ctx = new DictionaryContext { Features = { ["orders_90d"] = orders }, Attributes = { ["country"] = country } };
        Assert.Equal(expected, ConditionEvaluator.Evaluate(Parse(Example), ctx));
    }

    [Theory]
    [InlineData("""{"all":[{"feature":"x","op":">=","value":3},{"attr":"c","op":"~","value":1}]}""", "$.all[1].op")]
    [InlineData("""{"any":[{"feature":"x","op":">="}]}""", "$.any[0].value")]
    [InlineData("""{"any":[{"colour":"red"}]}""", "$.any[0]")]
    [InlineData("""{"not":{"feature":"x","op":">","value":"three"}}""", "$.not.value")]
    [InlineData("""{"all":{"feature":"x"}}""", "$.all")]
    [InlineData("""{"attr":"c","op":"in","value":"GB"}""", "$.value")]
    [InlineData("""{"segment":"vip","op":">","value":true}""", "$.value")]
    [InlineData("""[1,2]""", "$")]
    [InlineData("""{"all":[""", "$")]
    public void Parse_errors_name_the_json_path(string json, string path)
    {
        var r = ConditionParser.ParseJson(json);
        Assert.False(r.IsValid);
        Assert.Contains(r.Errors, e => e.Field == path);
    }

    [Fact]
    public void Depth_limit_is_enforced()
    {
        var json = """{"feature":"x","op":">","value":1}""";
        for (var i = 0; i < 10; i++) json = "{\"not\":" + json + "}";
        var r = ConditionParser.ParseJson(json);
        Assert.False(r.IsValid);
        Assert.Contains("deeper", r.Errors[0].Message);
        Assert.True(ConditionParser.ParseJson(json, new ConditionLimits { MaxDepth = 12 }).IsValid);
    }

    [Fact]
    public void Node_limit_is_enforced()
    {
        var leaves = string.Join(",", Enumerable.Repeat("""{"feature":"x","op":">","value":1}""", 120));
        var r = ConditionParser.ParseJson("{\"any\":[" + leaves + "]}");
        Assert.Contains(r.Errors, e => e.Message.Contains("nodes"));
    }

    [Fact]
    public void Code_like_values_are_only_data()
    {
        var c = Parse("""{"attr":"name","op":"=","value":"${T(java.lang.Runtime).getRuntime().exec('x')}"}""");
        var ctx = new DictionaryContext { Attributes = { ["name"] = "Ann" } };
        Assert.False(ConditionEvaluator.Evaluate(c, ctx));
    }

    [Fact]
    public void Operators_exists_contains_not_in_ne_and_missing_values()
    {
        var ctx = new DictionaryContext
        {
            Features = { ["aov"] = 25 },
            Attributes = { ["email_domain"] = "example.co.uk", ["age"] = "41" },
        };
        Assert.True(ConditionEvaluator.Evaluate(Parse("""{"feature":"aov","op":"exists"}"""), ctx));
        Assert.False(ConditionEvaluator.Evaluate(Parse("""{"feature":"clv","op":"exists"}"""), ctx));
        Assert.False(ConditionEvaluator.Evaluate(Parse("""{"feature":"clv","op":">","value":0}"""), ctx));
        Assert.True(ConditionEvaluator.Evaluate(Parse("""{"attr":"email_domain","op":"contains","value":".co.uk"}"""), ctx));
        Assert.True(ConditionEvaluator.Evaluate(Parse("""{"attr":"city","op":"not_in","value":["Leeds"]}"""), ctx));
        Assert.True(ConditionEvaluator.Evaluate(Parse("""{"feature":"aov","op":"in","value":[10,25]}"""), ctx));
        Assert.True(ConditionEvaluator.Evaluate(Parse("""{"feature":"aov","op":"!=","value":24}"""), ctx));
        // A numeric operand compares an attribute numerically: "41" > 9, although "41" < "9" as text.
        Assert.True(ConditionEvaluator.Evaluate(Parse("""{"attr":"age","op":">","value":9}"""), ctx));
        Assert.True(ConditionEvaluator.Evaluate(Parse("""{"not":{"feature":"aov","op":"<","value":20}}"""), ctx));
        Assert.False(ConditionEvaluator.Evaluate(Parse("""{"any":[]}"""), ctx));
    }

    [Fact]
    public void Segment_and_consent_leaves()
    {
        var ctx = new DictionaryContext { Segments = { "vip" }, Consents = { "marketing:email" } };
        Assert.True(ConditionEvaluator.Evaluate(Parse("""{"segment":"vip"}"""), ctx));
        Assert.False(ConditionEvaluator.Evaluate(Parse("""{"segment":"vip","op":"=","value":false}"""), ctx));
        Assert.True(ConditionEvaluator.Evaluate(Parse("""{"consent":"marketing:email"}"""), ctx));
        Assert.False(ConditionEvaluator.Evaluate(Parse("""{"consent":"marketing:sms"}"""), ctx));
    }
}
