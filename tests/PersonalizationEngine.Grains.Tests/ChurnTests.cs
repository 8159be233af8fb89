using Microsoft.Extensions.DependencyInjection;
using PersonalizationEngine.Grains.Models;
using PersonalizationEngine.Learning.Models;
using PersonalizationEngine.Storage.InMemory;
using static PersonalizationEngine.Grains.Tests.EngineHost;

namespace PersonalizationEngine.Grains.Tests;

public sealed class ChurnTests
{
    /// <summary>A model where long recency means churn, trained on synthetic rows.</summary>
    internal static ChurnModel RecencyModel(string date = "2026-11-01")
    {
        var rows = new List<IReadOnlyDictionary<string, double>>();
        var labels = new List<int>();
        var random = new Random(3);
        for (var i = 0; i < 400; i++)
        {
            var recency = random.NextDouble() * 400;
            rows.Add(new Dictionary<string, double> { ["recency_days"] = recency, ["orders_total"] = random.Next(1, 10) });
            labels.Add(recency + random.NextDouble() * 60 > 200 ? 1 : 0);
        }
        return ChurnModelTrainer.Train(rows, labels, ChurnModelKind.LogisticRegression, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Churn_risk_follows_the_active_model_and_feeds_the_churn_segment()
    {
        await using var host = await StartAsync(new InMemoryStorageProvider());
        var recent = DateTimeOffset.UtcNow.AddDays(-1).ToString("O");
        var old = DateTimeOffset.UtcNow.AddDays(-380).ToString("O");
        await host.Ingestion.IngestAsync([Event("r1", "purchase", timestamp: recent, ids: ("user_id", "fresh"))]);
        await host.Ingestion.IngestAsync([Event("o1", "purchase", timestamp: old, ids: ("user_id", "gone"))]);
        var fresh = (await host.Directory.ResolveAsync("user_id:fresh")).ProfileId!;
        var gone = (await host.Directory.ResolveAsync("user_id:gone")).ProfileId!;

        Assert.Null(await host.Customers.ChurnRiskAsync(fresh)); // no model loaded yet

        var registry = host.Services<ChurnModelRegistry>();
        var model = await registry.ReplaceAsync(RecencyModel().ToJson(), CancellationToken.None);
        var low = (await host.Customers.ChurnRiskAsync(fresh))!;
        var high = (await host.Customers.ChurnRiskAsync(gone))!;
        Assert.Equal(model.Version, high.ModelVersion);
        Assert.Equal(RiskBand.Low, low.Band);
        Assert.Equal(RiskBand.High, high.Band);
        Assert.Equal("recency_days", high.TopReasons[0].Feature);
        Assert.Contains("churn_risk", (await host.Customers.GetProfileAsync(gone))!.Segments);
        Assert.Equal(Math.Round(high.Probability, 4), (await host.Customers.GetProfileAsync(gone))!.Features["churn_probability"]);

        // Swapping the model takes effect on the next score, without a restart.
        var swapped = await registry.ReplaceAsync(RecencyModel("2026-11-02").ToJson(), CancellationToken.None);
        Assert.NotEqual(model.Version, swapped.Version);
        Assert.Equal(swapped.Version, (await host.Customers.ChurnRiskAsync(gone))!.ModelVersion);
    }

    [Fact]
    public async Task A_customer_who_goes_quiet_is_rescored_by_the_reminder_and_the_high_risk_trigger_fires()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var storage = new InMemoryStorageProvider();
        var hooks = new HookCapture();
        await using var host = await StartAsync(storage, time: clock, settings: new Dictionary<string, string?> { ["Engine:ChurnRescoreInterval"] = "30.00:00:00" },
            services: s => s.AddSingleton<PersonalizationEngine.Grains.Triggers.IHttpClientFactoryLike>(hooks));
        await host.Services<ChurnModelRegistry>().ReplaceAsync(RecencyModel().ToJson(), CancellationToken.None);
        await host.Services<PersonalizationEngine.Grains.Triggers.WebhookDispatcher>().Triggers.UpsertAsync(new PersonalizationEngine.Grains.Triggers.TriggerRecord(
            "retention", "Retention call", new PersonalizationEngine.Grains.Triggers.TriggerCondition(PersonalizationEngine.Grains.Triggers.TriggerKinds.ChurnHigh),
            new PersonalizationEngine.Grains.Triggers.WebhookTarget("https://crm.example/hook", "s3cret-s3cret-s3cret")));

        await host.Ingestion.IngestAsync([Event("q1", "purchase", timestamp: clock.GetUtcNow().AddHours(-1).ToString("O"), ids: ("user_id", "quiet"))]);
        var id = (await host.Directory.ResolveAsync("user_id:quiet")).ProfileId!;
        var reminder = Assert.Single(await storage.Reminders.ReadAsync("customer", id));
        Assert.Equal(TimeSpan.FromDays(30), reminder.Period);
        var before = (await host.Customers.GetProfileAsync(id))!;
        Assert.True(before.Features["churn_probability"] < 0.3);
        Assert.DoesNotContain("churn_risk", before.Segments);
        Assert.Equal(0, await host.PollRemindersAsync()); // not due yet

        // No event for a year: only the reminder can notice. Each 30-day tick re-scores as recency grows.
        for (var day = 0; day < 360; day += 30)
        {
            clock.Advance(TimeSpan.FromDays(30));
            Assert.Equal(1, await host.PollRemindersAsync()); // due once per period, delivered to the grain
        }
        var after = (await host.Customers.GetProfileAsync(id))!;
        Assert.True(after.Features["churn_probability"] >= 0.6, $"risk after a quiet year: {after.Features["churn_probability"]}");
        Assert.Contains("churn_risk", after.Segments);
        // The crossing of the high threshold reached the retention webhook, once.
        for (var i = 0; i < 200 && hooks.Bodies.IsEmpty; i++) await Task.Delay(25);
        var body = Assert.Single(hooks.Bodies);
        Assert.Contains(id, body, StringComparison.Ordinal);
        Assert.Contains("churn", body, StringComparison.OrdinalIgnoreCase);

        // Erasure drops the reminder with everything else.
        await host.Customers.EraseAsync(id);
        Assert.Empty(await storage.Reminders.ReadAsync("customer", id));
    }

    private sealed class HookCapture : HttpMessageHandler, PersonalizationEngine.Grains.Triggers.IHttpClientFactoryLike
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Bodies { get; } = new();

        public HttpClient Create() => new(this);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Bodies.Enqueue(await request.Content!.ReadAsStringAsync(cancellationToken));
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK);
        }
    }
}
