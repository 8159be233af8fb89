using System.Collections.Concurrent;

namespace PersonalizationEngine.Grains.Stats;

/// <summary>
/// Segment membership among the customers currently in memory: a grain adds its segments when it activates,
/// removes them when it leaves, and reports enters/leaves in between. Exact for active customers; customers
/// that are not in memory are not counted (a full count is a batch job over the store).
/// </summary>
public sealed class SegmentCounts
{
    private readonly ConcurrentDictionary<string, long> _members = new(StringComparer.Ordinal);

    public void Add(IEnumerable<string> segments, int sign)
    {
        foreach (var s in segments) _members.AddOrUpdate(s, sign, (_, v) => v + sign);
    }

    public void Change(string segment, bool entered) => _members.AddOrUpdate(segment, entered ? 1 : -1, (_, v) => v + (entered ? 1 : -1));

    public IReadOnlyDictionary<string, long> Snapshot() => _members.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}
