using System.Text.Json;
using BenchmarkDotNet.Attributes;
using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Grains.Offers;
using PersonalizationEngine.Learning.Bandits;

namespace PersonalizationEngine.Benchmarks.Domain;

/// <summary>
/// What a next-best-offer decision costs inside the customer grain, over a catalogue of 50 offers: the same
/// steps as <c>CustomerGrain.Decide</c> (feature view of a warm profile, the bandit context, per-offer LinUCB
/// propensity, eligibility / applicability / suitability rules, consent, two contact policies with a history,
/// the Pega priority product, the exclusions). The baseline in the same run ranks the 50 offers by
/// propensity x value with no rules and no trace: the least any ranking can cost.
/// </summary>
[MemoryDiagnoser]
public class DecisionBenchmarks
{
    private const int OfferCount = 50;
    private static readonly DateTimeOffset _now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private readonly ProfileSettings _settings = ProfileSettings.Default;
    private CustomerProfile _profile = null!;
    private IReadOnlyDictionary<string, double> _features = null!;
    private double[] _context = null!;
    private CompiledOffer[] _offers = null!;
    private Dictionary<string, ContextualBandit> _models = null!;
    private ContactPolicy[] _policies = null!;
    private long _n;

    [GlobalSetup]
    public void Setup()
    {
        _profile = new CustomerProfile("p");
        var start = _now.AddDays(-60);
        for (var i = 0; i < 30; i++)
        {
            var e = new CustomerEvent
            {
                EventId = "e" + i,
                Identifiers = new Dictionary<string, string> { ["user_id"] = "u1" },
                Channel = Channel.Web,
                Type = (i % 10) switch { 3 => EventTypes.AddToCart, 7 => EventTypes.Purchase, 9 => EventTypes.ProfileUpdate, _ => EventTypes.ProductView },
                Properties = (i % 10) switch
                {
                    3 => new EventProperties().Set("price", 20m).Set("quantity", 1m).Set("category", "c" + i % 4),
                    7 => new EventProperties().Set("amount", 40m).Set("currency", "GBP").Set("category", "c" + i % 4),
                    9 => new EventProperties().Set("country", "GB"),
                    _ => new EventProperties().Set("category", "c" + i % 4).Set("brand", "b" + i % 3),
                },
                Timestamp = start.AddHours(47 * i),
                ReceivedAt = start.AddHours(47 * i),
            };
            _profile.Apply(e, _settings, e.ReceivedAt);
        }
        _profile.Contacts = new ContactHistory();
        for (var i = 0; i < 20; i++)
        {
            _profile.Contacts.Record(new ContactEntry(_now.AddDays(-i * 0.5), "web", "offer-" + (i % 7), i % 5 == 4 ? ContactKind.Reject : ContactKind.Impression));
        }
        _features = _profile.Features(_now, _settings);
        _context = OfferContext.Build(_features, "web");

        // 50 offers with the mix a catalogue has: channel and placement lists, date windows, feature, attribute
        // and segment rules at each stage, aggressive upsells, budgets.
        var random = new Random(7);
        _offers = [.. Enumerable.Range(0, OfferCount).Select(i => Compile(i, random))];
        _models = _offers.ToDictionary(o => o.Definition.OfferId, _ => Trained(random));
        _policies =
        [
            new ContactPolicy { PolicyId = "web-daily", Channel = "web", MaxContacts = 30, WindowDays = 1 },
            new ContactPolicy { PolicyId = "fatigue", Channel = "*", PerOffer = true, SuppressAfterRejects = 2, SuppressDays = 14 },
        ];
    }

    private static CompiledOffer Compile(int i, Random random)
    {
        var rules = (i % 5) switch
        {
            0 => """ "eligibility": {"feature":"orders_total","op":">=","value":1} """,
            1 => """ "eligibility": {"all":[{"attr":"country","op":"in","value":["GB","IE"]},{"feature":"aov","op":">","value":10}]}, "applicability": {"not":{"segment":"vip"}} """,
            2 => """ "suitability": {"feature":"churn_probability","op":"<","value":0.5}, "aggressiveUpsell": true """,
            3 => """ "applicability": {"any":[{"feature":"cart_items","op":">","value":0},{"feature":"events_7d","op":">=","value":1}]} """,
            _ => """ "channels": ["web","app"], "placements": ["home","cart"], "maxImpressions": 1000000 """,
        };
        var json = $$"""{"offerId":"offer-{{i}}","name":"Offer {{i}}","value":{{5 + random.Next(100)}},"lever":{{1 + random.NextDouble():0.00}},"endsAt":"2027-12-31T00:00:00Z",{{rules}}}""";
        var (offer, errors) = JsonSerializer.Deserialize<OfferDefinition>(json, JsonSerializerOptions.Web)!.Compile();
        if (errors.Count > 0) throw new InvalidOperationException(string.Join("; ", errors.Select(e => e.Message)));
        return offer!;
    }

    private ContextualBandit Trained(Random random)
    {
        var model = new ContextualBandit(OfferModelGrain.DefaultSettings);
        for (var t = 0; t < 200; t++) model.Update(0, _context, random.NextDouble() < 0.05 ? 1 : 0);
        return model;
    }

    /// <summary>Baseline: rank 50 offers by propensity x value, no rules, no policies, no trace.</summary>
    [Benchmark(Baseline = true)]
    public string RankByPropensityTimesValueOnly()
    {
        string best = "";
        var bestScore = double.MinValue;
        foreach (var o in _offers)
        {
            var s = _models[o.Definition.OfferId].Propensity(0, _context) * (double)o.Definition.Value;
            if (s > bestScore) (best, bestScore) = (o.Definition.OfferId, s);
        }
        return best;
    }

    /// <summary>Arbitration alone, features and context already computed (rules, policies, priority, exclusions).</summary>
    [Benchmark]
    public int Arbitrate50Offers() => Arbitrator.Decide(Request(_features, _context)).Offers.Count;

    /// <summary>The same with <c>explain=true</c>: the text of every rule outcome, passed ones included.</summary>
    [Benchmark]
    public int Arbitrate50OffersExplained() => Arbitrator.Decide(Request(_features, _context) with { Explain = true }).Offers.Count;

    /// <summary>The whole decision as the grain makes it: feature view, context, arbitration.</summary>
    [Benchmark]
    public int GrainDecision50Offers()
    {
        var features = _profile.Features(_now, _settings);
        return Arbitrator.Decide(Request(features, OfferContext.Build(features, "web"))).Offers.Count;
    }

    /// <summary>The same on the lazy feature view (each rule computes only the features it reads).</summary>
    [Benchmark]
    public int GrainDecision50OffersLazyFeatures()
    {
        var features = _profile.FeatureView(_now, _settings);
        return Arbitrator.Decide(Request(features, OfferContext.Build(features, "web"))).Offers.Count;
    }

    private DecisionRequest Request(IReadOnlyDictionary<string, double> features, double[] context) => new()
    {
        DecisionId = "d" + Interlocked.Increment(ref _n),
        Customer = new ProfileConditionContext(_profile, features),
        Channel = "web",
        Placement = "home",
        Limit = 3,
        AsOf = _now,
        Offers = _offers,
        Policies = _policies,
        History = _profile.Contacts!,
        ChurnProbability = features.TryGetValue("churn_probability", out var churn) ? churn : 0,
        Explain = false,
        Usage = _ => (10, 1),
        Propensity = id =>
        {
            var m = _models[id];
            return m.Propensity(0, context) + 0.1 * Math.Sqrt(m.Uncertainty(0, context));
        },
    };
}
