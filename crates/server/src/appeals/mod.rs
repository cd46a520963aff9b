//! Appeals: the service behind the appeal pages and the JSON API.
//!
//! The rules are in `dauys-core` (`appeals`); this module decides what the log cannot: who
//! files (a verified person: anonymous appeals are refused), under which pseudonym (one per
//! case, shared by the complaints about it), which body is competent when the applicant does
//! not know, what is sealed (a private appeal's texts, and every appeal's contact record),
//! who may read a private text (its applicant; an official of the body holding it, through an
//! accountable opening logged before the text is shown), which files an appeal may carry (at
//! most [`MAX_ATTACHMENTS`] PDF, JPEG or PNG files whose bytes are what they claim to be, each
//! kept sealed; a public appeal's listed on the log, a private one's covered by its
//! commitment) and who may download them, that an official never acts on their own appeal,
//! and telling the applicant each step by e-mail in the language they filed in.

pub mod api;
pub mod office;
pub mod pages;
pub mod view;

use std::sync::Arc;

use axum::body::Bytes;
use dauys_core::{
    AccountId, Appeal, AppealId, AppealKind, AppealOutcome, Attachment, BasisCode, BodyId, Commitment, Event, Lang,
    Locality, MediaType, PartialText, RuleError, Timestamp, TopicCode, Visibility, MAX_ATTACHMENTS,
    MAX_ATTACHMENT_BYTES,
};
use dauys_identity::iin::Iin;
use dauys_identity::policy::{authorize, Action, Denied};
use dauys_store::{RecordId, RecordKind, SealedRecords};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;

use crate::pending_acts::{ActToSign, SignedPending};
use crate::people::mail::Mail;
use crate::people::{run_blocking, Account, Identity, People, PeopleError, Person, Profile};
use crate::projection::DeploymentView;
use crate::sequencer::{Receipt, SequencerHandle, SubmitError};
use view::{AppealsView, Notice};

/// Why an appeal operation failed. `code()` is stable and picks the translated message.
#[derive(Debug, thiserror::Error)]
pub enum AppealError {
    #[error("no such appeal")]
    NotFound,
    #[error("anonymous appeals are not considered (Administrative Procedural Code): verify your identity first")]
    NotVerified,
    #[error("no open body is competent for this topic there; choose the body yourself")]
    NoCompetentBody,
    #[error("only the applicant may do this")]
    NotApplicant,
    #[error("you filed this appeal, so you may not act on it for the body: leave it to a colleague")]
    OwnAppeal,
    #[error("you have filed as many appeals as one person may in an hour; try again later")]
    RateLimited,
    #[error("an appeal may carry at most {MAX_ATTACHMENTS} files")]
    TooManyAttachments,
    #[error("file {file} is empty: choose the file again")]
    AttachmentEmpty { file: usize },
    #[error("file {file} is larger than {MAX_ATTACHMENT_BYTES} bytes (5 MiB): attach a smaller file")]
    AttachmentTooLarge { file: usize },
    #[error("file {file} is of type {declared:?}: only PDF, JPEG and PNG files may be attached")]
    AttachmentType { file: usize, declared: String },
    #[error("file {file} is not the {declared} it claims to be: attach the file itself as PDF, JPEG or PNG")]
    AttachmentContent { file: usize, declared: MediaType },
    #[error("file {file} is the same as an earlier one: attach each file once")]
    DuplicateAttachment { file: usize },
    #[error("only the applicant and the officials of the body holding a private appeal may read its files")]
    NotReader,
    #[error("only an open appeal is assigned")]
    NotOpen,
    #[error("an appeal is assigned only to an official or the head of the body holding it: check the account id")]
    AssigneeNotStaff,
    #[error("this official filed the appeal and may not consider it: assign it to a colleague")]
    AssigneeOwnAppeal,
    #[error("write the note first")]
    NoteEmpty,
    #[error("a note is at most {} characters: shorten it", office::MAX_NOTE_CHARS)]
    NoteTooLong,
    #[error("an appeal has at most {} notes", office::MAX_NOTES)]
    TooManyNotes,
    #[error("{0}")]
    Denied(#[from] Denied),
    #[error("{0}")]
    Rejected(RuleError),
    /// The act must be signed with the official's key; handed back for signing.
    #[error("this act must be signed with your signing key")]
    Unsigned(Box<Event>),
    #[error("{0}")]
    Ledger(SubmitError),
    #[error(transparent)]
    People(#[from] PeopleError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<SubmitError> for AppealError {
    fn from(e: SubmitError) -> Self {
        match e {
            SubmitError::Rejected(RuleError::UnknownAppeal(_)) => AppealError::NotFound,
            SubmitError::Rejected(rule) => AppealError::Rejected(rule),
            SubmitError::Unsigned(event) => AppealError::Unsigned(event),
            other => AppealError::Ledger(other),
        }
    }
}

impl From<dauys_store::StoreError> for AppealError {
    fn from(e: dauys_store::StoreError) -> Self {
        AppealError::People(PeopleError::from(e))
    }
}

impl AppealError {
    /// Stable code: `appeal-not-found`, `not-verified`, … or the rule's code.
    pub fn code(&self) -> &'static str {
        match self {
            AppealError::NotFound => "appeal-not-found",
            AppealError::NotVerified => "not-verified",
            AppealError::NoCompetentBody => "no-competent-body",
            AppealError::NotApplicant => "not-applicant",
            AppealError::OwnAppeal => "own-appeal",
            AppealError::RateLimited => "rate-limited",
            AppealError::TooManyAttachments => "too-many-attachments",
            AppealError::AttachmentEmpty { .. } => "attachment-empty",
            AppealError::AttachmentTooLarge { .. } => "attachment-too-large",
            AppealError::AttachmentType { .. } => "attachment-type",
            AppealError::AttachmentContent { .. } => "attachment-content",
            AppealError::DuplicateAttachment { .. } => "duplicate-attachment",
            AppealError::NotReader => "not-reader",
            AppealError::NotOpen => "appeal-not-open",
            AppealError::AssigneeNotStaff => "assignee-not-staff",
            AppealError::AssigneeOwnAppeal => "assignee-own-appeal",
            AppealError::NoteEmpty => "note-empty",
            AppealError::NoteTooLong => "note-too-long",
            AppealError::TooManyNotes => "too-many-notes",
            AppealError::Denied(d) => d.code(),
            AppealError::Rejected(r) => r.code(),
            AppealError::Unsigned(_) => "act-not-signed",
            AppealError::Ledger(SubmitError::Busy) => "busy",
            AppealError::Ledger(_) => "ledger-unavailable",
            AppealError::People(p) => p.code(),
            AppealError::Internal(_) => "internal",
        }
    }

    /// The HTTP status a client should see.
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode as S;
        match self {
            AppealError::NotFound => S::NOT_FOUND,
            AppealError::RateLimited => S::TOO_MANY_REQUESTS,
            AppealError::NotVerified | AppealError::NotApplicant | AppealError::OwnAppeal | AppealError::NotReader => {
                S::FORBIDDEN
            }
            AppealError::AttachmentTooLarge { .. } => S::PAYLOAD_TOO_LARGE,
            AppealError::TooManyAttachments
            | AppealError::AttachmentEmpty { .. }
            | AppealError::AttachmentType { .. }
            | AppealError::AttachmentContent { .. }
            | AppealError::DuplicateAttachment { .. }
            | AppealError::NotOpen
            | AppealError::AssigneeNotStaff
            | AppealError::AssigneeOwnAppeal
            | AppealError::NoteEmpty
            | AppealError::NoteTooLong
            | AppealError::TooManyNotes => S::UNPROCESSABLE_ENTITY,
            AppealError::Denied(Denied::NotSignedIn) => S::UNAUTHORIZED,
            AppealError::Denied(_) => S::FORBIDDEN,
            AppealError::Rejected(RuleError::NotApplicant(_) | RuleError::NotOfficialOfBody { .. }) => S::FORBIDDEN,
            AppealError::NoCompetentBody | AppealError::Rejected(_) | AppealError::Unsigned(_) => {
                S::UNPROCESSABLE_ENTITY
            }
            AppealError::People(e) if e.is_client_error() => S::UNPROCESSABLE_ENTITY,
            AppealError::Ledger(_) | AppealError::People(_) | AppealError::Internal(_) => S::SERVICE_UNAVAILABLE,
        }
    }

