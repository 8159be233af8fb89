using Microsoft.Data.Sqlite;
using PersonalizationEngine.Storage.Configuration;
using PersonalizationEngine.Storage.Sqlite;

namespace PersonalizationEngine.Storage.Tests;

public sealed class SqliteMigrationTests(SqliteFile file) : IClassFixture<SqliteFile>
{
    [Fact]
    public async Task Applying_the_schema_twice_changes_nothing()
    {
        var path = Path.Combine(Path.GetDirectoryName(file.Path)!, "twice.db");
        await using (var first = new SqliteStorageProvider(new SqliteStorageOptions { Path = path }))
        {
            await first.InitializeAsync();
        }

        var before = Catalog(path);
        await using (var second = new SqliteStorageProvider(new SqliteStorageOptions { Path = path }))
        {
            await second.InitializeAsync();
        }

        var after = Catalog(path);
        Assert.Contains(before, line => line.Contains("journal_stream_sequence_idx", StringComparison.Ordinal));
        Assert.Equal(before, after);
        Assert.Equal("wal", Scalar(path, "PRAGMA journal_mode"));
        Assert.Equal(2L, Scalar(path, "SELECT count(*) FROM schema_migrations")); // 001_initial, 002_writer_epochs
    }

    [Fact]
    public async Task Concurrent_initialisations_do_not_fail()
    {
        var path = Path.Combine(Path.GetDirectoryName(file.Path)!, "concurrent.db");
        var providers = Enumerable.Range(0, 6).Select(_ => new SqliteStorageProvider(new SqliteStorageOptions { Path = path })).ToList();
        await Task.WhenAll(providers.Select(p => Task.Run(() => p.InitializeAsync())));
        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }

        Assert.Equal(2L, Scalar(path, "SELECT count(*) FROM schema_migrations")); // 001_initial, 002_writer_epochs
    }

    private static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static List<string> Catalog(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT m.type || ' ' || m.name || ' ' || coalesce(m.sql, '') FROM sqlite_master m
            UNION ALL
            SELECT 'column ' || m.name || '.' || c.name || ' ' || c.type || ' ' || c."notnull" || ' ' || c.pk
              FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table'
            ORDER BY 1
            """;
        var lines = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }
}
