namespace PersonalizationEngine.Domain.Features;

/// <summary>
/// Count and sum of events starting at <see cref="Minute"/> (minutes since the Unix epoch; an int lasts until
/// the year 6053 and keeps the struct at 16 bytes, which matters for the 4 KB per customer goal).
/// </summary>
public record struct TimeBucket(int Minute, int Count, double Sum);
