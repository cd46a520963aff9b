//! People in the public record: who is verified (by pseudonym), who holds which role (by
//! account id), the published legal bases for opening personal data, and every opening.
//!
//! Nothing here identifies a person. A verified person appears as a [`Pseudonym`] (a keyed
//! hash of the national identifier computed outside this crate); staff, whose acts are public
//! by law, appear by their opaque [`AccountId`]; the subject of an opening of personal data
//! appears only as a [`Commitment`] that the subject alone can later open.

use crate::{AccountId, BasisCode, BodyId, EventError, LocalizedText, LogIndex, Timestamp};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A person's pseudonym: `ps<version>-<64 lowercase hex>`, the HMAC-SHA-256 of their national
/// identifier under the deployment's pseudonym key of that version (see `dauys-identity`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Pseudonym(String);

impl Pseudonym {
    /// The pseudonym of a 32-byte keyed hash under key `version`.
    pub fn from_digest(version: u16, digest: &[u8; 32]) -> Result<Pseudonym, EventError> {
        if version == 0 {
            return Err(EventError::InvalidPseudonym { value: "version 0".into() });
        }
        Ok(Pseudonym(format!("ps{version}-{}", hex::encode(digest))))
    }

    /// The key version it was derived under.
    pub fn version(&self) -> u16 {
        // Checked at construction.
        self.0[2..self.0.find('-').unwrap_or(self.0.len())].parse().unwrap_or(0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

impl FromStr for Pseudonym {
    type Err = EventError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || EventError::InvalidPseudonym { value: s.chars().take(80).collect() };
        let rest = s.strip_prefix("ps").ok_or_else(bad)?;
        let (version, digest) = rest.split_once('-').ok_or_else(bad)?;
        let canonical_version = !version.is_empty()
            && !version.starts_with('0')
            && version.bytes().all(|c| c.is_ascii_digit())
            && version.parse::<u16>().is_ok();
        if !canonical_version || !check_hex64(digest) {
            return Err(bad());
        }
        Ok(Pseudonym(s.to_owned()))
    }
}

/// A SHA-256 digest, written as 64 lowercase hex characters: the commitment to the subject of
/// an opening of personal data, to a sealed text, or the digest of a file. Held as its 32
/// bytes (half the room of its text, and no allocation of its own), ordered as its text is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Commitment([u8; 32]);

impl Commitment {
    pub fn from_digest(digest: &[u8; 32]) -> Commitment {
        Commitment(*digest)
    }

    pub fn digest(&self) -> &[u8; 32] {
        &self.0
    }

    /// The 64 hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl FromStr for Commitment {
    type Err = EventError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || EventError::InvalidDigest { value: s.chars().take(80).collect() };
        if !check_hex64(s) {
            return Err(bad());
        }
        let mut digest = [0u8; 32];
        hex::decode_to_slice(s, &mut digest).map_err(|_| bad())?;
        Ok(Commitment(digest))
    }
}

macro_rules! string_forms {
    ($($name:ident),*) => {$(
        impl TryFrom<String> for $name {
            type Error = EventError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.to_string()
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&String::from(self.as_str()))
            }
        }
    )*};
}
string_forms!(Pseudonym);

impl TryFrom<String> for Commitment {
    type Error = EventError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Commitment> for String {
    fn from(c: Commitment) -> String {
        c.to_hex()
    }
}

impl fmt::Display for Commitment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Kazakhstan's first-level administrative units: 17 regions (oblys) and 3 cities of
/// republican significance, as of the 2022 reform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Region {
    Abai,
    Akmola,
    Aktobe,
    AlmatyRegion,
    Atyrau,
    EastKazakhstan,
    Jambyl,
    Jetisu,
    Karaganda,
    Kostanay,
    Kyzylorda,
    Mangystau,
    NorthKazakhstan,
    Pavlodar,
    Turkistan,
    Ulytau,
    WestKazakhstan,
    Astana,
    AlmatyCity,
    Shymkent,
}

impl Region {
    pub const ALL: [Region; 20] = [
        Region::Abai,
        Region::Akmola,
        Region::Aktobe,
        Region::AlmatyRegion,
        Region::Atyrau,
        Region::EastKazakhstan,
        Region::Jambyl,
        Region::Jetisu,
        Region::Karaganda,
        Region::Kostanay,
        Region::Kyzylorda,
        Region::Mangystau,
        Region::NorthKazakhstan,
        Region::Pavlodar,
        Region::Turkistan,
        Region::Ulytau,
        Region::WestKazakhstan,
        Region::Astana,
        Region::AlmatyCity,
        Region::Shymkent,
    ];

