//! A bundle and its register entry are one transaction (issue 17, item 6): packs at once, and
//! packs killed at random moments or exactly between the steps of the commit, leave every
//! bundle with exactly one register entry, a register that verifies, and each bundle's record
//! naming as `register_prev` the entry its own entry follows.
//!
//! The exact moments use the debug-build test hook `DISCLOSE_TEST_PAUSE_AT` (see
//! `src/transaction.rs`): the pack says `DISCLOSE_TEST_PAUSED <point>` on stderr and waits for
//! a line on stdin.
#![cfg(unix)]

use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common;

use common::BROMLEY_ACKS as ACKS;

/// One register, one output folder, one recipient whose identity the test holds.
struct Setup {
    dir: tempfile::TempDir,
    identity: age::x25519::Identity,
    input: PathBuf,
}

impl Setup {
    /// `copies`: how many times the fixture's rows are repeated in the export (1: the fixture).
    fn new(copies: usize) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("out")).unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cris-victims.csv");
        let text = std::fs::read_to_string(&fixture).unwrap();
        let (header, rows) = text.split_once('\n').unwrap();
        let input = dir.path().join("export.csv");
        let mut f = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
        writeln!(f, "{header}").unwrap();
        for _ in 0..copies {
            f.write_all(rows.as_bytes()).unwrap();
        }
        f.flush().unwrap();
        Setup {
            dir,
            identity: age::x25519::Identity::generate(),
            input,
        }
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn register(&self) -> PathBuf {
        self.dir.path().join("reg/register.jsonl")
    }

    fn command(&self) -> Command {
        let mut c = common::bin();
        let recipient = format!("Bromley YOT, victim contact={}", self.identity.to_public());
        c.args(["pack", "--profile", "bromley-yot-victims", "--input"])
            .arg(&self.input)
            .args(["--period", "2026-10", "--recipient", &recipient])
            .args(["--analyst", "A. Analyst"])
            .args(["--reason", "October panel, referrals list"])
            .args(ACKS)
            .arg("--out")
            .arg(self.out())
            .env("DISCLOSE_REGISTER", self.register())
            .env_remove("DISCLOSE_TEST_PAUSE_AT")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    fn pack(&self) -> Output {
        self.command().output().unwrap()
    }

    /// A pack stopped by the test hook at `point`, once it is there.
    fn paused_at(&self, point: &str) -> Paused {
        let mut child = self
            .command()
            .env("DISCLOSE_TEST_PAUSE_AT", point)
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut seen = String::new();
        loop {
            let mut line = String::new();
            if err.read_line(&mut line).unwrap() == 0 {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the pack ended before pausing at {point}: {seen}");
            }
            if line.trim() == format!("DISCLOSE_TEST_PAUSED {point}") {
                break;
            }
            seen.push_str(&line);
        }
        Paused { child, err }
    }

    fn verify_register(&self) -> Output {
        common::bin()
            .args(["register", "--verify"])
            .env("DISCLOSE_REGISTER", self.register())
            .output()
            .unwrap()
    }

    fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.out())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn bundles(&self) -> Vec<String> {
        self.files()
            .into_iter()
            .filter(|n| n.ends_with(".zip.age"))
            .collect()
    }

    fn entries(&self) -> Vec<serde_json::Value> {
        match std::fs::read_to_string(self.register()) {
            Ok(t) => t
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The `disclosure-record.json` inside a bundle, decrypted with the test's identity.
    fn record(&self, bundle: &str) -> serde_json::Value {
        let file = std::fs::File::open(self.out().join(bundle)).unwrap();
        let decryptor = age::Decryptor::new(std::io::BufReader::new(file)).unwrap();
        let mut zip = Vec::new();
        decryptor
            .decrypt(std::iter::once(&self.identity as &dyn age::Identity))
            .unwrap()
            .read_to_end(&mut zip)
            .unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let name = archive
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .find(|n| n.ends_with("disclosure-record.json"))
            .unwrap();
        let mut json = String::new();
        archive
            .by_name(&name)
            .unwrap()
            .read_to_string(&mut json)
            .unwrap();
        serde_json::from_str(&json).unwrap()
    }

    /// Everything the transaction promises, checked on the output folder and the register.
    /// Returns the number of bundles.
    fn check(&self) -> usize {
        let files = self.files();
        assert!(
            !files.iter().any(|f| f.starts_with(".disclose-tmp-")),
            "temporary files left: {files:?}"
        );
        let reg_dir: Vec<String> = std::fs::read_dir(self.register().parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            !reg_dir.iter().any(|f| f.contains(".pending")),
            "a journal was left: {reg_dir:?}"
        );
        let verified = self.verify_register();
        assert_eq!(
            verified.status.code(),
            Some(0),
            "{}{}",
            text(&verified.stdout),
            text(&verified.stderr)
        );
        assert!(
            !text(&verified.stdout).contains("! "),
            "{}",
            text(&verified.stdout)
        );

        let entries = self.entries();
        let bundles = self.bundles();
        // Every bundle has exactly one entry, with its SHA-256; every entry has its bundle.
        for b in &bundles {
            let bytes = std::fs::read(self.out().join(b)).unwrap();
            let sha = hex(&Sha256::digest(&bytes));
            let matching: Vec<_> = entries
                .iter()
                .filter(|e| e["bundle"]["name"] == b.as_str())
                .collect();
            assert_eq!(matching.len(), 1, "bundle {b}: {} entries", matching.len());
            assert_eq!(matching[0]["bundle"]["sha256"], sha.as_str(), "bundle {b}");
            let sum = std::fs::read_to_string(self.out().join(format!("{b}.sha256"))).unwrap();
            assert!(sum.starts_with(&sha), "{b}.sha256: {sum}");
        }
        assert_eq!(entries.len(), bundles.len(), "entries without bundles");
        for f in &files {
            if let Some(b) = f.strip_suffix(".sha256") {
                assert!(bundles.iter().any(|x| x == b), "{f} without its bundle");
            }
        }
        // Each record names the entry before its own as the register's head.
        for (i, e) in entries.iter().enumerate() {
            let bundle = e["bundle"]["name"].as_str().unwrap();
            let record = self.record(bundle);
            assert_eq!(record["bundle_id"], e["bundle_id"], "{bundle}");
            let expected = if i == 0 {
                serde_json::Value::Null
            } else {
                entries[i - 1]["hash"].clone()
            };
            let prev = record
                .get("register_prev")
                .cloned()
                .unwrap_or(serde_json::Value::Null);
            assert_eq!(
                prev,
                expected,
                "register_prev of {bundle} (entry {})",
                i + 1
            );
        }
        bundles.len()
    }
}

struct Paused {
    child: Child,
    err: BufReader<std::process::ChildStderr>,
}

impl Paused {
    /// SIGKILL, and reap it (a zombie's temporary files look like a live run's).
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Lets it go on; its exit code and stderr.
    fn resume(mut self) -> (Option<i32>, String) {
        let mut stdin = self.child.stdin.take().unwrap();
        stdin.write_all(b"\n").unwrap();
        drop(stdin);
        let mut rest = String::new();
        self.err.read_to_string(&mut rest).unwrap();
        let status = self.child.wait().unwrap();
        (status.code(), rest)
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn ok(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

#[test]
fn six_packs_at_once_each_get_one_entry_and_a_true_register_prev() {
    let s = Setup::new(3000);
    ok(&s.pack());
    let children: Vec<Child> = (0..6).map(|_| s.command().spawn().unwrap()).collect();
    for c in children {
        ok(&c.wait_with_output().unwrap());
    }
    assert_eq!(s.check(), 7);
}

/// xorshift64*: enough randomness to spread the kills, and repeatable from the printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[test]
fn ten_packs_killed_at_random_moments_leave_no_bundle_without_its_entry() {
    let seed = std::env::var("DISCLOSE_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    println!("seed {seed} (DISCLOSE_TEST_SEED={seed} repeats this run)");
    let mut rng = Rng(seed);
    let s = Setup::new(6000);
    let started = Instant::now();
    ok(&s.pack());
    // Kills spread from the start to a little past the end of a whole pack.
    let window = started.elapsed().as_millis() as u64 * 11 / 10;
    println!("a pack takes {:?}", started.elapsed());
    let mut finished = 0;
    let mut window = window;
    for _ in 0..10 {
        let mut child = s.command().spawn().unwrap();
        let started = Instant::now();
        let delay = Duration::from_millis(rng.next() % window.max(1));
        // Watched as it runs: one that finishes before its moment shows how long a pack takes
        // now, and later moments are spread over that.
        let done = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if started.elapsed() >= delay {
                break None;
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        match done {
            Some(status) => {
                assert!(status.success(), "a pack failed on its own");
                finished += 1;
                window = window.min(started.elapsed().as_millis() as u64);
                println!("{delay:?}: it had finished after {:?}", started.elapsed());
            }
            None => {
                child.kill().unwrap();
                child.wait().unwrap();
                println!("{delay:?}: killed");
            }
        }
    }
    println!("{} of 10 killed", 10 - finished);
    assert!(finished < 10, "no pack was killed before it finished");
    ok(&s.pack());
    let bundles = s.check();
    assert!(bundles >= 2 + finished, "{bundles} bundles, {finished}");
}

#[test]
fn killed_after_the_journal_the_next_pack_removes_the_unfinished_bundle() {
    let s = Setup::new(1);
    ok(&s.pack());
    s.paused_at("after-journal").kill();
    assert!(
        s.files().iter().any(|f| f.starts_with(".disclose-tmp-")),
        "{:?}",
        s.files()
    );
    let v = s.verify_register();
    assert!(
        text(&v.stdout).contains("left the unfinished bundle"),
        "{}",
        text(&v.stdout)
    );
    let out = ok(&s.pack());
    assert!(
        out.contains("! removed the unfinished bundle ")
            && out.contains("left by an interrupted run"),
        "{out}"
    );
    assert_eq!(s.check(), 2);
}

#[test]
fn killed_after_the_rename_the_next_pack_registers_the_bundle() {
    let s = Setup::new(1);
    ok(&s.pack());
    s.paused_at("after-rename").kill();
    // The window this closes: a complete bundle the register does not know.
    assert_eq!(s.bundles().len(), 2);
    assert_eq!(s.entries().len(), 1);
    let v = s.verify_register();
    assert_eq!(v.status.code(), Some(0));
    assert!(
        text(&v.stdout).contains("in place without its register entry"),
        "{}",
        text(&v.stdout)
    );
    let out = ok(&s.pack());
    assert!(
        out.contains("! registered bundle ") && out.contains("left by an interrupted run"),
        "{out}"
    );
    assert_eq!(s.check(), 3);
}

#[test]
fn killed_after_the_append_the_next_pack_just_removes_the_journal() {
    let s = Setup::new(1);
    s.paused_at("after-append").kill();
    assert_eq!(s.entries().len(), 1);
    let out = ok(&s.pack());
    assert!(!out.contains("interrupted run"), "{out}");
    assert_eq!(s.check(), 2);
}

#[test]
fn a_failed_append_takes_the_bundle_back() {
    let s = Setup::new(1);
    ok(&s.pack());
    let before = s.files();
    let paused = s.paused_at("after-rename");
    // The register is broken while the bundle is being recorded.
    let reg = std::fs::read_to_string(s.register()).unwrap();
    std::fs::write(s.register(), reg.replace("A. Analyst", "B. Analyst")).unwrap();
    let (code, err) = paused.resume();
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("the disclosure register cannot be used") && !err.contains("was written, but"),
        "{err}"
    );
    assert!(err.contains("register --verify"), "{err}");
    assert_eq!(s.files(), before, "the bundle was not taken back");
    assert!(!crate_pending(&s).exists());
}

fn crate_pending(s: &Setup) -> PathBuf {
    s.register().with_file_name("register.jsonl.pending")
}

#[test]
fn a_pack_refuses_a_register_that_does_not_verify() {
    let s = Setup::new(1);
    ok(&s.pack());
    let before = s.files();
    let reg = std::fs::read_to_string(s.register()).unwrap();
    std::fs::write(s.register(), reg.replace("A. Analyst", "B. Analyst")).unwrap();
    let out = s.pack();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("does not verify") && err.contains("disclose register --verify"),
        "{err}"
    );
    assert_eq!(s.files(), before);
}
