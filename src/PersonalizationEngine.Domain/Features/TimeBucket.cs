namespace PersonalizationEngine.Domain.Features;

/// <summary>Count and sum of events starting at <see cref="Minute"/> (minutes since the Unix epoch).</summary>
public record struct TimeBucket(long Minute, int Count, double Sum);
