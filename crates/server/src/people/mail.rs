//! Outgoing mail through an outbox: a message is sealed into the database in the same
//! request that decides to send it, and a background task delivers it, so a crash between
//! the two loses nothing and a slow mail server never slows a page.
//!
//! The sender is pluggable: SMTP (the `lettre` crate, with TLS through rustls) in
//! production, or the file sender (one `.eml` file per message in a directory, mode 0600)
//! for a first run.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use dauys_core::Lang;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{People, PeopleError};
use crate::i18n::t_args;

/// Messages sent per round of the outbox.
const BATCH: u32 = 50;
/// Failed attempts before a message is left for an operator to look at.
const MAX_ATTEMPTS: u32 = 10;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Mail {
    /// The one-time registry code, in Kazakh, Russian and English.
    pub fn registry_code(to: &str, code: &str) -> Mail {
        Mail::trilingual(to, "mail-registry-code", "code", code)
    }

    /// A password reset link, in Kazakh, Russian and English.
    pub fn password_reset(to: &str, link: &str) -> Mail {
        Mail::trilingual(to, "mail-reset", "link", link)
    }

    /// A link that confirms the address, in Kazakh, Russian and English.
    pub fn email_confirmation(to: &str, link: &str) -> Mail {
        Mail::trilingual(to, "mail-confirm", "link", link)
    }

    /// A step of an appeal (`appeal.forwarded`, ...), in the language the applicant filed in,
    /// with the link to its page.
    pub fn appeal_step(to: &str, lang: Lang, appeal: &dauys_core::AppealId, event: &str, link: &str) -> Mail {
        use fluent_templates::fluent_bundle::FluentValue;
        let step = crate::i18n::event_label(lang, event);
        let args = [
            ("appeal", FluentValue::from(appeal.to_string())),
            ("step", FluentValue::from(step)),
            ("link", FluentValue::from(link.to_string())),
        ];
        Mail {
            to: to.to_string(),
            subject: t_args(lang, "mail-appeal-subject", &args),
            body: t_args(lang, "mail-appeal-body", &args),
        }
    }

    /// A message about a petition someone follows (`follow-confirm`, `follow-answered`,
    /// `follow-overdue`), in the language they asked in, with the petition's title, its link
    /// and the link of the page that confirms or stops the messages.
    pub fn about_petition(to: &str, lang: Lang, prefix: &str, title: &str, link: &str, manage: &str) -> Mail {
        use fluent_templates::fluent_bundle::FluentValue;
        let args = [
            ("title", FluentValue::from(title.to_string())),
            ("link", FluentValue::from(link.to_string())),
            ("manage", FluentValue::from(manage.to_string())),
        ];
        Mail {
            to: to.to_string(),
            subject: t_args(lang, &format!("mail-{prefix}-subject"), &args),
            body: t_args(lang, &format!("mail-{prefix}-body"), &args),
        }
    }

    /// A signing key was registered for the account (`registered`) or revoked: said to its
    /// address, so that a key someone else added with a stolen session does not go unseen.
    pub fn signing_key(to: &str, registered: bool, key: &str, keys_page: &str) -> Mail {
        let prefix = if registered { "mail-key-registered" } else { "mail-key-revoked" };
        Mail::trilingual_with(to, prefix, &[("key", key), ("link", keys_page)])
    }

    /// The message `<prefix>-subject` / `<prefix>-body` in Kazakh, Russian and English, one
    /// after the other (the outbox does not know the recipient's language).
    fn trilingual(to: &str, prefix: &str, name: &'static str, value: &str) -> Mail {
        Mail::trilingual_with(to, prefix, &[(name, value)])
    }

    fn trilingual_with(to: &str, prefix: &str, args: &[(&'static str, &str)]) -> Mail {
        let arg = || {
            args.iter()
                .map(|(name, value)| (*name, fluent_templates::fluent_bundle::FluentValue::from(value.to_string())))
                .collect::<Vec<_>>()
        };
        let body_id = format!("{prefix}-body");
        let body = Lang::ALL.iter().map(|l| t_args(*l, &body_id, &arg())).collect::<Vec<_>>().join("\n\n");
        let subject_id = format!("{prefix}-subject");
        let subject = Lang::ALL.iter().map(|l| crate::i18n::t(*l, &subject_id)).collect::<Vec<_>>().join(" / ");
        Mail { to: to.to_string(), subject, body }
    }
}

fn aad(created_at_ms: u64) -> Vec<u8> {
    format!("dauys/mail/v1:{created_at_ms}").into_bytes()
}

impl People {
    /// Seals `mail` into the outbox. Blocking.
    pub fn enqueue_mail(&self, mail: &Mail) -> Result<(), PeopleError> {
        let created = super::now_ms();
        let plain = Zeroizing::new(serde_json::to_vec(mail).map_err(|e| PeopleError::Internal(e.to_string()))?);
        self.outbox.enqueue(&self.seal_standalone(&aad(created), &plain), created)?;
        Ok(())
    }

    /// Sends what is waiting; returns how many went out. Blocking.
    pub fn deliver_mail(&self, sender: &Sender) -> Result<usize, PeopleError> {
        let mut sent = 0;
        for row in self.outbox.pending(BATCH)? {
            if row.attempts >= MAX_ATTEMPTS {
                continue;
            }
            let plain = self.open_standalone(&aad(row.created_at_ms), &row.sealed)?;
            let mail: Mail =
                serde_json::from_slice(&plain).map_err(|e| PeopleError::Internal(format!("mail record: {e}")))?;
            match sender.send(row.id, &mail) {
                Ok(()) => {
                    self.outbox.mark_sent(row.id, super::now_ms())?;
                    sent += 1;
                }
                Err(e) => {
                    tracing::warn!(id = row.id, error = %e, "mail not sent; will retry");
                    self.outbox.mark_failed(row.id)?;
                }
            }
        }
        Ok(sent)
    }
}

/// Where outgoing mail goes.
pub enum Sender {
    File(FileSender),
    Smtp(Box<SmtpSender>),
}

impl Sender {
    /// SMTP when `smtp_url` is set, else files in `mail_dir`.
    pub fn from_config(config: &crate::config::Config) -> Result<Sender, String> {
        if config.smtp_url.is_empty() {
            return Ok(Sender::File(FileSender { dir: config.mail_path() }));
        }
        let transport = lettre::SmtpTransport::from_url(&config.smtp_url)
            .map_err(|e| format!("smtp_url: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = config.mail_from.parse().map_err(|e| format!("mail_from {:?}: {e}", config.mail_from))?;
        Ok(Sender::Smtp(Box::new(SmtpSender { transport, from })))
    }

    pub fn send(&self, id: u64, mail: &Mail) -> Result<(), String> {
        match self {
            Sender::File(f) => f.send(id, mail).map_err(|e| e.to_string()),
            Sender::Smtp(s) => s.send(mail),
        }
    }
}

/// Sends through an SMTP relay (`smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
/// `smtps://host:465`).
pub struct SmtpSender {
    transport: lettre::SmtpTransport,
    from: lettre::message::Mailbox,
}

impl SmtpSender {
    fn send(&self, mail: &Mail) -> Result<(), String> {
        use lettre::Transport;
        let to = mail.to.parse().map_err(|e| format!("recipient: {e}"))?;
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport.send(&message).map(|_| ()).map_err(|e| e.to_string())
    }
}

/// Writes each message as `<dir>/<id>.eml`, readable only by the server's user.
pub struct FileSender {
    pub dir: PathBuf,
}

impl FileSender {
    fn send(&self, id: u64, mail: &Mail) -> std::io::Result<()> {
        crate::keys::create_private_dir(&self.dir)?;
        let text = format!(
            "To: {}\r\nSubject: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
            mail.to, mail.subject, mail.body
        );
        let path = self.dir.join(format!("{id:08}.eml"));
        let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    }
}

/// Delivers the outbox every second until the server stops.
pub async fn run_outbox(people: Arc<People>, sender: Arc<Sender>) {
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (p, s) = (people.clone(), sender.clone());
        match tokio::task::spawn_blocking(move || p.deliver_mail(&s)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "outbox round failed"),
            Err(_) => return,
        }
    }
}
