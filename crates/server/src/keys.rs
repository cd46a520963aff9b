//! The log's signing key and the API token: created on first run in the data directory,
//! readable only by the server's user (0600), never stored in the database.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use dauys_ledger::NoteSigner;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a valid signing key: {reason}")]
    Invalid { path: PathBuf, reason: String },
    #[error("{path} is readable by other users (mode {mode:o}); run `chmod 600 {path}`")]
    Exposed { path: PathBuf, mode: u32 },
    #[error("the signing key in {path} is named {key_name:?} but the configured origin is {origin:?}; the origin of a log never changes — restore the old origin or start a new log in a new data directory")]
    OriginMismatch { path: PathBuf, key_name: String, origin: String },
    #[error("no random numbers from the operating system: {0}")]
    Random(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io { path: path.to_path_buf(), source }
}

/// Creates a directory (and any missing parent) that only the server's user may list or
/// enter (0700), or takes group and other permissions off an existing one, with a warning
/// that says what changed. For the data directory, which holds the keys and the databases,
/// and the mail spool: nobody else on the machine has a reason to look inside.
///
/// A directory the server may not change (another user's) stays as it is, with a warning
/// saying how to fix it: the files inside are created 0600 all the same.
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    fs::DirBuilder::new().recursive(true).mode(0o700).create(path)?;
    dauys_store::restrict_to_owner(path);
    Ok(())
}

pub fn signing_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join("log-signing.key")
}

pub fn api_token_path(data_dir: &Path) -> PathBuf {
    data_dir.join("api.token")
}

fn random_bytes<const N: usize>() -> Result<[u8; N], KeyError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(bytes)
}

/// Writes a secret file that did not exist, with mode 0600 from the start (no window in
/// which another user could read it).
fn create_secret(path: &Path, contents: &str) -> Result<(), KeyError> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let mut f = fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(io(path))?;
    f.write_all(contents.as_bytes()).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

fn read_secret(path: &Path) -> Result<String, KeyError> {
    let mode = fs::metadata(path).map_err(io(path))?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyError::Exposed { path: path.to_path_buf(), mode });
    }
    Ok(fs::read_to_string(path).map_err(io(path))?.trim().to_string())
}

/// Loads the log's signing key, creating it on first run with `origin` as its name.
pub fn load_or_create_signer(data_dir: &Path, origin: &str) -> Result<NoteSigner, KeyError> {
    let path = signing_key_path(data_dir);
    if !path.exists() {
        let signer = NoteSigner::from_seed(origin, random_bytes::<32>()?)
            .map_err(|e| KeyError::Invalid { path: path.clone(), reason: e.to_string() })?;
        create_secret(&path, &format!("{}\n", signer.to_skey()))?;
        tracing::info!(path = %path.display(), vkey = %signer.vkey(), "created the log's signing key");
    }
    let signer = load_signer(data_dir)?;
    if signer.name() != origin {
        return Err(KeyError::OriginMismatch { path, key_name: signer.name().to_string(), origin: origin.to_string() });
    }
    Ok(signer)
}

/// The log's origin: as configured; else the name of the key it already signs with (a log
/// keeps its origin for good, even if its URL changes); else, for a new log, the public URL
/// without its scheme.
pub fn resolve_origin(config: &crate::config::Config) -> Result<String, KeyError> {
    if !config.origin.is_empty() {
        return Ok(config.origin.clone());
    }
    if signing_key_path(&config.data_dir).exists() {
        return Ok(load_signer(&config.data_dir)?.name().to_string());
    }
    Ok(config.derived_origin())
}

/// Loads an existing signing key (for `dauys key`).
pub fn load_signer(data_dir: &Path) -> Result<NoteSigner, KeyError> {
    let path = signing_key_path(data_dir);
    let skey = read_secret(&path)?;
    NoteSigner::from_skey(&skey).map_err(|e| KeyError::Invalid { path, reason: e.to_string() })
}

/// Loads the bearer token that authorises event submission, creating it on first run.
pub fn load_or_create_api_token(data_dir: &Path) -> Result<String, KeyError> {
    let path = api_token_path(data_dir);
    if !path.exists() {
        let token: String = random_bytes::<32>()?.iter().map(|b| format!("{b:02x}")).collect();
        create_secret(&path, &format!("{token}\n"))?;
    }
    read_secret(&path)
}

/// The secret from the environment variable `DAUYS_<var>` if set, else from `path`,
/// created with `generate` on first run.
fn secret_from_env_or_file(var: &str, path: &Path, generate: impl FnOnce() -> String) -> Result<String, KeyError> {
    if let Ok(value) = std::env::var(format!("DAUYS_{var}")) {
        return Ok(value);
    }
    if !path.exists() {
        create_secret(path, &generate())?;
        tracing::info!(path = %path.display(), "created a secret key; keep it outside the database and its backups");
    }
    read_secret(path)
}

