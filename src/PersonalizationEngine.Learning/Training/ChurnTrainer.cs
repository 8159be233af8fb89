using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Transforms;
using PersonalizationEngine.Learning.Models;
using MlTree = Microsoft.ML.Trainers.FastTree.RegressionTree;
using RegressionTree = PersonalizationEngine.Learning.Trees.RegressionTree;

namespace PersonalizationEngine.Learning.Training;

/// <summary>
/// Fits a churn model with ML.NET and exports it into the engine's <see cref="ChurnModel"/> artefact: the
/// linear weights with the normaliser's scale and offset, or the tree ensemble with its calibrator, in slot
/// order. Single-threaded and seeded, so the same rows give the same model.
/// </summary>
public static class ChurnTrainer
{
    public static TrainedChurnModel Fit(
        IReadOnlyList<double[]> x,
        IReadOnlyList<int> y,
        IReadOnlyList<string> names,
        ChurnLearner learner,
        DateOnly date,
        int seed = 42,
        IReadOnlyDictionary<string, string>? descriptions = null)
    {
        if (x.Count != y.Count || x.Count == 0)
        {
            throw new ArgumentException("Rows and labels must be non-empty and of equal length.", nameof(x));
        }

        if (y.Distinct().Count() < 2)
        {
            throw new ArgumentException("Both classes must occur in the training rows.", nameof(y));
        }

        var ml = new MLContext(seed);
        var data = ChurnDataView.Create(ml, x, y, names);
        var means = Means(x, names.Count);
        var flags = names.Where((_, j) => x.All(r => r[j] is 0 or 1)).Where(n => !n.Contains('=', StringComparison.Ordinal)).ToArray();
        var (transformer, artefact) = learner switch
        {
            LogisticLearner lr => FitLogistic(ml, data, lr),
            FastTreeLearner ft => FitFastTree(ml, data, ft, seed, x),
            _ => throw new ArgumentException($"Unknown learner {learner}.", nameof(learner)),
        };

        var parametersJson = JsonSerializer.Serialize(new { learner = learner.ToString(), artefact.Coefficients, artefact.Intercept, artefact.BaseScore, Leaves = artefact.Trees?.Select(t => t.Value.Sum()) });
        var model = artefact with
        {
            Format = ChurnModel.CurrentFormat,
            Version = ChurnModel.MakeVersion(learner.Kind == ChurnModelKind.LogisticRegression ? "lr" : "gbt", date, parametersJson),
            FeatureNames = [.. names],
            Means = means,
            Flags = flags,
            Descriptions = descriptions,
        };
        return new TrainedChurnModel(ml, transformer, data.Schema, model.Validated(), learner);
    }

    private static double[] Means(IReadOnlyList<double[]> x, int d)
    {
        var means = new double[d];
        foreach (var row in x)
        {
            for (var j = 0; j < d; j++)
            {
                means[j] += row[j];
            }
        }

        for (var j = 0; j < d; j++)
        {
            means[j] /= x.Count;
        }

        return means;
    }

