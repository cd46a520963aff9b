//! End-to-end test helpers: build and start the real `dauys` binary, speak HTTP to it,
//! drive Debian's headless Chromium against it, and run a real OpenID Connect provider that
//! stands in for eGov ID.

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

pub mod visitor;

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
    /// The port to listen on (127.0.0.1), when something must know it before the server
    /// starts (an OpenID Connect provider's allowed redirect URI); otherwise a free one.
    pub port: Option<u16>,
    /// Start the server under this open-file limit (soft and hard), through util-linux's
    /// `prlimit`, as a small or misconfigured host would.
    pub open_file_limit: Option<u64>,
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
        let addr: SocketAddr = ([127, 0, 0, 1], options.port.unwrap_or_else(free_port)).into();
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
        self.restart_until("/readyz");
    }

    /// The same, waiting only until `path` answers 200: `/healthz` for a server that is up but
    /// may rightly say it is not ready (a corrupt log).
    pub fn restart_until(&mut self, path: &str) {
        self.kill();
        self.child = spawn(&self.options, self.data_dir.path(), self.addr, &self.log_path);
        self.wait_for(path, Duration::from_secs(30));
    }

    /// The server's process id (for reading its memory and descriptors in /proc).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server has printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    fn wait_ready(&mut self, limit: Duration) {
        self.wait_for("/readyz", limit);
    }

    fn wait_for(&mut self, path: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("dauys serve exited with {status} before it was ready:\n{}", self.log());
            }
            if let Ok(r) = agent().get(&self.url(path)).call() {
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

    /// Logs `count` notices `<prefix>-<n>` with the operator token; returns the index after
    /// the last (the log's size then, whatever the genesis added meanwhile).
    pub fn log_notices(&self, prefix: &str, count: usize) -> u64 {
        let mut last = 0;
        for n in 0..count {
            let (status, body) = self.submit(&notice(&format!("{prefix}-{n}")));
            assert_eq!(status, 201, "{body}");
            last = body["index"].as_u64().expect("the receipt's index");
        }
        last + 1
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

/// An operator's notice, `notice.published` with the id `id`: an act the operator token may log.
pub fn notice(id: &str) -> serde_json::Value {
    serde_json::json!({
        "type": "notice.published",
        "notice": id,
        "title": {"kk": "Хабарландыру", "ru": "Объявление", "en": "Notice"},
        "text": {"kk": "Мәтін", "ru": "Текст", "en": "Text"},
    })
}

fn spawn(options: &ServerOptions, data_dir: &Path, addr: SocketAddr, log_path: &Path) -> Child {
    let binary = dauys_binary();
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log_path).expect("server log file");
    let mut cmd = match options.open_file_limit {
        Some(limit) => {
            let mut cmd = Command::new("prlimit");
            cmd.arg(format!("--nofile={limit}:{limit}")).arg(&binary);
            cmd
        }
        None => Command::new(&binary),
    };
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

/// A running `dauys witness serve` on a free port of 127.0.0.1, killed when dropped. Its state
/// directory (key and store) outlives it, so a witness can be restarted, or its key copied to
/// a witness that forgot what it cosigned.
pub struct WitnessProcess {
    child: Child,
    pub name: String,
    pub vkey: String,
    pub url: String,
    pub state_dir: PathBuf,
    log_path: PathBuf,
}

impl WitnessProcess {
    /// Starts a witness named `name` keeping its state in `state_dir`, following the logs
    /// with `log_vkeys`; returns once it answers.
    pub fn start(name: &str, state_dir: &Path, log_vkeys: &[&str]) -> WitnessProcess {
        let key = Command::new(dauys_binary())
            .args(["witness", "key", "--name", name, "--state-dir"])
            .arg(state_dir)
            .output()
            .expect("dauys witness key");
        assert!(key.status.success(), "dauys witness key: {}", String::from_utf8_lossy(&key.stderr));
        let vkey = String::from_utf8(key.stdout).expect("utf-8").trim().to_string();
        let addr = format!("127.0.0.1:{}", free_port());
        let log_path = state_dir.join("witness.log");
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&log_path).expect("witness log");
        let mut cmd = Command::new(dauys_binary());
        cmd.args(["witness", "serve", "--name", name, "--listen", &addr, "--per-second", "1000", "--state-dir"])
            .arg(state_dir);
        for vkey in log_vkeys {
            cmd.args(["--log", vkey]);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .expect("dauys witness serve");
        let mut witness = WitnessProcess {
            child,
            name: name.to_string(),
            vkey,
            url: format!("http://{addr}"),
            state_dir: state_dir.to_path_buf(),
            log_path,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent().get(&format!("{}/logs", witness.url)).call().is_err() {
            if let Ok(Some(status)) = witness.child.try_wait() {
                panic!("dauys witness exited with {status}:\n{}", witness.log());
            }
            assert!(Instant::now() < deadline, "the witness did not answer within 20 s:\n{}", witness.log());
            std::thread::sleep(Duration::from_millis(50));
        }
        witness
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// GET a path of the witness: (status, body).
    pub fn get(&self, path: &str) -> (u16, String) {
        match agent().get(&format!("{}{path}", self.url)).call() {
            Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
            Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
            Err(e) => panic!("GET {path} from the witness: {e}"),
        }
    }
}

impl Drop for WitnessProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(Duration::from_secs(10)).build()
}

/// The client registered at [`OidcProvider`]: a confidential client (client_secret_basic or
/// client_secret_post), authorization code flow, PKCE with S256 required.
pub const OIDC_CLIENT_ID: &str = "dauys-test";
/// The secret of [`OIDC_CLIENT_ID`].
pub const OIDC_CLIENT_SECRET: &str = "dauys-test-secret";

/// One of the provider's default test people (`DEFAULT_ACCOUNTS` in
/// `tests/oidc-provider/server.mjs`): every IIN is valid and agrees with the birthdate.
#[derive(Debug, Clone, Copy)]
pub struct OidcPerson {
    pub login: &'static str,
    pub password: &'static str,
    pub sub: &'static str,
    pub iin: &'static str,
    pub given_name: &'static str,
    pub family_name: &'static str,
    pub birthdate: &'static str,
    pub locality: &'static str,
}

/// The provider's default test people, as `server.mjs` defines them.
pub const OIDC_PEOPLE: [OidcPerson; 3] = [
    OidcPerson {
        login: "aigerim",
        password: "aigerim-pass",
        sub: "egov-test-aigerim",
        iin: "900315401233",
        given_name: "Айгерім",
        family_name: "Сейітова",
        birthdate: "1990-03-15",
        locality: "almaty-city",
    },
    OidcPerson {
        login: "nurlan",
        password: "nurlan-pass",
        sub: "egov-test-nurlan",
        iin: "851102304561",
        given_name: "Нұрлан",
        family_name: "Жақсыбеков",
        birthdate: "1985-11-02",
        locality: "akmola/kokshetau",
    },
    OidcPerson {
        login: "dana",
        password: "dana-pass",
        sub: "egov-test-dana",
        iin: "040721607896",
        given_name: "Дана",
        family_name: "Омарова",
        birthdate: "2004-07-21",
        locality: "astana",
    },
];

/// A real OpenID Connect provider on a free port of 127.0.0.1 (panva's `oidc-provider`, run
/// by `scripts/oidc-provider` from `tests/oidc-provider/`), stopped when dropped. It knows one
/// client ([`OIDC_CLIENT_ID`]) and, unless given others, the people in [`OIDC_PEOPLE`]; its
/// login page has the fields `login` and `password` and the button `#submit`, and consent is
/// granted without asking. Scopes `openid profile`; the ID token and userinfo carry `sub`,
/// `iin`, `given_name`, `family_name`, `birthdate` and `locality`.
pub struct OidcProvider {
    child: Child,
    issuer: String,
    log: Arc<Mutex<String>>,
    _accounts: Option<tempfile::TempDir>,
}

impl OidcProvider {
    /// Starts a provider whose client may redirect to `redirect_uris` only.
    pub fn start(redirect_uris: &[&str]) -> OidcProvider {
        OidcProvider::spawn(redirect_uris, None)
    }

    /// Starts a provider that knows only `accounts` (a JSON array of
    /// `{ "login", "password", "claims": { "sub"?, "iin", "given_name", ... } }`; `sub`
    /// defaults to `egov-test-<login>`), e.g. a minor or a person with an invalid IIN.
    pub fn start_with_accounts(redirect_uris: &[&str], accounts: &serde_json::Value) -> OidcProvider {
        let dir = tempfile::tempdir().expect("a temporary directory for the accounts");
        std::fs::write(dir.path().join("accounts.json"), accounts.to_string()).expect("write accounts.json");
        OidcProvider::spawn(redirect_uris, Some(dir))
    }

    fn spawn(redirect_uris: &[&str], accounts: Option<tempfile::TempDir>) -> OidcProvider {
        let script = workspace_root().join("scripts").join("oidc-provider");
        // Install the npm packages once per test process, so that the process started below
        // is node itself (the script execs it): killing it leaves nothing behind.
        static INSTALLED: OnceLock<()> = OnceLock::new();
        INSTALLED.get_or_init(|| {
            let status = Command::new(&script)
                .arg("--install")
                .stdin(Stdio::null())
                .status()
                .unwrap_or_else(|e| panic!("running {} --install: {e}", script.display()));
            assert!(status.success(), "{} --install failed ({status}): run `scripts/setup`", script.display());
        });

        let mut cmd = Command::new(&script);
        cmd.env("OIDC_PORT", "0")
            .env("OIDC_REDIRECT_URIS", redirect_uris.join(","))
            // If this test process dies without dropping us, the pipe closes and node exits.
            .env("OIDC_EXIT_ON_STDIN_EOF", "1")
            .env_remove("OIDC_ACCOUNTS");
        if let Some(dir) = &accounts {
            cmd.env("OIDC_ACCOUNTS", dir.path().join("accounts.json"));
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", script.display()));

        // Both pipes are drained to the end on threads, so node never blocks on a full pipe;
        // the first `listening <issuer>` line on stdout says it is ready.
        let log = Arc::new(Mutex::new(String::new()));
        let (ready_tx, ready_rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let out_log = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                match line.strip_prefix("listening ") {
                    Some(issuer) => {
                        let _ = ready_tx.send(issuer.to_string());
                    }
                    None => push_line(&out_log, &line),
                }
            }
        });
        let err_log = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                push_line(&err_log, &line);
            }
        });

        let mut provider = OidcProvider { child, issuer: String::new(), log, _accounts: accounts };
        let limit = Duration::from_secs(30);
        let deadline = Instant::now() + limit;
        provider.issuer = loop {
            match ready_rx.recv_timeout(Duration::from_millis(100)) {
                Ok(issuer) => break issuer,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = provider.child.wait().expect("waiting for the OIDC provider");
                    panic!("the OIDC provider exited with {status} before it was ready:\n{}", provider.log());
                }
            }
            if let Ok(Some(status)) = provider.child.try_wait() {
                panic!("the OIDC provider exited with {status} before it was ready:\n{}", provider.log());
            }
            assert!(Instant::now() < deadline, "the OIDC provider was not ready within {limit:?}:\n{}", provider.log());
        };
        provider
    }

    /// The issuer, `http://127.0.0.1:<port>`; discovery is at
    /// `<issuer>/.well-known/openid-configuration`.
    pub fn issuer(&self) -> String {
        self.issuer.clone()
    }

    /// The process id of the provider (node).
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// What the provider has printed so far.
    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

