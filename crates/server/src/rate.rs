//! Keyed rate limits whose memory stays bounded by recent activity.
//!
//! `governor`'s keyed limiter keeps a cell for every key it ever saw, so a client that comes
//! from ever new addresses (an IPv6 prefix holds billions) would grow it without end. This one
//! forgets keys whose quota has refilled (`retain_recent`) once it holds twice as many as it
//! kept after the last pruning (at least [`PRUNE_FROM`]): each pruning costs the keys it walks,
//! and at least as many new keys come between two prunings, so a check stays O(1) amortised
//! and memory stays within twice the keys active in one refill period.

use std::hash::Hash;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Keys held before the first pruning.
pub const PRUNE_FROM: usize = 10_000;

pub struct KeyedLimit<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    prune_at: AtomicUsize,
}

impl<K: Hash + Eq + Clone> KeyedLimit<K> {
    pub fn new(quota: Quota) -> KeyedLimit<K> {
        KeyedLimit { limiter: RateLimiter::keyed(quota), prune_at: AtomicUsize::new(PRUNE_FROM) }
    }

    /// One act of `key`: allowed, or refused with the time until the next one is.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        if self.limiter.len() >= self.prune_at.load(Ordering::Relaxed) {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
            self.prune_at.store((2 * self.limiter.len()).max(PRUNE_FROM), Ordering::Relaxed);
        }
        self.limiter.check_key(key).map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.limiter.len()
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;

    #[test]
    fn a_key_gets_its_quota_and_then_a_wait() {
        let limit = KeyedLimit::new(Quota::per_hour(NonZeroU32::new(2).expect("two")));
        assert!(limit.check(&1).is_ok() && limit.check(&1).is_ok());
        let wait = limit.check(&1).expect_err("the third waits");
        assert!(wait > Duration::from_secs(60), "{wait:?}");
        assert!(limit.check(&2).is_ok(), "another key has its own quota");
    }

    #[test]
    fn keys_whose_quota_refilled_are_forgotten() {
        // A quota that refills at once after one act: every key is forgettable.
        let limit = KeyedLimit::new(Quota::per_second(NonZeroU32::new(1_000_000).expect("nonzero")));
        for key in 0..5 * PRUNE_FROM {
            limit.check(&key).expect("within quota");
            assert!(limit.len() <= PRUNE_FROM, "{} keys held after {key}", limit.len());
        }
    }

    #[test]
    fn keys_still_limited_are_kept_and_pruning_backs_off() {
        // Nothing refills within the test: every key must be kept, and pruning, which finds
        // nothing to forget, must not run on every check.
        let limit = KeyedLimit::new(Quota::per_hour(NonZeroU32::new(1).expect("one")));
        for key in 0..3 * PRUNE_FROM {
            limit.check(&key).expect("the first act of each key");
        }
        assert_eq!(limit.len(), 3 * PRUNE_FROM, "no limited key is forgotten");
        assert_eq!(
            limit.prune_at.load(Ordering::Relaxed),
            4 * PRUNE_FROM,
            "the next pruning waits for as many new keys"
        );
        assert!(limit.check(&0).is_err(), "the first key is still limited");
    }
}
