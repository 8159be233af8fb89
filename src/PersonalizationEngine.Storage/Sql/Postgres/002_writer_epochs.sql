-- Writer fencing (a cluster can briefly run two activations of one customer): each stream's current writer epoch.
-- A claim increments it under an exclusive advisory lock of the stream's bucket; a journal batch with fenced entries
-- takes the shared locks of its buckets before it reads the epochs, so a claim commits wholly before or after it.
CREATE TABLE IF NOT EXISTS __schema__.stream_epoch (
    stream_key  text    COLLATE "C" NOT NULL PRIMARY KEY,
    epoch       bigint  NOT NULL
);
