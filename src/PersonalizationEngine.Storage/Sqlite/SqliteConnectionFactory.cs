using System.Globalization;
using Microsoft.Data.Sqlite;
using PersonalizationEngine.Storage.Configuration;

namespace PersonalizationEngine.Storage.Sqlite;

/// <summary>Opens pooled connections to the database file with the per-connection settings durability depends on.</summary>
internal sealed class SqliteConnectionFactory
{
    private readonly string _connectionString;
    private readonly string _pragmas;

    public SqliteConnectionFactory(SqliteStorageOptions options)
    {
        var fullPath = System.IO.Path.GetFullPath(options.Path);
        FullPath = fullPath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();

        // synchronous is per connection and not persisted, so every open sets it: FULL fsyncs the WAL at each commit,
        // which is what makes an acknowledged append survive power loss (NORMAL would only survive a process crash).
        // mmap_size: pages are read through the OS page cache mapped in, not copied by a read() call each (SQLite falls back
        // to read() where mapping is unavailable); it changes nothing about durability, which rests on the WAL and its fsync.
        _pragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}; PRAGMA mmap_size = 268435456; PRAGMA cache_size = -8192; PRAGMA wal_autocheckpoint = {options.WalAutoCheckpointPages};");
    }

    public string FullPath { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Releases pooled handles so the file can be reopened or deleted (tests, shutdown).</summary>
    public void ClearPool() => SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
}
