-- The log: one row per entry, its leaf hash indexed for inclusion-proof look-ups by hash.
CREATE TABLE entries (
    idx        BIGINT PRIMARY KEY,
    leaf_hash  BYTEA NOT NULL,
    body       BYTEA NOT NULL
);
CREATE INDEX entries_leaf_hash ON entries (leaf_hash);

-- C2SP hash tiles, the latest bytes of each (partial tiles are rewritten as they grow).
CREATE TABLE tiles (
    level  SMALLINT NOT NULL,
    idx    BIGINT NOT NULL,
    data   BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);

-- Every checkpoint the log has signed, so any earlier view can be proven consistent.
CREATE TABLE checkpoints (
    size          BIGINT PRIMARY KEY,
    note          TEXT NOT NULL,
    signed_at_ms  BIGINT NOT NULL
);

-- The projection: public state folded from the log, one JSON document per key.
CREATE TABLE projection (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
