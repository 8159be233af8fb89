namespace PersonalizationEngine.Storage;

/// <summary>A durable reminder: fires at <see cref="DueAt"/>, then every <see cref="Period"/> (zero = once).</summary>
public sealed record ReminderEntry(string GrainType, string Key, string Name, DateTimeOffset DueAt, TimeSpan Period);

/// <summary>Durable reminders survive deactivation and restart (Orleans' reminder table).</summary>
public interface IReminderStore
{
    Task UpsertAsync(ReminderEntry reminder, CancellationToken cancellationToken = default);

    Task<bool> DeleteAsync(string grainType, string key, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims a due reminder for delivery (compare-and-set, so every node of a cluster may poll and exactly one delivers
    /// each tick): moves it to <paramref name="nextDueAt"/>, or deletes it when that is null, only if it is still due at
    /// <paramref name="due"/>'s time; false when another poller claimed (or someone changed) it first.
    /// </summary>
    Task<bool> TryClaimAsync(ReminderEntry due, DateTimeOffset? nextDueAt, CancellationToken cancellationToken = default);

    /// <summary>Reminders with <see cref="ReminderEntry.DueAt"/> at or before <paramref name="until"/>, earliest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset until, int limit = int.MaxValue, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ReminderEntry>> ReadAsync(string grainType, string key, CancellationToken cancellationToken = default);
}
