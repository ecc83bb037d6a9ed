//! Verifying bundles: a round trip passes and extracts byte-identical files; every kind of
//! damage, tampering or hostile zip is refused with a named problem, and nothing is extracted.

use crate::bundling;

use bundling::*;
use disclose::keys::{Decryption, Encryption, KeyError};
use disclose::verify::{Report, verify_bundle};
use std::path::{Path, PathBuf};

fn describe(r: &Report) -> String {
    format!(
        "problems: {:#?}\nwarnings: {:#?}\nchecks: {:#?}",
        r.problems, r.warnings, r.checks
    )
}

fn has(r: &Report, words: &str) -> bool {
    r.problems.iter().any(|p| p.contains(words))
}

fn ids(id: age::x25519::Identity) -> Decryption {
    Decryption::Identities(vec![id])
}

/// Writes a hostile bag, encrypted to a fresh key, and verifies it with extraction asked for.
/// Returns the report and the (must-stay-empty) extraction folder.
fn verify_hostile(zip: &[u8]) -> (Report, tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (id, r) = key_pair();
    let path = dir.path().join("hostile.zip.age");
    std::fs::write(&path, encrypt_to(&r, zip)).unwrap();
    let out = dir.path().join("out");
    let report = verify_bundle(&path, &ids(id), None, Some(&out));
    assert!(!report.ok(), "hostile bundle passed\n{}", describe(&report));
    assert!(
        !out.exists(),
        "extraction folder was created for a bad bundle"
    );
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.name == "Extraction" && !c.passed),
        "{}",
        describe(&report)
    );
    (report, dir, out)
}

#[test]
fn round_trip_passes_and_extracts_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let (id, r) = key_pair();
    let w = write_bundle(
        dir.path(),
        "t_2025-01_0a1b2c3d.zip.age",
        &Encryption::Recipients(vec![r]),
    );
    let out = dir.path().join("extracted");
    let report = verify_bundle(&w.path, &ids(id), None, Some(&out));
    assert!(report.ok(), "{}", describe(&report));
    assert!(report.warnings.is_empty(), "{}", describe(&report));
    let names: Vec<&str> = report.checks.iter().map(|c| c.name.as_str()).collect();
    for expected in [
        "Checksum file",
        "Decryption",
        "Encrypted content",
        "Zip structure",
        "BagIt declaration",
        "Payload manifest",
        "Payload checksums",
        "Tag manifest",
        "Payload-Oxum",
        "Bundle contents",
        "Disclosure record",
        "Extraction",
    ] {
        assert!(
            names.contains(&expected),
            "missing check {expected}: {names:?}"
        );
    }
    assert_eq!(report.record.as_ref().unwrap()["rows_shared"], 2);
    assert!(
        report
            .bag_info
            .contains(&("Protective-Marking".into(), "OFFICIAL-SENSITIVE".into()))
    );
    assert_eq!(report.payload.len(), 2);
    assert_eq!(report.payload[0].path, "data/cris.csv");
    assert_eq!(
        report.payload[0].sha256.as_deref(),
        Some(w.payload[0].sha256.as_str())
    );
    assert_eq!(std::fs::read(out.join("data/cris.csv")).unwrap(), CRIS);
    assert_eq!(std::fs::read(out.join("data/niche.csv")).unwrap(), niche());
    assert!(out.join("tagmanifest-sha256.txt").is_file());
    assert_eq!(report.extracted_to.as_deref(), Some(out.as_path()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out.join("data/cris.csv"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The extracted folder is itself a valid bag.
    let again = disclose::verify::verify_bag_dir(&out);
    assert!(again.ok(), "{}", describe(&again));

    // Without a key that fits, nothing opens.
    let none = verify_bundle(&w.path, &Decryption::Identities(vec![]), None, None);
    assert!(has(&none, "Not for you"), "{}", describe(&none));
}

#[test]
fn extraction_never_overwrites_and_leaves_nothing_on_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let (id, r) = key_pair();
    let w = write_bundle(dir.path(), "b.zip.age", &Encryption::Recipients(vec![r]));
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("data")).unwrap();
    std::fs::write(out.join("data/niche.csv"), b"partner's own file").unwrap();
    let report = verify_bundle(&w.path, &ids(id), None, Some(&out));
    assert!(!report.ok());
    assert!(has(&report, "never overwrites"), "{}", describe(&report));
    assert_eq!(
        std::fs::read(out.join("data/niche.csv")).unwrap(),
        b"partner's own file"
    );
    assert_eq!(listing(&out.join("data")), vec!["niche.csv"]);
    assert_eq!(listing(&out), vec!["data"]);
}

