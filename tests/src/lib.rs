//! End-to-end test helpers: build and start the real `dauys` binary, speak HTTP to it, and
//! drive Debian's headless Chromium against it.

use std::io::Read;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => {
            let d = PathBuf::from(d);
            if d.is_absolute() {
                d
            } else {
                workspace_root().join(d)
            }
        }
        None => workspace_root().join("target"),
    }
}

/// Builds the `dauys` binary once per test process (a no-op when it is up to date) and
/// returns its path.
pub fn dauys_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            let started = Instant::now();
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let mut cmd = Command::new(cargo);
            cmd.args(["build", "--quiet", "-p", "dauys", "--bin", "dauys"]).current_dir(workspace_root());
            // Cargo gives this test process the variables of *this* package; build scripts
            // (ring's, via cc) rerun when those differ, which would rebuild half the tree on
            // every test run and again on the next plain `cargo build`.
            for (key, _) in std::env::vars_os() {
                let k = key.to_string_lossy();
                let per_package =
                    ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_CRATE_", "CARGO_BIN_"].iter().any(|p| k.starts_with(p))
                        || ["CARGO_PRIMARY_PACKAGE", "CARGO_TARGET_TMPDIR", "CARGO_RUSTC_CURRENT_DIR", "OUT_DIR"]
                            .contains(&k.as_ref());
                if per_package {
                    cmd.env_remove(&key);
                }
            }
            let status = cmd.status().expect("running cargo to build the dauys binary");
            assert!(status.success(), "cargo build -p dauys failed ({status})");
            let path = target_dir().join("debug").join(format!("dauys{}", std::env::consts::EXE_SUFFIX));
            assert!(path.is_file(), "built dauys but {} is missing", path.display());
            eprintln!("dauys binary ready in {:.1?}: {}", started.elapsed(), path.display());
            path
        })
        .clone()
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free local port")
}

/// Options for [`Server::start_with`].
#[derive(Default, Clone)]
pub struct ServerOptions {
    pub database_url: Option<String>,
    pub demo: bool,
    pub config: Option<PathBuf>,
    pub extra_env: Vec<(String, String)>,
    /// A signing key file to put in the data directory before the first start (to make
    /// a second log that claims the same identity, as a forger would).
    pub signing_key: Option<PathBuf>,
}

/// A running `dauys serve`, killed when dropped. Its data directory is a fresh temporary
/// directory that lives as long as the server, across [`Server::restart`]s.
pub struct Server {
    child: Child,
    options: ServerOptions,
    pub addr: SocketAddr,
    pub base_url: String,
    pub data_dir: tempfile::TempDir,
    log_path: PathBuf,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(ServerOptions::default())
    }

    pub fn start_with(options: ServerOptions) -> Server {
        let data_dir = tempfile::tempdir().expect("a temporary data directory");
        if let Some(key) = &options.signing_key {
            let target = data_dir.path().join("log-signing.key");
            std::fs::copy(key, &target).expect("copy the signing key");
            std::fs::set_permissions(&target, std::os::unix::fs::PermissionsExt::from_mode(0o600))
                .expect("key permissions");
        }
        let log_path = data_dir.path().join("server.log");
        let addr: SocketAddr = ([127, 0, 0, 1], free_port()).into();
        let child = spawn(&options, data_dir.path(), addr, &log_path);
        let mut server = Server { child, options, addr, base_url: format!("http://{addr}"), data_dir, log_path };
        server.wait_ready(Duration::from_secs(30));
        server
    }

    /// SIGKILL: no shutdown, no flush — a crash at an arbitrary moment.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the binary again on the same data directory, database and address.
    pub fn restart(&mut self) {
        self.kill();
        self.child = spawn(&self.options, self.data_dir.path(), self.addr, &self.log_path);
        self.wait_ready(Duration::from_secs(30));
    }

    /// What the server has printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    fn wait_ready(&mut self, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("dauys serve exited with {status} before it was ready:\n{}", self.log());
            }
            if let Ok(r) = agent().get(&self.url("/readyz")).call() {
                if r.status() == 200 {
                    return;
                }
            }
            assert!(Instant::now() < deadline, "dauys serve was not ready within {limit:?}:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The operator token from `<data-dir>/api.token`.
    pub fn api_token(&self) -> String {
        std::fs::read_to_string(self.data_dir.path().join("api.token")).expect("api.token").trim().to_string()
    }

    /// GET a path; returns (status, body) for any status.
    pub fn get(&self, path: &str) -> (u16, String) {
        match agent().get(&self.url(path)).call() {
            Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
            Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
            Err(e) => panic!("GET {path}: {e}"),
        }
    }

    pub fn get_json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }

    /// Submits an event with the operator token; returns (status, JSON body).
    pub fn submit(&self, event: &serde_json::Value) -> (u16, serde_json::Value) {
        let result = agent()
            .post(&self.url("/api/v1/events"))
            .set("Authorization", &format!("Bearer {}", self.api_token()))
            .set("Content-Type", "application/json")
            .send_string(&event.to_string());
        let (status, body) = match result {
            Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
            Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
            Err(e) => panic!("POST /api/v1/events: {e}"),
        };
        (status, serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body)))
    }

    /// Waits until the latest checkpoint covers at least `size` entries; returns its size.
    pub fn wait_for_checkpoint(&self, size: u64) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let info = self.get_json("/api/v1/log");
            let current = info["checkpoint"]["size"].as_u64().unwrap_or(0);
            if current >= size {
                return current;
            }
            assert!(Instant::now() < deadline, "no checkpoint of size {size} within 20 s (at {current})");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn spawn(options: &ServerOptions, data_dir: &Path, addr: SocketAddr, log_path: &Path) -> Child {
    let binary = dauys_binary();
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log_path).expect("server log file");
    let mut cmd = Command::new(&binary);
    // The server reads DAUYS_* from its environment; the test's own must not leak in.
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("DAUYS_") {
            cmd.env_remove(key);
        }
    }
    if let Some(config) = &options.config {
        cmd.arg("--config").arg(config);
    }
    cmd.arg("--data-dir").arg(data_dir);
    if let Some(url) = &options.database_url {
        cmd.arg("--database-url").arg(url);
    }
    cmd.args(["serve", "--listen", &addr.to_string()]);
    if options.demo {
        cmd.arg("--demo");
    }
    for (k, v) in &options.extra_env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::null())
        .stdout(log.try_clone().expect("log file handle"))
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", binary.display()))
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(Duration::from_secs(10)).build()
}

