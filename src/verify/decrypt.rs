//! Opening the age layer: the file's own checksum, the header, the key or passphrase, then one
//! full pass that authenticates every encrypted chunk before anything trusts the content.
//!
//! The decrypted stream stays seekable (age's `StreamReader` over a file), so the zip can be
//! read in place: no plaintext is ever written to disk.

use super::report::Report;
use crate::keys::{Decryption, MAX_HEADER_STANZAS, MAX_PASSPHRASE_WORK_FACTOR};
use age::DecryptError;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// The decrypted, authenticated, seekable content of a bundle.
pub(crate) type Plain = age::stream::StreamReader<BufReader<File>>;

/// The largest age header read. A disclose bundle's is about 100 bytes per recipient (at most
/// [`crate::keys::MAX_RECIPIENTS`]) and a grease stanza of at most 200: 16 KiB leaves room.
///
/// The age library parses the header again from its start after each line it reads, so its
/// cost grows with the square of the header's lines (10,000 stanzas took seconds, 100,000 no
/// answer), and a single long line is held whole (200 MB of memory for a 200 MB line). The
/// header is therefore scanned here first, reading at most this much, and refused past it or
/// past [`MAX_HEADER_STANZAS`], before age sees it.
pub(super) const MAX_HEADER_BYTES: usize = 16 * 1024;

/// The largest `.sha256` file read: one line of 64 hex characters, two separators and a
/// file name.
const CHECKSUM_FILE_LIMIT: u64 = 4096;

/// Whether `text` is a SHA-256 as hex: 64 hex characters, either case.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Reads a `.sha256` file in `sha256sum`'s format, strictly: one line, `HEX  NAME` (or
/// `HEX *NAME`, binary mode), ending in a line feed, naming `file_name`. Returns the hex, in
/// lower case, or what is wrong with it.
fn parse_checksum_file(bytes: &[u8], file_name: &str) -> Result<String, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not text".to_string())?;
    let line = text
        .strip_suffix('\n')
        .ok_or_else(|| "it does not end with a line break".to_string())?;
    if line.contains('\n') {
        return Err(format!(
            "it holds {} lines; a checksum file names one bundle on one line",
            text.lines().count()
        ));
    }
    let (hex, rest) = line
        .split_at_checked(64)
        .ok_or_else(|| "its line is too short to hold a SHA-256".to_string())?;
    if !is_sha256_hex(hex) {
        return Err("its line does not start with a SHA-256 (64 hex characters)".into());
    }
    let name = rest
        .strip_prefix("  ")
        .or_else(|| rest.strip_prefix(" *"))
        .ok_or_else(|| {
            "the SHA-256 is not followed by two spaces and the bundle's name, as sha256sum \
             writes it"
                .to_string()
        })?;
    if name != file_name {
        return Err(format!(
            "it names \"{}\", not this bundle (\"{}\"): it belongs to another file, or the \
             bundle was renamed",
            crate::text::printable(name),
            crate::text::printable(file_name)
        ));
    }
    Ok(hex.to_ascii_lowercase())
}

