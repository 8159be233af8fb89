using System.Collections.Concurrent;

namespace PersonalizationEngine.Grains.Stats;

/// <summary>
/// Segment membership among the customers currently in memory: a grain adds its segments when it activates,
/// removes them when it leaves, and reports enters/leaves in between. Exact for active customers; customers
/// that are not in memory are not counted (a full count is a batch job over the store). Also counts entries and
/// exits since start, and keeps a small sample of member profile ids per segment (the console links them).
/// </summary>
public sealed class SegmentCounts
{
    /// <summary>Profile ids kept per segment for the console's sample of members.</summary>
    public const int SampleSize = 20;

    private readonly ConcurrentDictionary<string, long> _members = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Flow> _flows = new(StringComparer.Ordinal);

    public void Add(IEnumerable<string> segments, int sign, string? profileId = null)
    {
        foreach (var s in segments)
        {
            _members.AddOrUpdate(s, sign, (_, v) => v + sign);
            if (profileId is not null) FlowOf(s).Sample(profileId, sign > 0);
        }
    }

    public void Change(string segment, bool entered, string? profileId = null)
    {
        _members.AddOrUpdate(segment, entered ? 1 : -1, (_, v) => v + (entered ? 1 : -1));
        var flow = FlowOf(segment);
        if (entered) Interlocked.Increment(ref flow.Entered); else Interlocked.Increment(ref flow.Left);
        if (profileId is not null) flow.Sample(profileId, entered);
    }

    public IReadOnlyDictionary<string, long> Snapshot() => _members.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <summary>Entries and exits since start, per segment.</summary>
    public IReadOnlyDictionary<string, (long Entered, long Left)> Flows() =>
        _flows.ToDictionary(p => p.Key, p => (Interlocked.Read(ref p.Value.Entered), Interlocked.Read(ref p.Value.Left)), StringComparer.Ordinal);

    /// <summary>Up to <see cref="SampleSize"/> members of a segment in memory here, most recent first.</summary>
    public IReadOnlyList<string> SampleOf(string segment) => _flows.TryGetValue(segment, out var flow) ? flow.Members() : [];

    private Flow FlowOf(string segment) => _flows.GetOrAdd(segment, static _ => new Flow());

    private sealed class Flow
    {
        public long Entered;
        public long Left;
        private readonly Lock _gate = new();
        private readonly List<string> _sample = [];

        public void Sample(string profileId, bool member)
        {
            lock (_gate)
            {
                _sample.Remove(profileId);
                if (!member) return;
                _sample.Insert(0, profileId);
                if (_sample.Count > SampleSize) _sample.RemoveAt(_sample.Count - 1);
            }
        }

        public string[] Members()
        {
            lock (_gate) return [.. _sample];
        }
    }
}
