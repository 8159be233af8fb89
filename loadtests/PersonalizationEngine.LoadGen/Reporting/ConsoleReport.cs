using System.Globalization;
using System.Text;
using PersonalizationEngine.LoadGen.Metrics;

namespace PersonalizationEngine.LoadGen.Reporting;

public static class ConsoleReport
{
    public static string Progress(SecondSample s)
    {
        var errors = s.ErrorsByStatus.Count == 0 ? "-" : string.Join(' ', s.ErrorsByStatus.Select(p => $"{p.Key}:{p.Value}"));
        return string.Create(CultureInfo.InvariantCulture, $"[{s.Second,4}s] sent {s.Sent,7} done {s.Completed,7} drop {s.Dropped,5} {s.RequestsPerSecond,9:F0} req/s  p50 {s.P50Ms,8:F2} ms  p99 {s.P99Ms,8:F2} ms  errors {errors}");
    }

    public static string Final(RunReport r)
    {
        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        sb.AppendLine(c, $"scenario {r.Scenario} ({r.Mode}) against {r.Url}, {r.DurationSeconds:F1} s");
        sb.AppendLine(c, $"  requests: sent {r.Sent}, completed {r.Completed}, dropped (in-flight bound) {r.Dropped}");
        sb.AppendLine(c, $"  throughput: {r.RequestsPerSecond:F0} requests/s, {r.EventsPerSecond:F0} events/s");
        sb.AppendLine(c, $"  status: {string.Join(", ", r.StatusCounts.Select(p => $"{p.Key}={p.Value}"))}");
        sb.AppendLine(c, $"  429/503 with Retry-After: {r.RetryAfterPresent}, without: {r.RetryAfterMissing}");
        var l = r.LatencyMs;
        sb.AppendLine(c, $"  latency ms: p50 {l.P50:F3}  p90 {l.P90:F3}  p99 {l.P99:F3}  p99.9 {l.P999:F3}  max {l.Max:F3}");
        return sb.ToString();
    }
}
