//! Canonical JSON (the RFC 8785 subset described in SPEC.md).
//!
//! Written by hand rather than relying on `serde_json::to_vec`, because the bytes are hashed into
//! the log forever: key order must not depend on serde_json's `preserve_order` feature (which any
//! crate in the build may switch on), and the escaping rules must be ours, not a library's.

use serde_json::Value;
use std::fmt::Write as _;

/// A number that is not an integer was found; the canonical form has no floats.
#[derive(Debug)]
pub(crate) struct FloatFound {
    pub(crate) path: String,
}

pub(crate) fn to_canonical(v: &Value) -> Result<String, FloatFound> {
    let mut out = String::new();
    write_value(&mut out, v, &mut String::new())?;
    Ok(out)
}

fn write_value(out: &mut String, v: &Value, path: &mut String) -> Result<(), FloatFound> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                let _ = write!(out, "{u}");
            } else if let Some(i) = n.as_i64() {
                let _ = write!(out, "{i}");
            } else {
                return Err(FloatFound { path: path.clone() });
            }
        }
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let len = path.len();
                let _ = write!(path, "[{i}]");
                write_value(out, item, path)?;
                path.truncate(len);
            }
            out.push(']');
        }
        Value::Object(map) => {
            // Sorting by UTF-8 bytes equals JCS's UTF-16 order for the ASCII keys we use.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                write_value(out, item, path)?;
                path.truncate(len);
            }
            out.push('}');
        }
    }
    Ok(())
}

/// The path of the first non-integer number in `v`, as [`to_canonical`] would report it,
/// without writing anything (decoding checks this before anything else).
pub(crate) fn float_path(v: &Value) -> Option<String> {
    fn walk(v: &Value, path: &mut String) -> bool {
        match v {
            Value::Number(n) => !(n.is_u64() || n.is_i64()),
            Value::Array(items) => items.iter().enumerate().any(|(i, item)| {
                let len = path.len();
                let _ = write!(path, "[{i}]");
                let found = walk(item, path);
                if !found {
                    path.truncate(len);
                }
                found
            }),
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                entries.into_iter().any(|(k, item)| {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    let found = walk(item, path);
                    if !found {
                        path.truncate(len);
                    }
                    found
                })
            }
            Value::Null | Value::Bool(_) | Value::String(_) => false,
        }
    }
    let mut path = String::new();
    walk(v, &mut path).then_some(path)
}

/// JCS string escaping: the two mandatory escapes, the five short control escapes, `\u00xx`
/// (lowercase hex) for the remaining C0 controls, and every other character as literal UTF-8.
pub(crate) fn write_string(out: &mut String, s: &str) {
    out.push('"');
    // Every character that needs an escape is ASCII, so runs between them are copied whole:
    // this is the auditor's hottest loop.
    let mut run_start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0c => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run_start..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", b);
        } else {
            out.push_str(escape);
        }
        run_start = i + 1;
    }
    out.push_str(&s[run_start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_and_order() {
        let v = json!({"b": "x\"\\\u{8}\u{c}\n\r\t\u{1}\u{1f}\u{7f}ә/<", "a": [1, -2, true, null], "A": {}});
        assert_eq!(
            to_canonical(&v).unwrap_or_default(),
            "{\"A\":{},\"a\":[1,-2,true,null],\"b\":\"x\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\u{7f}ә/<\"}"
        );
    }

    #[test]
    fn floats_refused() {
        let v = json!({"a": {"b": [1.5]}});
        assert_eq!(to_canonical(&v).map_err(|e| e.path).err().as_deref(), Some("a.b[0]"));
        assert_eq!(float_path(&v).as_deref(), Some("a.b[0]"));
        let v = json!({"z": 1, "a": [1, {"c": 2, "b": -0.5}]});
        assert_eq!(float_path(&v), to_canonical(&v).err().map(|e| e.path));
        assert_eq!(float_path(&json!({"a": [1, -2, "x", null]})), None);
    }
}
