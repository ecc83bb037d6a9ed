//! The hash chain: canonical JSON, each entry's hash, and checking a whole register.

use super::{GENESIS, RegisterError, read_register};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The hash an entry should carry: SHA-256 of `prev` then the canonical JSON of the entry
/// without `hash`.
pub fn entry_hash(entry: &Value) -> String {
    let mut v = entry.clone();
    if let Value::Object(m) = &mut v {
        m.remove("hash");
    }
    let prev = entry["prev"].as_str().unwrap_or("");
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(canonical_json(&v).as_bytes());
    crate::keys::hex(&h.finalize())
}

/// JSON with object keys sorted at every level and no whitespace, so the same entry always
/// hashes the same however a tool rewrote its spacing or key order.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&m[k], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The result of checking a register's chain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegisterCheck {
    /// How many entries were read.
    pub entries: usize,
    /// One sentence per problem, naming the line and entry.
    pub problems: Vec<String>,
    /// The last entry's hash as written in the file (compare it with the one recorded
    /// elsewhere; see the module docs).
    pub head: Option<String>,
}

impl RegisterCheck {
    /// True when the chain is intact.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks every entry's `seq`, `prev` and `hash`. A missing file is an empty register.
///
/// Problems name the line, the entry's number and its bundle, e.g. "Line 2 (entry 2, bundle
/// 1a2b3c4d) has been changed since it was written…". Each problem is reported where it shows:
/// an edited entry at its own line; a deleted, inserted or moved entry at the line after it.
pub fn verify(path: &Path) -> Result<RegisterCheck, RegisterError> {
    let text = read_register(path)?;
    let mut check = RegisterCheck::default();
    let mut expected_prev = GENESIS.to_string();
    let mut expected_seq = 1u64;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            if text.lines().skip(n).any(|l| !l.trim().is_empty()) {
                check.problems.push(format!(
                    "Line {n} is empty: a line of the register has been blanked out."
                ));
            }
            continue;
        }
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            check.problems.push(format!(
                "Line {n} is not a register entry (not valid JSON): it has been damaged or \
                 edited by hand."
            ));
            continue;
        };
        check.entries += 1;
        let seq = v["seq"].as_u64();
        let who = format!(
            "Line {n} (entry {}, bundle {})",
            seq.map(|s| s.to_string()).unwrap_or_else(|| "?".into()),
            crate::text::printable(v["bundle_id"].as_str().unwrap_or("?"))
        );
        let stored = v["hash"].as_str().unwrap_or("").to_string();
        if stored != entry_hash(&v) {
            check.problems.push(format!(
                "{who} has been changed since it was written: its hash does not match its \
                 contents."
            ));
        }
        if v["prev"].as_str() != Some(expected_prev.as_str()) {
            check.problems.push(format!(
                "{who} does not follow on from the entry before it: an entry before it was \
                 removed, inserted, moved or rewritten."
            ));
        }
        if seq != Some(expected_seq) {
            check.problems.push(format!(
                "{who} should be entry {expected_seq}: entries are missing, added or out of \
                 order."
            ));
        }
        expected_seq = seq.unwrap_or(expected_seq).saturating_add(1);
        expected_prev = stored.clone();
        check.head = Some(stored);
    }
    Ok(check)
}

/// The head hash (the last entry's `hash`), or `None` for an empty register.
pub fn head(path: &Path) -> Result<Option<String>, RegisterError> {
    Ok(verify(path)?.head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let v: Value =
            serde_json::from_str(r#"{"b":1,"a":{"d":[1,{"z":0,"y":"é"}],"c":null}}"#).unwrap();
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"c":null,"d":[1,{"y":"é","z":0}]},"b":1}"#
        );
    }
}