    /// The values its translated message (`ap-err-<code>`) names: which file, which type.
    pub fn message_args(&self) -> Vec<(&'static str, fluent_templates::fluent_bundle::FluentValue<'static>)> {
        use fluent_templates::fluent_bundle::FluentValue;
        let file = |n: &usize| ("file", FluentValue::from(*n));
        match self {
            AppealError::AttachmentEmpty { file: n }
            | AppealError::AttachmentTooLarge { file: n }
            | AppealError::DuplicateAttachment { file: n } => vec![file(n)],
            AppealError::AttachmentType { file: n, declared } => {
                let shown: String = declared.chars().take(60).collect();
                vec![file(n), ("declared", FluentValue::from(shown))]
            }
            AppealError::AttachmentContent { file: n, declared } => {
                vec![file(n), ("declared", FluentValue::from(declared.as_str()))]
            }
            AppealError::TooManyAttachments => vec![("max", FluentValue::from(MAX_ATTACHMENTS))],
            AppealError::NoteTooLong => vec![("max", FluentValue::from(office::MAX_NOTE_CHARS))],
            AppealError::TooManyNotes => vec![("max", FluentValue::from(office::MAX_NOTES))],
            _ => Vec::new(),
        }
    }
}

type Result<T> = std::result::Result<T, AppealError>;

/// Room in a filing's body for everything but its files: the texts in up to three languages
/// and the form's other fields (the default limit of every other route).
const FILING_ROOM_BYTES: usize = 256 * 1024;

/// The largest body of a filing as a form (`multipart/form-data`): every file at its
/// largest, and room for the rest. Only the filing routes get it; every other keeps
/// `max_body_bytes`.
pub(crate) const FILING_BODY_BYTES: usize = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES as usize + FILING_ROOM_BYTES;

/// The same through the API, whose JSON carries files in base64: four characters for every
/// three bytes.
pub(crate) const API_FILING_BODY_BYTES: usize =
    (MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES as usize).div_ceil(3) * 4 + FILING_ROOM_BYTES;

/// The appeals' entry in the site's navigation.
const NAVIGATION: crate::web::NavEntry = crate::web::NavEntry { href: "/appeals", label: "ap-nav" };

/// The section of the site the appeal pages belong to.
pub(crate) const SECTION: crate::web::Section = crate::web::Section::Capability(NAVIGATION.href);

/// The legal basis an official opens a private appeal on (one of the default bases).
const OPENING_BASIS: &str = "appeal-consideration";

impl crate::capability::Capability for Appeals {
    const NAVIGATION: Option<&'static crate::web::NavEntry> = Some(&NAVIGATION);

    type View = AppealsView;

    fn start(platform: &crate::capability::Platform<'_>, view: Arc<AppealsView>) -> Appeals {
        let (sender, notices) = tokio::sync::mpsc::unbounded_channel();
        view.notify_to(sender);
        let appeals = Appeals::without_notices(platform, view);
        // The notifier holds the people service weakly: the people service holds a handle of
        // the sequencer, whose read models hold the notifier's channel, so a strong hold
        // would keep the sequencer from stopping at shutdown.
        let people = Arc::downgrade(&appeals.people);
        tokio::spawn(notify(people, appeals.sealed.clone(), appeals.public_url.clone(), notices));
        appeals
    }

    fn routes() -> axum::Router<crate::AppState> {
        pages::routes().merge(api::routes())
    }

    /// A new log gets the reference rules of the Administrative Procedural Code, so appeals
    /// work from the first day; a deployment republishes its own topics.
    fn genesis(&self) -> Vec<Event> {
        match self.view.rules() {
            Some(_) => Vec::new(),
            None => vec![Event::AppealRulesPublished { rules: default_rules() }],
        }
    }

    /// The bodies' answers in four numbers, and the ways to write to a body and to see each
    /// body's record.
    fn home(&self, _app: &crate::AppState, p: &crate::web::Page) -> Option<maud::Markup> {
        let records = self.view.records();
        let (mut received, mut answered, mut on_time, mut overdue) = (0, 0, 0, 0);
        for record in records.values() {
            let f = record.figures();
            received += f.received;
            answered += f.answered;
            on_time += f.answered_on_time;
            overdue += f.overdue_unanswered;
        }
        let n = |v: u64| crate::web::num(p.lang, v);
        Some(maud::html! {
            section #home-appeals aria-labelledby="home-appeals-heading" {
                h2 #home-appeals-heading { (p.t("home-appeals-heading")) }
                p { (p.t("home-appeals-lead")) }
                ul.stats {
                    li data-figure="received" { strong { (n(received)) } (p.t("ap-bodies-col-received")) }
                    li data-figure="answered" { strong { (n(answered)) } (p.t("ap-bodies-col-answered")) }
                    li data-figure="answered-on-time" { strong { (n(on_time)) } (p.t("ap-bodies-col-on-time")) }
                    li data-figure="overdue-unanswered" { strong { (n(overdue)) } (p.t("ap-bodies-col-unanswered")) }
                }
                p { a href="/appeals/new" { (p.t("home-write-appeal")) } " · " a href="/bodies" { (p.t("footer-bodies")) } }
            }
        })
    }

    /// An appeal's entries name a public appeal by its title and link to its page (a private
    /// one's page says only that it is private).
    /// The appeals the person filed.
    fn personal_data<'a>(
        &'a self,
        public_url: &'a str,
        account: &'a crate::people::Account,
    ) -> crate::capability::PersonalData<'a> {
        Box::pin(async move {
            let filed = self.filed_by(account).await.map_err(|e| e.to_string())?;
            let appeals: Vec<serde_json::Value> = filed
                .iter()
                .map(|a| serde_json::json!({ "appeal": a.id, "body": a.body(), "status": a.status.as_str(), "url": format!("{public_url}{}", appeal_href(&a.id)) }))
                .collect();
            let mut data = serde_json::Map::new();
            data.insert("appeals_filed".into(), appeals.into());
            Ok(data)
        })
    }

    fn log_summary(&self, event: &Event, lang: Lang) -> Option<maud::Markup> {
        match event {
            Event::AppealRulesPublished { rules } => Some(maud::html! { (crate::i18n::t_args(
                lang,
                "summary-appeal-rules",
                &[("days", fluent_templates::fluent_bundle::FluentValue::from(rules.terms.consideration_working_days))],
            )) }),
            other => {
                let id = other.appeal()?;
                let title = self.view.get(id).and_then(|a| a.title.as_ref().map(|t| t.best(lang).1.to_string()));
                Some(maud::html! { a href=(appeal_href(id)) { (title.unwrap_or_else(|| id.to_string())) } })
            }
        }
    }

    /// Every act on an appeal is a form on its page.
    fn form_page(path: &str) -> Option<String> {
        let rest = path.strip_prefix("/appeals/")?;
        let (id, _act) = rest.split_once('/')?;
        Some(format!("/appeals/{id}"))
    }
}

