using Microsoft.Data.Sqlite;

namespace PersonalizationEngine.Baselines.NaiveLogger;

/// <summary>
/// SQLite as a naive service uses it: one connection (WAL, synchronous=FULL), requests serialised by a lock, one
/// transaction per request, one prepared INSERT executed again for every row. No group commit across requests.
/// </summary>
public sealed class SqliteEventLog : IEventLog
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly SqliteConnection _connection;
    private readonly string _table;
    private SqliteCommand? _insert;

    public SqliteEventLog(string path, string table)
    {
        _table = table;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
    }

    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_insert is not null)
            {
                return;
            }

            _connection.Open();
            using (var setup = _connection.CreateCommand())
            {
                setup.CommandText = $"""
                    PRAGMA journal_mode = WAL;
                    PRAGMA synchronous = FULL;
                    CREATE TABLE IF NOT EXISTS {_table} (
                        event_id TEXT NOT NULL,
                        user_id TEXT NOT NULL,
                        type TEXT NOT NULL,
                        ts TEXT,
                        raw TEXT NOT NULL);
                    """;
                setup.ExecuteNonQuery();
            }

            var insert = _connection.CreateCommand();
            insert.CommandText = $"INSERT INTO {_table} (event_id, user_id, type, ts, raw) VALUES ($id, $user, $type, $ts, $raw)";
            foreach (var name in (string[])["$id", "$user", "$type", "$ts", "$raw"])
            {
                insert.Parameters.Add(new SqliteParameter { ParameterName = name, SqliteType = SqliteType.Text });
            }

            insert.Prepare();
            _insert = insert;
        }
        finally
        {
            _writer.Release();
        }
    }

    public async Task AppendAsync(IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken)
    {
        // The wait may be cancelled (the client went away); a transaction once begun is always finished.
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var insert = _insert ?? throw new InvalidOperationException("EnsureSchemaAsync was not called");
            using var transaction = _connection.BeginTransaction();
            insert.Transaction = transaction;
            var p = insert.Parameters;
            foreach (var e in events)
            {
                p[0].Value = e.EventId;
                p[1].Value = e.UserId;
                p[2].Value = e.Type;
                p[3].Value = (object?)e.Timestamp ?? DBNull.Value;
                p[4].Value = e.RawJson;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        finally
        {
            if (_insert is not null)
            {
                _insert.Transaction = null;
            }

            _writer.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.WaitAsync().ConfigureAwait(false);
        _insert?.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
        _writer.Dispose();
    }
}
