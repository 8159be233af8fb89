using PersonalizationEngine.Learning.Linear;

namespace PersonalizationEngine.Learning.Trees;

/// <summary>
/// Histogram gradient boosting for binary log-loss. Each round fits a depth-limited tree to the gradient and
/// Hessian of the log-loss (second-order leaf values −G/(H+λ), the Newton step of Friedman 2001 §4.5 with the
/// L2 term of XGBoost, Chen &amp; Guestrin 2016), on a random subsample of rows (Friedman 2002).
/// </summary>
public static class GradientBoostedTrees
{
    public static GbtModel Fit(IReadOnlyList<double[]> rows, IReadOnlyList<int> labels, GbtOptions? options = null)
    {
        options ??= new GbtOptions();
        if (options.ValidationFraction > 0)
        {
            return FitWithEarlyStopping(rows, labels, options);
        }

        return Fit(rows, labels, options, validation: null);
    }

    private static GbtModel FitWithEarlyStopping(IReadOnlyList<double[]> rows, IReadOnlyList<int> labels, GbtOptions options)
    {
        var random = new Random(options.Seed ^ 0x5eed);
        var holdOut = Enumerable.Range(0, rows.Count).Select(_ => random.NextDouble() < options.ValidationFraction).ToArray();
        var train = Enumerable.Range(0, rows.Count).Where(i => !holdOut[i]).ToArray();
        var valid = Enumerable.Range(0, rows.Count).Where(i => holdOut[i]).ToArray();
        return Fit(
            train.Select(i => rows[i]).ToArray(),
            train.Select(i => labels[i]).ToArray(),
            options,
            (valid.Select(i => rows[i]).ToArray(), valid.Select(i => labels[i]).ToArray()));
    }

    private static GbtModel Fit(IReadOnlyList<double[]> rows, IReadOnlyList<int> labels, GbtOptions options, (double[][] X, int[] Y)? validation)
    {
        var n = rows.Count;
        var binner = FeatureBinner.Fit(rows, options.MaxBins);
        var bins = binner.Transform(rows);
        var prior = Math.Clamp(labels.Average(), 1e-6, 1 - 1e-6);
        var baseScore = Math.Log(prior / (1 - prior));
        var margin = Enumerable.Repeat(baseScore, n).ToArray();
        var gradient = new double[n];
        var hessian = new double[n];
        var random = new Random(options.Seed);
        var trees = new List<RegressionTree>(options.Trees);
        var all = Enumerable.Range(0, n).ToArray();
        var validMargin = validation is { } v0 ? Enumerable.Repeat(baseScore, v0.X.Length).ToArray() : [];
        var bestLoss = double.MaxValue;
        var bestCount = 0;
        for (var t = 0; t < options.Trees; t++)
        {
            for (var i = 0; i < n; i++)
            {
                var p = DenseMath.Sigmoid(margin[i]);
                gradient[i] = p - labels[i];
                hessian[i] = Math.Max(p * (1 - p), 1e-12);
            }

            var sample = options.Subsample < 1 ? all.Where(_ => random.NextDouble() < options.Subsample).ToArray() : all;
            var builder = new TreeBuilder(bins, binner.Edges, gradient, hessian, options);
            var tree = builder.Build(sample);
            trees.Add(tree);
            for (var i = 0; i < n; i++)
            {
                margin[i] += tree.Predict(rows[i]);
            }

            if (validation is { } v)
            {
                double loss = 0;
                for (var i = 0; i < v.X.Length; i++)
                {
                    validMargin[i] += tree.Predict(v.X[i]);
                    var m = validMargin[i];
                    loss += Math.Max(m, 0) - m * v.Y[i] + Math.Log(1 + Math.Exp(-Math.Abs(m)));
                }

                if (loss < bestLoss)
                {
                    bestLoss = loss;
                    bestCount = trees.Count;
                }
                else if (trees.Count - bestCount >= options.EarlyStoppingRounds)
                {
                    break;
                }
            }
        }

        return new GbtModel(baseScore, validation is null ? trees : trees.GetRange(0, bestCount));
    }
}
