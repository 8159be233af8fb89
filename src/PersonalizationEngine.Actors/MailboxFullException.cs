namespace PersonalizationEngine.Actors;

/// <summary>
/// A call refused because the grain's mailbox (or the system-wide queue bound) is full. Nothing was queued,
/// so retrying after <see cref="RetryAfter"/> is safe; the gateway maps this to 429/503 with Retry-After.
/// </summary>
public sealed class MailboxFullException : Exception
{
    public MailboxFullException(string grainType, string key, TimeSpan retryAfter, bool systemWide)
        : base(systemWide
            ? $"The actor system's message queue is full; call to {grainType}/{key} refused. Retry after {retryAfter.TotalMilliseconds:0} ms."
            : $"Mailbox of {grainType}/{key} is full; call refused. Retry after {retryAfter.TotalMilliseconds:0} ms.")
    {
        GrainType = grainType;
        Key = key;
        RetryAfter = retryAfter;
        SystemWide = systemWide;
    }

    public string GrainType { get; }

    public string Key { get; }

    /// <summary>A suggested back-off before retrying.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>True when the global bound refused the call rather than this grain's mailbox.</summary>
    public bool SystemWide { get; }
}
