//! A bounded connection pool: `r2d2` over a manager of our own. Both drivers' connections
//! are `!Sync`, so every reader thread checks one out; at most [`MaxConnections`] are open
//! at once, and a thread that finds them all busy waits [`CHECKOUT_WAIT`] for one and then
//! gets [`StoreError::Unavailable`] — a burst of requests queues here instead of exhausting
//! PostgreSQL's `max_connections`.
//!
//! The manager is ours, not `r2d2_sqlite`/`r2d2_postgres`: it sets up each connection the
//! way its store needs (pragmas, busy timeout), it lets a connection whose use failed in the
//! driver be discarded, and it keeps `r2d2` from pinning the driver versions.

use std::num::NonZeroU32;
use std::time::Duration;

use crate::{Result, StoreError};

/// How long a caller waits for a free connection before it is told storage is unavailable.
/// The server answers that as 503 with Retry-After, so a short wait is kinder than a long one.
pub(crate) const CHECKOUT_WAIT: Duration = Duration::from_secs(5);

/// The most connections one pool of the store holds open at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxConnections(NonZeroU32);

impl MaxConnections {
    /// Enough for the blocking threads that read at once on a small server, and far below
    /// PostgreSQL's default `max_connections` of 100 for the server's two pools.
    pub const DEFAULT: MaxConnections = MaxConnections(NonZeroU32::new(16).expect("16 is not zero"));

    /// `None` for 0: a pool that may open no connection could never answer.
    pub fn new(max: u32) -> Option<MaxConnections> {
        NonZeroU32::new(max).map(MaxConnections)
    }

    pub fn get(self) -> u32 {
        self.0.get()
    }
}

impl Default for MaxConnections {
    fn default() -> Self {
        MaxConnections::DEFAULT
    }
}

type Connect<C> = Box<dyn Fn() -> Result<C> + Send + Sync>;

struct Manager<C> {
    connect: Connect<C>,
}

/// A pooled connection and whether its last use failed in the driver.
struct Pooled<C> {
    conn: C,
    broken: bool,
}

impl<C: Send + 'static> r2d2::ManageConnection for Manager<C> {
    type Connection = Pooled<C>;
    type Error = StoreError;

    fn connect(&self) -> Result<Pooled<C>> {
        Ok(Pooled { conn: (self.connect)()?, broken: false })
    }

    /// Not called: checking out does not test (a query per checkout would double the round
    /// trips); a connection that failed is discarded when it comes back instead.
    fn is_valid(&self, _: &mut Pooled<C>) -> Result<()> {
        Ok(())
    }

    fn has_broken(&self, pooled: &mut Pooled<C>) -> bool {
        pooled.broken
    }
}

/// Reports connection failures through `tracing`, as the rest of the server logs (`r2d2`
/// would use the `log` crate).
#[derive(Debug)]
struct LogErrors;

impl r2d2::HandleError<StoreError> for LogErrors {
    fn handle_error(&self, error: StoreError) {
        tracing::warn!(%error, "could not open a database connection; retrying");
    }
}

pub(crate) struct Pool<C: Send + 'static> {
    // `None` only while dropping (see `Drop`).
    inner: Option<r2d2::Pool<Manager<C>>>,
    max: MaxConnections,
}

impl<C: Send + 'static> Pool<C> {
    /// A pool that opens connections with `connect` when it needs them, at most `max`.
    /// Opens none now: callers that must fail early on a wrong location connect once first.
    pub fn new(max: MaxConnections, connect: impl Fn() -> Result<C> + Send + Sync + 'static) -> Self {
        let inner = r2d2::Pool::builder()
            .max_size(max.get())
            // Connections are opened on demand and kept until they fail, as before the
            // pool had a maximum; none is opened (or awaited) at start.
            .min_idle(Some(0))
            .idle_timeout(None)
            .max_lifetime(None)
            .test_on_check_out(false)
            .connection_timeout(CHECKOUT_WAIT)
            .error_handler(Box::new(LogErrors))
            .build_unchecked(Manager { connect: Box::new(connect) });
        Pool { inner: Some(inner), max }
    }

    /// Runs `f` with a pooled connection, waiting up to [`CHECKOUT_WAIT`] for one. A
    /// connection whose use failed in the driver is discarded rather than returned, so a
    /// broken socket never poisons later requests; one that only reported a conflict or a
    /// missing row (its transaction rolled back) is kept.
    pub fn with<T>(&self, f: impl FnOnce(&mut C) -> Result<T>) -> Result<T> {
        let pool = self.inner.as_ref().expect("the pool is only taken while dropping");
        let mut pooled = pool.get().map_err(|e| StoreError::Unavailable {
            max: self.max.get(),
            waited: CHECKOUT_WAIT,
            detail: e.to_string(),
        })?;
        let result = f(&mut pooled.conn);
        if !matches!(result, Ok(_) | Err(StoreError::Conflict { .. } | StoreError::NotFound { .. })) {
            pooled.broken = true;
        }
        result
    }
}

impl<C: Send + 'static> Drop for Pool<C> {
    /// Closes idle connections on a plain thread: the PostgreSQL driver's synchronous
    /// client cannot close inside an async runtime, and the last owner of a pool is often
    /// an async task.
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            std::thread::scope(|scope| {
                scope.spawn(move || drop(inner));
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, Barrier};

    /// A connection that counts how many of its kind are open.
    struct Counted(Arc<AtomicU32>);

    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::SeqCst);
        }
    }

    fn counted_pool(max: u32) -> (Arc<Pool<Counted>>, Arc<AtomicU32>, Arc<AtomicU32>) {
        let (open, peak) = (Arc::new(AtomicU32::new(0)), Arc::new(AtomicU32::new(0)));
        let pool = {
            let (open, peak) = (open.clone(), peak.clone());
            Pool::new(MaxConnections::new(max).expect("not zero"), move || {
                let now = open.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                Ok(Counted(open.clone()))
            })
        };
        (Arc::new(pool), open, peak)
    }

    #[test]
    fn a_burst_of_readers_waits_for_the_maximum_of_connections() {
        let (pool, _open, peak) = counted_pool(3);
        let start = Arc::new(Barrier::new(24));
        let threads: Vec<_> = (0..24)
            .map(|_| {
                let (pool, start) = (pool.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    pool.with(|_| {
                        std::thread::sleep(Duration::from_millis(20));
                        Ok(())
                    })
                })
            })
            .collect();
        for t in threads {
            t.join().expect("reader thread").expect("every reader is served in time");
        }
        assert_eq!(peak.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_connection_that_failed_in_the_driver_is_discarded_and_a_conflict_is_not() {
        let (pool, open, _peak) = counted_pool(2);
        let conflict = pool.with(|_| -> Result<()> { Err(StoreError::Conflict { what: "email" }) });
        assert!(matches!(conflict, Err(StoreError::Conflict { .. })));
        assert_eq!(open.load(Ordering::SeqCst), 1);
        let failed = pool.with(|_| -> Result<()> { Err(StoreError::Corrupt("driver".into())) });
        assert!(matches!(failed, Err(StoreError::Corrupt(_))));
        assert_eq!(open.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_caller_that_finds_every_connection_busy_is_told_storage_is_unavailable() {
        let (pool, _open, _peak) = counted_pool(1);
        let result = pool.with(|_| pool.with(|_| Ok(())));
        match result {
            Err(StoreError::Unavailable { max: 1, .. }) => {}
            other => panic!("expected Unavailable, got {:?}", other.err()),
        }
    }
}