/// The public page of an appeal.
pub(crate) fn appeal_href(id: &AppealId) -> String {
    format!("/appeals/{id}")
}

/// Topics a new deployment starts with; it republishes the rules with its own.
pub fn default_rules() -> dauys_core::AppealRules {
    use dauys_core::{LocalizedText, Topic};
    let topic = |code: &str, kk: &str, ru: &str, en: &str| Topic {
        code: code.parse().expect("valid topic code"),
        name: LocalizedText::new(kk, ru, en),
    };
    dauys_core::kazakhstan_appeal_rules(vec![
        topic("education", "Білім беру", "Образование", "Education"),
        topic("health", "Денсаулық сақтау", "Здравоохранение", "Health"),
        topic(
            "housing",
            "Тұрғын үй және коммуналдық қызметтер",
            "Жильё и коммунальные услуги",
            "Housing and utilities",
        ),
        topic("roads", "Жолдар және көлік", "Дороги и транспорт", "Roads and transport"),
        topic("social", "Әлеуметтік қорғау", "Социальная защита", "Social protection"),
        topic("environment", "Қоршаған орта", "Окружающая среда", "Environment"),
        topic("other", "Басқа", "Другое", "Other"),
    ])
}

/// An appeal as its applicant files it.
#[derive(Clone, Debug)]
pub struct Filing {
    /// `None`: Dauys proposes the competent body from the topic and place.
    pub body: Option<BodyId>,
    pub kind: AppealKind,
    pub topic: TopicCode,
    pub place: Option<Locality>,
    pub visibility: Visibility,
    pub title: PartialText,
    pub text: PartialText,
    /// The appeal this one complains about (its answer or silence); the body is then its
    /// superior's, whatever `body` says.
    pub complaint_about: Option<AppealId>,
    /// The files attached, in order; checked by [`Appeals::file`], whatever the client says.
    pub attachments: Vec<Upload>,
    /// The language the applicant is told each step in.
    pub lang: Lang,
}

/// A file as a client sends it: its bytes and the media type the client declared, which the
/// server believes only once the bytes agree ([`check_uploads`]).
#[derive(Clone)]
pub struct Upload {
    pub declared: String,
    pub bytes: Bytes,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload").field("declared", &self.declared).field("bytes", &self.bytes.len()).finish()
    }
}

/// The type the first bytes of a file show it to be: the signatures of the three types an
/// appeal may carry (PDF `%PDF-`, PNG's eight-byte signature, JPEG's SOI marker and the start
/// of its first marker).
pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
    if bytes.starts_with(b"%PDF-") {
        Some(MediaType::Pdf)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(MediaType::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(MediaType::Jpeg)
    } else {
        None
    }
}

/// Checks the files of a filing, in order, and lists them as the log does: at most
/// [`MAX_ATTACHMENTS`]; each 1..=[`MAX_ATTACHMENT_BYTES`] bytes, declared as one of the
/// allowed types (parameters such as `; charset` ignored) and whose bytes are of that type;
/// none the same as an earlier one. Files are numbered from 1 in the errors.
pub fn check_uploads(uploads: &[Upload]) -> Result<Vec<Attachment>> {
    if uploads.len() > MAX_ATTACHMENTS {
        return Err(AppealError::TooManyAttachments);
    }
    let mut listed: Vec<Attachment> = Vec::with_capacity(uploads.len());
    for (i, upload) in uploads.iter().enumerate() {
        let file = i + 1;
        if upload.bytes.is_empty() {
            return Err(AppealError::AttachmentEmpty { file });
        }
        let bytes = u32::try_from(upload.bytes.len())
            .ok()
            .filter(|n| *n <= MAX_ATTACHMENT_BYTES)
            .ok_or(AppealError::AttachmentTooLarge { file })?;
        let essence = upload.declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let declared: MediaType =
            essence.parse().map_err(|_| AppealError::AttachmentType { file, declared: upload.declared.clone() })?;
        if sniff(&upload.bytes) != Some(declared) {
            return Err(AppealError::AttachmentContent { file, declared });
        }
        let digest = Commitment::from_digest(&Sha256::digest(&upload.bytes).into());
        if listed.iter().any(|a| a.digest == digest) {
            return Err(AppealError::DuplicateAttachment { file });
        }
        listed.push(Attachment { digest, bytes, media_type: declared });
    }
    Ok(listed)
}

/// A file served: its bytes, as checked against the digest it was filed with, and its type.
pub struct ServedFile {
    pub media_type: MediaType,
    pub bytes: Vec<u8>,
    /// Of a private appeal: not to be kept by caches.
    pub private: bool,
}

/// The sealed record of an appeal's `n`th file (from 1).
fn file_record_id(appeal: &AppealId, n: usize) -> Result<RecordId> {
    Ok(RecordId::new(&format!("{appeal}_f{n}"))?)
}

/// What the applicant is shown once the appeal is on the log.
#[derive(Clone, Debug, Serialize)]
pub struct FiledReceipt {
    pub appeal: AppealId,
    pub body: BodyId,
    pub index: u64,
    pub leaf_hash: String,
    pub timestamp: Timestamp,
    #[serde(with = "dauys_core_date")]
    pub due: Date,
}

mod dauys_core_date {
    pub fn serialize<S: serde::Serializer>(d: &time::Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&dauys_core::format_date(*d))
    }
}

/// What the server seals for every appeal: who filed it (so they find their appeals and are
/// told each step), in which language, and a private appeal's texts with the nonce its
/// commitment hides them with.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SealedCase {
    account: AccountId,
    lang: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<PartialText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<PartialText>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    nonce: String,
    /// A private appeal's files as a public one's are listed on the log; their bytes are
    /// sealed apart, one record each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<Attachment>,
}

/// A sealed follow-up text of a private appeal: a question, a reply or the answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SealedText {
    text: PartialText,
    nonce: String,
}

