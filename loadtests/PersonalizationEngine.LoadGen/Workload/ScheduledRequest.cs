namespace PersonalizationEngine.LoadGen.Workload;

/// <summary>A request and the offset from the start of the run at which it is meant to be sent.</summary>
public readonly record struct ScheduledRequest(TimeSpan Offset, RequestSpec Request);
