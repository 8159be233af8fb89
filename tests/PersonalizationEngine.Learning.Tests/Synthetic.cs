using PersonalizationEngine.Learning.Linear;

namespace PersonalizationEngine.Learning.Tests;

/// <summary>Synthetic data with known generating parameters.</summary>
internal static class Synthetic
{
    public static (double[][] X, int[] Y) Logistic(int n, double[] weights, double intercept, int seed)
    {
        var random = new Random(seed);
        var x = new double[n][];
        var y = new int[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = weights.Select(_ => Gaussian(random)).ToArray();
            var p = DenseMath.Sigmoid(intercept + DenseMath.Dot(weights, x[i]));
            y[i] = random.NextDouble() < p ? 1 : 0;
        }

        return (x, y);
    }

    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
