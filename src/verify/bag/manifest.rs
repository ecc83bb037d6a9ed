//! Manifests and fetch.txt: parsing each line, decoding the escapes BagIt defines, and refusing
//! any path that could point outside the bag.

use super::super::digest::Algorithm;
use super::super::report::Report;
use super::BagSource;
use super::text::{Declaration, decode, lines};
use crate::text::printable;
use std::collections::{BTreeMap, BTreeSet};

/// One parsed manifest.
pub(super) struct Manifest {
    pub(super) file: String,
    pub(super) alg: Algorithm,
    pub(super) entries: BTreeMap<String, String>,
}

/// Top-level files `<prefix><algorithm>.txt`, with their algorithm if supported.
pub(super) fn manifest_files(
    src: &dyn BagSource,
    prefix: &str,
) -> Vec<(String, Option<Algorithm>)> {
    src.files()
        .keys()
        .filter(|p| !p.contains('/'))
        .filter_map(|p| {
            let alg = p.strip_prefix(prefix)?.strip_suffix(".txt")?;
            Some((p.clone(), Algorithm::from_name(alg)))
        })
        .collect()
}

pub(super) fn parse_manifest(
    src: &mut dyn BagSource,
    file: &str,
    alg: Algorithm,
    decl: &Declaration,
    payload: bool,
    report: &mut Report,
) -> Manifest {
    let mut out = Manifest {
        file: file.to_string(),
        alg,
        entries: BTreeMap::new(),
    };
    let text = match decode(src, file, decl) {
        Ok(t) => t,
        Err(e) => {
            report.problem(e);
            return out;
        }
    };
    let (mut starred, mut dotted) = (false, false);
    for (n, line) in lines(&text) {
        if line.trim().is_empty() {
            continue;
        }
        let Some(idx) = line.find([' ', '\t']) else {
            report.problem(format!("{file} line {n} has a checksum but no file name."));
            continue;
        };
        let (hex, rest) = line.split_at(idx);
        let single_space = rest.starts_with(' ') && !rest[1..].starts_with([' ', '\t']);
        let mut raw = rest.trim_start_matches([' ', '\t']);
        if single_space && raw.starts_with('*') {
            raw = &raw[1..];
            starred = true;
        }
        if hex.len() != alg.hex_len() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            report.problem(format!(
                "{file} line {n}: \"{}\" is not a {} checksum.",
                printable(hex),
                alg.name()
            ));
            continue;
        }
        let decoded = percent_decode(raw);
        let path = match normalise(&decoded) {
            Ok((p, had_dot)) => {
                dotted |= had_dot;
                p
            }
            Err(reason) => {
                report.problem(format!(
                    "{file} line {n} names \"{}\", {reason}.",
                    printable(&decoded)
                ));
                continue;
            }
        };
        if payload && !path.starts_with("data/") {
            report.problem(format!(
                "{file} line {n} names \"{}\", which is outside the payload folder data/.",
                printable(&path)
            ));
            continue;
        }
        let hex = hex.to_ascii_lowercase();
        match out.entries.get(&path) {
            Some(prev) if *prev != hex => report.problem(format!(
                "{file} lists {} twice, with different checksums.",
                printable(&path)
            )),
            Some(_) if decl.version >= (1, 0) => report.problem(format!(
                "{file} lists {} twice; BagIt 1.0 allows each file once.",
                printable(&path)
            )),
            Some(_) => report.warn(format!("{file} lists {} twice.", printable(&path))),
            None => {
                out.entries.insert(path, hex);
            }
        }
    }
    if starred {
        report.warn(format!(
            "{file} marks file names with '*' (md5sum's binary mode); the marks were ignored."
        ));
    }
    if dotted {
        report.warn(format!(
            "{file} writes some paths with a leading './'; they were read without it."
        ));
    }
    out
}

