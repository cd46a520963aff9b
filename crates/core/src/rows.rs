//! Projection keys: the names of the rows a database caches of the public state.
//!
//! A key is a namespace and an id (`petition/p-1`, `signature/p-1/ps1-…`) or a single name
//! (`meta`). The capability that owns a kind of row declares its [`RowPrefix`] and the
//! constructors of its keys; nothing else builds one, so a key the server looks up is always
//! one the state writes.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::canonical::to_canonical;
use crate::RuleError;

/// The key of one projection row. Its text is what the store keeps, so it never changes for
/// rows an earlier build wrote.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowKey(String);

/// The namespace of one kind of row, e.g. `body/`: every key of that kind starts with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowPrefix(&'static str);

impl RowPrefix {
    pub(crate) const fn new(prefix: &'static str) -> RowPrefix {
        RowPrefix(prefix)
    }

    /// The text every key of this kind starts with, for listing them from a store.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    pub(crate) fn key(self, id: impl fmt::Display) -> RowKey {
        RowKey(format!("{}{id}", self.0))
    }

    /// The id part of `key`, if `key` is of this kind.
    pub(crate) fn id_in(self, key: &str) -> Option<&str> {
        key.strip_prefix(self.0)
    }
}

impl RowKey {
    /// A row that exists at most once, such as `meta`.
    pub(crate) fn single(name: &'static str) -> RowKey {
        RowKey(name.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for RowKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for RowKey {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for RowKey {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

pub(crate) fn invalid_row(key: &str, reason: impl Into<String>) -> RuleError {
    RuleError::InvalidRow { key: key.to_owned(), reason: reason.into() }
}

/// A row's canonical JSON: the same state always gives the same bytes.
pub(crate) fn row_json<T: Serialize>(v: &T) -> String {
    let value = match serde_json::to_value(v) {
        Ok(v) => v,
        // Row types hold only strings, integers, arrays and string-keyed maps.
        Err(e) => unreachable!("row serialization cannot fail: {e}"),
    };
    match to_canonical(&value) {
        Ok(s) => s,
        Err(e) => unreachable!("rows contain no floats (found one at {})", e.path),
    }
}

/// Parses a row, accepting only its canonical form, so a rebuilt state re-emits
/// byte-identical rows.
pub(crate) fn parse_row<T: DeserializeOwned + Serialize>(key: &str, value: &str) -> Result<T, RuleError> {
    let parsed: T = serde_json::from_str(value).map_err(|e| invalid_row(key, e.to_string()))?;
    if row_json(&parsed) != value {
        return Err(invalid_row(key, "not in canonical form"));
    }
    Ok(parsed)
}

/// Puts a loaded row in its place, refusing a second row for the same item.
pub(crate) fn load_once<K: Ord, V>(map: &mut BTreeMap<K, V>, id: K, value: V, key: &str) -> Result<(), RuleError> {
    if map.insert(id, value).is_some() {
        return Err(invalid_row(key, "duplicate row"));
    }
    Ok(())
}
