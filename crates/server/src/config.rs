//! The server's configuration: one typed struct, read from an optional TOML file and then
//! from `DAUYS_*` environment variables (which win). Every field has a default that works
//! for a first run on a laptop.

use std::net::SocketAddr;
use std::path::PathBuf;

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

/// Environment variables that hold secrets themselves, not configuration fields.
pub const SECRET_MASTER_KEY_VAR: &str = "VAULT_MASTER_KEY";
pub const SECRET_PSEUDONYM_KEYS_VAR: &str = "PSEUDONYM_KEYS";

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address and port to listen on. Env: `DAUYS_LISTEN`.
    pub listen: SocketAddr,
    /// Directory for the signing key, the API token and (by default) the SQLite database.
    /// Created on first run. Env: `DAUYS_DATA_DIR`.
    pub data_dir: PathBuf,
    /// `postgres://user@host/db` to use PostgreSQL; empty means SQLite at
    /// `<data_dir>/dauys.sqlite3`. Env: `DAUYS_DATABASE_URL`.
    pub database_url: String,
    /// Database connections each of the server's two pools (the log's readers, the people
    /// store) holds open at once; a request that finds them all busy waits up to 5 s and is
    /// then answered 503 `storage-unavailable`. With PostgreSQL the server opens at most
    /// twice this plus two (the log's writer, a migration): keep that below the server's
    /// `max_connections`. Env: `DAUYS_MAX_READ_CONNECTIONS`.
    pub max_read_connections: u32,
    /// The log's origin: the first line of every checkpoint and the name of its signing key.
    /// It must be unique to this log and never change (C2SP tlog-checkpoint). Empty: a new
    /// log takes the public URL without its scheme (`https://petitions.example.kz` →
    /// `petitions.example.kz`), the prefix of its checkpoint and tiles as C2SP asks; a log
    /// that exists keeps the origin its key names, whatever the URL says now. Env:
    /// `DAUYS_ORIGIN`.
    pub origin: String,
    /// The deployment's public name in Kazakh, Russian and English, logged on first start.
    pub deployment_name: Names,
    /// UTC offset of the deployment's civil time in minutes (Kazakhstan: +300), used for
    /// calendar dates and working days.
    pub utc_offset_minutes: i16,
    /// The longest a new entry waits before a checkpoint covers it, in milliseconds. The
    /// sequencer signs sooner when it is idle. Env: `DAUYS_CHECKPOINT_INTERVAL_MS`.
    pub checkpoint_interval_ms: u64,
    /// Most events committed in one database transaction.
    pub max_batch: usize,
    /// Submissions waiting for the sequencer before new ones get 503 (back-pressure).
    pub queue_capacity: usize,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Longest a request may take before it is answered 408/503, in seconds.
    pub request_timeout_secs: u64,
    /// Client connections held at once; further clients wait in the accept queue. Lowered
    /// at start to what the open-file limit allows.
    pub max_connections: usize,
    /// Longest a client may take to send a request's headers, in seconds, counted from when
    /// the server starts waiting for them (a new connection, or the previous response sent).
    pub header_read_timeout_secs: u64,
    /// A connection with no request in flight and no byte moving either way for this many
    /// seconds is closed (idle keep-alive, stalled readers).
    pub idle_timeout_secs: u64,
    /// Password hashes (Argon2id, ~19 MiB each) computed at once by sign-in, sign-up and
    /// password reset. 0: half the machine's cores, at least one.
    pub password_hashes_in_flight: usize,
    /// Longest a sign-in, sign-up or reset waits for a hashing slot before it is answered 503
    /// with Retry-After, in milliseconds.
    pub password_queue_ms: u64,
    /// Reverse proxies whose `X-Forwarded-For` header names the client (exact addresses).
    /// Empty: the socket's peer is the client, and the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Log output: "text" for people, "json" for log collectors.
    pub log_format: LogFormat,
    /// Public URL the server is reached at, used in the "how to verify" instructions.
    /// Empty means `http://<listen>`. Session cookies are marked `Secure` when it is https.
    pub public_url: String,
    /// How long a public page rendered for anonymous readers is served from memory before it
    /// is rendered again, in milliseconds (at most 10,000). A crowd then costs one render per
    /// page and language per period. 0 renders every request.
    pub public_page_cache_ms: u64,
    /// The whole stored log is read back and checked against its tiles in the background at
    /// start, then every so many seconds (a bundle every 5 ms: a million entries spend about
    /// 20 s in pauses), so an entry changed at rest is found even if nobody asks for it. 0:
    /// never (entries are still checked whenever they are served).
    pub log_recheck_interval_secs: u64,
    /// The witnesses asked to cosign each new checkpoint (C2SP tlog-witness). With any,
    /// `/checkpoint` serves only a checkpoint cosigned by `witness_quorum` of them, so a
    /// reader who checks the cosignatures cannot be shown a view of the log the witnesses
    /// did not see. Empty: `/checkpoint` carries the log's signature alone.
    pub witnesses: Vec<WitnessEndpoint>,
    /// How many of `witnesses` must cosign a checkpoint before it is served. 0: all of them.
    pub witness_quorum: usize,
    /// While the log does not grow, its checkpoint is sent to the witnesses again this often
    /// (seconds), so their cosignatures carry a recent time and readers can tell the log is
    /// alive and not withholding entries.
    pub witness_refresh_secs: u64,
    /// Where people write to the operator (shown on the contact, privacy and accessibility
    /// pages). Empty: those pages say no address is configured.
    pub contact_email: String,
    /// File holding the vault's master key, which wraps every person's data key. Keep it
    /// outside the database (and its backups). Empty means `<data_dir>/vault-master.key`,
    /// created on first run. Env `DAUYS_VAULT_MASTER_KEY` may hold the key itself instead.
    pub vault_master_key_file: PathBuf,
    /// File holding the pseudonym key ring (one `v<N> <base64>` line per version). Empty
    /// means `<data_dir>/pseudonym.keys`, created on first run. Env `DAUYS_PSEUDONYM_KEYS`
    /// may hold the ring itself instead.
    pub pseudonym_keys_file: PathBuf,
    /// The e-mail address whose sign-up becomes the first administrator (only while no
    /// administrator exists). Empty: none.
    pub first_administrator_email: String,
    /// How long a session lasts, in hours.
    pub session_hours: u64,
    /// Sign-in attempts allowed per client address per minute.
    pub sign_in_per_minute: u32,
    /// Sign-ups allowed per client address per hour.
    pub sign_up_per_hour: u32,
    /// Issuer URL of the OpenID Connect provider that verifies identities (the national eGov
    /// ID, or any OIDC provider). Empty: that way of verifying is off.
    pub oidc_issuer_url: String,
    /// The client id this deployment is registered under at the provider.
    pub oidc_client_id: String,
    /// The client secret (better set by `DAUYS_OIDC_CLIENT_SECRET` than in a file).
    pub oidc_client_secret: String,
    /// The ID-token claim holding the 12-digit IIN.
    pub oidc_iin_claim: String,
    /// The ID-token claim holding the locality (`region` or `region/district`).
    pub oidc_locality_claim: String,
    /// Where the file mail sender writes each outgoing message (`<id>.eml`, mode 0600), used
    /// when `smtp_url` is empty. Empty means `<data_dir>/mail`.
    pub mail_dir: PathBuf,
    /// SMTP relay for outgoing mail, e.g. `smtp://user:pass@mail.example.kz:587?tls=required`
    /// or `smtps://mail.example.kz:465`. Empty: the file sender. Better set by
    /// `DAUYS_SMTP_URL` than in a file, as it may hold a password.
    pub smtp_url: String,
    /// The sender of outgoing mail.
    pub mail_from: String,
    /// Petition signatures one account may make per minute (over all petitions).
    pub sign_per_minute_per_account: u32,
    /// Appeals (complaints included) one account may file per hour: a person's real
    /// correspondence with the state is far below it; a script filing thousands is not.
    pub appeals_per_hour_per_account: u32,
    /// Petition signatures accepted per client address per minute. Generous, because many
    /// people share an address (a campus, a mobile operator's NAT); bursts below it are
    /// flagged for moderators rather than refused.
    pub sign_per_minute_per_address: u32,
    /// Signatures on one petition from one address within 10 minutes beyond which each
    /// further one is flagged for moderators.
    pub flag_address_burst: u32,
    /// Signatures on one petition from accounts younger than `new_account_hours` within 10
    /// minutes beyond which each further one is flagged.
    pub flag_new_account_burst: u32,
    /// An account younger than this counts as new for `flag_new_account_burst`.
    pub new_account_hours: u64,
}

