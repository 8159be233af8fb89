namespace PersonalizationEngine.Learning.Evaluation;

public static class Intervals
{
    public const double Z95 = 1.959963984540054;

    /// <summary>Wilson score interval for a proportion: sensible even with a handful of successes.</summary>
    public static Estimate Wilson(long successes, long trials)
    {
        if (trials == 0)
        {
            return new Estimate(double.NaN, 0, 1, 0);
        }

        double n = trials;
        var p = successes / n;
        var z2 = Z95 * Z95;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = Z95 * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        return new Estimate(p, Math.Max(0, centre - half), Math.Min(1, centre + half), (int)trials);
    }

    /// <summary>
    /// Ratio of two independent proportions with a 95% interval from the delta method on the log ratio
    /// (Katz et al. 1978); a zero count gets a ½ continuity correction.
    /// </summary>
    public static Estimate Ratio(long successesA, long trialsA, long successesB, long trialsB)
    {
        var a = Math.Max(successesA, 0.5);
        var b = Math.Max(successesB, 0.5);
        var ratio = (successesA / (double)trialsA) / (successesB / (double)trialsB);
        var se = Math.Sqrt(1 / a - 1.0 / trialsA + 1 / b - 1.0 / trialsB);
        var logRatio = Math.Log(a / trialsA / (b / trialsB));
        return new Estimate(ratio, Math.Exp(logRatio - Z95 * se), Math.Exp(logRatio + Z95 * se), (int)trialsA);
    }
}
