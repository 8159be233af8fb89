using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Grains.Stats;

namespace PersonalizationEngine.Gateway.ConsolePages;

/// <summary>
/// The console's read-outs from the numbers the engine keeps: pure functions (no I/O), so the pages only draw what
/// the API answers and these are unit-tested on their own.
/// </summary>
public static class ConsoleReadouts
{
    /// <summary>An A/B read-out of an uplift and its 95% interval: significant only when the interval excludes 0.</summary>
    public static (string Verdict, string Text) Verdict(Uplift? uplift) => uplift switch
    {
        null => ("no-data", "No decisions in one of the arms yet."),
        { Low: > 0 } => ("better", "Better than the control group (the 95% interval is above 0)."),
        { High: < 0 } => ("worse", "Worse than the control group (the 95% interval is below 0)."),
        _ => ("not-significant", "Not yet significant: the 95% interval includes 0."),
    };

    /// <summary>
    /// Counts per interval from cumulative samples: each point is the growth since the previous sample (a counter that
    /// went down, as after a restart of its grain, counts from zero). The first sample only sets the baseline.
    /// </summary>
    public static IReadOnlyList<OfferPoint> Deltas(IReadOnlyList<OfferSample> samples)
    {
        var points = new List<OfferPoint>(Math.Max(0, samples.Count - 1));
        for (var i = 1; i < samples.Count; i++)
        {
            var (a, b) = (samples[i - 1], samples[i]);
            points.Add(new OfferPoint(b.Time, Grow(a.Decisions, b.Decisions), Grow(a.Impressions, b.Impressions), Grow(a.Clicks, b.Clicks),
                Grow(a.Conversions, b.Conversions), b.Revenue >= a.Revenue ? b.Revenue - a.Revenue : b.Revenue));
        }
        return points;
    }

    /// <summary>Entries and exits per clock hour (UTC) from cumulative samples, oldest hour first.</summary>
    public static IReadOnlyList<SegmentFlowHour> PerHour(IReadOnlyList<SegmentSample> samples)
    {
        var hours = new SortedDictionary<DateTimeOffset, (long Entered, long Left)>();
        for (var i = 1; i < samples.Count; i++)
        {
            var (a, b) = (samples[i - 1], samples[i]);
            var t = b.Time.ToUniversalTime();
            var hour = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);
            var (entered, left) = hours.GetValueOrDefault(hour);
            hours[hour] = (entered + Grow(a.Entered, b.Entered), left + Grow(a.Left, b.Left));
        }
        return hours.Select(h => new SegmentFlowHour(h.Key, h.Value.Entered, h.Value.Left)).ToList();
    }

    private static long Grow(long before, long after) => after >= before ? after - before : after;
}
