using System.Runtime.CompilerServices;

namespace PersonalizationEngine.Learning.Trees;

/// <summary>
/// One regression tree in flat arrays (cache-friendly, trivially serialisable), exported from an ML.NET tree
/// ensemble. Every node, internal or leaf, keeps a value: a leaf its output, an internal node the
/// training-row-weighted mean of the leaves below it (the expected value below the node). <see cref="Cover"/> is
/// the number of training rows that reached each node, counted at export: what exact TreeSHAP
/// (<see cref="TreeShap"/>) needs; artefacts exported before it was stored have none. A leaf has
/// <c>Feature = -1</c>. Rows go left when <c>x[Feature] ≤ Threshold</c> on the row converted to single precision
/// once (<see cref="Models.ChurnModel"/> does it): ML.NET feeds trees single-precision features, so comparing
/// doubles would send a value within half an ulp of a threshold down the other branch.
/// </summary>
public sealed record RegressionTree(int[] Feature, float[] Threshold, int[] Left, int[] Right, double[] Value)
{
    private int[]? _children;

    /// <summary>Training rows that reached each node (absent in artefacts exported before TreeSHAP).</summary>
    public double[]? Cover { get; init; }

    /// <summary>
    /// Left and right child interleaved (<c>[2i]</c> left, <c>[2i + 1]</c> right), so a step picks its child by
    /// index arithmetic instead of a branch (NaN goes right, as in ML.NET: "not ≤"). With many distinct customers the direction of each split is a coin
    /// toss for the branch predictor; a mispredicted branch per split made scoring several times slower.
    /// </summary>
    private int[] Children => _children ??= BuildChildren();

    public double Predict(ReadOnlySpan<float> x)
    {
        var features = Feature;
        var thresholds = Threshold;
        var children = Children;
        var node = 0;
        int feature;
        while ((feature = features[node]) >= 0)
        {
            node = children[(2 * node) + Unsafe.BitCast<bool, byte>(!(x[feature] <= thresholds[node]))];
        }

        return Value[node];
    }

    private int[] BuildChildren()
    {
        var children = new int[2 * Feature.Length];
        for (var i = 0; i < Feature.Length; i++)
        {
            children[2 * i] = Left[i];
            children[(2 * i) + 1] = Right[i];
        }

        return children;
    }

    /// <summary>
    /// <see cref="Predict"/> plus Saabas attribution in the same walk: adds each split's change in node value to
    /// the feature it split on, so the contributions sum exactly to the leaf value minus the root value.
    /// </summary>
    public double PredictAndAddContributions(ReadOnlySpan<float> x, Span<double> contributions)
    {
        var features = Feature;
        var thresholds = Threshold;
        var values = Value;
        var children = Children;
        var node = 0;
        int feature;
        while ((feature = features[node]) >= 0)
        {
            var child = children[(2 * node) + Unsafe.BitCast<bool, byte>(!(x[feature] <= thresholds[node]))];
            contributions[feature] += values[child] - values[node];
            node = child;
        }

        return values[node];
    }

    /// <summary>The index of the leaf a row reaches (for counting training rows per node at export).</summary>
    public void AddPathCounts(ReadOnlySpan<float> x, Span<int> counts)
    {
        var node = 0;
        counts[0]++;
        int feature;
        while ((feature = Feature[node]) >= 0)
        {
            node = x[feature] <= Threshold[node] ? Left[node] : Right[node];
            counts[node]++;
        }
    }
}
