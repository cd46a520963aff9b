//! Verification from a census or registry file: an administrator imports the file (each
//! record sealed, found only by a keyed hash of the IIN); a person who is listed asks for a
//! one-time code, which goes to the e-mail address the registry lists for them, and proves
//! who they are by entering it. The answer to "send me a code" is the same whether or not the
//! IIN is listed, so the form cannot be used to learn who is in the registry.

use std::sync::Arc;

use dauys_core::{ActSignature, Commitment, Event, Locality, VerificationMethod};
use dauys_identity::iin::Iin;
use dauys_identity::policy::{authorize, Action};
use dauys_identity::registry::RegistryError;
use dauys_store::people::RegistryRow;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::{now_ms, Account, IdentityClaim, People, PeopleError};
use crate::sequencer::Receipt;

/// How long a code stays valid.
pub const CODE_TTL_MS: u64 = 15 * 60 * 1000;
/// Wrong codes before the person must ask for a new one.
pub const CODE_ATTEMPTS: u32 = 5;

/// One person as the registry lists them. Sealed in the store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryRecord {
    pub iin: String,
    pub given_name: String,
    pub family_name: String,
    pub locality: Locality,
    pub email: String,
    /// The administrator who imported it, who vouches for the verification on the ledger.
    pub imported_by: String,
}

/// A refused import: the rows that are wrong, by line number.
#[derive(Debug)]
pub struct ImportErrors(pub Vec<(usize, PeopleError)>);

impl From<RegistryError> for PeopleError {
    fn from(e: RegistryError) -> PeopleError {
        match e {
            RegistryError::Header => PeopleError::RegistryHeader,
            RegistryError::Row => PeopleError::RegistryRow,
            RegistryError::Iin(e) => PeopleError::Iin(e),
            RegistryError::Field(e) => e.into(),
        }
    }
}

fn registry_aad(lookup: &[u8]) -> Vec<u8> {
    let mut aad = b"dauys/registry/v1:".to_vec();
    aad.extend_from_slice(lookup);
    aad
}

impl People {
    fn iin_lookup(&self, iin: &Iin) -> Vec<u8> {
        self.ring().lookup("registry-iin", iin.expose_digits()).to_vec()
    }

    fn code_hash(&self, account_id: &str, code: &str) -> Vec<u8> {
        self.ring().lookup("registry-code", &format!("{account_id}:{code}")).to_vec()
    }

    /// Parses and checks a registry file (`iin,given_name,family_name,locality,email` with a
    /// header line; see [`dauys_identity::registry`]). Every row must be valid, or nothing is
    /// imported.
    pub fn parse_registry(&self, csv_text: &str, by: &Account) -> Result<Vec<RegistryRecord>, ImportErrors> {
        let entries = dauys_identity::registry::parse_registry(csv_text)
            .map_err(|errors| ImportErrors(errors.into_iter().map(|(line, e)| (line, e.into())).collect()))?;
        Ok(entries
            .into_iter()
            .map(|e| RegistryRecord {
                iin: e.iin.expose_digits().to_string(),
                given_name: e.given_name,
                family_name: e.family_name,
                locality: e.locality,
                email: e.email,
                imported_by: by.id.to_string(),
            })
            .collect())
    }

    /// Imports checked records and logs `registry.imported` with the file's SHA-256, signed
    /// by the administrator when they hold a key: an act the log would refuse unsigned comes
    /// back as [`PeopleError::Unsigned`] before any record is stored.
    pub async fn import_registry(
        self: &Arc<Self>,
        by: &Account,
        csv_text: &str,
        records: Vec<RegistryRecord>,
        signature: Option<ActSignature>,
    ) -> Result<Receipt, PeopleError> {
        authorize(&by.actor(), &Action::ImportRegistry)?;
        let digest: [u8; 32] = Sha256::digest(csv_text.as_bytes()).into();
        let count = u32::try_from(records.len()).map_err(|_| PeopleError::InvalidField { field: "csv", max: 0 })?;
        let event =
            Event::RegistryImported { records: count, digest: Commitment::from_digest(&digest), by: by.id.clone() };
        self.check_signature_first(&event, signature.as_ref()).await?;
        self.blocking(move |people| {
            let mut rows = Vec::with_capacity(records.len());
            for record in records {
                let iin = Iin::parse(&record.iin)?;
                let lookup = people.iin_lookup(&iin);
                let plain =
                    Zeroizing::new(serde_json::to_vec(&record).map_err(|e| PeopleError::Internal(e.to_string()))?);
                rows.push(RegistryRow {
                    sealed_record: people.seal_standalone(&registry_aad(&lookup), &plain),
                    iin_lookup: lookup,
                    code_hash: None,
                    code_expires_ms: 0,
                    code_attempts: 0,
                    claimed_by: None,
                });
            }
            Ok(people.registry.upsert(&rows)?)
        })
        .await?;
        Ok(self.sequencer.submit_signed(event, signature).await?)
    }

