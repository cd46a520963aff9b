//! `dauys`: the one binary. It wires the libraries together and holds no domain logic.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use dauys_core::{Entry, LogIndex, State};
use dauys_ledger::{leaf_hash, Checkpoint, Note, TreeBuilder};
use dauys_server::config::{Config, LogFormat};

#[derive(Parser)]
#[command(name = "dauys", version, about = "Dauys: e-participation on a verifiable public ledger")]
struct Cli {
    /// TOML configuration file (every field is optional; see dauys.example.toml).
    #[arg(long, global = true, env = "DAUYS_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory (signing key, API token, SQLite database).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// postgres:// URL; without it the SQLite database in the data directory is used.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Keep appending demo activity (state bodies, a calendar, public notices).
        #[arg(long)]
        demo: bool,
    },
    /// Print the log's verifier key in the signed-note vkey format.
    Key,
    /// Print the token that authorises POST /api/v1/events.
    Token,
    /// Rebuild the projection from the log alone (the server must be stopped), or with
    /// --check compare it without writing (works beside a running server).
    Replay {
        #[arg(long)]
        check: bool,
    },
    /// Mirror a remote Dauys log over the C2SP paths, verify it and replay it.
    Audit {
        #[command(flatten)]
        target: AuditTarget,
        /// Also write the verified tiles and bundles here as static files.
        #[arg(long)]
        mirror_dir: Option<PathBuf>,
        /// Print the public state as JSON instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// Follow a remote Dauys log: audit it every --interval seconds, compare it with what its
    /// witnesses cosigned, and alert (stderr, and a webhook if given) on a fork, a rule
    /// broken, a stale or unwitnessed checkpoint, or a deadline the rules missed.
    Monitor {
        #[command(flatten)]
        target: AuditTarget,
        /// A witness to ask what it cosigned for this log (its URL). Repeat for more.
        #[arg(long = "witness-url")]
        witness_urls: Vec<String>,
        /// Seconds between rounds.
        #[arg(long, default_value_t = 60)]
        interval: u64,
        /// Alert when the witnesses last vouched for the checkpoint longer ago than this
        /// (seconds; needs --witness).
        #[arg(long, requires = "witnesses")]
        max_age: Option<u64>,
        /// POST each new alert here as JSON: {"log", "kind", "message"}.
        #[arg(long)]
        webhook: Option<String>,
        /// Run one round and exit: 0 without alerts, 3 with.
        #[arg(long)]
        once: bool,
    },
    /// Run a witness (C2SP tlog-witness) for one or more logs, or print its key.
    Witness {
        #[command(subcommand)]
        action: WitnessCommand,
    },
}

/// The log an audit or a monitor reads, and what it demands of it.
#[derive(clap::Args)]
struct AuditTarget {
    /// Base URL of the instance, e.g. http://127.0.0.1:8080
    base_url: String,
    /// The log's verifier key; without it, a key pinned by an earlier audit, else
    /// the server's own (trusted on first use, said loudly).
    #[arg(long)]
    vkey: Option<String>,
    /// Where the auditor keeps what it verified (for incremental re-audits).
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// A witness whose cosignature the checkpoint must carry: its key, as `dauys witness
    /// key` prints it. Repeat for more; see --witness-quorum.
    #[arg(long = "witness")]
    witnesses: Vec<String>,
    /// How many of the --witness keys must have cosigned (default: all of them).
    #[arg(long, requires = "witnesses")]
    witness_quorum: Option<usize>,
}

impl AuditTarget {
    /// The audit's options, and where to remember this address's key once it passed (when
    /// the memory is found by the log's identity rather than given with --state-dir).
    fn options(&self, mirror_dir: Option<PathBuf>) -> anyhow::Result<(dauys_audit::AuditOptions, Option<PathBuf>)> {
        let witnesses = witness_policy(&self.witnesses, self.witness_quorum)?;
        let (state_dir, vkey, url_pin) = match &self.state_dir {
            Some(d) => (d.clone(), self.vkey.clone(), None),
            None => {
                let memory = LogMemory::find(&self.base_url, self.vkey.as_deref())?;
                (memory.dir, memory.vkey, Some(memory.url_pin))
            }
        };
        let options = dauys_audit::AuditOptions {
            base_url: self.base_url.clone(),
            state_dir,
            vkey,
            progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            mirror_dir,
            witnesses,
        };
        Ok((options, url_pin))
    }
}