#[test]
fn passphrase_bundle_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let pw = age::secrecy::SecretString::from("correct horse battery staple");
    let w = write_bundle(dir.path(), "p.zip.age", &Encryption::Passphrase(pw.clone()));
    let report = verify_bundle(&w.path, &Decryption::Passphrase(pw), None, None);
    assert!(report.ok(), "{}", describe(&report));

    let wrong = verify_bundle(
        &w.path,
        &Decryption::Passphrase("Tr0ub4dor&3".into()),
        None,
        None,
    );
    assert!(has(&wrong, "passphrase is wrong"), "{}", describe(&wrong));

    let (id, _) = key_pair();
    let with_key = verify_bundle(&w.path, &ids(id), None, None);
    assert!(
        has(&with_key, "protected by a passphrase"),
        "{}",
        describe(&with_key)
    );
}

#[test]
fn passphrase_and_recipients_together_are_refused() {
    let (_, r) = key_pair();
    let e = Encryption::new(vec![r], Some("pw".into())).unwrap_err();
    assert!(matches!(e, KeyError::PassphraseAndRecipients));
}

#[test]
fn wrong_key_is_not_for_you() {
    let dir = tempfile::tempdir().unwrap();
    let (_, r) = key_pair();
    let (other, _) = key_pair();
    let print = disclose::keys::fingerprint(&other.to_public().to_string());
    let w = write_bundle(dir.path(), "b.zip.age", &Encryption::Recipients(vec![r]));
    let report = verify_bundle(&w.path, &ids(other), None, None);
    assert!(has(&report, "Not for you"), "{}", describe(&report));
    assert!(has(&report, &print), "{}", describe(&report));
    // The checksum still matched: the file is intact, just not ours.
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.name == "Checksum file" && c.passed)
    );
    let key_bundle = verify_bundle(&w.path, &Decryption::Passphrase("x".into()), None, None);
    assert!(
        has(&key_bundle, "encrypted to public keys"),
        "{}",
        describe(&key_bundle)
    );
}

/// A bundle copied alone into a fresh folder (no .sha256), so only the encryption and the
/// bag can catch damage.
fn lone_copy(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("copy.zip.age");
    std::fs::write(&p, bytes).unwrap();
    (dir, p)
}

const DAMAGE_WORDS: &[&str] = &[
    "Not for you",
    "damaged",
    "altered",
    "cut short",
    "not an age-encrypted file",
    "malformed",
];

#[test]
fn bit_flips_anywhere_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (id, r) = key_pair();
    let w = write_bundle(dir.path(), "b.zip.age", &Encryption::Recipients(vec![r]));
    let good = std::fs::read(&w.path).unwrap();
    let header_end = good.windows(4).position(|x| x == b"--- ").unwrap() + 47;
    let mut offsets: Vec<usize> = vec![
        0,
        3,
        10,
        22,
        25,
        40,
        60,
        80,
        100,
        header_end - 5,
        header_end + 3,
        header_end + 20,
    ];
    let len = good.len();
    assert!(
        len > 65_536 + 16 + 1000,
        "the test bundle should span more than one age chunk ({len} bytes)"
    );
    offsets.extend((1..12).map(|i| header_end + 16 + i * (len - header_end - 16) / 12));
    offsets.extend([
        65_536 + header_end + 16,
        len - 40,
        len - 17,
        len - 16,
        len - 1,
    ]);
    let identity = id.to_string();
    for &off in &offsets {
        for bit in [0x01u8, 0x80] {
            let mut bad = good.clone();
            bad[off] ^= bit;
            let (_d, p) = lone_copy(&bad);
            let id: age::x25519::Identity = age::secrecy::ExposeSecret::expose_secret(&identity)
                .parse()
                .unwrap();
            let report = verify_bundle(&p, &ids(id), None, None);
            assert!(!report.ok(), "flip at {off} passed\n{}", describe(&report));
            assert!(
                report
                    .problems
                    .iter()
                    .any(|p| DAMAGE_WORDS.iter().any(|w| p.contains(w))),
                "flip at {off}: problem not named\n{}",
                describe(&report)
            );
        }
    }
    // With the checksum file beside it, the checksum check fails too.
    let mut bad = good.clone();
    bad[len / 2] ^= 1;
    std::fs::write(&w.path, &bad).unwrap();
    let id: age::x25519::Identity = age::secrecy::ExposeSecret::expose_secret(&identity)
        .parse()
        .unwrap();
    let report = verify_bundle(&w.path, &ids(id), None, None);
    assert!(
        has(&report, "does not match b.zip.age.sha256"),
        "{}",
        describe(&report)
    );
}

