namespace PersonalizationEngine.Learning.Trees;

/// <summary>
/// Gradient boosting settings (Friedman 2001 "Greedy function approximation"; stochastic subsampling from
/// Friedman 2002). Defaults were tuned on Telco churn inside cross-validation folds.
/// </summary>
public sealed record GbtOptions(
    int Trees = 300,
    int MaxDepth = 3,
    double LearningRate = 0.05,
    double Subsample = 0.8,
    int MinSamplesLeaf = 20,
    double L2 = 1.0,
    int MaxBins = 32,
    int Seed = 42);
