//! BagIt validation (RFC 8493, and the 0.97 draft), the same for a bag inside a bundle and a bag
//! already extracted to a folder: the declaration, bag-info, every manifest, completeness,
//! every checksum and Payload-Oxum. Every problem is reported, not just the first.
//!
//! Paths in manifests are compared byte for byte after decoding `%0A`, `%0D` and `%25` and
//! dropping a leading `./`; Unicode normalisation is not applied (a manifest listing an
//! NFD name for an NFC file is reported as a missing file).

use super::digest::Algorithm;
use super::report::{PayloadFile, Report, count};
use crate::text::printable;
use encoding_rs::{Encoding, UTF_8};
use std::collections::{BTreeMap, BTreeSet};

/// Tag files larger than this are not read (a tag file is text a person wrote or a tool listed).
pub(crate) const TAG_LIMIT: u64 = 16 << 20;

/// Where bag files come from: a zip inside a bundle, or a folder.
pub(crate) trait BagSource {
    /// Every regular file in the bag: `/`-separated path → size in bytes.
    fn files(&self) -> &BTreeMap<String, u64>;
    /// The whole of a small file (at most `limit` bytes, else an error sentence).
    fn read(&mut self, path: &str, limit: u64) -> Result<Vec<u8>, String>;
    /// Reads the whole file, returning its size and its checksum in each algorithm.
    fn hash(
        &mut self,
        path: &str,
        algs: &[Algorithm],
    ) -> Result<(u64, Vec<(Algorithm, String)>), String>;
}

/// What the bag declared and what was computed, for the caller's own checks.
#[derive(Debug, Default)]
pub(crate) struct BagFacts {
    /// Payload manifests found, by file name, with their algorithm (None if unsupported).
    pub payload_manifests: Vec<(String, Option<Algorithm>)>,
    /// Whether a Payload-Oxum was present.
    pub has_oxum: bool,
}

struct Declaration {
    version: (u32, u32),
    encoding: &'static Encoding,
}

struct Manifest {
    file: String,
    alg: Algorithm,
    entries: BTreeMap<String, String>,
}

