namespace PersonalizationEngine.Learning.Trees;

/// <summary>
/// Gradient boosting settings (Friedman 2001 "Greedy function approximation"; stochastic subsampling from
/// Friedman 2002). With <see cref="ValidationFraction"/> &gt; 0 that share of the training rows is held out and
/// boosting stops once its log-loss has not improved for <see cref="EarlyStoppingRounds"/> rounds (the
/// ensemble is cut back to the best round).
/// </summary>
public sealed record GbtOptions(
    int Trees = 300,
    int MaxDepth = 3,
    double LearningRate = 0.05,
    double Subsample = 0.8,
    int MinSamplesLeaf = 20,
    double L2 = 1.0,
    int MaxBins = 32,
    int Seed = 42,
    double ValidationFraction = 0,
    int EarlyStoppingRounds = 20);
