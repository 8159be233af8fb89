using System.Diagnostics;
using Orleans.Serialization;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Hosting;
using PersonalizationEngine.Grains.Ingestion;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Storage.InMemory;
using static PersonalizationEngine.Grains.Tests.EngineHost;

namespace PersonalizationEngine.Grains.Tests;

/// <summary>
/// What the engine needs from its actor runtime, proven of the engine's own grains on Orleans: exact counts under heavy
/// concurrency, durable-before-applied ingestion under concurrent batches, reactivation, idle collection and shedding
/// that write state back, fast refusal of a flooded customer, shutdown that persists, copies instead of live state,
/// stale writes refused, and messages that survive the wire.
/// </summary>
public sealed class RuntimeTests
{
    [Fact]
    public async Task A_million_concurrent_calls_to_a_thousand_offer_grains_are_counted_exactly()
    {
        await using var host = await StartAsync(new InMemoryStorageProvider());
        const int offers = 1000, perOffer = 1000;
        var grains = Enumerable.Range(0, offers).Select(i => host.Grains.GetGrain<IOfferModelGrain>("offer-" + i)).ToArray();
        var impression = new OfferFeedback(OfferSignal.Impression, null, 0);
        // In waves of 100,000 outstanding calls, every grain receiving calls from every wave at once.
        for (var wave = 0; wave < 10; wave++)
        {
            var calls = new Task[offers * perOffer / 10];
            for (var i = 0; i < calls.Length; i++) calls[i] = grains[i % offers].RecordAndConfirmAsync(impression);
            await Task.WhenAll(calls);
        }
        var counts = await Task.WhenAll(grains.Select(g => g.SnapshotAsync().AsTask()));
        Assert.All(counts, c => Assert.Equal(perOffer, c.Counters.Impressions));
        Assert.Equal((long)offers * perOffer, counts.Sum(c => c.Counters.Impressions));
    }

    [Fact]
    public async Task Concurrent_batches_of_one_customer_are_applied_only_once_durable_in_order_and_once()
    {
        var storage = new GatedStorage(new InMemoryStorageProvider());
        await using var host = await StartAsync(storage, snapshotEvery: 1000);
        await host.Ingestion.IngestAsync([Event("first", "page_view", ids: ("user_id", "busy"))]);
        var profileId = (await host.Directory.ResolveAsync("user_id:busy")).ProfileId!;

        storage.Close(); // the journal stalls: nothing of the next batches can become durable
        var batches = Enumerable.Range(0, 20).Select(b => host.Ingestion.IngestAsync(
            [.. Enumerable.Range(0, 5).Select(i => Event($"b{b}-e{i}", "product_view", ids: ("user_id", "busy"))),
             Event("shared", "page_view", ids: ("user_id", "busy"))])).ToList(); // one event id in every batch
        await Task.Delay(200);
        Assert.All(batches, b => Assert.False(b.IsCompleted));
        var during = (await host.Customers.GetProfileAsync(profileId))!;
        Assert.Equal(1, during.EventCount); // reads see only durable events, and reads are not blocked by the stall

        storage.Open();
        var results = await Task.WhenAll(batches);
        var statuses = results.SelectMany(r => r.Items).ToList();
        Assert.Equal(100, statuses.Count(i => i.EventId != "shared" && i.Status == IngestStatus.Accepted));
        Assert.Equal(1, statuses.Count(i => i.EventId == "shared" && i.Status == IngestStatus.Accepted));
        Assert.Equal(19, statuses.Count(i => i.EventId == "shared" && i.Status == IngestStatus.Duplicate));
        Assert.Equal(102, (await host.Customers.GetProfileAsync(profileId))!.EventCount);

        // The journal holds each accepted event exactly once, in the order the batches were accepted.
        var journaled = new List<string>();
        await foreach (var e in storage.Journal.ReadAsync(profileId, 0)) journaled.Add(e.EventId);
        Assert.Equal(102, journaled.Count);
        Assert.Equal(journaled.Count, journaled.Distinct().Count());
    }

