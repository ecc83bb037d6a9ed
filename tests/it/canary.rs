//! Canaries: unique values placed in a withheld cell, in a shared cell and in the passphrase
//! file must never appear anywhere but inside the encrypted bundle: not in any file in the
//! output folder, the register, the temporary folder (TMPDIR, private to each run), the current
//! folder or HOME, and not on stdout or stderr, after successful, refused, failed and killed
//! runs of `disclose pack`. `disclose verify` must not print them either.
//!
//! Files are scanned for the canaries' bytes in UTF-8 and UTF-16LE; and because a leak could be
//! compressed, every file the run leaves must also be one it is allowed to leave: the bundle,
//! its `.sha256`, or a temporary file holding age ciphertext. TMPDIR, the current folder and
//! HOME must stay empty.
#![cfg(unix)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn random_tag() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The three canaries of one test, unique to it.
struct Canaries {
    withheld: String,
    shared: String,
    passphrase: String,
}

impl Canaries {
    fn new() -> Canaries {
        let tag = random_tag();
        Canaries {
            withheld: format!("CanaryWithheld{tag}"),
            shared: format!("CanaryShared{tag}"),
            passphrase: format!("CanaryPassphrase{tag}"),
        }
    }

    fn all(&self) -> [&str; 3] {
        [&self.withheld, &self.shared, &self.passphrase]
    }
}

/// A folder layout for one run: its own TMPDIR, current folder, HOME, output folder and
/// register, so anything the run writes anywhere is found.
struct Run {
    root: tempfile::TempDir,
    canaries: Canaries,
}

use crate::common::BROMLEY_ACKS as ACKS;

