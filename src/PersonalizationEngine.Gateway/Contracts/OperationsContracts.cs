namespace PersonalizationEngine.Gateway.Contracts;

/// <summary>The active churn model.</summary>
public sealed record ChurnModelView(string Version, string Kind, IReadOnlyList<string> Features, double MediumThreshold, double HighThreshold, string? Source);

/// <summary>A churn model that was uploaded and is now active.</summary>
public sealed record ChurnModelUploaded(string Version, string Kind, int Features);

/// <summary>A built-in segment (read-only).</summary>
public sealed record BuiltInSegmentView(string Id, string Name);

/// <summary>Live figures for the dashboard.</summary>
public sealed record StatsView(
    DateTimeOffset Time,
    double EventsPerSecond,
    double DecisionsPerSecond,
    LatencyView DecisionLatencyMs,
    int ActiveGrains,
    long EventsTotal,
    long DecisionsTotal,
    IReadOnlyList<SegmentMembersView> Segments,
    IReadOnlyList<OfferKpi> Offers,
    long IngestBacklog = 0,
    double IngestLagP99Ms = 0);

/// <summary>Decision latency percentiles over the most recent decisions, in milliseconds.</summary>
public sealed record LatencyView(double P50, double P90, double P99);

/// <summary>Members of a segment among the customers in memory.</summary>
public sealed record SegmentMembersView(string Id, string Name, long Members);
