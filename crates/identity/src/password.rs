//! Password hashing for local accounts: Argon2id (RFC 9106) in PHC string form.
//!
//! Local accounts serve small deployments without a national identity provider. A stored
//! hash is a PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, so it carries
//! its own parameters: raising [`PasswordParams`] later does not break existing hashes.

use crate::key_text::fill_random;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, ParamsBuilder, Version};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// The shortest password accepted, in characters (not bytes: `әкімдік` is 7).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest password accepted, in bytes of UTF-8. Far above any pass phrase; it bounds the
/// work an attacker can ask of the server.
pub const MAX_PASSWORD_BYTES: usize = 1024;

const ALGORITHM: Algorithm = Algorithm::Argon2id;
const VERSION: Version = Version::V0x13;
const SALT_BYTES: usize = 16;
const HASH_BYTES: usize = 32;

/// Argon2id cost parameters.
///
/// The default is OWASP's first recommended configuration (Password Storage Cheat Sheet):
/// 19 MiB of memory, 2 passes, 1 lane. It keeps a login near 20–40 ms on one core of a small
/// server while making each guess cost an attacker 19 MiB of memory bandwidth, which is what
/// defeats GPU cracking. A single-threaded server can then check about 25–50 passwords a
/// second per core, so the sign-in endpoint needs rate limiting either way. Raise the memory
/// before the passes when hardware allows: memory is what the attacker lacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordParams {
    /// Memory per hash in KiB (1024 bytes); at least 8 per lane.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes (computed one after another here; they change the result, not the speed).
    pub parallelism: u32,
}

impl PasswordParams {
    /// OWASP: m = 19 MiB, t = 2, p = 1.
    pub const OWASP: PasswordParams = PasswordParams { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 };
    /// The most memory a stored hash may ask for (1 GiB), so a tampered row cannot make one
    /// sign-in allocate gigabytes.
    pub const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    /// The most passes a stored hash may ask for.
    pub const MAX_ITERATIONS: u32 = 64;
    /// The most lanes a stored hash may ask for.
    pub const MAX_PARALLELISM: u32 = 16;

    /// The argon2 crate's parameters for a 32-byte hash.
    fn builder(&self) -> Result<ParamsBuilder, PasswordError> {
        check_cost(self.memory_kib, self.iterations, self.parallelism)?;
        let mut builder = ParamsBuilder::new();
        builder.m_cost(self.memory_kib).t_cost(self.iterations).p_cost(self.parallelism).output_len(HASH_BYTES);
        Ok(builder)
    }

    fn argon2(&self) -> Result<Argon2<'static>, PasswordError> {
        let params = self.builder()?.build().map_err(|e| PasswordError::Params { reason: e.to_string() })?;
        Ok(Argon2::new(ALGORITHM, VERSION, params))
    }
}

impl Default for PasswordParams {
    fn default() -> PasswordParams {
        PasswordParams::OWASP
    }
}

/// Why a password or stored hash was refused. Messages never repeat the password.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("a password needs at least {min_chars} characters; this one has {chars}")]
    TooShort { min_chars: usize, chars: usize },
    #[error("a password may have at most {max_bytes} bytes")]
    TooLong { max_bytes: usize },
    #[error("invalid password hashing parameters: {reason}")]
    Params { reason: String },
    #[error("the stored password hash is not a well-formed PHC string")]
    MalformedHash,
    #[error("the stored password hash is not Argon2id version 19, the only kind this version checks")]
    UnsupportedHash,
    #[error(
        "the stored password hash asks for more than {} KiB, {} passes or {} lanes",
        PasswordParams::MAX_MEMORY_KIB,
        PasswordParams::MAX_ITERATIONS,
        PasswordParams::MAX_PARALLELISM
    )]
    HashCostTooHigh,
}

impl PasswordError {
    /// A stable code for logs and problem details.
    pub fn code(&self) -> &'static str {
        match self {
            PasswordError::TooShort { .. } => "password-too-short",
            PasswordError::TooLong { .. } => "password-too-long",
            PasswordError::Params { .. } => "password-params",
            PasswordError::MalformedHash => "password-hash-malformed",
            PasswordError::UnsupportedHash => "password-hash-unsupported",
            PasswordError::HashCostTooHigh => "password-hash-cost",
        }
    }
}

/// The policy for a newly chosen password: at least [`MIN_PASSWORD_CHARS`] characters and at
/// most [`MAX_PASSWORD_BYTES`] bytes. Length is what makes a password strong; composition
/// rules ("one digit, one capital") only make people write them down.
pub fn check_password_policy(password: &str) -> Result<(), PasswordError> {
    check_size(password)?;
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort { min_chars: MIN_PASSWORD_CHARS, chars });
    }
    Ok(())
}

