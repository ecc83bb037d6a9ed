//! Writing bundles: the layout partners' stock tools expect, never overwriting, and no
//! leftovers after a failure.

use crate::bundling;

use bundling::*;
use disclose::bundle::{BundleError, BundleWriter};
use disclose::keys::Encryption;
use std::io::Write;
use std::process::Command;

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run command");
    assert!(
        out.status.success(),
        "{:?} failed: {}\n{}",
        cmd,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Writes `id` as a key file in `dir` and decrypts `bundle` with the stock age CLI, as a
/// partner without disclose would; returns the decrypted zip's path.
fn decrypt_with_stock_age(
    dir: &std::path::Path,
    id: &age::x25519::Identity,
    bundle: &std::path::Path,
) -> std::path::PathBuf {
    let key = dir.join("key.txt");
    std::fs::write(
        &key,
        format!(
            "{}\n",
            age::secrecy::ExposeSecret::expose_secret(&id.to_string())
        ),
    )
    .unwrap();
    let zip = dir.join("bundle.zip");
    run(Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&key)
        .arg("-o")
        .arg(&zip)
        .arg(bundle));
    zip
}

#[test]
fn stock_tools_decrypt_unzip_and_validate_the_bundle() {
    require("age", "apt-get install -y age");
    require("unzip", "apt-get install -y unzip");
    require("sha256sum", "apt-get install -y coreutils");
    let bagit_ok = Command::new("python3")
        .args(["-c", "import bagit"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(
        bagit_ok,
        "Python's bagit module is not installed: pip install bagit"
    );

    let dir = tempfile::tempdir().unwrap();
    let (id, r) = key_pair();
    let written = write_bundle(
        dir.path(),
        "test_2025-01_01234567.zip.age",
        &Encryption::Recipients(vec![r]),
    );
    assert_eq!(
        listing(dir.path()),
        vec![
            "test_2025-01_01234567.zip.age",
            "test_2025-01_01234567.zip.age.sha256"
        ]
    );
    assert_eq!(
        std::fs::metadata(&written.path).unwrap().len(),
        written.size
    );

    // The partner checks the checksum before decrypting.
    run(Command::new("sha256sum")
        .args(["-c", "test_2025-01_01234567.zip.age.sha256"])
        .current_dir(dir.path()));

    // age binary format, not armored.
    let head = std::fs::read(&written.path).unwrap();
    assert!(head.starts_with(b"age-encryption.org/v1\n"));

    let zip = decrypt_with_stock_age(dir.path(), &id, &written.path);
    let bag = dir.path().join("bag");
    run(Command::new("unzip")
        .arg("-q")
        .arg(&zip)
        .arg("-d")
        .arg(&bag));

    assert_eq!(std::fs::read(bag.join("data/cris.csv")).unwrap(), CRIS);
    // Entries are marked owner-only, and stock unzip keeps that.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(bag.join("data/cris.csv"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "mode {mode:o}");
    }
    assert_eq!(std::fs::read(bag.join("data/niche.csv")).unwrap(), niche());
    assert_eq!(
        std::fs::read_to_string(bag.join("bagit.txt")).unwrap(),
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    );
    let info = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    let oxum = format!("Payload-Oxum: {}.2\n", CRIS.len() + niche().len());
    assert!(info.ends_with(&oxum), "{info}");
    assert!(
        info.starts_with("Source-Organization: Test Police\n"),
        "{info}"
    );

    let manifest = run(Command::new("sha256sum")
        .args(["-c", "manifest-sha256.txt"])
        .current_dir(&bag));
    assert_eq!(manifest, "data/cris.csv: OK\ndata/niche.csv: OK\n");
    let tags = run(Command::new("sha256sum")
        .args(["-c", "tagmanifest-sha256.txt"])
        .current_dir(&bag));
    assert_eq!(
        tags,
        "bag-info.txt: OK\nbagit.txt: OK\ndisclosure-record.json: OK\ndisclosure-record.txt: OK\nmanifest-sha256.txt: OK\n"
    );
    // The manifest's hashes are the ones the writer reported.
    let m = std::fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
    for f in &written.payload {
        assert!(m.contains(&format!("{}  {}\n", f.sha256, f.path)));
    }

    run(Command::new("python3")
        .args(["-m", "bagit", "--validate"])
        .arg(&bag));

    // And disclose's own folder check agrees with bagit-python on the unzipped bag.
    let report = disclose::verify::verify_bag_dir(&bag);
    assert!(report.ok(), "{:?}", report.problems);
}

#[test]
fn existing_bundle_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let (_, r) = key_pair();
    let enc = Encryption::Recipients(vec![r]);
    let target = dir.path().join("b.zip.age");
    std::fs::write(&target, b"the earlier bundle").unwrap();
    let e = BundleWriter::create(dir.path(), "b.zip.age", &enc).unwrap_err();
    assert!(matches!(e, BundleError::Exists { .. }), "{e}");
    assert!(e.to_string().contains("never overwrites"));
    assert_eq!(std::fs::read(&target).unwrap(), b"the earlier bundle");
    assert_eq!(listing(dir.path()), vec!["b.zip.age"]);

    // A stray checksum file blocks the bundle too, so the pair always matches.
    let sum = dir.path().join("c.zip.age.sha256");
    std::fs::write(&sum, b"x").unwrap();
    assert!(matches!(
        BundleWriter::create(dir.path(), "c.zip.age", &enc),
        Err(BundleError::Exists { .. })
    ));
}

