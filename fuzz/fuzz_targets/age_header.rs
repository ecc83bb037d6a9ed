//! The age layer of a received bundle: any bytes as a `.zip.age` file, through
//! `verify::verify_bundle` with a fresh identity, so the header scan that runs before age parses
//! anything (its size and stanza limits) and age's own parser both see them. An input whose
//! first byte is odd has the age version line put in front of the rest, so that most of the
//! fuzzing reaches the stanzas.
//!
//! Whatever the bytes: no panic, a report that fails with at least one problem (nothing here
//! can be decrypted by a key made for this run), nothing extracted, and an age file whose header
//! holds more stanzas than any bundle is encrypted to is refused by the scan, naming them.
#![no_main]

mod common;

use disclose::keys::{Decryption, MAX_HEADER_STANZAS};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// A key made for this run, through the library's own keygen (no `age` dependency here).
fn identity() -> &'static Decryption {
    static ID: OnceLock<Decryption> = OnceLock::new();
    ID.get_or_init(|| {
        let path = common::scratch().join("key.txt");
        let _ = std::fs::remove_file(&path);
        disclose::keys::keygen(Some(&path)).expect("keygen");
        let file = disclose::keys::read_identity_file(&path).expect("the new key reads");
        Decryption::Identities(file.identities)
    })
}

/// Stanza lines (`->`) before the first `---` line, counting only lines ended within the
/// first 16 KiB and one byte, as the scan reads and counts them.
fn stanzas(bytes: &[u8]) -> usize {
    let start = &bytes[..bytes.len().min(16 * 1024 + 1)];
    let mut n = 0;
    let mut lines = start.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        if lines.peek().is_none() {
            break; // not ended by a line break
        }
        if line.starts_with(b"---") {
            break;
        }
        if line.starts_with(b"->") {
            n += 1;
        }
    }
    n
}

fuzz_target!(|data: &[u8]| {
    let bytes = match data.split_first() {
        Some((&b, rest)) if b & 1 == 1 => [&b"age-encryption.org/v1\n"[..], rest].concat(),
        _ => data.to_vec(),
    };
    let path = common::write_scratch("bundle.zip.age", &bytes);
    let extract = common::scratch().join("received");
    let _ = std::fs::remove_dir_all(&extract);
    let report = disclose::verify::verify_bundle(&path, identity(), None, Some(&extract));
    let _ = format!("{report:?}");
    assert!(!report.ok(), "bytes no key was given for verified");
    assert!(!report.problems.is_empty(), "a failed report names no problem");
    assert!(!extract.exists(), "something was extracted from a failed bundle");
    // The scan's verdict is reported once the file is known to be an age file.
    if bytes.starts_with(b"age-encryption.org/") && stanzas(&bytes) > MAX_HEADER_STANZAS {
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.contains("recipient stanzas")),
            "{} stanzas passed the header scan: {:?}",
            stanzas(&bytes),
            report.problems
        );
    }
});
