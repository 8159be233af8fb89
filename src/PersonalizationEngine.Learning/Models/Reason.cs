namespace PersonalizationEngine.Learning.Models;

/// <summary>
/// A reason for a churn score: the feature (or, for a one-hot column, the source column such as
/// <c>Contract</c>), its contribution to the log-odds (positive = raises risk) and a sentence a marketer can
/// read ("Contract: Month-to-month", "Days since the last purchase: 120, above the typical 45").
/// </summary>
public readonly record struct Reason(string Feature, double Contribution, string? Text = null);
