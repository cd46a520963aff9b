-- The people store: accounts, sessions, openings of personal data, the mail outbox and the
-- imported registry. In the log's database but never part of the log: none of it is public.
--
-- Nothing here is plaintext personal data: `*_lookup` columns are keyed hashes made by the
-- caller, `sealed_*`, `wrapped_key` and `code_hash` are bytes sealed or hashed by the caller.
-- Constraint names are explicit: the store maps a violation to the field that collided by them.

CREATE TABLE people_accounts (
    -- COLLATE "C": ids page in byte order, as in SQLite, whatever the database's locale.
    id               TEXT COLLATE "C" NOT NULL,
    email_lookup     BYTEA NOT NULL,
    password_phc     TEXT NOT NULL,
    created_at_ms    BIGINT NOT NULL,
    -- The global pseudonym once verified: one identity, one account.
    person           TEXT,
    -- NULL after erasure: without it every sealed record of the account is unreadable.
    wrapped_key      BYTEA,
    sealed_profile   BYTEA,
    email_verified   BOOLEAN NOT NULL,
    failed_logins    BIGINT NOT NULL,
    locked_until_ms  BIGINT NOT NULL,
    CONSTRAINT people_accounts_pkey PRIMARY KEY (id),
    CONSTRAINT people_accounts_email_unique UNIQUE (email_lookup),
    CONSTRAINT people_accounts_person_unique UNIQUE (person)
);

-- Sessions by the SHA-256 of their cookie token (the token itself is never stored).
CREATE TABLE people_sessions (
    token_hash     BYTEA NOT NULL,
    account_id     TEXT COLLATE "C" NOT NULL,
    csrf_token     TEXT NOT NULL,
    created_at_ms  BIGINT NOT NULL,
    expires_at_ms  BIGINT NOT NULL,
    CONSTRAINT people_sessions_pkey PRIMARY KEY (token_hash),
    CONSTRAINT people_sessions_account_fkey FOREIGN KEY (account_id) REFERENCES people_accounts (id)
);
CREATE INDEX people_sessions_account ON people_sessions (account_id);
CREATE INDEX people_sessions_expiry ON people_sessions (expires_at_ms);

-- Each logged opening of a person's data, with the nonce of its commitment sealed under the
-- person's data key (so the person, and nobody after erasure, can recognise it).
CREATE TABLE people_openings (
    account_id    TEXT COLLATE "C" NOT NULL,
    log_index     BIGINT NOT NULL,
    sealed_nonce  BYTEA NOT NULL,
    CONSTRAINT people_openings_pkey PRIMARY KEY (account_id, log_index),
    CONSTRAINT people_openings_account_fkey FOREIGN KEY (account_id) REFERENCES people_accounts (id)
);

-- The outbox: sealed messages waiting for the mailer.
CREATE TABLE people_mail (
    id             BIGINT GENERATED ALWAYS AS IDENTITY,
    sealed         BYTEA NOT NULL,
    created_at_ms  BIGINT NOT NULL,
    attempts       BIGINT NOT NULL DEFAULT 0,
    sent_at_ms     BIGINT,
    CONSTRAINT people_mail_pkey PRIMARY KEY (id)
);
CREATE INDEX people_mail_pending ON people_mail (created_at_ms, id) WHERE sent_at_ms IS NULL;

-- The imported census/registry, by keyed hash of the IIN, with its one-time code state.
CREATE TABLE people_registry (
    iin_lookup       BYTEA NOT NULL,
    sealed_record    BYTEA NOT NULL,
    code_hash        BYTEA,
    code_expires_ms  BIGINT NOT NULL,
    code_attempts    BIGINT NOT NULL,
    claimed_by       TEXT COLLATE "C",
    CONSTRAINT people_registry_pkey PRIMARY KEY (iin_lookup),
    CONSTRAINT people_registry_claimed_by_fkey FOREIGN KEY (claimed_by) REFERENCES people_accounts (id)
);