#[derive(Subcommand)]
enum WitnessCommand {
    /// Serve add-checkpoint, and publish what this witness cosigned.
    Serve {
        #[command(flatten)]
        identity: WitnessIdentity,
        /// A log to follow: its verifier key (`dauys key` prints a Dauys log's). Repeat for more.
        #[arg(long = "log", required = true)]
        logs: Vec<String>,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: std::net::SocketAddr,
        /// Requests allowed per second from one address (bursts of twice that).
        #[arg(long, default_value_t = 20)]
        per_second: u32,
    },
    /// Print this witness's verifier key (creating the key on first use), for logs and readers.
    Key {
        #[command(flatten)]
        identity: WitnessIdentity,
    },
}

#[derive(clap::Args)]
struct WitnessIdentity {
    /// Holds the witness's key (witness.key) and what it cosigned (witness.db).
    #[arg(long)]
    state_dir: PathBuf,
    /// The witness's name, a schema-less URL such as witness.example.kz/w1.
    #[arg(long)]
    name: String,
}

fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(d) = &cli.data_dir {
        config.data_dir = d.clone();
    }
    if let Some(u) = &cli.database_url {
        config.database_url = u.clone();
    }
    if let Command::Serve { listen: Some(l), .. } = &cli.command {
        config.listen = *l;
    }
    config.validate()?;
    Ok(config)
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DAUYS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("dauys: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Serve { demo, .. } => {
            let config = load_config(&cli)?;
            init_logging(config.log_format);
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            runtime.block_on(dauys_server::serve(config, dauys_server::ServeOptions { demo: *demo }))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Key => {
            let config = load_config(&cli)?;
            let signer = dauys_server::keys::load_signer(&config.data_dir)
                .context("no signing key yet: `dauys serve` creates one on its first run")?;
            println!("{}", signer.vkey());
            Ok(ExitCode::SUCCESS)
        }
        Command::Token => {
            let config = load_config(&cli)?;
            println!("{}", dauys_server::keys::load_or_create_api_token(&config.data_dir)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Replay { check } => replay(&load_config(&cli)?, *check),
        Command::Audit { target, mirror_dir, json } => {
            init_logging(LogFormat::Text);
            let (options, url_pin) = target.options(mirror_dir.clone())?;
            let report = dauys_audit::audit(&options)?;
            if let Some(url_pin) = url_pin {
                LogMemory::remember_url(&url_pin, &options.state_dir)?;
            }
            if report.key_pinned_now {
                eprintln!(
                    "WARNING: no --vkey given; trusted the server's own key on first use and pinned it in {}. \
                     Compare it with a key published elsewhere.",
                    options.state_dir.display()
                );
            }
            eprintln!(
                "verified {} at size {} (root {}): {} entries checked, {} tiles compared, resumed from {}",
                report.origin,
                report.checkpoint.size,
                report.checkpoint.root,
                report.entries_checked,
                report.tiles_checked,
                report.resumed_from
            );
            if let Some(prev) = &report.previous {
                eprintln!("consistent with the checkpoint saved last time (size {})", prev.size);
            }
            for cosignature in &report.cosignatures {
                eprintln!(
                    "cosigned by {} at {}",
                    cosignature.witness,
                    dauys_core::Timestamp(cosignature.timestamp.saturating_mul(1000)).to_rfc3339()
                );
            }
            if *json {
                let bodies: std::collections::BTreeMap<_, _> =
                    report.bodies.iter().map(|(id, record)| (id, record.figures())).collect();
                let out = serde_json::json!({
                    "public_state": report.public_state,
                    "petitions": report.petitions,
                    "bodies": bodies,
                    "pending_rule_events": report.pending_rule_events,
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!("{}", report.public_state);
                print_petitions(&report.petitions);
                for (body, record) in &report.bodies {
                    println!("body {body}: {}", record.figures());
                }
                for pending in &report.pending_rule_events {
                    println!("pending by the rules at the last entry: {pending}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Witness { action } => witness(action),
        Command::Monitor { target, witness_urls, interval, max_age, webhook, once } => {
            init_logging(LogFormat::Text);
            let (audit, url_pin) = target.options(None)?;
            let options = dauys_audit::monitor::MonitorOptions {
                audit: dauys_audit::AuditOptions { progress: false, ..audit },
                witness_urls: witness_urls.clone(),
                max_age_secs: *max_age,
            };
            monitor(&options, url_pin.as_deref(), webhook.as_deref(), std::time::Duration::from_secs(*interval), *once)
        }
    }
}

/// Runs monitor rounds until stopped (or one with `once`), printing each new alert and
/// posting it to `webhook`. An alert is sent once, not every round while it lasts.
fn monitor(
    options: &dauys_audit::monitor::MonitorOptions,
    url_pin: Option<&Path>,
    webhook: Option<&str>,
    interval: std::time::Duration,
    once: bool,
) -> anyhow::Result<ExitCode> {
    let fetch = dauys_audit::HttpFetch::new(&options.audit.base_url)?;
    let witnesses = dauys_audit::monitor::witness_clients(&options.witness_urls)?;
    let agent = ureq::AgentBuilder::new().timeout(std::time::Duration::from_secs(10)).build();
    let mut sent = std::collections::BTreeSet::new();
    let mut pending = std::collections::BTreeSet::new();
    loop {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let round = dauys_audit::monitor::round(options, &fetch, &witnesses, now, &pending);
        if let Some(report) = &round.report {
            if let Some(url_pin) = url_pin {
                LogMemory::remember_url(url_pin, &options.audit.state_dir)?;
            }
            eprintln!(
                "{} at size {}: {} new entries checked, {} alert(s)",
                report.origin,
                report.checkpoint.size,
                report.entries_checked,
                round.alerts.len()
            );
            pending = report.pending_rule_events.iter().cloned().collect();
        }
        for alert in round.alerts.iter().filter(|a| sent.insert((*a).clone())) {
            eprintln!("ALERT {:?}: {}", alert.kind, alert.message);
            if let Some(url) = webhook {
                let body =
                    serde_json::json!({ "log": options.audit.base_url, "kind": alert.kind, "message": alert.message });
                if let Err(e) = agent.post(url).send_json(body) {
                    eprintln!("could not post the alert to {url}: {e}");
                }
            }
        }
        if once {
            return Ok(if round.alerts.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(3) });
        }
        std::thread::sleep(interval);
    }
}

/// The audit's witness policy from `--witness` keys and `--witness-quorum`; none without keys.
fn witness_policy(keys: &[String], quorum: Option<usize>) -> anyhow::Result<Option<dauys_ledger::WitnessPolicy>> {
    if keys.is_empty() {
        return Ok(None);
    }
    let verifiers = keys
        .iter()
        .map(|k| dauys_ledger::CosignatureVerifier::from_vkey(k).with_context(|| format!("--witness {k}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let quorum = quorum.unwrap_or(verifiers.len());
    Ok(Some(dauys_ledger::WitnessPolicy::new(verifiers, quorum)?))
}

fn witness(action: &WitnessCommand) -> anyhow::Result<ExitCode> {
    match action {
        WitnessCommand::Key { identity } => {
            println!("{}", dauys_witness::load_or_create_key(&identity.state_dir, &identity.name)?.vkey());
        }
        WitnessCommand::Serve { identity, logs, listen, per_second } => {
            init_logging(LogFormat::Text);
            let witness = std::sync::Arc::new(dauys_witness::Witness::open(dauys_witness::WitnessConfig {
                state_dir: identity.state_dir.clone(),
                name: identity.name.clone(),
                log_keys: logs.clone(),
            })?);
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            runtime.block_on(async {
                let listener = tokio::net::TcpListener::bind(listen)
                    .await
                    .with_context(|| format!("cannot listen on {listen}"))?;
                tracing::info!(%listen, vkey = %witness.vkey(), "witness listening");
                let shutdown = async {
                    let _ = tokio::signal::ctrl_c().await;
                };
                dauys_witness::http::serve(witness, listener, *per_second, shutdown).await.context("witness server")
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line per petition, recomputed from the log: status, count against threshold, and the
/// obligation's due date and status.
fn print_petitions(petitions: &[dauys_core::Petition]) {
    for p in petitions {
        let mut line = format!("{} {} {}/{} signatures", p.id, p.status, p.signatures, p.terms.threshold);
        if p.invalidated > 0 {
            line.push_str(&format!(" ({} invalidated)", p.invalidated));
        }
        if let Some(o) = &p.obligation {
            line.push_str(&format!(
                "; obligation on {} due {} {}",
                o.body,
                dauys_core::format_date(o.due),
                o.status.as_str()
            ));
        }
        println!("{line}");
    }
}

/// Where `dauys audit` keeps what it verified when no `--state-dir` is given: keyed by the
/// log's identity (its origin and key id), not by the address it was reached at, so one log
/// audited under two addresses is one memory and a rollback shown under either is caught.
/// Each address remembers the key it was first audited with, so a server that later shows
/// another key there is refused rather than taken for a new log.
struct LogMemory {
    /// `…/audit/logs/<origin>+<key id>`.
    dir: PathBuf,
    /// The key to audit with: given, or remembered for this address; `None` the first time
    /// (the audit then trusts the server's own key, loudly).
    vkey: Option<String>,
    /// `…/audit/urls/<address>`: the key this address was audited with.
    url_pin: PathBuf,
}

impl LogMemory {
    fn find(base_url: &str, given: Option<&str>) -> anyhow::Result<LogMemory> {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
        let root = home.join(".local/share/dauys/audit");
        let address = file_name(base_url.trim_start_matches("https://").trim_start_matches("http://"));
        if address.is_empty() {
            bail!("{base_url:?} is not a URL");
        }
        let url_pin = root.join("urls").join(address);
        let pinned = match std::fs::read_to_string(&url_pin) {
            Ok(v) => Some(v.trim().to_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("reading {}", url_pin.display())),
        };
        let (vkey, identity) = match (given.map(str::trim), pinned.as_deref()) {
            (Some(given), Some(pinned)) if given != pinned => bail!(
                "{base_url} was audited with the key {pinned} (remembered in {}); --vkey gives {given}. \
                 If the log's key really changed, check the new one elsewhere and remove that file",
                url_pin.display()
            ),
            (Some(vkey), _) | (None, Some(vkey)) => (Some(vkey.to_owned()), vkey.to_owned()),
            (None, None) => {
                // The server's own key, only to know which log this is; the audit itself
                // trusts it on first use and says so.
                let (vkey, _) = dauys_audit::server_key(&dauys_audit::HttpFetch::new(base_url)?)?;
                (None, vkey)
            }
        };
        let verifier = dauys_ledger::NoteVerifier::from_vkey(&identity)?;
        let log = file_name(&format!("{}+{:08x}", verifier.name(), verifier.key_id()));
        Ok(LogMemory { dir: root.join("logs").join(log), vkey, url_pin })
    }

    /// After a successful audit: the address remembers the key the log's memory pinned.
    fn remember_url(url_pin: &Path, dir: &Path) -> anyhow::Result<()> {
        let vkey =
            std::fs::read_to_string(dir.join("vkey")).with_context(|| format!("reading {}/vkey", dir.display()))?;
        if let Some(parent) = url_pin.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(url_pin, vkey).with_context(|| format!("writing {}", url_pin.display()))
    }
}

/// `text` as one file name: letters, digits, `.` and `-` kept, the rest `_`.
fn file_name(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect()
}

/// Folds the whole log into a fresh state and rebuilds its tree: every stored hash tile must
/// be the one the entries make (a byte changed at rest in an entry or a tile shows), and the
/// latest checkpoint must sign the root the entries make at its size.
fn replay(config: &Config, check_only: bool) -> anyhow::Result<ExitCode> {
    const CHUNK: u64 = 4096;
    let location = config.database_location();
    let reader =
        dauys_store::open_reader(&location).with_context(|| format!("opening {}", dauys_store::redact(&location)))?;
    let size = reader.size()?;
    let checkpoint = match reader.latest_checkpoint()? {
        Some(latest) => Some(Checkpoint::parse_text(&Note::parse(&latest.note)?.text)?),
        None => None,
    };
    if let Some(c) = checkpoint.as_ref().filter(|c| c.size > size) {
        bail!("the latest checkpoint signs {} entries but the log holds {size}", c.size);
    }
    let mut root_at_checkpoint = checkpoint.as_ref().filter(|c| c.size == 0).map(|_| TreeBuilder::new().root());
    let mut state = State::default();
    let mut tree = TreeBuilder::new();
    let mut tiles = 0u64;
    let mut start = 0;
    while start < size {
        let end = (start + CHUNK).min(size);
        for (i, body) in reader.entries(start, end)?.iter().enumerate() {
            let index = start + i as u64;
            let entry = Entry::decode(body).with_context(|| format!("entry {index} does not decode"))?;
            state.apply(LogIndex(index), &entry).with_context(|| format!("entry {index} breaks the rules"))?;
            tree.append(leaf_hash(body));
            if checkpoint.as_ref().is_some_and(|c| c.size == tree.size()) {
                root_at_checkpoint = Some(tree.root());
            }
        }
        // A stored tile holds at least what the entries so far make (a partial one grows);
        // after the last entry, exactly that. Checked chunk by chunk, memory stays flat.
        for (id, rebuilt) in tree.take_changed_tiles() {
            let stored = reader.tile(id.level, id.index)?.unwrap_or_default();
            let matches = if end == size { stored == rebuilt } else { stored.starts_with(&rebuilt) };
            if !matches {
                bail!(
                    "the stored tile {} is not the one the entries make (entries {start}..{end} or the tile \
                     changed at rest)",
                    id.path()
                );
            }
            tiles += 1;
        }
        state.discard_changes();
        start = end;
    }
    if let (Some(c), Some(root)) = (&checkpoint, root_at_checkpoint) {
        if c.root != root {
            bail!("the entries make the root {root} at size {} but the checkpoint signs {}", c.size, c.root);
        }
    }
    eprintln!("rebuilt the tree of {size} entries: {tiles} tile versions and the checkpoint's root match");
    let replayed = state.rows();
    let stored = reader.projection_rows()?;
    let differences = count_differences(&replayed, &stored);
    eprintln!("replayed {size} entries; {differences} projection rows differ from the stored ones");
    println!("{}", state.public_state());
    if check_only {
        return Ok(if differences == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE });
    }
    if differences > 0 {
        let (mut writer, _) = dauys_store::open(&location)
            .context("stop the server before `dauys replay` rewrites the projection (or use --check)")?;
        writer.replace_projection(&replayed)?;
        eprintln!("projection rewritten from the log");
    }
    Ok(ExitCode::SUCCESS)
}

/// Rows present on one side only or with different values; both lists are sorted by key.
fn count_differences(a: &[(String, String)], b: &[(String, String)]) -> usize {
    let a: std::collections::BTreeMap<_, _> = a.iter().map(|(k, v)| (k, v)).collect();
    let b: std::collections::BTreeMap<_, _> = b.iter().map(|(k, v)| (k, v)).collect();
    a.iter().filter(|(k, v)| b.get(*k) != Some(*v)).count() + b.keys().filter(|k| !a.contains_key(*k)).count()
}
