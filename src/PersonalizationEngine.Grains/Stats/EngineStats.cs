using PersonalizationEngine.Grains.Hosting;
using PersonalizationEngine.Grains.Ingestion;

namespace PersonalizationEngine.Grains.Stats;

/// <summary>A point-in-time view for the live dashboard.</summary>
public sealed record StatsSnapshot(
    DateTimeOffset Time,
    double EventsPerSecond,
    double DecisionsPerSecond,
    LatencySummary DecisionLatencyMs,
    int ActiveGrains,
    long EventsTotal,
    long DecisionsTotal,
    IReadOnlyDictionary<string, long> SegmentMembers,
    long IngestBacklog = 0,
    double IngestLagP99Ms = 0);

public sealed record LatencySummary(double P50, double P90, double P99);

/// <summary>Live engine figures: event and decision rates (between two reads), decision latency, activations.</summary>
public sealed class EngineStats(IngestionService ingestion, ActivationCounter activations, SegmentCounts segments, TimeProvider time)
{
    private readonly Lock _gate = new();
    private long _decisions;
    private (DateTimeOffset At, long Events, long Decisions) _last;

    public LatencyWindow DecisionLatency { get; } = new();

    public void RecordDecision(double milliseconds)
    {
        Interlocked.Increment(ref _decisions);
        DecisionLatency.Record(milliseconds);
    }

    public StatsSnapshot Snapshot()
    {
        var now = time.GetUtcNow();
        var events = ingestion.AcceptedTotal;
        var decisions = Interlocked.Read(ref _decisions);
        double eps = 0, dps = 0;
        lock (_gate)
        {
            var seconds = (now - _last.At).TotalSeconds;
            if (_last.At != default && seconds > 0.05)
            {
                eps = (events - _last.Events) / seconds;
                dps = (decisions - _last.Decisions) / seconds;
            }
            _last = (now, events, decisions);
        }
        var p = DecisionLatency.Percentiles(50, 90, 99);
        return new StatsSnapshot(now, Math.Round(eps, 1), Math.Round(dps, 1), new LatencySummary(Math.Round(p[0], 3), Math.Round(p[1], 3), Math.Round(p[2], 3)),
            (int)activations.Count, events, decisions, segments.Snapshot(), ingestion.BacklogEvents, Math.Round(ingestion.ApplyLagWindow.Percentiles(99)[0], 1));
    }
}
