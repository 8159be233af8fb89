namespace PersonalizationEngine.Grains.Customers;

/// <summary>
/// What a customer grain stores: its profile sealed with the customer's data key, the last journal sequence
/// the snapshot includes, and, once merged into another profile, where it went.
/// </summary>
public sealed class CustomerGrainState
{
    public byte[]? Sealed { get; set; }
    public long JournalSequence { get; set; }
    public string? MergedInto { get; set; }

    /// <summary>Profiles already folded into this one (so a merge retried after a crash is not applied twice).</summary>
    public List<string>? Absorbed { get; set; }

    /// <summary>Whether the periodic churn re-scoring reminder is registered.</summary>
    public bool ChurnReminder { get; set; }

    /// <summary>
    /// Decisions still waiting for a reward or a conversion when the customer went idle, sealed with the customer's data
    /// key (CustomerGrain.Decisions.cs); restored on activation.
    /// </summary>
    public byte[]? Pending { get; set; }

    /// <summary>
    /// The record as of now, for one write: Orleans serialises a write some scheduler turns after it is asked for (its
    /// storage bridge queues writes and yields first), and batches keep changing the live state meanwhile.
    /// </summary>
    internal CustomerGrainState CopyForWrite()
    {
        var copy = (CustomerGrainState)MemberwiseClone(); // the byte arrays are replaced, never changed in place
        copy.Absorbed = Absorbed is null ? null : [.. Absorbed];
        return copy;
    }
}
