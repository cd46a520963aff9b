//! Keys made in a second browser. Once a person holds a signing key, a new one is an act they
//! sign with a key in force (SPEC §3.2), which the new browser cannot do. So its registration
//! waits here, offered to the person on `/me/keys` in every browser, and the one that holds a
//! key signs it there. Kept in memory (a restart forgets it: the person makes the key again),
//! at most [`MAX_WAITING_PER_ACCOUNT`] per account, for [`WAITING_FOR`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use dauys_core::{AccountId, Event};

/// How long a key made in another browser waits for confirmation.
pub const WAITING_FOR: Duration = Duration::from_secs(30 * 60);
/// Keys one account may have waiting.
pub const MAX_WAITING_PER_ACCOUNT: usize = 4;
/// Accounts with keys waiting; past it, the account whose key waited longest loses them.
pub const MAX_WAITING_ACCOUNTS: usize = 4096;

/// A key registration waiting for a signature by a key in force: its event, checked.
#[derive(Clone, Debug)]
pub struct WaitingKey {
    pub id: String,
    pub registration: Event,
    since: Instant,
}

#[derive(Default)]
pub struct WaitingKeys {
    waiting: Mutex<HashMap<AccountId, Vec<WaitingKey>>>,
}

impl WaitingKeys {
    /// Keeps `registration` (a valid `signer.registered` of `account`) until it is signed.
    pub fn wait(&self, account: &AccountId, id: String, registration: Event) {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting.retain(|_, keys| {
            keys.retain(|k| k.since.elapsed() < WAITING_FOR);
            !keys.is_empty()
        });
        if !waiting.contains_key(account) && waiting.len() >= MAX_WAITING_ACCOUNTS {
            let oldest =
                waiting.iter().min_by_key(|(_, keys)| keys.iter().map(|k| k.since).min()).map(|(a, _)| a.clone());
            if let Some(oldest) = oldest {
                waiting.remove(&oldest);
            }
        }
        let keys = waiting.entry(account.clone()).or_default();
        keys.retain(|k| k.id != id);
        if keys.len() >= MAX_WAITING_PER_ACCOUNT {
            keys.remove(0);
        }
        keys.push(WaitingKey { id, registration, since: Instant::now() });
    }

    /// The keys `account` has waiting, oldest first.
    pub fn of(&self, account: &AccountId) -> Vec<WaitingKey> {
        let waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting
            .get(account)
            .map(|keys| keys.iter().filter(|k| k.since.elapsed() < WAITING_FOR).cloned().collect())
            .unwrap_or_default()
    }

    /// Forgets the key `id` of `account` (registered now, or refused).
    pub fn forget(&self, account: &AccountId, id: &str) {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(keys) = waiting.get_mut(account) {
            keys.retain(|k| k.id != id);
            if keys.is_empty() {
                waiting.remove(account);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(s: &str) -> AccountId {
        s.parse().expect("account id")
    }

    fn registration(account: &AccountId, n: u8) -> Event {
        Event::SignerRevoked { account: account.clone(), key: format!("{n:016x}") }
    }

    #[test]
    fn an_account_sees_its_own_waiting_keys_a_few_at_most() {
        let keys = WaitingKeys::default();
        let (alice, bob) = (account("u-alice"), account("u-bob"));
        for n in 0..(MAX_WAITING_PER_ACCOUNT as u8 + 2) {
            keys.wait(&alice, format!("k{n}"), registration(&alice, n));
        }
        let ids: Vec<String> = keys.of(&alice).into_iter().map(|k| k.id).collect();
        assert_eq!(ids, ["k2", "k3", "k4", "k5"], "the oldest went");
        assert!(keys.of(&bob).is_empty());
        keys.wait(&alice, "k5".into(), registration(&alice, 5));
        assert_eq!(keys.of(&alice).len(), MAX_WAITING_PER_ACCOUNT, "the same key waits once");
        keys.forget(&alice, "k3");
        assert_eq!(keys.of(&alice).len(), MAX_WAITING_PER_ACCOUNT - 1);
    }

    #[test]
    fn all_accounts_together_are_bounded() {
        let keys = WaitingKeys::default();
        for n in 0..=MAX_WAITING_ACCOUNTS {
            let a = account(&format!("u-{n}"));
            keys.wait(&a, "k".into(), registration(&a, 0));
        }
        assert!(keys.of(&account("u-0")).is_empty(), "the longest waiting went");
        assert_eq!(keys.of(&account(&format!("u-{MAX_WAITING_ACCOUNTS}"))).len(), 1);
    }
}