/// A witness this log submits its checkpoints to.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WitnessEndpoint {
    /// The witness's submission prefix: `add-checkpoint` is appended to it.
    pub url: String,
    /// Its cosignature verifier key, as `dauys witness key` prints it.
    pub vkey: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub kk: String,
    pub ru: String,
    pub en: String,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: String::new(),
            max_read_connections: dauys_store::MaxConnections::DEFAULT.get(),
            origin: String::new(),
            deployment_name: Names {
                kk: "Дауыс — ашық тізілім".to_string(),
                ru: "Дауыс — открытый реестр".to_string(),
                en: "Dauys — open ledger".to_string(),
            },
            utc_offset_minutes: 300,
            checkpoint_interval_ms: 250,
            max_batch: 8192,
            queue_capacity: 65_536,
            max_body_bytes: 256 * 1024,
            request_timeout_secs: 30,
            max_connections: 4096,
            header_read_timeout_secs: 10,
            idle_timeout_secs: 30,
            password_hashes_in_flight: 0,
            password_queue_ms: 2000,
            trusted_proxies: Vec::new(),
            log_format: LogFormat::Text,
            public_url: String::new(),
            public_page_cache_ms: 1000,
            log_recheck_interval_secs: 86_400,
            witnesses: Vec::new(),
            witness_quorum: 0,
            witness_refresh_secs: 60,
            contact_email: String::new(),
            vault_master_key_file: PathBuf::new(),
            pseudonym_keys_file: PathBuf::new(),
            first_administrator_email: String::new(),
            session_hours: 12,
            sign_in_per_minute: 10,
            sign_up_per_hour: 20,
            oidc_issuer_url: String::new(),
            oidc_client_id: String::new(),
            oidc_client_secret: String::new(),
            oidc_iin_claim: "iin".to_string(),
            oidc_locality_claim: "locality".to_string(),
            mail_dir: PathBuf::new(),
            smtp_url: String::new(),
            mail_from: "Dauys <noreply@dauys.localhost>".to_string(),
            sign_per_minute_per_account: 30,
            appeals_per_hour_per_account: 20,
            sign_per_minute_per_address: 600,
            flag_address_burst: 20,
            flag_new_account_burst: 50,
            new_account_hours: 24,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Invalid(String),
    #[error("configuration file or environment: {0}")]
    Read(#[from] Box<figment::Error>),
}