/// Runs every bag check on `src`, adding checks, problems and warnings to `report`, and
/// filling `report.bag_info` and `report.payload`.
pub(crate) fn check_bag(src: &mut dyn BagSource, report: &mut Report) -> BagFacts {
    let mut facts = BagFacts::default();
    let decl = declaration(src, report);

    let m = report.mark();
    let info = bag_info(src, &decl, report);
    let detail = if src.files().contains_key("bag-info.txt") {
        format!(
            "bag-info.txt has {}.",
            count(info.len() as u64, "entry", "entries")
        )
    } else {
        "There is no bag-info.txt (it is optional).".to_string()
    };
    report.bag_info = info;
    report.close_check("Bag information", m, detail);

    // Payload manifests: found, parsed, and listing exactly the payload.
    let m = report.mark();
    let fetch = fetch_paths(src, &decl, report);
    let payload_files: Vec<String> = src
        .files()
        .keys()
        .filter(|p| p.starts_with("data/"))
        .cloned()
        .collect();
    let found = manifest_files(src, "manifest-");
    facts.payload_manifests = found.clone();
    let mut payload_manifests = Vec::new();
    for (file, alg) in &found {
        match alg {
            Some(alg) => {
                payload_manifests.push(parse_manifest(src, file, *alg, &decl, true, report))
            }
            None => unsupported(report, file, found.iter().any(|(_, a)| a.is_some())),
        }
    }
    if found.is_empty() {
        report.problem(
            "There is no payload manifest (manifest-<algorithm>.txt), so the payload cannot be \
             checked.",
        );
    }
    for mf in &payload_manifests {
        for f in &payload_files {
            if !mf.entries.contains_key(f) {
                report.problem(format!(
                    "{} is in the payload but not listed in {}: a file may have been added to \
                     the bag.",
                    printable(f),
                    mf.file
                ));
            }
        }
    }
    missing_listed(src, &payload_manifests, &fetch, report);
    if payload_files.is_empty() {
        report.warn("The bag has no payload files (nothing in data/).");
    }
    let names: Vec<&str> = payload_manifests.iter().map(|m| m.file.as_str()).collect();
    report.close_check(
        "Payload manifest",
        m,
        format!(
            "All {} listed in {}, and every listed file is present.",
            count(
                payload_files.len() as u64,
                "payload file is",
                "payload files are"
            ),
            names.join(" and ")
        ),
    );

    // Payload checksums.
    let m = report.mark();
    let sums = verify_checksums(src, &payload_manifests, report);
    report.close_check(
        "Payload checksums",
        m,
        format!(
            "All {} their checksums.",
            count(
                payload_files.len() as u64,
                "payload file matches",
                "payload files match"
            )
        ),
    );
    report.payload = payload_files
        .iter()
        .map(|p| PayloadFile {
            path: p.clone(),
            bytes: src.files()[p],
            sha256: sums.get(p).cloned(),
        })
        .collect();

    // Tag manifests.
    let m = report.mark();
    let found_tags = manifest_files(src, "tagmanifest-");
    let mut tag_manifests = Vec::new();
    for (file, alg) in &found_tags {
        match alg {
            Some(alg) => tag_manifests.push(parse_manifest(src, file, *alg, &decl, false, report)),
            None => unsupported(report, file, true),
        }
    }
    missing_listed(src, &tag_manifests, &BTreeSet::new(), report);
    verify_checksums(src, &tag_manifests, report);
    let listed: BTreeSet<&String> = tag_manifests
        .iter()
        .flat_map(|m| m.entries.keys())
        .collect();
    let detail = if found_tags.is_empty() {
        "There is no tag manifest (it is optional).".to_string()
    } else {
        format!(
            "All {} in the tag manifest match.",
            count(listed.len() as u64, "tag file listed", "tag files listed")
        )
    };
    report.close_check("Tag manifest", m, detail);

    // Payload-Oxum.
    let m = report.mark();
    let octets: u64 = payload_files.iter().map(|p| src.files()[p]).sum();
    let n_files = payload_files.len() as u64;
    let oxums: Vec<String> = report
        .bag_info
        .iter()
        .filter(|(l, _)| l.eq_ignore_ascii_case("Payload-Oxum"))
        .map(|(_, v)| v.clone())
        .collect();
    facts.has_oxum = !oxums.is_empty();
    for v in &oxums {
        match v
            .split_once('.')
            .and_then(|(o, c)| Some((o.parse::<u64>().ok()?, c.parse::<u64>().ok()?)))
        {
            Some((o, c)) if (o, c) == (octets, n_files) => {}
            Some((o, c)) => report.problem(format!(
                "bag-info.txt's Payload-Oxum says {} in {}, but the payload has {} in {}: files \
                 were added, removed or changed.",
                count(o, "byte", "bytes"),
                count(c, "file", "files"),
                count(octets, "byte", "bytes"),
                count(n_files, "file", "files")
            )),
            None => report.problem(format!(
                "bag-info.txt's Payload-Oxum \"{}\" is not in the form <bytes>.<files>.",
                printable(v)
            )),
        }
    }
    let detail = if oxums.is_empty() {
        "bag-info.txt has no Payload-Oxum (it is optional).".to_string()
    } else {
        format!(
            "Payload-Oxum matches the payload: {} in {}.",
            count(octets, "byte", "bytes"),
            count(n_files, "file", "files")
        )
    };
    report.close_check("Payload-Oxum", m, detail);
    facts
}

fn unsupported(report: &mut Report, file: &str, others: bool) {
    if others {
        report.warn(format!(
            "{file} uses a checksum algorithm disclose cannot compute, so it was not checked; \
             the other manifests were."
        ));
    } else {
        report.problem(format!(
            "{file} uses a checksum algorithm disclose cannot compute (it checks md5, sha224, \
             sha256, sha384 and sha512), so the payload cannot be checked."
        ));
    }
}

