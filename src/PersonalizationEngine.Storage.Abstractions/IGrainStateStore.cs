namespace PersonalizationEngine.Storage;

/// <summary>
/// Grain state persistence with optimistic concurrency: every record carries a version, and a write
/// only succeeds when the caller names the version it read (Orleans' ETag contract).
/// </summary>
public interface IGrainStateStore
{
    /// <summary>Reads a record; null when none exists.</summary>
    Task<StoredState?> ReadAsync(string grainType, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored version of a record without its data (0 when none exists): what a node polls to learn that a record
    /// it caches was changed through another node.
    /// </summary>
    Task<long> ReadVersionAsync(string grainType, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="data"/> when the stored version equals <paramref name="expectedVersion"/>
    /// (0 = the record must not exist yet) and returns the new version.
    /// </summary>
    /// <exception cref="InconsistentStateException">Another writer changed or created the record first.</exception>
    Task<long> WriteAsync(string grainType, string key, byte[] data, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Removes a record whatever its version (erasure); true when one existed.</summary>
    Task<bool> DeleteAsync(string grainType, string key, CancellationToken cancellationToken = default);
}
