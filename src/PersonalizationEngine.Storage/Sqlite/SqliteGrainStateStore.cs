namespace PersonalizationEngine.Storage.Sqlite;

/// <summary>
/// Grain state with optimistic concurrency; each write is one conditional statement checked by rows affected, group-committed
/// with the other small writes queued at the same time (<see cref="SqliteWriteBatcher"/>).
/// </summary>
internal sealed class SqliteGrainStateStore(SqliteConnectionFactory connections, SqliteWriteBatcher batcher) : IGrainStateStore
{
    public async Task<StoredState?> ReadAsync(string grainType, string key, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT data, version FROM grain_state WHERE grain_type = $type AND grain_key = $key";
        command.Parameters.AddWithValue("$type", grainType);
        command.Parameters.AddWithValue("$key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredState(reader.GetFieldValue<byte[]>(0), reader.GetInt64(1))
            : null;
    }

    public async Task<long> ReadVersionAsync(string grainType, string key, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM grain_state WHERE grain_type = $type AND grain_key = $key";
        command.Parameters.AddWithValue("$type", grainType);
        command.Parameters.AddWithValue("$key", key);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long v ? v : 0;
    }

    public async Task<long> WriteAsync(string grainType, string key, byte[] data, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var rows = await batcher.ExecuteAsync(
            expectedVersion == 0
                ? "INSERT INTO grain_state (grain_type, grain_key, data, version, updated_at) VALUES ($type, $key, $data, 1, $now) ON CONFLICT (grain_type, grain_key) DO NOTHING"
                : "UPDATE grain_state SET data = $data, version = version + 1, updated_at = $now WHERE grain_type = $type AND grain_key = $key AND version = $expected",
            p =>
            {
                p.AddWithValue("$type", grainType);
                p.AddWithValue("$key", key);
                p.AddWithValue("$data", data);
                p.AddWithValue("$now", now);
                if (expectedVersion != 0) p.AddWithValue("$expected", expectedVersion);
            }, cancellationToken).ConfigureAwait(false);

        if (rows == 1)
        {
            return expectedVersion + 1;
        }

        // The conditional statement already refused the write; this read only reports what won.
        var actual = await ReadAsync(grainType, key, cancellationToken).ConfigureAwait(false);
        throw new InconsistentStateException(grainType, key, expectedVersion, actual?.Version);
    }

    public async Task<bool> DeleteAsync(string grainType, string key, CancellationToken cancellationToken = default) =>
        await batcher.ExecuteAsync("DELETE FROM grain_state WHERE grain_type = $type AND grain_key = $key", p =>
        {
            p.AddWithValue("$type", grainType);
            p.AddWithValue("$key", key);
        }, cancellationToken).ConfigureAwait(false) > 0;
}
