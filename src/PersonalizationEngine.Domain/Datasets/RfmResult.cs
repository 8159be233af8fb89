namespace PersonalizationEngine.Domain.Datasets;

/// <summary>Recency (days since the last purchase), frequency (purchase invoices), monetary (net of cancellations).</summary>
public sealed record RfmResult(double RecencyDays, int Frequency, decimal Monetary);
