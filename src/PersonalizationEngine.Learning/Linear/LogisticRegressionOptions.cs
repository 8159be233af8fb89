namespace PersonalizationEngine.Learning.Linear;

/// <summary>L2 strength on standardised coefficients (the intercept is not penalised).</summary>
public sealed record LogisticRegressionOptions(double L2 = 1.0, int MaxIterations = 50, double Tolerance = 1e-8);
