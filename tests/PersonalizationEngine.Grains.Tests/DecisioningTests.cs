using PersonalizationEngine.Contracts;
using System.Text.Json;
using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Grains.Decisioning;
using PersonalizationEngine.Grains.Offers;
using PersonalizationEngine.Storage.InMemory;
using static PersonalizationEngine.Grains.Tests.EngineHost;

namespace PersonalizationEngine.Grains.Tests;

public sealed class DecisioningTests
{
    private static OfferDefinition Offer(string json) => JsonSerializer.Deserialize<OfferDefinition>(json, JsonSerializerOptions.Web)!;

    private static RawEvent Feedback(string id, string type, string decisionId, string offerId, string user) => Event(id, type, timestamp: DateTimeOffset.UtcNow.ToString("O"), ids: ("user_id", user)) with
    {
        Properties = new EventProperties().Set("decisionId", decisionId).Set("offerId", offerId),
    };

    [Fact]
    public async Task Decisions_learn_from_clicks_and_count_kpis()
    {
        await using var host = await StartAsync(new InMemoryStorageProvider());
        var catalog = host.Services<DecisioningCatalog>();
        catalog.ControlShare = 0;
        await catalog.Offers.UpsertAsync(Offer("""{"offerId":"shoes","name":"Shoe sale","value":10}"""));
        await catalog.Offers.UpsertAsync(Offer("""{"offerId":"hats","name":"Hat sale","value":10}"""));
        await catalog.Offers.UpsertAsync(Offer("""{"offerId":"vip","name":"VIP","value":50,"eligibility":{"feature":"orders_total","op":">=","value":5}}"""));
        var decisions = host.Services<DecisionService>();
        var cache = host.Services<PropensityCache>();

        // Forty customers: each is shown both sale offers and clicks shoes only.
        for (var i = 0; i < 40; i++)
        {
            var user = $"learner-{i}";
            await host.Ingestion.IngestAsync([Event($"pv-{i}", "page_view", timestamp: DateTimeOffset.UtcNow.ToString("O"), ids: ("user_id", user))]);
            var profileId = (await host.Directory.ResolveAsync("user_id:" + user)).ProfileId!;
            var d = await decisions.DecideAsync(profileId, new DecideInput(DecisionService.NewDecisionId(), "web", "home", 3));
            Assert.Equal(["hats", "shoes"], d.Offers.Select(o => o.OfferId).Order());
            Assert.Contains(d.Trace, t => t.OfferId == "vip" && t.Rule == "eligibility rule" && !t.Passed);
            await host.Ingestion.IngestAsync([
                Feedback($"imp-s-{i}", "offer_impression", d.DecisionId, "shoes", user),
                Feedback($"imp-h-{i}", "offer_impression", d.DecisionId, "hats", user),
                Feedback($"clk-{i}", "offer_click", d.DecisionId, "shoes", user),
                Feedback($"rej-{i}", "offer_reject", d.DecisionId, "hats", user),
            ]);
        }
        await Task.Delay(200); // feedback reaches the offer grains asynchronously
        await cache.RefreshAsync();
        var shoes = cache.CountersOf("shoes");
        Assert.Equal(40, shoes.Impressions);
        Assert.Equal(40, shoes.Clicks);
        Assert.Equal(40, cache.CountersOf("hats").Rejects);

        // The learned propensities now rank shoes first for a new customer.
        await host.Ingestion.IngestAsync([Event("new-pv", "page_view", timestamp: DateTimeOffset.UtcNow.ToString("O"), ids: ("user_id", "newcomer"))]);
        var newcomer = (await host.Directory.ResolveAsync("user_id:newcomer")).ProfileId!;
        var next = await decisions.DecideAsync(newcomer, new DecideInput(DecisionService.NewDecisionId(), "web", "home", 2));
        Assert.Equal("shoes", next.Offers[0].OfferId);
        Assert.True(next.Offers[0].Propensity > next.Offers[1].Propensity + 0.3, $"{next.Offers[0].Propensity} vs {next.Offers[1].Propensity}");

        // Two rejections of hats: the fatigue policy suppresses it for that customer.
        await catalog.Policies.UpsertAsync(new ContactPolicy { PolicyId = "fatigue", SuppressAfterRejects = 1, SuppressDays = 30 });
        var learner = (await host.Directory.ResolveAsync("user_id:learner-0")).ProfileId!;
        var suppressed = await decisions.DecideAsync(learner, new DecideInput(DecisionService.NewDecisionId(), "web", "home", 3));
        Assert.Equal(["shoes"], suppressed.Offers.Select(o => o.OfferId));
        Assert.Contains(suppressed.Trace, t => t.OfferId == "hats" && t.Rule == "fatigue" && !t.Passed);
    }

