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
    private readonly ProfileSettings _settings = new() { HistoryLimit = 0 };
    private CustomerProfile _profile = null!;
    private Condition _rule = null!;
    private ProfileConditionContext _context = null!;
    private long _n;

    [GlobalSetup]
    public void Setup()
    {
        _profile = new CustomerProfile("p");
        for (var i = 0; i < 30; i++) _profile.Apply(PageView(i), _settings, _start.AddHours(i));
        _rule = ConditionParser.ParseJson(
            """{"all":[{"feature":"orders_90d","op":">=","value":3},{"attr":"country","op":"in","value":["GB","IE"]}]}""").Condition!;
        _context = new ProfileConditionContext(_profile, _profile.Features(_start.AddDays(2), _settings));
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

    [Benchmark]
    public ApplyResult ApplyPageView()
    {
        var i = 1000 + Interlocked.Increment(ref _n);
        return _profile.Apply(PageView(i), _settings, _start.AddMinutes(i));
    }

    [Benchmark]
    public int FeatureView() => _profile.Features(_start.AddDays(2), _settings).Count;

    [Benchmark]
    public bool EvaluateRule() => ConditionEvaluator.Evaluate(_rule, _context);
}
