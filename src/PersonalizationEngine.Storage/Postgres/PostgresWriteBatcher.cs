using System.Threading.Channels;
using Npgsql;

namespace PersonalizationEngine.Storage.Postgres;

/// <summary>
/// Group commit for small writes (grain state, reminders): whatever is queued when a writer is free goes to
/// PostgreSQL as one <see cref="NpgsqlBatch"/> (one round trip, one transaction, one WAL flush) and each caller
/// learns its own statement's row count. Statements are ordered by their lock key in every batch, so two batches
/// committing at once cannot deadlock; the sort is stable, so writes to one row keep their order. A write is
/// acknowledged only after its batch committed; if the batch fails, every caller in it gets the exception.
/// </summary>
internal sealed class PostgresWriteBatcher : IAsyncDisposable
{
    /// <summary>Statements per batch; a batch holds the writes queued while the previous one committed.</summary>
    internal const int MaxBatch = 256;
    private const int Writers = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Task[] _writers;

    public PostgresWriteBatcher(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        _writers = [.. Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteLoopAsync))];
    }

    /// <summary>
    /// Runs <paramref name="sql"/> with the parameters <paramref name="bind"/> adds, in the next batch; returns
    /// the rows it affected. <paramref name="lockKey"/> names the row it touches (for the lock order).
    /// Cancelling stops the wait only: once queued the write may still commit.
    /// </summary>
    public Task<int> ExecuteAsync(string sql, Action<NpgsqlParameterCollection> bind, string lockKey, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(sql, bind, lockKey);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new StorageUnavailableException("The store is shutting down; nothing was written.");
        }
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops intake and lets the writers commit what is queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers).ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
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
            var ordered = batch.OrderBy(w => w.LockKey, StringComparer.Ordinal).ToList();
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
                await using var command = new NpgsqlBatch(connection); // one implicit transaction
                foreach (var w in ordered)
                {
                    var statement = new NpgsqlBatchCommand(w.Sql);
                    w.Bind(statement.Parameters);
                    command.BatchCommands.Add(statement);
                }
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                for (var i = 0; i < ordered.Count; i++)
                {
                    ordered[i].Done.TrySetResult(command.BatchCommands[i].RecordsAffected);
                }
            }
            catch (Exception ex)
            {
                foreach (var w in ordered)
                {
                    w.Done.TrySetException(ex);
                }
            }
        }
    }

    private sealed class Pending(string sql, Action<NpgsqlParameterCollection> bind, string lockKey)
    {
        public string Sql { get; } = sql;
        public Action<NpgsqlParameterCollection> Bind { get; } = bind;
        public string LockKey { get; } = lockKey;
        public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
