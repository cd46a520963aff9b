//! People: accounts, sessions, identity verification, the vault of personal data and
//! accountable openings of it. Handlers in [`pages`] call the operations here; every
//! decision of who may do what is [`dauys_identity::policy::authorize`]'s.
//!
//! What the database holds about a person is either sealed with the person's data key
//! (wrapped by the master key, which lives outside the database) or a keyed hash; what the
//! log holds is a pseudonym, a random account id or a commitment. A stolen database or a
//! copied log reveals no identifier, name, e-mail or phone number.

pub mod guard;
pub mod linking;
pub mod mail;
pub mod oidc;
pub mod pages;
pub mod registry;
pub mod reset;
pub mod session;

use std::sync::Arc;

use dauys_core::{
    AccountId, ActKeys, ActSignature, BasisCode, BodyId, Commitment, Event, Locality, LogIndex, Pseudonym, RowKey,
    RuleError, Staff, VerificationMethod,
};
use dauys_identity::iin::Iin;
use dauys_identity::password::{self, PasswordParams};
use dauys_identity::policy::{authorize, Action, Actor, Denied, RoleGrant};
use dauys_identity::pseudonym::{opening_commitment, PseudonymContext, PseudonymKeyRing};
use dauys_identity::vault::{DataKey, MasterKey, WrappedKey};
use dauys_store::people::{AccountRow, Accounts, OpeningRow, Openings, Outbox, Registry};
use dauys_store::StoreError;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::pending_acts::{ActToSign, PendingActs, PendingError, SignedPending};
use crate::sequencer::{Receipt, SequencerHandle, SubmitError};

/// What a person told us or an identity provider vouched for. Sealed as one record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
}

/// A verified identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    pub iin: String,
    pub given_name: String,
    pub family_name: String,
    /// `YYYY-MM-DD`, from the IIN.
    pub birth_date: String,
    pub locality: Locality,
    pub method: VerificationMethod,
    /// Log index of the `person.verified` entry.
    pub verified_index: u64,
}

/// Who a person says they are (to an administrator) or a provider says they are.
#[derive(Clone, Debug)]
pub struct IdentityClaim {
    pub iin: String,
    pub given_name: String,
    pub family_name: String,
    pub locality: Locality,
}

/// Why an operation on people failed. `code()` is stable and picks the translated message.
#[derive(Debug, thiserror::Error)]
pub enum PeopleError {
    #[error("e-mail address or password is wrong")]
    WrongCredentials,
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("the server is busy checking other passwords; try again in {retry_after_secs} seconds")]
    Busy { retry_after_secs: u64 },
    #[error("not a valid e-mail address")]
    InvalidEmail,
    #[error("this address cannot be used for this account")]
    EmailUnavailable,
    #[error("the first line of a registry file must be: iin,given_name,family_name,locality,email")]
    RegistryHeader,
    #[error("a registry line is not valid CSV with five fields")]
    RegistryRow,
    #[error("{0}")]
    Password(#[from] dauys_identity::password::PasswordError),
    #[error("{0}")]
    Iin(#[from] dauys_identity::iin::IinError),
    #[error("{0}")]
    Denied(#[from] Denied),
    #[error("{field} is empty or too long (at most {max} characters)")]
    InvalidField { field: &'static str, max: usize },
    #[error("this identity is already verified for another account")]
    IdentityTaken,
    #[error("this account is already verified")]
    AlreadyVerified,
    #[error("the person is not verified, so there is no personal data to open")]
    NotVerified,
    #[error("no such account")]
    NoSuchAccount,
    #[error("this account's personal data was erased")]
    Erased,
    #[error("the ledger refused the act: {0}")]
    Rejected(RuleError),
    /// The act must be signed with the person's key; handed back for signing.
    #[error("this act must be signed with your signing key")]
    Unsigned(Box<Event>),
    /// The act draws a nonce and must be signed: shown for signing with the token of its
    /// nonce ([`crate::pending_acts`]).
    #[error("this act must be signed with your signing key")]
    ToSign(Box<ActToSign>),
    #[error("{0}")]
    Pending(#[from] PendingError),
    #[error("the ledger could not record the act: {0}")]
    Ledger(SubmitError),
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error("the vault could not open a record: {0}")]
    Vault(#[from] dauys_identity::vault::VaultError),
    #[error("the identity provider: {0}")]
    Oidc(String),
    #[error("the identity provider did not confirm the identity: {0}")]
    OidcRefused(String),
    #[error("this sign-in at the identity provider was not started here, or took too long; start again")]
    OidcStateUnknown,
    #[error("verification through an identity provider is not configured on this deployment")]
    OidcDisabled,
    #[error("the code is wrong, expired or already used; ask for a new one")]
    WrongCode,
    #[error("the pseudonym keys come from the environment; rotate them by changing DAUYS_PSEUDONYM_KEYS")]
    KeysFromEnvironment,
    #[error("this password reset link is invalid, expired or already used; ask for a new one")]
    ResetLinkInvalid,
    #[error("this confirmation link is invalid or expired; ask for a new one")]
    ConfirmLinkInvalid,
    #[error("internal: {0}")]
    Internal(String),
}

impl PeopleError {
    pub fn code(&self) -> &'static str {
        match self {
            PeopleError::WrongCredentials => "wrong-credentials",
            PeopleError::TooManyAttempts { .. } => "too-many-attempts",
            PeopleError::Busy { .. } => "busy",
            PeopleError::InvalidEmail => "invalid-email",
            PeopleError::EmailUnavailable => "email-unavailable",
            PeopleError::RegistryHeader => "registry-header",
            PeopleError::RegistryRow => "registry-row",
            PeopleError::Password(e) => e.code(),
            PeopleError::Iin(e) => e.code(),
            PeopleError::Denied(e) => e.code(),
            PeopleError::InvalidField { .. } => "invalid-field",
            PeopleError::IdentityTaken => "identity-taken",
            PeopleError::AlreadyVerified => "already-verified",
            PeopleError::NotVerified => "not-verified",
            PeopleError::NoSuchAccount => "no-such-account",
            PeopleError::Erased => "erased",
            PeopleError::Rejected(e) => e.code(),
            PeopleError::Unsigned(_) | PeopleError::ToSign(_) => "act-not-signed",
            PeopleError::Pending(PendingError::Expired) => "act-expired",
            PeopleError::Pending(PendingError::Random(_)) => "internal",
            PeopleError::Ledger(_) => "ledger-unavailable",
            PeopleError::Store(_) => "storage-unavailable",
            PeopleError::Vault(_) => "vault-error",
            PeopleError::Oidc(_) => "oidc-failed",
            PeopleError::OidcRefused(_) => "oidc-refused",
            PeopleError::OidcStateUnknown => "oidc-state-unknown",
            PeopleError::OidcDisabled => "oidc-disabled",
            PeopleError::WrongCode => "wrong-code",
            PeopleError::KeysFromEnvironment => "keys-from-environment",
            PeopleError::ResetLinkInvalid => "reset-link-invalid",
            PeopleError::ConfirmLinkInvalid => "confirm-link-invalid",
            PeopleError::Internal(_) => "internal",
        }
    }

    /// Is this the person's to fix (4xx), rather than the server's (5xx)?
    pub fn is_client_error(&self) -> bool {
        !matches!(
            self,
            PeopleError::Ledger(_)
                | PeopleError::Store(_)
                | PeopleError::Vault(_)
                | PeopleError::Internal(_)
                | PeopleError::Pending(PendingError::Random(_))
                | PeopleError::Oidc(_)
                | PeopleError::Busy { .. }
        )
    }

    /// When the client should try again, for a `Retry-After` header.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            PeopleError::TooManyAttempts { retry_after_secs } | PeopleError::Busy { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }
}

impl From<SubmitError> for PeopleError {
    fn from(e: SubmitError) -> Self {
        match e {
            SubmitError::Rejected(rule) => PeopleError::Rejected(rule),
            SubmitError::Unsigned(event) => PeopleError::Unsigned(event),
            other => PeopleError::Ledger(other),
        }
    }
}

type Result<T> = std::result::Result<T, PeopleError>;

/// A person acting as a citizen (signing, writing, filing). A page has usually opened their
/// sealed profile already (to show it, through `Citizen::identity`) and passes what it found,
/// so that a request decrypts the profile once; a caller that has not passes the account
/// alone and the service opens the profile itself.
#[derive(Clone, Copy)]
pub struct Person<'a> {
    account: &'a Account,
    identity: Opened<'a>,
}

#[derive(Clone, Copy)]
enum Opened<'a> {
    /// The verified identity the caller found (`None`: not verified, or erased).
    Already(Option<&'a Identity>),
    NotYet,
}

impl<'a> Person<'a> {
    /// An account whose profile the caller has opened, finding `identity`.
    pub fn opened(account: &'a Account, identity: Option<&'a Identity>) -> Person<'a> {
        Person { account, identity: Opened::Already(identity) }
    }

    pub fn account(&self) -> &'a Account {
        self.account
    }

    /// The person's verified identity (`None`: not verified), opening their profile unless
    /// the caller already did.
    pub fn identity(&self, people: &People) -> Result<Option<Identity>> {
        match self.identity {
            Opened::Already(identity) => Ok(identity.cloned()),
            Opened::NotYet => Ok(people.profile(&self.account.row)?.identity),
        }
    }
}

