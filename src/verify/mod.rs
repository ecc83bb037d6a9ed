//! Verifying a bundle on receipt, or a bag already extracted: decrypt as a stream, refuse unsafe
//! zips, validate the BagIt bag, and report every problem in sentences a partner understands.
//!
//! Order of work in [`verify_bundle`]:
//! 1. the file's SHA-256 against `<bundle>.sha256` (or the hash the caller gives);
//! 2. the age header and key (classified: not for you, wrong passphrase, damaged, truncated, not
//!    an age file), then one pass authenticating every encrypted chunk;
//! 3. the zip's structure, from its raw central directory (unsafe names, duplicates, links,
//!    inconsistent headers, impossible sizes);
//! 4. the bag: declaration, manifests both ways, every checksum, Payload-Oxum, and every entry
//!    read in full with its CRC checked;
//! 5. the disclosure record, parsed for the caller to summarise;
//! 6. only if all of that passed and the caller asked, extraction.
//!
//! Nothing is written but the extracted files, and no plaintext ever touches the disk before
//! step 6: the zip is read in place through the seekable decrypting reader.

pub(crate) mod archive;
mod bag;
mod decrypt;
mod digest;
mod dir;
mod extract;
mod report;

pub use crate::keys::Decryption;
pub use decrypt::is_sha256_hex;
pub use digest::Algorithm;
pub use report::{Check, PayloadFile, Report};

use bag::BagSource;
use std::path::Path;

/// Past this size, a zip entry may unpack to at most [`MAX_INFLATION`] times its compressed size.
///
/// Deflate itself can expand data about 1032-fold, so a 5 MB entry could unpack to 5 GB and be
/// written out by `--extract`. A real export compresses 5 to 20-fold; a payload file past
/// 64 MiB compressing more than 100-fold is almost all repetition, which pack refuses to write
/// too (so its bundles always verify). Smaller files are capped only by deflate's own limit.
pub const INFLATION_CHECKED_FROM: u64 = 64 << 20;

/// The most a zip entry past [`INFLATION_CHECKED_FROM`] may expand.
pub const MAX_INFLATION: u64 = 100;

/// Whether an entry of `size` bytes stored in `packed` bytes expands beyond the limits above.
pub fn inflates_too_far(size: u64, packed: u64) -> bool {
    size > INFLATION_CHECKED_FROM && size > packed.saturating_mul(MAX_INFLATION)
}

/// The tag file holding the disclosure record.
pub const RECORD_JSON: &str = "disclosure-record.json";

/// Verifies a bundle, and extracts it into `extract` if (and only if) everything passed.
///
/// - `expected_sha256`: the bundle's SHA-256 if the caller has it from elsewhere (an email, the
///   register); otherwise `<bundle>.sha256` beside it is used if present.
/// - `extract`: a folder (created if missing) to unpack into. Files are written only inside it,
///   never over an existing file, owner-only on Unix, and each is hashed again as it is written;
///   on any failure everything written is removed.
///
/// Never panics on hostile input and never stops at the first problem: the [`Report`] lists
/// every check and every problem. `report.ok()` is the verdict.
pub fn verify_bundle(
    path: &Path,
    decryption: &Decryption,
    expected_sha256: Option<&str>,
    extract: Option<&Path>,
) -> Report {
    verify_bundle_after(
        Report::default(),
        path,
        decryption,
        expected_sha256,
        extract,
    )
}

/// [`verify_bundle`], adding to a report that already holds checks made before decryption
/// (the bundle's signature, [`crate::sign::check_origin`]): a problem there also stops
/// extraction.
pub fn verify_bundle_after(
    mut report: Report,
    path: &Path,
    decryption: &Decryption,
    expected_sha256: Option<&str>,
    extract: Option<&Path>,
) -> Report {
    // A FIFO would hang the first read and a device never ends: nothing else is tried.
    if let Err(crate::files::FileError::Refused(problem)) = crate::files::check_regular(path) {
        report.problem(format!(
            "{} {problem}, so it was not read: a bundle is a file (.zip.age). Give the path of \
             the bundle file.",
            path.display()
        ));
        report.failed_check("Bundle file", "Nothing was read.");
        if extract.is_some() {
            report.failed_check("Extraction", NOT_EXTRACTED);
        }
        return report;
    }
    decrypt::check_file_checksum(path, expected_sha256, &mut report);
    let zip = decrypt::open(path, decryption, &mut report)
        .and_then(|plain| archive::ZipBag::open(plain, &mut report));
    match zip {
        Some(zip) => check_archive(zip, &mut report, extract),
        None => {
            if extract.is_some() {
                report.failed_check("Extraction", NOT_EXTRACTED);
            }
        }
    }
    report
}

