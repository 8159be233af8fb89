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
        }

        return new GbtModel(baseScore, trees);
    }
}