impl<'a> From<&'a Account> for Person<'a> {
    fn from(account: &'a Account) -> Person<'a> {
        Person { account, identity: Opened::NotYet }
    }
}

/// A signed-in account, as a request sees it.
#[derive(Clone, Debug)]
pub struct Account {
    pub row: AccountRow,
    pub id: AccountId,
    pub staff: Option<Staff>,
}

impl Account {
    pub fn actor(&self) -> Actor {
        let grants = self
            .staff
            .iter()
            .flat_map(|s| s.grants.iter())
            .filter_map(|g| RoleGrant::new(g.role, g.body.clone()).ok())
            .collect();
        Actor::signed_in(self.id.clone(), grants)
    }

    pub fn may(&self, action: &Action) -> bool {
        authorize(&self.actor(), action).is_ok()
    }
}

/// One opening of the account holder's data, as their "who looked" page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct SeenOpening {
    pub opening: dauys_core::DataOpening,
    /// The subject's data-access pseudonym and the nonce: with them anyone can recompute the
    /// commitment logged in the event.
    pub pseudonym: String,
    pub nonce_hex: String,
}

/// The legal bases published on a new log, following Kazakhstan's law on personal data;
/// the deployment replaces them with an `access_bases.published` event.
pub fn default_access_bases() -> Vec<dauys_core::AccessBasis> {
    use dauys_core::{AccessBasis, LocalizedText};
    let basis = |code: &str, kk: &str, ru: &str, en: &str, days: u16| AccessBasis {
        code: code.parse().expect("valid basis code"),
        name: LocalizedText::new(kk, ru, en),
        disclosure_delay_days: days,
    };
    vec![
        basis(
            "appeal-consideration",
            "Азаматтың өз өтінішін қарау (ҚР Әкімшілік рәсімдік-процестік кодексі)",
            "Рассмотрение обращения самого гражданина (Административный процедурно-процессуальный кодекс РК)",
            "Consideration of the person's own appeal (Administrative Procedural Code)",
            0,
        ),
        basis(
            "petition-check",
            "Петиция қолтаңбасын тексеру",
            "Проверка подписи под петицией",
            "Checking a petition signature",
            0,
        ),
        basis("court-request", "Соттың сұрауы", "Запрос суда", "A court's request", 0),
        basis(
            "criminal-investigation",
            "Сотқа дейінгі тергеп-тексеру (ҚР Қылмыстық-процестік кодексі); азаматқа 180 күннен кейін көрсетіледі",
            "Досудебное расследование (Уголовно-процессуальный кодекс РК); гражданину показывается через 180 дней",
            "Pre-trial investigation (Criminal Procedure Code); shown to the person after 180 days",
            180,
        ),
    ]
}

