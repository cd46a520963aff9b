//! Acts that draw a secret nonce, kept between the form that asks for them and the signature
//! of their author.
//!
//! An opening of personal data commits to its subject with a random nonce, and a private
//! appeal's answer or question commits to its sealed text the same way. The author's key
//! signs the act's exact bytes, and the nonce is among them, so the server must build the
//! act twice with the same nonce: once to show it for signing, once to log it signed. The
//! nonce is never sent to the browser (a client that picked its own could reuse one and link
//! two openings of the same person); the form carries a token that finds it here, for the
//! same account only, once.
//!
//! Kept in memory: a restart loses what was waiting, and the official fills the form again.
//! Bounded: at most [`MAX_PER_ACCOUNT`] per account and [`MAX_PENDING`] in all, each for
//! [`PENDING_FOR`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use dauys_core::{AccountId, ActSignature, Event};

/// How long an act waits for its author's signature.
pub const PENDING_FOR: Duration = Duration::from_secs(15 * 60);
/// Acts one account may leave waiting: a few tabs' worth.
pub const MAX_PENDING_PER_ACCOUNT: usize = 8;
/// Acts waiting in all; past it, the oldest goes.
pub const MAX_PENDING: usize = 4096;

/// The nonces of acts waiting for their authors' signatures, by token.
#[derive(Default)]
pub struct PendingActs {
    waiting: Mutex<HashMap<String, Waiting>>,
}

struct Waiting {
    account: AccountId,
    nonce: [u8; 32],
    since: Instant,
}

/// A form's answer to "Sign this act": the token of the act's nonce, and the signature its
/// author's browser made (none if it holds no key: the rules then refuse the act again).
#[derive(Clone, Debug)]
pub struct SignedPending {
    pub token: String,
    pub signature: Option<ActSignature>,
}

/// An act refused unsigned, to be shown to its author for signing: the act, and the token
/// of its nonce for the form that sends it back.
#[derive(Debug)]
pub struct ActToSign {
    pub event: Event,
    pub token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PendingError {
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
    /// Unknown, for another account, used already, or waited too long.
    #[error("this act is no longer waiting to be signed; fill in the form again")]
    Expired,
}

impl PendingActs {
    /// Keeps the nonce of an act `account` is shown for signing (the one its unsigned
    /// attempt drew), and returns the token that finds it again.
    pub fn keep(&self, account: &AccountId, nonce: [u8; 32]) -> Result<String, PendingError> {
        let mut token = [0u8; 16];
        getrandom::getrandom(&mut token).map_err(|e| PendingError::Random(e.to_string()))?;
        let token = hex::encode(token);
        let now = Instant::now();
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting.retain(|_, w| now.duration_since(w.since) < PENDING_FOR);
        let mut own: Vec<(Instant, String)> =
            waiting.iter().filter(|(_, w)| &w.account == account).map(|(t, w)| (w.since, t.clone())).collect();
        own.sort();
        for (_, oldest) in own.iter().take((own.len() + 1).saturating_sub(MAX_PENDING_PER_ACCOUNT)) {
            waiting.remove(oldest);
        }
        if waiting.len() >= MAX_PENDING {
            if let Some(oldest) = waiting.iter().min_by_key(|(_, w)| w.since).map(|(t, _)| t.clone()) {
                waiting.remove(&oldest);
            }
        }
        waiting.insert(token.clone(), Waiting { account: account.clone(), nonce, since: now });
        Ok(token)
    }

    /// The nonce kept for `account` under `token`, once; [`PendingError::Expired`] for any
    /// other account, a second time, or after [`PENDING_FOR`].
    pub fn take(&self, account: &AccountId, token: &str) -> Result<[u8; 32], PendingError> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        match waiting.get(token) {
            Some(w) if &w.account == account && w.since.elapsed() < PENDING_FOR => {}
            _ => return Err(PendingError::Expired),
        }
        waiting.remove(token).map(|w| w.nonce).ok_or(PendingError::Expired)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(s: &str) -> AccountId {
        s.parse().expect("account id")
    }

    #[test]
    fn a_nonce_is_found_once_by_its_own_account_only() {
        let acts = PendingActs::default();
        let (alice, bob) = (account("u-alice"), account("u-bob"));
        let (nonce, other_nonce) = ([1; 32], [2; 32]);
        let token = acts.keep(&alice, nonce).expect("kept");
        let other = acts.keep(&alice, other_nonce).expect("kept");
        assert_ne!(token, other, "a fresh token every time");
        assert!(matches!(acts.take(&bob, &token), Err(PendingError::Expired)), "not another account's");
        assert_eq!(acts.take(&alice, &token).expect("hers"), nonce);
        assert!(matches!(acts.take(&alice, &token), Err(PendingError::Expired)), "once");
        assert!(matches!(acts.take(&alice, "made-up"), Err(PendingError::Expired)));
        assert_eq!(acts.take(&alice, &other).expect("the other is still there"), other_nonce);
    }

    #[test]
    fn an_account_keeps_a_few_and_the_oldest_go_first() {
        let acts = PendingActs::default();
        let alice = account("u-alice");
        let tokens: Vec<String> =
            (0..MAX_PENDING_PER_ACCOUNT + 3).map(|_| acts.keep(&alice, [0; 32]).expect("kept")).collect();
        assert_eq!(acts.len(), MAX_PENDING_PER_ACCOUNT);
        for gone in &tokens[..3] {
            assert!(acts.take(&alice, gone).is_err(), "the oldest were dropped");
        }
        for kept in &tokens[3..] {
            assert!(acts.take(&alice, kept).is_ok());
        }
    }

    #[test]
    fn all_accounts_together_keep_at_most_the_limit() {
        let acts = PendingActs::default();
        let first = acts.keep(&account("u-0"), [0; 32]).expect("kept");
        for i in 1..=MAX_PENDING {
            acts.keep(&account(&format!("u-{i}")), [0; 32]).expect("kept");
        }
        assert_eq!(acts.len(), MAX_PENDING);
        assert!(acts.take(&account("u-0"), &first).is_err(), "the oldest went");
    }
}
