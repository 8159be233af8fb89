using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace PersonalizationEngine.Storage.Sqlite;

/// <summary>
/// Group commit for SQLite's small writes (grain state, reminders), as <c>PostgresWriteBatcher</c> does for PostgreSQL:
/// one writer on a thread of its own takes whatever is queued and runs it in one IMMEDIATE transaction (one fsync), then
/// tells each caller its statement's row count. Without it every new customer's key, identity links and reminder were
/// separate fsynced transactions, each run synchronously (Microsoft.Data.Sqlite has no real async I/O) on a thread-pool
/// thread that then waited for the database's write lock: under load the pool starved and the silo stalled for seconds.
/// A write is acknowledged only after its batch committed; if the batch fails, every caller in it gets the exception.
/// </summary>
internal sealed class SqliteWriteBatcher : IAsyncDisposable
{
    internal const int MaxBatch = 512;

    private readonly SqliteConnectionFactory _connections;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public SqliteWriteBatcher(SqliteConnectionFactory connections)
    {
        _connections = connections;
        _writer = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>
    /// Runs <paramref name="sql"/> with the parameters <paramref name="bind"/> adds in the next batch; returns the rows it
    /// affected. Cancelling stops the wait only: once queued the write may still commit.
    /// </summary>
    public Task<int> ExecuteAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken = default) =>
        RunAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            bind(command.Parameters);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> inside the next batch's transaction, on the writer's thread (the journal's appends come
    /// this way, so SQLite has exactly one writer and nothing of the engine waits on its write lock). Its result is handed
    /// out after the commit. Work must not throw for expected outcomes (conflicts are row counts): an exception fails the batch.
    /// </summary>
    public Task<T> RunAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken = default)
    {
        var pending = new Pending<T>(work);
        if (!_queue.Writer.TryWrite(pending))
        {
            return Task.FromException<T>(new StorageUnavailableException("The store is shutting down; nothing was written."));
        }
        return cancellationToken.CanBeCanceled ? pending.Done.Task.WaitAsync(cancellationToken) : pending.Done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next)) batch.Add(next);
            if (batch.Count == 0) continue;
            try
            {
                // Synchronous on purpose, on this writer's own thread: the async methods of Microsoft.Data.Sqlite run
                // synchronously anyway, and this thread is the one place that waits for the write lock and the fsync.
                using var connection = _connections.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
                using var transaction = connection.BeginTransaction(deferred: false);
                foreach (var w in batch) w.Execute(connection, transaction);
                transaction.Commit();
                foreach (var w in batch) w.Complete();
            }
            catch (Exception ex)
            {
                var failure = ex is SqliteException ? new StorageUnavailableException("SQLite could not commit the write; nothing in it was stored.", ex) : ex;
                foreach (var w in batch) w.Fail(failure);
            }
        }
    }

    private abstract class Pending
    {
        public abstract void Execute(SqliteConnection connection, SqliteTransaction transaction);
        public abstract void Complete();
        public abstract void Fail(Exception failure);
    }

    private sealed class Pending<T>(Func<SqliteConnection, SqliteTransaction, T> work) : Pending
    {
        private T _result = default!;
        public TaskCompletionSource<T> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override void Execute(SqliteConnection connection, SqliteTransaction transaction) => _result = work(connection, transaction);
        public override void Complete() => Done.TrySetResult(_result);
        public override void Fail(Exception failure) => Done.TrySetException(failure);
    }
}
