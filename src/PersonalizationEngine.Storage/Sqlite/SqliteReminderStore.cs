using Microsoft.Data.Sqlite;

namespace PersonalizationEngine.Storage.Sqlite;

/// <summary>Reminders; times stored as Unix milliseconds UTC.</summary>
internal sealed class SqliteReminderStore(SqliteConnectionFactory connections) : IReminderStore
{
    public async Task UpsertAsync(ReminderEntry reminder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO reminders (grain_type, grain_key, name, due_at, period_ms) VALUES ($type, $key, $name, $due, $period)
            ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period_ms = excluded.period_ms
            """;
        command.Parameters.AddWithValue("$type", reminder.GrainType);
        command.Parameters.AddWithValue("$key", reminder.Key);
        command.Parameters.AddWithValue("$name", reminder.Name);
        command.Parameters.AddWithValue("$due", reminder.DueAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$period", (long)reminder.Period.TotalMilliseconds);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string grainType, string key, string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM reminders WHERE grain_type = $type AND grain_key = $key AND name = $name";
        command.Parameters.AddWithValue("$type", grainType);
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$name", name);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<bool> TryClaimAsync(ReminderEntry due, DateTimeOffset? nextDueAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = nextDueAt is null
            ? "DELETE FROM reminders WHERE grain_type = $type AND grain_key = $key AND name = $name AND due_at = $due"
            : "UPDATE reminders SET due_at = $next WHERE grain_type = $type AND grain_key = $key AND name = $name AND due_at = $due";
        command.Parameters.AddWithValue("$type", due.GrainType);
        command.Parameters.AddWithValue("$key", due.Key);
        command.Parameters.AddWithValue("$name", due.Name);
        command.Parameters.AddWithValue("$due", due.DueAt.ToUnixTimeMilliseconds());
        if (nextDueAt is { } next) command.Parameters.AddWithValue("$next", next.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

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
