-- Initial schema for the embedded store. Times are Unix milliseconds (UTC): SQLite has no timestamp type.
CREATE TABLE IF NOT EXISTS grain_state (
    grain_type  TEXT    NOT NULL,
    grain_key   TEXT    NOT NULL,
    data        BLOB    NOT NULL,
    version     INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key)
) WITHOUT ROWID;

-- AUTOINCREMENT so a sequence is never reused after the newest entries are trimmed or erased:
-- a snapshot that recorded "applied up to N" must never see a later event numbered N or below.
CREATE TABLE IF NOT EXISTS journal (
    sequence    INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_key  TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    payload     BLOB    NOT NULL,
    recorded_at INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS journal_stream_sequence_idx ON journal (stream_key, sequence);

CREATE TABLE IF NOT EXISTS reminders (
    grain_type  TEXT    NOT NULL,
    grain_key   TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    due_at      INTEGER NOT NULL,
    period_ms   INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key, name)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS reminders_due_at_idx ON reminders (due_at);
