-- Writer fencing (a cluster can briefly run two activations of one customer): each stream's current writer epoch.
-- A claim increments it; appends carrying an older epoch are refused.
CREATE TABLE IF NOT EXISTS stream_epoch (
    stream_key  TEXT    NOT NULL PRIMARY KEY,
    epoch       INTEGER NOT NULL
) WITHOUT ROWID;