#[test]
fn truncation_and_appended_bytes_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (id, r) = key_pair();
    let w = write_bundle(dir.path(), "b.zip.age", &Encryption::Recipients(vec![r]));
    let good = std::fs::read(&w.path).unwrap();
    let identity = id.to_string();
    let key = || -> age::x25519::Identity {
        age::secrecy::ExposeSecret::expose_secret(&identity)
            .parse()
            .unwrap()
    };
    for cut in [
        0,
        10,
        50,
        150,
        good.len() / 2,
        good.len() - 17,
        good.len() - 1,
    ] {
        let (_d, p) = lone_copy(&good[..cut]);
        let report = verify_bundle(&p, &ids(key()), None, None);
        assert!(!report.ok(), "cut at {cut} passed");
        let named = has(&report, "cut short") || has(&report, "empty") || has(&report, "damaged");
        assert!(named, "cut at {cut}\n{}", describe(&report));
    }
    let (_d, p) = lone_copy(&good[..good.len() - 1]);
    assert!(has(
        &verify_bundle(&p, &ids(key()), None, None),
        "cut short"
    ));
    for extra in [&b"x"[..], &[0u8; 100][..], &vec![7u8; 70_000][..]] {
        let mut long = good.clone();
        long.extend_from_slice(extra);
        let (_d, p) = lone_copy(&long);
        let report = verify_bundle(&p, &ids(key()), None, None);
        assert!(
            has(&report, "extra bytes added at the end"),
            "{} extra\n{}",
            extra.len(),
            describe(&report)
        );
    }
}

/// A bundle small enough to damage at every position: one short payload and the record.
fn small_bundle(dir: &Path, r: disclose::keys::Recipient) -> Vec<u8> {
    let mut w =
        disclose::bundle::BundleWriter::create(dir, "s.zip.age", &Encryption::Recipients(vec![r]))
            .unwrap();
    std::io::Write::write_all(
        &mut w.payload("data/cris.csv").unwrap(),
        b"\xEF\xBB\xBFURN,Offence\r\n0000001/26,Robbery\r\n",
    )
    .unwrap();
    let written = w.finish(&bag_info(), record()).unwrap();
    std::fs::read(written.path).unwrap()
}

#[test]
fn a_bit_flipped_at_every_position_of_a_small_bundle_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (id, r) = key_pair();
    let good = small_bundle(dir.path(), r);
    assert!(good.len() < 4096, "{} bytes is not small", good.len());
    let identity = id.to_string();
    let (_d, p) = lone_copy(&good);
    let out = p.with_extension("out");
    for pos in 0..good.len() {
        let mut bad = good.clone();
        // Every position, and every bit position across them.
        bad[pos] ^= 1 << (pos % 8);
        std::fs::write(&p, &bad).unwrap();
        let id: age::x25519::Identity = age::secrecy::ExposeSecret::expose_secret(&identity)
            .parse()
            .unwrap();
        let report = verify_bundle(&p, &ids(id), None, Some(&out));
        assert!(!report.ok(), "flip at {pos} passed\n{}", describe(&report));
        assert!(
            report
                .problems
                .iter()
                .any(|p| DAMAGE_WORDS.iter().any(|w| p.contains(w))),
            "flip at {pos}: problem not named\n{}",
            describe(&report)
        );
        assert!(!out.exists(), "flip at {pos}: something was extracted");
    }
}

