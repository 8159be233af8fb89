using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Npgsql;
using PersonalizationEngine.Baselines;

namespace PersonalizationEngine.LoadGen.Tests;

/// <summary>
/// The naive durable logger (<c>pe-baseline naive-logger</c>) on both stores, through real HTTP: every event one row,
/// one transaction per request, 200 only once the rows are committed (visible to another connection), 400 for a bad body.
/// SQLite in a temporary file; PostgreSQL from PE_TEST_POSTGRES in a table of its own dropped afterwards.
/// </summary>
public sealed class NaiveLoggerTests
{
    private const string NativeBody = """
        [{"eventId":"e1","identifiers":{"user_id":"42","email":"a@example.com"},"channel":"web","type":"add_to_cart","timestamp":"2026-11-24T10:00:00+00:00","properties":{"sku":"s-1"}},
         {"eventId":"e2","identifiers":{"anonymous_id":"a-7"},"channel":"app","type":"page_view","timestamp":"2026-11-24T10:00:01+00:00"},
         {"eventId":"e3","identifiers":{"email":"b@example.com"},"channel":"web","type":"purchase"}]
        """;

    private const string SegmentBody = """
        {"batch":[{"type":"track","messageId":"m1","userId":"42","anonymousId":"a-42","event":"Order Completed","timestamp":"2026-11-24T10:00:02Z","properties":{"revenue":89}},
                  {"type":"identify","messageId":"m2","anonymousId":"a-9","traits":{"plan":"pro"}}],"sentAt":"2026-11-24T10:00:03Z"}
        """;

    private static readonly (string Id, string User, string Type, string? Ts)[] ExpectedRows =
    [
        ("e1", "42", "add_to_cart", "2026-11-24T10:00:00+00:00"),
        ("e2", "a-7", "page_view", "2026-11-24T10:00:01+00:00"),
        ("e3", "email:b@example.com", "purchase", null),
        ("m1", "42", "Order Completed", "2026-11-24T10:00:02Z"),
        ("m2", "a-9", "identify", null),
    ];

    [Fact]
    public async Task Sqlite_every_event_of_both_routes_lands_as_one_row()
    {
        using var dir = new TempDir();
        await using var logger = await StartAsync("sqlite", dir.Db);
        await AssertEveryEventLandsAsync(logger.Http, () => SqliteRowsAsync(dir.Db));
    }

    [Fact]
    public async Task Sqlite_a_request_is_answered_only_after_its_commit()
    {
        using var dir = new TempDir();
        await using var logger = await StartAsync("sqlite", dir.Db);
        await AssertRowsVisibleOnAnswerAsync(logger.Http, ids => SqliteCountAsync(dir.Db, ids));

        // Another connection holds SQLite's write lock: the request cannot commit, so it must not be answered.
        await using var blocker = new SqliteConnection($"Data Source={dir.Db};Pooling=False");
        await blocker.OpenAsync();
        var transaction = blocker.BeginTransaction();
        using (var write = blocker.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = "DELETE FROM pe_naive_events WHERE 0";
            await write.ExecuteNonQueryAsync();
        }

        var post = PostAsync(logger.Http, "/api/v1/events", Native("held-1", "held-2"));
        await AssertNotAnsweredWhileHeldAsync(post, () => SqliteCountAsync(dir.Db, ["held-1", "held-2"]));
        transaction.Rollback();
        using var answer = await post;
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(2, await SqliteCountAsync(dir.Db, ["held-1", "held-2"]));
    }

