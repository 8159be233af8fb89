using PersonalizationEngine.Actors.Testing;
using PersonalizationEngine.Actors.Tests.Grains;
using PersonalizationEngine.Storage.InMemory;

namespace PersonalizationEngine.Actors.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task A_reactivated_grain_keeps_its_state_and_the_version_increments()
    {
        var storage = new InMemoryStorageProvider();
        await using var host = await TestActorHost.StartAsync(b => b.AddGrain<CounterGrain>(), storage);
        var grain = host.GetGrain<CounterGrain>("c1");

        await grain.InvokeAsync(static g => g.Increment());
        await grain.InvokeAsync(static g => g.Increment());
        await grain.InvokeAsync(static g => { g.Deactivate(); return 0; });
        await host.System.WaitForIdleAsync();
        Assert.False(host.System.IsActive<CounterGrain>("c1"));
        var v1 = (await storage.States.ReadAsync("counter", "c1"))!.Version;

        var (count, version) = await grain.InvokeAsync(static g => (g.Get(), g.StateVersion));
        Assert.Equal(2, count);
        Assert.Equal(v1, version);

        await grain.InvokeAsync(static g => g.Increment());
        await grain.CallAsync(static g => g.SaveAsync());
        Assert.Equal(v1 + 1, await grain.InvokeAsync(static g => g.StateVersion));
        Assert.Equal(2, host.System.GetStatistics().ActivationsCreated);
    }

    [Fact]
    public async Task Idle_grain_is_collected_after_the_idle_timeout_and_its_dirty_state_written()
    {
        var storage = new InMemoryStorageProvider();
        await using var host = await TestActorHost.StartAsync(
            b => b.AddGrain<CounterGrain>().Configure(o => o.IdleTimeout = TimeSpan.FromMinutes(15)), storage);
        var grain = host.GetGrain<CounterGrain>("idle");
        await grain.InvokeAsync(static g => g.Increment());

        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(14));
        Assert.True(host.System.IsActive<CounterGrain>("idle"));
        Assert.Null(await storage.States.ReadAsync("counter", "idle"));

        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(2));
        Assert.False(host.System.IsActive<CounterGrain>("idle"));
        Assert.NotNull(await storage.States.ReadAsync("counter", "idle"));
        Assert.Equal(1, host.System.GetStatistics().ActivationsCollected);
        Assert.Equal(1, await grain.InvokeAsync(static g => g.Get()));
    }

    [Fact]
    public async Task Above_max_activations_the_least_recently_used_is_shed_and_written_back()
    {
        var storage = new InMemoryStorageProvider();
        await using var host = await TestActorHost.StartAsync(
            b => b.AddGrain<CounterGrain>().Configure(o => o.MaxActivations = 3), storage);

        foreach (var key in new[] { "a", "b", "c" })
        {
            await host.GetGrain<CounterGrain>(key).InvokeAsync(static g => g.Increment());
            await host.AdvanceTimeAsync(TimeSpan.FromSeconds(1));
        }

        await host.GetGrain<CounterGrain>("a").InvokeAsync(static g => g.Increment());
        await host.AdvanceTimeAsync(TimeSpan.FromSeconds(1));
        await host.GetGrain<CounterGrain>("d").InvokeAsync(static g => g.Increment());
        Assert.Equal(4, host.System.ActivationCount);

        await host.CollectAsync();

        Assert.Equal(3, host.System.ActivationCount);
        Assert.False(host.System.IsActive<CounterGrain>("b"));
        Assert.True(host.System.IsActive<CounterGrain>("a"));
        Assert.True(host.System.IsActive<CounterGrain>("c"));
        Assert.True(host.System.IsActive<CounterGrain>("d"));
        Assert.NotNull(await storage.States.ReadAsync("counter", "b"));
        Assert.Equal(1, host.System.GetStatistics().ActivationsShed);
    }

    [Fact]
    public async Task Write_behind_persists_dirty_state_while_the_grain_stays_active()
    {
        var storage = new InMemoryStorageProvider();
        await using var host = await TestActorHost.StartAsync(
            b => b.AddGrain<CounterGrain>().Configure(o => o.WriteBehindInterval = TimeSpan.FromSeconds(30)), storage);
        await host.GetGrain<CounterGrain>("wb").InvokeAsync(static g => g.Increment());

        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1));

        Assert.True(host.System.IsActive<CounterGrain>("wb"));
        Assert.Equal(1, (await storage.States.ReadAsync("counter", "wb"))!.Version);
    }

    [Fact]
    public async Task Stop_persists_every_dirty_grain_and_refuses_later_calls()
    {
        var storage = new InMemoryStorageProvider();
        var host = await TestActorHost.StartAsync(b => b.AddGrain<CounterGrain>(), storage);
        for (var i = 0; i < 100; i++)
        {
            var grain = host.GetGrain<CounterGrain>("s" + i);
            await grain.InvokeAsync(static g => g.Increment());
            await grain.InvokeAsync(static g => g.Increment());
        }

        Assert.Equal(0, storage.States.Count);
        await host.StopAsync();

        Assert.Equal(100, storage.States.Count);
        Assert.Equal(0, host.System.ActivationCount);
        await Assert.ThrowsAsync<ActorSystemStoppingException>(() => host.GetGrain<CounterGrain>("s1").InvokeAsync(static g => g.Get()).AsTask());
        await Assert.ThrowsAsync<ActorSystemStoppingException>(() => host.GetGrain<CounterGrain>("s1").CallAsync(static g => g.SaveAsync()));
        await host.DisposeAsync();

        await using var restarted = await TestActorHost.StartAsync(b => b.AddGrain<CounterGrain>(), storage);
        Assert.Equal(2, await restarted.GetGrain<CounterGrain>("s42").InvokeAsync(static g => g.Get()));
    }
}
