using Microsoft.Extensions.Time.Testing;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Storage.InMemory;

namespace PersonalizationEngine.Actors.Testing;

/// <summary>
/// The runtime for tests in one line (the role of Orleans' TestingHost), on a <see cref="FakeTimeProvider"/>:
/// <c>await using var host = await TestActorHost.StartAsync(b => b.AddGrain&lt;CounterGrain&gt;(), storage);</c>
/// Background housekeeping is off; <see cref="AdvanceTimeAsync"/> moves the clock, fires due grain timers, runs
/// collection and reminder polling, and returns once every resulting turn has finished.
/// </summary>
public sealed class TestActorHost : IAsyncDisposable
{
    private TestActorHost(ActorSystem system, FakeTimeProvider time, IStorageProvider storage)
    {
        System = system;
        Time = time;
        Storage = storage;
    }

    public ActorSystem System { get; }

    public FakeTimeProvider Time { get; }

    public IStorageProvider Storage { get; }

    public static async Task<TestActorHost> StartAsync(
        Action<ActorSystemBuilder> configure,
        IStorageProvider? storage = null,
        FakeTimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        storage ??= new InMemoryStorageProvider();
        time ??= new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var builder = new ActorSystemBuilder().UseStorage(storage).UseTimeProvider(time);
        configure(builder);
        builder.Options.BackgroundHousekeeping = false;
        var system = builder.Build();
        await system.StartAsync().ConfigureAwait(false);
        return new TestActorHost(system, time, storage);
    }

    public GrainReference<TGrain> GetGrain<TGrain>(string key)
        where TGrain : Grain => System.GetGrain<TGrain>(key);

    /// <summary>Advances fake time, then runs due timers, reminders and collection and waits for them.</summary>
    public async Task AdvanceTimeAsync(TimeSpan by)
    {
        Time.Advance(by);
        await System.WaitForIdleAsync().ConfigureAwait(false);
        await System.PollRemindersAsync().ConfigureAwait(false);
        await System.WaitForIdleAsync().ConfigureAwait(false);
        await System.CollectAsync().ConfigureAwait(false);
        await System.WaitForIdleAsync().ConfigureAwait(false);
    }

    /// <summary>Runs one collection pass (idle, shedding, write-behind) without moving time.</summary>
    public async Task CollectAsync()
    {
        await System.CollectAsync().ConfigureAwait(false);
        await System.WaitForIdleAsync().ConfigureAwait(false);
    }

    public Task StopAsync() => System.StopAsync();

    public ValueTask DisposeAsync() => System.DisposeAsync();
}
