//! BagIt validation (RFC 8493, and the 0.97 draft), the same for a bag inside a bundle and a bag
//! already extracted to a folder: the declaration, bag-info, every manifest, completeness,
//! every checksum and Payload-Oxum. Every problem is reported, not just the first.
//!
//! Paths in manifests are compared byte for byte after decoding `%0A`, `%0D` and `%25` and
//! dropping a leading `./`; Unicode normalisation is not applied (a manifest listing an
//! NFD name for an NFC file is reported as a missing file).

mod manifest;
mod text;

use super::digest::Algorithm;
use super::report::{PayloadFile, Report, count};
use crate::text::printable;
use manifest::{Manifest, fetch_paths, manifest_files, parse_manifest};
use std::collections::{BTreeMap, BTreeSet};
use text::{bag_info, declaration};

pub(crate) use manifest::unsafe_path;

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
    /// The files the tag manifests list.
    pub tag_listed: BTreeSet<String>,
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
    facts.tag_listed = listed.iter().map(|s| s.to_string()).collect();
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
