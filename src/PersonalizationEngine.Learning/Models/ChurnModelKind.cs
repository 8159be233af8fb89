namespace PersonalizationEngine.Learning.Models;

public enum ChurnModelKind
{
    /// <summary>ML.NET <c>LbfgsLogisticRegression</c> after mean-variance normalisation.</summary>
    LogisticRegression,

    /// <summary>ML.NET <c>FastTree</c> boosted trees with their Platt calibrator.</summary>
    GradientBoostedTrees,
}
