-- Sign-in attempts are no longer counted per account in storage: a lock kept here let anyone
-- lock anyone out, and only known accounts had one. The server spaces attempts per sign-in
-- name in memory instead (see the server's people::guard).
ALTER TABLE people_accounts DROP COLUMN failed_logins;
ALTER TABLE people_accounts DROP COLUMN locked_until_ms;
