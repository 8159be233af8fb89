using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace PersonalizationEngine.Gateway.Tests;

/// <summary>Issue 17: waiting webhook retries live in a durable outbox, so a restart does not lose them.</summary>
public sealed class WebhookOutboxTests
{
    /// <summary>A real HTTP receiver on a local port that fails (503) until it is told to recover.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public volatile bool Healthy;
        public ConcurrentQueue<(string Delivery, int Status)> Requests { get; } = new();

        private Receiver(WebApplication app) => _app = app;

        public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.MapPost("/hook", (HttpRequest request) =>
            {
                var status = receiver.Healthy ? 200 : 503;
                receiver.Requests.Enqueue((request.Headers["X-PE-Delivery"].ToString(), status));
                return Results.StatusCode(status);
            });
            await app.StartAsync();
            return receiver;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe, string what, int seconds = 30) where T : class
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            if (await probe() is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException("timed out waiting for " + what);
    }

    private static HttpClient Admin(SqliteEngineFactory engine)
    {
        var c = engine.CreateClient();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DataApiTests.Admin);
        return c;
    }

    [Fact]
    public async Task A_failed_delivery_waits_in_the_outbox_across_a_restart_and_is_delivered_when_the_receiver_recovers()
    {
        await using var receiver = await Receiver.StartAsync();
        var dir = Directory.CreateTempSubdirectory("pe-outbox-").FullName;
        var settings = new Dictionary<string, string> { ["Storage:Sqlite:Path"] = Path.Combine(dir, "engine.db"), ["Triggers:RetryBaseDelay"] = "00:00:02" };
        string delivery;
        try
        {
            using (var first = new SqliteEngineFactory(settings))
            {
                var admin = Admin(first);
                var trigger = $$"""{"id":"restart-hook","name":"Complaints","on":{"kind":"event","eventType":"complaint"},"webhook":{"url":"{{receiver.Url}}","secret":"0123456789abcdef0123"},"maxAttempts":5}""";
                Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/triggers", new StringContent(trigger, Encoding.UTF8, "application/json"))).StatusCode);
                var ev = $$"""[{"eventId":"wh-1","identifiers":{"user_id":"wh-customer"},"channel":"call_centre","type":"complaint","timestamp":"{{DateTimeOffset.UtcNow:O}}"}]""";
                Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/v1/events", new StringContent(ev, Encoding.UTF8, "application/json"))).StatusCode);

                var pending = await Eventually(async () =>
                {
                    var list = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/triggers/outbox")).RootElement;
                    return list.GetArrayLength() == 1 ? (object)list[0].Clone() : null;
                }, "the failed delivery in the outbox");
                var entry = (JsonElement)pending;
                delivery = entry.GetProperty("id").GetString()!;
                Assert.Equal("restart-hook", entry.GetProperty("triggerId").GetString());
                Assert.Contains("HTTP 503", entry.GetProperty("lastError").GetString(), StringComparison.Ordinal);
                Assert.All(receiver.Requests, r => Assert.Equal((delivery, 503), r));
            }

            // The engine is gone; the receiver recovers; a new engine on the same store delivers what was waiting.
            receiver.Healthy = true;
            using var second = new SqliteEngineFactory(settings);
            var again = Admin(second);
            await Eventually(() => Task.FromResult(receiver.Requests.Any(r => r.Status == 200) ? "delivered" : null), "the delivery after the restart");
            Assert.Equal(delivery, receiver.Requests.Single(r => r.Status == 200).Delivery); // the same delivery, not a new one
            await Eventually(async () => JsonDocument.Parse(await again.GetStringAsync("/api/v1/triggers/outbox")).RootElement.GetArrayLength() == 0 ? "empty" : null, "the outbox to empty");
            Assert.Equal(0, JsonDocument.Parse(await again.GetStringAsync("/api/v1/triggers/dead-letters")).RootElement.GetArrayLength());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
