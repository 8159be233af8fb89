namespace PersonalizationEngine.Learning.Evaluation;

/// <summary>
/// Inverse propensity scoring (Horvitz–Thompson) and its self-normalised form (Swaminathan &amp; Joachims 2015).
/// Inputs per logged row: π(aᵢ|xᵢ) of the target policy, the logging propensity pᵢ and the reward rᵢ.
/// </summary>
public static class OffPolicyEstimators
{
    /// <summary>IPS = mean of wᵢrᵢ with wᵢ = π/p; 95% interval from the normal approximation on the per-row terms.</summary>
    public static Estimate Ips(IReadOnlyList<double> targetProbability, IReadOnlyList<double> loggingPropensity, IReadOnlyList<double> reward)
    {
        var n = reward.Count;
        var terms = new double[n];
        for (var i = 0; i < n; i++)
        {
            terms[i] = targetProbability[i] / loggingPropensity[i] * reward[i];
        }

        var mean = terms.Average();
        var variance = terms.Sum(t => (t - mean) * (t - mean)) / Math.Max(1, n - 1);
        var half = Intervals.Z95 * Math.Sqrt(variance / n);
        return new Estimate(mean, mean - half, mean + half, n);
    }

    /// <summary>
    /// SNIPS = Σ wᵢrᵢ / Σ wᵢ: bounded by the reward range, less variance when weights are large. The 95% interval
    /// uses the delta method: Var ≈ Σ wᵢ²(rᵢ − V)² / (Σ wᵢ)².
    /// </summary>
    public static Estimate SelfNormalisedIps(IReadOnlyList<double> targetProbability, IReadOnlyList<double> loggingPropensity, IReadOnlyList<double> reward)
    {
        var n = reward.Count;
        double sumW = 0, sumWr = 0;
        var w = new double[n];
        for (var i = 0; i < n; i++)
        {
            w[i] = targetProbability[i] / loggingPropensity[i];
            sumW += w[i];
            sumWr += w[i] * reward[i];
        }

        if (sumW == 0)
        {
            return new Estimate(double.NaN, double.NaN, double.NaN, n);
        }

        var value = sumWr / sumW;
        double v = 0;
        for (var i = 0; i < n; i++)
        {
            var e = w[i] * (reward[i] - value);
            v += e * e;
        }

        var half = Intervals.Z95 * Math.Sqrt(v) / sumW;
        return new Estimate(value, value - half, value + half, n);
    }
}