/// Decodes the only escapes BagIt defines in paths: %0A, %0D and %25.
fn percent_decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let esc = rest.get(i..i + 3).map(str::to_ascii_uppercase);
        match esc.as_deref() {
            Some("%0A") => out.push('\n'),
            Some("%0D") => out.push('\r'),
            Some("%25") => out.push('%'),
            _ => {
                out.push('%');
                rest = &rest[i + 1..];
                continue;
            }
        }
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

/// A manifest or fetch path made comparable, or why it is unsafe. The flag says a leading
/// `./` was dropped.
pub(super) fn normalise(path: &str) -> Result<(String, bool), &'static str> {
    let mut p = path;
    let mut dotted = false;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
        dotted = true;
    }
    if let Some(reason) = unsafe_path(p) {
        return Err(reason);
    }
    Ok((p.to_string(), dotted))
}

/// Why a `/`-separated relative path is unsafe to use inside a bag folder, if it is.
pub(crate) fn unsafe_path(p: &str) -> Option<&'static str> {
    let b = p.as_bytes();
    if p.is_empty() {
        Some("an empty path")
    } else if p.starts_with('/') {
        Some("an absolute path, which points outside the bag")
    } else if b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic() {
        Some("a Windows drive path, which points outside the bag")
    } else if p.contains('\\') {
        Some("a path with backslashes, which could point outside the bag on Windows")
    } else if p.starts_with('~') {
        Some("a home-folder shortcut (~), which points outside the bag")
    } else if p.split('/').any(|c| c == "..") {
        Some("a path that climbs out with '..', which points outside the bag")
    } else if p.split('/').any(|c| c.is_empty() || c == ".") {
        Some("a path with empty or '.' parts")
    } else if p.chars().any(char::is_control) {
        Some("a path with control characters")
    } else if p.contains(':') {
        Some("a path with ':', which Windows reads as a drive or a hidden stream")
    } else {
        None
    }
}

/// Paths fetch.txt says to download, checking each is safe and in the payload.
pub(super) fn fetch_paths(
    src: &mut dyn BagSource,
    decl: &Declaration,
    report: &mut Report,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if !src.files().contains_key("fetch.txt") {
        return out;
    }
    let text = match decode(src, "fetch.txt", decl) {
        Ok(t) => t,
        Err(e) => {
            report.problem(e);
            return out;
        }
    };
    for (n, line) in lines(&text) {
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, [' ', '\t']);
        let (Some(_url), Some(_len), Some(raw)) = (parts.next(), parts.next(), parts.next()) else {
            report.problem(format!(
                "fetch.txt line {n} is not in the form \"<url> <length> <path>\"."
            ));
            continue;
        };
        let decoded = percent_decode(raw.trim_start());
        match normalise(&decoded) {
            Ok((p, _)) if p.starts_with("data/") => {
                out.insert(p);
            }
            Ok((p, _)) => report.problem(format!(
                "fetch.txt line {n} names \"{}\", which is outside the payload folder data/.",
                printable(&p)
            )),
            Err(reason) => report.problem(format!(
                "fetch.txt line {n} names \"{}\", {reason}.",
                printable(&decoded)
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths_are_named() {
        for (p, word) in [
            ("/etc/passwd", "absolute"),
            ("data/../../x", "climbs"),
            ("data\\x", "backslashes"),
            ("C:/x", "drive"),
            ("~/x", "home"),
            ("data//x", "empty"),
            ("data/a:b", "stream"),
        ] {
            assert!(unsafe_path(p).unwrap().contains(word), "{p}");
        }
        assert_eq!(unsafe_path("data/%7Ex y.txt"), None);
        assert_eq!(normalise("./data/x").unwrap(), ("data/x".to_string(), true));
    }

    #[test]
    fn percent_decoding_is_only_for_the_three_bagit_escapes() {
        assert_eq!(
            percent_decode("data/a%0Ab%0dc%25d%7Ee%"),
            "data/a\nb\rc%d%7Ee%"
        );
    }
}
