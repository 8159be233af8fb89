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
        await host.Ingestion.IngestAsync([Feedback("t-imp", "offer_impression", t.DecisionId, "o", "trt")]);
        await host.Ingestion.IngestAsync([Event("t-buy", "purchase", timestamp: DateTimeOffset.UtcNow.ToString("O"), ids: ("user_id", "trt")) with { Properties = new EventProperties().Set("amount", 35m).Set("currency", "GBP") }]);

        await Task.Delay(200);
        var cache = host.Services<PropensityCache>();
        await cache.RefreshAsync();
        Assert.Equal((1, 1, 20m), (cache.CountersOf(IOfferModelGrain.ControlKey).Decisions, cache.CountersOf(IOfferModelGrain.ControlKey).Conversions, cache.CountersOf(IOfferModelGrain.ControlKey).Revenue));
        Assert.Equal((1, 1, 35m), (cache.CountersOf("o").Decisions, cache.CountersOf("o").Conversions, cache.CountersOf("o").Revenue));
    }

    /// <summary>Refreshes the copies until <paramref name="done"/> holds: one-way signals reach the offer grains asynchronously.</summary>
    private static async Task EventuallyAsync(PropensityCache cache, Func<bool> done, string what)
    {
        for (var i = 0; i < 250; i++)
        {
            await cache.RefreshAsync();
            if (done()) return;
            await Task.Delay(20);
        }
        Assert.Fail("Timed out waiting until " + what);
    }

    [Fact]
    public async Task Reward_zero_after_the_wait_reaches_the_model_through_the_reminder_without_another_visit()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartAsync(new InMemoryStorageProvider(), time: time);
        var catalog = host.Services<DecisioningCatalog>();
        catalog.ControlShare = 0;
        await catalog.Offers.UpsertAsync(Offer("""{"offerId":"shoes","name":"Shoe sale","value":10}"""));
        await catalog.Offers.UpsertAsync(Offer("""{"offerId":"hats","name":"Hat sale","value":10}"""));
        var decisions = host.Services<DecisionService>();
        var cache = host.Services<PropensityCache>();
        RawEvent At(RawEvent e) => e with { Timestamp = time.GetUtcNow().ToString("O") };
        async Task<string> DecideAsync(string profile) => (await decisions.DecideAsync(profile, new DecideInput(DecisionService.NewDecisionId(), "web", "home", 3))).DecisionId;

        await host.Ingestion.IngestAsync([At(Event("pv", "page_view", ids: ("user_id", "quiet")))]);
        var profileId = (await host.Directory.ResolveAsync("user_id:quiet")).ProfileId!;
        var first = await DecideAsync(profileId);
        await DecideAsync(profileId); // never shown: teaches nothing, ever
        await host.Ingestion.IngestAsync([
            At(Feedback("imp-s", "offer_impression", first, "shoes", "quiet")),
            At(Feedback("imp-h", "offer_impression", first, "hats", "quiet")),
            At(Feedback("clk-s", "offer_click", first, "shoes", "quiet")),
        ]);
        await EventuallyAsync(cache, () => cache.ModelOf("shoes").Updates == 1, "the click taught shoes");
        Assert.Equal(1, cache.Metrics.RewardsPending); // hats waits for its answer
        var prior = cache.ModelOf("hats").Propensity(0, OfferContext.Build(new Dictionary<string, double>(), "web"));

        // Before the web wait (30 minutes) nothing is due; after it the reminder alone applies reward 0 to hats.
        time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(0, await host.PollRemindersAsync());
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await host.PollRemindersAsync());
        await EventuallyAsync(cache, () => cache.ModelOf("hats").Updates == 1, "reward 0 reached hats");
        Assert.Equal(1, cache.CountersOf("hats").Ignored);
        Assert.Equal(0, cache.Metrics.RewardsPending);
        Assert.True(cache.ModelOf("hats").Propensity(0, OfferContext.Build(new Dictionary<string, double>(), "web")) < prior);

        // A late click counts in the KPIs but does not teach again; the unshown decision taught nothing.
        await host.Ingestion.IngestAsync([At(Feedback("clk-h", "offer_click", first, "hats", "quiet"))]);
        await EventuallyAsync(cache, () => cache.CountersOf("hats").Clicks == 1, "the late click counted");
        Assert.Equal((1L, 1L), (cache.ModelOf("shoes").Updates, cache.ModelOf("hats").Updates));
    }

    [Fact]
    public async Task A_customer_who_goes_idle_before_the_wait_ends_still_teaches_reward_zero_when_it_ends()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartAsync(new InMemoryStorageProvider(), time: time);
        var catalog = host.Services<DecisioningCatalog>();
        catalog.ControlShare = 0;
        await catalog.Offers.UpsertAsync(Offer("""{"offerId":"mail","name":"Newsletter offer","value":5}"""));
        var decisions = host.Services<DecisionService>();
        var cache = host.Services<PropensityCache>();
        // As an e-mail would wait: two days (web's default is 30 minutes).
        catalog.RewardWaits = new Dictionary<string, TimeSpan> { ["web"] = TimeSpan.FromDays(2) };
        RawEvent At(RawEvent e) => e with { Timestamp = time.GetUtcNow().ToString("O") };

        await host.Ingestion.IngestAsync([At(Event("pv", "page_view", ids: ("user_id", "reader")))]);
        var profileId = (await host.Directory.ResolveAsync("user_id:reader")).ProfileId!;
        var d = await decisions.DecideAsync(profileId, new DecideInput(DecisionService.NewDecisionId(), "web", null, 1));
        Assert.Equal("mail", d.Offers.Single().OfferId);
        await host.Ingestion.IngestAsync([At(Feedback("imp", "offer_impression", d.DecisionId, "mail", "reader"))]);

        // The customer leaves after an hour; the wait (2 days) is not over, so nothing is learned yet.
        time.Advance(TimeSpan.FromHours(1));
        await host.CollectIdleAsync();
        Assert.Equal(0, await host.PollRemindersAsync());
        await cache.RefreshAsync();
        Assert.Equal(0, cache.ModelOf("mail").Updates);

        // Two days on, the durable reminder wakes the customer, whose parked decision teaches reward 0.
        time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(2, await host.PollRemindersAsync()); // the reward wait and the daily churn re-score
        await EventuallyAsync(cache, () => cache.ModelOf("mail").Updates == 1, "reward 0 reached the model after the wait");
        Assert.Equal(1, cache.CountersOf("mail").Ignored);
    }

    [Fact]
    public async Task A_shown_decision_pushed_out_of_the_ring_teaches_reward_zero_instead_of_being_lost()
    {
        await using var host = await StartAsync(new InMemoryStorageProvider());
        var catalog = host.Services<DecisioningCatalog>();
        catalog.ControlShare = 0;
        await catalog.Offers.UpsertAsync(Offer("""{"offerId":"o","name":"O"}"""));
        var decisions = host.Services<DecisionService>();
        var cache = host.Services<PropensityCache>();
        await host.Ingestion.IngestAsync([Event("pv", "page_view", timestamp: DateTimeOffset.UtcNow.ToString("O"), ids: ("user_id", "busy"))]);
        var profileId = (await host.Directory.ResolveAsync("user_id:busy")).ProfileId!;
        for (var i = 0; i < 17; i++)
        {
            var d = await decisions.DecideAsync(profileId, new DecideInput(DecisionService.NewDecisionId(), "web", null, 1));
            await host.Ingestion.IngestAsync([Feedback($"imp-{i}", "offer_impression", d.DecisionId, "o", "busy")]);
        }
        // 16 decisions fit; the 17th pushed the first (shown, unanswered) out: reward 0 at once, not lost.
        await EventuallyAsync(cache, () => cache.CountersOf("o").Ignored == 1, "the pushed-out impression taught 0");
        Assert.Equal(1, cache.ModelOf("o").Updates);
        Assert.Equal(16, cache.Metrics.RewardsPending);
    }

    [Fact]
    public async Task A_purchase_is_credited_once_to_the_most_recent_shown_decision_among_several_open_ones()
    {
        await using var host = await StartAsync(new InMemoryStorageProvider());
        var catalog = host.Services<DecisioningCatalog>();
        catalog.ControlShare = 0;
        foreach (var id in new[] { "a", "b", "c", "d" }) await catalog.Offers.UpsertAsync(Offer($$"""{"offerId":"{{id}}","name":"{{id}}"}"""));
        var decisions = host.Services<DecisionService>();
        var cache = host.Services<PropensityCache>();
        await host.Ingestion.IngestAsync([Event("pv", "page_view", timestamp: DateTimeOffset.UtcNow.ToString("O"), ids: ("user_id", "buyer"))]);
        var profileId = (await host.Directory.ResolveAsync("user_id:buyer")).ProfileId!;
        var shown = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var d = await decisions.DecideAsync(profileId, new DecideInput(DecisionService.NewDecisionId(), "web", null, 1));
            var offer = d.Offers.Single().OfferId;
            if (i < 3)
            {
                // Three decisions shown, the last one not (it cannot have caused the purchase).
                await host.Ingestion.IngestAsync([Feedback($"imp-{i}", "offer_impression", d.DecisionId, offer, "buyer")]);
                shown.Add(offer);
            }
        }
        RawEvent Purchase(string id, decimal amount) => Event(id, "purchase", timestamp: DateTimeOffset.UtcNow.ToString("O"), ids: ("user_id", "buyer")) with
        {
            Properties = new EventProperties().Set("amount", amount).Set("currency", "GBP"),
        };
        await host.Ingestion.IngestAsync([Purchase("buy-1", 240m)]);
        await EventuallyAsync(cache, () => cache.CountersOf(shown[2]).Conversions >= 1, "the conversion was counted");
        // A second purchase after the same decision is not credited again, nor to an older decision.
        await host.Ingestion.IngestAsync([Purchase("buy-2", 60m)]);
        await host.Ingestion.IngestAsync([Purchase("buy-1", 240m)]); // a retried delivery: a duplicate
        await Task.Delay(300); // one-way signals: give a wrong extra credit time to arrive before counting
        await cache.RefreshAsync();
        var all = new[] { "a", "b", "c", "d" }.Select(cache.CountersOf).ToList();
        Assert.Equal(1, all.Sum(c => c.Conversions));
        Assert.Equal(240m, all.Sum(c => c.Revenue));
        Assert.Equal((1, 240m), (cache.CountersOf(shown[2]).Conversions, cache.CountersOf(shown[2]).Revenue));
    }

    [Fact]
    public async Task Exploration_tries_every_offer_from_the_first_decisions()
    {
        await using var host = await StartAsync(new InMemoryStorageProvider());
        var catalog = host.Services<DecisioningCatalog>();
        catalog.ControlShare = 0;
        var ids = Enumerable.Range(0, 6).Select(i => $"offer-{i}").ToArray();
        foreach (var id in ids) await catalog.Offers.UpsertAsync(Offer($$"""{"offerId":"{{id}}","name":"{{id}}"}"""));
        var decisions = host.Services<DecisionService>();
        var cache = host.Services<PropensityCache>();
        var led = new Dictionary<string, int>();
        for (var i = 0; i < 120; i++)
        {
            var user = $"u-{i}";
            await host.Ingestion.IngestAsync([Event($"pv-{i}", "page_view", timestamp: DateTimeOffset.UtcNow.ToString("O"), ids: ("user_id", user))]);
            var profileId = (await host.Directory.ResolveAsync("user_id:" + user)).ProfileId!;
            var d = await decisions.DecideAsync(profileId, new DecideInput(DecisionService.NewDecisionId(), "web", null, 1));
            var offer = d.Offers.Single().OfferId;
            led[offer] = led.GetValueOrDefault(offer) + 1;
            // Everyone clicks what they are shown: a greedy engine would stay with the first offer that got a click.
            await host.Ingestion.IngestAsync([Feedback($"imp-{i}", "offer_impression", d.DecisionId, offer, user), Feedback($"clk-{i}", "offer_click", d.DecisionId, offer, user)]);
            if (i % 10 == 9) await cache.RefreshAsync();
        }
        // Cold offers are drawn from a wide posterior: in 120 decisions every one of the 6 leads at least once (a uniform
        // pick misses one with probability below 6 × (5/6)^120 ≈ 2e-9; Thompson keeps trying the less known, though as
        // everyone clicks, the first offers to be clicked are favoured: 60 decisions missed one about once in 20 runs).
        Assert.Equal(ids, led.Keys.Order());
        // Decisions taken to learn are counted per offer (the offer stats' explorationShare).
        await EventuallyAsync(cache, () => ids.Sum(id => cache.CountersOf(id).Decisions) == 120, "every decision counted");
        var explored = ids.Sum(id => cache.CountersOf(id).Explored);
        Assert.InRange(explored, 1, 119);
        Assert.All(ids, id => Assert.InRange(OfferKpis.ExplorationShare(cache.CountersOf(id)), 0, 1));
    }

    [Fact]
    public async Task A_synthetic_population_whose_best_offer_depends_on_a_crm_attribute_is_learned_per_segment()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartAsync(new InMemoryStorageProvider(), time: time, settings: new Dictionary<string, string?>
        {
            ["Decisioning:Context:Attributes:0:Name"] = "history_segment",
            ["Decisioning:Context:Attributes:0:Kind"] = "category",
            ["Decisioning:Context:Attributes:0:Values:0"] = "new",
            ["Decisioning:Context:Attributes:0:Values:1"] = "loyal",
        });
        var catalog = host.Services<DecisioningCatalog>();
        Assert.Equal(11 + 3, catalog.Encoder.Dimension);
        catalog.ControlShare = 0;
        await catalog.Offers.UpsertAsync(Offer("""{"offerId":"welcome","name":"Welcome pack","value":1}"""));
        await catalog.Offers.UpsertAsync(Offer("""{"offerId":"loyalty","name":"Loyalty points","value":1}"""));
        var decisions = host.Services<DecisionService>();
        var cache = host.Services<PropensityCache>();
        // Known optimum: new customers click "welcome" (40%) over "loyalty" (10%); loyal ones the reverse.
        double Ctr(string segment, string offer) => (segment == "new") == (offer == "welcome") ? 0.4 : 0.1;
        var random = new Random(5);
        string Now() => time.GetUtcNow().ToString("O");
        var profiles = new Dictionary<string, (string Profile, string Segment)>();
        for (var c = 0; c < 40; c++)
        {
            var user = $"crm-{c}";
            var segment = c % 2 == 0 ? "new" : "loyal";
            await host.Ingestion.IngestAsync([Event($"pu-{c}", "profile_update", timestamp: Now(), channel: "crm", ids: ("user_id", user)) with
            {
                Properties = new EventProperties().Set("history_segment", segment),
            }]);
            profiles[user] = ((await host.Directory.ResolveAsync("user_id:" + user)).ProfileId!, segment);
        }
        var right = 0;
        for (var t = 0; t < 800; t++)
        {
            var user = $"crm-{t % 40}";
            var (profile, segment) = profiles[user];
            var d = await decisions.DecideAsync(profile, new DecideInput(DecisionService.NewDecisionId(), "web", null, 1));
            var offer = d.Offers.Single().OfferId;
            if (t >= 600 && Ctr(segment, offer) > 0.2) right++;
            List<RawEvent> feedback = [Feedback($"imp-{t}", "offer_impression", d.DecisionId, offer, user) with { Timestamp = Now() }];
            if (random.NextDouble() < Ctr(segment, offer)) feedback.Add(Feedback($"clk-{t}", "offer_click", d.DecisionId, offer, user) with { Timestamp = Now() });
            await host.Ingestion.IngestAsync(feedback);
            if (t % 40 == 39)
            {
                // Unclicked impressions become reward 0 when their wait ends (by the reminder), then the copies refresh.
                time.Advance(TimeSpan.FromMinutes(31));
                await host.PollRemindersAsync();
                await Task.Delay(50);
                await cache.RefreshAsync();
            }
        }
        // The optimal policy picks the segment's offer every time; one best offer for all would be right half the time.
        Assert.True(right >= 170, $"the segment's best offer led {right} of the last 200 decisions");
    }
}
