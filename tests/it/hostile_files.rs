//! The hostile files of issue 16's table, through the real binary: each row's file, generated
//! here where it is large, and the exact outcome: exit 2 for bad input or usage, 1 for a
//! verification failure, one sentence naming the problem and saying what to do, and nothing
//! written. A run that hangs (a FIFO read, `/dev/zero` read to the end) is killed and fails.
//!
//! How long and how much memory a refusal takes is measured, not tested (the issue asks for
//! under a second and 64 MB): this file checks the behaviour that keeps them small, that the
//! file is refused before it is read.
// FIFOs, /dev/zero and symlinks made with mkfifo and std::os::unix: Unix only.
#![cfg(unix)]

use crate::bundling;
use crate::common;

use common::fixture;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// A partner's key, labelled with who it is (an unlabelled recipient is refused).
const PK: &str = "Test Partner, YOT=age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

use crate::common::BROMLEY_READY as BROMLEY_ACKS;

/// Runs the binary, killing it (and failing) if it has not finished within a minute: a read
/// that hangs on a FIFO or never ends on a device must not hang the test suite too. (A guard,
/// not a timing: a refusal takes milliseconds.)
fn run(args: &[&std::ffi::OsStr], register: &Path) -> Output {
    let child = common::bin()
        .args(args)
        .env("DISCLOSE_REGISTER", register)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(out) => out.expect("the binary ran"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("disclose {args:?} hung (killed after a minute)");
        }
    }
}