fn push_line(log: &Mutex<String>, line: &str) {
    if let Ok(mut log) = log.lock() {
        log.push_str(line);
        log.push('\n');
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        // Closing stdin asks node to stop (OIDC_EXIT_ON_STDIN_EOF); SIGKILL if it does not.
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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

/// The npm project of the browser journeys (`tests/browser`): scripts run by Node.js that
/// drive Debian's Chromium with `playwright-core` and check pages with `axe-core`.
pub fn browser_journeys_dir() -> PathBuf {
    workspace_root().join("tests").join("browser")
}

/// Runs `node tests/browser/<script> <base_url>` with `env` added, killing it after
/// `limit`, and returns its output. Installs the npm packages first (`npm ci`, once, under a
/// lock, as `scripts/setup` does) when `node_modules` is missing or older than
/// `package-lock.json`. The script gets `E2E_CHROMIUM` (see [`Chromium::find`]).
pub fn run_browser_journey(script: &str, base_url: &str, env: &[(&str, &str)], limit: Duration) -> Output {
    let chromium = Chromium::find();
    let dir = browser_journeys_dir();
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        // Tests may run in parallel processes: one installs, the others wait on the lock.
        let install = r#"
            command -v node >/dev/null 2>&1 || { echo "node is not installed: run scripts/setup" >&2; exit 1; }
            stale() { [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }
            if stale; then
              { flock 9; if stale; then echo "npm ci in $PWD" >&2; npm ci --no-audit --no-fund </dev/null >&2; fi; } 9<package-lock.json
            fi"#;
        let status = Command::new("bash")
            .args(["-c", install])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("running bash to install {}'s npm packages: {e}", dir.display()));
        assert!(status.success(), "installing the npm packages of {} failed ({status}): run `scripts/setup`", dir.display());
    });

    let mut cmd = Command::new("node");
    cmd.arg(dir.join(script)).arg(base_url).current_dir(&dir).env("E2E_CHROMIUM", &chromium.binary);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting node {script}: {e} (run `scripts/setup` to install Node.js)"));
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
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for node") {
            break status;
        }
        if Instant::now() > deadline {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("waiting for the killed node");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = err_reader.join().unwrap_or_default();
    if timed_out {
        stderr.extend_from_slice(
            format!("\n(node {script} was killed: it did not finish within {limit:?})\n").as_bytes(),
        );
    }
    Output { status, stdout: out_reader.join().unwrap_or_default(), stderr }
}
