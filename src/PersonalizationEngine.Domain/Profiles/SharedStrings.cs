using System.Collections.Concurrent;

namespace PersonalizationEngine.Domain.Profiles;

/// <summary>
/// One shared instance per distinct short string for the small vocabularies profiles keep as keys: identifier
/// types, attribute names, consent keys, custom event types, affinity keys (categories, brands). Every event
/// deserialised from JSON brings its own copies; without sharing each profile keeps one of each (4 KB per
/// customer goal). Bounded: strings longer than <see cref="MaxLength"/> and strings beyond
/// <see cref="MaxEntries"/> distinct ones are returned as given (only memory, never behaviour, depends on it).
/// </summary>
public static class SharedStrings
{
    public const int MaxLength = 64;
    public const int MaxEntries = 50_000;

    private static readonly ConcurrentDictionary<string, string> _pool = new(StringComparer.Ordinal);

    public static string Share(string value)
    {
        if (value.Length > MaxLength) return value;
        if (_pool.TryGetValue(value, out var shared)) return shared;
        if (_pool.Count >= MaxEntries) return value;
        return _pool.GetOrAdd(value, value);
    }
}