/// The texts of a case, as its applicant (or an official who opened it) reads them.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CaseTexts {
    pub title: Option<PartialText>,
    pub text: Option<PartialText>,
    pub questions: Vec<PartialText>,
    pub replies: Vec<PartialText>,
    pub answer: Option<PartialText>,
    /// The files filed with it (from the log for a public appeal, sealed for a private one).
    pub attachments: Vec<Attachment>,
    /// A private appeal's nonce (hex), with which whoever reads its texts recomputes the
    /// commitment on the log (SPEC §9.2); empty for a public appeal.
    pub nonce: String,
}

impl CaseTexts {
    /// A public appeal's texts, as the log holds them.
    pub fn public(appeal: &Appeal) -> CaseTexts {
        CaseTexts {
            title: appeal.title.as_deref().cloned(),
            text: appeal.text.as_deref().cloned(),
            questions: appeal.clarifications.iter().filter_map(|c| c.question.clone()).collect(),
            replies: appeal.clarifications.iter().filter_map(|c| c.reply.clone()).collect(),
            answer: appeal.obligation.answer.as_ref().and_then(|a| a.answer.as_deref().cloned()),
            attachments: appeal.attachments.clone(),
            nonce: String::new(),
        }
    }
}

/// The sealed record of a private follow-up text (a question, a reply, the answer): named by
/// the commitment the log holds for it, so a refused or concurrent attempt never takes the
/// name of a text the log has, and a reader finds the text from the log alone.
fn follow_up_id(appeal: &AppealId, commitment: &Commitment) -> Result<RecordId> {
    let hex = commitment.to_string();
    Ok(RecordId::new(&format!("{appeal}_{}", &hex[..32.min(hex.len())]))?)
}

/// The commitment a private text is logged as: SHA-256 over a label, the nonce and the
/// text's JSON, so the log reveals nothing of it and the applicant can check it (SPEC §9.2).
fn commitment(label: &str, nonce: &str, text: &impl Serialize) -> Result<Commitment> {
    let json = serde_json::to_vec(text).map_err(|e| AppealError::Internal(e.to_string()))?;
    let mut hash = Sha256::new();
    hash.update(format!("dauys/{label}/v1\n{nonce}\n").as_bytes());
    hash.update(&json);
    Ok(Commitment::from_digest(&hash.finalize().into()))
}

fn nonce() -> Result<String> {
    Ok(hex::encode(nonce_bytes()?))
}

fn nonce_bytes() -> Result<[u8; 32]> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| AppealError::Internal(e.to_string()))?;
    Ok(bytes)
}

/// What a private appeal's filing commitment covers: `[title, text]`, and when it carries
/// files, `[title, text, [digest, …]]` with each file's SHA-256 in hex, in order — so an
/// appeal without files keeps the commitment it always had.
fn filing_commitment(nonce: &str, title: &PartialText, text: &PartialText, files: &[Attachment]) -> Result<Commitment> {
    if files.is_empty() {
        commitment("appeal", nonce, &(title, text))
    } else {
        let digests: Vec<String> = files.iter().map(|f| f.digest.to_hex()).collect();
        commitment("appeal", nonce, &(title, text, digests))
    }
}

/// `a-` and ten random characters.
pub fn new_appeal_id() -> Result<AppealId> {
    const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 10];
    getrandom::getrandom(&mut bytes).map_err(|e| AppealError::Internal(e.to_string()))?;
    let id: String = bytes.iter().map(|b| char::from(ALPHABET[usize::from(b % 32)])).collect();
    format!("a-{id}").parse().map_err(|e: dauys_core::EventError| AppealError::Internal(e.to_string()))
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

fn aad(id: &RecordId) -> Vec<u8> {
    format!("appeal-record/{id}").into_bytes()
}

/// The appeals service, shared by pages and API handlers.
pub struct Appeals {
    people: Arc<People>,
    sealed: SealedRecords,
    sequencer: SequencerHandle,
    view: Arc<AppealsView>,
    deployment: Arc<DeploymentView>,
    public_url: String,
    per_account: crate::rate::KeyedLimit<AccountId>,
}

impl Appeals {
    /// The service as [`start`](crate::capability::Capability::start) builds it, but telling
    /// the applicants nothing: for the demo's backdated history, whose steps were over before
    /// anyone could have been told of them.
    pub(crate) fn without_notices(platform: &crate::capability::Platform<'_>, view: Arc<AppealsView>) -> Appeals {
        Appeals {
            people: platform.people.clone(),
            sealed: platform.private.sealed.clone(),
            sequencer: platform.sequencer.clone(),
            view,
            deployment: platform.deployment.clone(),
            public_url: platform.config.public_url.trim_end_matches('/').to_owned(),
            per_account: crate::rate::KeyedLimit::new(governor::Quota::per_hour(
                std::num::NonZeroU32::new(platform.config.appeals_per_hour_per_account)
                    .unwrap_or(std::num::NonZeroU32::MIN),
            )),
        }
    }

    /// The read model: appeals as of the last committed batch.
    pub fn view(&self) -> &AppealsView {
        &self.view
    }

    pub fn get(&self, id: &AppealId) -> Result<Arc<Appeal>> {
        self.view.get(id).ok_or(AppealError::NotFound)
    }

    /// The deployment's bodies, calendar and time zone.
    pub fn deployment(&self) -> &DeploymentView {
        &self.deployment
    }

    /// Today in the deployment's time zone.
    pub fn today(&self) -> Date {
        Timestamp(now_ms()).date_at_offset(self.deployment.utc_offset_minutes())
    }

    /// Working days an open appeal has waited: from the day it reached the body holding it
    /// to today.
    pub fn days_waiting(&self, appeal: &Appeal) -> u32 {
        self.deployment.calendar().working_days_between(appeal.received_on, self.today())
    }

    fn verified(&self, who: Person<'_>) -> Result<(Iin, Identity)> {
        let identity = who.identity(&self.people)?.ok_or(AppealError::NotVerified)?;
        let iin = Iin::parse(&identity.iin).map_err(|e| AppealError::Internal(format!("stored IIN: {e}")))?;
        Ok((iin, identity))
    }

    /// The first appeal of the case `id` belongs to (a complaint's case is its appeal's).
    fn root_of(&self, id: &AppealId) -> AppealId {
        let mut root = id.clone();
        // Each complaint names an earlier appeal, so the walk ends; the bound guards a view
        // that is mid-rebuild.
        for _ in 0..64 {
            match self.view.get(&root).and_then(|a| a.complaint_about.clone()) {
                Some(earlier) => root = earlier,
                None => break,
            }
        }
        root
    }

    /// The open body competent for `topic` that serves `place` most closely (a district's
    /// body before its region's, a region's before a national one); ties go to the first id.
    pub fn propose_body(&self, topic: &TopicCode, place: Option<&Locality>) -> Option<BodyId> {
        let bodies = self.deployment.bodies();
        dauys_core::competent_body(bodies.iter().map(|b| b.as_ref()), topic, place).cloned()
    }

