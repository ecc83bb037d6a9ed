//! Decryption against the C2SP age test vectors (CCTV): every vector gives the outcome it
//! expects, in plain words, and none panics. Hybrid post-quantum vectors are skipped (the age
//! crate cannot decrypt them); armored ones must be refused (bundles are binary).

use disclose::keys::Decryption;
use disclose::verify::{Report, verify_bundle};
use std::io::Read;
use std::path::Path;

struct Vector {
    expect: String,
    identities: Vec<String>,
    passphrase: Option<String>,
    armored: bool,
    body: Vec<u8>,
}

fn parse(bytes: &[u8]) -> Vector {
    let split = bytes
        .windows(2)
        .position(|w| w == b"\n\n")
        .expect("header end");
    let header = std::str::from_utf8(&bytes[..split]).unwrap();
    let mut v = Vector {
        expect: String::new(),
        identities: vec![],
        passphrase: None,
        armored: false,
        body: bytes[split + 2..].to_vec(),
    };
    let mut compressed = false;
    for line in header.lines() {
        let (k, val) = line.split_once(": ").unwrap();
        match k {
            "expect" => v.expect = val.to_string(),
            "identity" => v.identities.push(val.to_string()),
            "passphrase" => v.passphrase = Some(val.to_string()),
            "armored" => v.armored = val == "yes",
            "compressed" => compressed = val == "zlib",
            _ => {}
        }
    }
    if compressed {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(&v.body[..])
            .read_to_end(&mut out)
            .unwrap();
        v.body = out;
    }
    v
}

fn check_passed(r: &Report, name: &str) -> Option<bool> {
    r.checks.iter().find(|c| c.name == name).map(|c| c.passed)
}

#[test]
fn every_vector_gives_its_expected_outcome_in_plain_words() {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suites/age-cctv");
    let dir = tempfile::tempdir().unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&suite)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "SOURCE.txt" && n != "LICENSE" && !n.contains("hybrid"))
        .collect();
    names.sort();
    assert!(
        names.len() > 100,
        "the age test vectors are missing from {}",
        suite.display()
    );
    // The age crate accepts these two legacy stanza forms (documented by rage's own testkit).
    let lenient = ["stanza_missing_body", "stanza_missing_final_line"];
    for name in &names {
        let v = parse(&std::fs::read(suite.join(name)).unwrap());
        let path = dir.path().join(name);
        std::fs::write(&path, &v.body).unwrap();
        let dec = match &v.passphrase {
            Some(p) if v.identities.is_empty() => Decryption::Passphrase(p.as_str().into()),
            _ => Decryption::Identities(v.identities.iter().map(|i| i.parse().unwrap()).collect()),
        };
        let r = verify_bundle(&path, &dec, None, None);
        let why = format!("{name} (expect {}): {:#?}", v.expect, r.problems);
        assert!(!r.ok(), "{why}");
        let opened = check_passed(&r, "Decryption") == Some(true);
        let authentic = check_passed(&r, "Encrypted content") == Some(true);
        if v.armored {
            // Refused as armored, or (with garbage before the armor) as not an age file.
            let p = &r.problems[0];
            assert!(
                p.contains("armored") || p.contains("not an age-encrypted"),
                "{why}"
            );
            continue;
        }
        match v.expect.as_str() {
            "success" => assert!(opened && authentic, "{why}"),
            _ if lenient.contains(&name.as_str()) => {}
            "no match" => {
                let p = &r.problems[0];
                assert!(
                    p.contains("Not for you")
                        || p.contains("passphrase is wrong")
                        || p.contains("encrypted to public keys, not a passphrase"),
                    "{why}"
                );
            }
            "HMAC failure" => assert!(r.problems[0].contains("altered or damaged"), "{why}"),
            "header failure" => {
                assert!(!opened, "{why}");
                let p = &r.problems[0];
                assert!(
                    p.contains("damaged")
                        || p.contains("malformed")
                        || p.contains("cut short")
                        || p.contains("file is empty")
                        || p.contains("passphrase work")
                        || p.contains("Not for you")
                        || p.contains("passphrase is wrong")
                        || p.contains("not an age-encrypted"),
                    "{why}"
                );
            }
            "payload failure" => {
                assert!(opened && !authentic, "{why}");
                assert!(
                    r.problems[0].contains("damaged") || r.problems[0].contains("cut short"),
                    "{why}"
                );
            }
            other => panic!("unknown expectation {other} in {name}"),
        }
    }
}

#[test]
fn an_excessive_passphrase_work_factor_is_refused_before_any_work() {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suites/age-cctv");
    let v = parse(&std::fs::read(suite.join("scrypt_work_factor_23")).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wf23.age");
    std::fs::write(&path, &v.body).unwrap();
    let started = std::time::Instant::now();
    let r = verify_bundle(
        &path,
        &Decryption::Passphrase(v.passphrase.unwrap().as_str().into()),
        None,
        None,
    );
    assert!(
        r.problems[0].contains("2^23") && r.problems[0].contains("at most 2^20"),
        "{:?}",
        r.problems
    );
    assert!(
        started.elapsed().as_secs() < 5,
        "the work factor cap did not stop the work"
    );
}
