using Npgsql;

namespace PersonalizationEngine.Baselines.StatelessPg;

/// <summary>
/// One row per customer: an event counter, per-type counters in jsonb and the last channel. Every event is
/// an upsert and every query a SELECT, which is what a straightforward stateless service does.
/// </summary>
public sealed class CustomerStore(NpgsqlDataSource dataSource, StatelessPgOptions options)
{
    private readonly string _upsert = $"""
        INSERT INTO {options.Table} AS c (customer_ref, event_count, counters, last_channel, updated_at)
        VALUES ($1, 1, jsonb_build_object($2::text, 1), $3, now())
        ON CONFLICT (customer_ref) DO UPDATE SET
            event_count = c.event_count + 1,
            counters = c.counters || jsonb_build_object($2::text, coalesce((c.counters ->> $2::text)::bigint, 0) + 1),
            last_channel = excluded.last_channel,
            updated_at = now()
        """;

    private readonly string _select = $"SELECT event_count, counters::text, last_channel FROM {options.Table} WHERE customer_ref = $1";

    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            CREATE TABLE IF NOT EXISTS {options.Table} (
                customer_ref text PRIMARY KEY,
                event_count bigint NOT NULL,
                counters jsonb NOT NULL,
                last_channel text NOT NULL,
                updated_at timestamptz NOT NULL)
            """);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task ApplyAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        // Rows are locked in key order so two concurrent batches touching the same customers cannot deadlock.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var e in events.OrderBy(e => e.CustomerRef, StringComparer.Ordinal))
        {
            var command = new NpgsqlBatchCommand(_upsert);
            command.Parameters.Add(new NpgsqlParameter { Value = e.CustomerRef });
            command.Parameters.Add(new NpgsqlParameter { Value = e.Type });
            command.Parameters.Add(new NpgsqlParameter { Value = e.Channel });
            batch.BatchCommands.Add(command);
        }

        // A multi-statement batch runs in one implicit transaction: all events of the request or none.
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<CustomerRow?> FindAsync(string customerRef, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(_select);
        command.Parameters.Add(new NpgsqlParameter { Value = customerRef });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new CustomerRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2));
    }
}