    [Fact]
    public async Task Control_customers_get_no_offer_and_conversions_are_attributed()
    {
        await using var host = await StartAsync(new InMemoryStorageProvider());
        var catalog = host.Services<DecisioningCatalog>();
        await catalog.Offers.UpsertAsync(Offer("""{"offerId":"o","name":"O"}"""));
        var decisions = host.Services<DecisionService>();
        catalog.ControlShare = 1;
        await host.Ingestion.IngestAsync([Event("c-pv", "page_view", timestamp: DateTimeOffset.UtcNow.ToString("O"), ids: ("user_id", "ctl"))]);
        var ctl = (await host.Directory.ResolveAsync("user_id:ctl")).ProfileId!;
        var d = await decisions.DecideAsync(ctl, new DecideInput(DecisionService.NewDecisionId(), "web", null, 1));
        Assert.True(d.Control);
        Assert.Empty(d.Offers);
        await host.Ingestion.IngestAsync([Event("c-buy", "purchase", timestamp: DateTimeOffset.UtcNow.ToString("O"), ids: ("user_id", "ctl")) with { Properties = new EventProperties().Set("amount", 20m).Set("currency", "GBP") }]);

        catalog.ControlShare = 0;
        await host.Ingestion.IngestAsync([Event("t-pv", "page_view", timestamp: DateTimeOffset.UtcNow.ToString("O"), ids: ("user_id", "trt"))]);
        var trt = (await host.Directory.ResolveAsync("user_id:trt")).ProfileId!;
        var t = await decisions.DecideAsync(trt, new DecideInput(DecisionService.NewDecisionId(), "web", null, 1));
        Assert.Equal("o", t.Offers.Single().OfferId);
        await host.Ingestion.IngestAsync([Event("t-buy", "purchase", timestamp: DateTimeOffset.UtcNow.ToString("O"), ids: ("user_id", "trt")) with { Properties = new EventProperties().Set("amount", 35m).Set("currency", "GBP") }]);

        await Task.Delay(200);
        var cache = host.Services<PropensityCache>();
        await cache.RefreshAsync();
        Assert.Equal((1, 1, 20m), (cache.CountersOf(IOfferModelGrain.ControlKey).Decisions, cache.CountersOf(IOfferModelGrain.ControlKey).Conversions, cache.CountersOf(IOfferModelGrain.ControlKey).Revenue));
        Assert.Equal((1, 1, 35m), (cache.CountersOf("o").Decisions, cache.CountersOf("o").Conversions, cache.CountersOf("o").Revenue));
    }

    [Fact]
    public async Task Impressions_nobody_answers_teach_the_model_once_after_the_feedback_window_or_when_the_customer_goes_idle()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartAsync(new InMemoryStorageProvider(), time: time);
        var catalog = host.Services<DecisioningCatalog>();
        catalog.ControlShare = 0;
        catalog.FeedbackWindow = TimeSpan.FromMinutes(1);
        await catalog.Offers.UpsertAsync(Offer("""{"offerId":"shoes","name":"Shoe sale","value":10}"""));
        await catalog.Offers.UpsertAsync(Offer("""{"offerId":"hats","name":"Hat sale","value":10}"""));
        var decisions = host.Services<DecisionService>();
        var cache = host.Services<PropensityCache>();
        RawEvent At(RawEvent e) => e with { Timestamp = time.GetUtcNow().ToString("O") };
        async Task<string> DecideAsync(string profile) => (await decisions.DecideAsync(profile, new DecideInput(DecisionService.NewDecisionId(), "web", "home", 3))).DecisionId;
        async Task<(long Shoes, long Hats)> UpdatesAsync()
        {
            await Task.Delay(200); // signals reach the offer grains asynchronously
            await cache.RefreshAsync();
            return (cache.ModelOf("shoes").Updates, cache.ModelOf("hats").Updates);
        }

        await host.Ingestion.IngestAsync([At(Event("pv", "page_view", ids: ("user_id", "quiet")))]);
        var profileId = (await host.Directory.ResolveAsync("user_id:quiet")).ProfileId!;
        var first = await DecideAsync(profileId);
        await host.Ingestion.IngestAsync([
            At(Feedback("imp-s", "offer_impression", first, "shoes", "quiet")),
            At(Feedback("imp-h", "offer_impression", first, "hats", "quiet")),
            At(Feedback("clk-s", "offer_click", first, "shoes", "quiet")),
        ]);
        await DecideAsync(profileId);
        Assert.Equal((1, 0), await UpdatesAsync()); // the click taught shoes; hats may still be answered

        // Past the feedback window the next decision reports hats ignored, and only once.
        time.Advance(TimeSpan.FromMinutes(2));
        await DecideAsync(profileId);
        await DecideAsync(profileId);
        Assert.Equal((1, 1), await UpdatesAsync());

        // A customer who sees hats and leaves: when the grain goes idle (15 minutes) the impression is reported.
        var last = await DecideAsync(profileId);
        await host.Ingestion.IngestAsync([At(Feedback("imp-h2", "offer_impression", last, "hats", "quiet"))]);
        time.Advance(TimeSpan.FromMinutes(20));
        await host.CollectIdleAsync();
        Assert.Equal((1, 2), await UpdatesAsync());
        await DecideAsync(profileId);
        Assert.Equal((1, 2), await UpdatesAsync());
    }
}
