namespace PersonalizationEngine.Learning.Models;

/// <summary>One scored customer: probability, band, features that pushed the score up most, model version.</summary>
public sealed record ChurnScore(double Probability, RiskBand Band, IReadOnlyList<Reason> TopReasons, string ModelVersion);