#[test]
fn a_cut_at_every_age_chunk_boundary_and_either_side_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (id, r) = key_pair();
    let w = write_bundle(dir.path(), "b.zip.age", &Encryption::Recipients(vec![r]));
    let good = std::fs::read(&w.path).unwrap();
    // The header ends with "--- " and its 43-character MAC and a newline; a 16-byte nonce
    // follows, then chunks of 64 KiB of content and a 16-byte tag each.
    let header_end = good.windows(4).position(|x| x == b"--- ").unwrap() + 4 + 43 + 1;
    let payload_start = header_end + 16;
    const CHUNK: usize = 64 * 1024 + 16;
    let chunks = (good.len() - payload_start).div_ceil(CHUNK);
    assert!(chunks >= 2, "the test bundle should span several chunks");
    let mut boundaries = vec![header_end, payload_start];
    boundaries.extend((1..=chunks).map(|k| (payload_start + k * CHUNK).min(good.len())));
    let identity = id.to_string();
    let out = dir.path().join("out");
    let mut tried = 0;
    for b in boundaries {
        for cut in [b - 1, b, b + 1] {
            if cut >= good.len() {
                continue;
            }
            let (_d, p) = lone_copy(&good[..cut]);
            let id: age::x25519::Identity = age::secrecy::ExposeSecret::expose_secret(&identity)
                .parse()
                .unwrap();
            let report = verify_bundle(&p, &ids(id), None, Some(&out));
            assert!(!report.ok(), "cut at {cut} passed");
            let named =
                has(&report, "cut short") || has(&report, "damaged") || has(&report, "altered");
            assert!(named, "cut at {cut}\n{}", describe(&report));
            assert!(!out.exists(), "cut at {cut}: something was extracted");
            tried += 1;
        }
    }
    assert!(tried >= 3 * chunks, "only {tried} cuts tried");
}

#[test]
fn files_that_are_not_bundles_are_named() {
    let (id, _) = key_pair();
    let identity = id.to_string();
    let key = || -> age::x25519::Identity {
        age::secrecy::ExposeSecret::expose_secret(&identity)
            .parse()
            .unwrap()
    };
    let cases: &[(&[u8], &str)] = &[
        (b"URN,Offence\r\n1,Theft\r\n", "not an age-encrypted file"),
        (b"PK\x03\x04rest of a zip", "unencrypted zip"),
        (
            b"-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n",
            "armored",
        ),
        (b"", "empty"),
        (
            b"age-encryption.org/v2\n",
            "newer version of the age format",
        ),
    ];
    for (bytes, words) in cases {
        let (_d, p) = lone_copy(bytes);
        let report = verify_bundle(&p, &ids(key()), None, None);
        assert!(has(&report, words), "{words}\n{}", describe(&report));
    }
    let report = verify_bundle(Path::new("/nonexistent/x.zip.age"), &ids(key()), None, None);
    assert!(has(&report, "Could not"), "{}", describe(&report));
}

#[test]
fn expected_checksum_from_the_caller_is_compared() {
    let dir = tempfile::tempdir().unwrap();
    let (id, r) = key_pair();
    let w = write_bundle(dir.path(), "b.zip.age", &Encryption::Recipients(vec![r]));
    std::fs::remove_file(&w.checksum_path).unwrap();
    let identity = id.to_string();
    let key = || -> age::x25519::Identity {
        age::secrecy::ExposeSecret::expose_secret(&identity)
            .parse()
            .unwrap()
    };
    let ok = verify_bundle(&w.path, &ids(key()), Some(&w.sha256.to_uppercase()), None);
    assert!(ok.ok(), "{}", describe(&ok));
    let bad = verify_bundle(&w.path, &ids(key()), Some(&"0".repeat(64)), None);
    assert!(
        has(&bad, "does not match the checksum you gave"),
        "{}",
        describe(&bad)
    );
    let none = verify_bundle(&w.path, &ids(key()), None, None);
    assert!(none.ok());
    assert!(
        none.warnings
            .iter()
            .any(|w| w.contains("no b.zip.age.sha256")),
        "{}",
        describe(&none)
    );
}

#[test]
fn hand_built_valid_bag_passes_so_the_hostile_cases_below_mean_something() {
    let dir = tempfile::tempdir().unwrap();
    let (id, r) = key_pair();
    let path = dir.path().join("ok.zip.age");
    let files = bag_files(&[("data/a.csv", b"a,b\r\n1,2\r\n"), ("data/b.csv", b"x\r\n")]);
    std::fs::write(&path, encrypt_to(&r, &zip_files(&files))).unwrap();
    let out = dir.path().join("out");
    let report = verify_bundle(&path, &ids(id), None, Some(&out));
    assert!(report.ok(), "{}", describe(&report));
    assert_eq!(
        std::fs::read(out.join("data/a.csv")).unwrap(),
        b"a,b\r\n1,2\r\n"
    );
}