/// The people service: keys, store and the log's submission handle.
pub struct People {
    store: Accounts,
    openings: Openings,
    outbox: Outbox,
    registry: Registry,
    reader: Arc<dyn dauys_store::Reader>,
    sequencer: SequencerHandle,
    master: MasterKey,
    /// Replaced whole by a rotation; readers take a snapshot reference for one operation.
    pseudonyms: std::sync::RwLock<Arc<PseudonymKeyRing>>,
    /// Where the ring is kept, so a rotation can save it; `None` when it came from the
    /// environment (then the operator rotates by changing the variable).
    pseudonym_ring_path: Option<std::path::PathBuf>,
    password_params: PasswordParams,
    first_administrator_email: String,
    password_pool: guard::PasswordPool,
    throttle: guard::SignInThrottle,
    device_key: guard::DeviceKey,
    /// Nonces of acts shown to their authors for signing (openings here, sealed appeal
    /// texts in the appeals service).
    pending: PendingActs,
    /// Keys made in a second browser, waiting for a signature by a key in force.
    waiting_keys: linking::WaitingKeys,
}

/// What became of a key a person registered.
#[derive(Debug)]
pub enum KeyRegistration {
    Registered(Receipt),
    /// The account holds keys already and this browser none of them: the registration
    /// waits until a browser that holds one signs it (`linking`).
    Waiting,
}

/// A successful sign-in: the account, its new session's cookie token, and the device
/// cookie that lets this browser skip the per-name delay next time.
pub struct SignedIn {
    pub account: Account,
    pub session_token: String,
    pub device_cookie: String,
}

pub struct PeopleKeys {
    pub master: MasterKey,
    pub pseudonyms: PseudonymKeyRing,
    pub pseudonym_ring_path: Option<std::path::PathBuf>,
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// `u-` and 16 random hex digits: public, and says nothing about its holder.
fn new_account_id() -> Result<AccountId> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(|e| PeopleError::Internal(e.to_string()))?;
    format!("u-{}", hex::encode(bytes))
        .parse()
        .map_err(|e: dauys_core::EventError| PeopleError::Internal(e.to_string()))
}

fn random_32() -> Result<[u8; 32]> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| PeopleError::Internal(e.to_string()))?;
    Ok(bytes)
}

/// Trimmed and lower-cased; a light syntax check (the real check is the mail arriving). See
/// [`dauys_identity::fields::normalize_email`].
pub fn normalize_email(email: &str) -> Result<String> {
    Ok(dauys_identity::fields::normalize_email(email)?)
}

/// A one-line field a person typed: trimmed, non-empty, at most `max` characters. See
/// [`dauys_identity::fields::clean_line`].
pub fn clean_line(field: &'static str, value: &str, max: usize) -> Result<String> {
    Ok(dauys_identity::fields::clean_line(field, value, max)?)
}

impl From<dauys_identity::fields::FieldError> for PeopleError {
    fn from(e: dauys_identity::fields::FieldError) -> PeopleError {
        match e {
            dauys_identity::fields::FieldError::InvalidEmail => PeopleError::InvalidEmail,
            dauys_identity::fields::FieldError::InvalidField { field, max } => PeopleError::InvalidField { field, max },
        }
    }
}

/// Runs blocking work (storage, Argon2id, the OIDC client) on Tokio's blocking pool, never on
/// the async workers; a panic in it becomes an internal error.
pub(crate) async fn run_blocking<T: Send + 'static>(work: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work).await.map_err(|e| PeopleError::Internal(e.to_string()))?
}

/// `n` random decimal digits (a one-time code).
pub(crate) fn random_digits(n: usize) -> Result<String> {
    let mut out = String::with_capacity(n);
    while out.len() < n {
        let mut byte = [0u8; 1];
        getrandom::getrandom(&mut byte).map_err(|e| PeopleError::Internal(e.to_string()))?;
        // 250 = 25 × 10: rejecting 250..=255 keeps the digits uniform.
        if byte[0] < 250 {
            out.push(char::from(b'0' + byte[0] % 10));
        }
    }
    Ok(out)
}

fn profile_aad(id: &str) -> Vec<u8> {
    format!("dauys/profile/v1:{id}").into_bytes()
}

fn data_key_aad(id: &str) -> Vec<u8> {
    format!("dauys/data-key/v1:{id}").into_bytes()
}

fn opening_aad(id: &str, index: u64) -> Vec<u8> {
    format!("dauys/opening-nonce/v1:{id}:{index}").into_bytes()
}

/// Why an official opens a person's record, checked: they may for `body`, and the purpose
/// and the case are single lines within their limits.
struct OpeningReason {
    body: BodyId,
    basis: BasisCode,
    purpose: String,
    case: String,
}

impl OpeningReason {
    fn stated(
        official: &Account,
        body: &BodyId,
        basis: &BasisCode,
        purpose: &str,
        case: &str,
    ) -> Result<OpeningReason> {
        authorize(&official.actor(), &Action::OpenPersonalData { body: body.clone() })?;
        Ok(OpeningReason {
            body: body.clone(),
            basis: basis.clone(),
            purpose: clean_line("purpose", purpose, dauys_core::MAX_PURPOSE_CHARS)?,
            case: clean_line("case", case, dauys_core::MAX_CASE_CHARS)?,
        })
    }
}

impl People {
    pub fn new(
        store: &dauys_store::PrivateStore,
        reader: Arc<dyn dauys_store::Reader>,
        sequencer: SequencerHandle,
        keys: PeopleKeys,
        password_params: PasswordParams,
        first_administrator_email: &str,
    ) -> People {
        People {
            store: store.accounts.clone(),
            openings: store.openings.clone(),
            outbox: store.outbox.clone(),
            registry: store.registry.clone(),
            reader,
            sequencer,
            master: keys.master,
            pseudonyms: std::sync::RwLock::new(Arc::new(keys.pseudonyms)),
            pseudonym_ring_path: keys.pseudonym_ring_path,
            password_params,
            first_administrator_email: first_administrator_email.trim().to_lowercase(),
            password_pool: guard::PasswordPool::new(1, std::time::Duration::from_secs(2), Default::default()),
            throttle: guard::SignInThrottle::default(),
            device_key: guard::DeviceKey::generate(),
            pending: PendingActs::default(),
            waiting_keys: linking::WaitingKeys::default(),
        }
    }

