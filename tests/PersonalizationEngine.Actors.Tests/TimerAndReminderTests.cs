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
}
