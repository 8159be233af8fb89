namespace PersonalizationEngine.Domain.Segments;

/// <summary>A membership change: the profile entered (or left) a segment at <see cref="At"/>.</summary>
public sealed record SegmentChange(string SegmentId, bool Entered, DateTimeOffset At);
