namespace PersonalizationEngine.LoadGen.Metrics;

/// <summary>One second of a run, as printed on the progress line and drawn in the plot.</summary>
public sealed record SecondSample(
    int Second,
    long Sent,
    long Completed,
    long Errors,
    long Dropped,
    double RequestsPerSecond,
    double P50Ms,
    double P99Ms,
    IReadOnlyDictionary<string, long> ErrorsByStatus);