fn os<'a>(v: &'a [&'a str]) -> Vec<&'a std::ffi::OsStr> {
    v.iter().map(std::ffi::OsStr::new).collect()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Exit 2, stdout empty, and stderr an `error:` line holding every one of `words`.
fn assert_usage_error(what: &str, out: &Output, words: &[&str]) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
    let first = err.lines().next().unwrap_or("");
    assert!(first.starts_with("error: "), "{what}: {err}");
    for w in words {
        assert!(err.contains(w), "{what}: expected {w:?} in {err:?}");
    }
    assert!(out.stdout.is_empty(), "{what}: {}", text(&out.stdout));
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Paths that are not small regular files, each with the words its refusal must hold.
struct Hostile {
    _dir: tempfile::TempDir,
    cases: Vec<(&'static str, PathBuf, &'static str)>,
}

fn hostile_paths() -> Hostile {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo failed");
    // 5 GiB, sparse: nothing is written, and reading it whole would exhaust memory.
    let huge = dir.path().join("huge.txt");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(5 << 30)
        .unwrap();
    Hostile {
        cases: vec![
            ("a FIFO", fifo, "is a named pipe (FIFO), not a regular file"),
            (
                "/dev/zero",
                "/dev/zero".into(),
                "is a device, not a regular file",
            ),
            (
                "a folder",
                dir.path().to_path_buf(),
                "is a folder, not a regular file",
            ),
            (
                "a 5 GiB file",
                huge,
                "is 5 GiB, larger than such a file can be",
            ),
        ],
        _dir: dir,
    }
}

// ---------------------------------------------------------------------------------------------
// (a) identity, passphrase, recipients, register and input paths that are not regular files

#[test]
fn key_and_passphrase_files_that_are_fifos_devices_or_huge_are_refused_unread() {
    let hostile = hostile_paths();
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("register.jsonl");
    let bundle = dir.path().join("b.zip.age");
    std::fs::write(&bundle, b"age-encryption.org/v1\n").unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let input = fixture("cris-victims.csv");
    for (what, path, words) in &hostile.cases {
        let p = path.as_os_str();
        let b = bundle.as_os_str();
        let mut pack = os(&[
            "pack",
            "--profile",
            "bromley-yot-victims",
            "--period",
            "2026-10",
        ]);
        pack.extend([std::ffi::OsStr::new("--input"), input.as_os_str()]);
        pack.extend([std::ffi::OsStr::new("--out"), out_dir.as_os_str()]);
        pack.extend(os(BROMLEY_ACKS));
        let uses: Vec<(&str, Vec<&std::ffi::OsStr>)> = vec![
            (
                "verify --identity",
                [os(&["verify"]), vec![b], os(&["--identity"]), vec![p]].concat(),
            ),
            (
                "verify --passphrase-file",
                [
                    os(&["verify"]),
                    vec![b],
                    os(&["--passphrase-file"]),
                    vec![p],
                ]
                .concat(),
            ),
            (
                "pack --passphrase-file",
                [pack.clone(), os(&["--passphrase-file"]), vec![p]].concat(),
            ),
            (
                "pack --recipients-file",
                [pack.clone(), os(&["--recipients-file"]), vec![p]].concat(),
            ),
        ];
        for (flag, args) in uses {
            let out = run(&args, &register);
            let label = format!("{flag} {what}");
            assert_usage_error(&label, &out, &[words, "small text file"]);
            assert!(
                entries(&out_dir).is_empty(),
                "{label}: {:?}",
                entries(&out_dir)
            );
            assert!(!register.exists(), "{label}: a register was made");
        }
    }
}

#[test]
fn a_register_that_is_a_fifo_device_or_huge_is_refused_unread_and_nothing_is_written() {
    let hostile = hostile_paths();
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let input = fixture("cris-victims.csv");
    for (what, path, words) in &hostile.cases {
        let p = path.as_os_str();
        let mut pack = os(&[
            "pack",
            "--profile",
            "bromley-yot-victims",
            "--period",
            "2026-10",
        ]);
        pack.extend([std::ffi::OsStr::new("--input"), input.as_os_str()]);
        pack.extend([std::ffi::OsStr::new("--out"), out_dir.as_os_str()]);
        pack.extend(os(BROMLEY_ACKS));
        pack.extend(os(&["--recipient", PK, "--register"]));
        pack.push(p);
        let uses: Vec<(&str, Vec<&std::ffi::OsStr>)> = vec![
            (
                "register",
                [os(&["register", "--register"]), vec![p]].concat(),
            ),
            (
                "register --verify",
                [os(&["register", "--verify", "--register"]), vec![p]].concat(),
            ),
            (
                "register --csv",
                [os(&["register", "--csv", "--register"]), vec![p]].concat(),
            ),
            (
                "register --json",
                [os(&["register", "--json", "--register"]), vec![p]].concat(),
            ),
            ("pack --register", pack),
        ];
        for (flag, args) in uses {
            let out = run(&args, &dir.path().join("unused.jsonl"));
            let label = format!("{flag} {what}");
            assert_usage_error(&label, &out, &[words, "names the register file"]);
            assert!(
                entries(&out_dir).is_empty(),
                "{label}: {:?}",
                entries(&out_dir)
            );
        }
    }
    // The same through DISCLOSE_REGISTER.
    let fifo = &hostile.cases[0].1;
    let out = run(&os(&["register", "--verify"]), fifo);
    assert_usage_error("DISCLOSE_REGISTER=FIFO", &out, &["named pipe (FIFO)"]);
}

#[test]
fn an_input_that_is_a_fifo_or_device_is_refused_as_not_a_regular_file() {
    let hostile = hostile_paths();
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("register.jsonl");
    let mut cases: Vec<(&str, PathBuf, &str)> = hostile
        .cases
        .iter()
        .filter(|(what, ..)| *what != "a 5 GiB file") // a big export is read as a stream
        .map(|(w, p, words)| (*w, p.clone(), *words))
        .collect();
    cases.push((
        "/dev/urandom",
        "/dev/urandom".into(),
        "is a device, not a regular file",
    ));
    for (what, path, words) in cases {
        let out = common::merton_dry_run(&path, &[]);
        assert_usage_error(what, &out, &[words, "Give the export file itself"]);
        assert!(
            !text(&out.stderr).contains("empty"),
            "{what}: {}",
            text(&out.stderr)
        );
        // And when writing, before anything is made.
        let out_dir = dir.path().join("out");
        std::fs::create_dir_all(&out_dir).unwrap();
        let mut args = os(&["pack", "--profile", "merton-asb-panel", "--recipient", PK]);
        args.extend([std::ffi::OsStr::new("--input"), path.as_os_str()]);
        args.extend([std::ffi::OsStr::new("--out"), out_dir.as_os_str()]);
        let out = run(&args, &register);
        assert_usage_error(what, &out, &[words]);
        assert!(entries(&out_dir).is_empty());
        assert!(!register.exists());
    }
}

#[test]
fn a_bundle_path_that_is_a_fifo_or_device_is_refused_unread() {
    let hostile = hostile_paths();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.txt");
    let register = dir.path().join("register.jsonl");
    let made = run(
        &[
            std::ffi::OsStr::new("keygen"),
            "-o".as_ref(),
            key.as_os_str(),
        ],
        &register,
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    for (what, path, words) in &hostile.cases[..2] {
        let mut args = os(&["verify"]);
        args.push(path.as_os_str());
        args.extend([std::ffi::OsStr::new("--identity"), key.as_os_str()]);
        let out = run(&args, &register);
        assert_usage_error(what, &out, &[words, "Give the bundle file itself"]);
    }
}

/// The library's own check, as the interactive screens call it: a problem, nothing read.
#[test]
fn verify_bundle_reports_a_fifo_bundle_without_reading_it() {
    let hostile = hostile_paths();
    let (id, _) = (age::x25519::Identity::generate(), ());
    let r = disclose::verify::verify_bundle(
        &hostile.cases[0].1,
        &disclose::verify::Decryption::Identities(vec![id]),
        None,
        None,
    );
    assert!(!r.ok());
    assert!(
        r.problems[0].contains("is a named pipe (FIFO), not a regular file, so it was not read"),
        "{:?}",
        r.problems
    );
}

// ---------------------------------------------------------------------------------------------
// (b) age headers: many stanzas, one endless line

/// An age header of `stanzas` well-formed X25519 stanzas, its MAC line, and a few bytes of
/// "payload": what a forged bundle of that shape looks like.
fn age_header_of(stanzas: usize) -> Vec<u8> {
    let mut v = b"age-encryption.org/v1\n".to_vec();
    for i in 0..stanzas {
        // 43 base64 characters (a 32-byte share, and a wrapped key): the last one canonical.
        let share = format!("{i:0>42}A");
        v.extend_from_slice(format!("-> X25519 {share}\n{share}\n").as_bytes());
    }
    v.extend_from_slice(format!("--- {:0>42}A\n", 0).as_bytes());
    v.extend_from_slice(&[7u8; 16 + 64]);
    v
}

fn verify_json(bundle: &Path, key: &Path) -> (Output, serde_json::Value) {
    let mut args = os(&["verify", "--json"]);
    args.push(bundle.as_os_str());
    args.extend([std::ffi::OsStr::new("--identity"), key.as_os_str()]);
    let out = run(&args, &bundle.with_extension("register"));
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} {}", text(&out.stdout), text(&out.stderr)));
    (out, v)
}

fn keygen(dir: &Path) -> PathBuf {
    let key = dir.join("key.txt");
    let made = run(
        &[
            std::ffi::OsStr::new("keygen"),
            "-o".as_ref(),
            key.as_os_str(),
        ],
        &dir.join("register.jsonl"),
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    key
}

#[test]
fn an_age_header_of_thousands_of_stanzas_is_refused_before_age_parses_it() {
    let dir = tempfile::tempdir().unwrap();
    let key = keygen(dir.path());
    let limit = disclose::keys::MAX_HEADER_STANZAS;
    for stanzas in [limit + 1, 10_000, 100_000] {
        let bundle = dir.path().join(format!("s{stanzas}.zip.age"));
        std::fs::write(&bundle, age_header_of(stanzas)).unwrap();
        let (out, v) = verify_json(&bundle, &key);
        assert_eq!(out.status.code(), Some(1), "{stanzas}: {v}");
        let problems = v["problems"].as_array().unwrap();
        assert_eq!(problems.len(), 1, "{stanzas}: {problems:?}");
        let p = problems[0].as_str().unwrap();
        assert!(
            p.contains(&format!("holds more than {limit} recipient stanzas"))
                && p.contains("ask the sender to send it again"),
            "{stanzas}: {p}"
        );
    }
    // At the limit the header goes on to age, which finds no stanza for this key.
    let bundle = dir.path().join("at-limit.zip.age");
    std::fs::write(&bundle, age_header_of(limit)).unwrap();
    let (out, v) = verify_json(&bundle, &key);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        v["problems"][0]
            .as_str()
            .unwrap()
            .starts_with("Not for you"),
        "{v}"
    );
}

#[test]
fn an_age_header_line_of_200_mb_is_refused_after_reading_at_most_16_kib() {
    let dir = tempfile::tempdir().unwrap();
    let key = keygen(dir.path());
    let bundle = dir.path().join("long-line.zip.age");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&bundle).unwrap();
        f.write_all(b"age-encryption.org/v1\n-> X25519 AAAA")
            .unwrap();
        // The rest of the 200 MB line: sparse, so the test writes almost nothing.
        f.set_len(200 << 20).unwrap();
    }
    let (out, v) = verify_json(&bundle, &key);
    assert_eq!(out.status.code(), Some(1), "{v}");
    let p = v["problems"][0].as_str().unwrap();
    assert!(
        p.contains("age header is too large: it does not end within 16 KiB"),
        "{p}"
    );
    assert_eq!(v["problems"].as_array().unwrap().len(), 1, "{v}");
}

