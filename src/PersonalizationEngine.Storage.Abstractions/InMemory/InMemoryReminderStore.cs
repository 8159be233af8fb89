using System.Collections.Concurrent;

namespace PersonalizationEngine.Storage.InMemory;

public sealed class InMemoryReminderStore : IReminderStore
{
    private readonly ConcurrentDictionary<(string Type, string Key, string Name), ReminderEntry> _reminders = new();

    public Task UpsertAsync(ReminderEntry reminder, CancellationToken cancellationToken = default)
    {
        _reminders[(reminder.GrainType, reminder.Key, reminder.Name)] = reminder;
        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string grainType, string key, string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(_reminders.TryRemove((grainType, key, name), out _));

    public Task<bool> TryClaimAsync(ReminderEntry due, DateTimeOffset? nextDueAt, CancellationToken cancellationToken = default)
    {
        var id = (due.GrainType, due.Key, due.Name);
        if (!_reminders.TryGetValue(id, out var current) || current.DueAt != due.DueAt) return Task.FromResult(false);
        var claimed = nextDueAt is { } next
            ? _reminders.TryUpdate(id, current with { DueAt = next }, current)
            : ((ICollection<KeyValuePair<(string, string, string), ReminderEntry>>)_reminders).Remove(new(id, current));
        return Task.FromResult(claimed);
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset until, int limit = int.MaxValue, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ReminderEntry>>(_reminders.Values.Where(r => r.DueAt <= until).OrderBy(r => r.DueAt).Take(limit).ToList());

    public Task<IReadOnlyList<ReminderEntry>> ReadAsync(string grainType, string key, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ReminderEntry>>(_reminders.Values.Where(r => r.GrainType == grainType && r.Key == key).ToList());
}
