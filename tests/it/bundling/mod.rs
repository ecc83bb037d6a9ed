//! Helpers shared by the integration tests: keys, a standard two-payload bundle, and a check
//! that the stock tools the interop tests need are installed.
#![allow(dead_code)]

use disclose::bundle::{BundleWriter, Written};
use disclose::keys::{Encryption, Recipient};
use std::io::Write;
use std::path::Path;
use std::process::Command;

pub const CRIS: &[u8] =
    b"URN,Offence,Date\r\n01/123,Theft,2025-01-02\r\n01/124,\"Assault, common\",2025-01-03\r\n";

/// A second payload bigger than one age chunk (64 KiB), so chunk boundaries are exercised.
pub fn niche() -> Vec<u8> {
    // Pseudo-random notes, so the payload does not compress away and the bundle spans
    // several age chunks.
    let mut v = b"Ref,Note\r\n".to_vec();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..5000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(
            format!("N{i:05},note {x:016x}{:016x}\r\n", x.rotate_left(29)).as_bytes(),
        );
    }
    v
}

pub fn key_pair() -> (age::x25519::Identity, Recipient) {
    let id = age::x25519::Identity::generate();
    let r = Recipient::parse(&id.to_public().to_string(), "Test YOT", "test").unwrap();
    (id, r)
}

pub fn bag_info() -> Vec<(String, String)> {
    vec![
        ("Source-Organization".into(), "Test Police".into()),
        ("Bagging-Date".into(), "2025-02-01".into()),
        (
            "External-Identifier".into(),
            "0123456789abcdef0123456789abcdef".into(),
        ),
        (
            "Internal-Sender-Description".into(),
            "Test disclosure".into(),
        ),
        ("Protective-Marking".into(), "OFFICIAL-SENSITIVE".into()),
    ]
}

pub fn record() -> Vec<(String, Vec<u8>)> {
    vec![
        (
            "disclosure-record.json".into(),
            br#"{"bundle_id":"0123456789abcdef0123456789abcdef","rows_shared":2}"#.to_vec(),
        ),
        ("disclosure-record.txt".into(), b"Rows shared: 2\n".to_vec()),
    ]
}

/// Writes the standard test bundle: data/cris.csv and data/niche.csv plus the record files.
pub fn write_bundle(dir: &Path, name: &str, enc: &Encryption) -> Written {
    let mut w = BundleWriter::create(dir, name, enc).unwrap();
    {
        let mut p = w.payload("data/cris.csv").unwrap();
        // Many small writes, as a CSV writer would make.
        for chunk in CRIS.chunks(7) {
            p.write_all(chunk).unwrap();
        }
    }
    w.payload("data/niche.csv")
        .unwrap()
        .write_all(&niche())
        .unwrap();
    w.finish(&bag_info(), record()).unwrap()
}

/// Fails (never skips) when a stock tool the interop tests rely on is missing.
pub fn require(tool: &str, install: &str) {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "`{tool}` is not installed, and this interoperability test needs it. Install it with: {install}"
    );
}

/// The names in a folder, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Encrypts `plain` to `r` with the age library, as a hostile sender could.
pub fn encrypt_to(r: &Recipient, plain: &[u8]) -> Vec<u8> {
    let id_text = r.public_key().to_string();
    let key: age::x25519::Recipient = id_text.parse().unwrap();
    let enc =
        age::Encryptor::with_recipients(std::iter::once(&key as &dyn age::Recipient)).unwrap();
    let mut out = Vec::new();
    let mut w = enc.wrap_output(&mut out).unwrap();
    w.write_all(plain).unwrap();
    w.finish().unwrap();
    out
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// The files of a valid bag with the given payloads, manifests computed.
pub fn bag_files(payload: &[(&str, &[u8])]) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = payload
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect();
    let manifest: String = {
        let mut lines: Vec<String> = files
            .iter()
            .map(|(p, b)| format!("{}  {p}\n", sha256_hex(b)))
            .collect();
        lines.sort();
        lines.concat()
    };
    let octets: usize = payload.iter().map(|(_, b)| b.len()).sum();
    let tags: Vec<(String, Vec<u8>)> = vec![
        (
            "bagit.txt".into(),
            b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_vec(),
        ),
        (
            "bag-info.txt".into(),
            format!("Payload-Oxum: {octets}.{}\n", payload.len()).into_bytes(),
        ),
        ("manifest-sha256.txt".into(), manifest.into_bytes()),
        (
            "disclosure-record.json".into(),
            b"{\"rows_shared\":1}".to_vec(),
        ),
    ];
    let tagmanifest: String = tags
        .iter()
        .map(|(p, b)| format!("{}  {p}\n", sha256_hex(b)))
        .collect();
    files.extend(tags);
    files.push(("tagmanifest-sha256.txt".into(), tagmanifest.into_bytes()));
    files
}

/// Zips `files` in order with the zip library (deflate).
pub fn zip_files(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in files {
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Replaces every occurrence of `from` with `to` (same length) in `bytes`.
pub fn patch(bytes: &mut [u8], from: &[u8], to: &[u8]) -> usize {
    assert_eq!(from.len(), to.len());
    let mut n = 0;
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            n += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    n
}