/// Hashes `password` with a random 16-byte salt into a PHC string. Does not apply the policy
/// (call [`check_password_policy`] when a person chooses a password); refuses only passwords
/// over [`MAX_PASSWORD_BYTES`].
pub fn hash_password(params: &PasswordParams, password: &str) -> Result<String, PasswordError> {
    check_size(password)?;
    let argon2 = params.argon2()?;
    let mut salt = [0u8; SALT_BYTES];
    fill_random(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordError::Params { reason: e.to_string() })?;
    let hash = argon2
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| PasswordError::Params { reason: e.to_string() })?;
    Ok(hash.to_string())
}

/// Whether `password` matches the stored PHC string `phc`. `Ok(false)` for a wrong password;
/// an error only for a stored hash this crate cannot check or an over-long password.
pub fn verify_password(phc: &str, password: &str) -> Result<bool, PasswordError> {
    check_size(password)?;
    let stored = PasswordHash::new(phc).map_err(|_| PasswordError::MalformedHash)?;
    if stored.algorithm != ALGORITHM.ident() || stored.version != Some(u32::from(VERSION)) {
        return Err(PasswordError::UnsupportedHash);
    }
    let params = argon2::Params::try_from(&stored).map_err(|_| PasswordError::MalformedHash)?;
    check_cost(params.m_cost(), params.t_cost(), params.p_cost()).map_err(|_| PasswordError::HashCostTooHigh)?;
    let (Some(salt), Some(expected)) = (stored.salt, stored.hash) else {
        return Err(PasswordError::MalformedHash);
    };
    let mut salt_buffer = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_buffer).map_err(|_| PasswordError::MalformedHash)?;
    let mut computed = Zeroizing::new(vec![0u8; expected.len()]);
    Argon2::new(ALGORITHM, VERSION, params)
        .hash_password_into(password.as_bytes(), salt, &mut computed)
        .map_err(|_| PasswordError::MalformedHash)?;
    Ok(computed.ct_eq(expected.as_bytes()).into())
}

/// Spends the time of a [`verify_password`] against a hash made with `params`, and answers
/// like a wrong password: `Ok(false)`, or the same error for an over-long password.
///
/// Call it when no account has the name given at sign-in, so the response time does not
/// reveal which accounts exist. Pass the params new hashes are made with.
pub fn verify_against_dummy(params: &PasswordParams, password: &str) -> Result<bool, PasswordError> {
    check_size(password)?;
    const DUMMY_SALT: [u8; SALT_BYTES] = *b"dauys/no-account";
    let mut computed = Zeroizing::new([0u8; HASH_BYTES]);
    params
        .argon2()?
        .hash_password_into(password.as_bytes(), &DUMMY_SALT, &mut computed[..])
        .map_err(|e| PasswordError::Params { reason: e.to_string() })?;
    // Compared like a real hash; `black_box` keeps the work from being optimised away.
    std::hint::black_box(bool::from(computed.ct_eq(&[0u8; HASH_BYTES])));
    Ok(false)
}

fn check_size(password: &str) -> Result<(), PasswordError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong { max_bytes: MAX_PASSWORD_BYTES });
    }
    Ok(())
}

