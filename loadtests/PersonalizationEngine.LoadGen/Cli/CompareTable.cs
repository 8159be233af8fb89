using System.Globalization;
using System.Text;
using PersonalizationEngine.LoadGen.Reporting;

namespace PersonalizationEngine.LoadGen.Cli;

/// <summary>Markdown table of several targets' results, with ratios against the first target.</summary>
public static class CompareTable
{
    public static string Render(IReadOnlyList<(string Name, RunReport Report)> rows)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| target | req/s | events/s | p50 ms | p99 ms | p99.9 ms | errors | req/s vs first | p99 vs first |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var first = rows[0].Report;
        foreach (var (name, r) in rows)
        {
            var tput = first.RequestsPerSecond > 0 ? r.RequestsPerSecond / first.RequestsPerSecond : double.NaN;
            var p99 = first.LatencyMs.P99 > 0 ? r.LatencyMs.P99 / first.LatencyMs.P99 : double.NaN;
            sb.AppendLine(c, $"| {name} | {r.RequestsPerSecond:F0} | {r.EventsPerSecond:F0} | {r.LatencyMs.P50:F2} | {r.LatencyMs.P99:F2} | {r.LatencyMs.P999:F2} | {r.Errors + r.Dropped} | {tput:F2}x | {p99:F2}x |");
        }

        return sb.ToString();
    }
}
