-- Signature flags: a moderator's hint that a petition signature came in a suspicious pattern
-- (a burst from one network address, a just-created account). A flag never drops or hides
-- a signature; a moderator reviews it and invalidates the signature (a log event) or
-- dismisses the flag, either way resolving it.
--
-- No personal data: `petition` is the petition's public id, `signer` the signer's
-- per-petition pseudonym (public in the log), `reason` a short code. The network address
-- behind a burst is never stored: the caller counts bursts in memory only.

CREATE TABLE people_flags (
    id              INTEGER PRIMARY KEY,
    petition        TEXT NOT NULL,
    signer          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    created_at_ms   INTEGER NOT NULL,
    -- When the signature was invalidated or the flag dismissed; NULL while open.
    resolved_at_ms  INTEGER,
    -- One flag per reason per signature; also finds a signature's flags to resolve them.
    UNIQUE (petition, signer, reason)
) STRICT;
-- The moderators' queue, oldest first: all petitions, and one petition.
CREATE INDEX people_flags_open ON people_flags (created_at_ms, id) WHERE resolved_at_ms IS NULL;
CREATE INDEX people_flags_open_petition ON people_flags (petition, created_at_ms, id) WHERE resolved_at_ms IS NULL;