#[test]
fn extra_file_is_refused() {
    let mut files = bag_files(&[("data/a.csv", b"a\r\n")]);
    files.insert(0, ("data/extra.csv".into(), b"smuggled\r\n".to_vec()));
    let (r, ..) = verify_hostile(&zip_files(&files));
    assert!(
        has(
            &r,
            "data/extra.csv is in the payload but not listed in manifest-sha256.txt"
        ),
        "{}",
        describe(&r)
    );
    assert!(has(&r, "Payload-Oxum"), "{}", describe(&r));
}

#[test]
fn missing_file_is_refused() {
    let mut files = bag_files(&[("data/a.csv", b"a\r\n"), ("data/b.csv", b"b\r\n")]);
    files.retain(|(p, _)| p != "data/b.csv");
    let (r, ..) = verify_hostile(&zip_files(&files));
    assert!(
        has(
            &r,
            "data/b.csv is listed in manifest-sha256.txt but is missing"
        ),
        "{}",
        describe(&r)
    );
}

#[test]
fn edited_payload_and_edited_manifest_are_refused() {
    let mut files = bag_files(&[("data/a.csv", b"Smith,Jo\r\n")]);
    files[0].1 = b"Smith,Jx\r\n".to_vec();
    let (r, ..) = verify_hostile(&zip_files(&files));
    assert!(
        has(
            &r,
            "data/a.csv does not match its sha256 checksum in manifest-sha256.txt"
        ),
        "{}",
        describe(&r)
    );

    let mut files = bag_files(&[("data/a.csv", b"Smith,Jo\r\n")]);
    let m = files
        .iter_mut()
        .find(|(p, _)| p == "manifest-sha256.txt")
        .unwrap();
    m.1[0] = if m.1[0] == b'0' { b'1' } else { b'0' };
    let (r, ..) = verify_hostile(&zip_files(&files));
    assert!(
        has(&r, "data/a.csv does not match its sha256 checksum"),
        "{}",
        describe(&r)
    );
    assert!(
        has(
            &r,
            "manifest-sha256.txt does not match its sha256 checksum in tagmanifest-sha256.txt"
        ),
        "{}",
        describe(&r)
    );
}

#[test]
fn escaping_paths_are_refused() {
    for (name, words) in [
        ("../evil.csv", "climbs out"),
        ("data/../../evil.csv", "climbs out"),
        ("/etc/cron.d/evil", "absolute path"),
        ("data\\..\\evil.csv", "backslashes"),
        ("C:/Windows/evil.csv", "drive path"),
        ("data/CON.csv", "reserves for a device"),
    ] {
        let mut files = bag_files(&[("data/a.csv", b"a\r\n")]);
        files.push((name.into(), b"x".to_vec()));
        let (r, ..) = verify_hostile(&zip_files(&files));
        assert!(has(&r, words), "{name}\n{}", describe(&r));
    }
}

#[test]
fn duplicate_entry_names_are_refused() {
    // The zip library will not write duplicates, so write two names and make them the same.
    let mut files = bag_files(&[("data/a.csv", b"genuine\r\n")]);
    files.push(("data/A.CSV".into(), b"replacement\r\n".to_vec()));
    let mut zip = zip_files(&files);
    assert_eq!(patch(&mut zip, b"data/A.CSV", b"data/a.csv"), 2);
    let (r, ..) = verify_hostile(&zip);
    assert!(
        has(&r, "The zip holds 2 entries named \"data/a.csv\""),
        "{}",
        describe(&r)
    );

    // Names differing only by case collide on Windows and macOS.
    let mut files = bag_files(&[("data/a.csv", b"genuine\r\n")]);
    files.push(("data/A.csv".into(), b"other\r\n".to_vec()));
    let (r, ..) = verify_hostile(&zip_files(&files));
    assert!(
        has(&r, "differ only in upper and lower case"),
        "{}",
        describe(&r)
    );
}

#[test]
fn symlinks_are_refused() {
    let files = bag_files(&[("data/a.csv", b"a\r\n")]);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in &files {
        w.start_file(name.as_str(), opts).unwrap();
        std::io::Write::write_all(&mut w, bytes).unwrap();
    }
    w.add_symlink("data/link.csv", "/etc/passwd", opts).unwrap();
    let zip = w.finish().unwrap().into_inner();
    let (r, ..) = verify_hostile(&zip);
    assert!(has(&r, "symbolic link"), "{}", describe(&r));
}

