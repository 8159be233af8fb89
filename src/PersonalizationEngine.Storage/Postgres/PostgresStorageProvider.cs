using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PersonalizationEngine.Storage.Configuration;

namespace PersonalizationEngine.Storage.Postgres;

/// <summary>PostgreSQL storage through one pooled <see cref="NpgsqlDataSource"/>; every table lives in <see cref="PostgresStorageOptions.Schema"/>.</summary>
public sealed class PostgresStorageProvider : IStorageProvider
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresStorageOptions _options;
    private readonly ILogger _logger;
    private readonly PostgresEventJournal _journal;
    private readonly PostgresWriteBatcher _writes;

    public PostgresStorageProvider(PostgresStorageOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<PostgresStorageProvider>();
        _dataSource = new NpgsqlDataSourceBuilder(options.ConnectionString).Build();
        var schema = QuotedSchema;
        _writes = new PostgresWriteBatcher(_dataSource);
        States = new PostgresGrainStateStore(_dataSource, schema, _writes);
        _journal = new PostgresEventJournal(_dataSource, schema, options.Journal, loggerFactory.CreateLogger<PostgresEventJournal>());
        Reminders = new PostgresReminderStore(_dataSource, schema, _writes);
    }

    public string Name => "postgres";

    public IGrainStateStore States { get; }

    public IEventJournal Journal => _journal;

    public IReminderStore Reminders { get; }

    /// <summary>The schema name as an SQL identifier; Validate restricts it to [a-z_][a-z0-9_]*, so quoting is enough.</summary>
    private string QuotedSchema => $"\"{_options.Schema}\"";

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var migrations = Migration.Load("Postgres");
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Engines starting together serialise here; the lock is per schema and released at commit.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('pe.migrations.' || $1, 0))", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter { Value = _options.Schema });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, $"""
            CREATE SCHEMA IF NOT EXISTS {QuotedSchema};
            CREATE TABLE IF NOT EXISTS {QuotedSchema}.schema_migrations (
                id         text        PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """, cancellationToken).ConfigureAwait(false);

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var select = new NpgsqlCommand($"SELECT id FROM {QuotedSchema}.schema_migrations", connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetString(0));
            }
        }

        var count = 0;
        foreach (var migration in migrations.Where(m => !applied.Contains(m.Id)))
        {
            _logger.ApplyingMigration(Name, migration.Id);
            await ExecuteAsync(connection, transaction, migration.Sql.Replace("__schema__", QuotedSchema, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand($"INSERT INTO {QuotedSchema}.schema_migrations (id) VALUES ($1)", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Id });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            count++;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _logger.SchemaReady(Name, $"schema {_options.Schema}", count);
    }

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT 1");
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is 1;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            _logger.HealthCheckFailed(ex, Name);
            return false;
        }
    }

    public async Task<long> ClaimWriterAsync(string grainType, string key, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Exclusive on the bucket: waits for journal batches holding it shared (their fenced appends commit first and
        // are visible to the claimer's next read), and batches after it read the new epoch.
        await using var claim = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({PostgresEventJournal.FenceLockSpace}, $1)") { Parameters = { new NpgsqlParameter<int> { TypedValue = WriterFencing.BucketOf(key) } } },
                new NpgsqlBatchCommand($"INSERT INTO {QuotedSchema}.stream_epoch (stream_key, epoch) VALUES ($1, 1) ON CONFLICT (stream_key) DO UPDATE SET epoch = stream_epoch.epoch + 1 RETURNING epoch")
                {
                    Parameters = { new NpgsqlParameter<string> { TypedValue = key } },
                },
                new NpgsqlBatchCommand($"INSERT INTO {QuotedSchema}.grain_state (grain_type, grain_key, data, version) VALUES ($1, $2, ''::bytea, 1) ON CONFLICT (grain_type, grain_key) DO UPDATE SET version = grain_state.version + 1")
                {
                    Parameters = { new NpgsqlParameter<string> { TypedValue = grainType }, new NpgsqlParameter<string> { TypedValue = key } },
                },
            },
        };
        long epoch;
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            epoch = reader.GetInt64(0);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return epoch;
    }

    public async ValueTask DisposeAsync()
    {
        await _journal.DisposeAsync().ConfigureAwait(false);
        await _writes.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
