namespace PersonalizationEngine.Learning.Trees;

/// <summary>
/// A binary tree in flat arrays (cache-friendly, trivially serialisable). Every node, internal or leaf, keeps
/// the value it would predict (already scaled by the learning rate); that is what Saabas path attribution needs.
/// A leaf has <c>Feature = -1</c>. Rows go left when <c>x[Feature] ≤ Threshold</c>.
/// </summary>
public sealed record RegressionTree(int[] Feature, double[] Threshold, int[] Left, int[] Right, double[] Value)
{
    public double Predict(ReadOnlySpan<double> x)
    {
        var node = 0;
        while (Feature[node] >= 0)
        {
            node = x[Feature[node]] <= Threshold[node] ? Left[node] : Right[node];
        }

        return Value[node];
    }

    /// <summary>
    /// <see cref="Predict"/> and <see cref="AddContributions"/> in one walk down the tree (the same path, the
    /// same sums): returns the leaf's value and adds each split's change to the feature it split on.
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
            var child = x[feature] <= thresholds[node] ? Left[node] : Right[node];
            contributions[feature] += values[child] - values[node];
            node = child;
        }

        return values[node];
    }

    /// <summary>Adds each split's change in node value to the feature it split on (Saabas attribution).</summary>
    public void AddContributions(ReadOnlySpan<double> x, Span<double> contributions)
    {
        var node = 0;
        while (Feature[node] >= 0)
        {
            var feature = Feature[node];
            var child = x[feature] <= Threshold[node] ? Left[node] : Right[node];
            contributions[feature] += Value[child] - Value[node];
            node = child;
        }
    }
}
