using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace PersonalizationEngine.Domain.Profiles;

public sealed partial class CustomerProfile
{
    /// <summary>
    /// One feature of <see cref="Features"/>, computed on its own (same value, same presence): the data-quality
    /// latencies, then model <see cref="Scores"/>, then the profile's own counters, then the behavioural features.
    /// </summary>
    public bool TryGetFeature(string name, DateTimeOffset asOf, ProfileSettings settings, out double value)
    {
        // Same precedence as the assignments in Features: later ones win.
        if (EventCount > 0)
        {
            if (name == "dq_event_latency_s") { value = LatencySumSeconds / EventCount; return true; }
            if (name == "dq_apply_latency_s") { value = ApplyLatencySumSeconds / EventCount; return true; }
        }
        if (Scores is not null && Scores.TryGetValue(name, out value)) return true;
        switch (name)
        {
            case "event_count": value = EventCount; return true;
            case "custom_events_total": value = CustomEventsTotal(); return true;
            case "dq_completeness": value = Completeness(settings); return true;
            case "dq_conflicts": value = ConflictCount; return true;
        }
        return State.TryGetFeature(name, asOf, settings.Features, out value);
    }

    private int CustomEventsTotal()
    {
        if (CustomTypeCounts is null) return 0;
        var total = 0;
        foreach (var count in CustomTypeCounts.Values) total += count;
        return total;
    }

    /// <summary>
    /// <see cref="Features"/> as a lazy view: a lookup computes only the feature asked for; enumerating (or
    /// counting) builds the full view once. Valid while the profile does not change.
    /// </summary>
    public IReadOnlyDictionary<string, double> FeatureView(DateTimeOffset asOf, ProfileSettings settings) => new LazyFeatures(this, asOf, settings);

    private sealed class LazyFeatures(CustomerProfile profile, DateTimeOffset asOf, ProfileSettings settings) : IReadOnlyDictionary<string, double>
    {
        private IReadOnlyDictionary<string, double>? _all;

        private IReadOnlyDictionary<string, double> All => _all ??= profile.Features(asOf, settings);

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value) => profile.TryGetFeature(key, asOf, settings, out value);

        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public double this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

        public IEnumerable<string> Keys => All.Keys;

        public IEnumerable<double> Values => All.Values;

        public int Count => All.Count;

        public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => All.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
