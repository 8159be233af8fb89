using PersonalizationEngine.LoadGen.Metrics;

namespace PersonalizationEngine.LoadGen.Reporting;

/// <summary>The machine-readable result written by <c>--json-out</c>.</summary>
public sealed record RunReport(
    string Scenario,
    string Mode,
    string Url,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    long Sent,
    long Completed,
    long Dropped,
    long Events,
    double RequestsPerSecond,
    double EventsPerSecond,
    IReadOnlyDictionary<string, long> StatusCounts,
    long Errors,
    long RetryAfterPresent,
    long RetryAfterMissing,
    LatencySummary LatencyMs,
    IReadOnlyList<SecondSample> Seconds)
{
    public static RunReport From(string scenario, string mode, string url, DateTimeOffset startedAt, TimeSpan elapsed, RunRecorder r)
    {
        var h = r.Histogram;
        static double Ms(long micros) => micros / 1000.0;
        var seconds = Math.Max(1e-6, elapsed.TotalSeconds);
        return new RunReport(
            scenario,
            mode,
            url,
            startedAt,
            Math.Round(seconds, 3),
            r.Sent,
            r.Completed,
            r.Dropped,
            r.Events,
            Math.Round(r.Completed / seconds, 1),
            Math.Round(r.Events / seconds, 1),
            r.ByStatus.OrderBy(p => p.Key).ToDictionary(p => RunRecorder.StatusName(p.Key), p => p.Value),
            r.Errors,
            r.RetryAfterPresent,
            r.RetryAfterMissing,
            new LatencySummary(Ms(h.Percentile(50)), Ms(h.Percentile(90)), Ms(h.Percentile(99)), Ms(h.Percentile(99.9)), Ms(h.Max), Ms(h.Min)),
            r.Seconds);
    }
}
