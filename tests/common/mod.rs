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
    let mut v = b"Ref,Note\r\n".to_vec();
    for i in 0..5000 {
        v.extend_from_slice(format!("N{i:05},line {i} of the test export\r\n").as_bytes());
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
