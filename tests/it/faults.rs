//! Faults while writing: a read-only output folder, a missing one, a bundle name already taken
//! (before and during the run), a full disk, and a full disk under the register. Each gives a
//! clear error, removes its temporary file, and overwrites nothing.
//!
//! A read-only folder and a full disk need a small tmpfs mounted as root (root ignores
//! permissions). Where mounting is not allowed those cases are skipped and say so on the real
//! stderr, not silently; set DISCLOSE_REQUIRE_FAULTS=1 to make a skip a failure.
#![cfg(unix)]

use disclose::bundle::{BundleError, BundleWriter, TEMP_PREFIX};
use disclose::keys::{Encryption, Recipient};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn encryption() -> Encryption {
    let id = age::x25519::Identity::generate();
    let r = Recipient::parse(&id.to_public().to_string(), "Partner", "test").unwrap();
    Encryption::new(vec![r], None).unwrap()
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Incompressible bytes, so deflate cannot shrink them under a small disk's size.
fn noise(len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    getrandom::fill(&mut v).unwrap();
    v
}

fn skip(what: &str) {
    let msg = format!("SKIPPED (tests/faults.rs): {what}");
    assert!(
        std::env::var_os("DISCLOSE_REQUIRE_FAULTS").is_none(),
        "{msg}, and DISCLOSE_REQUIRE_FAULTS is set"
    );
    // Straight to the process's stderr: libtest captures only the print macros.
    let _ = writeln!(std::io::stderr(), "{msg}");
}

/// A tmpfs mounted on `dir` (created), unmounted when dropped.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    fn mount(dir: &Path, options: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs {
            dir: dir.to_path_buf(),
        })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.dir).status();
    }
}

/// A folder nothing can be written into: chmod 0555 for an ordinary user, a read-only tmpfs as
/// root. `None` (and a visible skip) where neither can be had.
enum ReadOnly {
    Chmod(PathBuf),
    Mounted(Tmpfs),
}

impl ReadOnly {
    fn new(dir: &Path) -> Option<ReadOnly> {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        if std::fs::write(dir.join("probe"), b"").is_err() {
            return Some(ReadOnly::Chmod(dir.to_path_buf()));
        }
        let _ = std::fs::remove_file(dir.join("probe"));
        if let Some(t) = Tmpfs::mount(dir, "ro,size=64k")
            && std::fs::write(dir.join("probe"), b"").is_err()
        {
            return Some(ReadOnly::Mounted(t));
        }
        skip("a read-only folder: running as root and `mount -t tmpfs -o ro` is not permitted");
        None
    }

    fn dir(&self) -> &Path {
        match self {
            ReadOnly::Chmod(d) => d,
            ReadOnly::Mounted(t) => &t.dir,
        }
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if let ReadOnly::Chmod(d) = self {
            let _ = std::fs::set_permissions(&*d, std::fs::Permissions::from_mode(0o755));
        }
    }
}

/// A 64 KiB tmpfs, or a visible skip.
fn small_disk(dir: &Path) -> Option<Tmpfs> {
    let t = Tmpfs::mount(dir, "size=64k");
    if t.is_none() {
        skip("a full disk: `mount -t tmpfs -o size=64k` is not permitted here");
    }
    t
}

// ---------------------------------------------------------------------------------------------
// The bundle writer

#[test]
fn a_read_only_output_folder_is_a_clear_error_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(ro) = ReadOnly::new(&tmp.path().join("ro")) else {
        return;
    };
    let e = BundleWriter::create(ro.dir(), "b.zip.age", &encryption()).unwrap_err();
    assert!(
        matches!(
            e,
            BundleError::Io {
                what: "create the temporary file",
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .contains("Check the folder exists, is writable and has space")
    );
    assert!(listing(ro.dir()).is_empty());
}

#[test]
fn a_missing_output_folder_is_a_clear_error_and_is_not_created() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no/such/folder");
    let e = BundleWriter::create(&missing, "b.zip.age", &encryption()).unwrap_err();
    assert!(matches!(e, BundleError::Io { .. }), "{e:?}");
    assert!(!missing.exists() && !tmp.path().join("no").exists());
}

#[test]
fn a_taken_bundle_name_is_never_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let enc = encryption();

    // Taken before the run: refused at once, for the bundle and for its checksum file.
    for taken in ["b.zip.age", "b.zip.age.sha256"] {
        std::fs::write(dir.join(taken), b"original").unwrap();
        let e = BundleWriter::create(dir, "b.zip.age", &enc).unwrap_err();
        assert!(matches!(e, BundleError::Exists { .. }), "{e:?}");
        assert!(e.to_string().contains("never overwrites"));
        assert_eq!(std::fs::read(dir.join(taken)).unwrap(), b"original");
        assert_eq!(listing(dir), [taken]);
        std::fs::remove_file(dir.join(taken)).unwrap();
    }

    // Taken while the bundle was being written (another run, a user copying a file in): the
    // finished bundle is not renamed over it, and its temporary file and checksum are removed.
    for taken in ["c.zip.age", "c.zip.age.sha256"] {
        let mut w = BundleWriter::create(dir, "c.zip.age", &enc).unwrap();
        w.payload("data/x.csv")
            .unwrap()
            .write_all(b"a,b\r\n1,2\r\n")
            .unwrap();
        std::fs::write(dir.join(taken), b"original").unwrap();
        let e = w
            .finish(
                &[("Source-Organization".into(), "Test".into())],
                vec![("disclosure-record.json".into(), b"{}".to_vec())],
            )
            .unwrap_err();
        assert!(matches!(e, BundleError::Exists { .. }), "{taken}: {e:?}");
        assert_eq!(std::fs::read(dir.join(taken)).unwrap(), b"original");
        assert_eq!(listing(dir), [taken], "{taken}: something was left behind");
        std::fs::remove_file(dir.join(taken)).unwrap();
    }
}