    [Fact]
    public async Task Idle_customers_are_collected_after_the_configured_age_and_come_back_with_their_state()
    {
        // Orleans measures idleness on a monotonic stopwatch (not the TimeProvider), so this one test waits for real.
        var storage = new InMemoryStorageProvider();
        await using var host = await StartAsync(storage, snapshotEvery: 1000, settings: new Dictionary<string, string?>
        {
            ["Actors:IdleTimeout"] = "00:00:02",
            ["Actors:CollectionQuantum"] = "00:00:01",
        });
        await host.Ingestion.IngestAsync([Event("i1", "page_view", ids: ("user_id", "idle")), Event("i2", "purchase", ids: ("user_id", "idle"))]);
        var profileId = (await host.Directory.ResolveAsync("user_id:idle")).ProfileId!;
        Assert.Equal(1, host.ActivationCount);
        Assert.Null(await storage.States.ReadAsync(CustomerGrain.TypeName, profileId)); // no snapshot yet (every 1,000 events)

        var waited = Stopwatch.StartNew();
        while (host.ActivationCount > 0 && waited.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(100);
        Assert.Equal(0, host.ActivationCount);
        Assert.InRange(waited.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        Assert.NotNull(await storage.States.ReadAsync(CustomerGrain.TypeName, profileId)); // written back on the way out

        var back = (await host.Customers.GetProfileAsync(profileId))!;
        Assert.Equal(2, back.EventCount);
        Assert.Equal(1, host.ActivationCount);
    }

    [Fact]
    public async Task Above_the_activation_limit_the_least_recently_used_are_shed_and_written_back_first()
    {
        var storage = new InMemoryStorageProvider();
        await using var host = await StartAsync(storage, snapshotEvery: 1000, settings: new Dictionary<string, string?> { ["Actors:MaxActivations"] = "10", ["Actors:SaturationFactor"] = "10" });
        for (var i = 0; i < 30; i++) await host.Ingestion.IngestAsync([Event("s" + i, "page_view", ids: ("user_id", "shed-" + i))]);
        Assert.Equal(30, host.ActivationCount);

        var shed = await host.ShedAsync();
        Assert.True(host.ActivationCount <= 10, $"{host.ActivationCount} activations after shedding");
        Assert.True(shed >= 20);
        for (var i = 0; i < 30; i++)
        {
            var profile = await host.ProfileAsync("user_id:shed-" + i); // shed or not, every customer is whole
            Assert.Equal(1, profile.EventCount);
        }
        var written = 0;
        for (var i = 0; i < 30; i++)
        {
            var id = (await host.Directory.ResolveAsync("user_id:shed-" + i)).ProfileId!;
            if (await storage.States.ReadAsync(CustomerGrain.TypeName, id) is not null) written++;
        }
        Assert.True(written >= 20, $"{written} customers were written back");
    }

    [Fact]
    public async Task A_flooded_customer_is_refused_at_once_instead_of_queuing_without_bound()
    {
        var storage = new GatedStorage(new InMemoryStorageProvider());
        await using var host = await StartAsync(storage, settings: new Dictionary<string, string?> { ["Actors:MaxQueuedCallsPerActivation"] = "20" });
        await host.Ingestion.IngestAsync([Event("f0", "page_view", ids: ("user_id", "flood"))]);
        var profileId = (await host.Directory.ResolveAsync("user_id:flood")).ProfileId!;
        var grain = host.Grains.GetGrain<ICustomerGrain>(profileId);
        // An exclusive call (an export) waits for the stalled journal; ordinary calls queue behind it.
        storage.Close();
        var stalled = grain.IngestAsync(new IngestBatch([Standard("f1", profileId)]));
        var export = grain.ExportAsync();
        await Task.Delay(100);
        var started = Stopwatch.StartNew();
        var calls = Enumerable.Range(0, 200).Select(_ => grain.SnapshotAsync(force: false)).ToList();
        var refused = 0;
        foreach (var call in calls)
        {
            try
            {
                await call.WaitAsync(TimeSpan.FromMilliseconds(50));
            }
            catch (Orleans.Runtime.LimitExceededException)
            {
                refused++;
            }
            catch (TimeoutException)
            {
                // queued within the limit
            }
        }
        Assert.True(refused >= 150, $"{refused} of 200 refused");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"refusal took {started.Elapsed}");
        storage.Open();
        await stalled;
        await export;
    }

    [Fact]
    public async Task A_graceful_shutdown_writes_every_dirty_customer_back()
    {
        var storage = new InMemoryStorageProvider();
        var host = await StartAsync(storage, snapshotEvery: 1000);
        for (var i = 0; i < 20; i++) await host.Ingestion.IngestAsync([Event("g" + i, "purchase", ids: ("user_id", "stop-" + i))]);
        var ids = new List<string>();
        for (var i = 0; i < 20; i++) ids.Add((await host.Directory.ResolveAsync("user_id:stop-" + i)).ProfileId!);
        Assert.All(ids, id => Assert.Null(storage.States.ReadAsync(CustomerGrain.TypeName, id).Result));

        await host.StopAsync();
        await host.DisposeAsync();
        foreach (var id in ids)
        {
            var stored = await storage.States.ReadAsync(CustomerGrain.TypeName, id);
            Assert.NotNull(stored);
            Assert.Contains("\"journalSequence\":", System.Text.Encoding.UTF8.GetString(stored.Data), StringComparison.Ordinal);
        }
        await using var again = await StartAsync(storage, snapshotEvery: 1000);
        Assert.Equal(1, (await again.Customers.GetProfileAsync(ids[7]))!.EventCount);
    }

    [Fact]
    public async Task Profile_answers_are_copies_that_later_events_do_not_change()
    {
        await using var host = await StartAsync(new InMemoryStorageProvider());
        await host.Ingestion.IngestAsync([Event("c1", "profile_update", ids: ("user_id", "copy")) with { Properties = new EventProperties().Set("country", "GB") }]);
        var before = await host.ProfileAsync("user_id:copy");
        var attributes = before.Attributes.Count;
        var identifiers = before.Identifiers.Sum(p => p.Value.Count);
        await host.Ingestion.IngestAsync([Event("c2", "profile_update", "2026-11-20T10:00:00Z", "web", ("user_id", "copy"), ("email", "copy@example.com")) with { Properties = new EventProperties().Set("city", "Leeds") }]);
        Assert.Equal(attributes, before.Attributes.Count);
        Assert.Equal(identifiers, before.Identifiers.Sum(p => p.Value.Count));
        before.Attributes.Clear(); // a caller changing its answer changes nothing in the grain
        var after = await host.ProfileAsync("user_id:copy");
        Assert.Equal(attributes + 1, after.Attributes.Count);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_refused_with_Orleans_inconsistent_state()
    {
        var storage = new InMemoryStorageProvider();
        await storage.InitializeAsync();
        var provider = new EngineGrainStorage(storage);
        var id = GrainId.Create("customer", "stale-1");
        var first = new TestState<CustomerGrainState> { State = new CustomerGrainState { JournalSequence = 1 } };
        await provider.WriteStateAsync("customer", id, first);
        var loser = new TestState<CustomerGrainState>();
        await provider.ReadStateAsync("customer", id, loser);
        first.State.JournalSequence = 2;
        await provider.WriteStateAsync("customer", id, first); // the winner writes on
        loser.State.JournalSequence = 99;
        await Assert.ThrowsAsync<Orleans.Storage.InconsistentStateException>(() => provider.WriteStateAsync("customer", id, loser));
        var check = new TestState<CustomerGrainState>();
        await provider.ReadStateAsync("customer", id, check);
        Assert.Equal(2, check.State.JournalSequence); // the stale activation's write was not applied
    }

    [Fact]
    public async Task Messages_between_grains_survive_serialisation_for_another_silo()
    {
        await using var host = await StartAsync(new InMemoryStorageProvider());
        var ingested = await host.Ingestion.IngestAsync([.. Enumerable.Range(0, 8).Select(i => Event("w" + i, i % 3 == 0 ? "purchase" : "product_view", ids: ("user_id", "wire")) with { Properties = new EventProperties().Set("amount", 12.5m).Set("currency", "GBP").Set("category", "shoes") })]);
        Assert.All(ingested.Items, i => Assert.True(i.Status == IngestStatus.Accepted, string.Join("; ", i.Errors.Select(e => e.Field + ": " + e.Message))));
        var profileId = (await host.Directory.ResolveAsync("user_id:wire")).ProfileId!;
        var serializer = host.Services<Serializer>();
        T RoundTrip<T>(T value) => serializer.Deserialize<T>(serializer.SerializeToArray(value))!;

        var view = (await host.Customers.GetProfileAsync(profileId))!;
        var copy = RoundTrip(view);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(view), System.Text.Json.JsonSerializer.Serialize(copy));
        var export = (await host.Customers.ExportAsync(profileId))!;
        var exported = RoundTrip(export);
        Assert.Equal(export.Events.Select(e => (e.EventId, e.Amount)), exported.Events.Select(e => (e.EventId, e.Amount)));
        Assert.Equal(export.Profile.EventCount, exported.Profile.EventCount);
        var decision = await host.Grains.GetGrain<ICustomerGrain>(profileId).DecideAsync(new DecideInput("dec_wire", "web", "home", 3));
        Assert.Equal(decision.DecisionId, RoundTrip(decision).DecisionId);
        var reply = RoundTrip(new IngestReply([EventOutcome.Applied, EventOutcome.Duplicate], [new PersonalizationEngine.Domain.Segments.SegmentChange("vip", true, DateTimeOffset.UnixEpoch)]));
        Assert.Equal([EventOutcome.Applied, EventOutcome.Duplicate], reply.Outcomes);
        Assert.Equal("vip", reply.SegmentChanges.Single().SegmentId);
    }

    private static CustomerEvent Standard(string id, string profileId) => new()
    {
        EventId = id,
        Identifiers = new Dictionary<string, string>(),
        Type = "page_view",
        Timestamp = DateTimeOffset.UtcNow,
        ReceivedAt = DateTimeOffset.UtcNow,
    };

    private sealed class TestState<T> : IGrainState<T>
        where T : class, new()
    {
        private T _state = new();

        [System.Diagnostics.CodeAnalysis.AllowNull]
        public T State { get => _state; set => _state = value ?? new(); }
        public string? ETag { get; set; }
        public bool RecordExists { get; set; }
    }
}
