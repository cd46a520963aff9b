//! The public summary of the state: what `dauys replay`, `dauys audit` and `/api/v1/state`
//! print. Each capability fills in its figures ([`crate::capability::Capability::summarize`]).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::people::{AccessBasis, Staff};
use crate::registry::{Body, Deployment};
use crate::{LocalizedText, LogIndex, NoticeId, Timestamp};

/// How many of the most recent notices [`PublicState`] lists.
pub const LATEST_NOTICES: usize = 5;

/// A summary of the public state, for `dauys replay`, `dauys audit` and the JSON API.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicState {
    pub size: u64,
    pub last_timestamp: Option<Timestamp>,
    /// Entries by event type.
    pub counts: BTreeMap<String, u64>,
    pub deployment: Option<Deployment>,
    pub calendar_years: Vec<u16>,
    /// All bodies, by id.
    pub bodies: Vec<Body>,
    /// Number of notices.
    pub notices: u64,
    /// The most recent notices, newest first (at most [`LATEST_NOTICES`]).
    pub latest_notices: Vec<NoticeSummary>,
    /// Number of people verified now (verifications minus erasures).
    pub verified_people: u64,
    /// Every account holding a role other than citizen, with its grants.
    pub staff: Vec<Staff>,
    /// The legal bases in force for opening personal data.
    pub access_bases: Vec<AccessBasis>,
    /// Number of openings of personal data logged.
    pub data_openings: u64,
    /// Petitions by status.
    pub petitions: BTreeMap<String, u64>,
    /// Valid signatures on all petitions.
    pub signatures: u64,
    /// Obligations by status (awaiting, answered, overdue).
    pub obligations: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeSummary {
    pub id: NoticeId,
    pub title: LocalizedText,
    pub published_at: Timestamp,
    pub index: LogIndex,
}

impl fmt::Display for PublicState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.last_timestamp {
            Some(t) => writeln!(f, "Ledger: {} entries, last at {t}", self.size)?,
            None => writeln!(f, "Ledger: {} entries", self.size)?,
        }
        match &self.deployment {
            Some(d) => {
                let m = d.utc_offset_minutes;
                let sign = if m < 0 { '-' } else { '+' };
                let m = m.unsigned_abs();
                writeln!(f, "Deployment: {} (UTC{sign}{:02}:{:02})", d.name.kk, m / 60, m % 60)?
            }
            None => writeln!(f, "Deployment: not configured")?,
        }
        let years: Vec<String> = self.calendar_years.iter().map(u16::to_string).collect();
        writeln!(f, "Calendars: {}", if years.is_empty() { "none".to_owned() } else { years.join(", ") })?;
        write!(f, "Bodies: {}; notices: {}", self.bodies.len(), self.notices)?;
        if let Some(n) = self.latest_notices.first() {
            write!(f, " (latest: {})", n.title.kk)?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "People: {} verified; {} staff accounts; {} openings of personal data",
            self.verified_people,
            self.staff.len(),
            self.data_openings
        )?;
        let join = |m: &BTreeMap<String, u64>| {
            let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k} {v}")).collect();
            if parts.is_empty() {
                "none".to_owned()
            } else {
                parts.join(", ")
            }
        };
        writeln!(
            f,
            "Petitions: {}; {} valid signatures; obligations: {}",
            join(&self.petitions),
            self.signatures,
            join(&self.obligations)
        )?;
        let counts: Vec<String> = self.counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
        write!(f, "Events: {}", counts.join(", "))
    }
}