    /// Sends a one-time code to the registry's address for `iin`, if it is listed and not yet
    /// claimed. Says nothing about whether it was: the caller shows the same answer, and the
    /// work runs after the answer, so its duration cannot tell either.
    pub fn request_registry_code(self: &Arc<Self>, account: &Account, iin: &str) -> Result<(), PeopleError> {
        let iin = Iin::parse(iin)?;
        let this = self.clone();
        let account_id = account.row.id.clone();
        tokio::spawn(async move {
            if let Err(e) = this.send_registry_code(account_id, iin).await {
                tracing::warn!(error = %e, "registry code not sent");
            }
        });
        Ok(())
    }

    async fn send_registry_code(self: &Arc<Self>, account_id: String, iin: Iin) -> Result<(), PeopleError> {
        self.blocking(move |people| {
            let lookup = people.iin_lookup(&iin);
            let Some(mut row) = people.registry.get(&lookup)? else { return Ok(()) };
            if row.claimed_by.is_some() {
                return Ok(());
            }
            let record = people.open_registry_record(&row)?;
            let code = super::random_digits(8)?;
            row.code_hash = Some(people.code_hash(&account_id, &code));
            row.code_expires_ms = now_ms() + CODE_TTL_MS;
            row.code_attempts = 0;
            people.registry.update(&row)?;
            people.enqueue_mail(&super::mail::Mail::registry_code(&record.email, &code))
        })
        .await
    }

    fn open_registry_record(&self, row: &RegistryRow) -> Result<RegistryRecord, PeopleError> {
        let plain = self.open_standalone(&registry_aad(&row.iin_lookup), &row.sealed_record)?;
        serde_json::from_slice(&plain).map_err(|e| PeopleError::Internal(format!("registry record: {e}")))
    }

    /// Checks the code and, if right, verifies the account with the registry's record.
    pub async fn redeem_registry_code(
        self: &Arc<Self>,
        account: &Account,
        iin: &str,
        code: &str,
    ) -> Result<Receipt, PeopleError> {
        let iin = Iin::parse(iin)?;
        let (account_id, code) = (account.row.id.clone(), code.trim().to_string());
        let record = self
            .blocking(move |people| {
                let lookup = people.iin_lookup(&iin);
                let wrong = PeopleError::WrongCode;
                let Some(mut row) = people.registry.get(&lookup)? else { return Err(wrong) };
                let Some(expected) = row.code_hash.clone() else { return Err(wrong) };
                if row.claimed_by.is_some() || row.code_expires_ms <= now_ms() || row.code_attempts >= CODE_ATTEMPTS {
                    return Err(wrong);
                }
                if !bool::from(people.code_hash(&account_id, &code).ct_eq(&expected)) {
                    row.code_attempts += 1;
                    people.registry.update(&row)?;
                    return Err(wrong);
                }
                let record = people.open_registry_record(&row)?;
                // Single use: spent now, claimed once the verification is on the ledger.
                row.code_hash = None;
                people.registry.update(&row)?;
                Ok((record, row))
            })
            .await?;
        let (record, mut row) = record;
        let admin = self.account_blocking(&record.imported_by).await?;
        let claim = IdentityClaim {
            iin: record.iin,
            given_name: record.given_name,
            family_name: record.family_name,
            locality: record.locality,
        };
        let receipt = self.verify(&account.id, &claim, VerificationMethod::Registry, Some(&admin)).await?;
        row.claimed_by = Some(account.row.id.clone());
        self.blocking(move |people| Ok(people.registry.update(&row)?)).await?;
        Ok(receipt)
    }

    async fn account_blocking(self: &Arc<Self>, id: &str) -> Result<Account, PeopleError> {
        let id = id.to_string();
        self.blocking(move |people| people.account(&id)).await
    }
}
