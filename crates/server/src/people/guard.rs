//! What stands between a crowd and the password checks: a bound on Argon2id hashes in
//! flight, and a growing delay per sign-in name.
//!
//! **Hashing pool.** Each Argon2id hash holds ~19 MiB for ~80 ms of a core. Run on Tokio's
//! blocking pool (up to 512 threads), 128 simultaneous sign-ins took the server from 327 MB
//! to 4.2 GB, every page to 13 s, and 3.4 GB stayed held afterwards (each thread's malloc
//! arena kept its hash's memory). Sign-in, sign-up and password reset share [`PasswordPool`]:
//! a few dedicated threads, so both the hashes at once and the memory their arenas keep are
//! bounded; a short queue; then 503 with `Retry-After`.
//!
//! **Per-name delay, not a lock.** Locking an account after five wrong passwords let anyone
//! lock anyone out, and answering the lock at once (while a real check takes ~80 ms) told
//! which addresses have accounts. Instead every sign-in *name* (known or not — the throttle
//! never asks the database) gets [`FREE_ATTEMPTS`] attempts, then each further attempt is
//! spaced by a delay that doubles up to [`MAX_SPACING`]; an attempt that would wait longer
//! than [`MAX_WAIT`] is answered 429 with `Retry-After`. Attempts are counted when they are
//! admitted, so a parallel burst is spaced too. A browser that has signed in to that name
//! before carries a device cookie ([`DeviceKey`]) and skips the per-name delay, so the owner
//! still gets in while strangers guess slowly. Per-address limits (in `session::Limits`)
//! apply to everyone.
//!
//! Both live in memory: a restart forgets them (the delay starts again from zero; device
//! cookies must be earned again), and on several nodes each node counts its own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::PeopleError;

/// Attempts on one name before they are spaced out.
pub const FREE_ATTEMPTS: u32 = 5;
/// The spacing after the first spaced attempt; it doubles with each further one.
pub const FIRST_SPACING: Duration = Duration::from_secs(1);
/// The longest spacing between two attempts on one name.
pub const MAX_SPACING: Duration = Duration::from_secs(60);
/// The longest a request is held back waiting for its turn; beyond it the answer is 429.
pub const MAX_WAIT: Duration = Duration::from_secs(5);
/// A name with no attempt for this long starts from zero again.
pub const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Names remembered at once before stale ones are dropped.
const MAX_NAMES: usize = 100_000;

type Job = Box<dyn FnOnce() + Send>;

/// A few threads that do nothing but password work, a bounded wait to get one, and a count
/// of the requests turned away.
pub struct PasswordPool {
    free: Arc<Semaphore>,
    queue_wait: Duration,
    refusals: prometheus_client::metrics::counter::Counter,
    jobs: Mutex<std::sync::mpsc::Sender<Job>>,
}

impl PasswordPool {
    /// Starts `threads` hashing threads. `refusals` counts the requests turned away (a
    /// metric the operator watches).
    pub fn new(
        threads: usize,
        queue_wait: Duration,
        refusals: prometheus_client::metrics::counter::Counter,
    ) -> PasswordPool {
        let threads = threads.max(1);
        let (sender, receiver) = std::sync::mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new().name(format!("dauys-password-{n}")).spawn(move || loop {
                // The pool's sender gone means the server is shutting down.
                let job = match receiver.lock() {
                    Ok(r) => r.recv(),
                    Err(_) => return,
                };
                match job {
                    Ok(job) => job(),
                    Err(_) => return,
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password thread");
            }
        }
        PasswordPool { free: Arc::new(Semaphore::new(threads)), queue_wait, refusals, jobs: Mutex::new(sender) }
    }

    /// Runs `work` on a hashing thread once one is free, waiting at most the queue time;
    /// then [`PeopleError::Busy`]. A caller that gives up does not free the thread early:
    /// the permit travels with the work.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, PeopleError> + Send + 'static,
    ) -> Result<T, PeopleError> {
        let permit = match tokio::time::timeout(self.queue_wait, self.free.clone().acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) | Err(_) => {
                self.refusals.inc();
                return Err(PeopleError::Busy { retry_after_secs: busy_retry_after(self.queue_wait) });
            }
        };
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _permit: OwnedSemaphorePermit = permit;
            let _ = done.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)));
        });
        let sent = self.jobs.lock().map_err(|_| PeopleError::Internal("password pool lock".into()))?.send(job);
        sent.map_err(|_| PeopleError::Internal("the password threads have stopped".into()))?;
        match result.await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => Err(PeopleError::Internal("password work panicked".into())),
            Err(_) => Err(PeopleError::Internal("password work was dropped".into())),
        }
    }
}

