namespace PersonalizationEngine.Learning.Trees;

/// <summary>
/// One regression tree in flat arrays (cache-friendly, trivially serialisable), exported from an ML.NET tree
/// ensemble. Every node, internal or leaf, keeps a value: a leaf its output, an internal node the
/// training-row-weighted mean of the leaves below it (what Saabas path attribution needs). A leaf has
/// <c>Feature = -1</c>. Rows go left when <c>(float)x[Feature] ≤ Threshold</c>: ML.NET feeds trees single-precision
/// features, so the comparison is done in single precision too, or a value within half an ulp of a threshold
/// would take the other branch.
/// </summary>
public sealed record RegressionTree(int[] Feature, float[] Threshold, int[] Left, int[] Right, double[] Value)
{
    public double Predict(ReadOnlySpan<double> x)
    {
        var features = Feature;
        var thresholds = Threshold;
        var node = 0;
        int feature;
        while ((feature = features[node]) >= 0)
        {
            node = (float)x[feature] <= thresholds[node] ? Left[node] : Right[node];
        }

        return Value[node];
    }

    /// <summary>
    /// <see cref="Predict"/> plus Saabas attribution in the same walk: adds each split's change in node value to
    /// the feature it split on, so the contributions sum exactly to the leaf value minus the root value.
    /// </summary>
    public double PredictAndAddContributions(ReadOnlySpan<double> x, Span<double> contributions)
    {
        var features = Feature;
        var thresholds = Threshold;
        var values = Value;
        var node = 0;
        int feature;
        while ((feature = features[node]) >= 0)
        {
            var child = (float)x[feature] <= thresholds[node] ? Left[node] : Right[node];
            contributions[feature] += values[child] - values[node];
            node = child;
        }

        return values[node];
    }

    /// <summary>The index of the leaf a row reaches (for counting training rows per node at export).</summary>
    public void AddPathCounts(ReadOnlySpan<double> x, Span<int> counts)
    {
        var node = 0;
        counts[0]++;
        int feature;
        while ((feature = Feature[node]) >= 0)
        {
            node = (float)x[feature] <= Threshold[node] ? Left[node] : Right[node];
            counts[node]++;
        }
    }
}
