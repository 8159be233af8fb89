using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace PersonalizationEngine.Grains.Stats;

/// <summary>
/// Takes the engine's figures once a second: the latest snapshot (what <c>/api/v1/stats</c> answers; rates are over
/// the sampler's own second, so several dashboards polling no longer split it) and the point kept in
/// <see cref="StatsHistory"/>. It also exports the dashboard's figures as metrics (decisions, decision latency,
/// offer feedback), so <c>/metrics</c> shows what the dashboard shows.
/// </summary>
public sealed class StatsSampler : BackgroundService
{
    private readonly EngineStats _stats;
    private readonly StatsHistory _history;
    private readonly TimeProvider _time;
    private readonly IngestLag? _ingestLag;
    private StatsSnapshot? _latest;

    public StatsSampler(EngineStats stats, StatsHistory history, TimeProvider time, IMeterFactory meters, Decisioning.DecisionService decisions, IngestLag? ingestLag = null)
    {
        _ingestLag = ingestLag;
        _stats = stats;
        _history = history;
        _time = time;
        // A meter per host (IMeterFactory), so test hosts and a restarted host never share callbacks.
        var meter = meters.Create("PersonalizationEngine.Dashboard");
        meter.CreateObservableCounter("pe_decisions", () => Latest.DecisionsTotal, "decisions", "Next-best-offer decisions made.");
        meter.CreateObservableGauge("pe_decisions_per_second", () => Latest.DecisionsPerSecond, "decisions/s", "Decisions in the last second.");
        meter.CreateObservableGauge("pe_decision_latency_ms", () => new Measurement<double>[]
        {
            new(Latest.DecisionLatencyMs.P50, new KeyValuePair<string, object?>("quantile", "0.5")),
            new(Latest.DecisionLatencyMs.P99, new KeyValuePair<string, object?>("quantile", "0.99")),
        }, "ms", "Decision latency over the most recent decisions.");
        meter.CreateObservableGauge("pe_offer_feedback", () => decisions.Kpis().SelectMany(k => new Measurement<long>[]
        {
            new(k.Counters.Decisions, new("offer", k.OfferId), new("kind", "decision")),
            new(k.Counters.Impressions, new("offer", k.OfferId), new("kind", "impression")),
            new(k.Counters.Clicks, new("offer", k.OfferId), new("kind", "click")),
            new(k.Counters.Accepts, new("offer", k.OfferId), new("kind", "accept")),
            new(k.Counters.Rejects, new("offer", k.OfferId), new("kind", "reject")),
            new(k.Counters.Conversions, new("offer", k.OfferId), new("kind", "conversion")),
        }), "events", "Offer feedback the learning has counted, by offer and kind (the dashboard's offer table).");
    }

    /// <summary>How often figures are taken (one point of history each).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The most recent figures (taken now when the sampler has not run yet).</summary>
    public StatsSnapshot Latest => Volatile.Read(ref _latest) ?? Sample();

    private StatsSnapshot Sample()
    {
        var s = _stats.Snapshot();
        Volatile.Write(ref _latest, s);
        return s;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var s = Sample();
                var (lag50, lag99) = _ingestLag?.Drain() ?? (0, 0);
                _history.Add(new StatsPoint(s.Time, s.EventsPerSecond, s.DecisionsPerSecond, s.DecisionLatencyMs.P50, s.DecisionLatencyMs.P99, s.ActiveGrains, lag50, lag99));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