/// Compares the bundle's SHA-256 with the caller's and with `<bundle>.sha256` beside it. Both
/// are checked when both are there, and any disagreement is a problem: a checksum file that is
/// not exactly what `sha256sum` writes for this bundle, or that disagrees with the caller's.
pub(crate) fn check_file_checksum(path: &Path, expected: Option<&str>, report: &mut Report) {
    let m = report.mark();
    let sidecar = {
        let mut s = path.as_os_str().to_owned();
        s.push(".sha256");
        std::path::PathBuf::from(s)
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sidecar_name = format!("{file_name}.sha256");
    let given = match expected.map(str::trim) {
        Some(h) if is_sha256_hex(h) => Some(h.to_ascii_lowercase()),
        Some(_) => {
            report.problem(
                "The SHA-256 you gave is not a SHA-256 (64 hex characters), so the bundle could \
                 not be compared with it.",
            );
            report.close_check("Checksum file", m, "");
            return;
        }
        None => None,
    };
    let from_file = match crate::files::read_small(&sidecar, CHECKSUM_FILE_LIMIT) {
        Ok(bytes) => match parse_checksum_file(&bytes, &file_name) {
            Ok(hex) => Some(hex),
            Err(why) => {
                report.problem(format!(
                    "{} is not a checksum file for this bundle: {why}. Ask the sender for the \
                     bundle's SHA-256 by phone and give it to the check instead.",
                    crate::text::printable(&sidecar_name)
                ));
                None
            }
        },
        Err(crate::files::FileError::Io(e)) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => {
            report.problem(format!(
                "{} could not be read: {}.",
                crate::text::printable(&sidecar_name),
                crate::text::printable(&e.to_string())
            ));
            None
        }
    };
    if let (Some(g), Some(f)) = (&given, &from_file)
        && g != f
    {
        report.problem(format!(
            "The SHA-256 you gave and the one in {} disagree: one of them is not this bundle's. \
             Confirm the SHA-256 with the sender by phone.",
            crate::text::printable(&sidecar_name)
        ));
    }
    let (want, source) = match (given, from_file) {
        (Some(g), _) => (g, "the checksum you gave".to_string()),
        (None, Some(f)) => (f, sidecar_name),
        (None, None) => {
            if report.mark() == m {
                report.warn(format!(
                    "There is no {sidecar_name} beside the bundle, so its checksum was not \
                     compared; the encryption's own authentication still detects any change."
                ));
                return;
            }
            report.close_check("Checksum file", m, "");
            return;
        }
    };
    match sha256_file(path) {
        Ok(got) if got == want => {}
        Ok(_) => report.problem(format!(
            "The bundle's SHA-256 does not match {source}: the file was changed or damaged after \
             it was made, or the checksum belongs to another bundle."
        )),
        Err(e) => report.problem(format!(
            "Could not read the bundle {}: {e}.",
            path.display()
        )),
    }
    report.close_check(
        "Checksum file",
        m,
        format!("The bundle's SHA-256 matches {source}."),
    );
}

fn sha256_file(path: &Path) -> io::Result<String> {
    let mut f = File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(crate::hex::hex(&h.finalize()));
        }
        h.update(&buf[..n]);
    }
}

/// Opens and fully authenticates the age layer. On failure the problems are in `report`.
pub(crate) fn open(path: &Path, decryption: &Decryption, report: &mut Report) -> Option<Plain> {
    let m = report.mark();
    let plain = open_inner(path, decryption, report);
    let detail = match decryption {
        Decryption::Identities(_) => "The bundle is an age file, and your key opened it.",
        Decryption::Passphrase(_) => "The bundle is an age file, and the passphrase opened it.",
    };
    report.close_check("Decryption", m, detail);
    let mut plain = plain?;

    // Authenticate every chunk now, before anything reads the content out of order.
    let m = report.mark();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    let result = loop {
        match plain.read(&mut buf) {
            Ok(0) => break plain.seek(SeekFrom::Start(0)).map(|_| ()),
            Ok(n) => total += n as u64,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => break Err(e),
        }
    };
    if let Err(e) = &result {
        report.problem(stream_problem(e));
    }
    report.close_check(
        "Encrypted content",
        m,
        format!(
            "All {total} bytes of content decrypted and authenticated: nothing was altered, cut \
             short or added."
        ),
    );
    result.ok().map(|()| plain)
}