#[test]
fn crc_damage_and_size_lies_are_refused() {
    // Same length, different content, manifests untouched: the zip CRC catches it first.
    let files = bag_files(&[("data/a.csv", b"AAAAAAAAAAAAAAAA\r\n")]);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in &files {
        w.start_file(name.as_str(), stored).unwrap();
        std::io::Write::write_all(&mut w, bytes).unwrap();
    }
    let mut zip = w.finish().unwrap().into_inner();
    assert_eq!(patch(&mut zip, b"AAAAAAAAAAAAAAAA", b"AAAAAAAABAAAAAAA"), 1);
    let (r, ..) = verify_hostile(&zip);
    assert!(has(&r, "CRC"), "{}", describe(&r));

    // A deflated entry claiming an impossible size (zip-bomb style).
    let files = bag_files(&[("data/a.csv", &[b'z'; 5000])]);
    let mut zip = zip_files(&files);
    let cd = zip
        .windows(4)
        .position(|x| x == [0x50, 0x4b, 0x01, 0x02])
        .unwrap();
    // Uncompressed size field of the first central entry (data/a.csv).
    zip[cd + 24..cd + 28].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
    let (r, ..) = verify_hostile(&zip);
    assert!(has(&r, "zip bomb"), "{}", describe(&r));
    assert!(has(&r, "headers disagree"), "{}", describe(&r));
}

#[test]
fn a_plain_file_that_is_not_a_zip_is_refused() {
    let (r, ..) = verify_hostile(b"URN,Offence\r\n1,Theft\r\n");
    assert!(has(&r, "not a readable zip archive"), "{}", describe(&r));
}

#[test]
fn malformed_zips_from_the_zip2_suite_never_panic_and_never_pass() {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suites/zip2-malformed");
    let mut n = 0;
    let entries = std::fs::read_dir(&suite)
        .unwrap_or_else(|e| panic!("the zip2 suite is missing at {}: {e}", suite.display()));
    for entry in entries {
        let p = entry.unwrap().path();
        if p.extension().and_then(|e| e.to_str()) != Some("zip") {
            continue;
        }
        n += 1;
        let bytes = std::fs::read(&p).unwrap();
        let (r, ..) = verify_hostile(&bytes);
        assert!(!r.problems.is_empty(), "{}", p.display());
        let name = p.file_name().unwrap().to_string_lossy();
        if name == "symlink.zip" {
            assert!(has(&r, "symbolic link"), "{}", describe(&r));
        }
        if name == "non_utf8.zip" {
            assert!(
                has(&r, "not valid text") || has(&r, "not a readable zip"),
                "{}",
                describe(&r)
            );
        }
    }
    assert!(n >= 15, "expected the zip2 suite, found {n} zips");
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let mut files = bag_files(&[("data/a.csv", b"genuine\r\n")]);
    files.push(("../up.csv".into(), b"x".to_vec()));
    files.push(("/abs.csv".into(), b"x".to_vec()));
    files.push(("data/B.csv".into(), b"unlisted\r\n".to_vec()));
    files.push(("data/b.csv".into(), b"unlisted\r\n".to_vec()));
    let (r, ..) = verify_hostile(&zip_files(&files));
    for words in [
        "climbs out",
        "absolute path",
        "differ only in upper and lower case",
        "data/b.csv is in the payload but not listed",
        "data/B.csv is in the payload but not listed",
        "Payload-Oxum",
    ] {
        assert!(has(&r, words), "{words}\n{}", describe(&r));
    }
}

#[test]
fn an_entry_declaring_fewer_bytes_than_it_holds_is_refused() {
    let files = bag_files(&[("data/a.csv", &[b'q'; 3000])]);
    let mut zip = zip_files(&files);
    let cd = zip
        .windows(4)
        .position(|x| x == [0x50, 0x4b, 0x01, 0x02])
        .unwrap();
    zip[cd + 24..cd + 28].copy_from_slice(&100u32.to_le_bytes());
    let (r, ..) = verify_hostile(&zip);
    assert!(has(&r, "headers disagree"), "{}", describe(&r));
    assert!(
        has(&r, "more data than the zip declares") || has(&r, "CRC") || has(&r, "cannot be read"),
        "{}",
        describe(&r)
    );
}
