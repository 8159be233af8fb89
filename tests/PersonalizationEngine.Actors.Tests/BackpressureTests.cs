using PersonalizationEngine.Actors.Testing;
using PersonalizationEngine.Actors.Tests.Grains;

namespace PersonalizationEngine.Actors.Tests;

public sealed class BackpressureTests
{
    [Fact]
    public async Task A_full_mailbox_refuses_at_once_and_queued_calls_still_complete()
    {
        await using var host = await TestActorHost.StartAsync(b => b.AddGrain<BlockingGrain>().Configure(o => o.MailboxCapacity = 4));
        var grain = host.GetGrain<BlockingGrain>("busy");
        await grain.CallAsync(static g => g.NoopAsync());

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocked = grain.CallAsync(g => g.BlockAsync(gate.Task));
        var queued = Enumerable.Range(0, 4).Select(_ => grain.CallAsync(static g => g.NoopAsync())).ToArray();

        var refused = grain.CallAsync(static g => g.NoopAsync());

        // Refused before anything was unblocked: the task is already faulted when the call returns.
        Assert.True(refused.IsFaulted);
        var ex = await Assert.ThrowsAsync<MailboxFullException>(() => refused);
        Assert.Equal(nameof(BlockingGrain), ex.GrainType);
        Assert.Equal("busy", ex.Key);
        Assert.True(ex.RetryAfter > TimeSpan.Zero);
        Assert.False(ex.SystemWide);
        Assert.All(queued, t => Assert.False(t.IsCompleted));

        gate.SetResult();
        await blocked;
        var results = await Task.WhenAll(queued);
        Assert.Equal([3, 4, 5, 6], results);
        Assert.Equal(1, host.System.GetStatistics().Refusals);
    }

    [Fact]
    public async Task The_system_wide_queue_bound_refuses_with_a_typed_exception()
    {
        await using var host = await TestActorHost.StartAsync(b => b.AddGrain<BlockingGrain>().Configure(o => o.MaxQueuedMessages = 2));
        var grain = host.GetGrain<BlockingGrain>("busy");
        await grain.CallAsync(static g => g.NoopAsync());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocked = grain.CallAsync(g => g.BlockAsync(gate.Task));
        var queued = new[] { grain.CallAsync(static g => g.NoopAsync()), grain.CallAsync(static g => g.NoopAsync()) };

        var refused = host.GetGrain<BlockingGrain>("other").CallAsync(static g => g.NoopAsync());

        Assert.True(refused.IsFaulted);
        var ex = await Assert.ThrowsAsync<MailboxFullException>(() => refused);
        Assert.True(ex.SystemWide);
        gate.SetResult();
        await blocked;
        var results = await Task.WhenAll(queued);
        Assert.Equal([3, 4], results);
        Assert.Equal(1, await host.GetGrain<BlockingGrain>("other").CallAsync(static g => g.NoopAsync()));
    }
}