    /// The body a complaint about `original` goes to: the superior of the body that owed the
    /// answer, or that superior's successor.
    pub fn superior_for(&self, original: &Appeal) -> Result<BodyId> {
        let owing = self.deployment.body(original.body()).ok_or(AppealError::NotFound)?;
        let parent = owing
            .parent
            .clone()
            .ok_or_else(|| AppealError::Rejected(RuleError::NoSuperiorBody(owing.id.to_string())))?;
        let bodies = self.deployment.bodies();
        let facts =
            dauys_core::CaseFacts { id: original.id.as_str(), topic: &original.topic, place: original.place.as_ref() };
        let successor =
            dauys_core::successor_among(&parent, &facts, |id| bodies.iter().find(|b| &b.id == id).map(|b| b.as_ref()));
        let superior = successor.unwrap_or(parent);
        // A reorganisation may have merged the superior into the body itself (the rules
        // refuse the complaint then; this says so before anything is sealed).
        if &superior == original.body() {
            return Err(AppealError::Rejected(RuleError::NoSuperiorBody(superior.to_string())));
        }
        Ok(superior)
    }

    /// Files an appeal for a verified person; anonymous appeals are refused with the reason.
    /// Its files are checked first ([`check_uploads`]), then sealed, each in its own record,
    /// before the appeal reaches the log, and taken back if the log refuses it.
    pub async fn file(&self, who: Person<'_>, filing: Filing) -> Result<FiledReceipt> {
        let account = who.account().id.clone();
        let (iin, _) = self.verified(who)?;
        let uploads = filing.attachments.clone();
        // Hashing a few megabytes is blocking work.
        let files = tokio::task::spawn_blocking(move || check_uploads(&uploads))
            .await
            .map_err(|e| AppealError::Internal(e.to_string()))??;
        if self.per_account.check(&account).is_err() {
            return Err(AppealError::RateLimited);
        }
        let appeal = new_appeal_id()?;
        let (body, root) = match &filing.complaint_about {
            Some(original) => {
                let o = self.get(original)?;
                (self.superior_for(&o)?, self.root_of(original))
            }
            None => {
                let body = match filing.body.clone() {
                    Some(body) => body,
                    None => {
                        self.propose_body(&filing.topic, filing.place.as_ref()).ok_or(AppealError::NoCompetentBody)?
                    }
                };
                (body, appeal.clone())
            }
        };
        let applicant = self.people.appeal_pseudonym(&iin, &root);
        if let Some(original) = &filing.complaint_about {
            if self.get(original)?.applicant != applicant {
                return Err(AppealError::NotApplicant);
            }
        }
        let private = filing.visibility == Visibility::Private;
        let nonce = if private { nonce()? } else { String::new() };
        let sealed_commitment =
            if private { Some(filing_commitment(&nonce, &filing.title, &filing.text, &files)?) } else { None };
        let case = SealedCase {
            account,
            lang: filing.lang.as_str().to_owned(),
            title: private.then(|| filing.title.clone()),
            text: private.then(|| filing.text.clone()),
            nonce,
            attachments: if private { files.clone() } else { Vec::new() },
        };
        let kind = if filing.complaint_about.is_some() { AppealKind::Complaint } else { filing.kind };
        let event = Event::AppealFiled {
            appeal: appeal.clone(),
            applicant,
            body: body.clone(),
            kind,
            topic: filing.topic,
            place: filing.place,
            visibility: filing.visibility,
            title: (!private).then_some(filing.title),
            text: (!private).then_some(filing.text),
            attachments: (!private && !files.is_empty()).then(|| files.clone()),
            sealed: sealed_commitment,
            complaint_about: filing.complaint_about,
        };
        // Check before sealing anything, so a refused appeal leaves nothing behind.
        event.validate().map_err(|e| AppealError::Rejected(RuleError::InvalidEvent(e)))?;
        dauys_core::Event::check_new(&event).map_err(|e| AppealError::Rejected(RuleError::InvalidEvent(e)))?;
        let sealed = self.seal_files(&appeal, &case.account, filing.attachments).await;
        let sealed = match sealed {
            Ok(()) => self.seal_case(&appeal, &case).await,
            Err(e) => Err(e),
        };
        if let Err(e) = sealed {
            self.unseal_case(&appeal, files.len()).await;
            return Err(e);
        }
        let receipt = match self.sequencer.submit(event).await {
            Ok(receipt) => receipt,
            Err(e) => {
                self.unseal_case(&appeal, files.len()).await;
                return Err(e.into());
            }
        };
        let filed = self.get(&appeal)?;
        Ok(FiledReceipt {
            appeal,
            body,
            index: receipt.index,
            leaf_hash: receipt.leaf_hash.to_string(),
            timestamp: receipt.timestamp,
            due: filed.obligation.due,
        })
    }

    async fn seal_case(&self, appeal: &AppealId, case: &SealedCase) -> Result<()> {
        let id = RecordId::new(appeal.as_str())?;
        let plain =
            zeroize::Zeroizing::new(serde_json::to_vec(case).map_err(|e| AppealError::Internal(e.to_string()))?);
        let sealed = self.people.seal_standalone(&aad(&id), &plain);
        let (store, owner) = (self.sealed.clone(), case.account.to_string());
        run_blocking(move || Ok(store.put(RecordKind::AppealText, &id, &sealed, Some(&owner), now_ms())?)).await?;
        Ok(())
    }

