using System.Collections.Concurrent;

namespace PersonalizationEngine.Actors.Tests.Grains;

[GrainType("reminder-test")]
public sealed class ReminderGrain : Grain, IRemindable
{
    public static ConcurrentDictionary<string, int> Fired { get; } = new();

    public Task StartAsync() => RegisterOrUpdateReminderAsync("wake", TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));

    public Task StopAsync() => UnregisterReminderAsync("wake");

    public void Deactivate() => DeactivateOnIdle();

    public Task ReceiveReminderAsync(string reminderName, CancellationToken cancellationToken)
    {
        Fired.AddOrUpdate(Key + ":" + reminderName, 1, static (_, n) => n + 1);
        return Task.CompletedTask;
    }
}
