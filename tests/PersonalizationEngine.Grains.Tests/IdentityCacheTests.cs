using PersonalizationEngine.Contracts;
using PersonalizationEngine.Grains.Decisioning;
using PersonalizationEngine.Grains.Identity;
using PersonalizationEngine.Grains.Protection;
using PersonalizationEngine.Storage.InMemory;
using static PersonalizationEngine.Grains.Tests.EngineHost;

namespace PersonalizationEngine.Grains.Tests;

/// <summary>
/// The node's identity cache makes a known customer cost one grain call; a stale entry (another node merged or erased
/// the profile) must never answer for the wrong profile.
/// </summary>
public sealed class IdentityCacheTests
{
    private static DecideInput Input() => new(DecisionService.NewDecisionId(), "web", "home", 3);

    [Fact]
    public async Task A_stale_link_to_a_merged_profile_is_noticed_and_the_survivor_answers()
    {
        await using var host = await StartAsync(new InMemoryStorageProvider());
        await host.Ingestion.IngestAsync([Event("a1", "page_view", ids: ("anonymous_id", "tab-1"))]);
        var loser = (await host.Directory.ResolveAsync("anonymous_id:tab-1")).ProfileId!;
        await host.Ingestion.IngestAsync([Event("u1", "purchase", ids: ("user_id", "kim")) with { Properties = new Domain.Events.EventProperties().Set("amount", 10m).Set("currency", "GBP") }]);
        await host.Ingestion.IngestAsync([Event("link", "login", "2026-11-20T10:00:00Z", "web", ("anonymous_id", "tab-1"), ("user_id", "kim"))]);
        var survivor = (await host.Directory.ResolveAsync("anonymous_id:tab-1")).ProfileId!;
        var merged = await host.Grains.GetGrain<ICustomerGrain>(loser).StatusAsync();
        var (gone, live) = merged.MergedInto is null ? (survivor, loser) : (loser, survivor);
        Assert.NotEqual(gone, live);

        // As another node would still have it: the identifier linked to the profile that was merged away.
        var hash = (await host.Services<EngineKeys>().HasherAsync()).Hash("anonymous_id", "tab-1");
        host.Services<IdentityCache>().Set(hash, gone);
        var view = await host.Services<DecisionService>().DecideForReferenceAsync("anonymous_id:tab-1", Input());
        Assert.Equal(live, view!.ProfileId);
        Assert.True(host.Services<IdentityCache>().TryGet(hash, out var now));
        Assert.Equal(live, now); // resolved again and remembered right

        // Ingestion through a stale link follows the merge too: the event lands in the live profile.
        host.Services<IdentityCache>().Set(hash, gone);
        var before = (await host.Customers.GetProfileAsync(live))!.EventCount;
        var r = await host.Ingestion.IngestAsync([Event("after", "page_view", ids: ("anonymous_id", "tab-1"))]);
        Assert.Equal(live, r.Items.Single().ProfileId);
        Assert.Equal(before + 1, (await host.Customers.GetProfileAsync(live))!.EventCount);
    }

    [Fact]
    public async Task A_stale_link_to_an_erased_profile_answers_as_no_such_customer()
    {
        await using var host = await StartAsync(new InMemoryStorageProvider());
        await host.Ingestion.IngestAsync([Event("e1", "page_view", ids: ("email", "gone@example.com"))]);
        var decisions = host.Services<DecisionService>();
        var first = await decisions.DecideForReferenceAsync("email:gone@example.com", Input());
        var id = first!.ProfileId!;
        var hash = (await host.Services<EngineKeys>().HasherAsync()).Hash("email", "gone@example.com");
        Assert.True(host.Services<IdentityCache>().TryGet(hash, out _)); // the second decision needs one grain call

        await host.Customers.EraseAsync(id);
        Assert.False(host.Services<IdentityCache>().TryGet(hash, out _)); // this node forgot it at once
        host.Services<IdentityCache>().Set(hash, id); // another node still remembers the erased profile
        Assert.Null(await decisions.DecideForReferenceAsync("email:gone@example.com", Input()));
        Assert.False(host.Services<IdentityCache>().TryGet(hash, out _));
    }
}
