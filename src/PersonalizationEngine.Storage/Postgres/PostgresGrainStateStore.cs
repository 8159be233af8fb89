using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace PersonalizationEngine.Storage.Postgres;

/// <summary>
/// Grain state rows with optimistic concurrency: each write is one conditional statement, so two writers can
/// never both win. Writes are group-committed: whatever is queued when a writer is free goes to PostgreSQL as one
/// <see cref="NpgsqlBatch"/> (one round trip, one transaction, one WAL flush), and each write learns from its own
/// statement's row count whether it won. Thousands of new customers each writing an identity link and a key
/// then cost a few commits instead of thousands. A write is acknowledged only after its batch committed.
/// </summary>
internal sealed class PostgresGrainStateStore : IGrainStateStore, IAsyncDisposable
{
    /// <summary>Statements per batch; a batch holds the writes queued while the previous one committed.</summary>
    internal const int MaxBatch = 256;
    private const int Writers = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _read;
    private readonly string _insert;
    private readonly string _update;
    private readonly string _delete;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Task[] _writers;

    public PostgresGrainStateStore(NpgsqlDataSource dataSource, string schema)
    {
        _dataSource = dataSource;
        _read = $"SELECT data, version FROM {schema}.grain_state WHERE grain_type = $1 AND grain_key = $2";
        _insert = $"INSERT INTO {schema}.grain_state (grain_type, grain_key, data, version) VALUES ($1, $2, $3, 1) ON CONFLICT (grain_type, grain_key) DO NOTHING";
        _update = $"UPDATE {schema}.grain_state SET data = $3, version = version + 1, updated_at = now() WHERE grain_type = $1 AND grain_key = $2 AND version = $4";
        _delete = $"DELETE FROM {schema}.grain_state WHERE grain_type = $1 AND grain_key = $2";
        _writers = [.. Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteLoopAsync))];
    }

    public async Task<StoredState?> ReadAsync(string grainType, string key, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_read);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredState(reader.GetFieldValue<byte[]>(0), reader.GetInt64(1))
            : null;
    }

    /// <remarks>
    /// Cancelling stops the wait only: once queued the write may still commit, exactly as if the answer were lost
    /// on the wire; the version check makes a retry safe.
    /// </remarks>
    public async Task<long> WriteAsync(string grainType, string key, byte[] data, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var pending = new PendingWrite(grainType, key, data, expectedVersion);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new StorageUnavailableException("The state store is shutting down; nothing was written.");
        }
        if (await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            return expectedVersion + 1;
        }

        // The conditional statement already refused the write; this read only reports what won.
        var actual = await ReadAsync(grainType, key, cancellationToken).ConfigureAwait(false);
        throw new InconsistentStateException(grainType, key, expectedVersion, actual?.Version);
    }

    public async Task<bool> DeleteAsync(string grainType, string key, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_delete);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>Stops intake and lets the writers commit what is queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers).ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            if (batch.Count == 0)
            {
                continue;
            }
            // Rows are locked in key order in every batch, so two batches committing at once cannot deadlock; the
            // sort is stable, so writes to one key keep their order.
            var ordered = batch.OrderBy(w => w.GrainType, StringComparer.Ordinal).ThenBy(w => w.Key, StringComparer.Ordinal).ToList();
            batch.Clear();
            batch.AddRange(ordered);
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
                await using var command = new NpgsqlBatch(connection); // one implicit transaction
                foreach (var w in batch)
                {
                    var statement = new NpgsqlBatchCommand(w.ExpectedVersion == 0 ? _insert : _update);
                    statement.Parameters.Add(new NpgsqlParameter<string> { TypedValue = w.GrainType });
                    statement.Parameters.Add(new NpgsqlParameter<string> { TypedValue = w.Key });
                    statement.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = w.Data, NpgsqlDbType = NpgsqlDbType.Bytea });
                    if (w.ExpectedVersion != 0)
                    {
                        statement.Parameters.Add(new NpgsqlParameter<long> { TypedValue = w.ExpectedVersion });
                    }
                    command.BatchCommands.Add(statement);
                }
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(command.BatchCommands[i].RecordsAffected);
                }
            }
            catch (Exception ex)
            {
                // Nothing of the batch committed (one transaction): every writer learns it and may retry.
                foreach (var w in batch)
                {
                    w.Done.TrySetException(ex);
                }
            }
        }
    }

    private sealed class PendingWrite(string grainType, string key, byte[] data, long expectedVersion)
    {
        public string GrainType { get; } = grainType;
        public string Key { get; } = key;
        public byte[] Data { get; } = data;
        public long ExpectedVersion { get; } = expectedVersion;
        public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
