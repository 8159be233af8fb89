using Microsoft.Data.Sqlite;

namespace PersonalizationEngine.Storage.Sqlite;

/// <summary>Reminders; times stored as Unix milliseconds UTC. Writes are group-committed (<see cref="SqliteWriteBatcher"/>).</summary>
internal sealed class SqliteReminderStore(SqliteConnectionFactory connections, SqliteWriteBatcher batcher) : IReminderStore
{
    public async Task UpsertAsync(ReminderEntry reminder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        await batcher.ExecuteAsync("""
            INSERT INTO reminders (grain_type, grain_key, name, due_at, period_ms) VALUES ($type, $key, $name, $due, $period)
            ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period_ms = excluded.period_ms
            """, p =>
        {
            p.AddWithValue("$type", reminder.GrainType);
            p.AddWithValue("$key", reminder.Key);
            p.AddWithValue("$name", reminder.Name);
            p.AddWithValue("$due", reminder.DueAt.ToUnixTimeMilliseconds());
            p.AddWithValue("$period", (long)reminder.Period.TotalMilliseconds);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string grainType, string key, string name, CancellationToken cancellationToken = default) =>
        await batcher.ExecuteAsync("DELETE FROM reminders WHERE grain_type = $type AND grain_key = $key AND name = $name", p =>
        {
            p.AddWithValue("$type", grainType);
            p.AddWithValue("$key", key);
            p.AddWithValue("$name", name);
        }, cancellationToken).ConfigureAwait(false) > 0;

    public async Task<bool> TryClaimAsync(ReminderEntry due, DateTimeOffset? nextDueAt, CancellationToken cancellationToken = default) =>
        await batcher.ExecuteAsync(nextDueAt is null
            ? "DELETE FROM reminders WHERE grain_type = $type AND grain_key = $key AND name = $name AND due_at = $due"
            : "UPDATE reminders SET due_at = $next WHERE grain_type = $type AND grain_key = $key AND name = $name AND due_at = $due", p =>
        {
            p.AddWithValue("$type", due.GrainType);
            p.AddWithValue("$key", due.Key);
            p.AddWithValue("$name", due.Name);
            p.AddWithValue("$due", due.DueAt.ToUnixTimeMilliseconds());
            if (nextDueAt is { } next) p.AddWithValue("$next", next.ToUnixTimeMilliseconds());
        }, cancellationToken).ConfigureAwait(false) == 1;

    public async Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset until, int limit = int.MaxValue, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT grain_type, grain_key, name, due_at, period_ms FROM reminders WHERE due_at <= $until ORDER BY due_at LIMIT $limit";
        command.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadAsync(string grainType, string key, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT grain_type, grain_key, name, due_at, period_ms FROM reminders WHERE grain_type = $type AND grain_key = $key ORDER BY name";
        command.Parameters.AddWithValue("$type", grainType);
        command.Parameters.AddWithValue("$key", key);
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var result = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new ReminderEntry(
                reader.GetString(0), reader.GetString(1), reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), TimeSpan.FromMilliseconds(reader.GetInt64(4))));
        }

        return result;
    }
}
