using BenchmarkDotNet.Attributes;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Domain.Segments;

namespace PersonalizationEngine.Benchmarks.Domain;

/// <summary>
/// What a CustomerGrain pays per event in the domain: applying one event to a warm profile (dedup, features,
/// lifecycle, 5 built-in segments), reading the flat feature view, and evaluating the example rule.
/// </summary>
[MemoryDiagnoser]
public class ProfileApplyBenchmarks
{
    private static readonly DateTimeOffset _start = new(2026, 9, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly ProfileSettings _settings = ProfileSettings.Default;
    private CustomerProfile _profile = null!;
    private Condition _rule = null!;
    private ProfileConditionContext _context = null!;
    private long _n;
    private CustomerEvent[] _customer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _profile = new CustomerProfile("p");
        for (var i = 0; i < 30; i++) _profile.Apply(PageView(i), _settings, _start.AddHours(i));
        _rule = ConditionParser.ParseJson(
            """{"all":[{"feature":"orders_90d","op":">=","value":3},{"attr":"country","op":"in","value":["GB","IE"]}]}""").Condition!;
        _context = new ProfileConditionContext(_profile, _profile.Features(_start.AddDays(2), _settings));
        // A customer's first 30 events over 60 days: views, cart adds, purchases, e-mail, a CRM update.
        _customer = [.. Enumerable.Range(0, 30).Select(i => (i % 10) switch
        {
            3 => PageView(i) with { Type = EventTypes.AddToCart, Properties = new EventProperties().Set("price", 20m).Set("quantity", 1m).Set("category", "c" + i % 4) },
            7 => PageView(i) with { Type = EventTypes.Purchase, Properties = new EventProperties().Set("amount", 40m).Set("currency", "GBP").Set("category", "c" + i % 4) },
            9 => PageView(i) with { Type = EventTypes.ProfileUpdate, Channel = Channel.Crm, Properties = new EventProperties().Set("country", "GB") },
            5 => PageView(i) with { Type = EventTypes.EmailOpen, Channel = Channel.Email },
            _ => PageView(i),
        }).Select((e, i) => e with { Timestamp = _start.AddHours(47 * i), ReceivedAt = _start.AddHours(47 * i) })];
    }

    /// <summary>One op = a new profile receiving 30 realistic events; divide by 30 for the cost per event.</summary>
    [Benchmark]
    public long ThirtyEventCustomer()
    {
        var p = new CustomerProfile("c");
        foreach (var e in _customer) p.Apply(e, _settings, e.ReceivedAt);
        return p.EventCount;
    }

    private static CustomerEvent PageView(long i) => new()
    {
        EventId = "e" + i,
        Identifiers = new Dictionary<string, string> { ["user_id"] = "u1" },
        Channel = Channel.Web,
        Type = EventTypes.PageView,
        Timestamp = _start.AddMinutes(i),
        ReceivedAt = _start.AddMinutes(i),
    };

    /// <summary>Worst case: a profile hit by an event every minute for days (thousands of minute buckets).</summary>
    [Benchmark]
    public ApplyResult ApplyPageViewToHotProfile()
    {
        var i = 1000 + Interlocked.Increment(ref _n);
        return _profile.Apply(PageView(i), _settings, _start.AddMinutes(i));
    }

    [Benchmark]
    public int FeatureView() => _profile.Features(_start.AddDays(2), _settings).Count;

    [Benchmark]
    public bool EvaluateRule() => ConditionEvaluator.Evaluate(_rule, _context);
}
