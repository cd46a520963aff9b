//! The body's own work on an appeal, which is no act of the state and so never reaches the
//! log: who is to consider it (its assignment) and the officials' internal notes.
//!
//! Both are sealed in the private store's [`SealedRecords`](dauys_store::SealedRecords) —
//! an assignment as `AppealAssignment` under the appeal's id, listed among its body's
//! records so an inbox reads a body's assignments at once; each note as `AppealNote` under
//! `<appeal>_n<k>`, listed among the appeal's — and shown only to the officials and heads of
//! the body holding the appeal, never to its applicant (not even one who is an official of
//! that body). Each is kept with the body and the holding it was made in: once the appeal
//! moves to another body (forwarded, or reassigned by a reorganisation), its assignment no
//! longer applies and the earlier body's notes are no longer shown — also if it comes back.

use std::collections::HashMap;
use std::sync::Arc;

use dauys_core::{AccountId, Appeal, AppealId, BodyId};
use dauys_identity::policy::{authorize, Action};
use dauys_store::{RecordId, RecordKind, StoreError};
use serde::{Deserialize, Serialize};

use super::{now_ms, AppealError, Appeals, Result};
use crate::people::{run_blocking, Account, PeopleError};

/// The longest internal note, in characters.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// The most notes one appeal keeps.
pub const MAX_NOTES: usize = 50;

/// Who is to consider an appeal, as its body decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// The body that assigned it, and the log index of the step by which the appeal reached
    /// that body ([`holding`]): it applies only while the appeal stays there.
    pub body: BodyId,
    pub holding: u64,
    pub assignee: AccountId,
    pub by: AccountId,
    pub at_ms: u64,
}

/// An internal note on an appeal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// The body whose officials wrote it, and the holding it was written in ([`holding`]).
    pub body: BodyId,
    pub holding: u64,
    pub author: AccountId,
    pub at_ms: u64,
    pub text: String,
}

/// What the officials of the body holding an appeal see of their own work on it.
#[derive(Clone, Debug, Default)]
pub struct OfficeRecord {
    pub assignment: Option<Assignment>,
    /// Oldest first.
    pub notes: Vec<Note>,
}

/// The log index of the step by which `appeal` reached the body holding it now: its filing,
/// or its last forward or reassignment.
pub fn holding(appeal: &Appeal) -> u64 {
    appeal.steps.iter().rev().find(|s| s.to.is_some()).map_or(appeal.index.0, |s| s.index.0)
}

fn applies(appeal: &Appeal, body: &BodyId, at: u64) -> bool {
    body == appeal.body() && at == holding(appeal)
}

fn assignment_aad(id: &RecordId) -> Vec<u8> {
    format!("appeal-assignment/{id}").into_bytes()
}

fn note_aad(id: &RecordId) -> Vec<u8> {
    format!("appeal-note/{id}").into_bytes()
}

fn note_id(appeal: &AppealId, k: usize) -> Result<RecordId> {
    Ok(RecordId::new(&format!("{appeal}_n{k}"))?)
}

fn internal(what: &str) -> impl Fn(serde_json::Error) -> PeopleError + '_ {
    move |e| PeopleError::Internal(format!("{what}: {e}"))
}

/// The most assignments an inbox reads for one body.
const INBOX_ASSIGNMENTS: u32 = 100_000;

impl Appeals {
    /// The officials of the body holding `id` (not its applicant) read their assignment of
    /// it and their notes.
    pub async fn office_record(&self, official: &Account, id: &AppealId) -> Result<OfficeRecord> {
        let appeal = self.official_act(official, id, |body| Action::HandleAppeal { body })?;
        let assignment = self.assignment(&appeal).await?;
        let notes = self.notes(&appeal).await?.into_iter().filter(|n| applies(&appeal, &n.body, n.holding)).collect();
        Ok(OfficeRecord { assignment, notes })
    }

