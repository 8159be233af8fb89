namespace PersonalizationEngine.Storage;

/// <summary>The journal writer is behind and its queue stayed full for the whole enqueue timeout; nothing was appended.</summary>
public sealed class JournalOverloadedException : StorageUnavailableException
{
    public JournalOverloadedException(TimeSpan waited)
        : base($"The event journal is overloaded: no queue space within {waited.TotalMilliseconds:0} ms. Nothing was appended; retry later.")
    {
        Waited = waited;
    }

    public TimeSpan Waited { get; }
}
