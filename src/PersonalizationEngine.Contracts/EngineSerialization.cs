using System.Text.Json;
using Orleans.Serialization;

namespace PersonalizationEngine.Contracts;

/// <summary>
/// How values cross silos. The message records are Orleans-generated; the domain values inside them (events,
/// profiles, scores, bandit snapshots) are plain classes with no Orleans attributes (the domain stays free of the
/// runtime), and already round-trip through System.Text.Json (snapshots and the journal store them that way), so
/// Orleans' JSON codec carries them. Inside one silo nothing is serialised: messages are <c>[Immutable]</c>, so
/// Orleans passes them without a copy.
/// </summary>
public static class EngineSerialization
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Types carried by the JSON codec: the domain's and the learning library's.</summary>
    public static bool IsDomainType(Type type) =>
        type.Namespace is { } ns && (ns.StartsWith("PersonalizationEngine.Domain", StringComparison.Ordinal) || ns.StartsWith("PersonalizationEngine.Learning", StringComparison.Ordinal));

    public static ISerializerBuilder AddEngineSerialization(this ISerializerBuilder builder) =>
        builder.AddJsonSerializer(IsDomainType, Json);
}