/// The recipient cap is the header cap's other half: a bundle to the most recipients verifies,
/// and pack refuses one more, so it never writes a bundle its own verify would refuse.
#[test]
fn pack_refuses_more_recipients_than_verify_reads_and_verifies_the_most_it_writes() {
    use age::secrecy::ExposeSecret;
    let dir = tempfile::tempdir().unwrap();
    let max = disclose::keys::MAX_RECIPIENTS;
    let ids: Vec<age::x25519::Identity> = (0..=max)
        .map(|_| age::x25519::Identity::generate())
        .collect();
    let key = dir.path().join("last-key.txt");
    std::fs::write(&key, ids[max - 1].to_string().expose_secret()).unwrap();
    let register = dir.path().join("register.jsonl");
    let input = fixture("cris-victims.csv");
    for count in [max + 1, max] {
        let list: String = ids[..count]
            .iter()
            .enumerate()
            .map(|(n, i)| format!("# Partner {n}, test\n{}\n", i.to_public()))
            .collect();
        let file = dir.path().join(format!("recipients-{count}.txt"));
        std::fs::write(&file, list).unwrap();
        let out_dir = dir.path().join(format!("out-{count}"));
        std::fs::create_dir(&out_dir).unwrap();
        let mut args = os(&["pack", "--profile", "bromley-yot-victims", "--json"]);
        args.extend([std::ffi::OsStr::new("--input"), input.as_os_str()]);
        args.extend([std::ffi::OsStr::new("--out"), out_dir.as_os_str()]);
        args.extend([std::ffi::OsStr::new("--recipients-file"), file.as_os_str()]);
        args.extend(os(BROMLEY_ACKS));
        let out = run(&args, &register);
        if count > max {
            assert_usage_error(
                "too many recipients",
                &out,
                &[
                    &format!("{count} recipients were given"),
                    &format!("at most {max}"),
                ],
            );
            assert!(entries(&out_dir).is_empty());
            continue;
        }
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let bundle = PathBuf::from(v["bundle"].as_str().unwrap());
        let (out, v) = verify_json(&bundle, &key);
        assert_eq!(out.status.code(), Some(0), "{v}");
    }
}

// ---------------------------------------------------------------------------------------------
// (c) verify: what a bundle holds, how it ends, how its names compare, how far it inflates

/// `zip` encrypted to a new key, then `disclose verify --json --extract`: the run, its report,
/// and the folder extraction was asked for (inside a temporary folder).
struct Verified {
    dir: tempfile::TempDir,
    out: Output,
    json: serde_json::Value,
}

