//! Private drafts. A draft is its author's alone until they launch it: it is sealed under the
//! author's own data key in the private store (`RecordKind::PetitionDraft`, listed among the
//! author's records), so nothing of it is on the public log, and erasing the account shreds
//! it. Launching logs it (`petition.drafted`), then launches it (`petition.launched`).
//!
//! A log written before drafts were private may hold drafts already (`petition.drafted`
//! without a launch). Their author edits them here too: the edit is kept privately, and
//! launching logs it over the public draft.

use dauys_core::TopicCode;
use dauys_core::{AccountId, BodyId, Event, Level, PartialText, PetitionId, PetitionStatus, RuleError, Timestamp};
use dauys_store::{RecordId, RecordKind};
use serde::{Deserialize, Serialize};

use super::{new_petition_id, now_ms, Draft, Eligible, PetitionError, Petitions, Result, SignReceipt};
use crate::people::{run_blocking, Account, Person};

/// How many unlaunched drafts one account keeps at most: each may be a hundred kilobytes,
/// and an account is cheap.
pub const MAX_DRAFTS_PER_ACCOUNT: usize = 20;

/// A draft as its author last saved it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedDraft {
    pub petition: PetitionId,
    pub body: BodyId,
    pub level: Level,
    pub topic: TopicCode,
    pub title: PartialText,
    pub text: PartialText,
    pub saved_at: Timestamp,
    /// Whether the log holds it already: a draft saved before drafts were private, which
    /// anyone can read. Never sealed.
    #[serde(skip)]
    pub on_log: bool,
}

impl SavedDraft {
    pub fn draft(&self) -> Draft {
        Draft {
            petition: Some(self.petition.clone()),
            body: self.body.clone(),
            level: self.level,
            topic: self.topic.clone(),
            title: self.title.clone(),
            text: self.text.clone(),
        }
    }
}

/// Binds a sealed draft to its author and its petition: a record moved to another row or
/// another account does not open.
fn aad(account: &AccountId, petition: &PetitionId) -> Vec<u8> {
    format!("dauys/petition-draft/v1:{account}:{petition}").into_bytes()
}

fn record_id(petition: &PetitionId) -> Result<RecordId> {
    RecordId::new(petition.as_str()).map_err(|e| PetitionError::Internal(format!("draft record id: {e}")))
}

impl Petitions {
    /// Saves a draft privately: a new one (`draft.petition` is `None`; the id is picked here
    /// and returned) or a new version of one of the author's. The texts pass the rules for
    /// new public text now, so that launching later does not fail on them.
    pub async fn draft(&self, who: impl Into<Person<'_>>, draft: Draft) -> Result<PetitionId> {
        let person = who.into();
        let account = person.account();
        let who = self.eligible(person)?;
        let new = draft.petition.is_none();
        let petition = match &draft.petition {
            Some(id) => {
                // Only the author's own draft, private or on the log, takes a new version.
                self.editable_draft(account, id).await?.ok_or(PetitionError::NotFound)?;
                id.clone()
            }
            None => new_petition_id()?,
        };
        let checked = self.drafted_event(&who, &petition, &draft)?;
        checked.validate().map_err(|e| PetitionError::Rejected(RuleError::InvalidEvent(e)))?;
        checked.check_new().map_err(|e| PetitionError::Rejected(RuleError::InvalidEvent(e)))?;
        let saved = SavedDraft {
            petition: petition.clone(),
            body: draft.body,
            level: draft.level,
            topic: draft.topic,
            title: draft.title,
            text: draft.text,
            saved_at: Timestamp(now_ms()),
            on_log: false,
        };
        let plain =
            zeroize::Zeroizing::new(serde_json::to_vec(&saved).map_err(|e| PetitionError::Internal(e.to_string()))?);
        let sealed = self.people.seal_owned(&account.row, &aad(&account.id, &petition), &plain)?;
        let (store, id, owner) = (self.sealed.clone(), record_id(&petition)?, account.id.to_string());
        let at = saved.saved_at.0;
        let kept = run_blocking(move || {
            if !new {
                store.replace(RecordKind::PetitionDraft, &id, &sealed, Some(&owner), at)?;
                return Ok(true);
            }
            let limit = MAX_DRAFTS_PER_ACCOUNT as u32 + 1;
            if store.list_by_owner(RecordKind::PetitionDraft, &owner, limit)?.len() >= MAX_DRAFTS_PER_ACCOUNT {
                return Ok(false);
            }
            store.put(RecordKind::PetitionDraft, &id, &sealed, Some(&owner), at)?;
            Ok(true)
        })
        .await;
        match kept {
            Ok(false) => Err(PetitionError::TooManyDrafts { max: MAX_DRAFTS_PER_ACCOUNT }),
            Ok(true) => Ok(petition),
            Err(e) => Err(e.into()),
        }
    }

    /// The `petition.drafted` event that logs `draft` as `who`'s: the territory follows from
    /// the level and the body, or from where the author lives.
    fn drafted_event(&self, who: &Eligible, petition: &PetitionId, draft: &Draft) -> Result<Event> {
        let body = self
            .deployment
            .body(&draft.body)
            .ok_or_else(|| PetitionError::Rejected(RuleError::UnknownBody(draft.body.to_string())))?;
        let territory = draft
            .level
            .territory_for(&body, &who.identity.locality)
            .map_err(|e| PetitionError::Rejected(RuleError::InvalidEvent(e)))?;
        Ok(Event::PetitionDrafted {
            petition: petition.clone(),
            author: self.people.petition_pseudonym(&who.iin, petition),
            body: draft.body.clone(),
            level: draft.level,
            territory,
            topic: draft.topic.clone(),
            title: draft.title.clone(),
            text: draft.text.clone(),
        })
    }

