using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using PersonalizationEngine.Storage.Configuration;
using PersonalizationEngine.Storage.Journal;

namespace PersonalizationEngine.Storage.Postgres;

/// <summary>
/// Journal on PostgreSQL. A batch reserves its sequences with one nextval() round trip, then streams the rows with binary
/// COPY, all in one transaction: COPY has no RETURNING, and reserving first keeps the sequences in input order.
/// </summary>
internal sealed class PostgresEventJournal : GroupCommitJournal
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _reserve;
    private readonly string _copy;
    private readonly string _read;
    private readonly string _trim;
    private readonly string _delete;

    public PostgresEventJournal(NpgsqlDataSource dataSource, string schema, JournalOptions options, ILogger logger)
        : base("postgres", options, logger)
    {
        _dataSource = dataSource;
        var table = $"{schema}.journal";
        _reserve = $"SELECT nextval(pg_get_serial_sequence('{table.Replace("'", "''", StringComparison.Ordinal)}', 'sequence')) FROM generate_series(1, $1)";
        _copy = $"COPY {table} (sequence, stream_key, event_id, payload) FROM STDIN (FORMAT BINARY)";
        _read = $"SELECT sequence, event_id, payload, recorded_at FROM {table} WHERE stream_key = $1 AND sequence > $2 ORDER BY sequence";
        _trim = $"DELETE FROM {table} WHERE stream_key = $1 AND sequence <= $2"
            + $" AND sequence NOT IN (SELECT sequence FROM {table} WHERE stream_key = $1 ORDER BY sequence DESC LIMIT $3)";
        _delete = $"DELETE FROM {table} WHERE stream_key = $1";
    }

    public override async IAsyncEnumerable<JournalEntry> ReadAsync(string streamKey, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_read);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamKey });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSequence });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new JournalEntry(streamKey, reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<DateTimeOffset>(3));
        }
    }

    public override async Task<long> TrimAsync(string streamKey, long upToSequence, int keepLast = 0, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_trim);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamKey });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upToSequence });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Math.Max(0, keepLast) });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task<long> DeleteStreamAsync(string streamKey, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_delete);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamKey });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<long[]> WriteBatchAsync(IReadOnlyList<JournalAppend> entries, CancellationToken cancellationToken)
    {
        var sequences = new long[entries.Count];
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var reserve = new NpgsqlCommand(_reserve, connection, transaction))
        {
            reserve.Parameters.Add(new NpgsqlParameter<int> { TypedValue = entries.Count });
            await using var reader = await reserve.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var i = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                sequences[i++] = reader.GetInt64(0);
            }
        }

        // nextval() over generate_series yields increasing values, but sorting makes input order == sequence order explicit.
        Array.Sort(sequences);
        // Synchronous row writes: they only fill Npgsql's buffer (the socket write happens when it is full), and on the
        // dedicated writer loop they save an async state machine per field, which is measurable at 100k+ rows/s.
        await using (var importer = await connection.BeginBinaryImportAsync(_copy, cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                importer.StartRow();
                importer.Write(sequences[i], NpgsqlDbType.Bigint);
                importer.Write(entry.StreamKey, NpgsqlDbType.Text);
                importer.Write(entry.EventId, NpgsqlDbType.Text);
                importer.Write(entry.Payload, NpgsqlDbType.Bytea);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        // synchronous_commit must stay on (the default): the commit returning means the WAL is flushed.
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return sequences;
    }
}
