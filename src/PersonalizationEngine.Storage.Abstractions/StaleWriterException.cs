namespace PersonalizationEngine.Storage;

/// <summary>
/// An append carried a writer epoch older than its stream's: another activation of the same grain claimed the stream
/// since (<see cref="IStorageProvider.ClaimWriterAsync"/>), so this writer is stale and nothing of its append was
/// written. The caller (a duplicate activation during a membership change) should stop and let its caller retry.
/// </summary>
public sealed class StaleWriterException(string streamKey, long epoch)
    : Exception($"Stream {streamKey} has been claimed by a newer writer than epoch {epoch}; nothing of this append was written.")
{
    public string StreamKey { get; } = streamKey;

    public long Epoch { get; } = epoch;
}

/// <summary>Fencing helpers shared by the stores.</summary>
public static class WriterFencing
{
    /// <summary>Lock buckets of the PostgreSQL claim/append serialisation (a stable hash of the stream key).</summary>
    public const int Buckets = 64;

    /// <summary>FNV-1a over the key's chars: the same bucket in every process (string.GetHashCode is randomised).</summary>
    public static int BucketOf(string streamKey)
    {
        var h = 2166136261u;
        foreach (var c in streamKey)
        {
            h = (h ^ c) * 16777619u;
        }
        return (int)(h % Buckets);
    }
}
