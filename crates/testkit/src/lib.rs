//! Test fixtures: every test gets its own log location on each backend, so suites run in
//! parallel and against the real databases — SQLite in a temporary directory, PostgreSQL
//! as a fresh database on the server at `DAUYS_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`; `scripts/setup` starts it).
//!
//! ```no_run
//! for backend in dauys_testkit::Backend::ALL {
//!     let db = dauys_testkit::TestDatabase::new(backend);
//!     println!("{}", db.location());
//! }
//! ```
//!
//! Not a mock of anything: it only creates and removes real databases, and makes up valid
//! IINs for test people ([`adult_iins`]) and, for the benchmarks that write logs without
//! people behind them, distinct signers ([`synthetic_pseudonym`]) and a petition's texts
//! ([`bench_petition_texts`]).

use std::sync::atomic::{AtomicU64, Ordering};

use dauys_core::{Lang, PartialText, Pseudonym};

/// A distinct pseudonym for the `n`th person of `kind` on petition `petition`, as a log
/// written straight through the sequencer needs: well formed, never derived from a person.
pub fn synthetic_pseudonym(kind: u8, petition: usize, n: u64) -> Pseudonym {
    let mut digest = [0u8; 32];
    digest[0] = kind;
    digest[1..9].copy_from_slice(&(petition as u64).to_le_bytes());
    digest[9..17].copy_from_slice(&n.to_le_bytes());
    match Pseudonym::from_digest(1, &digest) {
        Ok(p) => p,
        Err(e) => unreachable!("version 1 and 32 bytes make a pseudonym: {e}"),
    }
}

/// The title and text of the `n`th petition of a benchmark: an ordinary petition's length.
pub fn bench_petition_texts(n: usize) -> (PartialText, PartialText) {
    (
        PartialText::one(Lang::En, format!("Bench petition {n}: protected bicycle lanes on main streets")),
        PartialText::one(
            Lang::En,
            "We ask the Government to fund protected bicycle lanes on the main streets of every city, \
             with a public plan and yearly progress reports.",
        ),
    )
}

/// `n` distinct valid IINs of adults (men born on 1 January 1985), for test people: each
/// is the first serial number whose check digit the real parser accepts.
pub fn adult_iins(n: usize) -> Vec<String> {
    (1..10_000u32)
        .filter_map(|serial| {
            let head = format!("8501013{serial:04}");
            (0..10).map(|d| format!("{head}{d}")).find(|c| dauys_identity::iin::Iin::parse(c).is_ok())
        })
        .take(n)
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub const ALL: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];
}

impl std::str::FromStr for Backend {
    type Err = String;

    /// `sqlite` or `postgres`, as the benchmarks' `--backend` option takes them.
    fn from_str(s: &str) -> Result<Backend, String> {
        match s {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" => Ok(Backend::Postgres),
            other => Err(format!("unknown backend `{other}`; expected sqlite or postgres")),
        }
    }
}

/// A log location that is removed when dropped. Also owns a data directory.
pub struct TestDatabase {
    pub backend: Backend,
    pub dir: tempfile::TempDir,
    postgres: Option<(String, String, String)>,
}

pub fn postgres_admin_url() -> String {
    std::env::var("DAUYS_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

impl TestDatabase {
    pub fn new(backend: Backend) -> TestDatabase {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = tempfile::tempdir().expect("a temporary directory");
        let postgres = (backend == Backend::Postgres).then(|| {
            let admin = postgres_admin_url();
            let db = format!(
                "dauys_test_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.subsec_nanos())
            );
            off_runtime(|| {
                let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap_or_else(|e| {
                    panic!("PostgreSQL must be running at {admin} for the PostgreSQL backend's tests (run scripts/setup): {e}")
                });
                client.batch_execute(&format!("CREATE DATABASE {db}")).expect("create a test database");
            });
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            let url = format!("{base}/{db}");
            (admin, db, url)
        });
        TestDatabase { backend, dir, postgres }
    }

    /// The SQLite file path or the PostgreSQL URL.
    pub fn location(&self) -> String {
        match &self.postgres {
            Some((_, _, url)) => url.clone(),
            None => self.dir.path().join("dauys.sqlite3").display().to_string(),
        }
    }

    /// The PostgreSQL URL, or empty for SQLite (the server's `database_url` convention).
    pub fn database_url(&self) -> String {
        self.postgres.as_ref().map(|(_, _, url)| url.clone()).unwrap_or_default()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin, db, _)) = &self.postgres {
            off_runtime(|| {
                if let Ok(mut c) = postgres::Client::connect(admin, postgres::NoTls) {
                    let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
                }
            });
        }
    }
}

/// Runs blocking PostgreSQL calls on a plain thread: the synchronous driver cannot run
/// inside an async test's runtime.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| match scope.spawn(f).join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}
