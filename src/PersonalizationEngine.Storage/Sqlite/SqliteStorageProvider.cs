using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PersonalizationEngine.Storage.Configuration;

namespace PersonalizationEngine.Storage.Sqlite;

/// <summary>Embedded storage in one SQLite file: WAL mode, synchronous=FULL, busy timeout; the default provider.</summary>
public sealed class SqliteStorageProvider : IStorageProvider
{
    private readonly SqliteConnectionFactory _connections;
    private readonly ILogger _logger;
    private readonly SqliteEventJournal _journal;

    private readonly SqliteWriteBatcher _batcher;

    public SqliteStorageProvider(SqliteStorageOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<SqliteStorageProvider>();
        _connections = new SqliteConnectionFactory(options);
        _batcher = new SqliteWriteBatcher(_connections);
        States = new SqliteGrainStateStore(_connections, _batcher);
        _journal = new SqliteEventJournal(_connections, _batcher, options.Journal, loggerFactory.CreateLogger<SqliteEventJournal>());
        Reminders = new SqliteReminderStore(_connections, _batcher);
    }

    public string Name => "sqlite";

    public IGrainStateStore States { get; }

    public IEventJournal Journal => _journal;

    public IReminderStore Reminders { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var directory = Path.GetDirectoryName(_connections.FullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var migrations = Migration.Load("Sqlite");
        await using var connection = await _connections.OpenAsync(cancellationToken).ConfigureAwait(false);

        // WAL is a property of the file (persisted), and cannot be switched inside a transaction.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);

        // BEGIN IMMEDIATE takes the write lock up front, so concurrent starts queue on the busy timeout instead of
        // both reading "not applied" and racing.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                id         TEXT    NOT NULL PRIMARY KEY,
                applied_at INTEGER NOT NULL
            );
            """, cancellationToken).ConfigureAwait(false);

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT id FROM schema_migrations";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetString(0));
            }
        }

        var count = 0;
        foreach (var migration in migrations.Where(m => !applied.Contains(m.Id)))
        {
            _logger.ApplyingMigration(Name, migration.Id);
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_migrations (id, applied_at) VALUES ($id, $at)";
            record.Parameters.AddWithValue("$id", migration.Id);
            record.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            count++;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        // The file name can contain a user name; log only that this is the SQLite store.
        _logger.SchemaReady(Name, "file", count);
    }

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await _connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is 1L;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            _logger.HealthCheckFailed(ex, Name);
            return false;
        }
    }

    public async Task<long> ClaimWriterAsync(string grainType, string key, CancellationToken cancellationToken = default)
    {
        await using var connection = await _connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        long epoch;
        await using (var claim = connection.CreateCommand())
        {
            claim.Transaction = transaction;
            claim.CommandText = "INSERT INTO stream_epoch (stream_key, epoch) VALUES ($key, 1) ON CONFLICT (stream_key) DO UPDATE SET epoch = epoch + 1 RETURNING epoch";
            claim.Parameters.AddWithValue("$key", key);
            epoch = (long)(await claim.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        await using (var bump = connection.CreateCommand())
        {
            bump.Transaction = transaction;
            bump.CommandText = "INSERT INTO grain_state (grain_type, grain_key, data, version, updated_at) VALUES ($type, $key, x'', 1, $now) ON CONFLICT (grain_type, grain_key) DO UPDATE SET version = version + 1";
            bump.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            bump.Parameters.AddWithValue("$type", grainType);
            bump.Parameters.AddWithValue("$key", key);
            await bump.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return epoch;
    }

    public async ValueTask DisposeAsync()
    {
        await _journal.DisposeAsync().ConfigureAwait(false);
        await _batcher.DisposeAsync().ConfigureAwait(false);
        _connections.ClearPool();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
