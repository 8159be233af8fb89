namespace PersonalizationEngine.Learning.Linear;

/// <summary>The few dense linear-algebra kernels the learners need (small dimensions, row-major arrays).</summary>
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

    /// <summary>Cholesky factor L (lower) of a symmetric positive-definite matrix; adds jitter if needed.</summary>
    public static double[,] Cholesky(double[,] a)
    {
        var n = a.GetLength(0);
        for (var jitter = 0.0; ; jitter = jitter == 0 ? 1e-10 : jitter * 10)
        {
            var l = new double[n, n];
            var ok = true;
            for (var i = 0; i < n && ok; i++)
            {
                for (var j = 0; j <= i; j++)
                {
                    var s = a[i, j] + (i == j ? jitter : 0);
                    for (var k = 0; k < j; k++)
                    {
                        s -= l[i, k] * l[j, k];
                    }

                    if (i == j)
                    {
                        if (s <= 0)
                        {
                            ok = false;
                            break;
                        }

                        l[i, i] = Math.Sqrt(s);
                    }
                    else
                    {
                        l[i, j] = s / l[j, j];
                    }
                }
            }

            if (ok)
            {
                return l;
            }

            if (jitter > 1)
            {
                throw new InvalidOperationException("Matrix is not positive definite.");
            }
        }
    }

    /// <summary>Solves (L Lᵀ) x = b.</summary>
    public static double[] CholeskySolve(double[,] l, double[] b)
    {
        var n = b.Length;
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            var s = b[i];
            for (var k = 0; k < i; k++)
            {
                s -= l[i, k] * y[k];
            }

            y[i] = s / l[i, i];
        }

        var x = new double[n];
        for (var i = n - 1; i >= 0; i--)
        {
            var s = y[i];
            for (var k = i + 1; k < n; k++)
            {
                s -= l[k, i] * x[k];
            }

            x[i] = s / l[i, i];
        }

        return x;
    }
}
