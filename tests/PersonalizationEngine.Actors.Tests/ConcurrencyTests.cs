using PersonalizationEngine.Actors.Testing;
using PersonalizationEngine.Actors.Tests.Grains;

namespace PersonalizationEngine.Actors.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Million_messages_to_a_thousand_grains_are_all_applied_in_per_sender_order()
    {
        const int grains = 1_000;
        const int senders = 8;
        const int perSender = 125_000;
        const int window = 5_000;
        await using var host = await TestActorHost.StartAsync(b => b
            .AddGrain<SequenceGrain>()
            .Configure(o => o.MailboxCapacity = 100_000));

        var refs = Enumerable.Range(0, grains).Select(i => host.GetGrain<SequenceGrain>("g" + i)).ToArray();
        var tasks = Enumerable.Range(0, senders).Select(sender => Task.Run(async () =>
        {
            // Calls inside a window are not awaited one by one, so they really queue and could reorder;
            // half the senders use the async path, half the synchronous fast path.
            var pending = new List<Task>(window);
            for (var i = 0; i < perSender; i++)
            {
                var target = refs[i % grains];
                var msg = (sender, (long)i);
                if (sender % 2 == 0)
                {
                    pending.Add(target.InvokeAsync(msg, static (g, m) => g.Record(m.sender, m.Item2)).AsTask());
                }
                else
                {
                    pending.Add(target.CallAsync(g => Task.FromResult(g.Record(msg.sender, msg.Item2))));
                }

                if (pending.Count == window)
                {
                    await Task.WhenAll(pending);
                    pending.Clear();
                }
            }

            await Task.WhenAll(pending);
        })).ToArray();
        await Task.WhenAll(tasks);

        long total = 0;
        foreach (var r in refs)
        {
            var (count, violations) = await r.InvokeAsync(static g => (g.Count, g.OrderViolations));
            Assert.Equal(senders * perSender / grains, count);
            Assert.Equal(0, violations);
            total += count;
        }

        Assert.Equal(1_000_000, total);
        Assert.Equal(grains, host.System.ActivationCount);
    }

    [Fact]
    public async Task A_grain_method_never_runs_concurrently_with_itself()
    {
        await using var host = await TestActorHost.StartAsync(b => b.AddGrain<OverlapGrain>());
        var grain = host.GetGrain<OverlapGrain>("one");
        await grain.CallAsync(static g => g.WorkAsync());

        // Activated first, so the burst meets a live grain: inline attempts, queued calls and the runner all race.
        var calls = Enumerable.Range(0, 50)
            .Select(i => i % 2 == 0 ? grain.CallAsync(static g => g.WorkAsync()) : Task.Run(() => grain.CallAsync(static g => g.WorkAsync())))
            .ToArray();
        var results = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(2, 50), results.Order());
        Assert.Equal(0, await grain.InvokeAsync(static g => g.Overlaps));
        Assert.Equal(51, await grain.InvokeAsync(static g => g.Completed));
    }

    [Fact]
    public async Task Only_one_activation_exists_per_key_under_racing_first_calls()
    {
        await using var host = await TestActorHost.StartAsync(b => b.AddGrain<CounterGrain>());
        var calls = Enumerable.Range(0, 200).Select(_ => Task.Run(() => host.GetGrain<CounterGrain>("race").CallAsync(g => Task.FromResult(g.Increment())))).ToArray();
        var results = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), results.Order());
        Assert.Equal(1, host.System.GetStatistics().ActivationsCreated);
    }

    [Fact]
    public async Task Calls_queued_while_a_grain_deactivates_move_to_the_next_activation_in_order_with_state()
    {
        const int senders = 4;
        const int perSender = 5_000;
        await using var host = await TestActorHost.StartAsync(b => b.AddGrain<RestlessGrain>().Configure(o => o.MailboxCapacity = 10_000));
        var grain = host.GetGrain<RestlessGrain>("restless");

        await Task.WhenAll(Enumerable.Range(0, senders).Select(sender => Task.Run(async () =>
        {
            var pending = new List<Task>(500);
            for (var i = 0; i < perSender; i++)
            {
                pending.Add(grain.InvokeAsync((sender, (long)i), static (g, m) => g.Record(m.sender, m.Item2)).AsTask());
                if (pending.Count == 500)
                {
                    await Task.WhenAll(pending);
                    pending.Clear();
                }
            }

            await Task.WhenAll(pending);
        })));

        var (count, violations) = await grain.InvokeAsync(static g => g.Read());
        Assert.Equal(senders * perSender, count);
        Assert.Equal(0, violations);
        Assert.True(host.System.GetStatistics().ActivationsCreated > 10);
    }
}
