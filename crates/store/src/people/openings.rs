//! Each person's record of the openings of their data.

use std::sync::Arc;

use super::OpeningRow;
use crate::sql::{keyed, Db};
use crate::{to_i64, Result};

/// Per-person records of logged openings of personal data.
#[derive(Clone)]
pub struct Openings {
    db: Arc<Db>,
}

impl Openings {
    pub(crate) fn new(db: Arc<Db>) -> Openings {
        Openings { db }
    }

    /// Conflict `"opening"` if the account already has one at that index; NotFound `"account"`.
    pub fn add(&self, o: &OpeningRow) -> Result<()> {
        self.db.with(|c| {
            c.execute(
                "INSERT INTO people_openings (account_id, log_index, sealed_nonce) VALUES (?1, ?2, ?3)",
                &[&o.account_id, &to_i64(o.log_index), &o.sealed_nonce],
            )
            .map_err(|e| keyed(e, "opening", "account"))?;
            Ok(())
        })
    }

    /// The account's openings, lowest log index first.
    pub fn of(&self, account_id: &str) -> Result<Vec<OpeningRow>> {
        self.db.with(|c| {
            c.query(
                "SELECT account_id, log_index, sealed_nonce FROM people_openings WHERE account_id = ?1 ORDER BY log_index",
                &[&account_id],
                |r| {
                    Ok(OpeningRow {
                        account_id: r.get(0)?,
                        log_index: r.get_u64(1, "opening index")?,
                        sealed_nonce: r.get(2)?,
                    })
                },
            )
        })
    }
}