    private static (ITransformer, ChurnModel) FitLogistic(MLContext ml, IDataView data, LogisticLearner learner)
    {
        var pipeline = ml.Transforms.NormalizeMeanVariance(ChurnDataView.Features)
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = ChurnDataView.Label,
                FeatureColumnName = ChurnDataView.Features,
                L2Regularization = learner.L2,
                L1Regularization = learner.L1,
                NumberOfThreads = 1,
            }));
        var fitted = pipeline.Fit(data);
        var normaliser = (NormalizingTransformer)fitted.First();
        if (normaliser.GetNormalizerModelParameters(0) is not NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>> affine)
        {
            throw new InvalidOperationException("Expected an affine (mean-variance) normaliser over the feature vector.");
        }

        var calibrated = fitted.LastTransformer.Model;
        var linear = calibrated.SubModel;
        var d = linear.Weights.Count;
        var artefact = new ChurnModel
        {
            Kind = ChurnModelKind.LogisticRegression,
            Version = "pending",
            FeatureNames = [],
            Means = [],
            Scales = [.. affine.Scale.Select(s => (double)s)],
            Offsets = affine.Offset.IsDefaultOrEmpty ? [.. Enumerable.Repeat(0.0, d)] : [.. affine.Offset.Select(o => (double)o)],
            Coefficients = [.. linear.Weights.Select(w => (double)w)],
            Intercept = linear.Bias,
            CalibratorSlope = calibrated.Calibrator.Slope,
            CalibratorOffset = calibrated.Calibrator.Offset,
        };
        return (fitted, artefact);
    }

    private static (ITransformer, ChurnModel) FitFastTree(MLContext ml, IDataView data, FastTreeLearner learner, int seed, IReadOnlyList<double[]> x)
    {
        var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            LabelColumnName = ChurnDataView.Label,
            FeatureColumnName = ChurnDataView.Features,
            NumberOfLeaves = learner.Leaves,
            NumberOfTrees = learner.Trees,
            LearningRate = learner.LearningRate,
            MinimumExampleCountPerLeaf = learner.MinLeaf,
            NumberOfThreads = 1,
            Seed = seed,
        });
        var fitted = trainer.Fit(data);
        var calibrated = fitted.Model;
        var ensemble = calibrated.SubModel.TrainedTreeEnsemble;
        var trees = new RegressionTree[ensemble.Trees.Count];
        for (var t = 0; t < trees.Length; t++)
        {
            trees[t] = Export(ensemble.Trees[t], ensemble.TreeWeights[t], x);
        }

        var d = x[0].Length;
        var artefact = new ChurnModel
        {
            Kind = ChurnModelKind.GradientBoostedTrees,
            Version = "pending",
            FeatureNames = [],
            Means = [],
            Scales = [.. Enumerable.Repeat(1.0, d)],
            BaseScore = ensemble.Bias,
            Trees = trees,
            CalibratorSlope = calibrated.Calibrator.Slope,
            CalibratorOffset = calibrated.Calibrator.Offset,
        };
        return (fitted, artefact);
    }

    /// <summary>
    /// One ML.NET tree into the flat layout: internal nodes keep ML.NET's indices, leaf k becomes node
    /// (internal count + k). Internal node values are the training-row-weighted means of their leaves (the
    /// "cover" TreeSHAP uses, stored too), counted by sending the training rows down the exported tree.
    /// </summary>
    internal static RegressionTree Export(MlTree tree, double weight, IReadOnlyList<double[]> x)
    {
        var internalCount = tree.NumberOfNodes;
        var leaves = tree.NumberOfLeaves;
        if (internalCount == 0)
        {
            return new RegressionTree([-1], [0f], [-1], [-1], [tree.LeafValues[0] * weight]) { Cover = [x.Count] };
        }

        if (tree.CategoricalSplitFlags.Any(c => c))
        {
            throw new NotSupportedException("Categorical splits are not exported: one-hot encode categories before training.");
        }

        var n = internalCount + leaves;
        var feature = new int[n];
        var threshold = new float[n];
        var left = new int[n];
        var right = new int[n];
        var value = new double[n];
        int Node(int child) => child >= 0 ? child : internalCount + ~child;
        for (var i = 0; i < internalCount; i++)
        {
            feature[i] = tree.NumericalSplitFeatureIndexes[i];
            threshold[i] = tree.NumericalSplitThresholds[i];
            left[i] = Node(tree.LeftChild[i]);
            right[i] = Node(tree.RightChild[i]);
        }

        for (var k = 0; k < leaves; k++)
        {
            var node = internalCount + k;
            feature[node] = -1;
            left[node] = right[node] = -1;
            value[node] = tree.LeafValues[k] * weight;
        }

        var exported = new RegressionTree(feature, threshold, left, right, value);
        var counts = new int[n];
        var xf = new float[x[0].Length];
        foreach (var row in x)
        {
            for (var j = 0; j < xf.Length; j++)
            {
                xf[j] = (float)row[j];
            }

            exported.AddPathCounts(xf, counts);
        }

        // Children have larger indices than their parent (ML.NET grows a tree by splitting leaves), so a
        // reverse sweep sees both children before the parent.
        var sums = new double[n];
        for (var node = n - 1; node >= 0; node--)
        {
            if (feature[node] < 0)
            {
                sums[node] = counts[node] * value[node];
                continue;
            }

            sums[node] = sums[left[node]] + sums[right[node]];
            value[node] = counts[node] > 0 ? sums[node] / counts[node] : (value[left[node]] + value[right[node]]) / 2;
        }

        return exported with { Cover = [.. counts.Select(c => (double)c)] };
    }
}
