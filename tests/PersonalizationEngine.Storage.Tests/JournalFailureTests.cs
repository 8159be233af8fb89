using System.Diagnostics;
using Microsoft.Data.Sqlite;
using PersonalizationEngine.Storage.Configuration;
using PersonalizationEngine.Storage.Postgres;
using PersonalizationEngine.Storage.Sqlite;

namespace PersonalizationEngine.Storage.Tests;

/// <summary>What the gateway maps to 503: appends fail (never hang, never acknowledge) when the store is down or behind, and recover by themselves.</summary>
public sealed class JournalFailureTests(SqliteFile file) : IClassFixture<SqliteFile>
{
    private static readonly JournalAppend[] OneEvent = [new("stream", "e1", [1, 2, 3])];

    [Fact]
    public async Task Append_fails_with_StorageUnavailableException_when_postgres_is_unreachable()
    {
        // Port 1 on loopback refuses at once: the database is "down".
        await using var provider = new PostgresStorageProvider(new PostgresStorageOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=x;Timeout=2", Schema = "pe" });
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<StorageUnavailableException>(() => provider.Journal.AppendAsync(OneEvent));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
        Assert.False(await provider.IsHealthyAsync());
    }

    [Fact]
    public async Task Append_is_refused_when_the_writer_is_behind_and_succeeds_once_it_catches_up()
    {
        var path = Path.Combine(Path.GetDirectoryName(file.Path)!, "overload.db");
        var options = new SqliteStorageOptions
        {
            Path = path,
            BusyTimeout = TimeSpan.FromSeconds(3),
            Journal = new JournalOptions { QueueCapacity = 1, EnqueueTimeout = TimeSpan.FromMilliseconds(100), FailureBackoff = TimeSpan.Zero },
        };
        await using var provider = new SqliteStorageProvider(options);
        await provider.InitializeAsync();

        // Another process holds the write lock, so the writer's commit waits on the busy timeout.
        await using (var blocker = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            blocker.Open();
            await using var transaction = blocker.BeginTransaction();
            using (var touch = blocker.CreateCommand())
            {
                touch.Transaction = transaction;
                touch.CommandText = "INSERT INTO reminders (grain_type, grain_key, name, due_at, period_ms) VALUES ('t', 'k', 'n', 0, 0)";
                touch.ExecuteNonQuery();
            }

            var inFlight = provider.Journal.AppendAsync(OneEvent);
            await Task.Delay(200);
            var queued = provider.Journal.AppendAsync(OneEvent);
            var overloaded = await Assert.ThrowsAsync<JournalOverloadedException>(() => provider.Journal.AppendAsync(OneEvent));
            Assert.True(overloaded.Waited >= TimeSpan.FromMilliseconds(90));
            transaction.Rollback();
            await inFlight;
            await queued;
        }

        Assert.Single(await provider.Journal.AppendAsync(OneEvent));
    }

    [Fact]
    public void Options_never_print_the_connection_string()
    {
        var options = new StorageOptions
        {
            Provider = StorageProviderKind.Postgres,
            Postgres = new PostgresStorageOptions { ConnectionString = "Host=db;Password=hunter2" },
        };
        Assert.DoesNotContain("hunter2", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Factory_builds_the_configured_provider()
    {
        await using var sqlite = StorageProviderFactory.Create(new StorageOptions { Sqlite = new SqliteStorageOptions { Path = Path.Combine(Path.GetDirectoryName(file.Path)!, "factory.db") } });
        Assert.IsType<SqliteStorageProvider>(sqlite);
        await using var postgres = StorageProviderFactory.Create(new StorageOptions
        {
            Provider = StorageProviderKind.Postgres,
            Postgres = new PostgresStorageOptions { ConnectionString = "Host=127.0.0.1;Port=1" },
        });
        Assert.IsType<PostgresStorageProvider>(postgres);
        Assert.Throws<ArgumentException>(() => StorageProviderFactory.Create(new StorageOptions { Provider = StorageProviderKind.Postgres }));
    }
}
