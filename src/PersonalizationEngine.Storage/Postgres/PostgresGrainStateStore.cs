using Npgsql;
using NpgsqlTypes;

namespace PersonalizationEngine.Storage.Postgres;

/// <summary>
/// Grain state rows with optimistic concurrency: each write is one conditional statement, so two writers can
/// never both win. Writes are group-committed through <see cref="PostgresWriteBatcher"/>: thousands of new
/// customers each writing an identity link and a key cost a few commits instead of thousands.
/// </summary>
internal sealed class PostgresGrainStateStore(NpgsqlDataSource dataSource, string schema, PostgresWriteBatcher batcher) : IGrainStateStore
{
    private readonly string _read = $"SELECT data, version FROM {schema}.grain_state WHERE grain_type = $1 AND grain_key = $2";
    private readonly string _readVersion = $"SELECT version FROM {schema}.grain_state WHERE grain_type = $1 AND grain_key = $2";
    private readonly string _insert = $"INSERT INTO {schema}.grain_state (grain_type, grain_key, data, version) VALUES ($1, $2, $3, 1) ON CONFLICT (grain_type, grain_key) DO NOTHING";
    private readonly string _update = $"UPDATE {schema}.grain_state SET data = $3, version = version + 1, updated_at = now() WHERE grain_type = $1 AND grain_key = $2 AND version = $4";
    private readonly string _delete = $"DELETE FROM {schema}.grain_state WHERE grain_type = $1 AND grain_key = $2";

    public async Task<StoredState?> ReadAsync(string grainType, string key, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(_read);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredState(reader.GetFieldValue<byte[]>(0), reader.GetInt64(1))
            : null;
    }

    public async Task<long> ReadVersionAsync(string grainType, string key, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(_readVersion);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long v ? v : 0;
    }

    public async Task<long> WriteAsync(string grainType, string key, byte[] data, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var affected = await batcher.ExecuteAsync(expectedVersion == 0 ? _insert : _update, p =>
        {
            p.Add(new NpgsqlParameter<string> { TypedValue = grainType });
            p.Add(new NpgsqlParameter<string> { TypedValue = key });
            p.Add(new NpgsqlParameter<byte[]> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Bytea });
            if (expectedVersion != 0)
            {
                p.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion });
            }
        }, "state\0" + grainType + "\0" + key, cancellationToken).ConfigureAwait(false);
        if (affected == 1)
        {
            return expectedVersion + 1;
        }

        // The conditional statement already refused the write; this read only reports what won.
        var actual = await ReadAsync(grainType, key, cancellationToken).ConfigureAwait(false);
        throw new InconsistentStateException(grainType, key, expectedVersion, actual?.Version);
    }

    public async Task<bool> DeleteAsync(string grainType, string key, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(_delete);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }
}