impl Verified {
    fn extract_dir(&self) -> PathBuf {
        self.dir.path().join("received")
    }
    fn problems(&self) -> Vec<String> {
        self.json["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect()
    }
    fn has(&self, words: &str) -> bool {
        self.problems().iter().any(|p| p.contains(words))
    }
    /// Exit 1, `words` among the problems, and nothing extracted: the folder not even made.
    fn assert_refused(&self, words: &str) {
        assert_eq!(self.out.status.code(), Some(1), "{}", self.json);
        assert!(self.has(words), "{words:?} not in {:#?}", self.problems());
        assert!(!self.extract_dir().exists(), "the folder was made");
    }
}

fn verify_zip(zip: &[u8]) -> Verified {
    use age::secrecy::ExposeSecret;
    let dir = tempfile::tempdir().unwrap();
    let (id, r) = bundling::key_pair();
    let key = dir.path().join("key.txt");
    std::fs::write(&key, id.to_string().expose_secret()).unwrap();
    let bundle = dir.path().join("b.zip.age");
    std::fs::write(&bundle, bundling::encrypt_to(&r, zip)).unwrap();
    let mut args = os(&["verify", "--json"]);
    args.push(bundle.as_os_str());
    args.extend([std::ffi::OsStr::new("--identity"), key.as_os_str()]);
    let extract = dir.path().join("received");
    args.extend([std::ffi::OsStr::new("--extract"), extract.as_os_str()]);
    let out = run(&args, &dir.path().join("register.jsonl"));
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} {}", text(&out.stdout), text(&out.stderr)));
    Verified { dir, out, json }
}

#[test]
fn the_hand_built_bag_verifies_so_the_cases_below_mean_something() {
    let files = bundling::bag_files(&[("data/a.csv", b"a,b\r\n1,2\r\n")]);
    let v = verify_zip(&bundling::zip_files(&files));
    assert_eq!(v.out.status.code(), Some(0), "{}", v.json);
    assert_eq!(
        std::fs::read(v.extract_dir().join("data/a.csv")).unwrap(),
        b"a,b\r\n1,2\r\n"
    );
}

#[test]
fn a_file_at_the_bag_root_that_no_manifest_lists_fails() {
    for name in ["notes.txt", "extra/notes.txt", "bagit.txt.bak"] {
        let mut files = bundling::bag_files(&[("data/a.csv", b"a\r\n")]);
        files.push((name.into(), b"smuggled\n".to_vec()));
        let v = verify_zip(&bundling::zip_files(&files));
        v.assert_refused(&format!(
            "{name} is in the bundle but listed in no manifest"
        ));
        assert_eq!(v.problems().len(), 1, "{name}: {:#?}", v.problems());
    }
}

#[test]
fn bytes_after_the_end_of_the_zip_are_refused() {
    let files = bundling::bag_files(&[("data/a.csv", b"a\r\n")]);
    let zip = bundling::zip_files(&files);
    for tail in [&b"x"[..], b"PK\x05\x06 not an end record", &[0u8; 5000]] {
        let mut bytes = zip.clone();
        bytes.extend_from_slice(tail);
        let v = verify_zip(&bytes);
        v.assert_refused(&format!(
            "The zip archive has {} of unexpected data after its end",
            if tail.len() == 1 {
                "1 byte".to_string()
            } else {
                format!("{} bytes", tail.len())
            }
        ));
    }
}

#[test]
fn names_that_differ_only_in_unicode_normalisation_are_refused() {
    let composed = "data/caf\u{e9}.csv"; // é as one character (NFC)
    let decomposed = "data/cafe\u{301}.csv"; // e and a combining acute accent (NFD)
    let files = bundling::bag_files(&[(composed, b"one\r\n"), (decomposed, b"two\r\n")]);
    let v = verify_zip(&bundling::zip_files(&files));
    v.assert_refused("differ only in how their accented letters are encoded");
    // And with case on top: CAFÉ (NFD) against café (NFC).
    let upper = "data/CAFE\u{301}.csv";
    let files = bundling::bag_files(&[(composed, b"one\r\n"), (upper, b"two\r\n")]);
    let v = verify_zip(&bundling::zip_files(&files));
    v.assert_refused("only in upper and lower case and in how their accented letters");
}

#[test]
fn an_entry_inflating_a_thousandfold_past_64_mib_is_refused_unread() {
    use std::io::Write;
    // 200 MiB of one repeated line deflates about a thousandfold: within deflate's own limit,
    // so the size lie check passes it; the inflation limit does not.
    let size = 200usize << 20;
    let line = b"00000000,same\r\n";
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("data/a.csv", zip::write::SimpleFileOptions::default())
        .unwrap();
    let block = line.repeat(65536 / line.len());
    let mut written = 0;
    while written < size {
        let n = block.len().min(size - written);
        w.write_all(&block[..n]).unwrap();
        written += n;
    }
    let zip = w.finish().unwrap().into_inner();
    assert!(zip.len() < (size / disclose::verify::MAX_INFLATION as usize));
    let v = verify_zip(&zip);
    v.assert_refused("would unpack to 200 MiB from");
    assert!(
        v.has("zip bomb or damaged. It was not unpacked."),
        "{:#?}",
        v.problems()
    );
}

