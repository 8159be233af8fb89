using System.Text.Json.Serialization;
using PersonalizationEngine.Domain.Features;

namespace PersonalizationEngine.Domain.Profiles;

public sealed partial class CustomerProfile : IJsonOnDeserialized
{
    /// <summary>
    /// A profile read from its snapshot (grain activation) holds the snapshot's own copy of every string and
    /// lists grown by doubling. Keys and sources are shared (<see cref="SharedStrings"/>) and lists sized to their
    /// contents, as a profile built by applying events would be (4 KB per customer goal). Contents, order and
    /// the JSON written back are unchanged.
    /// </summary>
    void IJsonOnDeserialized.OnDeserialized()
    {
        Identifiers = Rebuild(Identifiers, values =>
        {
            values.TrimExcess();
            return values;
        });
        Attributes = Rebuild(Attributes, a => a with { Source = SharedStrings.Share(a.Source) });
        Consents = Rebuild(Consents, c => c with { Source = SharedStrings.Share(c.Source) });
        if (CustomTypeCounts is not null) CustomTypeCounts = Rebuild(CustomTypeCounts, n => n);
        if (Scores is not null) Scores = Rebuild(Scores, s => s);
        Segments ??= [];
        RecentEventIds ??= [];
        RecentEventMinutes ??= [];
        for (var i = 0; i < Segments.Count; i++) Segments[i] = SharedStrings.Share(Segments[i]);
        Segments.TrimExcess();
        SegmentSince?.TrimExcess();
        RecentEventIds.Capacity = RecentEventIds.Count;
        RecentEventMinutes.Capacity = RecentEventMinutes.Count;
        Compact(State.Categories);
        Compact(State.Brands);
    }

    /// <summary>The same entries in the same order, keys shared, in a dictionary sized to them.</summary>
    private static Dictionary<string, T> Rebuild<T>(Dictionary<string, T>? source, Func<T, T> value)
    {
        var result = new Dictionary<string, T>(source?.Count ?? 0, StringComparer.Ordinal);
        if (source is null) return result;
        foreach (var (k, v) in source) result[SharedStrings.Share(k)] = value(v);
        return result;
    }

    private static void Compact(DecayedTopK affinities)
    {
        var scores = affinities.Scores;
        for (var i = 0; i < scores.Count; i++) scores[i] = scores[i] with { Key = SharedStrings.Share(scores[i].Key) };
        scores.Capacity = scores.Count;
    }
}