    /// The assignment of an appeal that applies now, if any.
    async fn assignment(&self, appeal: &Arc<Appeal>) -> Result<Option<Assignment>> {
        let id = RecordId::new(appeal.id.as_str())?;
        let (store, people) = (self.sealed.clone(), self.people.clone());
        let found = run_blocking(move || {
            let Some(record) = store.get(RecordKind::AppealAssignment, &id)? else { return Ok(None) };
            let plain = people.open_standalone(&assignment_aad(&id), &record.sealed)?;
            let assignment: Assignment = serde_json::from_slice(&plain).map_err(internal("appeal assignment"))?;
            Ok(Some(assignment))
        })
        .await?;
        Ok(found.filter(|a| applies(appeal, &a.body, a.holding)))
    }

    /// The assignments of the open appeals `body` holds, by appeal, for one of its officials
    /// (its inbox).
    pub async fn assignments_at(&self, official: &Account, body: &BodyId) -> Result<HashMap<AppealId, Assignment>> {
        self.require(official, &Action::HandleAppeal { body: body.clone() })?;
        let (store, people, owner) = (self.sealed.clone(), self.people.clone(), body.to_string());
        let all = run_blocking(move || {
            let records = store.list_by_owner(RecordKind::AppealAssignment, &owner, INBOX_ASSIGNMENTS)?;
            records
                .iter()
                .map(|r| {
                    let plain = people.open_standalone(&assignment_aad(&r.id), &r.sealed)?;
                    let assignment: Assignment =
                        serde_json::from_slice(&plain).map_err(internal("appeal assignment"))?;
                    Ok((r.id.clone(), assignment))
                })
                .collect::<std::result::Result<Vec<_>, PeopleError>>()
        })
        .await?;
        Ok(all
            .into_iter()
            .filter_map(|(id, a)| {
                let appeal = self.view.get(&id.as_str().parse().ok()?)?;
                applies(&appeal, &a.body, a.holding).then(|| (appeal.id.clone(), a))
            })
            .collect())
    }

    /// An official of the body holding an open appeal assigns it to one of that body's
    /// officials or heads (`assignee`, an account id; themself too), or clears its assignment
    /// (`None`). Not an act of the state: sealed in the private store, never logged.
    pub async fn assign(
        &self,
        official: &Account,
        id: &AppealId,
        assignee: Option<&str>,
    ) -> Result<Option<Assignment>> {
        let appeal = self.official_act(official, id, |body| Action::HandleAppeal { body })?;
        if !appeal.status.is_open() {
            return Err(AppealError::NotOpen);
        }
        let record_id = RecordId::new(appeal.id.as_str())?;
        let assignment = match assignee {
            None => None,
            Some(assignee) => {
                let assignee = self.staff_of_body(&appeal, assignee.trim()).await?;
                Some(Assignment {
                    body: appeal.body().clone(),
                    holding: holding(&appeal),
                    assignee,
                    by: official.id.clone(),
                    at_ms: now_ms(),
                })
            }
        };
        let sealed = match &assignment {
            Some(a) => {
                let plain = serde_json::to_vec(a).map_err(|e| AppealError::Internal(e.to_string()))?;
                Some((self.people.seal_standalone(&assignment_aad(&record_id), &plain), a.body.to_string()))
            }
            None => None,
        };
        let store = self.sealed.clone();
        // One statement each way, so a crash never leaves a case with no assignment at all.
        run_blocking(move || {
            match sealed {
                Some((sealed, body)) => {
                    store.replace(RecordKind::AppealAssignment, &record_id, &sealed, Some(&body), now_ms())?
                }
                None => {
                    store.delete(RecordKind::AppealAssignment, &record_id)?;
                }
            }
            Ok(())
        })
        .await?;
        Ok(assignment)
    }