#[test]
fn a_full_disk_is_a_clear_error_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(disk) = small_disk(&tmp.path().join("disk")) else {
        return;
    };
    let mut w = BundleWriter::create(&disk.dir, "b.zip.age", &encryption()).unwrap();
    let result = w
        .payload("data/x.csv")
        .unwrap()
        .write_all(&noise(256 * 1024));
    let e = match result {
        Err(e) => {
            drop(w);
            e.to_string()
        }
        Ok(()) => w
            .finish(&[], vec![])
            .expect_err("256 KiB of noise fitted on a 64 KiB disk")
            .to_string(),
    };
    assert!(
        e.contains("No space left on device") || e.contains("abandoned"),
        "{e}"
    );
    assert!(listing(&disk.dir).is_empty(), "{:?}", listing(&disk.dir));
}

// ---------------------------------------------------------------------------------------------
// The same faults through `disclose pack`

fn pack(input: &Path, out: &Path, register: &Path) -> Output {
    crate::common::bin()
        .args(["pack", "--profile", "bromley-yot-victims"])
        .arg("--input")
        .arg(input)
        .args([
            "--period",
            "2026-10",
            "--recipient",
            "Bromley YOT, victim contact=age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
            "--reason",
            "monthly panel, test bundle",
            "--analyst",
            "A. Analyst",
        ])
        .args(crate::common::BROMLEY_ACKS)
        .arg("--out")
        .arg(out)
        .env("DISCLOSE_REGISTER", register)
        .output()
        .unwrap()
}

/// The fixture's rows, with `extra` bytes of noise as victims' names (hex, so it stays text
/// and does not compress much), so the bundle is larger than a small disk.
fn export(dir: &Path, extra: usize) -> PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cris-victims.csv");
    let path = dir.join("export.csv");
    if extra == 0 {
        std::fs::copy(&fixture, &path).unwrap();
        return path;
    }
    let mut reader = csv::Reader::from_path(&fixture).unwrap();
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(reader.headers().unwrap()).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let hex: String = noise(extra / 2)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    for chunk in hex.as_bytes().chunks(4000) {
        for row in &rows {
            let mut cells: Vec<&str> = row.iter().collect();
            cells[3] = std::str::from_utf8(chunk).unwrap(); // Victim Name
            writer.write_record(&cells).unwrap();
        }
    }
    writer.flush().unwrap();
    path
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn pack_into_a_missing_or_read_only_folder_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let input = export(tmp.path(), 0);
    let register = tmp.path().join("register.jsonl");

    let missing = tmp.path().join("missing");
    let out = pack(&input, &missing, &register);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no such folder"), "{}", stderr(&out));
    assert!(!missing.exists() && !register.exists());

    let Some(ro) = ReadOnly::new(&tmp.path().join("ro")) else {
        return;
    };
    let out = pack(&input, ro.dir(), &register);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Could not create the temporary file"),
        "{}",
        stderr(&out)
    );
    assert!(listing(ro.dir()).is_empty());
    assert!(!register.exists(), "a failed pack was recorded");
}

#[test]
fn pack_onto_a_full_disk_exits_2_removes_its_temporary_file_and_keeps_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    let input = export(tmp.path(), 200 * 1024);
    let register = tmp.path().join("register.jsonl");
    let Some(disk) = small_disk(&tmp.path().join("disk")) else {
        return;
    };
    // Someone else's file on the same disk, which must survive.
    std::fs::write(disk.dir.join("keep.txt"), b"keep me").unwrap();
    let out = pack(&input, &disk.dir, &register);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("No space left on device"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(listing(&disk.dir), ["keep.txt"]);
    assert_eq!(
        std::fs::read(disk.dir.join("keep.txt")).unwrap(),
        b"keep me"
    );
    assert!(!register.exists(), "a failed pack was recorded");
}

