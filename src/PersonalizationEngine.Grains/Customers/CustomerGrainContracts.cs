using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Domain.Segments;

namespace PersonalizationEngine.Grains.Customers;

/// <summary>The outcome of one event sent to a customer grain.</summary>
public enum EventOutcome
{
    Applied,
    Duplicate,
}

/// <summary>
/// A customer grain's answer to a batch: the outcome per event, or <see cref="MovedTo"/> when this profile
/// has been merged into another one (the caller re-routes), or <see cref="Erased"/>.
/// </summary>
public sealed record IngestReply(IReadOnlyList<EventOutcome> Outcomes, IReadOnlyList<SegmentChange> SegmentChanges, string? MovedTo = null)
{
    public static IngestReply Moved(string profileId) => new([], [], profileId);
}

/// <summary>A profile handed over for a merge, with the journal position it includes.</summary>
public sealed record MergeExport(CustomerProfile Profile, long JournalSequence, IReadOnlyList<string>? Absorbed = null);

/// <summary>The read model of a profile (personal identifiers masked).</summary>
public sealed record ProfileView(
    string ProfileId,
    Dictionary<string, List<string>> Identifiers,
    Dictionary<string, AttributeValue> Attributes,
    IReadOnlyDictionary<string, double> Features,
    IReadOnlyList<string> Segments,
    Dictionary<string, ConsentState> Consents,
    long EventCount,
    string Lifecycle,
    Dictionary<string, int>? CustomEventCounts,
    int Conflicts,
    double Completeness);
