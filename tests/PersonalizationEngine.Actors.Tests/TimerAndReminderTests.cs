using PersonalizationEngine.Actors.Testing;
using PersonalizationEngine.Actors.Tests.Grains;
using PersonalizationEngine.Storage.InMemory;

namespace PersonalizationEngine.Actors.Tests;

public sealed class TimerAndReminderTests
{
    [Fact]
    public async Task Timers_fire_as_turns_only_while_the_grain_is_active()
    {
        await using var host = await TestActorHost.StartAsync(b => b.AddGrain<TimerGrain>());
        var key = Guid.NewGuid().ToString();
        var grain = host.GetGrain<TimerGrain>(key);
        await grain.InvokeAsync(static g => g.Touch());

        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(1, TimerGrain.Ticks.GetValueOrDefault(key));
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(2, TimerGrain.Ticks.GetValueOrDefault(key));

        await grain.InvokeAsync(static g => { g.Deactivate(); return 0; });
        await host.System.WaitForIdleAsync();
        Assert.False(host.System.IsActive<TimerGrain>(key));

        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(2, TimerGrain.Ticks.GetValueOrDefault(key));
    }

    [Fact]
    public async Task Reminders_survive_deactivation_and_a_full_restart_and_activate_the_grain()
    {
        var storage = new InMemoryStorageProvider();
        var key = Guid.NewGuid().ToString();
        var fired = key + ":wake";

        await using (var host = await TestActorHost.StartAsync(b => b.AddGrain<ReminderGrain>(), storage))
        {
            var grain = host.GetGrain<ReminderGrain>(key);
            await grain.CallAsync(static g => g.StartAsync());
            await grain.InvokeAsync(static g => { g.Deactivate(); return 0; });
            await host.System.WaitForIdleAsync();
            Assert.False(host.System.IsActive<ReminderGrain>(key));

            await host.AdvanceTimeAsync(TimeSpan.FromMinutes(4));
            Assert.Equal(0, ReminderGrain.Fired.GetValueOrDefault(fired));

            await host.AdvanceTimeAsync(TimeSpan.FromMinutes(2));
            Assert.Equal(1, ReminderGrain.Fired.GetValueOrDefault(fired));
            Assert.True(host.System.IsActive<ReminderGrain>(key));
        }

        // A new system on the same storage: the reminder (next due at +15 min) wakes the grain again.
        await using (var restarted = await TestActorHost.StartAsync(b => b.AddGrain<ReminderGrain>(), storage))
        {
            Assert.False(restarted.System.IsActive<ReminderGrain>(key));
            await restarted.AdvanceTimeAsync(TimeSpan.FromMinutes(16));
            Assert.Equal(2, ReminderGrain.Fired.GetValueOrDefault(fired));
            Assert.True(restarted.System.IsActive<ReminderGrain>(key));

            await restarted.GetGrain<ReminderGrain>(key).CallAsync(static g => g.StopAsync());
            await restarted.AdvanceTimeAsync(TimeSpan.FromMinutes(30));
            Assert.Equal(2, ReminderGrain.Fired.GetValueOrDefault(fired));
        }
    }

    [Fact]
    public async Task A_poll_delivers_at_most_MaxRemindersPerPoll_earliest_first_and_the_rest_follow()
    {
        var storage = new InMemoryStorageProvider();
        var keys = Enumerable.Range(0, 25).Select(i => $"burst-{Guid.NewGuid():N}-{i}").ToList();
        await using var host = await TestActorHost.StartAsync(b => b.AddGrain<ReminderGrain>().Configure(o => o.MaxRemindersPerPoll = 10), storage);
        foreach (var key in keys)
        {
            await host.GetGrain<ReminderGrain>(key).CallAsync(static g => g.StartAsync()); // due in 5 min, every 10
        }
        int FiredCount() => keys.Count(k => ReminderGrain.Fired.GetValueOrDefault(k + ":wake") > 0);

        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(6)); // all 25 due; one poll delivers 10
        Assert.Equal(10, FiredCount());
        await host.System.PollRemindersAsync();
        await host.System.WaitForIdleAsync();
        Assert.Equal(20, FiredCount());
        await host.System.PollRemindersAsync();
        await host.System.WaitForIdleAsync();
        Assert.Equal(25, FiredCount());
        Assert.All(keys, k => Assert.Equal(1, ReminderGrain.Fired[k + ":wake"])); // each once: advanced before delivery
    }
}
