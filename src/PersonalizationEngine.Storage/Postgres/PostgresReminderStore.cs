using Npgsql;

namespace PersonalizationEngine.Storage.Postgres;

/// <summary>Reminder rows; upserts are group-committed with the grain state writes (a new customer registers one).</summary>
internal sealed class PostgresReminderStore(NpgsqlDataSource dataSource, string schema, PostgresWriteBatcher batcher) : IReminderStore
{
    private readonly string _upsert = $"""
        INSERT INTO {schema}.reminders (grain_type, grain_key, name, due_at, period_ms) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period_ms = excluded.period_ms
        """;

    private readonly string _delete = $"DELETE FROM {schema}.reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3";
    private readonly string _claimOnce = $"DELETE FROM {schema}.reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3 AND due_at = $4";
    private readonly string _claimNext = $"UPDATE {schema}.reminders SET due_at = $5 WHERE grain_type = $1 AND grain_key = $2 AND name = $3 AND due_at = $4";
    private readonly string _readDue = $"SELECT grain_type, grain_key, name, due_at, period_ms FROM {schema}.reminders WHERE due_at <= $1 ORDER BY due_at LIMIT $2";
    private readonly string _read = $"SELECT grain_type, grain_key, name, due_at, period_ms FROM {schema}.reminders WHERE grain_type = $1 AND grain_key = $2 ORDER BY name";

    public async Task UpsertAsync(ReminderEntry reminder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        await batcher.ExecuteAsync(_upsert, p =>
        {
            p.Add(new NpgsqlParameter<string> { TypedValue = reminder.GrainType });
            p.Add(new NpgsqlParameter<string> { TypedValue = reminder.Key });
            p.Add(new NpgsqlParameter<string> { TypedValue = reminder.Name });
            p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = reminder.DueAt.ToUniversalTime() });
            p.Add(new NpgsqlParameter<long> { TypedValue = (long)reminder.Period.TotalMilliseconds });
        }, "reminder\0" + reminder.GrainType + "\0" + reminder.Key + "\0" + reminder.Name, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string grainType, string key, string name, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(_delete);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<bool> TryClaimAsync(ReminderEntry due, DateTimeOffset? nextDueAt, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(nextDueAt is null ? _claimOnce : _claimNext);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = due.GrainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = due.Key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = due.Name });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = due.DueAt.ToUniversalTime() });
        if (nextDueAt is { } next) command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = next.ToUniversalTime() });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset until, int limit = int.MaxValue, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(_readDue);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = until.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = limit });
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadAsync(string grainType, string key, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(_read);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new ReminderEntry(
                reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3), TimeSpan.FromMilliseconds(reader.GetInt64(4))));
        }

        return result;
    }
}