/// Replaces a secret file atomically (write a new 0600 file beside it, then rename), so a
/// crash leaves the old or the new key, never half of one.
pub fn replace_secret(path: &Path, contents: &str) -> Result<(), KeyError> {
    let temporary = path.with_extension("new");
    let _ = fs::remove_file(&temporary);
    create_secret(&temporary, contents)?;
    fs::rename(&temporary, path).map_err(io(path))
}

/// The vault's master key and the pseudonym key ring (see `dauys-identity`).
pub fn load_or_create_people_keys(config: &crate::config::Config) -> Result<crate::people::PeopleKeys, KeyError> {
    use dauys_identity::pseudonym::PseudonymKeyRing;
    use dauys_identity::vault::MasterKey;
    let master_path = config.vault_master_key_path();
    let text = secret_from_env_or_file(crate::config::SECRET_MASTER_KEY_VAR, &master_path, || {
        MasterKey::generate_text().to_string()
    })?;
    let master =
        MasterKey::parse(&text).map_err(|e| KeyError::Invalid { path: master_path.clone(), reason: e.to_string() })?;
    let ring_path = config.pseudonym_keys_path();
    let from_env = std::env::var(format!("DAUYS_{}", crate::config::SECRET_PSEUDONYM_KEYS_VAR)).is_ok();
    let text = secret_from_env_or_file(crate::config::SECRET_PSEUDONYM_KEYS_VAR, &ring_path, || {
        PseudonymKeyRing::generate_text().to_string()
    })?;
    let pseudonyms = PseudonymKeyRing::parse(&text)
        .map_err(|e| KeyError::Invalid { path: ring_path.clone(), reason: e.to_string() })?;
    let pseudonym_ring_path = (!from_env).then_some(ring_path);
    Ok(crate::people::PeopleKeys { master, pseudonyms, pseudonym_ring_path })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_created_once_private_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let a = load_or_create_signer(dir.path(), "test.example/log").unwrap();
        let mode = fs::metadata(signing_key_path(dir.path())).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let b = load_or_create_signer(dir.path(), "test.example/log").unwrap();
        assert_eq!(a.vkey(), b.vkey());
        assert!(matches!(load_or_create_signer(dir.path(), "other.example/log"), Err(KeyError::OriginMismatch { .. })));
    }

    #[test]
    fn a_new_log_takes_its_origin_from_the_public_url_and_an_old_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = crate::config::Config {
            data_dir: dir.path().to_path_buf(),
            public_url: "https://petitions.example.kz/".into(),
            ..Default::default()
        };
        assert_eq!(resolve_origin(&config).unwrap(), "petitions.example.kz");
        load_or_create_signer(dir.path(), &resolve_origin(&config).unwrap()).unwrap();
        // The site moves: the log it has keeps its origin.
        config.public_url = "https://dauys.example.kz/petitions".into();
        assert_eq!(config.derived_origin(), "dauys.example.kz/petitions");
        assert_eq!(resolve_origin(&config).unwrap(), "petitions.example.kz");
        // One configured explicitly wins, and must match the key.
        config.origin = "elsewhere.example/log".into();
        assert!(matches!(
            load_or_create_signer(dir.path(), &resolve_origin(&config).unwrap()),
            Err(KeyError::OriginMismatch { .. })
        ));
        let fresh = tempfile::tempdir().unwrap();
        let laptop = crate::config::Config { data_dir: fresh.path().to_path_buf(), ..Default::default() };
        assert_eq!(resolve_origin(&laptop).unwrap(), laptop.listen.to_string());
    }

    #[test]
    fn private_directories_are_created_and_tightened() {
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let data = dir.path().join("var").join("data");
        create_private_dir(&data).unwrap();
        assert_eq!(mode(&data), 0o700);
        // An existing directory open to others (as older versions created it) is tightened.
        fs::set_permissions(&data, fs::Permissions::from_mode(0o755)).unwrap();
        create_private_dir(&data).unwrap();
        assert_eq!(mode(&data), 0o700);
        fs::set_permissions(&data, fs::Permissions::from_mode(0o770)).unwrap();
        create_private_dir(&data).unwrap();
        assert_eq!(mode(&data), 0o700);
    }

    #[test]
    fn an_exposed_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        load_or_create_signer(dir.path(), "test.example/log").unwrap();
        let path = signing_key_path(dir.path());
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(load_signer(dir.path()), Err(KeyError::Exposed { .. })));
    }

    #[test]
    fn token_is_random_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let t = load_or_create_api_token(dir.path()).unwrap();
        assert_eq!(t.len(), 64);
        assert_eq!(t, load_or_create_api_token(dir.path()).unwrap());
    }
}
