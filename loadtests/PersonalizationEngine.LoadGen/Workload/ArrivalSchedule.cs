namespace PersonalizationEngine.LoadGen.Workload;

/// <summary>
/// Constant-rate arrivals with a piecewise rate (a spike is a step up and back). Within a stretch of constant
/// rate the n-th arrival is at start + n/rate (computed, not summed, so rounding cannot add an extra request);
/// a step changes spacing from the next request on.
/// </summary>
public static class ArrivalSchedule
{
    public static IEnumerable<ScheduledRequest> Generate(Func<TimeSpan, double> ratePerSecond, TimeSpan duration, IRequestSource source)
    {
        // A margin below the end so 0.1 s at 100/s is 10 arrivals, not 11 by a few ulps.
        var end = duration.TotalSeconds - 1e-9;
        var t = 0.0;
        var stretchStart = 0.0;
        var stretchRate = ratePerSecond(TimeSpan.Zero);
        long n = 0;
        while (t < end)
        {
            var rate = ratePerSecond(TimeSpan.FromSeconds(t));
            if (rate != stretchRate)
            {
                (stretchStart, stretchRate, n) = (t, rate, 0);
            }

            if (rate <= 0)
            {
                t += 0.001;
                stretchStart = t;
                continue;
            }

            yield return new ScheduledRequest(TimeSpan.FromSeconds(t), source.Next());
            n++;
            t = stretchStart + (n / rate);
        }
    }

    /// <summary>Baseline rate, multiplied by <paramref name="factor"/> between <paramref name="at"/> and at + length.</summary>
    public static Func<TimeSpan, double> Spike(double baseRate, double factor, TimeSpan at, TimeSpan length) =>
        t => t >= at && t < at + length ? baseRate * factor : baseRate;
}