/// Tell a refused client to come back after about one more queue's worth of time.
fn busy_retry_after(queue_wait: Duration) -> u64 {
    queue_wait.as_secs().clamp(1, 30)
}

/// What the throttle remembers of one sign-in name.
struct NameRecord {
    /// Attempts admitted since the last successful sign-in.
    attempts: u32,
    /// The earliest the next attempt may be checked.
    next_at: Instant,
    last_attempt: Instant,
}

/// A growing delay per sign-in name. Names are keyed hashes (the e-mail lookup), never
/// addresses in the clear.
#[derive(Default)]
pub struct SignInThrottle {
    names: Mutex<HashMap<Vec<u8>, NameRecord>>,
}

/// The throttle's answer for one attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum Admission {
    /// Check the password after waiting this long.
    After(Duration),
    /// Refuse; the name may be tried again after this long.
    Refused(Duration),
}

/// The spacing that follows the `attempts`-th attempt on a name.
fn spacing(attempts: u32) -> Duration {
    if attempts < FREE_ATTEMPTS {
        return Duration::ZERO;
    }
    let doublings = (attempts - FREE_ATTEMPTS).min(16);
    FIRST_SPACING.saturating_mul(1u32 << doublings).min(MAX_SPACING)
}

impl SignInThrottle {
    /// Admits or refuses one attempt on `name` at `now`, and books its turn.
    pub fn admit(&self, name: &[u8], now: Instant) -> Admission {
        let mut names = self.names.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if names.len() >= MAX_NAMES && !names.contains_key(name) {
            names.retain(|_, r| now.saturating_duration_since(r.last_attempt) < FORGET_AFTER);
            // Still full (a crowd of names within the hour): the least recently tried goes,
            // so memory stays bounded whatever is sent.
            if names.len() >= MAX_NAMES {
                let oldest = names.iter().min_by_key(|(_, r)| r.last_attempt).map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    names.remove(&oldest);
                }
            }
        }
        let record = names.entry(name.to_vec()).or_insert(NameRecord { attempts: 0, next_at: now, last_attempt: now });
        if now.saturating_duration_since(record.last_attempt) >= FORGET_AFTER {
            *record = NameRecord { attempts: 0, next_at: now, last_attempt: now };
        }
        let turn = record.next_at.max(now);
        let wait = turn - now;
        if wait > MAX_WAIT {
            return Admission::Refused(wait);
        }
        record.attempts = record.attempts.saturating_add(1);
        record.next_at = turn + spacing(record.attempts);
        record.last_attempt = now;
        Admission::After(wait)
    }

    /// The name's owner got in: its next attempts are free again.
    pub fn succeeded(&self, name: &[u8]) {
        let mut names = self.names.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        names.remove(name);
    }
}

/// Signs device cookies: "this browser has signed in to this name before". The cookie holds
/// an HMAC of the name's keyed hash under a key that lives only in this process's memory,
/// so it says nothing about the person and cannot be made elsewhere.
pub struct DeviceKey([u8; 32]);

pub const DEVICE_COOKIE: &str = "dauys_device";
/// How long a device stays known without signing in again.
pub const DEVICE_COOKIE_SECS: u64 = 180 * 24 * 60 * 60;

impl DeviceKey {
    /// A fresh key. Panics only if the OS has no random number generator, when no key of
    /// the server's could be made either.
    pub fn generate() -> DeviceKey {
        let mut key = [0u8; 32];
        getrandom::getrandom(&mut key).expect("the OS random number generator");
        DeviceKey(key)
    }

    fn tag(&self, name: &[u8]) -> [u8; 32] {
        // An HMAC key of any length is accepted.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(b"dauys device cookie v1\n");
        mac.update(name);
        mac.finalize().into_bytes().into()
    }

    /// The cookie value for a browser that just signed in to `name`.
    pub fn cookie_for(&self, name: &[u8]) -> String {
        hex::encode(self.tag(name))
    }

