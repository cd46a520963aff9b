//! The deterministic state machine: public state folded from the log.
//!
//! [`State`] is a router. Each capability (see [`crate::capability`]) rules on its own event
//! types and owns its part of the state; the router keeps only where the log stands (the
//! `meta` row), asks the owning capability to check and apply each entry, and gathers rows,
//! rule-required events and the public summary from all of them.

use std::collections::BTreeMap;

use crate::capability::{Capability, Changes, Context, Meta, Placement, Scope, META_KEY};
use crate::event::Owner;
use crate::rows::{invalid_row, parse_row, row_json, RowKey};
use crate::{BodyId, BodyRecord, Entry, Event, LogIndex, PublicState, RuleError, Timestamp};

/// Makes the router's part of each capability, and the state's accessor to it, from
/// `for_each_capability!` in `lib.rs`. A capability's type is named through its module
/// (`crate::petitions::Petitions`), so nothing here imports a capability.
macro_rules! capabilities {
    ($($field:ident: $ty:ident => $summary:ident),+ $(,)?) => {
        /// Every capability's part of the state.
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        struct Capabilities {
            $($field: crate::$field::$ty,)+
        }

        /// What the capability owning an event decided about it.
        enum Decided {
            $($ty(<crate::$field::$ty as Capability>::Decision),)+
        }

        impl State {
            $(
                /// This capability's part of the state.
                pub fn $field(&self) -> &crate::$field::$ty {
                    &self.capabilities.$field
                }
            )+
        }

        impl Capabilities {
            fn check(&self, ctx: &Context<'_>, event: &Event, at: Timestamp) -> Result<Decided, RuleError> {
                match event.owner() {
                    $(Owner::$ty => self.$field.check(ctx, event, at).map(Decided::$ty),)+
                }
            }

            fn apply(&mut self, decided: Decided, index: LogIndex, at: Timestamp, event: &Event, changes: &mut Changes) {
                match decided {
                    $(Decided::$ty(d) => self.$field.apply(d, index, at, event, changes),)+
                }
            }

            fn due_events(&self, ctx: &Context<'_>, at: Timestamp, scope: Scope<'_>) -> Vec<Event> {
                let mut due = Vec::new();
                $(due.extend(self.$field.due_events(ctx, at, scope));)+
                due
            }

            fn row(&self, key: &str) -> Option<String> {
                None$(.or_else(|| self.$field.row(key)))+
            }

            fn rows(&self, out: &mut Vec<(String, String)>) {
                $(self.$field.rows(out);)+
            }

            fn load_row(&mut self, key: &str, value: &str) -> Result<bool, RuleError> {
                $(if self.$field.load_row(key, value)? {
                    return Ok(true);
                })+
                Ok(false)
            }

            fn check_consistency(&self, ctx: &Context<'_>, placed: &mut Placement) -> Result<(), RuleError> {
                $(self.$field.check_consistency(ctx, placed)?;)+
                Ok(())
            }

            fn body_records(&self) -> BTreeMap<BodyId, BodyRecord> {
                let mut all: BTreeMap<BodyId, BodyRecord> = BTreeMap::new();
                $(
                    for (body, record) in self.$field.body_records().into_iter().flatten() {
                        all.entry(body.clone()).or_default().add(record);
                    }
                )+
                all
            }

            fn public_state(&self, meta: &Meta) -> PublicState {
                PublicState {
                    size: meta.size,
                    last_timestamp: meta.last_ts,
                    counts: meta.counts.clone(),
                    $($field: self.$field.summary(),)+
                }
            }
        }
    };
}

for_each_capability!(capabilities);

/// The public state, folded from entries. Deterministic: same entries, same state, same rows.
///
/// Equality ignores which rows are pending in [`State::take_changes`]: two states are equal
/// when they describe the same log prefix.
#[derive(Clone, Debug, Default)]
pub struct State {
    meta: Meta,
    capabilities: Capabilities,
    changes: Changes,
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        self.meta == other.meta && self.capabilities == other.capabilities
    }
}

impl Eq for State {}

impl State {
    pub fn new() -> Self {
        Self::default()
    }

