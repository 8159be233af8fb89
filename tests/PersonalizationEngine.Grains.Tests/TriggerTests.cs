using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PersonalizationEngine.Grains.Triggers;
using PersonalizationEngine.Storage.InMemory;
using static PersonalizationEngine.Grains.Tests.EngineHost;

namespace PersonalizationEngine.Grains.Tests;

public sealed class TriggerTests
{
    private sealed class Capture(Func<HttpRequestMessage, HttpStatusCode> answer) : HttpMessageHandler, IHttpClientFactoryLike
    {
        public ConcurrentQueue<(string Url, string Signature, string Body)> Requests { get; } = new();

        public HttpClient Create() => new(this);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue((request.RequestUri!.ToString(), request.Headers.GetValues("X-PE-Signature").Single(), await request.Content!.ReadAsStringAsync(cancellationToken)));
            return new HttpResponseMessage(answer(request));
        }
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 800 && !condition(); i++) await Task.Delay(25); // up to 20 s: a loaded CI machine, not a slow engine
        Assert.True(condition());
    }

    [Fact]
    public async Task A_complaint_fires_a_signed_webhook_and_a_dead_endpoint_is_retried_then_dead_lettered()
    {
        var capture = new Capture(r => r.RequestUri!.Host == "ok.example" ? HttpStatusCode.OK : HttpStatusCode.InternalServerError);
        await using var host = await StartAsync(new InMemoryStorageProvider(), services: s => s.AddSingleton<IHttpClientFactoryLike>(capture));
        var dispatcher = host.Services<WebhookDispatcher>();
        dispatcher.BaseDelay = TimeSpan.FromMilliseconds(5);
        await dispatcher.StartAsync(CancellationToken.None);
        const string secret = "s3cret-s3cret-s3cret";
        await dispatcher.Triggers.UpsertAsync(new TriggerRecord("complaints", "Complaints to CRM", new TriggerCondition(TriggerKinds.Event, EventType: "complaint"), new WebhookTarget("https://ok.example/hook", secret)));
        await dispatcher.Triggers.UpsertAsync(new TriggerRecord("broken", "Broken endpoint", new TriggerCondition(TriggerKinds.Event, EventType: "complaint"), new WebhookTarget("https://down.example/hook", secret), MaxAttempts: 3));

        await host.Ingestion.IngestAsync([Event("v1", "page_view", ids: ("email", "frank@example.com")), Event("c1", "complaint", ids: ("email", "frank@example.com"))]);

        await Eventually(() => capture.Requests.Count(r => r.Url.Contains("ok.example")) == 1);
        var (_, signature, body) = capture.Requests.First(r => r.Url.Contains("ok.example"));
        var t = long.Parse(signature.Split(',')[0][2..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(WebhookDispatcher.Sign(secret, body, DateTimeOffset.FromUnixTimeSeconds(t)), signature);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("complaint", json.RootElement.GetProperty("eventType").GetString());
        Assert.DoesNotContain("frank", body, StringComparison.Ordinal);

        await Eventually(() => dispatcher.DeadLetters.All.Count == 1);
        Assert.Equal(3, capture.Requests.Count(r => r.Url.Contains("down.example")));
        var dead = dispatcher.DeadLetters.All.Single();
        Assert.Equal("broken", dead.TriggerId);
        Assert.Equal("HTTP 500", dead.LastError);

        // At rest, the webhook secrets and the dead letters are sealed; a fresh load (a restart) reads them back.
        var triggersRecord = System.Text.Encoding.UTF8.GetString((await host.Storage.States.ReadAsync("catalog", "triggers"))!.Data);
        Assert.DoesNotContain(secret, triggersRecord, StringComparison.Ordinal);
        Assert.DoesNotContain("ok.example", triggersRecord, StringComparison.Ordinal);
        Assert.DoesNotContain("down.example", System.Text.Encoding.UTF8.GetString((await host.Storage.States.ReadAsync("catalog", "dead-letters"))!.Data), StringComparison.Ordinal);
        var reloaded = new PersonalizationEngine.Grains.Catalog.Catalog<TriggerRecord>(host.Storage, "triggers", r => r.Id, host.Services<PersonalizationEngine.Grains.Protection.EngineKeys>().ProtectorAsync);
        await reloaded.LoadAsync();
        Assert.Equal(secret, reloaded.Get("complaints")!.Webhook.Secret);
        await dispatcher.StopAsync(CancellationToken.None);
    }
}