    /// Seals each file of an appeal in its own record, `<appeal>_f<n>` from 1, listed among
    /// the applicant's: the file's bytes alone (its type and digest are on the log, or in the
    /// sealed case of a private appeal).
    async fn seal_files(&self, appeal: &AppealId, owner: &AccountId, files: Vec<Upload>) -> Result<()> {
        if files.is_empty() {
            return Ok(());
        }
        let ids = (1..=files.len()).map(|n| file_record_id(appeal, n)).collect::<Result<Vec<_>>>()?;
        let (store, people, owner) = (self.sealed.clone(), self.people.clone(), owner.to_string());
        run_blocking(move || {
            for (id, file) in ids.iter().zip(files) {
                let sealed = people.seal_standalone(&aad(id), &file.bytes);
                store.put(RecordKind::AppealAttachment, id, &sealed, Some(&owner), now_ms())?;
            }
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// Takes back the sealed records of an appeal the log refused: its case and its `files`.
    async fn unseal_case(&self, appeal: &AppealId, files: usize) {
        let Ok(id) = RecordId::new(appeal.as_str()) else { return };
        let Ok(file_ids) = (1..=files).map(|n| file_record_id(appeal, n)).collect::<Result<Vec<_>>>() else { return };
        let store = self.sealed.clone();
        let deleted = run_blocking(move || {
            // Each one tried, whatever became of the others.
            let case = store.delete(RecordKind::AppealText, &id).map(|_| ());
            let files: Vec<_> = file_ids.iter().map(|f| store.delete(RecordKind::AppealAttachment, f)).collect();
            case?;
            files.into_iter().try_for_each(|f| f.map(|_| ()))?;
            Ok(())
        })
        .await;
        if deleted.is_err() {
            tracing::error!(%appeal, "could not delete the sealed records of a refused appeal");
        }
    }

    /// The sealed record of an appeal, opened.
    async fn case(&self, appeal: &AppealId) -> Result<SealedCase> {
        let id = RecordId::new(appeal.as_str())?;
        let (store, people) = (self.sealed.clone(), self.people.clone());
        run_blocking(move || {
            let record =
                store.get(RecordKind::AppealText, &id)?.ok_or(PeopleError::Internal(format!("no record of {id}")))?;
            let plain = people.open_standalone(&aad(&id), &record.sealed)?;
            serde_json::from_slice(&plain).map_err(|e| PeopleError::Internal(format!("appeal record: {e}")))
        })
        .await
        .map_err(Into::into)
    }

    /// Is `account` the applicant of `appeal`?
    pub async fn is_applicant(&self, account: &Account, appeal: &AppealId) -> bool {
        self.case(appeal).await.is_ok_and(|c| c.account == account.id)
    }

    /// The appeals `account` filed, newest first.
    pub async fn filed_by(&self, account: &Account) -> Result<Vec<Arc<Appeal>>> {
        let (store, owner) = (self.sealed.clone(), account.id.to_string());
        let records = run_blocking(move || Ok(store.list_by_owner(RecordKind::AppealText, &owner, 500)?)).await?;
        let mut appeals: Vec<Arc<Appeal>> = records
            .iter()
            .filter_map(|r| r.id.as_str().parse::<AppealId>().ok())
            .filter_map(|id| self.view.get(&id))
            .collect();
        appeals.sort_by_key(|a| std::cmp::Reverse(a.filed_at));
        Ok(appeals)
    }

    /// A private follow-up text sealed, and its commitment; `None` for a public appeal,
    /// whose texts go on the log.
    async fn seal_follow_up(&self, appeal: &Appeal, text: &PartialText, nonce: [u8; 32]) -> Result<Option<Commitment>> {
        if appeal.visibility == Visibility::Public {
            return Ok(None);
        }
        let nonce = hex::encode(nonce);
        let commitment = commitment("appeal-text", &nonce, text)?;
        let id = follow_up_id(&appeal.id, &commitment)?;
        let plain = serde_json::to_vec(&SealedText { text: text.clone(), nonce })
            .map_err(|e| AppealError::Internal(e.to_string()))?;
        let sealed = self.people.seal_standalone(&aad(&id), &plain);
        let store = self.sealed.clone();
        run_blocking(move || Ok(store.put(RecordKind::AppealText, &id, &sealed, None, now_ms())?)).await?;
        Ok(Some(commitment))
    }

    /// Logs an official's act carrying a follow-up text (`act` builds it from the text, on
    /// a public appeal, or from the sealed text's commitment). The commitment draws a fresh
    /// nonce, or, for an act sent back signed, the one it was shown for signing with; an
    /// official who holds a key gets [`PeopleError::ToSign`] first.
    async fn submit_follow_up(
        &self,
        official: &Account,
        appeal: &Appeal,
        text: &PartialText,
        signed: Option<SignedPending>,
        act: impl FnOnce(Option<PartialText>, Option<Commitment>) -> Event,
    ) -> Result<Receipt> {
        let pending = self.people.pending_acts();
        let (nonce, signature) = match signed {
            Some(s) => (pending.take(&official.id, &s.token).map_err(PeopleError::from)?, s.signature),
            None => (nonce_bytes()?, None),
        };
        let sealed = self.seal_follow_up(appeal, text, nonce).await?;
        let event = act(sealed.is_none().then(|| text.clone()), sealed.clone());
        match self.submit_with(&appeal.id, sealed.as_ref(), event, signature).await {
            Err(AppealError::Unsigned(event)) => {
                let token = pending.keep(&official.id, nonce).map_err(PeopleError::from)?;
                Err(PeopleError::ToSign(Box::new(ActToSign { event: *event, token })).into())
            }
            done => done,
        }
    }

    /// Logs an act carrying a sealed follow-up text; if the log refuses it, the sealed text is
    /// taken back, so a refused act leaves nothing behind.
    async fn submit_with(
        &self,
        appeal: &AppealId,
        sealed: Option<&Commitment>,
        event: Event,
        signature: Option<dauys_core::ActSignature>,
    ) -> Result<Receipt> {
        match self.sequencer.submit_signed(event, signature).await {
            Ok(receipt) => Ok(receipt),
            Err(e) => {
                if let Some(id) = sealed.and_then(|c| follow_up_id(appeal, c).ok()) {
                    let store = self.sealed.clone();
                    if run_blocking(move || Ok(store.delete(RecordKind::AppealText, &id)?)).await.is_err() {
                        tracing::error!(%appeal, "could not delete the sealed text of a refused act");
                    }
                }
                Err(e.into())
            }
        }
    }

    /// The sealed follow-up text the log commits to with `commitment`.
    async fn follow_up(&self, appeal: &AppealId, commitment: Option<&Commitment>) -> Result<Option<PartialText>> {
        let Some(commitment) = commitment else { return Ok(None) };
        let id = follow_up_id(appeal, commitment)?;
        let (store, people) = (self.sealed.clone(), self.people.clone());
        run_blocking(move || {
            let Some(record) = store.get(RecordKind::AppealText, &id)? else { return Ok(None) };
            let plain = people.open_standalone(&aad(&id), &record.sealed)?;
            let text: SealedText =
                serde_json::from_slice(&plain).map_err(|e| PeopleError::Internal(format!("appeal text: {e}")))?;
            Ok(Some(text.text))
        })
        .await
        .map_err(Into::into)
    }

    /// Every text of a case: on the log for a public appeal, unsealed for a private one.
    async fn texts(&self, appeal: &Appeal) -> Result<CaseTexts> {
        if appeal.visibility == Visibility::Public {
            return Ok(CaseTexts::public(appeal));
        }
        let case = self.case(&appeal.id).await?;
        let mut texts = CaseTexts {
            title: case.title,
            text: case.text,
            attachments: case.attachments,
            nonce: case.nonce,
            ..CaseTexts::default()
        };
        for c in &appeal.clarifications {
            texts.questions.extend(self.follow_up(&appeal.id, c.question_sealed.as_ref()).await?);
            texts.replies.extend(self.follow_up(&appeal.id, c.reply_sealed.as_ref()).await?);
        }
        let answer = appeal.obligation.answer.as_ref().and_then(|a| a.sealed.as_ref());
        texts.answer = self.follow_up(&appeal.id, answer).await?;
        Ok(texts)
    }

    /// The applicant reads their own appeal's texts.
    pub async fn texts_for_applicant(&self, account: &Account, id: &AppealId) -> Result<CaseTexts> {
        let appeal = self.get(id)?;
        if !self.is_applicant(account, id).await {
            return Err(AppealError::NotApplicant);
        }
        self.texts(&appeal).await
    }

    /// An official of the body holding a private appeal opens it: the opening is logged
    /// (`personal_data.opened`, seen by the applicant on "who looked at my data") before the
    /// texts and the applicant's name are returned.
    pub async fn open_for_official(
        &self,
        official: &Account,
        id: &AppealId,
        purpose: &str,
        signed: Option<SignedPending>,
    ) -> Result<(CaseTexts, Profile, Receipt)> {
        let appeal = self.get(id)?;
        self.require(official, &Action::HandleAppeal { body: appeal.body().clone() })?;
        let case = self.case(id).await?;
        let basis: BasisCode =
            OPENING_BASIS.parse().map_err(|e: dauys_core::EventError| AppealError::Internal(e.to_string()))?;
        let (profile, receipt) = self
            .people
            .open_personal_data(official, case.account.as_str(), appeal.body(), &basis, purpose, id.as_str(), signed)
            .await?;
        Ok((self.texts(&appeal).await?, profile, receipt))
    }

    /// The `n`th file (from 1) of an appeal, for `reader`: a public appeal's to anyone; a
    /// private one's only to its applicant, or to an official of the body holding it, whose
    /// download is an accountable opening like reading the text — logged (for `purpose`)
    /// before the bytes are returned. Whether a private appeal has an `n`th file is said
    /// only to those who may read it. The bytes are checked against the digest filed.
    pub async fn attachment(
        &self,
        reader: Option<&Account>,
        id: &AppealId,
        n: usize,
        purpose: &str,
        signed: Option<SignedPending>,
    ) -> Result<ServedFile> {
        let appeal = self.get(id)?;
        if appeal.visibility == Visibility::Public {
            let file = n.checked_sub(1).and_then(|i| appeal.attachments.get(i)).ok_or(AppealError::NotFound)?;
            let bytes = self.file_bytes(id, n, file).await?;
            return Ok(ServedFile { media_type: file.media_type, bytes, private: false });
        }
        let reader = reader.ok_or(AppealError::Denied(Denied::NotSignedIn))?;
        let case = self.case(id).await?;
        let applicant = case.account == reader.id;
        if !applicant && authorize(&reader.actor(), &Action::HandleAppeal { body: appeal.body().clone() }).is_err() {
            return Err(AppealError::NotReader);
        }
        let file = n.checked_sub(1).and_then(|i| case.attachments.get(i)).ok_or(AppealError::NotFound)?;
        let bytes = self.file_bytes(id, n, file).await?;
        if !applicant {
            let basis: BasisCode =
                OPENING_BASIS.parse().map_err(|e: dauys_core::EventError| AppealError::Internal(e.to_string()))?;
            self.people
                .open_personal_data(reader, case.account.as_str(), appeal.body(), &basis, purpose, id.as_str(), signed)
                .await?;
        }
        Ok(ServedFile { media_type: file.media_type, bytes, private: true })
    }

    /// The sealed bytes of an appeal's `n`th file, opened and checked against `file`.
    async fn file_bytes(&self, appeal: &AppealId, n: usize, file: &Attachment) -> Result<Vec<u8>> {
        let id = file_record_id(appeal, n)?;
        let (store, people) = (self.sealed.clone(), self.people.clone());
        let expected = file.digest.clone();
        run_blocking(move || {
            let record = store
                .get(RecordKind::AppealAttachment, &id)?
                .ok_or_else(|| PeopleError::Internal(format!("no record of {id}")))?;
            let plain = people.open_standalone(&aad(&id), &record.sealed)?;
            if Commitment::from_digest(&Sha256::digest(&plain[..]).into()) != expected {
                return Err(PeopleError::Internal(format!("the record {id} does not match the digest filed")));
            }
            Ok(plain.to_vec())
        })
        .await
        .map_err(Into::into)
    }

    fn require(&self, account: &Account, action: &Action) -> Result<()> {
        authorize(&account.actor(), action)?;
        Ok(())
    }

    /// Refuses an official's act on an appeal they filed: the log names the applicant only by
    /// a per-case pseudonym, so the fold cannot; the server derives the official's pseudonym
    /// for the case the same way (fails closed when their profile cannot be opened).
    fn refuse_own_appeal(&self, official: &Account, appeal: &Appeal) -> Result<()> {
        let profile = match self.people.profile(&official.row) {
            Ok(profile) => profile,
            Err(PeopleError::Erased) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        let Some(identity) = profile.identity else { return Ok(()) };
        let iin = Iin::parse(&identity.iin).map_err(|e| AppealError::Internal(format!("stored IIN: {e}")))?;
        if self.people.appeal_pseudonym(&iin, &self.root_of(&appeal.id)) == appeal.applicant {
            return Err(AppealError::OwnAppeal);
        }
        Ok(())
    }

    /// What an official acting for the body holding `id` needs checked first.
    fn official_act(&self, official: &Account, id: &AppealId, action: fn(BodyId) -> Action) -> Result<Arc<Appeal>> {
        let appeal = self.get(id)?;
        self.require(official, &action(appeal.body().clone()))?;
        self.refuse_own_appeal(official, &appeal)?;
        Ok(appeal)
    }

    pub async fn forward(
        &self,
        official: &Account,
        id: &AppealId,
        to: BodyId,
        reason: &str,
        signature: Option<dauys_core::ActSignature>,
    ) -> Result<Receipt> {
        self.official_act(official, id, |body| Action::HandleAppeal { body })?;
        let event = Event::AppealForwarded {
            appeal: id.clone(),
            by: official.id.clone(),
            to,
            reason: reason.trim().to_owned(),
        };
        Ok(self.sequencer.submit_signed(event, signature).await?)
    }

    pub async fn ask(
        &self,
        official: &Account,
        id: &AppealId,
        question: PartialText,
        signed: Option<SignedPending>,
    ) -> Result<Receipt> {
        let appeal = self.official_act(official, id, |body| Action::HandleAppeal { body })?;
        let by = official.id.clone();
        self.submit_follow_up(official, &appeal, &question, signed, |question, sealed| {
            Event::AppealClarificationRequested { appeal: id.clone(), by, question, sealed }
        })
        .await
    }

    pub async fn extend(
        &self,
        head: &Account,
        id: &AppealId,
        decided_on: Date,
        until: Date,
        reason: &str,
        signature: Option<dauys_core::ActSignature>,
    ) -> Result<Receipt> {
        self.official_act(head, id, |body| Action::ExtendAppeal { body })?;
        let event = Event::AppealExtended {
            appeal: id.clone(),
            by: head.id.clone(),
            decided_on,
            until,
            reason: reason.trim().to_owned(),
        };
        Ok(self.sequencer.submit_signed(event, signature).await?)
    }

    pub async fn answer(
        &self,
        official: &Account,
        id: &AppealId,
        outcome: AppealOutcome,
        text: PartialText,
        signed: Option<SignedPending>,
    ) -> Result<Receipt> {
        let appeal = self.official_act(official, id, |body| Action::HandleAppeal { body })?;
        let by = official.id.clone();
        self.submit_follow_up(official, &appeal, &text, signed, |answer, sealed| Event::AppealAnswered {
            appeal: id.clone(),
            by,
            outcome,
            answer,
            sealed,
        })
        .await
    }

    /// The applicant's pseudonym for the case of `id`, checked against the appeal's.
    fn applicant(&self, who: Person<'_>, appeal: &Appeal) -> Result<dauys_core::Pseudonym> {
        let (iin, _) = self.verified(who)?;
        let by = self.people.appeal_pseudonym(&iin, &self.root_of(&appeal.id));
        if by != appeal.applicant {
            return Err(AppealError::NotApplicant);
        }
        Ok(by)
    }

    pub async fn clarify(&self, who: Person<'_>, id: &AppealId, reply: PartialText) -> Result<Receipt> {
        let appeal = self.get(id)?;
        let by = self.applicant(who, &appeal)?;
        let sealed = self.seal_follow_up(&appeal, &reply, nonce_bytes()?).await?;
        let reply = sealed.is_none().then_some(reply);
        let event = Event::AppealClarified { appeal: id.clone(), by, reply, sealed: sealed.clone() };
        self.submit_with(id, sealed.as_ref(), event, None).await
    }

    pub async fn rate(&self, who: Person<'_>, id: &AppealId, rating: u8) -> Result<Receipt> {
        let appeal = self.get(id)?;
        let by = self.applicant(who, &appeal)?;
        Ok(self.sequencer.submit(Event::AppealRated { appeal: id.clone(), by, rating }).await?)
    }
}

/// Tells applicants each step of their appeals by e-mail, in the language they filed in, as
/// the view publishes the steps. A step whose mail cannot be queued is logged and shown on
/// the appeal's page all the same.
async fn notify(
    people: std::sync::Weak<People>,
    sealed: SealedRecords,
    public_url: String,
    mut notices: tokio::sync::mpsc::UnboundedReceiver<Notice>,
) {
    while let Some(notice) = notices.recv().await {
        // The server is stopping.
        let Some(people) = people.upgrade() else { break };
        let (sealed, public_url) = (sealed.clone(), public_url.clone());
        let id = notice.appeal.id.clone();
        let sent = run_blocking(move || {
            let record_id = RecordId::new(notice.appeal.id.as_str())?;
            let Some(record) = sealed.get(RecordKind::AppealText, &record_id)? else { return Ok(()) };
            let plain = people.open_standalone(&aad(&record_id), &record.sealed)?;
            let case: SealedCase =
                serde_json::from_slice(&plain).map_err(|e| PeopleError::Internal(format!("appeal record: {e}")))?;
            let account = match people.account(case.account.as_str()) {
                Ok(account) => account,
                // An erased applicant is told nothing.
                Err(PeopleError::Erased | PeopleError::NoSuchAccount) => return Ok(()),
                Err(e) => return Err(e),
            };
            let email = match people.profile(&account.row) {
                Ok(profile) => profile.email,
                Err(PeopleError::Erased) => return Ok(()),
                Err(e) => return Err(e),
            };
            let lang: Lang = case.lang.parse().unwrap_or(Lang::Kk);
            let link = format!("{public_url}{}", appeal_href(&notice.appeal.id));
            people.enqueue_mail(&Mail::appeal_step(&email, lang, &notice.appeal.id, &notice.event, &link))
        })
        .await;
        if let Err(e) = sent {
            tracing::error!(appeal = %id, error = %e, "could not queue the applicant's notice");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(declared: &str, bytes: &[u8]) -> Upload {
        Upload { declared: declared.to_owned(), bytes: Bytes::copy_from_slice(bytes) }
    }

    #[test]
    fn a_file_is_the_type_its_first_bytes_show_whatever_it_is_called() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(MediaType::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), Some(MediaType::Png));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE1]), Some(MediaType::Jpeg));
        for other in [&b""[..], b"%PDF", b"\x89PNG\r\n", b"GIF89a", b"<html>", &[0xFF, 0xD8]] {
            assert_eq!(sniff(other), None, "{other:?}");
        }
        let listed = check_uploads(&[
            upload("application/pdf; charset=binary", b"%PDF-1"),
            upload("IMAGE/PNG", b"\x89PNG\r\n\x1a\n"),
        ])
        .expect("both files are what they say");
        assert_eq!(listed[0].digest, Commitment::from_digest(&Sha256::digest(b"%PDF-1").into()));
        assert_eq!((listed[0].bytes, listed[1].media_type), (6, MediaType::Png));
        let refused = |uploads: &[Upload]| check_uploads(uploads).unwrap_err().code();
        assert_eq!(refused(&[upload("application/pdf", b"hello")]), "attachment-content");
        assert_eq!(refused(&[upload("image/jpeg", b"%PDF-1")]), "attachment-content");
        assert_eq!(refused(&[upload("image/gif", b"GIF89a")]), "attachment-type");
        assert_eq!(refused(&[upload("application/pdf", b"")]), "attachment-empty");
        assert_eq!(
            refused(&[upload("application/pdf", b"%PDF-1"), upload("application/pdf", b"%PDF-1")]),
            "duplicate-attachment"
        );
        let six: Vec<Upload> = (0..6).map(|i| upload("application/pdf", format!("%PDF-{i}").as_bytes())).collect();
        assert_eq!(refused(&six), "too-many-attachments");
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_ATTACHMENT_BYTES as usize + 1, b' ');
        assert_eq!(refused(&[upload("application/pdf", &big)]), "attachment-too-large");
        big.pop();
        assert!(check_uploads(&[upload("application/pdf", &big)]).is_ok(), "exactly 5 MiB is allowed");
    }

