//! The BagIt text a bundle carries (RFC 8493): `bagit.txt`, `bag-info.txt` and the SHA-256
//! manifests, and the naming rules for what goes in the bag.
//!
//! Names are kept to a small, portable alphabet so that every tool a partner might use (unzip,
//! Windows Explorer, `sha256sum -c`, bagit-python) reads them the same way.

use super::BundleError;

/// The exact contents of `bagit.txt`.
pub const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

/// One file in the bag with its SHA-256 and size, as computed while it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BagFile {
    /// Path inside the bag, `/`-separated, e.g. `data/cris.csv`.
    pub path: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// A manifest in the two-space form `sha256sum -c` accepts, sorted by path, LF line endings.
pub(super) fn manifest(files: &[BagFile]) -> String {
    let mut sorted: Vec<&BagFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    sorted
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.path))
        .collect()
}

/// `bag-info.txt`: the caller's pairs in their order, then `Payload-Oxum`.
pub(super) fn bag_info(
    pairs: &[(String, String)],
    payload: &[BagFile],
) -> Result<String, BundleError> {
    let mut out = String::new();
    for (label, value) in pairs {
        check_bag_info_pair(label, value)?;
        out.push_str(&format!("{label}: {value}\n"));
    }
    let octets: u64 = payload.iter().map(|f| f.bytes).sum();
    out.push_str(&format!("Payload-Oxum: {octets}.{}\n", payload.len()));
    Ok(out)
}

fn check_bag_info_pair(label: &str, value: &str) -> Result<(), BundleError> {
    let bad = |reason: &str| BundleError::BadBagInfo {
        label: crate::text::printable(label),
        reason: reason.to_string(),
    };
    if label.is_empty() || label.trim() != label {
        return Err(bad(
            "a label must not be empty or start or end with a space",
        ));
    }
    if label.contains(':') || label.chars().any(char::is_control) {
        return Err(bad("a label must not contain ':' or control characters"));
    }
    if value.chars().any(char::is_control) {
        return Err(bad(
            "a value must be one line, without tabs or control characters",
        ));
    }
    if label.eq_ignore_ascii_case("Payload-Oxum") {
        return Err(bad("Payload-Oxum is computed by disclose; do not give it"));
    }
    Ok(())
}

/// One path component: starts with a letter or digit, then letters, digits, `.`, `_`, `-`.
fn is_portable_component(c: &str) -> bool {
    let mut chars = c.chars();
    matches!(chars.next(), Some(first) if first.is_ascii_alphanumeric())
        && c.len() <= 128
        && chars.all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-'))
}

/// Checks a payload path: `data/` then one or more portable components.
pub fn check_payload_path(path: &str) -> Result<(), BundleError> {
    let rest = path
        .strip_prefix("data/")
        .ok_or_else(|| BundleError::BadName {
            name: crate::text::printable(path),
            reason: "a payload file must be inside data/, e.g. data/cris.csv".into(),
        })?;
    if let Some(reason) = rest
        .split('/')
        .find_map(crate::names::windows_unsafe_component)
    {
        return Err(BundleError::BadName {
            name: crate::text::printable(path),
            reason: format!("it is {reason}"),
        });
    }
    if rest.split('/').all(is_portable_component) {
        Ok(())
    } else {
        Err(BundleError::BadName {
            name: crate::text::printable(path),
            reason: "use only letters, digits, '.', '_' and '-' in each part of the name, \
                     starting with a letter or digit"
                .into(),
        })
    }
}

/// Checks a tag file name: one portable component, not a name BagIt reserves.
pub(super) fn check_tag_name(name: &str) -> Result<(), BundleError> {
    let bad = |reason: &str| BundleError::BadName {
        name: crate::text::printable(name),
        reason: reason.to_string(),
    };
    if !is_portable_component(name) {
        return Err(bad(
            "a tag file is one name at the top of the bag, using only letters, digits, '.', \
             '_' and '-'",
        ));
    }
    let lower = name.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "bagit.txt" | "bag-info.txt" | "fetch.txt" | "data"
    ) || lower.starts_with("manifest-")
        || lower.starts_with("tagmanifest-")
    {
        return Err(bad(
            "this name is reserved by BagIt and written by disclose",
        ));
    }
    Ok(())
}

/// Checks the bundle's file name: a plain file name, no folders, nothing Windows forbids.
pub(super) fn check_bundle_name(name: &str) -> Result<(), BundleError> {
    let bad = |reason: &str| BundleError::BadName {
        name: crate::text::printable(name),
        reason: reason.to_string(),
    };
    if name.is_empty() || name == "." || name == ".." || name.starts_with('.') {
        return Err(bad(
            "the bundle needs a file name that does not start with '.'",
        ));
    }
    if name.chars().any(|c| {
        c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
    }) {
        return Err(bad(
            "a bundle name cannot contain folders or any of \\ / : * ? \" < > |",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(path: &str, bytes: u64) -> BagFile {
        BagFile {
            path: path.into(),
            sha256: "ab".repeat(32),
            bytes,
        }
    }

    #[test]
    fn manifest_is_sorted_two_space_lf() {
        let m = manifest(&[f("data/b.csv", 1), f("data/a.csv", 2)]);
        assert_eq!(
            m,
            format!(
                "{}  data/a.csv\n{}  data/b.csv\n",
                "ab".repeat(32),
                "ab".repeat(32)
            )
        );
    }

    #[test]
    fn bag_info_appends_oxum_and_refuses_bad_pairs() {
        let pairs = vec![("Source-Organization".to_string(), "Met".to_string())];
        let text = bag_info(&pairs, &[f("data/a", 10), f("data/b", 5)]).unwrap();
        assert_eq!(text, "Source-Organization: Met\nPayload-Oxum: 15.2\n");
        for (l, v) in [
            ("Payload-Oxum", "1.1"),
            ("A:B", "x"),
            ("A", "two\nlines"),
            (" A", "x"),
        ] {
            assert!(
                bag_info(&[(l.into(), v.into())], &[]).is_err(),
                "{l:?} {v:?} accepted"
            );
        }
    }

    #[test]
    fn names_are_portable() {
        assert!(check_payload_path("data/cris.csv").is_ok());
        assert!(check_payload_path("data/sub/x_1.csv").is_ok());
        for bad in [
            "cris.csv",
            "data/../x",
            "data/.x",
            "data/a b",
            "data//x",
            "data/x\\y",
            "data/CON.csv",
            "data/nul",
            "data/sub/com1.csv",
            "data/",
        ] {
            assert!(check_payload_path(bad).is_err(), "{bad} accepted");
        }
        assert!(check_tag_name("disclosure-record.json").is_ok());
        for bad in [
            "bagit.txt",
            "manifest-md5.txt",
            "sub/x.txt",
            ".hidden",
            "Bag-Info.txt",
        ] {
            assert!(check_tag_name(bad).is_err(), "{bad} accepted");
        }
        assert!(check_bundle_name("bromley_2025-01_1a2b3c4d.zip.age").is_ok());
        for bad in ["", "../x", "a/b", ".disclose-tmp-x", "a:b"] {
            assert!(check_bundle_name(bad).is_err(), "{bad} accepted");
        }
    }
}