impl Config {
    /// Defaults, then the TOML file (if given), then `DAUYS_*` variables.
    pub fn load(file: Option<&std::path::Path>) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError::Invalid(format!("no configuration file at {}", path.display())));
            }
            figment = figment.merge(Toml::file(path));
        }
        let config: Config = figment
            .merge(Env::prefixed("DAUYS_").ignore(&[SECRET_MASTER_KEY_VAR, SECRET_PSEUDONYM_KEYS_VAR]))
            .extract()
            .map_err(Box::new)?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: &str| Err(ConfigError::Invalid(m.to_string()));
        let origin = if self.origin.is_empty() { self.derived_origin() } else { self.origin.clone() };
        if origin.is_empty() || origin.contains(char::is_whitespace) || origin.contains('+') {
            return bad(
                "origin (or, when it is empty, public_url) must not hold spaces or '+', e.g. \"petitions.example.kz\"",
            );
        }
        if self.checkpoint_interval_ms == 0 || self.checkpoint_interval_ms > 1000 {
            return bad("checkpoint_interval_ms must be between 1 and 1000 (a checkpoint at least once a second)");
        }
        if self.max_batch == 0 || self.queue_capacity == 0 {
            return bad("max_batch and queue_capacity must be at least 1");
        }
        if self.max_body_bytes < 1024 {
            return bad("max_body_bytes must be at least 1024");
        }
        if self.request_timeout_secs == 0 || self.header_read_timeout_secs == 0 || self.idle_timeout_secs == 0 {
            return bad("request_timeout_secs, header_read_timeout_secs and idle_timeout_secs must be at least 1");
        }
        if self.max_connections == 0 {
            return bad("max_connections must be at least 1");
        }
        if self.max_read_connections == 0 {
            return bad("max_read_connections must be at least 1");
        }
        if self.public_page_cache_ms > 10_000 {
            return bad("public_page_cache_ms must be at most 10000 (ten seconds)");
        }
        if self.password_queue_ms > 60_000 {
            return bad("password_queue_ms must be at most 60000 (a minute)");
        }
        if self.session_hours == 0 || self.session_hours > 24 * 30 {
            return bad("session_hours must be between 1 and 720");
        }
        if self.appeals_per_hour_per_account == 0 {
            return bad("appeals_per_hour_per_account must be at least 1");
        }
        if self.sign_per_minute_per_account == 0 || self.sign_per_minute_per_address == 0 {
            return bad("sign_per_minute_per_account and sign_per_minute_per_address must be at least 1");
        }
        if self.sign_in_per_minute == 0 || self.sign_up_per_hour == 0 {
            return bad("sign_in_per_minute and sign_up_per_hour must be at least 1");
        }
        if !(-720..=840).contains(&self.utc_offset_minutes) {
            return bad("utc_offset_minutes must be between -720 and 840");
        }
        if self.witness_refresh_secs == 0 {
            return bad("witness_refresh_secs must be at least 1");
        }
        self.witness_policy()?;
        Ok(())
    }

    /// The witnesses' keys and the quorum, checked: every key parses, every URL is http(s),
    /// no witness is named twice, and the quorum can be met. None without witnesses.
    pub fn witness_policy(&self) -> Result<Option<dauys_ledger::WitnessPolicy>, ConfigError> {
        if self.witnesses.is_empty() {
            return match self.witness_quorum {
                0 => Ok(None),
                _ => Err(ConfigError::Invalid("witness_quorum is set but no witnesses are".into())),
            };
        }
        let mut keys = Vec::with_capacity(self.witnesses.len());
        for w in &self.witnesses {
            if !(w.url.starts_with("https://") || w.url.starts_with("http://")) {
                return Err(ConfigError::Invalid(format!(
                    "witness URL {:?} must start with https:// or http://",
                    w.url
                )));
            }
            keys.push(
                dauys_ledger::CosignatureVerifier::from_vkey(&w.vkey)
                    .map_err(|e| ConfigError::Invalid(format!("witness key {:?}: {e}", w.vkey)))?,
            );
        }
        let quorum = if self.witness_quorum == 0 { keys.len() } else { self.witness_quorum };
        dauys_ledger::WitnessPolicy::new(keys, quorum).map(Some).map_err(|e| ConfigError::Invalid(e.to_string()))
    }

    /// [`Config::max_read_connections`] as the store takes it (0 is refused by `validate`).
    pub fn max_read_connections(&self) -> Result<dauys_store::MaxConnections, ConfigError> {
        dauys_store::MaxConnections::new(self.max_read_connections)
            .ok_or_else(|| ConfigError::Invalid("max_read_connections must be at least 1".to_string()))
    }

    /// Where the log lives: the PostgreSQL URL, or the SQLite file in the data directory.
    pub fn database_location(&self) -> String {
        if self.database_url.is_empty() {
            self.data_dir.join("dauys.sqlite3").display().to_string()
        } else {
            self.database_url.clone()
        }
    }

    pub fn vault_master_key_path(&self) -> PathBuf {
        if self.vault_master_key_file.as_os_str().is_empty() {
            self.data_dir.join("vault-master.key")
        } else {
            self.vault_master_key_file.clone()
        }
    }

    pub fn pseudonym_keys_path(&self) -> PathBuf {
        if self.pseudonym_keys_file.as_os_str().is_empty() {
            self.data_dir.join("pseudonym.keys")
        } else {
            self.pseudonym_keys_file.clone()
        }
    }

    pub fn mail_path(&self) -> PathBuf {
        if self.mail_dir.as_os_str().is_empty() {
            self.data_dir.join("mail")
        } else {
            self.mail_dir.clone()
        }
    }

    /// Password hashes computed at once: the configured number, or half the cores. Half,
    /// so that a flood of sign-ins leaves the other half to everything else.
    pub fn password_hash_slots(&self) -> usize {
        if self.password_hashes_in_flight > 0 {
            return self.password_hashes_in_flight;
        }
        std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
    }

    pub fn public_url(&self) -> String {
        if self.public_url.is_empty() {
            format!("http://{}", self.listen)
        } else {
            self.public_url.trim_end_matches('/').to_string()
        }
    }

    /// The origin a new log takes when none is configured: the public URL without its scheme,
    /// the schema-less prefix of `/checkpoint` and `/tile/` (C2SP tlog-tiles).
    pub fn derived_origin(&self) -> String {
        let url = self.public_url();
        url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or(&url).to_string()
    }
}

