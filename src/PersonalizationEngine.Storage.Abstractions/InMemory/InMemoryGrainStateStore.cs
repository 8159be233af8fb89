using System.Collections.Concurrent;

namespace PersonalizationEngine.Storage.InMemory;

public sealed class InMemoryGrainStateStore : IGrainStateStore
{
    private readonly ConcurrentDictionary<(string Type, string Key), StoredState> _records = new();

    /// <summary>Number of successful writes, for tests that check write-back happened.</summary>
    public long WriteCount => Interlocked.Read(ref _writeCount);

    private long _writeCount;

    public int Count => _records.Count;

    public Task<StoredState?> ReadAsync(string grainType, string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.TryGetValue((grainType, key), out var s) ? s : null);

    public Task<long> ReadVersionAsync(string grainType, string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.TryGetValue((grainType, key), out var s) ? s.Version : 0);

    public Task<long> WriteAsync(string grainType, string key, byte[] data, long expectedVersion, CancellationToken cancellationToken = default)
    {
        var id = (grainType, key);
        var copy = data.ToArray();
        if (expectedVersion == 0)
        {
            if (!_records.TryAdd(id, new StoredState(copy, 1)))
            {
                throw new InconsistentStateException(grainType, key, expectedVersion, _records.TryGetValue(id, out var e) ? e.Version : null);
            }

            Interlocked.Increment(ref _writeCount);
            return Task.FromResult(1L);
        }

        if (!_records.TryGetValue(id, out var current) || current.Version != expectedVersion
            || !_records.TryUpdate(id, new StoredState(copy, expectedVersion + 1), current))
        {
            throw new InconsistentStateException(grainType, key, expectedVersion, _records.TryGetValue(id, out var e) ? e.Version : null);
        }

        Interlocked.Increment(ref _writeCount);
        return Task.FromResult(expectedVersion + 1);
    }

    /// <summary>Moves a record's version on without changing its data (a writer claim), so earlier readers' writes fail.</summary>
    internal void BumpVersion(string grainType, string key)
    {
        var id = (grainType, key);
        _records.AddOrUpdate(id, static _ => new StoredState([], 1), static (_, current) => current with { Version = current.Version + 1 });
    }

    public Task<bool> DeleteAsync(string grainType, string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.TryRemove((grainType, key), out _));
}
