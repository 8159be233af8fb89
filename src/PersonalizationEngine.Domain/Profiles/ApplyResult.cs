using PersonalizationEngine.Domain.Features;
using PersonalizationEngine.Domain.Segments;

namespace PersonalizationEngine.Domain.Profiles;

/// <summary>What one <see cref="CustomerProfile.Apply"/> changed.</summary>
public sealed record ApplyResult(
    bool Applied,
    bool Duplicate,
    IReadOnlyList<SegmentChange> SegmentChanges,
    LifecycleStage LifecycleBefore,
    LifecycleStage LifecycleAfter,
    IReadOnlyList<string> AttributesChanged,
    int ConflictsDetected)
{
    public bool LifecycleChanged => LifecycleBefore != LifecycleAfter;

    public static ApplyResult DuplicateOf(LifecycleStage stage) => new(false, true, [], stage, stage, [], 0);
}