#[test]
fn pack_refuses_a_payload_that_verify_would_take_for_a_zip_bomb() {
    use disclose::bundle::{BundleError, BundleWriter};
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let (_, r) = bundling::key_pair();
    let enc = disclose::keys::Encryption::Recipients(vec![r]);
    let mut w = BundleWriter::create(dir.path(), "t_2025-01_0a1b2c3d.zip.age", &enc).unwrap();
    {
        let mut p = w.payload("data/a.csv").unwrap();
        let block = b"Bromley\r\n".repeat(8192);
        for _ in 0..(70 << 20) / block.len() {
            p.write_all(&block).unwrap();
        }
    }
    let e = w
        .payload("data/b.csv")
        .err()
        .expect("the bundle is refused");
    assert!(matches!(e, BundleError::InflatesTooFar { .. }), "{e}");
    let said = e.to_string();
    assert!(
        said.contains("data/a.csv is 70 MiB") && said.contains("more than 100-fold"),
        "{said}"
    );
    drop(w);
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

#[test]
fn extraction_leaves_nothing_under_a_final_name_until_all_is_checked() {
    // Extracted: exactly the bag's files, and no temporary folder beside them. (A failure part
    // way through, and a killed run's folder, are tested in src/verify/extract.rs.)
    let files = bundling::bag_files(&[("data/a.csv", b"first\r\n"), ("data/b.csv", b"second\r\n")]);
    let v = verify_zip(&bundling::zip_files(&files));
    assert_eq!(v.out.status.code(), Some(0), "{}", v.json);
    assert_eq!(
        entries(&v.extract_dir()),
        [
            "bag-info.txt",
            "bagit.txt",
            "data",
            "disclosure-record.json",
            "manifest-sha256.txt",
            "tagmanifest-sha256.txt"
        ]
    );
    // Into a folder where one of the bag's names is taken: refused before anything is written,
    // and no temporary folder is left.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bagit.txt"), b"mine").unwrap();
    let (id, r) = bundling::key_pair();
    let bundle = dir.path().join("b.zip.age");
    std::fs::write(
        &bundle,
        bundling::encrypt_to(&r, &bundling::zip_files(&files)),
    )
    .unwrap();
    let report = disclose::verify::verify_bundle(
        &bundle,
        &disclose::verify::Decryption::Identities(vec![id]),
        None,
        Some(dir.path()),
    );
    assert!(!report.ok());
    assert!(
        report.problems[0].contains("bagit.txt already exists"),
        "{:?}",
        report.problems
    );
    assert_eq!(entries(dir.path()), ["b.zip.age", "bagit.txt"]);
    assert_eq!(
        std::fs::read(dir.path().join("bagit.txt")).unwrap(),
        b"mine"
    );
}

// ---------------------------------------------------------------------------------------------
// (d) the .sha256 beside a bundle, and --sha256

/// A real bundle (the library's writer) in a folder, with its `.sha256`, and its key.
fn bundle_with_checksum() -> (tempfile::TempDir, disclose::bundle::Written, PathBuf) {
    use age::secrecy::ExposeSecret;
    let dir = tempfile::tempdir().unwrap();
    let (id, r) = bundling::key_pair();
    let key = dir.path().join("key.txt");
    std::fs::write(&key, id.to_string().expose_secret()).unwrap();
    let w = bundling::write_bundle(
        dir.path(),
        "b.zip.age",
        &disclose::keys::Encryption::Recipients(vec![r]),
    );
    (dir, w, key)
}

fn verify_with(bundle: &Path, key: &Path, extra: &[&str]) -> (Output, serde_json::Value) {
    let mut args = os(&["verify", "--json"]);
    args.push(bundle.as_os_str());
    args.extend([std::ffi::OsStr::new("--identity"), key.as_os_str()]);
    args.extend(os(extra));
    let out = run(&args, &bundle.with_extension("register"));
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out, v)
}

#[test]
fn a_checksum_file_that_is_not_exactly_sha256sums_line_for_this_bundle_fails() {
    let (_dir, w, key) = bundle_with_checksum();
    let good = std::fs::read_to_string(&w.checksum_path).unwrap();
    assert_eq!(good, format!("{}  b.zip.age\n", w.sha256));
    let (out, v) = verify_with(&w.path, &key, &[]);
    assert_eq!(out.status.code(), Some(0), "{v}");
    let cases: &[(String, &str)] = &[
        (
            format!("{}  other.zip.age\n", w.sha256),
            "it names \"other.zip.age\", not this bundle",
        ),
        (format!("{good}{good}"), "it holds 2 lines"),
        (format!("{good}extra\n"), "it holds 2 lines"),
        (
            format!("{}  b.zip.age", w.sha256),
            "it does not end with a line break",
        ),
        (
            format!("{} b.zip.age\n", w.sha256),
            "followed by two spaces",
        ),
        (format!("{}\n", w.sha256), "followed by two spaces"),
        (
            format!("{}  b.zip.age\n", &w.sha256[..60]),
            "does not start with a SHA-256",
        ),
        ("\n".into(), "too short"),
    ];
    for (text, words) in cases {
        std::fs::write(&w.checksum_path, text).unwrap();
        let (out, v) = verify_with(&w.path, &key, &[]);
        assert_eq!(out.status.code(), Some(1), "{text:?}: {v}");
        let p = v["problems"][0].as_str().unwrap();
        assert!(
            p.starts_with("b.zip.age.sha256 is not a checksum file for this bundle")
                && p.contains(words),
            "{text:?}: {p}"
        );
    }
    // sha256sum's binary-mode marker is its format too.
    std::fs::write(&w.checksum_path, format!("{} *b.zip.age\n", w.sha256)).unwrap();
    let (out, v) = verify_with(&w.path, &key, &[]);
    assert_eq!(out.status.code(), Some(0), "{v}");
}

#[test]
fn a_given_sha256_that_disagrees_with_the_checksum_file_fails() {
    let (_dir, w, key) = bundle_with_checksum();
    let other = "ab".repeat(32);
    let (out, v) = verify_with(&w.path, &key, &["--sha256", &other]);
    assert_eq!(out.status.code(), Some(1), "{v}");
    let problems: Vec<&str> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("The SHA-256 you gave and the one in b.zip.age.sha256 disagree")),
        "{problems:?}"
    );
    // Agreeing (in either case) passes.
    let (out, v) = verify_with(&w.path, &key, &["--sha256", &w.sha256.to_uppercase()]);
    assert_eq!(out.status.code(), Some(0), "{v}");
}

