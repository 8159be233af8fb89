// Journal group-commit throughput. Usage:
//   dotnet run -c Release --project loadtests/PersonalizationEngine.JournalBench -- <postgres|sqlite> [appenders] [eventsPerCall] [seconds] [payloadBytes]
// PostgreSQL uses PE_TEST_POSTGRES and a throwaway schema; SQLite a temp file. Each run also measures the baseline
// (one INSERT per event, each in its own transaction) with the same appenders, so both figures share one machine state.
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Storage.Configuration;
using PersonalizationEngine.Storage.Postgres;
using PersonalizationEngine.Storage.Sqlite;

var kind = args.ElementAtOrDefault(0) ?? "postgres";
var appenders = int.Parse(args.ElementAtOrDefault(1) ?? "256", CultureInfo.InvariantCulture);
var perCall = int.Parse(args.ElementAtOrDefault(2) ?? "1", CultureInfo.InvariantCulture);
var seconds = double.Parse(args.ElementAtOrDefault(3) ?? "10", CultureInfo.InvariantCulture);
var payloadBytes = int.Parse(args.ElementAtOrDefault(4) ?? "200", CultureInfo.InvariantCulture);
var payload = new byte[payloadBytes];
Random.Shared.NextBytes(payload);

IStorageProvider provider;
Func<Task> cleanup;
Func<int, Func<JournalAppend, Task>> baselineFactory;
if (kind == "postgres")
{
    var connectionString = Environment.GetEnvironmentVariable("PE_TEST_POSTGRES") ?? throw new InvalidOperationException("Set PE_TEST_POSTGRES.");
    var schema = $"pe_bench_{Guid.NewGuid():N}"[..30];
    provider = new PostgresStorageProvider(new PostgresStorageOptions { ConnectionString = connectionString, Schema = schema });
    var dataSource = NpgsqlDataSource.Create(connectionString);
    baselineFactory = _ => async e =>
    {
        await using var command = dataSource.CreateCommand($"INSERT INTO \"{schema}\".journal (stream_key, event_id, payload) VALUES ($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = e.StreamKey });
        command.Parameters.Add(new NpgsqlParameter { Value = e.EventId });
        command.Parameters.Add(new NpgsqlParameter { Value = e.Payload });
        await command.ExecuteNonQueryAsync(); // autocommit: one transaction, one WAL flush per event
    };
    cleanup = async () =>
    {
        await using var drop = dataSource.CreateCommand($"DROP SCHEMA \"{schema}\" CASCADE");
        await drop.ExecuteNonQueryAsync();
        await dataSource.DisposeAsync();
    };
}
else
{
    var path = Path.Combine(Path.GetTempPath(), $"pe-bench-{Guid.NewGuid():N}.db");
    provider = new SqliteStorageProvider(new SqliteStorageOptions { Path = path });
    baselineFactory = _ => e =>
    {
        using var connection = new SqliteConnection($"Data Source={path};Default Timeout=60");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = FULL; INSERT INTO journal (stream_key, event_id, payload, recorded_at) VALUES ($s, $i, $p, 0)";
        command.Parameters.AddWithValue("$s", e.StreamKey);
        command.Parameters.AddWithValue("$i", e.EventId);
        command.Parameters.AddWithValue("$p", e.Payload);
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    };
    cleanup = () =>
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
        {
            File.Delete(f);
        }

        return Task.CompletedTask;
    };
}

await provider.InitializeAsync();
Console.WriteLine($"{DateTime.UtcNow:u} {kind}: {appenders} appenders x {perCall} event(s)/call, {payloadBytes} B payload, {seconds} s, {Environment.ProcessorCount} cores");

// Warm-up so JIT and pools do not count.
await RunAsync(2, calls => provider.Journal.AppendAsync(calls), perCall);
var group = await RunAsync(seconds, calls => provider.Journal.AppendAsync(calls), perCall);
Console.WriteLine($"group commit: {group.Events,10:N0} events in {group.Elapsed.TotalSeconds:0.00} s = {group.Events / group.Elapsed.TotalSeconds,10:N0} events/s, p50 {group.P50:0.0} ms, p99 {group.P99:0.0} ms");
var baselineAppend = baselineFactory(0);
var baseline = await RunAsync(Math.Min(seconds, 5), async calls =>
{
    foreach (var e in calls)
    {
        await baselineAppend(e);
    }

    return (IReadOnlyList<long>)[];
}, 1, Math.Min(appenders, 32));
Console.WriteLine($"baseline (1 INSERT/tx, {Math.Min(appenders, 32)} appenders): {baseline.Events / baseline.Elapsed.TotalSeconds,10:N0} events/s, p50 {baseline.P50:0.0} ms, p99 {baseline.P99:0.0} ms");
await provider.DisposeAsync();
await cleanup();

async Task<(long Events, TimeSpan Elapsed, double P50, double P99)> RunAsync(double duration, Func<JournalAppend[], Task<IReadOnlyList<long>>> append, int eventsPerCall, int? concurrency = null)
{
    var stop = Stopwatch.StartNew();
    var until = TimeSpan.FromSeconds(duration);
    long events = 0;
    var latencies = new List<double>[concurrency ?? appenders];
    await Task.WhenAll(Enumerable.Range(0, concurrency ?? appenders).Select(a => Task.Run(async () =>
    {
        var mine = latencies[a] = [];
        var n = 0;
        while (stop.Elapsed < until)
        {
            var calls = new JournalAppend[eventsPerCall];
            for (var k = 0; k < eventsPerCall; k++)
            {
                calls[k] = new JournalAppend($"customer-{(a * 7919 + n) % 10_000}", $"a{a}-{n++}", payload);
            }

            var started = Stopwatch.GetTimestamp();
            await append(calls);
            mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Interlocked.Add(ref events, eventsPerCall);
        }
    })));
    var all = latencies.SelectMany(l => l).Order().ToArray();
    return (events, stop.Elapsed, all[all.Length / 2], all[(int)(all.Length * 0.99)]);
}