    fn context(&self) -> Context<'_> {
        Context { registry: &self.capabilities.registry, meta: &self.meta }
    }

    /// The rule on who signs an act (`crate::signers`): checked before the event's own rules.
    pub fn check_signature(&self, event: &Event, signature: Option<&crate::ActSignature>) -> Result<(), RuleError> {
        let registry = &self.capabilities.registry;
        crate::acts::check_act(registry.act_rule(), event, signature, |account| registry.signers(account))
    }

    /// Would `event` be accepted if sequenced at `at`? Checks the fields
    /// ([`Event::validate`]), the timestamp, and the rules against the current state.
    pub fn check(&self, event: &Event, at: Timestamp) -> Result<(), RuleError> {
        self.decide(event, at).map(|_| ())
    }

    fn decide(&self, event: &Event, at: Timestamp) -> Result<Decided, RuleError> {
        event.validate()?;
        if at > Timestamp::MAX {
            return Err(RuleError::TimestampOutOfRange(at));
        }
        if let Some(last) = self.meta.last_ts {
            if at < last {
                return Err(RuleError::TimestampRegression { last, got: at });
            }
        }
        self.capabilities.check(&self.context(), event, at)
    }

    /// Applies the entry at `index`, which must be the next one (`index == self.size()`).
    /// On error the state is unchanged: every check happens before the first mutation.
    pub fn apply(&mut self, index: LogIndex, entry: &Entry) -> Result<(), RuleError> {
        if index.0 != self.meta.size {
            return Err(RuleError::WrongIndex { expected: LogIndex(self.meta.size), got: index });
        }
        let at = entry.timestamp;
        self.check_signature(&entry.event, entry.signature.as_ref())?;
        let decided = self.decide(&entry.event, at)?;
        self.capabilities.apply(decided, index, at, &entry.event, &mut self.changes);
        self.meta.size += 1;
        self.meta.last_ts = Some(at);
        *self.meta.counts.entry(entry.event.kind().to_owned()).or_insert(0) += 1;
        self.changes.row(RowKey::meta());
        Ok(())
    }

    /// Every event the rules require at `at`: deadlines that have passed and counts that were
    /// reached. The sequencer logs them as soon as they are due; an auditor can check that a
    /// log left none pending for long.
    pub fn due_events(&self, at: Timestamp) -> Vec<Event> {
        self.capabilities.due_events(&self.context(), at, Scope::All)
    }

    /// The events required by what the last applied entries did (a count reached, a petition
    /// accepted past its threshold). The sequencer logs them right after, in the same batch.
    pub fn take_follow_ups(&mut self, at: Timestamp) -> Vec<Event> {
        let touched = std::mem::take(&mut self.changes.follow_ups);
        self.capabilities.due_events(&self.context(), at, Scope::Touched(&touched))
    }

    /// Forgets which rows changed and which items may require events, for a reader that folds
    /// the log without a projection to keep (an audit, a replay): otherwise those sets grow
    /// to one key for every row of the log.
    pub fn discard_changes(&mut self) {
        self.changes = Changes::default();
    }

    /// Number of entries applied.
    pub fn size(&self) -> u64 {
        self.meta.size
    }

    /// Timestamp of the last applied entry.
    pub fn last_timestamp(&self) -> Option<Timestamp> {
        self.meta.last_ts
    }

    /// Applied entries by event type.
    pub fn counts(&self) -> &BTreeMap<String, u64> {
        &self.meta.counts
    }

    /// Projection rows changed since the last call, sorted by key: `(key, Some(json))` for
    /// upserts, `(key, None)` for deletions.
    pub fn take_changes(&mut self) -> Vec<(String, Option<String>)> {
        std::mem::take(&mut self.changes.rows)
            .into_iter()
            .map(|key| {
                let value = self.row(&key);
                (key.into_string(), value)
            })
            .collect()
    }

    /// The current value of one projection row.
    pub fn row(&self, key: &RowKey) -> Option<String> {
        let key = key.as_str();
        if key == META_KEY {
            return Some(row_json(&self.meta));
        }
        self.capabilities.row(key)
    }

    /// All projection rows, sorted by key. An empty state has no rows.
    pub fn rows(&self) -> Vec<(String, String)> {
        if *self == State::default() {
            return Vec::new();
        }
        let mut rows = vec![(META_KEY.to_owned(), row_json(&self.meta))];
        self.capabilities.rows(&mut rows);
        rows.sort();
        rows
    }

    /// Rebuilds a state from all its projection rows (as persisted from `take_changes` or
    /// `rows`). Rows are checked to be canonical and mutually consistent, so a damaged or
    /// tampered cache is refused rather than served; the fix is a replay from the log.
    pub fn from_rows(rows: impl IntoIterator<Item = (String, String)>) -> Result<State, RuleError> {
        let mut state = State::default();
        let mut meta: Option<Meta> = None;
        let mut any = false;
        for (key, value) in rows {
            any = true;
            if key == META_KEY {
                if meta.replace(parse_row(&key, &value)?).is_some() {
                    return Err(invalid_row(&key, "duplicate row"));
                }
            } else if !state.capabilities.load_row(&key, &value)? {
                return Err(invalid_row(&key, "unknown row key"));
            }
        }
        if !any {
            return Ok(state);
        }
        state.meta = meta.ok_or_else(|| invalid_row(META_KEY, "missing"))?;
        state.check_consistency()?;
        Ok(state)
    }

    /// Invariants that every folded state satisfies; used to vet rows loaded from a cache.
    fn check_consistency(&self) -> Result<(), RuleError> {
        let meta = &self.meta;
        let total: u64 = meta.counts.values().sum();
        if total != meta.size {
            return Err(invalid_row(META_KEY, format!("counts sum to {total}, size is {}", meta.size)));
        }
        if let Some(k) = meta.counts.keys().find(|k| !Event::KINDS.contains(&k.as_str())) {
            return Err(invalid_row(META_KEY, format!("unknown event type `{k}` in counts")));
        }
        if meta.counts.values().any(|&c| c == 0) || (meta.size > 0) != meta.last_ts.is_some() {
            return Err(invalid_row(META_KEY, "not a state any log produces"));
        }
        self.capabilities.check_consistency(&self.context(), &mut Placement::new(meta))
    }

    /// Every body's record of the cases it owes answers on, all capabilities' together
    /// (appeals and petitions' obligations), by body: the figures of the bodies' public pages
    /// and of `dauys audit`. Each capability keeps its part incrementally; adding them up costs
    /// one step per body.
    pub fn body_records(&self) -> BTreeMap<BodyId, BodyRecord> {
        self.capabilities.body_records()
    }

    pub fn public_state(&self) -> PublicState {
        self.capabilities.public_state(&self.meta)
    }
}
