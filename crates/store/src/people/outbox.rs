//! The mail outbox: sealed messages waiting for the mailer.

use std::sync::Arc;

use super::MailRow;
use crate::sql::{changed_one, Db, Row};
use crate::{to_i64, Result};

/// Sealed outgoing messages, oldest first, until the mailer marks them sent.
#[derive(Clone)]
pub struct Outbox {
    db: Arc<Db>,
}

fn mail_from_row(r: &Row<'_>) -> Result<MailRow> {
    Ok(MailRow {
        id: r.get_u64(0, "mail id")?,
        sealed: r.get(1)?,
        created_at_ms: r.get_u64(2, "mail time")?,
        attempts: r.get_u32(3, "mail attempts")?,
        sent_at_ms: r.get_opt_u64(4, "mail sent time")?,
    })
}

impl Outbox {
    pub(crate) fn new(db: Arc<Db>) -> Outbox {
        Outbox { db }
    }

    /// Queues a sealed message; returns its id (increasing).
    pub fn enqueue(&self, sealed: &[u8], created_at_ms: u64) -> Result<u64> {
        self.db.with(|c| {
            c.query_one(
                "INSERT INTO people_mail (sealed, created_at_ms) VALUES (?1, ?2) RETURNING id",
                &[&sealed, &to_i64(created_at_ms)],
                |r| r.get_u64(0, "mail id"),
            )
        })
    }

    /// Unsent messages, oldest first, at most `limit`.
    pub fn pending(&self, limit: u32) -> Result<Vec<MailRow>> {
        self.db.with(|c| {
            c.query(
                "SELECT id, sealed, created_at_ms, attempts, sent_at_ms FROM people_mail
                 WHERE sent_at_ms IS NULL ORDER BY created_at_ms, id LIMIT ?1",
                &[&i64::from(limit)],
                mail_from_row,
            )
        })
    }

    /// NotFound `"mail"` if there is no such id.
    pub fn mark_sent(&self, id: u64, at_ms: u64) -> Result<()> {
        self.db.with(|c| {
            let changed =
                c.execute("UPDATE people_mail SET sent_at_ms = ?2 WHERE id = ?1", &[&to_i64(id), &to_i64(at_ms)])?;
            changed_one(changed, "mail")
        })
    }

    /// Counts a failed attempt (`attempts + 1`); the message stays pending. NotFound `"mail"`.
    pub fn mark_failed(&self, id: u64) -> Result<()> {
        self.db.with(|c| {
            let changed = c.execute("UPDATE people_mail SET attempts = attempts + 1 WHERE id = ?1", &[&to_i64(id)])?;
            changed_one(changed, "mail")
        })
    }
}
