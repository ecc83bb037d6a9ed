//! The hash chain: canonical JSON, each entry's hash, and checking a whole register.

use super::head::{HeadFile, read_head};
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
    crate::hex::hex(&h.finalize())
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

/// Checks every entry's `seq`, `prev` and `hash`, and that the register still holds the entry
/// its head file (see [`super::head`]) says was appended last. A missing file is an empty
/// register; a missing register whose head file says it held entries was deleted.
///
/// Problems name the line, the entry's number and its bundle, e.g. "Line 2 (entry 2, bundle
/// 1a2b3c4d) has been changed since it was written…". Each problem is reported where it shows:
/// an edited entry at its own line; a deleted, inserted or moved entry at the line after it.
pub fn verify(path: &Path) -> Result<RegisterCheck, RegisterError> {
    let text = read_register(path)?;
    Ok(check_text(&text, &read_head(path), path))
}

/// [`verify`] on the register's text, with what its head file says.
pub(super) fn check_text(text: &str, head: &HeadFile, path: &Path) -> RegisterCheck {
    let mut check = RegisterCheck::default();
    let mut expected_prev = GENESIS.to_string();
    let mut expected_seq = 1u64;
    // Every entry's (seq, hash), to find the one the head file names.
    let mut written: Vec<(Option<u64>, String)> = Vec::new();
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
        let restarts = check.entries > 1 && seq == Some(1) && v["prev"] == GENESIS;
        if restarts {
            check.problems.push(format!(
                "{who} starts a new chain: the register was deleted or emptied and begun \
                 again, and the old entries were put back in front of the new ones."
            ));
        } else {
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
        }
        expected_seq = seq.unwrap_or(expected_seq).saturating_add(1);
        expected_prev = stored.clone();
        written.push((seq, stored.clone()));
        check.head = Some(stored);
    }
    let head_file = super::head_path(path);
    let head_name = head_file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let head_name = crate::text::printable(&head_name);
    match head {
        HeadFile::Missing => {}
        HeadFile::Damaged(why) => check.problems.push(format!(
            "The register's head file {head_name} cannot be used: {why}. It was damaged or \
             edited by hand, so whether entries were removed from the end cannot be checked."
        )),
        HeadFile::Found(h)
            if written
                .iter()
                .any(|(s, hash)| *s == Some(h.seq) && *hash == h.hash) => {}
        HeadFile::Found(h) => {
            let short = &h.hash[..h.hash.len().min(12)];
            let last_seq = written.iter().rev().find_map(|(s, _)| *s);
            check.problems.push(match last_seq {
                None => format!(
                    "The register is {}, but its head file {head_name} says entry {} (hash \
                     {short}…) was written to it: the register was deleted or emptied.",
                    if path.exists() { "empty" } else { "missing" },
                    h.seq
                ),
                Some(last) if written.first().is_some_and(|(s, _)| *s == Some(1)) && last < h.seq => format!(
                    "The register ends at entry {last}, but its head file {head_name} says entry \
                     {} (hash {short}…) was written to it: the entries after {last} were removed, \
                     or the register was deleted and a new chain begun.",
                    h.seq
                ),
                Some(_) => format!(
                    "The register does not hold entry {} (hash {short}…), which its head file \
                     {head_name} says was the last written: the register was replaced or \
                     rewritten, or deleted and a new chain begun.",
                    h.seq
                ),
            });
        }
    }
    check
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