#[test]
fn a_sha256_that_is_not_one_is_a_usage_error() {
    let (_dir, w, key) = bundle_with_checksum();
    for bad in ["abc", "", &"g".repeat(64), &"a".repeat(65)] {
        let (out, _) = verify_with(&w.path, &key, &["--sha256", bad]);
        assert_usage_error(
            bad,
            &out,
            &["is not a SHA-256", "64 characters, 0-9 and a-f"],
        );
    }
}

// ---------------------------------------------------------------------------------------------
// --profiles DIR: every *.toml there is read, so each must be a small regular file

#[test]
fn a_profile_that_is_a_fifo_device_or_huge_is_refused_unread() {
    let hostile = hostile_paths();
    for (what, path, words) in &hostile.cases {
        if *what == "a folder" {
            continue; // a folder named x.toml: below
        }
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("hostile.toml");
        std::os::unix::fs::symlink(path, &target).unwrap();
        let mut args = os(&["--profiles"]);
        args.push(dir.path().as_os_str());
        args.extend(os(&["profiles"]));
        let out = run(&args, &dir.path().join("register.jsonl"));
        let words = if *what == "a 5 GiB file" {
            "is 5 GiB, larger than such a file can be (at most 1 MiB)"
        } else {
            words
        };
        assert_usage_error(
            what,
            &out,
            &["hostile.toml: cannot read: it ", words, "--profiles folder"],
        );
        assert_eq!(entries(dir.path()), ["hostile.toml"], "{what}");
    }
    // A folder named like a profile, and a profile that is not text.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("folder.toml")).unwrap();
    let mut args = os(&["--profiles"]);
    args.push(dir.path().as_os_str());
    args.extend(os(&["profiles"]));
    let out = run(&args, &dir.path().join("register.jsonl"));
    assert_usage_error(
        "folder",
        &out,
        &["folder.toml: cannot read: it is a folder, not a regular file"],
    );
    std::fs::remove_dir(dir.path().join("folder.toml")).unwrap();
    std::fs::write(dir.path().join("binary.toml"), b"id = \"\xff\"\n").unwrap();
    let out = run(&args, &dir.path().join("register.jsonl"));
    assert_usage_error(
        "not UTF-8",
        &out,
        &["binary.toml: cannot read: it is not UTF-8 text"],
    );
}

// ---------------------------------------------------------------------------------------------
// (e) input names that Windows reserves, or that differ only in case: pack names its payload
// files so that its own bundles verify and unpack everywhere