fn declaration(src: &mut dyn BagSource, report: &mut Report) -> Declaration {
    let m = report.mark();
    let mut decl = Declaration {
        version: (1, 0),
        encoding: UTF_8,
    };
    if !src.files().contains_key("bagit.txt") {
        report.problem("bagit.txt is missing, so this is not a complete BagIt bag.");
        report.close_check("BagIt declaration", m, "");
        return decl;
    }
    let bytes = match src.read("bagit.txt", 4096) {
        Ok(b) => b,
        Err(e) => {
            report.problem(e);
            report.close_check("BagIt declaration", m, "");
            return decl;
        }
    };
    let body = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => {
            report.problem(
                "bagit.txt starts with a byte-order mark (BOM), which BagIt does not allow.",
            );
            rest
        }
        None => &bytes[..],
    };
    let Ok(text) = std::str::from_utf8(body) else {
        report.problem("bagit.txt is not valid UTF-8 text.");
        report.close_check("BagIt declaration", m, "");
        return decl;
    };
    let mut lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    if lines.len() != 2 {
        report.problem(format!(
            "bagit.txt must have exactly two lines (BagIt-Version, then \
             Tag-File-Character-Encoding); it has {}.",
            lines.len()
        ));
    }
    let line1 = lines.first().copied().unwrap_or("");
    match line1
        .strip_prefix("BagIt-Version: ")
        .and_then(parse_version)
    {
        Some(v) => decl.version = v,
        None => report.problem(format!(
            "bagit.txt line 1 should read \"BagIt-Version: <major>.<minor>\" but reads \"{}\".",
            printable(line1)
        )),
    }
    let supported = matches!(decl.version, (0, 93..=97) | (1, 0));
    if !supported {
        report.problem(format!(
            "bagit.txt declares BagIt version {}.{}, which disclose does not read (it reads 0.93 \
             to 0.97 and 1.0).",
            decl.version.0, decl.version.1
        ));
    }
    if let Some(line2) = lines.get(1) {
        let label = line2.strip_prefix("Tag-File-Character-Encoding: ");
        match label.filter(|l| !l.is_empty() && !l.contains(char::is_whitespace)) {
            Some(l) => match Encoding::for_label(l.as_bytes()) {
                Some(e) => decl.encoding = e,
                None => report.problem(format!(
                    "bagit.txt names the character encoding \"{}\", which disclose does not know.",
                    printable(l)
                )),
            },
            None => report.problem(format!(
                "bagit.txt line 2 should read \"Tag-File-Character-Encoding: <encoding>\" but \
                 reads \"{}\".",
                printable(line2)
            )),
        }
    }
    report.close_check(
        "BagIt declaration",
        m,
        format!(
            "bagit.txt declares BagIt {}.{}, tag files in {}.",
            decl.version.0,
            decl.version.1,
            decl.encoding.name()
        ),
    );
    decl
}

fn parse_version(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once('.')?;
    let digits = |x: &str| !x.is_empty() && x.len() <= 4 && x.bytes().all(|c| c.is_ascii_digit());
    (digits(a) && digits(b)).then(|| Some((a.parse().ok()?, b.parse().ok()?)))?
}

/// A tag file's text in the declared encoding.
fn decode(src: &mut dyn BagSource, path: &str, decl: &Declaration) -> Result<String, String> {
    let bytes = src.read(path, TAG_LIMIT)?;
    let (text, _, errors) = decl.encoding.decode(&bytes);
    if errors {
        return Err(format!(
            "{} is not valid {} text, as bagit.txt says tag files are.",
            printable(path),
            decl.encoding.name()
        ));
    }
    Ok(text.into_owned())
}

fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .enumerate()
        .map(|(i, l)| (i + 1, l))
}

