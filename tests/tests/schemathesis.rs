//! Property-based API fuzzing: schemathesis (from PyPI, installed by `scripts/setup`) reads
//! the real server's `/openapi.json`, generates requests for every operation (valid ones and
//! near misses, then stateful sequences along the document's links) and checks each answer:
//! no 5xx, a status the document lists, the content type it lists, and a body that matches
//! its schema. The operator token goes with every request, so `POST /api/v1/events` is
//! exercised past authentication too (on this throw-away demo server).
//!
//! Bounded: a fixed number of examples per operation, a timeout per request, and a hard
//! wall-clock limit on the whole run. The seed is fixed so that CI runs are repeatable;
//! `SCHEMATHESIS_SEED` and `SCHEMATHESIS_MAX_EXAMPLES` change them for a longer run by hand.

use dauys_e2e::{Server, ServerOptions};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The schemathesis version `scripts/setup` installs; its command line is 4.x's.
const SCHEMATHESIS_VERSION: &str = "4.32.5";
/// Generated test cases per operation and phase.
const MAX_EXAMPLES: u32 = 50;
/// What the whole run may take before it is killed and the test fails.
const WALL_CLOCK_LIMIT: Duration = Duration::from_secs(150);

/// Runs schemathesis's command line (`schemathesis ...`) through `python3`, so that it does not
/// depend on where pip put the script.
fn schemathesis() -> Command {
    let mut cmd = Command::new("python3");
    cmd.args([
        "-c",
        "import sys; sys.argv[0] = 'schemathesis'; from schemathesis.cli import schemathesis; sys.exit(schemathesis())",
    ]);
    cmd
}

#[test]
fn the_api_keeps_its_openapi_document_under_schemathesis() {
    let version = schemathesis().arg("--version").output().unwrap_or_else(|e| panic!("running python3: {e}"));
    let version = String::from_utf8_lossy(&version.stdout).trim().to_string();
    assert!(
        version.ends_with(SCHEMATHESIS_VERSION),
        "schemathesis {SCHEMATHESIS_VERSION} is not installed (python3 says {version:?}): run scripts/setup"
    );

    let server = Server::start_with(ServerOptions { demo: true, ..ServerOptions::default() });
    let token = server.api_token();
    let seed = std::env::var("SCHEMATHESIS_SEED").unwrap_or_else(|_| "20261207".into());
    let max_examples = std::env::var("SCHEMATHESIS_MAX_EXAMPLES").unwrap_or_else(|_| MAX_EXAMPLES.to_string());
    // Its reports and example database go to a directory of its own, not the work tree.
    let scratch = tempfile::tempdir().expect("a scratch directory");
    let started = Instant::now();
    let mut child = schemathesis()
        .arg("run")
        .arg(server.url("/openapi.json"))
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--max-examples",
            &max_examples,
            "--seed",
            &seed,
            "--request-timeout",
            "10",
            // One worker: CPython 3.11's `ast.parse` is not thread-safe (its recursion-depth
            // check fails with "AST constructor recursion depth mismatch" when two threads
            // parse at once), and hypothesis parses lambdas while describing strategies. Seen
            // once in a fresh-clone CI run with two workers.
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--no-color",
            "--header",
            &format!("Authorization: Bearer {token}"),
        ])
        .current_dir(scratch.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting schemathesis: {e}"));
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for schemathesis") {
            break Some(status);
        }
        if started.elapsed() > WALL_CLOCK_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let report = format!("{}{}", out_reader.join().unwrap_or_default(), err_reader.join().unwrap_or_default());
    eprintln!("schemathesis (seed {seed}, {max_examples} examples) took {:.1?}:\n{report}", started.elapsed());
    let Some(status) = status else {
        panic!("schemathesis did not finish within {WALL_CLOCK_LIMIT:?}; its output so far:\n{report}");
    };
    assert!(
        status.success(),
        "schemathesis found answers that break the OpenAPI document ({status}); replay one with the \
         curl line it prints. Its report:\n{report}\nThe end of the server's log:\n{}",
        tail(&server.log(), 200)
    );
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