/// Debian's Chromium, run headless with a throw-away profile.
pub struct Chromium {
    binary: PathBuf,
}

/// Where the project's setup script installs Chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";

impl Chromium {
    /// Finds Chromium, or fails the test: browser tests must never pass by being skipped.
    pub fn find() -> Chromium {
        let binary = std::env::var_os("E2E_CHROMIUM").map_or_else(|| PathBuf::from(CHROMIUM), PathBuf::from);
        assert!(
            binary.is_file(),
            "Chromium is not installed at {}: run `scripts/setup` (it installs Debian's chromium package), \
             or set E2E_CHROMIUM to a Chromium binary",
            binary.display()
        );
        Chromium { binary }
    }

    /// Runs Chromium headless on `url` with extra flags, killing it after `limit`. Returns
    /// its output; stdout holds the DOM with `--dump-dom`.
    pub fn run(&self, url: &str, extra: &[&str], limit: Duration) -> Output {
        let profile = tempfile::tempdir().expect("a temporary Chromium profile");
        let mut cmd = Command::new(&self.binary);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--timeout=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("starting {}: {e}", self.binary.display()));
        // Read the pipes on threads so a chatty Chromium never blocks on a full pipe.
        let mut out = child.stdout.take().expect("stdout");
        let mut err = child.stderr.take().expect("stderr");
        let out_reader = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = out.read_to_end(&mut v);
            v
        });
        let err_reader = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = err.read_to_end(&mut v);
            v
        });
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = child.try_wait().expect("waiting for Chromium") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
                panic!("Chromium did not finish {url} within {limit:?}; stderr:\n{stderr}");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        Output { status, stdout: out_reader.join().unwrap_or_default(), stderr: err_reader.join().unwrap_or_default() }
    }

    /// The DOM of `url` after it loaded, as Chromium serialises it.
    pub fn dump_dom(&self, url: &str, extra: &[&str]) -> String {
        let mut args = vec!["--dump-dom", "--virtual-time-budget=5000"];
        args.extend_from_slice(extra);
        let output = self.run(url, &args, Duration::from_secs(60));
        let dom = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success() && dom.contains("<html"),
            "Chromium could not load {url} ({}); stderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        dom
    }

    /// A PNG screenshot of `url` at `width`×`height` CSS pixels, written to `file`.
    pub fn screenshot(&self, url: &str, width: u32, height: u32, file: &Path, extra: &[&str]) {
        let size = format!("--window-size={width},{height}");
        let shot = format!("--screenshot={}", file.display());
        let mut args = vec![size.as_str(), shot.as_str(), "--virtual-time-budget=5000"];
        args.extend_from_slice(extra);
        let output = self.run(url, &args, Duration::from_secs(60));
        assert!(
            output.status.success() && file.is_file(),
            "Chromium could not screenshot {url} ({}); stderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Reads a PNG's width and height from its header.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
    Some((w, h))
}
