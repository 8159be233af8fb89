namespace PersonalizationEngine.Learning.Linear;

/// <summary>Per-feature mean and standard deviation, fitted on training rows only.</summary>
public sealed record StandardScaler(double[] Means, double[] Scales)
{
    public static StandardScaler Fit(IReadOnlyList<double[]> rows)
    {
        var d = rows[0].Length;
        var means = new double[d];
        var scales = new double[d];
        foreach (var x in rows)
        {
            for (var j = 0; j < d; j++)
            {
                means[j] += x[j];
            }
        }

        for (var j = 0; j < d; j++)
        {
            means[j] /= rows.Count;
        }

        foreach (var x in rows)
        {
            for (var j = 0; j < d; j++)
            {
                var e = x[j] - means[j];
                scales[j] += e * e;
            }
        }

        for (var j = 0; j < d; j++)
        {
            var sd = Math.Sqrt(scales[j] / rows.Count);
            // A constant column (possible inside a small fold) would divide by zero: leave it unscaled.
            scales[j] = sd > 1e-12 ? sd : 1;
        }

        return new StandardScaler(means, scales);
    }

    public double[] Transform(double[] x)
    {
        var z = new double[x.Length];
        for (var j = 0; j < x.Length; j++)
        {
            z[j] = (x[j] - Means[j]) / Scales[j];
        }

        return z;
    }
}
