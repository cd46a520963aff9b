-- The log: one row per entry, its leaf hash indexed for inclusion-proof look-ups by hash.
CREATE TABLE entries (
    idx        INTEGER PRIMARY KEY,
    leaf_hash  BLOB NOT NULL,
    body       BLOB NOT NULL
);
CREATE INDEX entries_leaf_hash ON entries (leaf_hash);

-- C2SP hash tiles, the latest bytes of each (partial tiles are rewritten as they grow).
CREATE TABLE tiles (
    level  INTEGER NOT NULL,
    idx    INTEGER NOT NULL,
    data   BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Every checkpoint the log has signed, so any earlier view can be proven consistent.
CREATE TABLE checkpoints (
    size          INTEGER PRIMARY KEY,
    note          TEXT NOT NULL,
    signed_at_ms  INTEGER NOT NULL
);

-- The projection: public state folded from the log, one JSON document per key.
CREATE TABLE projection (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