fn open_inner(path: &Path, decryption: &Decryption, report: &mut Report) -> Option<Plain> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            report.problem(format!(
                "Could not open the bundle {}: {e}.",
                path.display()
            ));
            return None;
        }
    };
    let mut file = file;
    // Scanned before age parses anything; reported once the file is known to be an age file.
    let limits = header_within_limits(&mut file);
    let mut input = BufReader::new(file);
    let head = match input.fill_buf() {
        Ok(h) => h,
        Err(e) => {
            report.problem(format!(
                "Could not read the bundle {}: {e}.",
                path.display()
            ));
            return None;
        }
    };
    if head.is_empty() {
        report.problem("The bundle file is empty.");
        return None;
    }
    if head.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----") {
        report.problem(
            "This is an age file in text (armored) form; disclose bundles are binary age files. \
             Check you have the right file.",
        );
        return None;
    }
    if head.starts_with(b"PK\x03\x04") {
        report.problem(
            "This is a plain, unencrypted zip file, not an encrypted bundle. Do not use it, and \
             tell the sender: personal data must not travel unencrypted.",
        );
        return None;
    }
    const MAGIC: &[u8] = b"age-encryption.org/";
    let n = head.len().min(MAGIC.len());
    if head[..n] != MAGIC[..n] {
        report.problem(
            "This is not an age-encrypted file (it does not start with the age header), so it is \
             not a disclose bundle. Check you have the right file.",
        );
        return None;
    }
    match limits {
        Ok(Ok(())) => {}
        Ok(Err(problem)) => {
            report.problem(problem);
            return None;
        }
        Err(e) => {
            report.problem(format!(
                "Could not read the bundle {}: {e}.",
                path.display()
            ));
            return None;
        }
    }
    let decryptor = match age::Decryptor::new_buffered(input) {
        Ok(d) => d,
        Err(e) => {
            report.problem(header_problem(&e));
            return None;
        }
    };
    let result = match decryption {
        Decryption::Identities(ids) => {
            if decryptor.is_scrypt() {
                report.problem(
                    "This bundle is protected by a passphrase, not a key: open it with the \
                     passphrase the sender gave you separately.",
                );
                return None;
            }
            decryptor.decrypt(ids.iter().map(|i| i as &dyn age::Identity))
        }
        Decryption::Passphrase(p) => {
            if !decryptor.is_scrypt() {
                report.problem(
                    "This bundle is encrypted to public keys, not a passphrase: open it with \
                     your key file.",
                );
                return None;
            }
            let mut id = age::scrypt::Identity::new(p.clone());
            id.set_max_work_factor(MAX_PASSPHRASE_WORK_FACTOR);
            decryptor.decrypt(std::iter::once(&id as &dyn age::Identity))
        }
    };
    match result {
        Ok(plain) => Some(plain),
        Err(e) => {
            report.problem(key_problem(&e, decryption));
            None
        }
    }
}

/// Scans the age header (up to its `---` MAC line) in at most [`MAX_HEADER_BYTES`], counting
/// its stanzas, and leaves the file at its start. The outer result is a read error; the inner
/// one the problem with the header. A header cut short within the limit passes, for age to
/// report as truncated.
fn header_within_limits(file: &mut File) -> io::Result<Result<(), String>> {
    let mut start = Vec::with_capacity(4096);
    (&mut *file)
        .take(MAX_HEADER_BYTES as u64 + 1)
        .read_to_end(&mut start)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(scan_header(&start))
}

fn scan_header(start: &[u8]) -> Result<(), String> {
    let mut stanzas = 0usize;
    let mut pos = 0;
    while let Some(n) = memchr::memchr(b'\n', &start[pos..]) {
        let line = &start[pos..pos + n];
        if line.starts_with(b"---") {
            return Ok(());
        }
        if line.starts_with(b"->") {
            stanzas += 1;
            if stanzas > MAX_HEADER_STANZAS {
                return Err(format!(
                    "The bundle's age header holds more than {MAX_HEADER_STANZAS} recipient \
                     stanzas (a disclose bundle is encrypted to at most {} partners), so it was \
                     not read further: it is damaged, or was built to exhaust this computer. \
                     Do not use it; ask the sender to send it again.",
                    crate::keys::MAX_RECIPIENTS
                ));
            }
        }
        pos += n + 1;
    }
    if start.len() > MAX_HEADER_BYTES {
        return Err(format!(
            "The bundle's age header is too large: it does not end within {} (a disclose \
             bundle's is a few hundred bytes per partner), so it was not read further: it is \
             damaged, or was built to exhaust this computer. Do not use it; ask the sender to \
             send it again.",
            crate::files::size_text(MAX_HEADER_BYTES as u64)
        ));
    }
    Ok(())
}

