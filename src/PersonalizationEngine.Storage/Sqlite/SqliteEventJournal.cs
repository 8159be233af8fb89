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
        // SQLite's own statement API on the transaction's connection: one statement prepared per batch, re-bound and
        // stepped per entry, with no per-entry parameter objects (the journal write is on every event's path).
        _ = transaction;
        var db = connection.Handle!;
        var sequences = new long[entries.Count];
        // Fencing: the IMMEDIATE transaction holds the database's write lock, so a claim commits wholly before or after.
        Dictionary<string, long>? epochs = null;
        SQLitePCL.sqlite3_stmt? read = null;
        try
        {
            foreach (var e in entries)
            {
                if (e.Epoch <= 0 || (epochs?.ContainsKey(e.StreamKey) ?? false)) continue;
                epochs ??= new Dictionary<string, long>(StringComparer.Ordinal);
                read ??= Prepare(db, "SELECT epoch FROM stream_epoch WHERE stream_key = ?1");
                Check(db, SQLitePCL.raw.sqlite3_bind_text(read, 1, e.StreamKey));
                var rc = SQLitePCL.raw.sqlite3_step(read);
                epochs[e.StreamKey] = rc == SQLitePCL.raw.SQLITE_ROW ? SQLitePCL.raw.sqlite3_column_int64(read, 0) : Done(db, rc, 0);
                SQLitePCL.raw.sqlite3_reset(read);
            }
        }
        finally
        {
            read?.Dispose();
        }
        using var insert = Prepare(db, "INSERT INTO journal (stream_key, event_id, payload, recorded_at) VALUES (?1, ?2, ?3, ?4)");
        Check(db, SQLitePCL.raw.sqlite3_bind_int64(insert, 4, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        for (var i = 0; i < entries.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = entries[i];
            if (entry.Epoch > 0 && epochs![entry.StreamKey] != entry.Epoch)
            {
                sequences[i] = Fenced;
                continue;
            }
            Check(db, SQLitePCL.raw.sqlite3_bind_text(insert, 1, entry.StreamKey));
            Check(db, SQLitePCL.raw.sqlite3_bind_text(insert, 2, entry.EventId));
            Check(db, SQLitePCL.raw.sqlite3_bind_blob(insert, 3, entry.Payload));
            Done(db, SQLitePCL.raw.sqlite3_step(insert), 0);
            SQLitePCL.raw.sqlite3_reset(insert);
            sequences[i] = SQLitePCL.raw.sqlite3_last_insert_rowid(db);
        }
        // With synchronous=FULL the writer's commit returns only after the WAL is fsynced.
        return sequences;
    }

    private static SQLitePCL.sqlite3_stmt Prepare(SQLitePCL.sqlite3 db, string sql)
    {
        Check(db, SQLitePCL.raw.sqlite3_prepare_v2(db, sql, out var statement));
        return statement;
    }

    private static void Check(SQLitePCL.sqlite3 db, int rc)
    {
        if (rc != SQLitePCL.raw.SQLITE_OK) throw new SqliteException(SQLitePCL.raw.sqlite3_errmsg(db).utf8_to_string(), rc);
    }

    /// <summary>Returns <paramref name="result"/> when a step finished (SQLITE_DONE); throws SQLite's error otherwise.</summary>
    private static long Done(SQLitePCL.sqlite3 db, int rc, long result) =>
        rc == SQLitePCL.raw.SQLITE_DONE ? result : throw new SqliteException(SQLitePCL.raw.sqlite3_errmsg(db).utf8_to_string(), rc);
}