    /// The code used in localities, e.g. `almaty-city`.
    pub fn code(&self) -> &'static str {
        self.describe().0
    }

    fn as_str(&self) -> &'static str {
        self.code()
    }

    /// The region's name in Kazakh, Russian and English.
    pub fn name(&self) -> LocalizedText {
        let (_, kk, ru, en) = self.describe();
        LocalizedText::new(kk, ru, en)
    }

    fn describe(&self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Region::Abai => ("abai", "Абай облысы", "Абайская область", "Abai Region"),
            Region::Akmola => ("akmola", "Ақмола облысы", "Акмолинская область", "Akmola Region"),
            Region::Aktobe => ("aktobe", "Ақтөбе облысы", "Актюбинская область", "Aktobe Region"),
            Region::AlmatyRegion => ("almaty-region", "Алматы облысы", "Алматинская область", "Almaty Region"),
            Region::Atyrau => ("atyrau", "Атырау облысы", "Атырауская область", "Atyrau Region"),
            Region::EastKazakhstan => (
                "east-kazakhstan",
                "Шығыс Қазақстан облысы",
                "Восточно-Казахстанская область",
                "East Kazakhstan Region",
            ),
            Region::Jambyl => ("jambyl", "Жамбыл облысы", "Жамбылская область", "Jambyl Region"),
            Region::Jetisu => ("jetisu", "Жетісу облысы", "Область Жетісу", "Jetisu Region"),
            Region::Karaganda => ("karaganda", "Қарағанды облысы", "Карагандинская область", "Karaganda Region"),
            Region::Kostanay => ("kostanay", "Қостанай облысы", "Костанайская область", "Kostanay Region"),
            Region::Kyzylorda => ("kyzylorda", "Қызылорда облысы", "Кызылординская область", "Kyzylorda Region"),
            Region::Mangystau => ("mangystau", "Маңғыстау облысы", "Мангистауская область", "Mangystau Region"),
            Region::NorthKazakhstan => (
                "north-kazakhstan",
                "Солтүстік Қазақстан облысы",
                "Северо-Казахстанская область",
                "North Kazakhstan Region",
            ),
            Region::Pavlodar => ("pavlodar", "Павлодар облысы", "Павлодарская область", "Pavlodar Region"),
            Region::Turkistan => ("turkistan", "Түркістан облысы", "Туркестанская область", "Turkistan Region"),
            Region::Ulytau => ("ulytau", "Ұлытау облысы", "Область Улытау", "Ulytau Region"),
            Region::WestKazakhstan => {
                ("west-kazakhstan", "Батыс Қазақстан облысы", "Западно-Казахстанская область", "West Kazakhstan Region")
            }
            Region::Astana => ("astana", "Астана қаласы", "город Астана", "Astana"),
            Region::AlmatyCity => ("almaty-city", "Алматы қаласы", "город Алматы", "Almaty"),
            Region::Shymkent => ("shymkent", "Шымкент қаласы", "город Шымкент", "Shymkent"),
        }
    }
}

impl FromStr for Region {
    type Err = EventError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| EventError::UnknownRegion { value: s.chars().take(80).collect() })
    }
}

string_forms!(Region);

/// Where a person lives, as far as the rules need it: a region and, optionally, a district or
/// town within it. Written `region` or `region/district`, e.g. `akmola/kokshetau`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Locality {
    pub region: Region,
    pub district: Option<crate::DistrictId>,
}

impl Locality {
    fn as_str(&self) -> String {
        match &self.district {
            Some(d) => format!("{}/{d}", self.region.code()),
            None => self.region.code().to_owned(),
        }
    }

    /// Is `self` inside `territory` (the same region, and the same district if the territory
    /// names one)?
    pub fn is_within(&self, territory: &Locality) -> bool {
        self.region == territory.region && territory.district.as_ref().is_none_or(|d| self.district.as_ref() == Some(d))
    }
}

impl FromStr for Locality {
    type Err = EventError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (region, district) = match s.split_once('/') {
            Some((r, d)) => (r, Some(d.parse()?)),
            None => (s, None),
        };
        Ok(Locality { region: region.parse()?, district })
    }
}
string_forms!(Locality);

/// What a person may do in Dauys. Citizens need no grant: every signed-in person is one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Citizen,
    Moderator,
    Official,
    Head,
    Auditor,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Citizen, Role::Moderator, Role::Official, Role::Head, Role::Auditor, Role::Administrator];

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Moderator => "moderator",
            Role::Official => "official",
            Role::Head => "head",
            Role::Auditor => "auditor",
            Role::Administrator => "administrator",
        }
    }

    /// Officials and heads act for a body; the others act for the deployment.
    pub fn needs_body(&self) -> bool {
        matches!(self, Role::Official | Role::Head)
    }

    /// A moderator may belong to the body that moderates; the others never belong to one.
    fn may_have_body(&self) -> bool {
        matches!(self, Role::Official | Role::Head | Role::Moderator)
    }
}

impl FromStr for Role {
    type Err = EventError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| EventError::UnknownRole { value: s.chars().take(40).collect() })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a person's identity was established.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationMethod {
    /// By an OpenID Connect identity provider (e.g. the national eGov ID).
    Oidc,
    /// By a one-time code sent to a person listed in an imported census or registry file.
    Registry,
    /// By an administrator who saw the person's documents.
    Manual,
}