    [Fact]
    public async Task Sqlite_a_request_whose_insert_fails_writes_none_of_its_rows_and_is_not_200()
    {
        using var dir = new TempDir();
        await using var logger = await StartAsync("sqlite", dir.Db);
        await using (var c = new SqliteConnection($"Data Source={dir.Db};Pooling=False"))
        {
            await c.OpenAsync();
            using var trigger = c.CreateCommand();
            trigger.CommandText = "CREATE TRIGGER refuse AFTER INSERT ON pe_naive_events WHEN new.event_id = 'poison' BEGIN SELECT RAISE(ABORT, 'refused'); END";
            await trigger.ExecuteNonQueryAsync();
        }

        using var answer = await PostAsync(logger.Http, "/api/v1/events", Native("ok-1", "ok-2", "poison"));
        Assert.Equal(HttpStatusCode.InternalServerError, answer.StatusCode);
        Assert.Equal(0, await SqliteCountAsync(dir.Db, ["ok-1", "ok-2", "poison"]));

        // The writer is usable again afterwards.
        using var next = await PostAsync(logger.Http, "/api/v1/events", Native("ok-3"));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(1, await SqliteCountAsync(dir.Db, ["ok-3"]));
    }

    [Fact]
    public async Task Sqlite_bad_bodies_get_400_and_write_nothing()
    {
        using var dir = new TempDir();
        await using var logger = await StartAsync("sqlite", dir.Db);
        await AssertBadBodiesRefusedAsync(logger.Http, async () => (await SqliteRowsAsync(dir.Db)).Count);
    }

    [Fact]
    public async Task An_api_key_is_required_and_a_configured_one_must_match()
    {
        using var dir = new TempDir();
        await using (var open = await StartAsync("sqlite", dir.Db))
        {
            using var none = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = Json(Native("k-0")) };
            using var refused = await open.Http.SendAsync(none);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            using var any = await PostAsync(open.Http, "/api/v1/events", Native("k-1"), key: "whatever-key");
            Assert.Equal(HttpStatusCode.OK, any.StatusCode);
        }