    /// Did this browser sign in to `name` before?
    pub fn recognises(&self, cookie: Option<&str>, name: &[u8]) -> bool {
        let Some(Ok(presented)) = cookie.map(hex::decode) else { return false };
        bool::from(presented.as_slice().ct_eq(&self.tag(name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_attempts_are_free_then_the_spacing_doubles_up_to_the_cap() {
        let spacings: Vec<u64> = (1..=14).map(|n| spacing(n).as_secs()).collect();
        assert_eq!(spacings, [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60, 60]);
    }

    #[test]
    fn a_burst_is_spaced_then_refused_and_the_owner_resets_it() {
        let throttle = SignInThrottle::default();
        let now = Instant::now();
        let name = b"lookup-of-someone";
        let waits: Vec<Admission> = (0..9).map(|_| throttle.admit(name, now)).collect();
        let s = Duration::from_secs;
        assert_eq!(
            waits,
            [
                Admission::After(s(0)),
                Admission::After(s(0)),
                Admission::After(s(0)),
                Admission::After(s(0)),
                Admission::After(s(0)),
                Admission::After(s(1)),
                Admission::After(s(3)),
                Admission::Refused(s(7)),
                Admission::Refused(s(7)),
            ]
        );
        // Refusals book nothing: after the wait, the next attempt is admitted.
        assert_eq!(throttle.admit(name, now + s(7)), Admission::After(s(0)));
        // Another name is not affected.
        assert_eq!(throttle.admit(b"someone-else", now), Admission::After(s(0)));
        throttle.succeeded(name);
        assert_eq!(throttle.admit(name, now + s(7)), Admission::After(s(0)));
    }

    #[test]
    fn the_names_remembered_stay_bounded() {
        let throttle = SignInThrottle::default();
        let now = Instant::now();
        for n in 0..MAX_NAMES + 10 {
            throttle.admit(&n.to_le_bytes(), now + Duration::from_millis(n as u64));
        }
        let names = throttle.names.lock().unwrap();
        assert_eq!(names.len(), MAX_NAMES);
        // The least recently tried went first.
        assert!(!names.contains_key(&0usize.to_le_bytes()[..]));
        assert!(names.contains_key(&(MAX_NAMES + 9).to_le_bytes()[..]));
    }

    #[test]
    fn a_quiet_name_is_forgotten() {
        let throttle = SignInThrottle::default();
        let now = Instant::now();
        for _ in 0..7 {
            throttle.admit(b"n", now);
        }
        assert!(matches!(throttle.admit(b"n", now), Admission::Refused(_)));
        assert_eq!(throttle.admit(b"n", now + FORGET_AFTER), Admission::After(Duration::ZERO));
    }

    #[test]
    fn device_cookies_are_bound_to_the_name_and_the_key() {
        let key = DeviceKey::generate();
        let cookie = key.cookie_for(b"alice");
        assert!(key.recognises(Some(&cookie), b"alice"));
        assert!(!key.recognises(Some(&cookie), b"bob"));
        assert!(!key.recognises(Some("not hex"), b"alice"));
        assert!(!key.recognises(None, b"alice"));
        assert!(!DeviceKey::generate().recognises(Some(&cookie), b"alice"));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_pool_runs_work_on_its_own_threads_queues_briefly_then_refuses() {
        let refusals = prometheus_client::metrics::counter::Counter::default();
        let pool = Arc::new(PasswordPool::new(1, Duration::from_millis(50), refusals.clone()));
        let name = pool.run(|| Ok(std::thread::current().name().map(str::to_string))).await.unwrap();
        assert_eq!(name.as_deref(), Some("dauys-password-0"));
        // Hold the only thread until told to let go.
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let busy = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(move || Ok(hold.recv().is_ok())).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        let refused = pool.run(|| Ok(())).await;
        assert!(matches!(refused, Err(PeopleError::Busy { retry_after_secs: 1 })), "{refused:?}");
        assert_eq!(refusals.get(), 1);
        release.send(()).unwrap();
        assert!(busy.await.unwrap().unwrap());
        assert!(pool.run(|| Ok(())).await.is_ok());
        // A panic in the work is an error, and the thread lives on.
        let panicked = pool.run(|| -> Result<(), PeopleError> { panic!("boom") }).await;
        assert!(matches!(panicked, Err(PeopleError::Internal(_))), "{panicked:?}");
        assert!(pool.run(|| Ok(())).await.is_ok());
    }
}
