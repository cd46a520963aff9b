//! The one shape every capability of the public state takes.
//!
//! A capability (the registry of bodies and staff, people, notices, petitions — later
//! appeals and votes) owns the events of its kind and the part of the state they fold into.
//! It decides on an event against its own part and a read-only [`Context`] (the deployment,
//! its calendar, bodies, staff and the log's counts), applies what it decided, says which
//! events its rules require when time passes, and writes and reloads its projection rows.
//! [`crate::State`] is only a router over them: adding a capability is writing one module
//! that implements [`Capability`] and naming it once in `for_each_capability!` (`lib.rs`).
//!
//! A capability's state is defined by its rows: `rows` and `load_row` round-trip it, and the
//! router never looks inside. That is what lets a capability keep part of its state (closed
//! history) in the store rather than in memory: rows it does not hold, it need not load.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::registry::Registry;
use crate::rows::{invalid_row, RowKey};
use crate::{BodyId, BodyRecord, Event, LogIndex, RuleError, Timestamp};

pub(crate) trait Capability: Clone + std::fmt::Debug + Default + PartialEq + Eq {
    /// What [`Capability::check`] decided and [`Capability::apply`] carries out, so applying
    /// needs neither the context nor a second look at the rules.
    type Decision;

    /// Would `event`, sequenced at `at`, be accepted? Its fields are already valid.
    fn check(&self, ctx: &Context<'_>, event: &Event, at: Timestamp) -> Result<Self::Decision, RuleError>;

    /// Applies a checked event; marks every row it changed. Cannot fail: everything that
    /// could refuse the event was decided by `check`.
    fn apply(&mut self, decision: Self::Decision, index: LogIndex, at: Timestamp, event: &Event, changes: &mut Changes);

    /// Events its rules require at `at` (deadlines passed, counts reached), in the order they
    /// must be logged, for the items in `scope`.
    fn due_events(&self, _ctx: &Context<'_>, _at: Timestamp, _scope: Scope<'_>) -> Vec<Event> {
        Vec::new()
    }

    /// The current value of one of its rows; `None` if the key is not one of its or the row
    /// does not exist.
    fn row(&self, key: &str) -> Option<String>;

    /// All its rows, in any order.
    fn rows(&self, out: &mut Vec<(String, String)>);

    /// Loads one row written by [`Capability::rows`]; `Ok(false)` if the key is not one of its.
    fn load_row(&mut self, key: &str, value: &str) -> Result<bool, RuleError>;

    /// Invariants that every folded state satisfies, to vet rows loaded from a cache.
    fn check_consistency(&self, ctx: &Context<'_>, placed: &mut Placement) -> Result<(), RuleError>;

    /// Its part of every body's record of the cases owed answers (see
    /// `obligation/records.rs`), by body; `None` for a capability that opens no obligations.
    fn body_records(&self) -> Option<&BTreeMap<BodyId, BodyRecord>> {
        None
    }

    /// Its headline figures, which [`crate::PublicState`] shows under this capability's name
    /// (and `/api/v1/state` as members of the one object).
    type Summary: Clone + std::fmt::Debug + Default + PartialEq + Eq + Serialize + DeserializeOwned + std::fmt::Display;

    /// Its figures now.
    fn summary(&self) -> Self::Summary;
}

/// What every capability may read and none may change: the registry (deployment, calendar,
/// bodies, staff) and where the log stands.
pub(crate) struct Context<'a> {
    pub(crate) registry: &'a Registry,
    pub(crate) meta: &'a Meta,
}

impl Context<'_> {
    /// Entries logged so far of type `kind`.
    pub(crate) fn count(&self, kind: &str) -> u64 {
        self.meta.counts.get(kind).copied().unwrap_or(0)
    }
}

/// Which items [`Capability::due_events`] looks at: all of them (once a second, for deadlines)
/// or those the last applied entries touched (counts just reached).
#[derive(Clone, Copy)]
pub(crate) enum Scope<'a> {
    All,
    Touched(&'a BTreeSet<RowKey>),
}

/// Rows changed by the entries applied since the last [`crate::State::take_changes`], and the
/// items whose change may require an event by the rules.
#[derive(Clone, Debug, Default)]
pub(crate) struct Changes {
    pub(crate) rows: BTreeSet<RowKey>,
    pub(crate) follow_ups: BTreeSet<RowKey>,
}

impl Changes {
    pub(crate) fn row(&mut self, key: RowKey) {
        self.rows.insert(key);
    }

    /// The item under `key` may now require an event by the rules (a count reached).
    pub(crate) fn follow_up(&mut self, key: RowKey) {
        self.follow_ups.insert(key);
    }
}

/// The key of the `meta` row, which the router keeps and every capability's counts are
/// checked against.
pub(crate) const META_KEY: &str = "meta";

impl RowKey {
    /// The row that says where the fold stands: size, last timestamp, entries by type.
    pub fn meta() -> RowKey {
        RowKey::single(META_KEY)
    }
}

/// A cache whose rows disagree with the log's counts in `meta`; `rows` says which.
pub(crate) fn counts_mismatch(rows: &str) -> RuleError {
    invalid_row(META_KEY, format!("counts do not match {rows}"))
}

/// The `meta` row: where the fold stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meta {
    pub(crate) size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) last_ts: Option<Timestamp>,
    pub(crate) counts: BTreeMap<String, u64>,
}

/// Checks that rows loaded from a cache sit where a log could have put them: before the
/// log's end, no later than its last timestamp, and each at its own index.
pub(crate) struct Placement {
    size: u64,
    last: Timestamp,
    seen: BTreeSet<LogIndex>,
}

impl Placement {
    pub(crate) fn new(meta: &Meta) -> Placement {
        Placement { size: meta.size, last: meta.last_ts.unwrap_or(Timestamp(0)), seen: BTreeSet::new() }
    }

    pub(crate) fn place(&mut self, key: &RowKey, index: LogIndex, at: Timestamp) -> Result<(), RuleError> {
        if index.0 >= self.size || at > self.last || !self.seen.insert(index) {
            return Err(invalid_row(key.as_str(), "index or timestamp inconsistent with meta"));
        }
        Ok(())
    }
}