impl Run {
    /// `rows` copies of the fixture's rows, then the canary row: it passes the rules (suspect
    /// aged 15, no opt-out), holds the shared canary as the victim's name and the withheld one
    /// in the suspect's name and the notes.
    fn new(copies: usize) -> Run {
        let root = tempfile::tempdir().unwrap();
        let canaries = Canaries::new();
        for d in ["tmp", "cwd", "home", "out", "in"] {
            std::fs::create_dir(root.path().join(d)).unwrap();
        }
        let fixture = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cris-victims.csv"),
        )
        .unwrap();
        let (header, body) = fixture.split_once('\n').unwrap();
        let mut csv = std::io::BufWriter::new(
            std::fs::File::create(root.path().join("in/export.csv")).unwrap(),
        );
        writeln!(csv, "{header}").unwrap();
        for _ in 0..copies {
            csv.write_all(body.as_bytes()).unwrap();
        }
        writeln!(
            csv,
            "5209999/26,Theft,05/10/2026,{},\"1 Canary Row, Bromley\",07700 900999,20,F,Stranger,N,,{},15,N,PC 1 Test,{}",
            canaries.shared, canaries.withheld, canaries.withheld
        )
        .unwrap();
        csv.flush().unwrap();
        drop(csv);
        std::fs::write(
            root.path().join("in/pass.txt"),
            format!("{}\n", canaries.passphrase),
        )
        .unwrap();
        Run { root, canaries }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.root.path().join(p)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = crate::common::bin();
        // No --today: a bundle is always made with the real date.
        c.args(args)
            .current_dir(self.path("cwd"))
            .env("TMPDIR", self.path("tmp"))
            .env("HOME", self.path("home"))
            .env("XDG_DATA_HOME", self.path("home"))
            .env("DISCLOSE_REGISTER", self.path("register.jsonl"));
        c
    }

    fn pack_args(&self, out: &Path, acks: bool) -> Vec<String> {
        let mut a: Vec<String> = [
            "pack",
            "--profile",
            "bromley-yot-victims",
            "--input",
            self.path("in/export.csv").to_str().unwrap(),
            "--period",
            "2026-10",
            "--passphrase-file",
            self.path("in/pass.txt").to_str().unwrap(),
            "--passphrase-given-to",
            "J. Smith, Bromley YOT",
            "--out",
            out.to_str().unwrap(),
            "--reason",
            "monthly panel, test bundle",
            "--analyst",
            "A. Analyst",
            "--json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if acks {
            a.extend(ACKS.iter().map(|s| s.to_string()));
        }
        a
    }

    fn pack(&self, out: &Path, acks: bool) -> Output {
        let args = self.pack_args(out, acks);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.command(&args).output().unwrap()
    }

    /// No canary on stdout or stderr.
    fn assert_quiet(&self, what: &str, out: &Output) {
        for stream in [&out.stdout, &out.stderr] {
            let s = String::from_utf8_lossy(stream);
            for c in self.canaries.all() {
                assert!(!s.contains(c), "{what}: {c} was printed:\n{s}");
            }
        }
    }

    /// Every file under `dir`, recursively.
    fn files(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return out;
        };
        for e in entries {
            let p = e.unwrap().path();
            let meta = p.symlink_metadata().unwrap();
            if meta.is_dir() {
                out.extend(Self::files(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    /// No canary in any file the run could have written, and nothing left where nothing may be.
    /// `out` is the output folder used.
    fn assert_clean(&self, what: &str, out: &Path) {
        for d in ["tmp", "cwd", "home"] {
            let left = Self::files(&self.path(d));
            assert!(left.is_empty(), "{what}: files left in {d}: {left:?}");
        }
        let mut scanned = Self::files(out);
        for f in &scanned {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(f).unwrap();
            let allowed = if name.starts_with(disclose::bundle::TEMP_PREFIX) {
                // A killed run's ciphertext, or a checksum file not yet renamed.
                bytes.starts_with(b"age-encryption.org/v1\n") || bytes.len() <= 200
            } else if name.ends_with(".zip.age") {
                bytes.starts_with(b"age-encryption.org/v1\n")
            } else if name.ends_with(".zip.age.sig") {
                bytes.starts_with(b"-----BEGIN SSH SIGNATURE-----") && bytes.len() < 1000
            } else {
                name.ends_with(".zip.age.sha256") && bytes.len() < 200
            };
            assert!(
                allowed,
                "{what}: unexpected file {name} in the output folder"
            );
        }
        scanned.push(self.path("register.jsonl"));
        for f in scanned {
            let Ok(bytes) = std::fs::read(&f) else {
                continue;
            };
            // Lossy text keeps every ASCII byte where it was, so an ASCII needle (and its
            // UTF-16LE form) is found exactly; `str::contains` is fast even in a debug build.
            let hay = String::from_utf8_lossy(&bytes);
            for c in self.canaries.all() {
                let utf16: String = c.chars().flat_map(|ch| [ch, '\0']).collect();
                for needle in [c, utf16.as_str()] {
                    assert!(
                        !hay.contains(needle),
                        "{what}: {c} found in {}",
                        f.display()
                    );
                }
            }
        }
    }
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn canaries_stay_inside_the_bundle_after_a_successful_pack_and_verify_prints_no_cell() {
    let run = Run::new(1);
    let out_dir = run.path("out");
    let out = run.pack(&out_dir, true);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    run.assert_quiet("pack", &out);
    run.assert_clean("pack", &out_dir);
    let bundle = json(&out)["bundle"].as_str().unwrap().to_string();

    // verify, as text and JSON, with and without extraction: no cell value printed.
    let pass = run.path("in/pass.txt");
    let extract = run.path("extract");
    for extra in [
        vec![],
        vec!["--json"],
        vec!["--extract", extract.to_str().unwrap()],
    ] {
        let mut args = vec!["verify", bundle.as_str(), "--passphrase-file"];
        args.push(pass.to_str().unwrap());
        args.extend(extra.iter().copied());
        let v = run.command(&args).output().unwrap();
        assert_eq!(
            v.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&v.stderr)
        );
        run.assert_quiet("verify", &v);
    }
    run.assert_clean("verify", &out_dir);

    // Inside the bundle: the shared canary is there (so the scans above could have found it),
    // the withheld one and the passphrase are not.
    let files = Run::files(&extract);
    let all: Vec<u8> = files
        .iter()
        .flat_map(|f| std::fs::read(f).unwrap())
        .collect();
    let has = |s: &str| all.windows(s.len()).any(|w| w == s.as_bytes());
    assert!(
        has(&run.canaries.shared),
        "the shared canary is not in the bundle"
    );
    assert!(
        !has(&run.canaries.withheld),
        "the withheld canary is in the bundle"
    );
    assert!(
        !has(&run.canaries.passphrase),
        "the passphrase is in the bundle"
    );
}

#[test]
fn canaries_stay_hidden_after_a_refused_pack() {
    let run = Run::new(1);
    let out_dir = run.path("out");
    let out = run.pack(&out_dir, false);
    assert_eq!(out.status.code(), Some(1));
    run.assert_quiet("refused pack", &out);
    run.assert_clean("refused pack", &out_dir);
    assert!(
        Run::files(&out_dir).is_empty(),
        "a refused pack wrote files"
    );
    assert!(!run.path("register.jsonl").exists());
}

#[test]
fn canaries_stay_hidden_after_failed_packs() {
    // The output folder is a file: refused before anything is read.
    let run = Run::new(1);
    let not_a_dir = run.path("in/pass.txt");
    let out = run.pack(&not_a_dir, true);
    assert_eq!(out.status.code(), Some(2));
    run.assert_quiet("output folder is a file", &out);
    run.assert_clean("output folder is a file", &run.path("out"));

    // The register cannot be written: found before the bundle is made, so nothing is written.
    let run = Run::new(1);
    let out_dir = run.path("out");
    let args = run.pack_args(&out_dir, true);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run
        .command(&args)
        .env(
            "DISCLOSE_REGISTER",
            run.path("in/pass.txt").join("register.jsonl"),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("register cannot be used"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    run.assert_quiet("register not writable", &out);
    run.assert_clean("register not writable", &out_dir);
    assert!(
        Run::files(&out_dir).is_empty(),
        "no bundle may leave unrecorded"
    );

    // The output folder cannot be written (read-only).
    let run = Run::new(1);
    let Some(ro) = ReadOnly::new(&run.path("ro")) else {
        return;
    };
    let out = run.pack(&ro.dir, true);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Could not create the temporary file"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    run.assert_quiet("read-only output folder", &out);
    run.assert_clean("read-only output folder", &ro.dir);
    assert!(Run::files(&ro.dir).is_empty());
}

#[test]
fn canaries_stay_hidden_after_killed_packs() {
    // About 40 MB of rows, so the kills land while the bundle is being written.
    let run = Run::new(16_000);
    let out_dir = run.path("out");
    let args = run.pack_args(&out_dir, true);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut killed = 0;
    for delay_ms in [200u64, 1200, 2500, 4000] {
        let mut child = run
            .command(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        killed += usize::from(!out.status.success());
        run.assert_quiet(&format!("killed at {delay_ms} ms"), &out);
        run.assert_clean(&format!("killed at {delay_ms} ms"), &out_dir);
    }
    assert!(
        killed > 0,
        "no run was killed mid-way: make the input larger"
    );
}

// ---------------------------------------------------------------------------------------------
// A folder that cannot be written to: chmod for an ordinary user; as root (which ignores
// permissions), a read-only tmpfs mounted on it. Where neither works the case is skipped, and
// says so on the real stderr (not the captured one); DISCLOSE_REQUIRE_FAULTS=1 makes it fail.

struct ReadOnly {
    dir: PathBuf,
    mounted: bool,
}

impl ReadOnly {
    fn new(dir: &Path) -> Option<ReadOnly> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(dir).unwrap();
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        if std::fs::write(dir.join("probe"), b"").is_err() {
            return Some(ReadOnly {
                dir: dir.to_path_buf(),
                mounted: false,
            });
        }
        let _ = std::fs::remove_file(dir.join("probe"));
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "ro,size=64k", "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if mounted && std::fs::write(dir.join("probe"), b"").is_err() {
            return Some(ReadOnly {
                dir: dir.to_path_buf(),
                mounted: true,
            });
        }
        skip("a read-only output folder: running as root and `mount -t tmpfs -o ro` failed");
        None
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.mounted {
            let _ = Command::new("umount").arg(&self.dir).status();
        }
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o755));
    }
}

fn skip(what: &str) {
    let msg = format!("SKIPPED (tests/canary.rs): {what}");
    assert!(
        std::env::var_os("DISCLOSE_REQUIRE_FAULTS").is_none(),
        "{msg}, and DISCLOSE_REQUIRE_FAULTS is set"
    );
    // Straight to the process's stderr: libtest captures only the print macros.
    let _ = writeln!(std::io::stderr(), "{msg}");
}