    /// Sets the number of password threads and the wait for one (see [`guard::PasswordPool`]).
    pub fn with_password_pool(
        mut self,
        slots: usize,
        queue_wait: std::time::Duration,
        refusals: prometheus_client::metrics::counter::Counter,
    ) -> People {
        self.password_pool = guard::PasswordPool::new(slots, queue_wait, refusals);
        self
    }

    /// Seals a record that belongs to no account (a registry row, a mail) under a fresh data
    /// key wrapped by the master key: `wrapped key || sealed`.
    pub(crate) fn seal_standalone(&self, aad: &[u8], plain: &[u8]) -> Vec<u8> {
        let key = DataKey::generate();
        let mut out = self.master.wrap_data_key(&key, aad).to_bytes().to_vec();
        out.extend_from_slice(&key.seal(aad, plain));
        out
    }

    pub(crate) fn open_standalone(&self, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let split = dauys_identity::vault::WRAPPED_KEY_BYTES.min(sealed.len());
        let (wrapped, body) = sealed.split_at(split);
        let key = self.master.unwrap_data_key(&WrappedKey::from_bytes(wrapped)?, aad)?;
        Ok(key.open(aad, body)?)
    }

    /// Seals a record that belongs to the account under the account's own data key, so that
    /// erasing the account (which destroys that key) shreds the record with the profile.
    pub(crate) fn seal_owned(&self, row: &AccountRow, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>> {
        Ok(self.data_key(row)?.seal(aad, plain))
    }

    /// Opens a record [`seal_owned`](Self::seal_owned) sealed; `Erased` once the account was.
    pub(crate) fn open_owned(&self, row: &AccountRow, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        Ok(self.data_key(row)?.open(aad, sealed)?)
    }

    /// The key ring in use now.
    pub(crate) fn ring(&self) -> Arc<PseudonymKeyRing> {
        // A poisoned lock only means a panic while swapping in a whole new ring: the value
        // inside is either the old or the new ring, both usable.
        self.pseudonyms.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn email_lookup(&self, email: &str) -> Vec<u8> {
        self.ring().lookup("email", email).to_vec()
    }

    fn data_key(&self, row: &AccountRow) -> Result<DataKey> {
        let wrapped = row.wrapped_key.as_deref().ok_or(PeopleError::Erased)?;
        let wrapped = WrappedKey::from_bytes(wrapped)?;
        Ok(self.master.unwrap_data_key(&wrapped, &data_key_aad(&row.id))?)
    }

    /// The account's decrypted profile.
    pub fn profile(&self, row: &AccountRow) -> Result<Profile> {
        let key = self.data_key(row)?;
        let sealed = row.sealed_profile.as_deref().ok_or(PeopleError::Erased)?;
        let plain = key.open(&profile_aad(&row.id), sealed)?;
        serde_json::from_slice(&plain).map_err(|e| PeopleError::Internal(format!("profile record: {e}")))
    }

    fn seal_profile(&self, row: &mut AccountRow, profile: &Profile) -> Result<()> {
        let key = self.data_key(row)?;
        let plain = Zeroizing::new(serde_json::to_vec(profile).map_err(|e| PeopleError::Internal(e.to_string()))?);
        row.sealed_profile = Some(key.seal(&profile_aad(&row.id), &plain));
        Ok(())
    }

    fn staff_of(&self, id: &AccountId) -> Result<Option<Staff>> {
        let row = self.reader.projection_row(RowKey::staff(id).as_str())?;
        row.map(|json| serde_json::from_str(&json).map_err(|e| PeopleError::Internal(format!("staff row: {e}"))))
            .transpose()
    }

    pub fn account(&self, id: &str) -> Result<Account> {
        let row = self.store.account(id)?.ok_or(PeopleError::NoSuchAccount)?;
        self.account_from_row(row)
    }

    fn account_from_row(&self, row: AccountRow) -> Result<Account> {
        let id: AccountId = row.id.parse().map_err(|e: dauys_core::EventError| PeopleError::Internal(e.to_string()))?;
        let staff = self.staff_of(&id)?;
        Ok(Account { row, id, staff })
    }

    /// Creates an account. An address already registered gets the same answer, so sign-up
    /// does not tell strangers who has an account. Returns the new account's id, if any.
    /// Blocking (Argon2id): call from a blocking thread.
    pub fn sign_up(&self, email: &str, password: &str) -> Result<Option<AccountId>> {
        let email = normalize_email(email)?;
        password::check_password_policy(password)?;
        let phc = password::hash_password(&self.password_params, password)?;
        let id = new_account_id()?;
        let data_key = DataKey::generate();
        let wrapped = self.master.wrap_data_key(&data_key, &data_key_aad(id.as_str()));
        let profile = Profile { email: email.clone(), ..Profile::default() };
        let plain = Zeroizing::new(serde_json::to_vec(&profile).map_err(|e| PeopleError::Internal(e.to_string()))?);
        let row = AccountRow {
            id: id.to_string(),
            email_lookup: self.email_lookup(&email),
            password_phc: phc,
            created_at_ms: now_ms(),
            person: None,
            wrapped_key: Some(wrapped.to_bytes().to_vec()),
            sealed_profile: Some(data_key.seal(&profile_aad(id.as_str()), &plain)),
            email_verified: false,
        };
        match self.store.create_account(&row) {
            Ok(()) => Ok(Some(id)),
            Err(StoreError::Conflict { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Should this new account become the first administrator (from the configuration)?
    fn is_first_administrator(&self, email: &str) -> bool {
        !self.first_administrator_email.is_empty()
            && normalize_email(email).is_ok_and(|e| e == self.first_administrator_email)
    }

    /// Makes the configured first administrator one, on sign-up and again on every sign-in
    /// until it takes (a crash between creating the account and logging the grant must not
    /// leave a deployment with no administrator). The ledger refuses it once any
    /// administrator exists, which is expected and not reported.
    pub async fn ensure_first_administrator(&self, id: &AccountId, email: &str) {
        if !self.is_first_administrator(email) {
            return;
        }
        match self.grant_first_administrator(id).await {
            Ok(_) => tracing::info!(account = %id, "first administrator granted"),
            Err(PeopleError::Rejected(RuleError::AdministratorExists | RuleError::GrantExists { .. })) => {}
            Err(e) => tracing::warn!(error = %e, "could not grant the first administrator role"),
        }
    }

    /// Grants the first administrator role from the console (allowed by the rules only while
    /// no administrator exists).
    pub async fn grant_first_administrator(&self, id: &AccountId) -> Result<Receipt> {
        let event = Event::RoleGranted {
            account: id.clone(),
            role: dauys_core::Role::Administrator,
            body: None,
            by: None,
            name: None,
        };
        Ok(self.sequencer.submit(event).await?)
    }

    /// Registers a key the person made in their browser to sign their acts with, with its
    /// proof of possession and, when they already hold a key in force, their signature of
    /// this act by it (the rules require it then).
    pub async fn register_signing_key(
        self: &Arc<Self>,
        account: &Account,
        key: String,
        proof: String,
        signature: Option<ActSignature>,
        base_url: &str,
    ) -> Result<KeyRegistration> {
        // An invalid key is refused below, whatever its id.
        let id = dauys_core::signers::key_id_of(&key).unwrap_or_default();
        let event = Event::SignerRegistered { account: account.id.clone(), key, proof };
        // Checked now: a registration that waits for a signature must be one the log takes.
        event.validate().map_err(|e| PeopleError::Rejected(RuleError::InvalidEvent(e)))?;
        match self.sequencer.submit_signed(event, signature).await {
            Ok(receipt) => {
                self.waiting_keys.forget(&account.id, &id);
                self.tell_of_key(account, true, id, base_url).await;
                Ok(KeyRegistration::Registered(receipt))
            }
            // A second key, made in a browser that holds none of the account's keys: it
            // waits for one that does.
            Err(SubmitError::Unsigned(event)) => {
                self.waiting_keys.wait(&account.id, id, *event);
                Ok(KeyRegistration::Waiting)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The keys made in other browsers that wait for the account to sign their registration.
    pub fn keys_waiting(&self, account: &Account) -> Vec<linking::WaitingKey> {
        self.waiting_keys.of(&account.id)
    }

    /// Ends one of the person's signing keys, by an act they sign with a key in force.
    pub async fn revoke_signing_key(
        self: &Arc<Self>,
        account: &Account,
        key: String,
        signature: Option<ActSignature>,
        base_url: &str,
    ) -> Result<Receipt> {
        let event = Event::SignerRevoked { account: account.id.clone(), key: key.clone() };
        let receipt = self.sequencer.submit_signed(event, signature).await?;
        self.tell_of_key(account, false, key, base_url).await;
        Ok(receipt)
    }

    /// Mails the account's address that a key was registered or revoked. The act is logged
    /// already; a message that cannot be queued is only reported.
    async fn tell_of_key(self: &Arc<Self>, account: &Account, registered: bool, key: String, base_url: &str) {
        let (row, link) = (account.row.clone(), format!("{}/me/keys", base_url.trim_end_matches('/')));
        let queued = self
            .blocking(move |people| {
                let email = people.profile(&row)?.email;
                people.enqueue_mail(&mail::Mail::signing_key(&email, registered, &key, &link))
            })
            .await;
        if let Err(e) = queued {
            tracing::warn!(error = %e, "the notice of a signing key change was not queued");
        }
    }

    /// Checks a password. Unknown addresses cost the same time as known ones (a dummy hash),
    /// and neither writes anything. Blocking (Argon2id): call through [`People::hashing`],
    /// or through [`People::sign_in`], which also throttles.
    pub fn check_password(&self, email: &str, password: &str) -> Result<Account> {
        let Ok(email) = normalize_email(email) else {
            password::verify_against_dummy(&self.password_params, password)?;
            return Err(PeopleError::WrongCredentials);
        };
        let Some(row) = self.store.account_by_email(&self.email_lookup(&email))? else {
            password::verify_against_dummy(&self.password_params, password)?;
            return Err(PeopleError::WrongCredentials);
        };
        if password::verify_password(&row.password_phc, password)? {
            return self.account_from_row(row);
        }
        Err(PeopleError::WrongCredentials)
    }

    /// The name the sign-in throttle counts attempts under: the address's keyed lookup, the
    /// same whether or not an account has it (so the throttle never tells which do).
    fn sign_in_name(&self, email: &str) -> Vec<u8> {
        match normalize_email(email) {
            Ok(email) => self.email_lookup(&email),
            Err(_) => self.email_lookup(&format!("not an address: {}", email.trim().to_lowercase())),
        }
    }

    /// Runs password work (Argon2id) on one of the few password threads once one is free;
    /// [`PeopleError::Busy`] when none frees up in time (see [`guard::PasswordPool`]).
    pub async fn hashing<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&People) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let this = self.clone();
        self.password_pool.run(move || work(&this)).await
    }

    /// Signs in: waits its turn under the per-name delay (skipped for a browser that signed
    /// in to this name before), checks the password in a hashing slot and starts a session.
    pub async fn sign_in(
        self: &Arc<Self>,
        email: &str,
        password: Zeroizing<String>,
        device_cookie: Option<&str>,
        session_ttl_ms: u64,
    ) -> Result<SignedIn> {
        let name = self.sign_in_name(email);
        if !self.device_key.recognises(device_cookie, &name) {
            match self.throttle.admit(&name, std::time::Instant::now()) {
                guard::Admission::After(wait) if wait.is_zero() => {}
                guard::Admission::After(wait) => tokio::time::sleep(wait).await,
                guard::Admission::Refused(after) => {
                    let retry_after_secs = u64::try_from(after.as_millis().div_ceil(1000)).unwrap_or(u64::MAX);
                    return Err(PeopleError::TooManyAttempts { retry_after_secs });
                }
            }
        }
        let email = email.to_string();
        let (account, session_token) = self
            .hashing(move |people| {
                let account = people.check_password(&email, &password)?;
                let token = people.start_session(&account, session_ttl_ms)?;
                Ok((account, token))
            })
            .await?;
        self.throttle.succeeded(&name);
        Ok(SignedIn { account, session_token, device_cookie: self.device_key.cookie_for(&name) })
    }

    /// Runs storage and vault work on a blocking thread: the PostgreSQL driver must never
    /// run on the async workers.
    async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&People) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let this = self.clone();
        run_blocking(move || work(&this)).await
    }

    /// Verifies a person by an administrator's act (documents seen in person) or from an
    /// identity provider's claims. Logs `person.verified`; one identity, one account.
    pub async fn verify(
        self: &Arc<Self>,
        account_id: &AccountId,
        claim: &IdentityClaim,
        method: VerificationMethod,
        by: Option<&Account>,
    ) -> Result<Receipt> {
        self.verify_signed(account_id, claim, method, by, None).await
    }

    /// [`People::verify`] with the administrator's own signature of the act (required by the
    /// rules once they hold a signing key). Refused unsigned, nothing stays linked, so the same
    /// claim sent again rebuilds the same act to sign.
    pub async fn verify_signed(
        self: &Arc<Self>,
        account_id: &AccountId,
        claim: &IdentityClaim,
        method: VerificationMethod,
        by: Option<&Account>,
        signature: Option<ActSignature>,
    ) -> Result<Receipt> {
        if let Some(admin) = by {
            authorize(&admin.actor(), &Action::VerifyPersonManually)?;
        }
        let iin = Iin::parse(&claim.iin)?;
        let given_name = clean_line("given_name", &claim.given_name, 100)?;
        let family_name = clean_line("family_name", &claim.family_name, 100)?;
        let locality = claim.locality.clone();
        let ring = self.ring();
        let person = ring.derive(&iin, &PseudonymContext::Person);
        // Verified before a rotation, the same person holds a pseudonym of an older version.
        let earlier: Vec<String> =
            ring.derive_all(&iin, &PseudonymContext::Person).iter().skip(1).map(ToString::to_string).collect();
        let (id, p) = (account_id.to_string(), person.to_string());
        // The database's unique index decides races between two accounts; the log's rule
        // (one verified pseudonym) backs it for anyone replaying.
        let row = self
            .blocking(move |people| {
                let row = people.store.account(&id)?.ok_or(PeopleError::NoSuchAccount)?;
                if row.person.is_some() {
                    return Err(PeopleError::AlreadyVerified);
                }
                for old in &earlier {
                    if people.store.account_by_person(old)?.is_some() {
                        return Err(PeopleError::IdentityTaken);
                    }
                }
                match people.store.set_person(&id, &p) {
                    Err(StoreError::Conflict { .. }) => Err(PeopleError::IdentityTaken),
                    other => Ok(other.map(|()| row)?),
                }
            })
            .await?;
        let event = Event::PersonVerified {
            person: person.clone(),
            locality: locality.clone(),
            method,
            by: by.map(|a| a.id.clone()),
        };
        let receipt = match self.sequencer.submit_signed(event, signature).await {
            Ok(r) => r,
            Err(e) => {
                let unlinked = row.clone();
                let _ = self.blocking(move |people| Ok(people.store.update_account(&unlinked)?)).await;
                return Err(match PeopleError::from(e) {
                    PeopleError::Rejected(RuleError::PersonAlreadyVerified(_)) => PeopleError::IdentityTaken,
                    other => other,
                });
            }
        };
        let identity = Identity {
            iin: iin.expose_digits().to_string(),
            given_name,
            family_name,
            birth_date: dauys_core::format_date(iin.birth_date()),
            locality,
            method,
            verified_index: receipt.index,
        };
        self.blocking(move |people| {
            let mut row = row;
            row.person = Some(person.to_string());
            let mut profile = people.profile(&row)?;
            profile.identity = Some(identity);
            people.seal_profile(&mut row, &profile)?;
            Ok(people.store.update_account(&row)?)
        })
        .await?;
        Ok(receipt)
    }

    /// Opens a person's personal data for an official who stated why. The opening is
    /// logged before anything is shown; the subject will see it on their page. An official
    /// who holds a signing key gets [`PeopleError::ToSign`] first, and `signed` the second
    /// time.
    #[allow(clippy::too_many_arguments)]
    pub async fn open_personal_data(
        self: &Arc<Self>,
        official: &Account,
        subject_id: &str,
        body: &BodyId,
        basis: &BasisCode,
        purpose: &str,
        case: &str,
        signed: Option<SignedPending>,
    ) -> Result<(Profile, Receipt)> {
        let why = OpeningReason::stated(official, body, basis, purpose, case)?;
        let id = subject_id.to_string();
        let (iin, found) = self
            .blocking(move |people| {
                let subject = people.store.account(&id)?.ok_or(PeopleError::NoSuchAccount)?;
                let profile = people.profile(&subject)?;
                let identity = profile.identity.as_ref().ok_or(PeopleError::NotVerified)?;
                Ok((Iin::parse(&identity.iin)?, (subject, profile)))
            })
            .await?;
        let (profile, receipt) = self.log_opening(official, why, iin, Some(found), signed).await?;
        Ok((profile.ok_or_else(|| PeopleError::Internal("an opened record went missing".into()))?, receipt))
    }

    /// Opens the record of the person with this IIN, the number an official is given on
    /// every paper and in every call. Whether a person has an account here is itself their
    /// personal data, so the look is logged whether or not it finds one: `None` then, with
    /// the receipt of the logged look.
    #[allow(clippy::too_many_arguments)]
    pub async fn open_personal_data_by_iin(
        self: &Arc<Self>,
        official: &Account,
        iin: &str,
        body: &BodyId,
        basis: &BasisCode,
        purpose: &str,
        case: &str,
        signed: Option<SignedPending>,
    ) -> Result<(Option<Profile>, Receipt)> {
        let why = OpeningReason::stated(official, body, basis, purpose, case)?;
        let iin = Iin::parse(iin)?;
        let lookup = iin.clone();
        let found = self
            .blocking(move |people| {
                let ring = people.ring();
                for person in ring.derive_all(&lookup, &PseudonymContext::Person) {
                    if let Some(subject) = people.store.account_by_person(person.as_str())? {
                        let profile = people.profile(&subject)?;
                        return Ok(Some((subject, profile)));
                    }
                }
                Ok(None)
            })
            .await?;
        self.log_opening(official, why, iin, found, signed).await
    }

    /// What the rules would say now of `event`'s signature (`dauys_core::check_act`, read
    /// from the projection rows): for an act whose work (storing records, replacing a key)
    /// must not be done when the log would refuse it. The sequencer checks again.
    pub(crate) async fn check_signature_first(
        self: &Arc<Self>,
        event: &Event,
        signature: Option<&ActSignature>,
    ) -> Result<()> {
        let Some(author) = dauys_core::act_author(event).cloned() else { return Ok(()) };
        let (keys, deployment) = self
            .blocking(move |people| {
                let keys = people.reader.projection_row(RowKey::signers(&author).as_str())?;
                Ok((keys, people.reader.projection_row(RowKey::deployment().as_str())?))
            })
            .await?;
        let row = |what: &str, e: serde_json::Error| PeopleError::Internal(format!("{what} row: {e}"));
        let keys: Option<ActKeys> = keys.map(|k| serde_json::from_str(&k)).transpose().map_err(|e| row("signer", e))?;
        let deployment: Option<dauys_core::Deployment> =
            deployment.map(|d| serde_json::from_str(&d)).transpose().map_err(|e| row("deployment", e))?;
        let version = deployment.map_or(1, |d| d.act_rule());
        dauys_core::check_act(version, event, signature, |_| keys.as_ref()).map_err(|e| match e {
            RuleError::ActNotSigned { .. } => PeopleError::Unsigned(Box::new(event.clone())),
            other => PeopleError::Rejected(other),
        })
    }

    /// The nonces of acts shown for signing, which the appeals service shares for its
    /// sealed texts.
    pub(crate) fn pending_acts(&self) -> &PendingActs {
        &self.pending
    }

    /// Logs an opening of the data of the person with `iin` (found: their account and
    /// profile), then keeps, for the person to see, which log entry it was. The subject's
    /// commitment draws a fresh nonce, or, for an act sent back signed, the nonce it was
    /// shown for signing with: the signature covers the commitment, and so the nonce.
    async fn log_opening(
        self: &Arc<Self>,
        official: &Account,
        why: OpeningReason,
        iin: Iin,
        found: Option<(AccountRow, Profile)>,
        signed: Option<SignedPending>,
    ) -> Result<(Option<Profile>, Receipt)> {
        let (nonce, signature) = match signed {
            Some(s) => (self.pending.take(&official.id, &s.token)?, s.signature),
            None => (random_32()?, None),
        };
        let commitment = self
            .blocking(move |people| {
                let data_access = people.ring().derive(&iin, &PseudonymContext::DataAccess);
                Ok(Commitment::from_digest(&opening_commitment(&data_access, &nonce)))
            })
            .await?;
        let event = Event::PersonalDataOpened {
            subject: commitment,
            body: why.body,
            official: official.id.clone(),
            basis: why.basis,
            purpose: why.purpose,
            case: why.case,
        };
        let receipt = match self.sequencer.submit_signed(event, signature).await {
            Ok(receipt) => receipt,
            Err(SubmitError::Unsigned(event)) => {
                let token = self.pending.keep(&official.id, nonce)?;
                return Err(PeopleError::ToSign(Box::new(ActToSign { event: *event, token })));
            }
            Err(e) => return Err(e.into()),
        };
        let Some((subject, profile)) = found else { return Ok((None, receipt)) };
        let index = receipt.index;
        self.blocking(move |people| {
            let key = people.data_key(&subject)?;
            let sealed_nonce = key.seal(&opening_aad(&subject.id, index), &nonce);
            Ok(people.openings.add(&OpeningRow { account_id: subject.id.clone(), log_index: index, sealed_nonce })?)
        })
        .await?;
        Ok((Some(profile), receipt))
    }

    /// The openings of the account holder's data that may be shown now (restricted bases
    /// show theirs only from `disclosed_from`), newest first.
    pub fn openings_seen_by(&self, account: &Account, now_ms: u64) -> Result<Vec<SeenOpening>> {
        let Ok(profile) = self.profile(&account.row) else { return Ok(Vec::new()) };
        let Some(identity) = profile.identity else { return Ok(Vec::new()) };
        let iin = Iin::parse(&identity.iin)?;
        let key = self.data_key(&account.row)?;
        let mut seen = Vec::new();
        for row in self.openings.of(&account.row.id)?.into_iter().rev() {
            let Some(json) = self.reader.projection_row(RowKey::opening(LogIndex(row.log_index)).as_str())? else {
                continue;
            };
            let opening: dauys_core::DataOpening =
                serde_json::from_str(&json).map_err(|e| PeopleError::Internal(format!("opening row: {e}")))?;
            if opening.disclosed_from.0 > now_ms {
                continue;
            }
            let nonce = key.open(&opening_aad(&account.row.id, row.log_index), &row.sealed_nonce)?;
            // Whichever key version made it; the current one unless rotated since.
            let pseudonym = self
                .ring()
                .derive_all(&iin, &PseudonymContext::DataAccess)
                .into_iter()
                .find(|p| {
                    <[u8; 32]>::try_from(&nonce[..])
                        .is_ok_and(|n| Commitment::from_digest(&opening_commitment(p, &n)) == opening.subject)
                })
                .map(|p| p.to_string())
                .unwrap_or_default();
            seen.push(SeenOpening { opening, pseudonym, nonce_hex: hex::encode(&nonce[..]) });
        }
        Ok(seen)
    }

    /// Updates the contact details: the phone, and the sign-in address (which then needs
    /// confirming again; a confirmation link is mailed to it). Blocking.
    pub fn update_contacts(&self, account: &Account, email: &str, phone: &str, base_url: &str) -> Result<()> {
        let email = normalize_email(email)?;
        let phone = phone.trim();
        let phone = if phone.is_empty() {
            None
        } else {
            let ok = phone.len() <= 20
                && phone.chars().enumerate().all(|(i, c)| c.is_ascii_digit() || (i == 0 && c == '+') || c == ' ');
            if !ok {
                return Err(PeopleError::InvalidField { field: "phone", max: 20 });
            }
            Some(phone.to_string())
        };
        let mut row = self.store.account(&account.row.id)?.ok_or(PeopleError::NoSuchAccount)?;
        let mut profile = self.profile(&row)?;
        let address_changed = profile.email != email;
        if address_changed {
            row.email_lookup = self.email_lookup(&email);
            row.email_verified = false;
            profile.email = email;
        }
        profile.phone = phone;
        self.seal_profile(&mut row, &profile)?;
        match self.store.update_account(&row) {
            Err(StoreError::Conflict { .. }) => return Err(PeopleError::EmailUnavailable),
            other => other?,
        }
        if address_changed {
            self.send_email_confirmation(&row.id, base_url)?;
        }
        Ok(())
    }

    /// Everything held about the account holder, decrypted, as one JSON document.
    pub fn export(&self, account: &Account) -> Result<serde_json::Value> {
        let profile = self.profile(&account.row).ok();
        let openings = self.openings_seen_by(account, now_ms())?;
        Ok(serde_json::json!({
            "account": account.row.id,
            "created_at_ms": account.row.created_at_ms,
            "profile": profile,
            "pseudonym": account.row.person,
            "roles": account.staff.as_ref().map(|s| &s.grants),
            "openings_of_my_data": openings,
        }))
    }

    /// Erases the account holder's personal data: destroys the data key (every sealed record
    /// becomes unreadable), ends every session and, if verified, logs `person.erased`.
    pub async fn erase(self: &Arc<Self>, account: &Account) -> Result<()> {
        if let Some(person) = &account.row.person {
            let person: Pseudonym =
                person.parse().map_err(|e: dauys_core::EventError| PeopleError::Internal(e.to_string()))?;
            match self.sequencer.submit(Event::PersonErased { person }).await {
                Ok(_) | Err(SubmitError::Rejected(RuleError::PersonNotVerified(_))) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let id = account.row.id.clone();
        self.blocking(move |people| {
            // Free the address for a new sign-up and leave no password that could start a session.
            let mut row = people.store.account(&id)?.ok_or(PeopleError::NoSuchAccount)?;
            row.email_lookup = random_32()?.to_vec();
            row.password_phc = String::new();
            people.store.update_account(&row)?;
            Ok(people.store.erase_account(&id)?)
        })
        .await
    }

    /// Puts a new pseudonym key version in use: saves the ring, then logs `key.rotated` by
    /// the administrator. If the ledger refuses, the old ring is restored.
    pub async fn rotate_pseudonym_key(
        self: &Arc<Self>,
        admin: &Account,
        signature: Option<ActSignature>,
    ) -> Result<Receipt> {
        authorize(&admin.actor(), &Action::RotateKeys)?;
        let path = self.pseudonym_ring_path.clone().ok_or(PeopleError::KeysFromEnvironment)?;
        // The act names only the next version, so it is known before the key is made.
        let next = self.rotation_event(admin);
        self.check_signature_first(&next, signature.as_ref()).await?;
        let old = self.ring();
        let new = Arc::new(old.rotated().map_err(|e| PeopleError::Internal(e.to_string()))?);
        let version = new.current().version();
        let save = |ring: &PseudonymKeyRing| {
            crate::keys::replace_secret(&path, &ring.to_text()).map_err(|e| PeopleError::Internal(e.to_string()))
        };
        save(&new)?;
        *self.pseudonyms.write().unwrap_or_else(std::sync::PoisonError::into_inner) = new;
        let event = Event::KeyRotated { key: dauys_core::KeyKind::Pseudonym, version, by: admin.id.clone() };
        match self.sequencer.submit_signed(event, signature).await {
            Ok(receipt) => Ok(receipt),
            Err(e) => {
                save(&old)?;
                *self.pseudonyms.write().unwrap_or_else(std::sync::PoisonError::into_inner) = old;
                Err(e.into())
            }
        }
    }

    /// The act that rotates the pseudonym key next, by `admin`: what the keys page shows for
    /// signing.
    pub fn rotation_event(&self, admin: &Account) -> Event {
        let version = self.pseudonym_key_version().saturating_add(1);
        Event::KeyRotated { key: dauys_core::KeyKind::Pseudonym, version, by: admin.id.clone() }
    }

    /// The person's pseudonym inside one petition. Derived under the oldest key of the ring,
    /// like the private lookups, so a key rotation never gives a person a second pseudonym
    /// (and a second signature) on a petition they already signed.
    pub fn petition_pseudonym(&self, iin: &Iin, petition: &dauys_core::PetitionId) -> dauys_core::Pseudonym {
        self.ring().oldest().derive(iin, &PseudonymContext::Petition(petition.to_string()))
    }

    /// The person's pseudonym as the applicant of the case that began with appeal `root`
    /// (the appeal and the complaints about it).
    pub fn appeal_pseudonym(&self, iin: &Iin, root: &dauys_core::AppealId) -> dauys_core::Pseudonym {
        self.ring().oldest().derive(iin, &PseudonymContext::Appeal(root.to_string()))
    }

    pub fn pseudonym_key_version(&self) -> u16 {
        self.ring().current().version()
    }

    /// The log's projection reader.
    pub fn reader(&self) -> &Arc<dyn dauys_store::Reader> {
        &self.reader
    }

    /// Accounts and their sessions.
    pub fn store(&self) -> &Accounts {
        &self.store
    }
}