    /// SPEC §9.2: `[title, text]` without files (the commitment appeals always had), and
    /// `[title, text, [digest, …]]` with them.
    #[test]
    fn the_filing_commitment_covers_the_files_only_when_there_are_some() {
        let (title, text) = (PartialText::one(Lang::En, "T"), PartialText::one(Lang::Kk, "Мәтін"));
        let nonce = "00".repeat(32);
        let expected = |json: &str| {
            let mut hash = Sha256::new();
            hash.update(format!("dauys/appeal/v1\n{nonce}\n").as_bytes());
            hash.update(json.as_bytes());
            Commitment::from_digest(&hash.finalize().into())
        };
        let without = filing_commitment(&nonce, &title, &text, &[]).unwrap();
        assert_eq!(without, expected(r#"[{"en":"T"},{"kk":"Мәтін"}]"#));
        let files =
            check_uploads(&[upload("application/pdf", b"%PDF-1"), upload("image/png", b"\x89PNG\r\n\x1a\n")]).unwrap();
        let with = filing_commitment(&nonce, &title, &text, &files).unwrap();
        let json = format!(r#"[{{"en":"T"}},{{"kk":"Мәтін"}},["{}","{}"]]"#, files[0].digest, files[1].digest);
        assert_eq!(with, expected(&json));
        let reversed: Vec<Attachment> = files.iter().rev().cloned().collect();
        assert_ne!(filing_commitment(&nonce, &title, &text, &reversed).unwrap(), with, "the order counts");
    }
}
