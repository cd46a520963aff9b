-- Sealed records of any capability (appeals' private texts and attachments first), keyed by
-- kind and id. The store keeps the bytes sealed by the caller and never reads them; `owner`
-- (an account id, when the record has one) only lets the owner's records be listed.
--
-- A rowid table, not WITHOUT ROWID: records can be large, and SQLite keeps large rows out
-- of the key's b-tree only in a rowid table.
CREATE TABLE sealed_records (
    kind        TEXT NOT NULL,
    id          TEXT NOT NULL,
    owner       TEXT,
    sealed      BLOB NOT NULL,
    created_ms  INTEGER NOT NULL,
    UNIQUE (kind, id)
) STRICT;
CREATE INDEX sealed_records_owner ON sealed_records (owner, kind, created_ms, id) WHERE owner IS NOT NULL;
