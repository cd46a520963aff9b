-- Sealed records of any capability (appeals' private texts and attachments first), keyed by
-- kind and id. The store keeps the bytes sealed by the caller and never reads them; `owner`
-- (an account id, when the record has one) only lets the owner's records be listed.
CREATE TABLE sealed_records (
    kind        TEXT COLLATE "C" NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    owner       TEXT COLLATE "C",
    sealed      BYTEA NOT NULL,
    created_ms  BIGINT NOT NULL,
    CONSTRAINT sealed_records_pkey PRIMARY KEY (kind, id)
);
CREATE INDEX sealed_records_owner ON sealed_records (owner, kind, created_ms, id) WHERE owner IS NOT NULL;
