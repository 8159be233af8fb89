using PersonalizationEngine.Storage.InMemory;
using static PersonalizationEngine.Grains.Tests.EngineHost;

namespace PersonalizationEngine.Grains.Tests;

public sealed class UnmergeTests
{
    [Fact]
    public async Task Three_channels_merge_into_one_profile_and_unmerge_restores_both_sides()
    {
        await using var host = await StartAsync(new InMemoryStorageProvider());
        await host.Ingestion.IngestAsync([Event("web1", "page_view", channel: "web", ids: ("anonymous_id", "shared-tablet"))]);
        await host.Ingestion.IngestAsync([Event("store1", "purchase", channel: "store", ids: ("loyalty_id", "L-1"))]);
        await host.Ingestion.IngestAsync([Event("mail1", "email_open", channel: "email", ids: ("email", "erin@example.com"))]);
        // A login on the shared tablet links the web visitor to Erin's loyalty card and e-mail.
        await host.Ingestion.IngestAsync([Event("link1", "login", channel: "web", ids: [("anonymous_id", "shared-tablet"), ("loyalty_id", "L-1"), ("email", "erin@example.com")])]);
        var merged = await host.ProfileAsync("email:erin@example.com");
        Assert.Equal(4, merged.EventCount);
        Assert.Equal(merged.ProfileId, (await host.ProfileAsync("loyalty_id:L-1")).ProfileId);
        Assert.Equal(merged.ProfileId, (await host.ProfileAsync("anonymous_id:shared-tablet")).ProfileId);

        // The tablet was someone else's: split it off with the events only it carried.
        var split = await host.Customers.UnmergeAsync(merged.ProfileId, new HashSet<string> { "anonymous_id:shared-tablet" });
        Assert.NotNull(split);
        Assert.True(split.Value.Exact);
        var erin = await host.ProfileAsync("email:erin@example.com");
        var tablet = await host.ProfileAsync("anonymous_id:shared-tablet");
        Assert.NotEqual(erin.ProfileId, tablet.ProfileId);
        Assert.Equal(split.Value.NewProfileId, tablet.ProfileId);
        // web1 and link1 carried the tablet id; store1 and mail1 stay with Erin.
        Assert.Equal(2, tablet.EventCount);
        Assert.Equal(2, erin.EventCount);
        Assert.False(erin.Identifiers.ContainsKey("anonymous_id"));
        Assert.Equal(["anonymous_id"], tablet.Identifiers.Keys);
        Assert.Equal(erin.ProfileId, (await host.ProfileAsync("loyalty_id:L-1")).ProfileId);
    }
}