fn bag_info(
    src: &mut dyn BagSource,
    decl: &Declaration,
    report: &mut Report,
) -> Vec<(String, String)> {
    if !src.files().contains_key("bag-info.txt") {
        return Vec::new();
    }
    let text = match decode(src, "bag-info.txt", decl) {
        Ok(t) => t,
        Err(e) => {
            report.problem(e);
            return Vec::new();
        }
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (n, line) in lines(&text) {
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            match pairs.last_mut() {
                Some((_, v)) => {
                    v.push(' ');
                    v.push_str(line.trim());
                }
                None => report.problem(format!(
                    "bag-info.txt line {n} continues an entry, but there is none before it."
                )),
            }
        } else if let Some((l, v)) = line.split_once(':') {
            pairs.push((l.trim().to_string(), v.trim().to_string()));
        } else {
            report.problem(format!(
                "bag-info.txt line {n} is not in the form \"Label: value\"."
            ));
        }
    }
    pairs
}

/// Top-level files `<prefix><algorithm>.txt`, with their algorithm if supported.
fn manifest_files(src: &dyn BagSource, prefix: &str) -> Vec<(String, Option<Algorithm>)> {
    src.files()
        .keys()
        .filter(|p| !p.contains('/'))
        .filter_map(|p| {
            let alg = p.strip_prefix(prefix)?.strip_suffix(".txt")?;
            Some((p.clone(), Algorithm::from_name(alg)))
        })
        .collect()
}

fn parse_manifest(
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
pub(crate) fn normalise(path: &str) -> Result<(String, bool), &'static str> {
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
fn fetch_paths(
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

fn missing_listed(
    src: &dyn BagSource,
    manifests: &[Manifest],
    fetch: &BTreeSet<String>,
    report: &mut Report,
) {
    let mut missing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for mf in manifests {
        for p in mf.entries.keys() {
            if !src.files().contains_key(p) {
                missing.entry(p).or_default().push(&mf.file);
            }
        }
    }
    for (p, files) in missing {
        if fetch.contains(p) {
            report.problem(format!(
                "{} is listed in {} but is not in the bag: fetch.txt says to download it, and \
                 disclose does not download, so the bag is incomplete.",
                printable(p),
                files.join(" and ")
            ));
        } else {
            report.problem(format!(
                "{} is listed in {} but is missing from the bag.",
                printable(p),
                files.join(" and ")
            ));
        }
    }
}

/// Hashes every listed file that exists, once, in all the algorithms listing it. Returns the
/// SHA-256s computed.
fn verify_checksums(
    src: &mut dyn BagSource,
    manifests: &[Manifest],
    report: &mut Report,
) -> BTreeMap<String, String> {
    let mut wanted: BTreeMap<&String, Vec<(Algorithm, &String, &str)>> = BTreeMap::new();
    for mf in manifests {
        for (p, hex) in &mf.entries {
            if src.files().contains_key(p) {
                wanted.entry(p).or_default().push((mf.alg, hex, &mf.file));
            }
        }
    }
    let mut sha256 = BTreeMap::new();
    for (p, list) in wanted {
        let algs: Vec<Algorithm> = list.iter().map(|(a, _, _)| *a).collect();
        match src.hash(p, &algs) {
            Ok((_, digests)) => {
                for (alg, expected, file) in &list {
                    let got = digests.iter().find(|(a, _)| a == alg).map(|(_, h)| h);
                    if got != Some(*expected) {
                        report.problem(format!(
                            "{} does not match its {} checksum in {file}: it has been changed or \
                             damaged.",
                            printable(p),
                            alg.name()
                        ));
                    }
                }
                if let Some((_, h)) = digests.iter().find(|(a, _)| *a == Algorithm::Sha256) {
                    sha256.insert(p.clone(), h.clone());
                }
            }
            Err(e) => report.problem(e),
        }
    }
    sha256
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

    #[test]
    fn versions() {
        assert_eq!(parse_version("1.0"), Some((1, 0)));
        assert_eq!(parse_version("0.97"), Some((0, 97)));
        assert_eq!(parse_version(".97"), None);
        assert_eq!(parse_version("1.0 "), None);
    }
}