/// Bug: with the register on a full disk, an entry that only partly fitted was left in it as
/// half a line, so `register --verify` failed and every later append was refused ("not
/// completely written") until someone edited the register by hand.
#[test]
fn a_register_on_a_full_disk_is_left_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let input = export(tmp.path(), 0);
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let Some(disk) = small_disk(&tmp.path().join("disk")) else {
        return;
    };
    let register = disk.dir.join("register.jsonl");
    let first = pack(&input, &out_dir, &register);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let before = std::fs::read(&register).unwrap();

    // Grow the register (with well-formed entries) until its last page has room for about half
    // an entry, then fill the disk: the next entry's write can only partly succeed.
    let entry = before.len() as u64;
    let page = 4096u64;
    let size = |p: &Path| std::fs::metadata(p).unwrap().len();
    let pad = |n: usize| {
        let mut d = sample_disclosure();
        d.analyst = "x".repeat(n);
        disclose::register::append(&register, &d).unwrap();
    };
    let s0 = size(&register);
    pad(0);
    let minimal = size(&register) - s0;
    loop {
        let room = page - size(&register) % page;
        if room > 100 && room < entry - 100 {
            break;
        }
        let target = (room + page - entry / 2) % page;
        pad(target.saturating_sub(minimal).max(1) as usize);
    }
    let before = std::fs::read(&register).unwrap();
    let bundles_before = listing(&out_dir);
    let mut filler = std::fs::File::create(disk.dir.join("filler")).unwrap();
    let block = vec![0u8; 4096];
    while filler.write_all(&block).is_ok() {}
    // One page free again: room for the pack's journal (register.jsonl.pending, written
    // beside the register before the bundle is put in place), not for the whole entry.
    let full = filler.metadata().unwrap().len();
    filler.set_len(full - full % 4096 - 4096).unwrap();
    drop(filler);

    let second = pack(&input, &out_dir, &register);
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the disclosure register cannot be used")
            && err.contains("No space left")
            && !err.contains("was written, but")
            && !err.contains("pending journal"),
        "{err}"
    );
    // The bundle was put in place, then taken back when its entry could not be written: no
    // bundle is left without its entry, and no journal.
    assert_eq!(listing(&out_dir), bundles_before);
    assert!(!disk.dir.join("register.jsonl.pending").exists());
    let after = std::fs::read(&register).unwrap();
    assert!(
        after == before,
        "the register was left with part of an entry: it ends {:?}",
        String::from_utf8_lossy(&after[after.len().saturating_sub(60)..])
    );
    let check = disclose::register::verify(&register).unwrap();
    assert!(check.ok(), "{:?}", check.problems);

    // Room again: the next disclosure is recorded after the first.
    std::fs::remove_file(disk.dir.join("filler")).unwrap();
    let third = pack(&input, &out_dir, &register);
    assert_eq!(third.status.code(), Some(0), "{}", stderr(&third));
    let check = disclose::register::verify(&register).unwrap();
    assert!(check.ok(), "{:?}", check.problems);
    assert_eq!(
        check.entries,
        before.iter().filter(|&&b| b == b'\n').count() + 1
    );
}

fn sample_disclosure() -> disclose::register::Disclosure {
    let file = |name: &str| disclose::register::FileRecord {
        name: name.into(),
        sha256: "0".repeat(64),
    };
    disclose::register::Disclosure {
        bundle_id: "0".repeat(32),
        created_utc: "2026-11-22T10:00:00Z".into(),
        profile_id: "bromley-yot-victims".into(),
        agreement_title: "Test".into(),
        period: "2026-10".into(),
        analyst: String::new(),
        authorised_by: String::new(),
        recipients: Vec::new(),
        rows_shared: 0,
        rows_excluded: 0,
        shared_fields: Vec::new(),
        withheld_count: 0,
        inputs: vec![file("in.csv")],
        bundle: file("b.zip.age"),
        signing_key: None,
        grounds: Default::default(),
    }
}

#[test]
fn no_temporary_file_survives_any_of_these_faults() {
    // The cases above each check their own folder; this one checks the prefix is what they
    // looked for, so a renamed temporary file cannot slip past them.
    let tmp = tempfile::tempdir().unwrap();
    let w = BundleWriter::create(tmp.path(), "b.zip.age", &encryption()).unwrap();
    let names = listing(tmp.path());
    assert_eq!(names.len(), 1);
    assert!(names[0].starts_with(TEMP_PREFIX), "{names:?}");
    drop(w);
    assert!(listing(tmp.path()).is_empty());
}

/// Bug: on a full disk, the zip library's writer, dropped with the abandoned bundle, tried to
/// finish the archive, failed again and printed a debug dump ("ZipWriter::drop: failed to
/// finalize archive: Io(Custom { kind: StorageFull, ... })") on stderr, glued to the front of
/// the analyst's error line (and over the screen, in the interactive mode).
#[test]
fn pack_onto_a_full_disk_prints_one_error_sentence_not_a_zip_library_dump() {
    let tmp = tempfile::tempdir().unwrap();
    let input = export(tmp.path(), 200 * 1024);
    let Some(disk) = small_disk(&tmp.path().join("disk")) else {
        return;
    };
    let out = pack(&input, &disk.dir, &tmp.path().join("register.jsonl"));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.len() == 2 && lines[0].starts_with("error: ") && lines[1].starts_with("  "),
        "{err:?}"
    );
    assert!(
        !err.contains("ZipWriter") && !err.contains("Custom {"),
        "{err:?}"
    );
    assert!(listing(&disk.dir).is_empty());
}