    /// The author's private draft of `petition`, opened; `None` if the account keeps none (a
    /// draft is the author's alone: another account's record is as good as none) or if the
    /// petition was launched since.
    pub async fn private_draft(&self, account: &Account, petition: &PetitionId) -> Result<Option<SavedDraft>> {
        if self.view().get(petition).is_some_and(|p| p.status != PetitionStatus::Draft) {
            return Ok(None);
        }
        let (store, id) = (self.sealed.clone(), record_id(petition)?);
        let Some(record) = run_blocking(move || Ok(store.get(RecordKind::PetitionDraft, &id)?)).await? else {
            return Ok(None);
        };
        if record.owner.as_deref() != Some(account.id.as_str()) {
            return Ok(None);
        }
        self.open_draft(account, petition, &record.sealed).map(Some)
    }

    fn open_draft(&self, account: &Account, petition: &PetitionId, sealed: &[u8]) -> Result<SavedDraft> {
        let plain = self.people.open_owned(&account.row, &aad(&account.id, petition), sealed)?;
        serde_json::from_slice(&plain).map_err(|e| PetitionError::Internal(format!("draft record: {e}")))
    }

    /// The draft of `petition` its author may edit and launch: their private one, else their
    /// draft on the log (from before drafts were private).
    pub async fn editable_draft(&self, account: &Account, petition: &PetitionId) -> Result<Option<SavedDraft>> {
        if let Some(saved) = self.private_draft(account, petition).await? {
            return Ok(Some(saved));
        }
        let Some(p) = self.view().get(petition) else { return Ok(None) };
        if p.status != PetitionStatus::Draft || !(self.written_by(account))(&p) {
            return Ok(None);
        }
        Ok(Some(SavedDraft {
            petition: p.id.clone(),
            body: p.body.clone(),
            level: p.level,
            topic: p.topic.clone(),
            title: p.title.clone(),
            text: p.text.clone(),
            saved_at: p.drafted_at,
            on_log: true,
        }))
    }

    /// The account's unlaunched private drafts, the last saved first.
    pub async fn private_drafts(&self, account: &Account) -> Result<Vec<SavedDraft>> {
        let (store, owner) = (self.sealed.clone(), account.id.to_string());
        let limit = MAX_DRAFTS_PER_ACCOUNT as u32;
        let records = run_blocking(move || Ok(store.list_by_owner(RecordKind::PetitionDraft, &owner, limit)?)).await?;
        let mut drafts = Vec::with_capacity(records.len());
        for record in records {
            let Ok(petition) = record.id.as_str().parse::<PetitionId>() else { continue };
            if self.view().get(&petition).is_some_and(|p| p.status != PetitionStatus::Draft) {
                // Launched, and its record outlived the launch (`launch` could not delete it):
                // deleted now, so it no longer counts against the author's limit.
                if self.forget_draft(&petition).await.is_err() {
                    tracing::error!(%petition, "could not delete the private draft of a launched petition");
                }
                continue;
            }
            drafts.push(self.open_draft(account, &petition, &record.sealed)?);
        }
        drafts.sort_by_key(|d| std::cmp::Reverse(d.saved_at));
        Ok(drafts)
    }

    /// Deletes the author's private draft; NotFound if they keep none of that petition.
    pub async fn delete_draft(&self, account: &Account, petition: &PetitionId) -> Result<()> {
        self.private_draft(account, petition).await?.ok_or(PetitionError::NotFound)?;
        self.forget_draft(petition).await
    }

    async fn forget_draft(&self, petition: &PetitionId) -> Result<()> {
        let (store, id) = (self.sealed.clone(), record_id(petition)?);
        run_blocking(move || Ok(store.delete(RecordKind::PetitionDraft, &id)?)).await?;
        Ok(())
    }

    /// Launches the author's draft: logs the private draft, if any (else the draft on the log
    /// stands), launches it, and signs it as its first supporter. The private record goes
    /// once the launch is logged; if the log refuses either act, the draft stays private and
    /// whole, to be launched again.
    pub async fn launch(&self, who: impl Into<Person<'_>>, petition: &PetitionId) -> Result<SignReceipt> {
        let person = who.into();
        let account = person.account();
        let who = self.eligible(person)?;
        if let Some(saved) = self.private_draft(account, petition).await? {
            self.sequencer.submit(self.drafted_event(&who, petition, &saved.draft())?).await?;
        }
        let by = self.people.petition_pseudonym(&who.iin, petition);
        self.sequencer.submit(Event::PetitionLaunched { petition: petition.clone(), by }).await?;
        if self.forget_draft(petition).await.is_err() {
            // Harmless: a launched petition's record is never read again (`private_draft`).
            tracing::error!(%petition, "could not delete the private draft of a launched petition");
        }
        let p = self.get(petition)?;
        self.submit_signature(&p, &who).await
    }
}
