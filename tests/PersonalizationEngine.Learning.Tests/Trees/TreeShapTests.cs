using PersonalizationEngine.Learning.Models;
using PersonalizationEngine.Learning.Training;
using PersonalizationEngine.Learning.Trees;

namespace PersonalizationEngine.Learning.Tests.Trees;

/// <summary>
/// Exact TreeSHAP against its definition: the Shapley values of the game whose coalition value is the
/// path-dependent conditional expectation E[f(x) | x_S], computed here by brute force over every coalition.
/// </summary>
public sealed class TreeShapTests(TelcoFixture telco) : IClassFixture<TelcoFixture>
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Matches_brute_force_shapley_values_on_random_trees_with_repeated_splits_and_empty_nodes(int seed)
    {
        var random = new Random(seed);
        const int features = 7;
        var rows = Enumerable.Range(0, 60).Select(_ => Enumerable.Range(0, features).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        // Deep trees on few features: the same feature recurs on a path, and with 60 rows some nodes get none.
        var trees = Enumerable.Range(0, 6).Select(_ => RandomTree(random, features, depth: 6, rows)).ToArray();
        Assert.Contains(trees, t => t.Cover!.Contains(0));
        int[] identity = [.. Enumerable.Range(0, features)];
        int[] grouped = [0, 0, 1, 2, 2, 2, 3];

        foreach (var (playerOf, players) in new[] { (identity, features), (grouped, 4) })
        {
            var shap = TreeShap.Build(trees, playerOf, players);
            for (var r = 0; r < 40; r++)
            {
                var x = Enumerable.Range(0, features).Select(_ => (float)random.NextDouble()).ToArray();
                var phi = new double[players];
                shap.AddContributions(x, phi);
                var expected = BruteForce(trees, playerOf, players, x);
                for (var p = 0; p < players; p++)
                {
                    Assert.Equal(expected[p], phi[p], 10);
                }

                // Local accuracy: the values add up to f(x) minus the expected value (the empty coalition).
                Assert.Equal(trees.Sum(t => t.Predict(x)) - trees.Sum(t => Expectation(t, 0, playerOf, x, 0)), phi.Sum(), 10);
            }
        }
    }

    [Fact]
    public void Matches_brute_force_on_an_mlnet_fasttree_per_slot_and_per_column()
    {
        // A small real model: five Telco columns (nine slots), so 2^9 coalitions stay cheap.
        string[] columns = ["tenure", "Contract", "MonthlyCharges", "InternetService", "is_new"];
        int[] slots = [.. Enumerable.Range(0, telco.Names.Length).Where(j => columns.Contains(telco.Names[j].Split('=')[0]))];
        Assert.Equal(9, slots.Length);
        string[] names = [.. slots.Select(j => telco.Names[j])];
        double[][] x = [.. telco.X.Select(r => slots.Select(j => r[j]).ToArray())];
        var model = ChurnTrainer.Fit(x, telco.Labels, names, new FastTreeLearner(Leaves: 8, Trees: 20), new DateOnly(2026, 12, 1)).Artefact;
        var trees = model.Trees!;
        int[] identity = [.. Enumerable.Range(0, names.Length)];
        int[] byColumn = [.. names.Select(n => Array.IndexOf(columns, n.Split('=')[0]))];
        var scale = -model.CalibratorSlope;

        var contributions = new double[names.Length];
        for (var i = 0; i < 100; i++)
        {
            var row = x[i * 70];
            var xf = row.Select(v => (float)v).ToArray();
            // Per slot, through the public entry point (log-odds units).
            model.Contributions(row, contributions);
            var expected = BruteForce(trees, identity, names.Length, xf);
            for (var j = 0; j < names.Length; j++)
            {
                Assert.Equal(scale * expected[j], contributions[j], 10);
            }

            // Per column: one player per one-hot column, as the reasons can use it.
            var phi = new double[columns.Length];
            TreeShap.Build(trees, byColumn, columns.Length).AddContributions(xf, phi);
            var expectedColumns = BruteForce(trees, byColumn, columns.Length, xf);
            for (var c = 0; c < columns.Length; c++)
            {
                Assert.Equal(expectedColumns[c], phi[c], 10);
            }
        }
    }

    [Fact]
    public void Tree_contributions_plus_the_expected_value_give_the_margin_on_every_telco_row()
    {
        var model = telco.Trees.Artefact;
        // The root values are the cover-weighted means: the expected margin over the training rows.
        var expectedValue = -model.CalibratorSlope * (model.BaseScore + model.Trees!.Sum(t => t.Value[0]));
        var contributions = new double[model.FeatureNames.Length];
        var worst = 0.0;
        for (var i = 0; i < telco.X.Length; i++)
        {
            var margin = model.Contributions(telco.X[i], contributions);
            worst = Math.Max(worst, Math.Abs(margin - expectedValue - contributions.Sum()));
        }

        Assert.True(worst <= 1e-9, $"largest |margin − expected value − Σ SHAP| = {worst:E3}");
        // The artefact's cover is the training row count at every root.
        Assert.All(model.Trees!, t => Assert.Equal(telco.X.Length, t.Cover![0]));
    }

    [Fact]
    public void An_artefact_without_cover_keeps_saabas_attribution_which_still_adds_up()
    {
        var model = telco.Trees.Artefact;
        var old = model with { Trees = [.. model.Trees!.Select(t => t with { Cover = null })] };
        var restored = ChurnModel.FromJson(old.ToJson());
        Assert.DoesNotContain("\"cover\"", old.ToJson(), StringComparison.Ordinal);

        var shap = new double[model.FeatureNames.Length];
        var saabas = new double[model.FeatureNames.Length];
        var differ = 0;
        for (var i = 0; i < 200; i++)
        {
            var margin = model.Contributions(telco.X[i], shap);
            Assert.Equal(margin, restored.Contributions(telco.X[i], saabas), 12);
            Assert.Equal(shap.Sum(), saabas.Sum(), 9);
            differ += shap.Zip(saabas).Any(p => Math.Abs(p.First - p.Second) > 1e-6) ? 1 : 0;
            Assert.Equal(model.Score(telco.Row(i)).Probability, restored.Score(telco.Row(i)).Probability);
        }

        Assert.True(differ > 150, $"SHAP and Saabas differ on {differ} of 200 rows");
    }

    [Fact]
    public void Deferred_tree_reasons_are_the_treeshap_reasons_whoever_reads_them_first_and_survive_json()
    {
        var model = ChurnModel.FromJson(telco.Trees.Artefact.ToJson());
        for (var i = 0; i < 100; i++)
        {
            var expected = model.ScoreWithReasons(telco.X[i], ReasonAttribution.ShapSlots, 0).Reasons;
            var score = model.Score(telco.Row(i));
            // Eight readers at once on a fresh score: all see the same reasons.
            var seen = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8).Select(_ => score.TopReasons.ToArray()).ToArray();
            Assert.All(seen, r => Assert.Equal(expected, r));
            // The engine's serialisation of results (System.Text.Json) writes the reasons out.
            var json = System.Text.Json.JsonSerializer.Serialize(score);
            Assert.Equal(expected, System.Text.Json.JsonSerializer.Deserialize<ChurnScore>(json)!.TopReasons);
        }
    }

    /// <summary>Shapley values by definition: every coalition, weighted |S|!(n − |S| − 1)!/n!.</summary>
    private static double[] BruteForce(RegressionTree[] trees, int[] playerOf, int players, float[] x)
    {
        var value = new double[1 << players];
        for (var s = 0; s < value.Length; s++)
        {
            value[s] = trees.Sum(t => Expectation(t, 0, playerOf, x, s));
        }

        var factorial = new double[players + 1];
        factorial[0] = 1;
        for (var k = 1; k <= players; k++)
        {
            factorial[k] = factorial[k - 1] * k;
        }

        var phi = new double[players];
        for (var p = 0; p < players; p++)
        {
            for (var s = 0; s < value.Length; s++)
            {
                if ((s & (1 << p)) == 0)
                {
                    var size = System.Numerics.BitOperations.PopCount((uint)s);
                    phi[p] += factorial[size] * factorial[players - size - 1] / factorial[players] * (value[s | (1 << p)] - value[s]);
                }
            }
        }

        return phi;
    }

    /// <summary>E[tree(x) | x_S]: follow x at splits on players in S, else average the children by cover.</summary>
    private static double Expectation(RegressionTree tree, int node, int[] playerOf, float[] x, int coalition)
    {
        var feature = tree.Feature[node];
        if (feature < 0)
        {
            return tree.Value[node];
        }

        var (left, right) = (tree.Left[node], tree.Right[node]);
        if ((coalition & (1 << playerOf[feature])) != 0)
        {
            return Expectation(tree, x[feature] <= tree.Threshold[node] ? left : right, playerOf, x, coalition);
        }

        var cover = tree.Cover!;
        var share = cover[node] > 0 ? cover[left] / cover[node] : 0.5;
        return (share * Expectation(tree, left, playerOf, x, coalition)) + ((1 - share) * Expectation(tree, right, playerOf, x, coalition));
    }

    /// <summary>A random full tree in pre-order (children after parents), its cover counted from the rows.</summary>
    private static RegressionTree RandomTree(Random random, int features, int depth, float[][] rows)
    {
        var feature = new List<int>();
        var threshold = new List<float>();
        var left = new List<int>();
        var right = new List<int>();
        var value = new List<double>();
        int Grow(int level)
        {
            var index = feature.Count;
            feature.Add(-1);
            threshold.Add(0);
            left.Add(-1);
            right.Add(-1);
            value.Add(0);
            if (level == depth || (level > 1 && random.NextDouble() < 0.2))
            {
                value[index] = (random.NextDouble() * 2) - 1;
                return index;
            }

            feature[index] = random.Next(features);
            threshold[index] = (float)random.NextDouble();
            left[index] = Grow(level + 1);
            right[index] = Grow(level + 1);
            return index;
        }

        Grow(0);
        var tree = new RegressionTree([.. feature], [.. threshold], [.. left], [.. right], [.. value]);
        var counts = new int[feature.Count];
        foreach (var row in rows)
        {
            tree.AddPathCounts(row, counts);
        }

        return tree with { Cover = [.. counts.Select(c => (double)c)] };
    }
}
