//! Public notices from the operator (terms, maintenance, results).

pub(crate) mod events;

pub(crate) use events::events;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::capability::{counts_mismatch, Capability, Changes, Context, Placement};
use crate::rows::{invalid_row, load_once, parse_row, row_json, RowKey, RowPrefix};
use crate::{Event, LocalizedText, LogIndex, NoticeId, RuleError, Timestamp};

/// A published notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub id: NoticeId,
    pub title: LocalizedText,
    pub text: LocalizedText,
    pub published_at: Timestamp,
    pub index: LogIndex,
}

/// How many of the most recent notices [`NoticesSummary`] lists.
pub const LATEST_NOTICES: usize = 5;

/// The notices' figures in the public summary ([`crate::PublicState`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticesSummary {
    /// Number of notices.
    #[serde(rename = "notices")]
    pub count: u64,
    /// The most recent notices, newest first (at most [`LATEST_NOTICES`]).
    #[serde(rename = "latest_notices")]
    pub latest: Vec<NoticeSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeSummary {
    pub id: NoticeId,
    pub title: LocalizedText,
    pub published_at: Timestamp,
    pub index: LogIndex,
}

impl fmt::Display for NoticesSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Notices: {}", self.count)?;
        if let Some(n) = self.latest.first() {
            write!(f, " (latest: {})", n.title.kk)?;
        }
        Ok(())
    }
}

/// The notices part of the public state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notices {
    notices: BTreeMap<NoticeId, Notice>,
}

impl RowPrefix {
    pub const NOTICE: RowPrefix = RowPrefix::new("notice/");
}

impl RowKey {
    pub fn notice(id: &NoticeId) -> RowKey {
        RowPrefix::NOTICE.key(id)
    }
}

impl Notices {
    /// Notices by id.
    pub fn all(&self) -> impl Iterator<Item = (&NoticeId, &Notice)> {
        self.notices.iter()
    }

    pub fn get(&self, id: &NoticeId) -> Option<&Notice> {
        self.notices.get(id)
    }

    /// Up to `n` notices, most recently published first.
    pub fn latest(&self, n: usize) -> Vec<&Notice> {
        let mut all: Vec<&Notice> = self.notices.values().collect();
        all.sort_by_key(|n| std::cmp::Reverse(n.index));
        all.truncate(n);
        all
    }
}

impl Capability for Notices {
    type Decision = ();

    fn check(&self, _ctx: &Context<'_>, event: &Event, _at: Timestamp) -> Result<(), RuleError> {
        match event {
            Event::NoticePublished { notice, .. } if self.notices.contains_key(notice) => {
                Err(RuleError::NoticeExists(notice.to_string()))
            }
            _ => Ok(()),
        }
    }

    fn apply(&mut self, _: (), index: LogIndex, at: Timestamp, event: &Event, changes: &mut Changes) {
        if let Event::NoticePublished { notice, title, text } = event {
            self.notices.insert(
                notice.clone(),
                Notice { id: notice.clone(), title: title.clone(), text: text.clone(), published_at: at, index },
            );
            changes.row(RowKey::notice(notice));
        }
    }

    fn row(&self, key: &str) -> Option<String> {
        let id: NoticeId = RowPrefix::NOTICE.id_in(key)?.parse().ok()?;
        self.notices.get(&id).map(row_json)
    }

    fn rows(&self, out: &mut Vec<(String, String)>) {
        out.extend(self.notices.iter().map(|(id, n)| (RowKey::notice(id).into_string(), row_json(n))));
    }

    fn load_row(&mut self, key: &str, value: &str) -> Result<bool, RuleError> {
        let Some(id) = RowPrefix::NOTICE.id_in(key) else { return Ok(false) };
        let n: Notice = parse_row(key, value)?;
        if id != n.id.as_str() {
            return Err(invalid_row(key, format!("key does not match id `{}`", n.id)));
        }
        Event::NoticePublished { notice: n.id.clone(), title: n.title.clone(), text: n.text.clone() }
            .validate()
            .map_err(|e| invalid_row(key, e.to_string()))?;
        load_once(&mut self.notices, n.id.clone(), n, key)?;
        Ok(true)
    }

    fn check_consistency(&self, ctx: &Context<'_>, placed: &mut Placement) -> Result<(), RuleError> {
        for n in self.notices.values() {
            placed.place(&RowKey::notice(&n.id), n.index, n.published_at)?;
        }
        if self.notices.len() as u64 != ctx.count("notice.published") {
            return Err(counts_mismatch("the rows"));
        }
        Ok(())
    }

    type Summary = NoticesSummary;

    fn summary(&self) -> NoticesSummary {
        let latest = self.latest(LATEST_NOTICES).into_iter();
        NoticesSummary {
            count: self.notices.len() as u64,
            latest: latest
                .map(|n| NoticeSummary {
                    id: n.id.clone(),
                    title: n.title.clone(),
                    published_at: n.published_at,
                    index: n.index,
                })
                .collect(),
        }
    }
}
