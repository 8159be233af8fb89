using Npgsql;
using NpgsqlTypes;

namespace PersonalizationEngine.Baselines.NaiveLogger;

/// <summary>
/// PostgreSQL as a naive service uses it: a pooled connection per request, one transaction per request holding a
/// binary COPY of the request's rows, committed before the answer. Requests run concurrently, each its own commit.
/// </summary>
public sealed class PostgresEventLog(NpgsqlDataSource dataSource, string table) : IEventLog
{
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            CREATE TABLE IF NOT EXISTS {table} (
                event_id text NOT NULL,
                user_id text NOT NULL,
                type text NOT NULL,
                ts text,
                raw text NOT NULL)
            """);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task AppendAsync(IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var copy = await connection.BeginBinaryImportAsync($"COPY {table} (event_id, user_id, type, ts, raw) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            foreach (var e in events)
            {
                copy.StartRow();
                copy.Write(e.EventId, NpgsqlDbType.Text);
                copy.Write(e.UserId, NpgsqlDbType.Text);
                copy.Write(e.Type, NpgsqlDbType.Text);
                if (e.Timestamp is null)
                {
                    copy.WriteNull();
                }
                else
                {
                    copy.Write(e.Timestamp, NpgsqlDbType.Text);
                }

                copy.Write(e.RawJson, NpgsqlDbType.Text);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
