using PersonalizationEngine.Contracts;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Storage.InMemory;
using static PersonalizationEngine.Grains.Tests.EngineHost;

namespace PersonalizationEngine.Grains.Tests;

/// <summary>Issue 19: what a customer grain tells the console, on the TestingHost with the journal compacting all along.</summary>
public sealed class ConsoleGrainTests
{
    [Fact]
    public async Task Merges_and_unmerges_show_in_the_identity_graph_and_moved_events_in_the_timeline()
    {
        await using var host = await StartAsync(new InMemoryStorageProvider(), snapshotEvery: 2);
        var console = new CustomerConsole(host.Grains);
        await host.Ingestion.IngestAsync([Event("w1", "page_view", "2026-11-20T10:00:00Z", "web", ("anonymous_id", "tablet-9"))]);
        await host.Ingestion.IngestAsync([Event("m1", "email_open", "2026-11-20T11:00:00Z", "email", ("email", "erin@example.com"))]);
        var tabletBefore = (await host.ProfileAsync("anonymous_id:tablet-9")).ProfileId;
        await host.Ingestion.IngestAsync([Event("l1", "login", "2026-11-20T12:00:00Z", "web", ("anonymous_id", "tablet-9"), ("email", "erin@example.com"))]);
        var merged = (await host.ProfileAsync("email:erin@example.com")).ProfileId;
        var absorbed = merged == tabletBefore ? null : tabletBefore;

        var timeline = (await console.TimelineAsync(merged, 0, 10))!;
        Assert.Equal(["l1", "m1", "w1"], timeline.Events.Select(e => e.EventId));
        Assert.Equal(3, timeline.EventCount);
        var graph = (await console.IdentityGraphAsync(merged))!;
        var email = graph.Identifiers.Single(i => i.Type == "email");
        Assert.Equal("e***@example.com", email.Value);
        Assert.Equal(("email", DateTimeOffset.Parse("2026-11-20T11:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), (email.Source, email.LinkedAt!.Value));
        Assert.Equal(2, email.Events);
        var merge = Assert.Single(graph.Changes);
        Assert.Equal("merged", merge.Kind);
        if (absorbed is not null)
        {
            Assert.Equal(absorbed, merge.ProfileId);
            Assert.All(timeline.Events.Where(e => e.EventId != "l1" && e.MovedFrom is not null), e => Assert.Equal(absorbed, e.MovedFrom));
        }

        var split = await host.Customers.UnmergeAsync(merged, new HashSet<string> { "anonymous_id:tablet-9" });
        var erin = (await console.IdentityGraphAsync(merged))!;
        Assert.Contains(erin.Changes, c => c.Kind == "split-off" && c.ProfileId == split!.Value.NewProfileId);
        Assert.DoesNotContain(erin.Identifiers, i => i.Type == "anonymous_id");
        var tablet = (await console.IdentityGraphAsync(split!.Value.NewProfileId))!;
        Assert.Contains(tablet.Changes, c => c.Kind == "split-from");
        Assert.Equal(["l1", "w1"], (await console.TimelineAsync(split.Value.NewProfileId, 0, 10))!.Events.Select(e => e.EventId));
        Assert.Null(await console.TimelineAsync("no-such-profile", 0, 10));
    }

    [Fact]
    public async Task A_customer_remembers_its_last_five_decisions_and_segment_entry_times_survive_reactivation()
    {
        var now = DateTimeOffset.Parse("2026-11-20T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await using var host = await StartAsync(new InMemoryStorageProvider(), snapshotEvery: 1, time: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now));
        var console = new CustomerConsole(host.Grains);
        await host.Services<PersonalizationEngine.Grains.Catalog.EngineSettings>().Segments.UpsertAsync(new PersonalizationEngine.Grains.Catalog.SegmentRecord(
            "visitors", "Visitors", null, System.Text.Json.JsonDocument.Parse("""{"feature":"event_count","op":">=","value":1}""").RootElement), CancellationToken.None);
        await host.Ingestion.IngestAsync([Event("p1", "page_view", "2026-11-20T11:00:00Z", "web", ("user_id", "dora"))]);
        var id = (await host.ProfileAsync("user_id:dora")).ProfileId;
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var input = new DecideInput($"dec-console-{i}", "email", "inbox", 3);
            ids.Add((await host.Grains.GetGrain<ICustomerGrain>(id).DecideAsync(input)).DecisionId);
        }
        var activity = (await console.ActivityAsync(id))!;
        Assert.Equal(ids.Skip(2).Reverse(), activity.Decisions.Select(d => d.DecisionId));
        Assert.All(activity.Decisions, d => Assert.Equal(("email", "inbox"), (d.Channel, d.Placement)));

        var segments = activity.Segments;
        Assert.Equal(now, segments.Single(s => s.SegmentId == "visitors").EnteredAt);
        await host.CollectIdleAsync();
        var again = (await console.ActivityAsync(id))!;
        Assert.Equal(segments, again.Segments); // kept in the snapshot
        Assert.Empty(again.Decisions); // decisions are remembered in memory only
    }
}
