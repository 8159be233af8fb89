using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Xunit.Abstractions;

namespace PersonalizationEngine.Reliability.Tests;

/// <summary>
/// Issue 5, test 3: thousands of generated malformed requests against a running engine. Every answer must be
/// a 4xx problem document (never 5xx), the process must stay up with bounded memory, and valid traffic mixed
/// in must keep succeeding.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private static readonly string[] Routes = ["/api/v1/events", "/api/v1/events/stream", "/v1/batch", "/v1/track", "/v1/identify", "/v1/alias", "/api/v1/segments", "/api/v1/offers", "/api/v1/triggers", "/api/v1/keys", "/api/v1/contact-policies"];

    private static IEnumerable<(string Name, Func<Random, HttpRequestMessage> Make)> Generators()
    {
        HttpRequestMessage Post(string route, byte[] body, string? key = EngineProcess.AdminKey, string type = "application/json")
        {
            var m = new HttpRequestMessage(HttpMethod.Post, route) { Content = new ByteArrayContent(body) };
            m.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            if (key is not null) m.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return m;
        }
        byte[] U(string s) => Encoding.UTF8.GetBytes(s);
        string Route(Random r) => Routes[r.Next(Routes.Length)];

        yield return ("broken json", r => Post(Route(r), U("[{\"eventId\": \"x\", " + new string('{', r.Next(1, 5)))));
        yield return ("wrong types", r => Post(Route(r), U("""[{"eventId":42,"identifiers":["a"],"channel":{"x":1},"type":true,"timestamp":[],"properties":"p"}]""")));
        yield return ("deep nesting", r => Post(Route(r), U(new string('[', 100 + r.Next(5000)) + new string(']', 50))));
        yield return ("huge string", r => Post(Route(r), U($$"""[{"eventId":"{{new string('a', 200_000 + r.Next(100_000))}}","identifiers":{"user_id":"u"},"channel":"web","type":"page_view","timestamp":"2026-11-24T10:00:00Z"}]""")));
        yield return ("huge array", r => Post("/api/v1/events", U("[" + string.Join(',', Enumerable.Repeat("1", 20_000 + r.Next(20_000))) + "]")));
        yield return ("invalid utf8", r => Post(Route(r), [0x5b, 0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d, 0x5d]));
        yield return ("absurd timestamps", r => Post("/api/v1/events", U($$"""[{"eventId":"ts-{{r.Next()}}","identifiers":{"user_id":"u"},"channel":"web","type":"page_view","timestamp":"{{(r.Next(3) switch { 0 => "9999-12-31T23:59:59Z", 1 => "0001-01-01T00:00:00Z", _ => "yesterday" })}}"}]""")));
        yield return ("injection-looking ids", r => Post("/api/v1/events", U($$"""[{"eventId":"inj-{{r.Next()}}","identifiers":{"email":"a@b.com'; DROP TABLE pe.journal;--","user_id":"{{"\\u0000<script>"}}"},"channel":"web","type":"page_view","timestamp":"2026-11-24T10:00:00Z"}]""")));
        yield return ("oversized body", r => Post("/api/v1/events", new byte[5 * 1024 * 1024 + r.Next(1000)]));
        yield return ("unknown route", r => new HttpRequestMessage(HttpMethod.Get, "/api/v1/" + Guid.NewGuid().ToString("N")) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", EngineProcess.AdminKey) } });
        yield return ("missing key", r => Post(Route(r), U("[]"), key: null));
        yield return ("wrong key", r => Post(Route(r), U("[]"), key: "wrong-key-" + r.Next()));
        yield return ("bad ref", r => new HttpRequestMessage(HttpMethod.Get, "/api/v1/customers/" + Uri.EscapeDataString("email:" + new string('%', r.Next(1, 50))) + "/profile") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", EngineProcess.AdminKey) } });
        yield return ("segment junk", r => Post("/v1/batch", U("""{"batch":[{"type":"track"},{"type":"nope","userId":"x"},7,null]}"""), key: EngineProcess.WriteKey));
        yield return ("condition abuse", r => Post("/api/v1/segments", U("""{"id":"x","name":"x","condition":{"all":[""" + string.Join(',', Enumerable.Repeat("""{"feature":"a","op":">","value":1}""", 500)) + "]}}")));
        yield return ("wrong method", r => new HttpRequestMessage(HttpMethod.Patch, "/api/v1/events") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", EngineProcess.AdminKey) } });
    }

    [Fact]
    public async Task Thousands_of_malformed_requests_get_4xx_problems_and_valid_traffic_still_succeeds()
    {
        var dir = Directory.CreateTempSubdirectory("pe-hostile-");
        await using var engine = await EngineProcess.StartAsync(EngineProcess.SqliteSettings(dir));
        using var http = new HttpClient { BaseAddress = engine.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var valid = engine.Client(EngineProcess.WriteKey);
        var generators = Generators().ToList();
        var random = new Random(7);
        var perKind = new Dictionary<string, Dictionary<int, int>>();
        var failures = new List<string>();
        var validOk = 0;
        var rssStart = 0L;
        var rssMax = 0L;
        const int total = 3000;
        void Count(string kind, int status)
        {
            if (!perKind.TryGetValue(kind, out var counts)) perKind[kind] = counts = [];
            counts[status] = counts.GetValueOrDefault(status) + 1;
        }
        for (var i = 0; i < total; i++)
        {
            if (i % 10 == 0)
            {
                var ok = await valid.PostAsync("/api/v1/events", new StringContent($$"""[{"eventId":"valid-{{i}}","identifiers":{"user_id":"steady"},"channel":"web","type":"page_view","timestamp":"{{DateTimeOffset.UtcNow:O}}"}]""", Encoding.UTF8, "application/json"));
                if (ok.StatusCode == HttpStatusCode.OK) validOk++;
                else failures.Add($"valid request: {(int)ok.StatusCode}");
            }
            if (i == 200) rssStart = engine.ResidentBytes();
            if (i % 100 == 0) rssMax = Math.Max(rssMax, engine.ResidentBytes());
            var (name, make) = generators[i % generators.Count];
            using var request = make(random);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request);
            }
            catch (HttpRequestException ex) when (name == "oversized body")
            {
                // Kestrel may close the connection while a client is still sending an oversized body.
                Count(name, 0);
                _ = ex;
                continue;
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                Count(name, status);
                var type = response.Content.Headers.ContentType?.MediaType;
                if (status is < 400 or >= 500) failures.Add($"{name}: {status}");
                else if (type != "application/problem+json") failures.Add($"{name}: {status} with {type ?? "no body"}");
            }
        }
        Assert.False(engine.HasExited, "the engine must stay up");
        var profile = await engine.Client().GetStringAsync("/api/v1/customers/user_id:steady/profile");
        output.WriteLine($"{total} hostile requests in {generators.Count} kinds; valid requests ok {validOk}; RSS {rssStart / 1048576} MB after warm-up, max {rssMax / 1048576} MB");
        foreach (var (name, statuses) in perKind) output.WriteLine($"  {name,-22} {string.Join(", ", statuses.Select(s => $"{(s.Key == 0 ? "closed" : s.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}x{s.Value}"))}");
        Assert.Empty(failures.Distinct());
        Assert.Equal(total / 10, validOk);
        Assert.Contains("\"eventCount\":" + validOk, profile, StringComparison.Ordinal);
        Assert.True(rssMax < rssStart + 300L * 1024 * 1024, $"memory grew from {rssStart / 1048576} MB to {rssMax / 1048576} MB");
        try { dir.Delete(true); } catch (IOException) { }
    }
}
