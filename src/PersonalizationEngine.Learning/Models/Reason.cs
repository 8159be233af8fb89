namespace PersonalizationEngine.Learning.Models;

/// <summary>A feature and its contribution to the log-odds for this customer (positive = raises risk).</summary>
public readonly record struct Reason(string Feature, double Contribution);
