using PersonalizationEngine.Learning.Linear;

namespace PersonalizationEngine.Learning.Bandits;

public sealed partial class ContextualBandit
{
    private double Index(int arm, ReadOnlySpan<double> context, Random random) => Settings.Algorithm switch
    {
        // LinUCB (Li et al. 2010, Algorithm 1): θ·x + α √(xᵀ A⁻¹ x).
        BanditAlgorithm.LinUcb => MeanAndWidth(arm, context, out var width) + Settings.Exploration * width,
        BanditAlgorithm.LinearThompson => MeanAndWidth(arm, context, out var width) + Settings.Exploration * width * Gaussian(random),
        BanditAlgorithm.EpsilonGreedy => Propensity(arm, context),
        BanditAlgorithm.BetaBernoulliThompson => SampleBeta(1 + _arms[arm].RewardSum, 1 + _arms[arm].Pulls - _arms[arm].RewardSum, random),
        _ => throw new InvalidOperationException($"Unknown algorithm {Settings.Algorithm}."),
    };

    /// <summary>
    /// One Thompson draw of the arm's expected reward in this context: x·θ̃ with θ̃ ~ N(θ̂, v² A⁻¹), i.e.
    /// PriorMean + x·θ̂ + v √(xᵀA⁻¹x) · N(0, 1). An arm never tried has the widest posterior, so it is drawn high
    /// often and gets tried; the draws narrow as evidence accumulates.
    /// </summary>
    public double Sample(int arm, ReadOnlySpan<double> context, double scale, Random random)
    {
        CheckDimension(context);
        return MeanAndWidth(arm, context, out var width) + scale * width * Gaussian(random);
    }

    /// <summary>The LinUCB index of an arm: PriorMean + x·θ̂ + α √(xᵀA⁻¹x).</summary>
    public double UpperBound(int arm, ReadOnlySpan<double> context, double alpha)
    {
        CheckDimension(context);
        return MeanAndWidth(arm, context, out var width) + alpha * width;
    }

    /// <summary>
    /// Thompson sampling with a Gaussian posterior (Agrawal &amp; Goyal 2013): θ̃ ~ N(θ̂, v² A⁻¹). Only the
    /// scalar x·θ̃ is needed, and it is exactly N(x·θ̂, v² xᵀA⁻¹x), so one normal draw per arm replaces a
    /// d-dimensional sample and a Cholesky factorisation.
    /// </summary>
    /// <remarks>
    /// One matrix–vector product u = A⁻¹x serves both terms: θ·x = b·u and xᵀA⁻¹x = x·u (A⁻¹ is symmetric),
    /// so an arm costs d² multiply-adds.
    /// </remarks>
    private double MeanAndWidth(int arm, ReadOnlySpan<double> context, out double width)
    {
        var state = _arms[arm];
        var d = Settings.Dimension;
        double mean = 0, variance = 0;
        for (var i = 0; i < d; i++)
        {
            var u = DenseMath.Dot(state.AInverse.AsSpan(i * d, d), context);
            mean += state.B[i] * u;
            variance += context[i] * u;
        }

        width = Math.Sqrt(Math.Max(variance, 0));
        return Settings.PriorMean + mean;
    }

    internal static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Beta(a, b) as X/(X+Y) with gamma draws (Marsaglia &amp; Tsang 2000).</summary>
    internal static double SampleBeta(double a, double b, Random random)
    {
        var x = SampleGamma(a, random);
        var y = SampleGamma(b, random);
        return x / (x + y);
    }

    private static double SampleGamma(double shape, Random random)
    {
        if (shape < 1)
        {
            return SampleGamma(shape + 1, random) * Math.Pow(random.NextDouble(), 1 / shape);
        }

        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Gaussian(random);
                v = 1 + c * x;
            }
            while (v <= 0);

            v = v * v * v;
            var u = random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v))
            {
                return d * v;
            }
        }
    }
}