/// Packs the Bromley fixture copied to each of `inputs` (paths relative to a fresh folder),
/// verifies the bundle and extracts it: the payload names, in the record's order, each with the
/// input file it came from.
fn pack_named(inputs: &[&str]) -> Vec<(String, String)> {
    use age::secrecy::ExposeSecret;
    let dir = tempfile::tempdir().unwrap();
    let (id, r) = bundling::key_pair();
    let key = dir.path().join("key.txt");
    std::fs::write(&key, id.to_string().expose_secret()).unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let mut args = os(&[
        "pack",
        "--profile",
        "bromley-yot-victims",
        "--period",
        "2026-10",
        "--json",
    ]);
    let paths: Vec<PathBuf> = inputs.iter().map(|i| dir.path().join(i)).collect();
    for p in &paths {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::copy(fixture("cris-victims.csv"), p).unwrap();
        args.extend([std::ffi::OsStr::new("--input"), p.as_os_str()]);
    }
    let public = format!("Test Partner, YOT={}", r.public_key());
    args.extend([std::ffi::OsStr::new("--recipient"), public.as_ref()]);
    args.extend([std::ffi::OsStr::new("--out"), out_dir.as_os_str()]);
    args.extend(os(BROMLEY_ACKS));
    let out = run(&args, &dir.path().join("register.jsonl"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{inputs:?}: {}",
        text(&out.stderr)
    );
    let packed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bundle = PathBuf::from(packed["bundle"].as_str().unwrap());

    let received = dir.path().join("received");
    let mut args = os(&["verify", "--json"]);
    args.push(bundle.as_os_str());
    args.extend([std::ffi::OsStr::new("--identity"), key.as_os_str()]);
    args.extend([std::ffi::OsStr::new("--extract"), received.as_os_str()]);
    let out = run(&args, &dir.path().join("register.jsonl"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{inputs:?}: {v}");
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(received.join("disclosure-record.json")).unwrap())
            .unwrap();
    let payload: Vec<(String, String)> = record["payload"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let path = p["path"].as_str().unwrap().to_string();
            let input = p["input"].as_str().unwrap().to_string();
            (path, input)
        })
        .collect();
    let mut extracted = entries(&received.join("data"));
    let mut listed: Vec<String> = payload
        .iter()
        .map(|(p, _)| p.strip_prefix("data/").unwrap().to_string())
        .collect();
    extracted.sort();
    listed.sort();
    assert_eq!(extracted, listed, "{inputs:?}");
    payload
}

#[test]
fn inputs_named_for_windows_devices_are_packed_under_names_that_verify_and_unpack() {
    let own = |p: &str, i: &str| (p.to_string(), i.to_string());
    for (input, payload) in [
        ("CON.csv", "data/CON_.csv"),
        ("nul.csv", "data/nul_.csv"),
        ("COM1.csv", "data/COM1_.csv"),
        ("lpt9.backup.csv", "data/lpt9_.backup.csv"),
    ] {
        assert_eq!(pack_named(&[input]), [own(payload, input)]);
    }
}

#[test]
fn inputs_whose_names_differ_only_in_case_are_packed_under_names_that_verify_and_unpack() {
    let own = |p: &str, i: &str| (p.to_string(), i.to_string());
    // One folder (this file system tells case apart), then two.
    assert_eq!(
        pack_named(&["Upper.csv", "upper.csv"]),
        [
            own("data/Upper.csv", "Upper.csv"),
            own("data/upper-2.csv", "upper.csv")
        ]
    );
    assert_eq!(
        pack_named(&["a/Upper.csv", "b/upper.csv", "c/UPPER-2.csv"]),
        [
            own("data/Upper.csv", "Upper.csv"),
            own("data/upper-2.csv", "upper.csv"),
            own("data/UPPER-2-2.csv", "UPPER-2.csv")
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// (g) the register: control characters in what it prints, and a register deleted, cut short or
// replaced

fn disclosure(n: u64) -> disclose::register::Disclosure {
    use disclose::register::{Disclosure, FileRecord};
    Disclosure {
        bundle_id: format!("{n:032x}"),
        created_utc: "2026-11-22T10:00:00Z".into(),
        profile_id: "bromley-yot-victims".into(),
        agreement_title: "Bromley YOT victim contact".into(),
        period: "2026-10".into(),
        analyst: "A. Analyst".into(),
        authorised_by: String::new(),
        recipients: vec![disclose::keys::RecipientRecord {
            label: "Bromley YOT".into(),
            fingerprint: "0123456789abcdef".into(),
            role: "partner".into(),
        }],
        rows_shared: n,
        rows_excluded: 0,
        shared_fields: vec!["victim_name".into()],
        withheld_count: 1,
        inputs: vec![FileRecord {
            name: "cris.csv".into(),
            sha256: "ab".repeat(32),
        }],
        bundle: FileRecord {
            name: format!("b_{n}.zip.age"),
            sha256: "cd".repeat(32),
        },
        signing_key: None,
        grounds: Default::default(),
    }
}

/// A register of `n` entries (and its head file) in a fresh folder.
fn register_of(n: u64) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.jsonl");
    for i in 1..=n {
        disclose::register::append(&path, &disclosure(i)).unwrap();
    }
    (dir, path)
}

/// Control characters but the line ends: none may reach the terminal.
fn assert_no_controls(what: &str, out: &[u8]) {
    let s = text(out).replace("\r\n", "\n");
    assert!(
        !s.chars()
            .any(|c| c != '\n' && (c.is_control() || c == '\u{202e}')),
        "{what}: {s:?}"
    );
}

#[test]
fn pack_refuses_control_characters_in_the_names_it_records() {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("register.jsonl");
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let input = fixture("cris-victims.csv");
    for (flag, name, code) in [
        ("--authorised-by", "DS \u{1b}]0;owned\u{7}Smith", "U+001B"),
        ("--analyst", "J. Smith\u{7}", "U+0007"),
        ("--analyst", "J. Smith\r\nDS Jones", "U+000D"),
        ("--authorised-by", "DS \u{202e}htimS", "U+202E"),
        ("--reason", "October panel\u{1b}[2J", "U+001B"),
    ] {
        let mut args = os(&[
            "pack",
            "--profile",
            "bromley-yot-victims",
            "--period",
            "2026-10",
            "--recipient",
            PK,
        ]);
        args.extend([std::ffi::OsStr::new("--input"), input.as_os_str()]);
        args.extend([std::ffi::OsStr::new("--out"), out_dir.as_os_str()]);
        // BROMLEY_ACKS starts with the reason, then the analyst: all but the one under test.
        args.extend(os(&BROMLEY_ACKS[4..]));
        if flag != "--reason" {
            args.extend(os(&BROMLEY_ACKS[..2]));
        }
        if flag != "--analyst" {
            args.extend(os(&BROMLEY_ACKS[2..4]));
        }
        args.extend([std::ffi::OsStr::new(flag), name.as_ref()]);
        let out = run(&args, &register);
        assert_usage_error(
            name,
            &out,
            &[
                &format!("{flag} holds the control character {code}"),
                "one line of plain text",
            ],
        );
        assert_no_controls(name, &out.stderr);
        assert!(entries(&out_dir).is_empty(), "{:?}", entries(&out_dir));
        assert!(!register.exists(), "a register was made");
    }
}

#[test]
fn a_register_holding_control_characters_prints_them_escaped() {
    // Written by the library (as an older version, or a file name, could): the outputs escape.
    let (dir, path) = register_of(1);
    let mut d = disclosure(2);
    d.analyst = "A\u{1b}[2J\u{1b}]0;owned\u{7}B".into();
    d.authorised_by = "=DS\rSmith\u{202e}".into();
    d.inputs[0].name = "cris\u{1b}[31m.csv".into();
    disclose::register::append(&path, &d).unwrap();
    let unused = dir.path().join("unused.jsonl");
    let reg = path.as_os_str();

    let csv = run(
        &[&os(&["register", "--csv", "--register"])[..], &[reg]].concat(),
        &unused,
    );
    assert_eq!(csv.status.code(), Some(0), "{}", text(&csv.stderr));
    assert_no_controls("--csv", &csv.stdout);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.stdout.as_slice())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(&rows[1][6], "A\\u{001b}[2J\\u{001b}]0;owned\\u{0007}B");
    assert_eq!(&rows[1][7], "'=DS\\rSmith\\u{202e}");
    assert!(
        rows[1][13].starts_with("cris\\u{001b}[31m.csv "),
        "{}",
        &rows[1][13]
    );

    let listed = run(
        &[&os(&["register", "--register"])[..], &[reg]].concat(),
        &unused,
    );
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed.stderr));
    assert_no_controls("list", &listed.stdout);
    assert!(
        text(&listed.stdout).contains("by A\\u{001b}[2J"),
        "{}",
        text(&listed.stdout)
    );

    let checked = run(
        &[&os(&["register", "--verify", "--register"])[..], &[reg]].concat(),
        &unused,
    );
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked.stdout));
    assert_no_controls("--verify", &checked.stdout);

    // JSON escapes them itself, and keeps the register's text exactly.
    let json = run(
        &[&os(&["register", "--json", "--register"])[..], &[reg]].concat(),
        &unused,
    );
    assert_no_controls("--json", &json.stdout);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v[1]["analyst"], "A\u{1b}[2J\u{1b}]0;owned\u{7}B");
}

