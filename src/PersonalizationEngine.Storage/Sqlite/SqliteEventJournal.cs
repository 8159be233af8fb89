using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Storage.Configuration;
using PersonalizationEngine.Storage.Journal;

namespace PersonalizationEngine.Storage.Sqlite;

/// <summary>
/// Journal in the SQLite file. A batch is one IMMEDIATE transaction re-executing a prepared single-row INSERT per entry:
/// SQLite is in-process, so a re-executed prepared statement costs what a multi-row VALUES list would, and
/// last_insert_rowid gives each entry's sequence directly. The cost that matters, the fsync, is paid once per batch, and the
/// batch runs in the transaction of <see cref="SqliteWriteBatcher"/>, SQLite's one writer, with the small writes of the moment.
/// </summary>
internal sealed class SqliteEventJournal(SqliteConnectionFactory connections, SqliteWriteBatcher writer, JournalOptions options, ILogger logger)
    : GroupCommitJournal("sqlite", options, logger)
{
    public override async IAsyncEnumerable<JournalEntry> ReadAsync(string streamKey, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence, event_id, payload, recorded_at FROM journal WHERE stream_key = $stream AND sequence > $after ORDER BY sequence";
        command.Parameters.AddWithValue("$stream", streamKey);
        command.Parameters.AddWithValue("$after", afterSequence);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new JournalEntry(streamKey, reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
        }
    }

    public override async Task<long> TrimAsync(string streamKey, long upToSequence, int keepLast = 0, CancellationToken cancellationToken = default) =>
        await writer.ExecuteAsync("DELETE FROM journal WHERE stream_key = $stream AND sequence <= $upTo"
            + " AND sequence NOT IN (SELECT sequence FROM journal WHERE stream_key = $stream ORDER BY sequence DESC LIMIT $keep)", p =>
        {
            p.AddWithValue("$stream", streamKey);
            p.AddWithValue("$upTo", upToSequence);
            p.AddWithValue("$keep", Math.Max(0, keepLast));
        }, cancellationToken).ConfigureAwait(false);

    public override async Task<long> DeleteStreamAsync(string streamKey, CancellationToken cancellationToken = default) =>
        await writer.ExecuteAsync("DELETE FROM journal WHERE stream_key = $stream", p => p.AddWithValue("$stream", streamKey), cancellationToken).ConfigureAwait(false);

    protected override Task<long[]> WriteBatchAsync(IReadOnlyList<JournalAppend> entries, CancellationToken cancellationToken) =>
        // In the transaction of SQLite's single writer, with the state and reminder writes queued at the same time.
        writer.RunAsync((connection, transaction) => WriteEntries(connection, transaction, entries, cancellationToken), cancellationToken);

    private static long[] WriteEntries(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<JournalAppend> entries, CancellationToken cancellationToken)
    {
        var sequences = new long[entries.Count];
        // Fencing: the IMMEDIATE transaction holds the database's write lock, so a claim commits wholly before or after.
        Dictionary<string, long>? epochs = null;
        foreach (var e in entries)
        {
            if (e.Epoch <= 0 || (epochs?.ContainsKey(e.StreamKey) ?? false)) continue;
            epochs ??= new Dictionary<string, long>(StringComparer.Ordinal);
            using var read = connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = "SELECT epoch FROM stream_epoch WHERE stream_key = $stream";
            read.Parameters.AddWithValue("$stream", e.StreamKey);
            epochs[e.StreamKey] = read.ExecuteScalar() is long epoch ? epoch : 0;
        }
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO journal (stream_key, event_id, payload, recorded_at) VALUES ($stream, $id, $payload, $at)";
        var stream = insert.Parameters.Add("$stream", SqliteType.Text);
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var payload = insert.Parameters.Add("$payload", SqliteType.Blob);
        insert.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        insert.Prepare();
        var handle = connection.Handle!;
        for (var i = 0; i < entries.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entries[i].Epoch > 0 && epochs![entries[i].StreamKey] != entries[i].Epoch)
            {
                sequences[i] = Fenced;
                continue;
            }
            stream.Value = entries[i].StreamKey;
            id.Value = entries[i].EventId;
            payload.Value = entries[i].Payload;
            insert.ExecuteNonQuery();
            sequences[i] = SQLitePCL.raw.sqlite3_last_insert_rowid(handle);
        }
        // With synchronous=FULL the writer's commit returns only after the WAL is fsynced.
        return sequences;
    }
}
