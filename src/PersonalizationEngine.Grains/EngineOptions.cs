using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;

namespace PersonalizationEngine.Grains;

/// <summary>Engine settings (configuration section <c>Engine</c>).</summary>
public sealed class EngineOptions
{
    public const string Section = "Engine";

    /// <summary>
    /// Base64 of 32 bytes: wraps every customer's data key (envelope encryption of personal data at rest).
    /// When absent the engine generates one and keeps it in the store (fine for a demo, not for production:
    /// set <c>Engine__MasterKey</c> from a secret store).
    /// </summary>
    public string? MasterKey { get; set; }

    /// <summary>Base64 of at least 16 bytes: the HMAC key of identifier lookups. Generated and stored when absent.</summary>
    public string? IdentifierKey { get; set; }

    /// <summary>A customer's snapshot is written (and its journal trimmed) after this many new events.</summary>
    public int SnapshotEveryEvents { get; set; } = 100;

    /// <summary>
    /// How many of its newest entries a customer's journal stream keeps when a snapshot compacts it: the events an
    /// unmerge re-applies to rebuild both sides. A profile that applied no more events than this (its merged-in
    /// profiles included) splits exactly; beyond it the unmerge redistributes the retained events and says it was
    /// not exact. Kept on disk, not in memory; 0 keeps none.
    /// </summary>
    public int UnmergeRetainEvents { get; set; } = 64;

    /// <summary>
    /// How many times an event's identities are resolved again when a concurrent request claims one of its
    /// identifiers meanwhile (merges racing). After the last attempt the event goes to the profile that attempt chose
    /// and an identifier another profile claimed meanwhile stays linked to that one; the event is not refused, since
    /// with log-first ingestion it is already acknowledged.
    /// </summary>
    public int MaxResolveAttempts { get; set; } = 4;

    /// <summary>
    /// Admission control: events accepted for ingestion but not yet durable and applied, over all requests. A
    /// request that would go beyond it is refused at once (503 with Retry-After) instead of queuing, so latency
    /// stays bounded under a spike and clients back off. At about 10k durable events/s on 2 cores, 20,000 is
    /// about two seconds of work.
    /// </summary>
    public int MaxInFlightEvents { get; set; } = 20_000;

    /// <summary>
    /// Every customer is re-scored for churn on this period by a durable reminder, even when no event arrives
    /// (a customer who goes quiet is the one whose risk rises), so the high-risk trigger fires on time.
    /// </summary>
    public TimeSpan ChurnRescoreInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Identifier → profile links each node remembers (<see cref="Identity.IdentityCache"/>), so a known customer's
    /// events and decisions cost one grain call; 0 switches it off. About 200 bytes each.
    /// </summary>
    public int IdentityCacheSize { get; set; } = 200_000;

    /// <summary>
    /// Writer fencing (<c>Cluster:Fencing</c>; on by default in a multi-node cluster): each customer activation claims its
    /// journal stream and state record first, so a duplicate activation left over from a membership change can neither
    /// append nor write a snapshot. Off on one node, where Orleans never runs two activations of a grain.
    /// </summary>
    public bool Fencing { get; set; }

    public ProfileSettings Profile { get; set; } = ProfileSettings.Default;

    public EventValidationOptions Validation { get; set; } = new() { DefaultCountryCallingCode = "44" };
}