/// `register --verify` on `path`: exit 1 and the one problem holding `words`; then a pack onto
/// it is refused naming the problem and `register --verify`, and nothing is written (the
/// register file is left as it was, or not made again).
fn assert_register_refused(path: &Path, words: &str) {
    let before = std::fs::read(path).ok();
    let dir = tempfile::tempdir().unwrap();
    let unused = dir.path().join("unused.jsonl");
    let mut args = os(&["register", "--verify", "--json", "--register"]);
    args.push(path.as_os_str());
    let out = run(&args, &unused);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = v["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p.as_str().unwrap().contains(words)),
        "{words:?} not in {problems:#?}"
    );
    // The text form says it too.
    args.retain(|a| *a != "--json");
    let out = run(&args, &unused);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains(words), "{}", text(&out.stdout));

    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let input = fixture("cris-victims.csv");
    let mut pack = os(&[
        "pack",
        "--profile",
        "bromley-yot-victims",
        "--period",
        "2026-10",
        "--recipient",
        PK,
    ]);
    pack.extend([std::ffi::OsStr::new("--input"), input.as_os_str()]);
    pack.extend([std::ffi::OsStr::new("--out"), out_dir.as_os_str()]);
    pack.extend([std::ffi::OsStr::new("--register"), path.as_os_str()]);
    pack.extend(os(BROMLEY_ACKS));
    let out = run(&pack, &unused);
    assert_usage_error(
        words,
        &out,
        &[
            "does not verify, so nothing can be added to it",
            words,
            "disclose register --verify",
        ],
    );
    assert!(entries(&out_dir).is_empty(), "{:?}", entries(&out_dir));
    assert_eq!(std::fs::read(path).ok(), before, "the register was changed");
}

#[test]
fn a_deleted_register_is_reported_and_not_begun_again() {
    let (_dir, path) = register_of(2);
    std::fs::remove_file(&path).unwrap();
    assert_register_refused(
        &path,
        "The register is missing, but its head file register.jsonl.head says entry 2",
    );
    // Emptied rather than deleted: the same.
    std::fs::write(&path, b"").unwrap();
    assert_register_refused(&path, "The register is empty, but its head file");
    // Listing it says what happened too.
    std::fs::remove_file(&path).unwrap();
    let mut args = os(&["register", "--register"]);
    args.push(path.as_os_str());
    let out = run(&args, &path.with_extension("unused"));
    assert_usage_error(
        "list",
        &out,
        &[
            "there is no register at",
            "says entry 2 was written to it: it was deleted or moved",
        ],
    );
}

#[test]
fn a_register_cut_short_is_reported_and_not_appended_to() {
    let (_dir, path) = register_of(3);
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = text.lines().take(2).collect();
    std::fs::write(&path, kept.join("\n") + "\n").unwrap();
    assert_register_refused(
        &path,
        "The register ends at entry 2, but its head file register.jsonl.head says entry 3",
    );
}

#[test]
fn a_replaced_or_restarted_register_is_reported_and_not_appended_to() {
    let (_dir, path) = register_of(3);
    // Replaced by a new chain of one entry: begun again.
    let (_other_dir, other) = register_of(1);
    std::fs::copy(&other, &path).unwrap();
    assert_register_refused(&path, "or the register was deleted and a new chain begun");
    // Replaced by another register as long as it: not the entry the head names.
    let (_other_dir, other) = register_of(4);
    let mut text = std::fs::read_to_string(&other).unwrap();
    text = text.replace("\"rows_shared\":", "\"rows_shared\":1");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Rehash the edited chain, as someone rewriting it would.
    let mut prev = disclose::register::GENESIS.to_string();
    let mut out = String::new();
    for mut v in lines {
        v["prev"] = prev.clone().into();
        let h = disclose::register::entry_hash(&v);
        v["hash"] = h.clone().into();
        prev = h;
        out.push_str(&serde_json::to_string(&v).unwrap());
        out.push('\n');
    }
    std::fs::write(&path, out).unwrap();
    assert_register_refused(&path, "The register does not hold entry 3");
    // The old entries put back in front of a restarted chain.
    let (_dir, path) = register_of(2);
    let old = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    std::fs::remove_file(disclose::register::head_path(&path)).unwrap();
    disclose::register::append(&path, &disclosure(3)).unwrap();
    let new = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{old}{new}")).unwrap();
    assert_register_refused(
        &path,
        "Line 3 (entry 1, bundle 00000000000000000000000000000003) starts a new chain",
    );
}