    /// The account `assignee` names, if it is an official or the head of the body holding
    /// `appeal` and did not file it.
    async fn staff_of_body(&self, appeal: &Appeal, assignee: &str) -> Result<AccountId> {
        if assignee.is_empty() || assignee.len() > 64 {
            return Err(AppealError::AssigneeNotStaff);
        }
        let people = self.people.clone();
        let wanted = assignee.to_owned();
        let account = match run_blocking(move || people.account(&wanted)).await {
            Ok(account) => account,
            Err(PeopleError::NoSuchAccount | PeopleError::Erased) => return Err(AppealError::AssigneeNotStaff),
            Err(e) => return Err(e.into()),
        };
        if authorize(&account.actor(), &Action::HandleAppeal { body: appeal.body().clone() }).is_err() {
            return Err(AppealError::AssigneeNotStaff);
        }
        match self.refuse_own_appeal(&account, appeal) {
            Ok(()) => Ok(account.id),
            Err(AppealError::OwnAppeal) => Err(AppealError::AssigneeOwnAppeal),
            Err(e) => Err(e),
        }
    }

    /// Every note of an appeal, oldest first, whichever body wrote it.
    async fn notes(&self, appeal: &Appeal) -> Result<Vec<Note>> {
        let (store, people, owner) = (self.sealed.clone(), self.people.clone(), appeal.id.to_string());
        let mut notes = run_blocking(move || {
            let records = store.list_by_owner(RecordKind::AppealNote, &owner, MAX_NOTES as u32 + 1)?;
            records
                .iter()
                .map(|r| {
                    let plain = people.open_standalone(&note_aad(&r.id), &r.sealed)?;
                    let note: Note = serde_json::from_slice(&plain).map_err(internal("appeal note"))?;
                    let k: usize = r.id.as_str().rsplit_once("_n").and_then(|(_, k)| k.parse().ok()).unwrap_or(0);
                    Ok((k, note))
                })
                .collect::<std::result::Result<Vec<_>, PeopleError>>()
        })
        .await?;
        notes.sort_by_key(|(k, _)| *k);
        Ok(notes.into_iter().map(|(_, n)| n).collect())
    }

    /// An official of the body holding an appeal adds an internal note: at most
    /// [`MAX_NOTE_CHARS`] characters, at most [`MAX_NOTES`] on one appeal. Sealed in the
    /// private store, never logged.
    pub async fn add_note(&self, official: &Account, id: &AppealId, text: &str) -> Result<Note> {
        let appeal = self.official_act(official, id, |body| Action::HandleAppeal { body })?;
        let text = text.trim().replace("\r\n", "\n");
        if text.is_empty() {
            return Err(AppealError::NoteEmpty);
        }
        if text.chars().count() > MAX_NOTE_CHARS {
            return Err(AppealError::NoteTooLong);
        }
        let note = Note {
            body: appeal.body().clone(),
            holding: holding(&appeal),
            author: official.id.clone(),
            at_ms: now_ms(),
            text,
        };
        let plain =
            zeroize::Zeroizing::new(serde_json::to_vec(&note).map_err(|e| AppealError::Internal(e.to_string()))?);
        let (store, people, owner) = (self.sealed.clone(), self.people.clone(), appeal.id.to_string());
        let appeal_id = appeal.id.clone();
        run_blocking(move || {
            // Two officials writing at once both find the same next number; the second
            // takes the one after.
            for _ in 0..3 {
                let k = store.list_by_owner(RecordKind::AppealNote, &owner, MAX_NOTES as u32 + 1)?.len();
                if k >= MAX_NOTES {
                    return Ok(Err(AppealError::TooManyNotes));
                }
                let record_id = match note_id(&appeal_id, k) {
                    Ok(id) => id,
                    Err(e) => return Ok(Err(e)),
                };
                let sealed = people.seal_standalone(&note_aad(&record_id), &plain);
                match store.put(RecordKind::AppealNote, &record_id, &sealed, Some(&owner), now_ms()) {
                    Ok(()) => return Ok(Ok(())),
                    Err(StoreError::Conflict { .. }) => continue,
                    Err(e) => return Err(e.into()),
                }
            }
            Err(PeopleError::Internal("could not number the note: try again".into()))
        })
        .await??;
        Ok(note)
    }
}