fn check_cost(memory_kib: u32, iterations: u32, parallelism: u32) -> Result<(), PasswordError> {
    if memory_kib > PasswordParams::MAX_MEMORY_KIB
        || iterations > PasswordParams::MAX_ITERATIONS
        || parallelism > PasswordParams::MAX_PARALLELISM
    {
        return Err(PasswordError::Params {
            reason: format!(
                "at most {} KiB, {} passes and {} lanes",
                PasswordParams::MAX_MEMORY_KIB,
                PasswordParams::MAX_ITERATIONS,
                PasswordParams::MAX_PARALLELISM
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::AssociatedData;

    /// Small parameters keep the tests fast; the code path is the same.
    const FAST: PasswordParams = PasswordParams { memory_kib: 64, iterations: 1, parallelism: 1 };

    /// RFC 9106 §5.3: Argon2id, m = 32 KiB, t = 3, p = 4, 32-byte tag, password 32 × 0x01,
    /// salt 16 × 0x02, secret 8 × 0x03, associated data 12 × 0x04. Built from our params,
    /// algorithm and version; the test adds only the secret and associated data, which
    /// passwords do not use.
    #[test]
    fn argon2id_rfc9106_vector() {
        let ours = PasswordParams { memory_kib: 32, iterations: 3, parallelism: 4 };
        let params = ours.builder().unwrap().data(AssociatedData::new(&[0x04; 12]).unwrap()).build().unwrap();
        let argon2 = Argon2::new_with_secret(&[0x03; 8], ALGORITHM, VERSION, params).unwrap();
        let mut tag = [0u8; HASH_BYTES];
        argon2.hash_password_into(&[0x01; 32], &[0x02; 16], &mut tag).unwrap();
        assert_eq!(hex::encode(tag), "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    }

    #[test]
    fn default_is_owasp() {
        let phc = hash_password(&PasswordParams::default(), "correct horse battery staple").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password(&phc, "correct horse battery staple").unwrap());
    }

    #[test]
    fn round_trip_and_wrong_password() {
        let phc = hash_password(&FAST, "Қазақстан-2026!").unwrap();
        assert!(verify_password(&phc, "Қазақстан-2026!").unwrap());
        assert!(!verify_password(&phc, "Қазақстан-2026?").unwrap());
        assert!(!verify_password(&phc, "").unwrap());
        // A fresh salt each time.
        assert_ne!(hash_password(&FAST, "same password").unwrap(), hash_password(&FAST, "same password").unwrap());
    }

    #[test]
    fn verifies_hashes_from_other_argon2id_implementations() {
        // Made by the argon2 crate's own PasswordHasher with its defaults (the same format
        // libsodium and the reference `argon2` command print).
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let phc = Argon2::default().hash_password(b"password123", &salt).unwrap().to_string();
        assert!(verify_password(&phc, "password123").unwrap());
        assert!(!verify_password(&phc, "password124").unwrap());
    }

    #[test]
    fn malformed_and_unsupported_hashes_are_typed_errors() {
        let phc = hash_password(&FAST, "a long enough password").unwrap();
        let cases = [
            ("", "password-hash-malformed"),
            ("not a phc string", "password-hash-malformed"),
            ("$argon2id$v=19$m=64,t=1,p=1$", "password-hash-malformed"),
            ("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0", "password-hash-malformed"), // no hash
            ("$argon2id$v=19$m=64,t=1,p=1,x=3$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "password-hash-malformed"),
            ("$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "password-hash-unsupported"),
            ("$argon2id$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "password-hash-unsupported"),
            ("$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "password-hash-unsupported"),
            ("$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "password-hash-cost"),
            ("$argon2id$v=19$m=64,t=1000,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "password-hash-cost"),
        ];
        for (stored, code) in cases {
            assert_eq!(verify_password(stored, "whatever").unwrap_err().code(), code, "{stored:?}");
        }
        let truncated = &phc[..phc.len() - 5];
        assert!(!matches!(verify_password(truncated, "a long enough password"), Ok(true)));
    }

    #[test]
    fn dummy_verification_answers_like_a_wrong_password() {
        assert!(!verify_against_dummy(&FAST, "any password at all").unwrap());
        assert!(!verify_against_dummy(&FAST, "").unwrap());
        let long = "x".repeat(MAX_PASSWORD_BYTES + 1);
        assert_eq!(verify_against_dummy(&FAST, &long).unwrap_err(), verify_password("", &long).unwrap_err());
    }

    #[test]
    fn policy_counts_characters_and_bounds_bytes() {
        assert_eq!(
            check_password_policy("short").unwrap_err(),
            PasswordError::TooShort { min_chars: MIN_PASSWORD_CHARS, chars: 5 }
        );
        // Nine Kazakh letters are 18 bytes but still too short; ten are enough.
        assert_eq!(check_password_policy("әәәәәәәәә").unwrap_err().code(), "password-too-short");
        assert!(check_password_policy("әәәәәәәәәә").is_ok());
        assert!(check_password_policy("0123456789").is_ok());
        assert!(check_password_policy(&"a".repeat(MAX_PASSWORD_BYTES)).is_ok());
        // 513 two-byte letters: 513 characters but 1026 bytes.
        let e = check_password_policy(&"ә".repeat(513)).unwrap_err();
        assert_eq!(e, PasswordError::TooLong { max_bytes: MAX_PASSWORD_BYTES });
        assert_eq!(e.code(), "password-too-long");
        assert_eq!(hash_password(&FAST, &"a".repeat(MAX_PASSWORD_BYTES + 1)).unwrap_err().code(), "password-too-long");
    }

    #[test]
    fn bad_params_are_typed_errors() {
        let too_little = PasswordParams { memory_kib: 4, iterations: 1, parallelism: 1 };
        assert_eq!(hash_password(&too_little, "a long enough password").unwrap_err().code(), "password-params");
        let too_much = PasswordParams { memory_kib: PasswordParams::MAX_MEMORY_KIB + 1, ..FAST };
        assert_eq!(hash_password(&too_much, "a long enough password").unwrap_err().code(), "password-params");
        let no_passes = PasswordParams { iterations: 0, ..FAST };
        assert_eq!(verify_against_dummy(&no_passes, "x").unwrap_err().code(), "password-params");
    }
}
