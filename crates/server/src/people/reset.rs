//! Links sent by e-mail, without storing anything: password reset and address confirmation.
//!
//! Password reset: the link carries
//! `<account id>.<expiry ms>.<tag>`, the tag a keyed hash (under the pseudonym key) of the
//! account id, the expiry and the account's current password hash. Changing the password
//! changes the hash, so a link works once; it also stops working at its expiry. The answer
//! to "send me a link" is the same whether or not the address has an account, and the work
//! runs after the answer.

use std::sync::Arc;

use dauys_identity::password;
use subtle::ConstantTimeEq;

use super::mail::Mail;
use super::{normalize_email, now_ms, People, PeopleError};

/// Splits a link token `<account id>.<expiry ms>.<tag>`; `None` if malformed or expired.
fn parse_link(token: &str) -> Option<(&str, u64, &str)> {
    let mut parts = token.splitn(3, '.');
    let (id, expires, tag) = (parts.next()?, parts.next()?, parts.next()?);
    let expires_ms: u64 = expires.parse().ok()?;
    (expires_ms > now_ms() && id.len() <= 64).then_some((id, expires_ms, tag))
}

/// How long a reset link works.
pub const RESET_TTL_MS: u64 = 60 * 60 * 1000;

impl People {
    fn reset_tag(&self, account_id: &str, expires_ms: u64, password_phc: &str) -> String {
        hex::encode(self.ring().lookup("password-reset", &format!("{account_id}\n{expires_ms}\n{password_phc}")))
    }

    /// The token for a reset link for `account_id`, valid until `expires_ms`. Blocking.
    pub fn reset_token(&self, account_id: &str, expires_ms: u64) -> Result<String, PeopleError> {
        let row = self.store.account(account_id)?.ok_or(PeopleError::NoSuchAccount)?;
        Ok(format!("{account_id}.{expires_ms}.{}", self.reset_tag(account_id, expires_ms, &row.password_phc)))
    }

    /// The account a token resets, if the token is genuine, unexpired and unused. Blocking.
    pub fn check_reset_token(&self, token: &str) -> Result<String, PeopleError> {
        let bad = || PeopleError::ResetLinkInvalid;
        let (id, expires_ms, tag) = parse_link(token).ok_or_else(bad)?;
        let row = self.store.account(id)?.ok_or_else(bad)?;
        if row.wrapped_key.is_none() {
            return Err(bad());
        }
        let expected = self.reset_tag(id, expires_ms, &row.password_phc);
        if bool::from(expected.as_bytes().ct_eq(tag.as_bytes())) {
            Ok(row.id)
        } else {
            Err(bad())
        }
    }

    /// Sends a reset link to `email` if an account uses it; answers the same either way and
    /// does the work after answering.
    pub fn request_password_reset(self: &Arc<Self>, email: &str, base_url: &str) -> Result<(), PeopleError> {
        let email = normalize_email(email)?;
        let (this, base_url) = (self.clone(), base_url.to_string());
        tokio::spawn(async move {
            let sent = this
                .blocking(move |people| {
                    let Some(row) = people.store.account_by_email(&people.email_lookup(&email))? else {
                        return Ok(());
                    };
                    if row.wrapped_key.is_none() {
                        return Ok(());
                    }
                    let token = people.reset_token(&row.id, now_ms() + RESET_TTL_MS)?;
                    people.enqueue_mail(&Mail::password_reset(&email, &format!("{base_url}/reset/{token}")))
                })
                .await;
            if let Err(e) = sent {
                tracing::warn!(error = %e, "password reset link not sent");
            }
        });
        Ok(())
    }

    /// Sets a new password through a reset link and ends every session. Blocking (Argon2id):
    /// call through [`People::hashing`].
    pub fn reset_password(&self, token: &str, new_password: &str) -> Result<(), PeopleError> {
        let id = self.check_reset_token(token)?;
        password::check_password_policy(new_password)?;
        let mut row = self.store.account(&id)?.ok_or(PeopleError::ResetLinkInvalid)?;
        row.password_phc = password::hash_password(&self.password_params, new_password)?;
        self.store.update_account(&row)?;
        self.store.delete_sessions_of(&id)?;
        Ok(())
    }
}

/// How long an e-mail confirmation link works.
pub const CONFIRM_TTL_MS: u64 = 7 * 24 * 60 * 60 * 1000;

impl People {
    fn confirm_tag(&self, account_id: &str, expires_ms: u64, email_lookup: &[u8]) -> String {
        let input = format!("{account_id}\n{expires_ms}\n{}", hex::encode(email_lookup));
        hex::encode(self.ring().lookup("email-confirm", &input))
    }

    /// Mails a link that confirms the account's address. Blocking.
    pub fn send_email_confirmation(&self, account_id: &str, base_url: &str) -> Result<(), PeopleError> {
        let row = self.store.account(account_id)?.ok_or(PeopleError::NoSuchAccount)?;
        let email = self.profile(&row)?.email;
        let expires_ms = now_ms() + CONFIRM_TTL_MS;
        let token =
            format!("{account_id}.{expires_ms}.{}", self.confirm_tag(account_id, expires_ms, &row.email_lookup));
        self.enqueue_mail(&Mail::email_confirmation(&email, &format!("{base_url}/confirm/{token}")))
    }

    /// Marks the address confirmed if the link is genuine and unexpired. Blocking.
    pub fn confirm_email(&self, token: &str) -> Result<(), PeopleError> {
        let bad = || PeopleError::ConfirmLinkInvalid;
        let (id, expires_ms, tag) = parse_link(token).ok_or_else(bad)?;
        let mut row = self.store.account(id)?.ok_or_else(bad)?;
        let expected = self.confirm_tag(id, expires_ms, &row.email_lookup);
        if row.wrapped_key.is_none() || !bool::from(expected.as_bytes().ct_eq(tag.as_bytes())) {
            return Err(bad());
        }
        if !row.email_verified {
            row.email_verified = true;
            self.store.update_account(&row)?;
        }
        Ok(())
    }
}
