namespace PersonalizationEngine.LoadGen.Reporting;

/// <summary>Latency percentiles in milliseconds (histogram resolution 1 µs, error below 1%).</summary>
public sealed record LatencySummary(double P50, double P90, double P99, double P999, double Max, double Min);
