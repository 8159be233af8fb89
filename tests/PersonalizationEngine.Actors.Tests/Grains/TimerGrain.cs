using System.Collections.Concurrent;

namespace PersonalizationEngine.Actors.Tests.Grains;

public sealed class TimerGrain : Grain
{
    /// <summary>Ticks per key, outside the grain so they can be read after it is gone.</summary>
    public static ConcurrentDictionary<string, int> Ticks { get; } = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        RegisterTimer(
            () =>
            {
                Ticks.AddOrUpdate(Key, 1, static (_, n) => n + 1);
                return Task.CompletedTask;
            },
            TimeSpan.FromMinutes(1),
            TimeSpan.FromMinutes(1));
        return Task.CompletedTask;
    }

    public bool Touch() => true;

    public void Deactivate() => DeactivateOnIdle();
}
