using System.Text.Json;
using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Domain.Profiles;

namespace PersonalizationEngine.Domain.Tests.Decisioning;

public sealed class ArbitratorTests
{
    [Fact]
    public void Reasons_read_the_same_whether_their_texts_were_formatted_before_or_not()
    {
        // Value, lever and context weight texts are kept once formatted (bounded): more distinct numbers than the bound,
        // each asked twice, read exactly as formatting them afresh, and 1.005 / 2.5 keep the format's rounding.
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < 3000; i++)
            {
                var w = i / 7.0;
                Assert.Equal(
                    [$"propensity {0.1234:0.###}", $"context weight {w:0.##}", $"value {i * 0.5:0.##}", $"lever {1 + i / 1000.0:0.##}"],
                    Arbitrator.Reasons(0.1234, w, i * 0.5, 1 + i / 1000.0));
            }
        }
        Assert.Equal(["propensity 0.5", "context weight 1", "value 2.5", "lever 1.01"], Arbitrator.Reasons(0.5, 1, 2.5, 1.005));
    }

    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static CompiledOffer Offer(string json)
    {
        var (offer, errors) = JsonSerializer.Deserialize<OfferDefinition>(json, JsonSerializerOptions.Web)!.Compile();
        Assert.Empty(errors);
        return offer!;
    }

    private static ProfileConditionContext Customer(Action<CustomerProfile>? setup = null, Dictionary<string, double>? features = null)
    {
        var p = new CustomerProfile("p1");
        setup?.Invoke(p);
        return new ProfileConditionContext(p, features ?? new Dictionary<string, double> { ["orders_total"] = 3 });
    }

    private static DecisionRequest Request(IReadOnlyList<CompiledOffer> offers, ProfileConditionContext? customer = null, string channel = "web", Func<string, double>? propensity = null) => new()
    {
        DecisionId = "d1",
        Customer = customer ?? Customer(),
        Channel = channel,
        Placement = "home",
        Limit = 3,
        AsOf = Now,
        Offers = offers,
        Propensity = propensity ?? (_ => 0.5),
    };

    [Fact]
    public void Ranks_by_propensity_times_context_weight_times_value_times_lever()
    {
        var a = Offer("""{"offerId":"a","name":"A","value":10,"lever":1}""");
        var b = Offer("""{"offerId":"b","name":"B","value":4,"lever":2}""");
        var c = Offer("""{"offerId":"c","name":"C","value":100,"lever":0.1}""");
        var p = new Dictionary<string, double> { ["a"] = 0.2, ["b"] = 0.5, ["c"] = 0.05 };
        var d = Arbitrator.Decide(Request([a, b, c], propensity: id => p[id]) with { ContextWeights = new Dictionary<string, double> { ["c"] = 3 } });
        Assert.Equal(["b", "a", "c"], d.Offers.Select(o => o.OfferId));
        Assert.Equal(0.5 * 1 * 4 * 2, d.Offers[0].Score, 12);   // 4.0
        Assert.Equal(0.2 * 1 * 10 * 1, d.Offers[1].Score, 12);  // 2.0
        Assert.Equal(0.05 * 3 * 100 * 0.1, d.Offers[2].Score, 12); // 1.5
        Assert.Equal(3, d.Offers[2].ContextWeight);
    }

    [Fact]
    public void Each_stage_excludes_with_a_named_rule()
    {
        var wrongChannel = Offer("""{"offerId":"sms-only","name":"x","channels":["sms"]}""");
        var expired = Offer("""{"offerId":"old","name":"x","endsAt":"2026-01-01T00:00:00Z"}""");
        var notEligible = Offer("""{"offerId":"vip","name":"x","eligibility":{"feature":"orders_total","op":">=","value":10}}""");
        var owned = Offer("""{"offerId":"owned","name":"x","applicability":{"not":{"segment":"has_card"}}}""");
        var upsell = Offer("""{"offerId":"upsell","name":"x","aggressiveUpsell":true}""");
        var ok = Offer("""{"offerId":"ok","name":"x"}""");
        var customer = Customer(p => p.Segments.Add("has_card"));
        var d = Arbitrator.Decide(Request([wrongChannel, expired, notEligible, owned, upsell, ok], customer) with { ChurnProbability = 0.8 });
        Assert.Equal(["ok"], d.Offers.Select(o => o.OfferId));
        RuleOutcome Failed(string id) => d.Trace.Single(t => t.OfferId == id && !t.Passed);
        Assert.Equal(("eligibility", "channel"), (Failed("sms-only").Stage, Failed("sms-only").Rule));
        Assert.Equal("dates", Failed("old").Rule);
        Assert.Equal("eligibility rule", Failed("vip").Rule);
        Assert.Equal(("applicability", "applicability rule"), (Failed("owned").Stage, Failed("owned").Rule));
        Assert.Equal(("suitability", "churn risk"), (Failed("upsell").Stage, Failed("upsell").Rule));
        Assert.All(d.Trace.Where(t => t.OfferId == "ok"), t => Assert.True(t.Passed));
    }

    [Fact]
    public void Without_explain_the_trace_holds_only_exclusions_and_the_ranking_is_the_same()
    {
        var wrongChannel = Offer("""{"offerId":"sms-only","name":"x","channels":["sms"]}""");
        var a = Offer("""{"offerId":"a","name":"A","value":10}""");
        var b = Offer("""{"offerId":"b","name":"B","value":20}""");
        var full = Arbitrator.Decide(Request([wrongChannel, a, b]));
        var lean = Arbitrator.Decide(Request([wrongChannel, a, b]) with { Explain = false });
        Assert.Equal(full.Offers.Select(o => (o.OfferId, o.Score)), lean.Offers.Select(o => (o.OfferId, o.Score)));
        Assert.Equal(["b", "a"], lean.Offers.Select(o => o.OfferId));
        Assert.Equal(["value 20", "lever 1"], lean.Offers[0].Reasons.Skip(2));
        var exclusion = Assert.Single(lean.Trace);
        Assert.Equal(("sms-only", "channel", false), (exclusion.OfferId, exclusion.Rule, exclusion.Passed));
        Assert.Equal(full.Trace.Single(t => !t.Passed).Detail, exclusion.Detail);
        Assert.Contains(full.Trace, t => t.OfferId == "a" && t.Rule == "dates" && t.Passed);
    }

    [Fact]
    public void Outbound_channels_need_granted_consent_and_on_site_needs_no_refusal()
    {
        var offer = Offer("""{"offerId":"o","name":"x"}""");
        Assert.Empty(Arbitrator.Decide(Request([offer], Customer(), channel: "email")).Offers); // never asked: no e-mail
        var granted = Customer(p => p.Consents["marketing:email"] = new ConsentState(true, Now, "crm"));
        Assert.Single(Arbitrator.Decide(Request([offer], granted, channel: "email")).Offers);
        Assert.Single(Arbitrator.Decide(Request([offer], Customer(), channel: "web")).Offers); // on-site, not refused
        var refused = Customer(p => p.Consents["marketing"] = new ConsentState(false, Now, "web"));
        var d = Arbitrator.Decide(Request([offer], refused, channel: "web"));
        Assert.Empty(d.Offers);
        Assert.Equal("consent", d.Trace.Single(t => !t.Passed).Rule);
    }

    [Fact]
    public void Caps_per_channel_and_suppression_after_rejections_then_eligible_again()
    {
        var offer = Offer("""{"offerId":"o","name":"x"}""");
        var other = Offer("""{"offerId":"p","name":"y"}""");
        var granted = Customer(p => p.Consents["marketing"] = new ConsentState(true, Now, "crm"));
        var policies = new[]
        {
            new ContactPolicy { PolicyId = "one-email-a-week", Channel = "email", MaxContacts = 1, WindowDays = 7 },
            new ContactPolicy { PolicyId = "fatigue", Channel = "*", SuppressAfterRejects = 2, SuppressDays = 30 },
        };
        var history = new ContactHistory();
        history.Record(new ContactEntry(Now.AddDays(-3), "email", "p", ContactKind.Impression));
        var email = Arbitrator.Decide(Request([offer, other], granted, channel: "email") with { Policies = policies, History = history });
        Assert.Empty(email.Offers);
        Assert.Contains(email.Trace, t => t.Rule == "one-email-a-week" && !t.Passed);
        // Eight days later the weekly cap has room again.
        Assert.Equal(2, Arbitrator.Decide(Request([offer, other], granted, channel: "email") with { Policies = policies, History = history, AsOf = Now.AddDays(5) }).Offers.Count);

        history.Record(new ContactEntry(Now.AddDays(-2), "web", "o", ContactKind.Reject));
        history.Record(new ContactEntry(Now.AddDays(-1), "web", "o", ContactKind.Reject));
        var web = Arbitrator.Decide(Request([offer, other], granted) with { Policies = policies, History = history });
        Assert.Equal(["p"], web.Offers.Select(o => o.OfferId));
        Assert.Contains(web.Trace, t => t.OfferId == "o" && t.Rule == "fatigue" && !t.Passed);
        var later = Arbitrator.Decide(Request([offer, other], granted) with { Policies = policies, History = history, AsOf = Now.AddDays(29) });
        Assert.Equal(2, later.Offers.Count); // the rejections are older than 30 days by then
    }

    [Fact]
    public void Budget_caps_and_the_control_group()
    {
        var offer = Offer("""{"offerId":"o","name":"x","maxImpressions":100}""");
        Assert.Empty(Arbitrator.Decide(Request([offer]) with { Usage = _ => (100, 0) }).Offers);
        Assert.Single(Arbitrator.Decide(Request([offer]) with { Usage = _ => (99, 0) }).Offers);
        var control = Arbitrator.Decide(Request([offer]) with { Control = true });
        Assert.True(control.Control);
        Assert.Empty(control.Offers);
    }

    [Fact]
    public void Offer_validation_names_fields()
    {
        var bad = JsonSerializer.Deserialize<OfferDefinition>("""{"offerId":"bad id!","name":"","channels":["fax"],"lever":-1,"startsAt":"2026-02-01T00:00:00Z","endsAt":"2026-01-01T00:00:00Z","eligibility":{"feature":"x","op":"~","value":1}}""", JsonSerializerOptions.Web)!;
        var fields = bad.Compile().Errors.Select(e => e.Field).ToList();
        Assert.Contains("offerId", fields);
        Assert.Contains("name", fields);
        Assert.Contains("channels[0]", fields);
        Assert.Contains("lever", fields);
        Assert.Contains("endsAt", fields);
        Assert.Contains("eligibility.op", fields);
        Assert.Contains("maxContacts", new ContactPolicy { PolicyId = "x" }.Validate().Select(e => e.Field));
    }

    [Fact]
    public void Kpis_match_hand_computed_intervals()
    {
        var ctr = OfferKpis.Wilson(10, 100);
        Assert.Equal(0.1, ctr.Value, 12);
        Assert.Equal(0.0552, ctr.Low, 4);  // Wilson 95% for 10/100
        Assert.Equal(0.1744, ctr.High, 4);
        var treatment = new OfferCounters { Decisions = 1000, Conversions = 60 };
        var control = new OfferCounters { Decisions = 1000, Conversions = 40 };
        var (uplift, low, high) = OfferKpis.Uplift(treatment, control)!.Value;
        Assert.Equal(0.02, uplift, 12);
        var se = Math.Sqrt(0.06 * 0.94 / 1000 + 0.04 * 0.96 / 1000);
        Assert.Equal(0.02 - 1.959963984540054 * se, low, 12);
        Assert.Equal(0.02 + 1.959963984540054 * se, high, 12);
        Assert.Null(OfferKpis.Uplift(treatment, new OfferCounters()));
    }

    [Fact]
    public void Ties_are_broken_at_random_so_no_offer_id_is_favoured()
    {
        var offers = new[] { "a", "b", "c", "d" }.Select(id => Offer($$"""{"offerId":"{{id}}","name":"{{id}}","value":1}""")).ToList();
        var random = new Random(7);
        var led = new Dictionary<string, int>();
        const int n = 4000;
        for (var i = 0; i < n; i++)
        {
            var d = Arbitrator.Decide(Request(offers) with { Limit = 1, Random = random });
            led[d.Offers[0].OfferId] = led.GetValueOrDefault(d.Offers[0].OfferId) + 1;
        }
        // Uniform: 1,000 each, sd 27; ordering by id would give "a" all 4,000.
        Assert.Equal(4, led.Count);
        Assert.All(led.Values, count => Assert.InRange(count, 850, 1150));
    }

    [Fact]
    public void A_decision_whose_lead_is_not_the_best_estimate_is_flagged_as_explored()
    {
        var a = Offer("""{"offerId":"a","name":"A","value":1}""");
        var b = Offer("""{"offerId":"b","name":"B","value":1}""");
        var estimate = new Dictionary<string, double> { ["a"] = 0.3, ["b"] = 0.1 };
        var greedy = Arbitrator.Decide(Request([a, b], propensity: id => estimate[id]) with { Estimate = id => estimate[id] });
        Assert.Equal("a", greedy.Offers[0].OfferId);
        Assert.False(greedy.Explored);
        var drawn = new Dictionary<string, double> { ["a"] = 0.2, ["b"] = 0.4 };
        var explored = Arbitrator.Decide(Request([a, b], propensity: id => drawn[id]) with { Estimate = id => estimate[id] });
        Assert.Equal("b", explored.Offers[0].OfferId);
        Assert.True(explored.Explored);
    }
}
