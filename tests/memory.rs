//! Memory stays flat whatever the payload size: writing and verifying a bundle far larger than
//! the allowed growth must not raise the process's peak memory by more than that.
//! (Its own test binary, so no other test shares the process's peak.)
#![cfg(target_os = "linux")]

#[path = "it/bundling/mod.rs"]
mod bundling;

use bundling::key_pair;
use disclose::bundle::BundleWriter;
use disclose::keys::{Decryption, Encryption};
use std::io::Write;

/// Peak resident memory so far, in bytes (VmHWM).
fn peak() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace()
        .nth(1)
        .unwrap()
        .parse::<u64>()
        .unwrap()
        * 1024
}

#[test]
fn a_large_payload_is_streamed_not_held() {
    const PAYLOAD: u64 = 96 << 20;
    const ALLOWED: u64 = 24 << 20;
    let dir = tempfile::tempdir().unwrap();
    let (id, r) = key_pair();
    let before = peak();
    let mut w =
        BundleWriter::create(dir.path(), "big.zip.age", &Encryption::Recipients(vec![r])).unwrap();
    {
        let mut p = w.payload("data/big.csv").unwrap();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut line = String::new();
        let mut written = 0u64;
        while written < PAYLOAD {
            line.clear();
            for _ in 0..1000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                line.push_str(&format!("{:08},{x:016x}\r\n", x % 100_000_000));
            }
            p.write_all(line.as_bytes()).unwrap();
            written += line.len() as u64;
        }
    }
    let written = w.finish(&[], vec![]).unwrap();
    assert!(written.payload[0].bytes >= PAYLOAD);
    let after_write = peak();
    assert!(
        after_write - before < ALLOWED,
        "writing grew peak memory by {} MiB",
        (after_write - before) >> 20
    );
    let report = disclose::verify::verify_bundle(
        &written.path,
        &Decryption::Identities(vec![id]),
        None,
        None,
    );
    assert!(report.ok(), "{:?}", report.problems);
    let after_verify = peak();
    eprintln!(
        "peak growth: write {} KiB, verify {} KiB",
        (after_write - before) >> 10,
        (after_verify - before) >> 10
    );
    assert!(
        after_verify - before < ALLOWED,
        "verifying grew peak memory by {} MiB",
        (after_verify - before) >> 20
    );
}