fn header_problem(e: &DecryptError) -> String {
    match e {
        DecryptError::Io(io) if io.kind() == io::ErrorKind::UnexpectedEof => {
            "The bundle is cut short (truncated): it ends inside its header.".into()
        }
        DecryptError::Io(io) => format!("Could not read the bundle: {io}."),
        DecryptError::UnknownFormat => "The bundle's header is not one disclose can read: it is \
                                        damaged, or was made with a newer version of the age \
                                        format."
            .into(),
        DecryptError::InvalidMac => damaged_header(),
        _ => "The bundle's age header is damaged or malformed, so it cannot be opened.".into(),
    }
}

fn damaged_header() -> String {
    "The bundle's header has been altered or damaged: its authentication code does not match."
        .into()
}

fn key_problem(e: &DecryptError, decryption: &Decryption) -> String {
    match (e, decryption) {
        (DecryptError::NoMatchingKeys, Decryption::Identities(ids)) => {
            let prints: Vec<String> = ids
                .iter()
                .map(|i| crate::keys::fingerprint(&i.to_public().to_string()))
                .collect();
            format!(
                "Not for you: none of your keys opens this bundle (your key fingerprint: {}). It \
                 was encrypted for someone else, or its header is damaged. Ask the sender which \
                 public key they used.",
                prints.join(", ")
            )
        }
        (DecryptError::ExcessiveWork { required, .. }, _) => format!(
            "The bundle asks for an unusually large amount of passphrase work (2^{required}); \
             disclose accepts at most 2^{MAX_PASSPHRASE_WORK_FACTOR}, so that a file built to \
             exhaust this computer cannot. Ask the sender to encrypt it again with disclose or \
             the standard age tool."
        ),
        (
            DecryptError::DecryptionFailed | DecryptError::KeyDecryptionFailed,
            Decryption::Passphrase(_),
        ) => "The passphrase is wrong (or the bundle's header is damaged).".into(),
        (DecryptError::NoMatchingKeys, Decryption::Passphrase(_)) => {
            "The passphrase is wrong (or the bundle's header is damaged).".into()
        }
        (DecryptError::InvalidMac, _) => damaged_header(),
        (e, _) => header_problem(e),
    }
}

fn stream_problem(e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        "The bundle is cut short (truncated): its encrypted content ends before the final block. \
         It was probably not copied or downloaded completely."
            .into()
    } else if e.kind() == io::ErrorKind::InvalidData {
        "The bundle is damaged: part of its encrypted content failed authentication, so it was \
         altered, corrupted in transit, cut short, or has extra bytes added at the end."
            .into()
    } else {
        format!("Could not read the bundle: {e}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_scan_stops_at_the_mac_line_and_at_its_limits() {
        let stanza = b"-> X25519 a\nb\n";
        let mut h = b"age-encryption.org/v1\n".to_vec();
        for _ in 0..MAX_HEADER_STANZAS {
            h.extend_from_slice(stanza);
        }
        let mut whole = h.clone();
        whole.extend_from_slice(b"--- mac\n-> after the header: payload bytes\n");
        assert_eq!(scan_header(&whole), Ok(()));
        // Cut short within the limit: left to age, which says it is truncated.
        assert_eq!(scan_header(&h), Ok(()));
        h.extend_from_slice(stanza);
        assert!(
            scan_header(&h)
                .unwrap_err()
                .contains("more than 65 recipient stanzas")
        );

        // A header whose MAC line ends exactly at the limit passes; one byte more does not.
        let mut h = b"age-encryption.org/v1\n-> X25519 ".to_vec();
        h.resize(MAX_HEADER_BYTES - 8, b'A');
        h.extend_from_slice(b"\n--- m\n");
        assert_eq!(h.len(), MAX_HEADER_BYTES - 1);
        assert_eq!(scan_header(&h), Ok(()));
        let mut long = b"age-encryption.org/v1\n-> X25519 ".to_vec();
        long.resize(MAX_HEADER_BYTES + 1, b'A');
        assert!(scan_header(&long).unwrap_err().contains("too large"));
    }
}