impl VerificationMethod {
    /// Registry and manual verifications are acts of an administrator, who is named.
    pub fn needs_administrator(&self) -> bool {
        !matches!(self, VerificationMethod::Oidc)
    }
}

/// Which secret key was rotated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    /// The key of the pseudonyms' keyed hash.
    Pseudonym,
    /// The master key that wraps every person's data key.
    VaultMaster,
}

impl KeyKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            KeyKind::Pseudonym => "pseudonym",
            KeyKind::VaultMaster => "vault_master",
        }
    }
}

/// A legal basis on which an official may open a person's personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessBasis {
    pub code: BasisCode,
    /// The basis as the citizen reads it, e.g. the article of the law.
    pub name: LocalizedText,
    /// Days after an opening before the subject is shown it (0: at once). Restricted bases,
    /// such as a criminal investigation, delay the notice; they never hide the event.
    pub disclosure_delay_days: u16,
}

impl AccessBasis {
    /// Ten years: the longest delay a basis may set.
    pub const MAX_DISCLOSURE_DELAY_DAYS: u16 = 3650;
}

/// One line of public free text written by an official (a purpose, a case reference).
pub(crate) fn validate_line(field: &'static str, s: &str, max: usize) -> Result<(), EventError> {
    if s.trim().is_empty() {
        return Err(EventError::EmptyField { field });
    }
    let actual = s.chars().count();
    if actual > max {
        return Err(EventError::FieldTooLong { field, max, actual });
    }
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Err(EventError::ControlCharacterIn { field, code: u32::from(c) });
    }
    Ok(())
}

pub(crate) fn validate_grant_shape(role: Role, body: Option<&BodyId>) -> Result<(), EventError> {
    match body {
        None if role.needs_body() => Err(EventError::BodyRequired { role: role.as_str() }),
        Some(_) if !role.may_have_body() => Err(EventError::BodyNotAllowed { role: role.as_str() }),
        _ => Ok(()),
    }
}

pub(crate) fn validate_bases(bases: &[AccessBasis]) -> Result<(), EventError> {
    if bases.is_empty() {
        return Err(EventError::EmptyField { field: "bases" });
    }
    for (i, basis) in bases.iter().enumerate() {
        basis.name.validate(crate::text::TextUse::Name)?;
        if basis.disclosure_delay_days > AccessBasis::MAX_DISCLOSURE_DELAY_DAYS {
            return Err(EventError::DisclosureDelayTooLong {
                days: basis.disclosure_delay_days,
                max: AccessBasis::MAX_DISCLOSURE_DELAY_DAYS,
            });
        }
        if bases[..i].iter().any(|b| b.code == basis.code) {
            return Err(EventError::DuplicateBasis { code: basis.code.to_string() });
        }
    }
    Ok(())
}

/// A verified person in the public state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifiedPerson {
    pub person: Pseudonym,
    pub locality: Locality,
    pub method: VerificationMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<AccountId>,
    pub verified_at: Timestamp,
    pub index: LogIndex,
}

/// One role held by a staff account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodyId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<AccountId>,
    /// The name and position the holder acts under in public, if the grant gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub granted_at: Timestamp,
    pub index: LogIndex,
}

/// The roles a staff account holds, in the order granted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staff {
    pub account: AccountId,
    pub grants: Vec<Grant>,
}

impl Staff {
    pub fn holds(&self, role: Role, body: Option<&BodyId>) -> bool {
        self.grants.iter().any(|g| g.role == role && g.body.as_ref() == body)
    }

    /// The name the holder acts under in public: the one their latest grant that names them gave.
    pub fn public_name(&self) -> Option<&str> {
        self.grants.iter().rev().find_map(|g| g.name.as_deref())
    }
}

/// The legal bases in force, from the latest `access_bases.published`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessBases {
    pub bases: Vec<AccessBasis>,
    pub published_at: Timestamp,
    pub index: LogIndex,
}

/// One opening of a person's personal data by an official.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataOpening {
    pub subject: Commitment,
    pub body: BodyId,
    pub official: AccountId,
    pub basis: BasisCode,
    pub purpose: String,
    pub case: String,
    pub opened_at: Timestamp,
    /// When the subject is shown it: `opened_at` plus the basis's disclosure delay.
    pub disclosed_from: Timestamp,
    pub index: LogIndex,
}

/// The latest rotation of a key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyVersion {
    pub key: KeyKind,
    pub version: u16,
    pub by: AccountId,
    pub rotated_at: Timestamp,
    pub index: LogIndex,
}

/// Maximum characters of an opening's stated purpose.
pub const MAX_PURPOSE_CHARS: usize = 300;
/// Maximum characters of a case reference.
pub const MAX_CASE_CHARS: usize = 100;
/// Longest name and position a role grant may give its holder.
pub const MAX_STAFF_NAME_CHARS: usize = 120;