#[test]
fn target_appearing_while_writing_is_not_overwritten_and_temp_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (_, r) = key_pair();
    let enc = Encryption::Recipients(vec![r]);
    let mut w = BundleWriter::create(dir.path(), "b.zip.age", &enc).unwrap();
    w.payload("data/a.csv").unwrap().write_all(CRIS).unwrap();
    // Another run finishes first.
    std::fs::write(dir.path().join("b.zip.age"), b"other run").unwrap();
    let e = w.finish(&bag_info(), record()).unwrap_err();
    assert!(matches!(e, BundleError::Exists { .. }), "{e}");
    assert_eq!(
        std::fs::read(dir.path().join("b.zip.age")).unwrap(),
        b"other run"
    );
    // No temp file and no orphan checksum file.
    assert_eq!(listing(dir.path()), vec!["b.zip.age"]);
}

#[test]
fn dropped_writer_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, r) = key_pair();
    let enc = Encryption::Recipients(vec![r]);
    let mut w = BundleWriter::create(dir.path(), "b.zip.age", &enc).unwrap();
    w.payload("data/a.csv")
        .unwrap()
        .write_all(&niche())
        .unwrap();
    let during = listing(dir.path());
    assert_eq!(during.len(), 1);
    assert!(during[0].starts_with(".disclose-tmp-"), "{during:?}");
    // Only ciphertext in the temp file, never the CSV text.
    let bytes = std::fs::read(dir.path().join(&during[0])).unwrap();
    assert!(!bytes.windows(9).any(|w| w == b"N00001,li"));
    drop(w);
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn bad_names_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (_, r) = key_pair();
    let enc = Encryption::Recipients(vec![r]);
    assert!(matches!(
        BundleWriter::create(dir.path(), "../escape.zip.age", &enc),
        Err(BundleError::BadName { .. })
    ));
    let mut w = BundleWriter::create(dir.path(), "b.zip.age", &enc).unwrap();
    assert!(matches!(
        w.payload("../x.csv"),
        Err(BundleError::BadName { .. })
    ));
    assert!(matches!(
        w.payload("data/../x.csv"),
        Err(BundleError::BadName { .. })
    ));
    w.payload("data/a.csv").unwrap();
    assert!(matches!(
        w.payload("data/a.csv"),
        Err(BundleError::Duplicate { .. })
    ));
    let e = w
        .finish(&bag_info(), vec![("bagit.txt".into(), vec![])])
        .unwrap_err();
    assert!(matches!(e, BundleError::BadName { .. }), "{e}");
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn empty_recipient_list_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        BundleWriter::create(dir.path(), "b.zip.age", &Encryption::Recipients(vec![])),
        Err(BundleError::NoRecipients)
    ));
    assert!(listing(dir.path()).is_empty());
}

/// A payload of several deflate chunks (they are compressed in parallel and joined), read back
/// by the unzips partners have: 7-Zip, libarchive (Windows' own tar.exe), Python's zipfile.
#[test]
fn seven_zip_bsdtar_and_python_read_a_multi_chunk_bundle() {
    require("age", "apt-get install -y age");
    require("7z", "apt-get install -y p7zip-full");
    require("bsdtar", "apt-get install -y libarchive-tools");
    let payload: Vec<u8> = (0..120_000u32)
        .flat_map(|i| {
            format!("{i:07}/26,Robbery,Ward {},Beat {}\r\n", i % 17, i * 7 % 101).into_bytes()
        })
        .collect();
    assert!(payload.len() > 3 << 20, "want several 1 MiB chunks");
    let dir = tempfile::tempdir().unwrap();
    let (id, r) = key_pair();
    let mut w = BundleWriter::create(
        dir.path(),
        "big_2025-01_01234567.zip.age",
        &Encryption::Recipients(vec![r]),
    )
    .unwrap();
    {
        let mut p = w.payload("data/big.csv").unwrap();
        for piece in payload.chunks(8191) {
            p.write_all(piece).unwrap();
        }
    }
    let written = w.finish(&bag_info(), record()).unwrap();
    let zip = decrypt_with_stock_age(dir.path(), &id, &written.path);

    let seven = dir.path().join("7z");
    run(Command::new("7z")
        .arg("x")
        .arg("-y")
        .arg(format!("-o{}", seven.display()))
        .arg(&zip));
    assert_eq!(std::fs::read(seven.join("data/big.csv")).unwrap(), payload);

    let tar = dir.path().join("tar");
    std::fs::create_dir(&tar).unwrap();
    run(Command::new("bsdtar")
        .arg("-xf")
        .arg(&zip)
        .arg("-C")
        .arg(&tar));
    assert_eq!(std::fs::read(tar.join("data/big.csv")).unwrap(), payload);

    let listing = run(Command::new("python3")
        .arg("-c")
        .arg(
            "import sys, zipfile\n\
         z = zipfile.ZipFile(sys.argv[1])\n\
         assert z.testzip() is None\n\
         for i in z.infolist(): print(i.filename, i.file_size, oct(i.external_attr >> 16))",
        )
        .arg(&zip));
    assert!(
        listing.starts_with(&format!(
            "data/big.csv {} 0o100600\nbagit.txt ",
            payload.len()
        )),
        "{listing}"
    );
}
