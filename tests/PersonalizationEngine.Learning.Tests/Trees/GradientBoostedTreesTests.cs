using PersonalizationEngine.Learning.Evaluation;
using PersonalizationEngine.Learning.Linear;
using PersonalizationEngine.Learning.Trees;

namespace PersonalizationEngine.Learning.Tests.Trees;

public sealed class GradientBoostedTreesTests
{
    private static (double[][] X, int[] Y) Xor(int n, int seed)
    {
        var random = new Random(seed);
        var x = new double[n][];
        var y = new int[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = [random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1, random.NextDouble()];
            var positive = x[i][0] * x[i][1] > 0;
            // 5% label noise so that the trees cannot simply memorise.
            y[i] = (positive ^ (random.NextDouble() < 0.05)) ? 1 : 0;
        }

        return (x, y);
    }

    [Fact]
    public void Learns_an_xor_interaction_that_logistic_regression_cannot()
    {
        var (x, y) = Xor(4000, seed: 1);
        var (xTest, yTest) = Xor(2000, seed: 2);

        var trees = GradientBoostedTrees.Fit(x, y, new GbtOptions(Trees: 100, MaxDepth: 2, LearningRate: 0.2));
        var logistic = LogisticRegression.Fit(x, y);

        var treeAuc = Metrics.RocAuc(xTest.Select(trees.PredictProbability).ToArray(), yTest);
        var linearAuc = Metrics.RocAuc(xTest.Select(logistic.PredictProbability).ToArray(), yTest);
        Assert.True(treeAuc > 0.9, $"trees AUC {treeAuc}");
        Assert.InRange(linearAuc, 0.4, 0.6);
    }

    [Fact]
    public void Saabas_contributions_sum_to_the_margin_and_ignore_noise_features()
    {
        var (x, y) = Xor(3000, seed: 3);
        var model = GradientBoostedTrees.Fit(x, y, new GbtOptions(Trees: 60, MaxDepth: 2, LearningRate: 0.2, MinSamplesLeaf: 50));
        var probe = new[] { 0.7, 0.6, 0.5 };

        var contributions = new double[3];
        model.Contributions(probe, contributions);

        var roots = model.BaseScore + model.Trees.Sum(t => t.Value[0]);
        Assert.Equal(model.Margin(probe), roots + contributions.Sum(), 9);
        Assert.True(contributions[0] + contributions[1] > 1, "the two informative features carry the positive score");
        Assert.True(Math.Abs(contributions[2]) < 0.5 * (contributions[0] + contributions[1]));
    }

    [Fact]
    public void Early_stopping_cuts_the_ensemble_when_the_held_out_loss_stops_improving()
    {
        // Pure-noise labels: nothing generalises, so held-out loss stops improving after a few rounds.
        var random = new Random(9);
        var x = Enumerable.Range(0, 2000).Select(_ => new[] { random.NextDouble(), random.NextDouble() }).ToArray();
        var y = x.Select(_ => random.Next(2)).ToArray();

        var stopped = GradientBoostedTrees.Fit(x, y, new GbtOptions(Trees: 300, MaxDepth: 4, LearningRate: 0.3, MinSamplesLeaf: 5, ValidationFraction: 0.25));
        var full = GradientBoostedTrees.Fit(x, y, new GbtOptions(Trees: 300, MaxDepth: 4, LearningRate: 0.3, MinSamplesLeaf: 5));

        Assert.Equal(300, full.Trees.Count);
        Assert.InRange(stopped.Trees.Count, 0, 30);
    }

    [Fact]
    public void Binning_edges_map_to_raw_thresholds()
    {
        double[][] rows = [[1], [2], [3], [4]];
        var binner = FeatureBinner.Fit(rows, maxBins: 4);

        var bins = binner.Transform(rows)[0];

        Assert.Equal([1.0, 2.0, 3.0], binner.Edges[0]);
        Assert.Equal([(byte)0, (byte)1, (byte)2, (byte)3], bins);
        Assert.Equal((byte)2, binner.Transform([[2.5]])[0][0]);
    }

    [Fact]
    public void One_walk_prediction_with_contributions_equals_predict_then_add_contributions()
    {
        var (x, y) = Xor(2000, seed: 3);
        var model = GradientBoostedTrees.Fit(x, y, new GbtOptions(Trees: 40, MaxDepth: 3, LearningRate: 0.2));
        foreach (var row in Xor(200, seed: 4).X)
        {
            foreach (var tree in model.Trees)
            {
                var separate = new double[row.Length];
                var together = new double[row.Length];
                var predicted = tree.Predict(row);
                tree.AddContributions(row, separate);
                Assert.Equal(predicted, tree.PredictAndAddContributions(row, together));
                Assert.Equal(separate, together);
            }
        }
    }
}
