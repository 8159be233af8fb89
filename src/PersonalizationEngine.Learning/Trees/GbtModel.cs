namespace PersonalizationEngine.Learning.Trees;

/// <summary>A boosted ensemble on the log-odds scale: f(x) = base + Σ trees.</summary>
public sealed record GbtModel(double BaseScore, IReadOnlyList<RegressionTree> Trees) : IBinaryClassifier
{
    public double Margin(ReadOnlySpan<double> x)
    {
        var f = BaseScore;
        foreach (var tree in Trees)
        {
            f += tree.Predict(x);
        }

        return f;
    }

    public double PredictProbability(double[] x) => Linear.DenseMath.Sigmoid(Margin(x));

    /// <summary>Per-feature log-odds contributions; they sum to Margin(x) − BaseScore − Σ root values.</summary>
    public void Contributions(ReadOnlySpan<double> x, Span<double> contributions)
    {
        foreach (var tree in Trees)
        {
            tree.AddContributions(x, contributions);
        }
    }
}
