-- The people store: accounts, sessions, openings of personal data, the mail outbox and the
-- imported registry. Applied to its own file beside the log (`<log>.people.sqlite3`), never
-- to the log's file: none of this is public and none of it is part of the log.
--
-- Nothing here is plaintext personal data: `*_lookup` columns are keyed hashes made by the
-- caller, `sealed_*`, `wrapped_key` and `code_hash` are bytes sealed or hashed by the caller.

CREATE TABLE people_accounts (
    id               TEXT PRIMARY KEY,
    email_lookup     BLOB NOT NULL UNIQUE,
    password_phc     TEXT NOT NULL,
    created_at_ms    INTEGER NOT NULL,
    -- The global pseudonym once verified: one identity, one account.
    person           TEXT UNIQUE,
    -- NULL after erasure: without it every sealed record of the account is unreadable.
    wrapped_key      BLOB,
    sealed_profile   BLOB,
    email_verified   INTEGER NOT NULL CHECK (email_verified IN (0, 1)),
    failed_logins    INTEGER NOT NULL,
    locked_until_ms  INTEGER NOT NULL
) STRICT;

-- Sessions by the SHA-256 of their cookie token (the token itself is never stored).
CREATE TABLE people_sessions (
    token_hash     BLOB PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES people_accounts (id),
    csrf_token     TEXT NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    expires_at_ms  INTEGER NOT NULL
) WITHOUT ROWID, STRICT;
CREATE INDEX people_sessions_account ON people_sessions (account_id);
CREATE INDEX people_sessions_expiry ON people_sessions (expires_at_ms);

-- Each logged opening of a person's data, with the nonce of its commitment sealed under the
-- person's data key (so the person, and nobody after erasure, can recognise it).
CREATE TABLE people_openings (
    account_id    TEXT NOT NULL REFERENCES people_accounts (id),
    log_index     INTEGER NOT NULL,
    sealed_nonce  BLOB NOT NULL,
    PRIMARY KEY (account_id, log_index)
) WITHOUT ROWID, STRICT;

-- The outbox: sealed messages waiting for the mailer.
CREATE TABLE people_mail (
    id             INTEGER PRIMARY KEY,
    sealed         BLOB NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    sent_at_ms     INTEGER
) STRICT;
CREATE INDEX people_mail_pending ON people_mail (created_at_ms, id) WHERE sent_at_ms IS NULL;

-- The imported census/registry, by keyed hash of the IIN, with its one-time code state.
CREATE TABLE people_registry (
    iin_lookup       BLOB PRIMARY KEY,
    sealed_record    BLOB NOT NULL,
    code_hash        BLOB,
    code_expires_ms  INTEGER NOT NULL,
    code_attempts    INTEGER NOT NULL,
    claimed_by       TEXT REFERENCES people_accounts (id)
) WITHOUT ROWID, STRICT;