        await using var keyed = await StartAsync("sqlite", dir.Db, "--key", "the-key");
        using var wrong = await PostAsync(keyed.Http, "/api/v1/events", Native("k-2"), key: "other-key");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var bearer = await PostAsync(keyed.Http, "/api/v1/events", Native("k-3"), key: "the-key");
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        // Segment's style: the write key as the Basic-auth user name.
        using var basic = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = Json("""{"batch":[{"type":"track","messageId":"k-4","userId":"1","event":"x"}]}""") };
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("the-key:")));
        using var segment = await keyed.Http.SendAsync(basic);
        Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
        Assert.Equal(3, await SqliteCountAsync(dir.Db, ["k-1", "k-2", "k-3", "k-4"]));
    }

    [Fact]
    public async Task Postgres_every_event_of_both_routes_lands_as_one_row()
    {
        await using var pg = await PgTable.CreateAsync();
        await using var logger = await StartAsync("postgres", null, "--ConnectionStrings:Postgres", pg.ConnectionString, "--Baseline:Table", pg.Table);
        await AssertEveryEventLandsAsync(logger.Http, pg.RowsAsync);
    }

    [Fact]
    public async Task Postgres_a_request_is_answered_only_after_its_commit()
    {
        await using var pg = await PgTable.CreateAsync();
        await using var logger = await StartAsync("postgres", null, "--ConnectionStrings:Postgres", pg.ConnectionString, "--Baseline:Table", pg.Table);
        await AssertRowsVisibleOnAnswerAsync(logger.Http, pg.CountAsync);

        // Another session holds the table locked: the request's COPY cannot run, so it must not be answered.
        await using var blocker = await pg.DataSource.OpenConnectionAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {pg.Table} IN ACCESS EXCLUSIVE MODE", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var post = PostAsync(logger.Http, "/api/v1/events", Native("held-1", "held-2"));
        await AssertNotAnsweredWhileHeldAsync(post, null);
        await transaction.RollbackAsync();
        using var answer = await post;
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(2, await pg.CountAsync(["held-1", "held-2"]));
    }

    [Fact]
    public async Task Postgres_bad_bodies_get_400_and_write_nothing()
    {
        await using var pg = await PgTable.CreateAsync();
        await using var logger = await StartAsync("postgres", null, "--ConnectionStrings:Postgres", pg.ConnectionString, "--Baseline:Table", pg.Table);
        await AssertBadBodiesRefusedAsync(logger.Http, async () => (await pg.RowsAsync()).Count);
    }

    private static async Task AssertEveryEventLandsAsync(HttpClient http, Func<Task<List<(string Id, string User, string Type, string? Ts, string Raw)>>> rows)
    {
        using var native = await PostAsync(http, "/api/v1/events", NativeBody);
        Assert.Equal(HttpStatusCode.OK, native.StatusCode);
        Assert.Equal(3, JsonDocument.Parse(await native.Content.ReadAsStringAsync()).RootElement.GetProperty("accepted").GetInt32());
        using var segment = await PostAsync(http, "/v1/batch", SegmentBody);
        Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
        Assert.True(JsonDocument.Parse(await segment.Content.ReadAsStringAsync()).RootElement.GetProperty("success").GetBoolean());

        var landed = await rows();
        Assert.Equal(ExpectedRows, landed.Select(r => (r.Id, r.User, r.Type, r.Ts)).ToArray());
        // The raw column holds each event as sent.
        var raw = landed.Select(r => JsonDocument.Parse(r.Raw).RootElement).ToArray();
        Assert.Equal("s-1", raw[0].GetProperty("properties").GetProperty("sku").GetString());
        Assert.Equal("a@example.com", raw[0].GetProperty("identifiers").GetProperty("email").GetString());
        Assert.Equal(89, raw[3].GetProperty("properties").GetProperty("revenue").GetInt32());
        Assert.Equal("pro", raw[4].GetProperty("traits").GetProperty("plan").GetString());
    }

    /// <summary>Concurrent requests; the moment each one's 200 arrives, another connection already sees all its rows.</summary>
    private static async Task AssertRowsVisibleOnAnswerAsync(HttpClient http, Func<string[], Task<long>> count)
    {
        var requests = Enumerable.Range(0, 16).Select(async r =>
        {
            var ids = Enumerable.Range(0, 25).Select(i => $"v-{r}-{i}").ToArray();
            using var answer = await PostAsync(http, "/api/v1/events", Native(ids));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal(ids.Length, await count(ids));
        });
        await Task.WhenAll(requests);
    }

    private static async Task AssertNotAnsweredWhileHeldAsync(Task<HttpResponseMessage> post, Func<Task<long>>? count)
    {
        var first = await Task.WhenAny(post, Task.Delay(TimeSpan.FromMilliseconds(800)));
        Assert.NotSame(post, first);
        if (count is not null)
        {
            Assert.Equal(0, await count());
        }
    }

    private static async Task AssertBadBodiesRefusedAsync(HttpClient http, Func<Task<int>> rowCount)
    {
        (string Route, string Body)[] bad =
        [
            ("/api/v1/events", """[{"eventId":"b1","identifiers":{"user_id":"1"},"type":"x"""),
            ("/api/v1/events", "not json"),
            ("/api/v1/events", """{"eventId":"b2"}"""),
            // One invalid event (no identifiers) makes the whole request invalid, the valid one included.
            ("/api/v1/events", """[{"eventId":"b3","identifiers":{"user_id":"1"},"type":"x"},{"eventId":"b4","type":"x"}]"""),
            ("/api/v1/events", """[{"identifiers":{"user_id":"1"},"type":"x"}]"""),
            ("/v1/batch", """{"batch":[{"type":"track","messageId":"b5","userId":"1"}"""),
            ("/v1/batch", """[{"type":"track","messageId":"b6","userId":"1"}]"""),
            ("/v1/batch", """{"batch":[{"type":"track","messageId":"b7","userId":"1"},{"type":"track","messageId":"b8"}]}"""),
        ];
        foreach (var (route, body) in bad)
        {
            using var answer = await PostAsync(http, route, body);
            Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, $"{route} {body}: {answer.StatusCode}");
        }

        Assert.Equal(0, await rowCount());
    }

    private static string Native(params string[] ids) =>
        "[" + string.Join(',', ids.Select(id => $$"""{"eventId":"{{id}}","identifiers":{"user_id":"u-{{id}}"},"channel":"web","type":"product_view","timestamp":"2026-11-24T10:00:00Z"}""")) + "]";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string route, string body, string key = "any-key")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = Json(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http.SendAsync(request);
    }

    private static async Task<RunningLogger> StartAsync(string store, string? path, params string[] extra)
    {
        string[] args = ["naive-logger", "--urls", "http://127.0.0.1:0", "--store", store, .. path is null ? [] : new[] { "--path", path }, .. extra];
        var app = BaselineHost.Build(args);
        await app.StartAsync();
        return new RunningLogger(app, new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
    }

    private static async Task<List<(string Id, string User, string Type, string? Ts, string Raw)>> SqliteRowsAsync(string db)
    {
        await using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        await c.OpenAsync();
        using var select = c.CreateCommand();
        select.CommandText = "SELECT event_id, user_id, type, ts, raw FROM pe_naive_events ORDER BY rowid";
        await using var reader = await select.ExecuteReaderAsync();
        var rows = new List<(string, string, string, string?, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4)));
        }

        return rows;
    }

    private static async Task<long> SqliteCountAsync(string db, string[] ids)
    {
        await using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        await c.OpenAsync();
        using var select = c.CreateCommand();
        select.CommandText = "SELECT count(*) FROM pe_naive_events WHERE event_id IN (SELECT value FROM json_each($ids))";
        select.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(ids));
        return (long)(await select.ExecuteScalarAsync())!;
    }

    private sealed class RunningLogger(WebApplication app, HttpClient http) : IAsyncDisposable
    {
        public HttpClient Http { get; } = http;

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private sealed class TempDir : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pe-naive-");

        public string Db => Path.Combine(_dir.FullName, "events.db");

        public void Dispose() => _dir.Delete(recursive: true);
    }

    private sealed class PgTable : IAsyncDisposable
    {
        private PgTable(string connectionString)
        {
            ConnectionString = connectionString;
            DataSource = NpgsqlDataSource.Create(connectionString);
        }

        public string ConnectionString { get; }

        public string Table { get; } = "pe_naive_test_" + Guid.NewGuid().ToString("N")[..12];

        public NpgsqlDataSource DataSource { get; }

        public static Task<PgTable> CreateAsync()
        {
            var connectionString = Environment.GetEnvironmentVariable("PE_TEST_POSTGRES");
            Assert.False(string.IsNullOrWhiteSpace(connectionString), "PE_TEST_POSTGRES is not set: this test needs a PostgreSQL connection string (tests/run.sh sets it).");
            return Task.FromResult(new PgTable(connectionString!));
        }

        public async Task<List<(string Id, string User, string Type, string? Ts, string Raw)>> RowsAsync()
        {
            // COPY appends in order into a fresh heap table, so ctid order is insertion order here.
            await using var select = DataSource.CreateCommand($"SELECT event_id, user_id, type, ts, raw FROM {Table} ORDER BY ctid");
            await using var reader = await select.ExecuteReaderAsync();
            var rows = new List<(string, string, string, string?, string)>();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4)));
            }

            return rows;
        }

        public async Task<long> CountAsync(string[] ids)
        {
            await using var select = DataSource.CreateCommand($"SELECT count(*) FROM {Table} WHERE event_id = ANY($1)");
            select.Parameters.Add(new NpgsqlParameter { Value = ids });
            return (long)(await select.ExecuteScalarAsync())!;
        }

        public async ValueTask DisposeAsync()
        {
            await using (var drop = DataSource.CreateCommand($"DROP TABLE IF EXISTS {Table}"))
            {
                await drop.ExecuteNonQueryAsync();
            }

            await DataSource.DisposeAsync();
        }
    }
}
