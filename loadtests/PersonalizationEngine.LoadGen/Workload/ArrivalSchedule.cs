namespace PersonalizationEngine.LoadGen.Workload;

/// <summary>
/// Constant-rate arrivals with a piecewise rate (a spike is a step up and back). Each interval is
/// 1/rate at the time of the previous arrival, so a step changes spacing from the next request on.
/// </summary>
public static class ArrivalSchedule
{
    public static IEnumerable<ScheduledRequest> Generate(Func<TimeSpan, double> ratePerSecond, TimeSpan duration, IRequestSource source)
    {
        var t = 0.0;
        // Summing 1/rate drifts by a few ulps; without the margin 0.1 s at 100/s would yield an 11th arrival.
        var end = duration.TotalSeconds - 1e-9;
        while (t < end)
        {
            var rate = ratePerSecond(TimeSpan.FromSeconds(t));
            if (rate <= 0)
            {
                t += 0.001;
                continue;
            }

            yield return new ScheduledRequest(TimeSpan.FromSeconds(t), source.Next());
            t += 1.0 / rate;
        }
    }

    /// <summary>Baseline rate, multiplied by <paramref name="factor"/> between <paramref name="at"/> and at + length.</summary>
    public static Func<TimeSpan, double> Spike(double baseRate, double factor, TimeSpan at, TimeSpan length) =>
        t => t >= at && t < at + length ? baseRate * factor : baseRate;
}
