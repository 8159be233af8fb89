namespace PersonalizationEngine.Storage.InMemory;

/// <summary>
/// A process-local storage provider with the same contract as the durable ones (versions, journal
/// sequences, reminders). For tests and benchmarks of code above storage; it forgets everything on exit.
/// </summary>
public sealed class InMemoryStorageProvider : IStorageProvider
{
    public string Name => "memory";

    public InMemoryGrainStateStore States { get; } = new();

    public InMemoryEventJournal Journal { get; } = new();

    public InMemoryReminderStore Reminders { get; } = new();

    IGrainStateStore IStorageProvider.States => States;

    IEventJournal IStorageProvider.Journal => Journal;

    IReminderStore IStorageProvider.Reminders => Reminders;

    public Task<long> ClaimWriterAsync(string grainType, string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(Journal.Claim(key, () => States.BumpVersion(grainType, key)));

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
