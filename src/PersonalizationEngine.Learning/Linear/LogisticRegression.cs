namespace PersonalizationEngine.Learning.Linear;

/// <summary>
/// L2-regularised logistic regression fitted by Newton's method (IRLS). For the small dimensions of churn
/// models (tens of features) the exact Hessian is cheap and converges in a handful of steps; the L2 term keeps
/// the Hessian positive definite, so perfectly separable data gives finite weights.
/// </summary>
public static class LogisticRegression
{
    public static LogisticModel Fit(IReadOnlyList<double[]> rows, IReadOnlyList<int> labels, LogisticRegressionOptions? options = null)
    {
        options ??= new LogisticRegressionOptions();
        var scaler = StandardScaler.Fit(rows);
        var z = rows.Select(scaler.Transform).ToArray();
        var d = z[0].Length;
        var p = d + 1; // index d is the intercept
        var w = new double[p];
        var n = z.Length;
        var prior = labels.Average();
        w[d] = Math.Log((prior + 1e-9) / (1 - prior + 1e-9));
        var previousLoss = double.MaxValue;
        for (var iteration = 0; iteration < options.MaxIterations; iteration++)
        {
            var gradient = new double[p];
            var hessian = new double[p, p];
            double loss = 0;
            for (var i = 0; i < n; i++)
            {
                var x = z[i];
                var eta = w[d] + DenseMath.Dot(w.AsSpan(0, d), x);
                var mu = DenseMath.Sigmoid(eta);
                var y = labels[i];
                loss += Math.Max(eta, 0) - eta * y + Math.Log(1 + Math.Exp(-Math.Abs(eta)));
                var r = mu - y;
                var h = Math.Max(mu * (1 - mu), 1e-12);
                for (var a = 0; a < d; a++)
                {
                    gradient[a] += r * x[a];
                    var hx = h * x[a];
                    for (var b = 0; b <= a; b++)
                    {
                        hessian[a, b] += hx * x[b];
                    }

                    hessian[d, a] += hx;
                }

                gradient[d] += r;
                hessian[d, d] += h;
            }

            for (var a = 0; a < d; a++)
            {
                gradient[a] += options.L2 * w[a];
                hessian[a, a] += options.L2;
                loss += 0.5 * options.L2 * w[a] * w[a];
            }

            for (var a = 0; a < p; a++)
            {
                for (var b = a + 1; b < p; b++)
                {
                    hessian[a, b] = hessian[b, a];
                }
            }

            var step = DenseMath.CholeskySolve(DenseMath.Cholesky(hessian), gradient);
            for (var a = 0; a < p; a++)
            {
                w[a] -= step[a];
            }

            if (Math.Abs(previousLoss - loss) < options.Tolerance * Math.Max(1, Math.Abs(loss)))
            {
                break;
            }

            previousLoss = loss;
        }

        return new LogisticModel(scaler, w[..d], w[d]);
    }
}
