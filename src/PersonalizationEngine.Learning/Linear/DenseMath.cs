namespace PersonalizationEngine.Learning.Linear;

/// <summary>The few dense kernels the bandits and the churn scorer need (small dimensions, row-major arrays).</summary>
public static class DenseMath
{
    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (var i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }
}