/// Verifies an already decrypted bundle (the zip itself, held in memory) exactly as
/// [`verify_bundle`] does after decryption: zip structure, bag, record, then extraction only if
/// everything passed. For fuzzing and tests of the zip and bag checks without the age layer.
#[doc(hidden)]
pub fn verify_zip_bytes(bytes: &[u8], extract: Option<&Path>) -> Report {
    let mut report = Report::default();
    match archive::ZipBag::open(std::io::Cursor::new(bytes), &mut report) {
        Some(zip) => check_archive(zip, &mut report, extract),
        None => {
            if extract.is_some() {
                report.failed_check("Extraction", NOT_EXTRACTED);
            }
        }
    }
    report
}

/// Steps 4 to 6 of [`verify_bundle`]: the bag, the record, and extraction if all passed.
fn check_archive<R: std::io::Read + std::io::Seek>(
    mut zip: archive::ZipBag<R>,
    report: &mut Report,
    extract: Option<&Path>,
) {
    let facts = bag::check_bag(&mut zip, report);

    let m = report.mark();
    if !facts
        .payload_manifests
        .iter()
        .any(|(_, a)| *a == Some(Algorithm::Sha256))
    {
        report.problem(
            "The bundle has no manifest-sha256.txt; a disclose bundle always lists its payload \
             with SHA-256.",
        );
    }
    if !zip.files().contains_key("tagmanifest-sha256.txt") {
        report.problem(
            "The bundle has no tagmanifest-sha256.txt; a disclose bundle always lists its tag \
             files with SHA-256.",
        );
    }
    if !facts.has_oxum {
        report.problem(
            "bag-info.txt has no Payload-Oxum; a disclose bundle always states its payload size.",
        );
    }
    // BagIt lets a tag file go unlisted; a disclose bundle lists every file it holds (the
    // payload in manifest-sha256.txt, every tag file in tagmanifest-sha256.txt), so a file
    // listed nowhere was added after it was made.
    let unlisted: Vec<String> = zip
        .files()
        .keys()
        .filter(|f| {
            let tag_manifest = f.starts_with("tagmanifest-") && !f.contains('/');
            !f.starts_with("data/") && !tag_manifest && !facts.tag_listed.contains(*f)
        })
        .cloned()
        .collect();
    for f in unlisted {
        report.problem(format!(
            "{} is in the bundle but listed in no manifest: a disclose bundle holds only the \
             files it lists, so it was added after the bundle was made.",
            crate::text::printable(&f)
        ));
    }
    zip.read_rest(report);
    report.close_check(
        "Bundle contents",
        m,
        "The bundle has the manifests disclose writes, and every file in it was read in full \
         and passed its CRC check.",
    );

    let m = report.mark();
    let detail = if zip.files().contains_key(RECORD_JSON) {
        match zip
            .read(RECORD_JSON, bag::TAG_LIMIT)
            .and_then(|b| serde_json::from_slice(&b).map_err(|_| not_json()))
        {
            Ok(v) => {
                report.record = Some(v);
                "The disclosure record (disclosure-record.json) is present and readable."
            }
            Err(e) => {
                report.problem(e);
                ""
            }
        }
    } else {
        report.warn(
            "The bundle has no disclosure record (disclosure-record.json), so there is no \
             summary of what was shared and why.",
        );
        "There is no disclosure record in this bundle."
    };
    report.close_check("Disclosure record", m, detail);

    if let Some(dir) = extract {
        if report.ok() {
            extract::extract(&mut zip, dir, report);
        } else {
            report.failed_check("Extraction", NOT_EXTRACTED);
        }
    }
}

const NOT_EXTRACTED: &str = "Nothing was extracted, because the bundle did not pass every check.";

fn not_json() -> String {
    "disclosure-record.json is not valid JSON, so the disclosure record cannot be read.".into()
}

/// Validates a bag that is already a folder (e.g. extracted by a partner with stock tools, to
/// re-check later): the same bag checks as [`verify_bundle`], on the file system. Links and
/// special files are reported, never followed.
pub fn verify_bag_dir(dir: &Path) -> Report {
    let mut report = Report::default();
    if let Some(mut bag) = dir::DirBag::open(dir, &mut report) {
        bag::check_bag(&mut bag, &mut report);
    }
    report
}