#[cfg(test)]
// figment::Jail's closures must return figment's own (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn an_origin_derived_from_a_public_url_with_a_plus_is_refused() {
        let config = Config { public_url: "https://a+b.example".into(), ..Config::default() };
        assert!(config.validate().is_err());
        let explicit = Config { origin: "a.example/log".into(), ..config };
        explicit.validate().unwrap();
    }

    #[test]
    fn the_example_file_documents_the_defaults() {
        let example = include_str!("../../../dauys.example.toml");
        let parsed: Config = Figment::from(Toml::string(example)).extract().unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn file_then_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("dauys.toml", "listen = \"127.0.0.1:9000\"\nmax_batch = 10\n")?;
            jail.set_env("DAUYS_MAX_BATCH", "20");
            let c = Config::load(Some(std::path::Path::new("dauys.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c.listen.port(), 9000);
            assert_eq!(c.max_batch, 20);
            Ok(())
        });
    }

    #[test]
    fn unknown_fields_and_bad_values_are_explained() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("a.toml", "lisen = \"127.0.0.1:9000\"\n")?;
            let err = Config::load(Some(std::path::Path::new("a.toml"))).unwrap_err().to_string();
            assert!(err.contains("lisen"), "{err}");
            jail.create_file("b.toml", "checkpoint_interval_ms = 5000\n")?;
            let err = Config::load(Some(std::path::Path::new("b.toml"))).unwrap_err().to_string();
            assert!(err.contains("at least once a second"), "{err}");
            Ok(())
        });
    }
}
