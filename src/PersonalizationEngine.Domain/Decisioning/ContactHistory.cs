namespace PersonalizationEngine.Domain.Decisioning;

/// <summary>One contact: an offer shown (impression) or answered (accept, reject) on a channel.</summary>
public readonly record struct ContactEntry(DateTimeOffset At, string Channel, string OfferId, ContactKind Kind);

public enum ContactKind : byte
{
    Impression,
    Click,
    Accept,
    Reject,
}

/// <summary>
/// A customer's recent offer contacts, kept in the customer's state and bounded (oldest dropped first), so
/// caps and suppression are answered from memory.
/// </summary>
public sealed class ContactHistory
{
    public const int Capacity = 64;

    public List<ContactEntry> Entries { get; set; } = [];

    public void Record(ContactEntry entry)
    {
        var i = Entries.Count;
        while (i > 0 && Entries[i - 1].At > entry.At) i--; // late feedback keeps time order
        Entries.Insert(i, entry);
        if (Entries.Count > Capacity) Entries.RemoveAt(0);
    }

    /// <summary>Contacts of a kind since a time, on a channel and of an offer when given (a loop: asked per offer and policy in every decision).</summary>
    public int Count(ContactKind kind, string? channel, string? offerId, DateTimeOffset since)
    {
        var n = 0;
        foreach (var e in Entries)
        {
            if (e.Kind == kind && e.At >= since && (channel is null || e.Channel == channel) && (offerId is null || e.OfferId == offerId)) n++;
        }
        return n;
    }
}
