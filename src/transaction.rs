//! Writing a bundle and its register entry as one transaction: after a kill at any instant,
//! either the bundle is in place with its entry in the register, or neither is.
//!
//! [`crate::pack::write`] streams the payloads into the bundle's temporary file first, with no
//! lock held (that is the slow part). Then it takes the register's transaction lock ([`lock`]:
//! `register.jsonl.lock` beside the register) and, under it:
//!
//! 1. [`recover`]s whatever an interrupted run left (below);
//! 2. reads the register's head, which the disclosure record carries as `register_prev`, and
//!    builds the record; so two packs at once each record the head their own entry follows;
//! 3. seals the bundle ([`crate::bundle::BundleWriter::seal`]: every byte written and flushed
//!    to disk, still in the temporary file);
//! 4. writes the pending journal `register.jsonl.pending` ([`pending_path`]): the entry to
//!    append, where the bundle goes, its temporary file, the `.sha256`/`.sig` files beside it
//!    and its SHA-256 (metadata only, like the register: never a cell value), to a temporary
//!    file first, flushed, then renamed, so it is whole or absent;
//! 5. renames the bundle into place, its `.sha256` (and `.sig`) first ([`commit`]);
//! 6. appends the entry ([`crate::register::append`]);
//! 7. removes the journal and lets go of the lock.
//!
//! Killed before 4, a run leaves only a temporary file, which the next run removes (see
//! [`crate::bundle::clean_stale_temp_files`]). Killed between 4 and 6, it leaves the journal,
//! and the next run (under the lock, before anything of its own) registers the bundle if it is
//! in place with the journal's SHA-256 ("registered bundle … left by an interrupted run"), or
//! else removes its temporary file and `.sha256`/`.sig` ("removed the unfinished bundle …").
//! Killed after 6, the next run finds the entry and just removes the journal.
//!
//! If the append itself fails (a full disk, a register broken meanwhile), the bundle is removed
//! again with its `.sha256`/`.sig` and the error says nothing was written: no complete bundle is
//! left unrecorded. Only if even that removal fails does the journal stay, for the next run to
//! register the bundle. `disclose register --verify` reports a journal left behind but changes
//! nothing: a check that writes would surprise whoever audits the register, and the next pack
//! mends it.
//!
//! The lock is a file of its own, created if missing and never deleted (deleting a lock file
//! lets two runs each lock a different file), locked with [`std::fs::File::lock`]: `flock` on
//! Unix, `LockFileEx` on Windows, released by the system when the process ends, however it
//! ends. The register file keeps its own lock for the append itself.

use crate::bundle::{Sealed, TEMP_PREFIX, Written};
use crate::pack::PackError;
use crate::register::{self, Disclosure, Entry, RegisterError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The largest journal read: it holds one entry, about a kilobyte.
const JOURNAL_LIMIT: u64 = 1024 * 1024;

/// `register.jsonl` → `register.jsonl<suffix>`, beside it.
fn beside(register: &Path, suffix: &str) -> PathBuf {
    let mut name = register
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "register".into());
    name.push(suffix);
    register.with_file_name(name)
}

/// The transaction lock file of the register at `register` (`register.jsonl.lock`).
pub fn lock_path(register: &Path) -> PathBuf {
    beside(register, ".lock")
}

/// The pending journal of the register at `register` (`register.jsonl.pending`): present only
/// while a bundle is being recorded, or after a run was interrupted doing so.
pub fn pending_path(register: &Path) -> PathBuf {
    beside(register, ".pending")
}

fn pending_tmp_path(register: &Path) -> PathBuf {
    beside(register, ".pending.tmp")
}

/// The register's transaction lock, held until dropped (or the process ends).
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Takes the register's transaction lock, waiting for another run that holds it. The lock file
/// (and the register's folder) is created if missing.
pub fn lock(register: &Path) -> Result<Lock, RegisterError> {
    let io = |what| {
        move |source| RegisterError::Io {
            what,
            path: register.to_path_buf(),
            source,
        }
    };
    if let Some(parent) = register.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io("create the folder of"))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options
        .open(lock_path(register))
        .map_err(io("open the lock file of"))?;
    file.lock().map_err(io("lock"))?;
    Ok(Lock { _file: file })
}

/// What the journal holds: enough to finish or undo one bundle's commit. Metadata only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Journal {
    /// For whoever opens the file.
    about: String,
    /// The entry to append.
    disclosure: Disclosure,
    /// The register's head when the bundle's record was made (its `register_prev`).
    register_prev: Option<String>,
    /// Where the bundle goes (an absolute path).
    bundle: PathBuf,
    /// Its temporary file, beside it.
    temp: PathBuf,
    /// `<bundle>.sha256`, and `<bundle>.sig` when signed.
    sidecars: Vec<PathBuf>,
    /// The bundle's SHA-256 and size.
    sha256: String,
    size: u64,
}

const ABOUT: &str = "A bundle disclose was recording when it stopped. The next pack with this \
                     register records or removes it; do not edit or remove this file.";

fn journal_error(register: &Path, what: &'static str, source: io::Error) -> RegisterError {
    RegisterError::Io {
        what,
        path: register.to_path_buf(),
        source,
    }
}

fn write_journal(register: &Path, j: &Journal) -> io::Result<()> {
    let bytes = serde_json::to_vec_pretty(j).map_err(io::Error::other)?;
    let tmp = pending_tmp_path(register);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(&bytes)?;
        f.write_all(b"\n")?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, pending_path(register))) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(register);
    Ok(())
}

/// Makes a rename beside `register` durable on Unix; elsewhere a no-op.
fn sync_dir(register: &Path) {
    #[cfg(unix)]
    {
        let dir = register
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = register;
}

fn read_journal(register: &Path) -> Result<Option<Journal>, RegisterError> {
    use crate::files::{FileError, read_small};
    let bad = |why: String| {
        journal_error(
            register,
            "read the pending journal (register.jsonl.pending) of",
            io::Error::new(io::ErrorKind::InvalidData, why),
        )
    };
    let bytes = match read_small(&pending_path(register), JOURNAL_LIMIT) {
        Ok(b) => b,
        Err(FileError::Io(e)) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(FileError::Io(e)) => return Err(bad(e.to_string())),
        Err(FileError::Refused(r)) => return Err(bad(format!("it {r}"))),
    };
    let j: Journal = serde_json::from_slice(&bytes)
        .map_err(|_| bad("it is not a journal disclose wrote: it was damaged or edited".into()))?;
    check_journal(&j).map_err(|why| bad(why.into()))?;
    Ok(Some(j))
}

/// A journal only ever names files disclose made for one bundle: the bundle (`*.zip.age`), its
/// temporary file (`.disclose-tmp-*`) and `<bundle>.sha256`/`.sig`, all in one folder. Anything
/// else is refused rather than removed.
fn check_journal(j: &Journal) -> Result<(), &'static str> {
    let dir = j.bundle.parent();
    let name = j.bundle.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let temp_ok = j.temp.parent() == dir
        && j.temp
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(TEMP_PREFIX));
    let sidecars_ok = j.sidecars.iter().all(|s| {
        s.parent() == dir
            && s.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n == format!("{name}.sha256") || n == format!("{name}.sig"))
    });
    if !j.bundle.is_absolute() || !name.ends_with(".zip.age") || !temp_ok || !sidecars_ok {
        return Err("it names files disclose does not make for a bundle");
    }
    if j.disclosure.bundle.name != name || j.disclosure.bundle.sha256 != j.sha256 {
        return Err("its entry does not describe its bundle");
    }
    Ok(())
}

fn remove_journal(register: &Path) -> Result<(), RegisterError> {
    match std::fs::remove_file(pending_path(register)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(journal_error(
            register,
            "remove the pending journal (register.jsonl.pending) of",
            e,
        )),
        _ => Ok(()),
    }
}

/// Removes `path`; true when it is gone (or was never there).
fn remove_if_present(path: &Path) -> bool {
    match std::fs::remove_file(path) {
        Ok(()) => true,
        Err(e) => e.kind() == io::ErrorKind::NotFound,
    }
}

/// Whether the file at `path` is the bundle the journal describes (a regular file of its size
/// and SHA-256).
fn is_the_bundle(path: &Path, size: u64, sha256: &str) -> io::Result<bool> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if !meta.file_type().is_file() || meta.len() != size {
        return Ok(false);
    }
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(crate::hex::hex(&hasher.finalize()) == sha256)
}

fn registered(register: &Path, bundle_id: &str) -> Result<Option<Entry>, RegisterError> {
    Ok(register::list(register)?
        .into_iter()
        .find(|e| e.disclosure.bundle_id == bundle_id))
}

fn shown(path: &Path) -> String {
    crate::text::printable(&path.display().to_string())
}

/// Finishes or undoes what a run interrupted while recording a bundle left (see the module
/// docs), and says what was done, one sentence each; nothing when there was nothing to do.
/// Called under the lock, before a pack reads the register's head.
///
/// An error when the journal cannot be read or removed, or the entry it holds cannot be
/// appended (e.g. the register no longer verifies): a pack then stops, leaving it as it is.
pub fn recover(register: &Path, _lock: &Lock) -> Result<Vec<String>, RegisterError> {
    // A journal never renamed into place: the run stopped before its bundle could appear.
    remove_if_present(&pending_tmp_path(register));
    let Some(j) = read_journal(register)? else {
        return Ok(Vec::new());
    };
    let name = shown(&j.bundle);
    let mut said = Vec::new();
    if registered(register, &j.disclosure.bundle_id)?.is_some() {
        // Killed after the append: the journal is all that is left to tidy.
        remove_journal(register)?;
        return Ok(said);
    }
    let in_place = is_the_bundle(&j.bundle, j.size, &j.sha256).map_err(|e| {
        journal_error(
            register,
            "check the bundle named in the pending journal of",
            e,
        )
    })?;
    if in_place {
        let head = register::head(register)?;
        let entry = register::append(register, &j.disclosure)?;
        said.push(format!(
            "registered bundle {name} left by an interrupted run (register entry #{})",
            entry.seq
        ));
        if head != j.register_prev {
            // Only a run that did not take the lock (an older disclose) can append in between.
            said.push(format!(
                "the disclosure record inside {name} names a different register head from the \
                 entry it now follows: another program appended to the register meanwhile"
            ));
        }
        remove_journal(register)?;
        return Ok(said);
    }
    remove_if_present(&j.temp);
    if j.bundle.symlink_metadata().is_ok() {
        // Something else has the bundle's name: not made by this journal's run (a bundle is
        // never renamed over a file), so it is left alone, and so are the files beside it.
        said.push(format!(
            "removed the unfinished bundle {name} left by an interrupted run; the file now at \
             that name is not the one that run made, and was left alone: check where it came from"
        ));
    } else {
        let left: Vec<String> = j
            .sidecars
            .iter()
            .filter(|s| !remove_if_present(s))
            .map(|s| shown(s))
            .collect();
        said.push(if left.is_empty() {
            format!("removed the unfinished bundle {name} left by an interrupted run")
        } else {
            format!(
                "removed the unfinished bundle {name} left by an interrupted run, but could not \
                 remove {}: remove it by hand",
                left.join(" and ")
            )
        });
    }
    remove_journal(register)?;
    Ok(said)
}

/// What [`commit`] did: the bundle in place, its entry, and anything to tell the analyst.
#[derive(Debug)]
pub struct Committed {
    pub written: Written,
    pub entry: Entry,
    pub notes: Vec<String>,
}

/// Steps 4 to 7 of the module docs: journal, rename, append, journal removed. `register_prev`
/// is the head the bundle's record names. Holding `_lock` shows the caller took the lock, ran
/// [`recover`] and read the head under it.
pub fn commit(
    register: &Path,
    _lock: &Lock,
    disclosure: &Disclosure,
    register_prev: Option<&str>,
    sealed: Sealed,
) -> Result<Committed, PackError> {
    let register_error = |bundle: PathBuf, source| PackError::Register { bundle, source };
    let absolute = |p: &Path| std::path::absolute(p);
    (|| {
        Ok::<_, io::Error>(Journal {
            about: ABOUT.into(),
            disclosure: disclosure.clone(),
            register_prev: register_prev.map(str::to_string),
            bundle: absolute(sealed.target())?,
            temp: absolute(sealed.temp_path())?,
            sidecars: sealed
                .sidecars()
                .iter()
                .map(|p| absolute(p))
                .collect::<io::Result<_>>()?,
            sha256: sealed.sha256().to_string(),
            size: sealed.size(),
        })
    })()
    .and_then(|j| write_journal(register, &j))
    .map_err(|e| {
        register_error(
            PathBuf::new(),
            journal_error(
                register,
                "write the pending journal (register.jsonl.pending) of",
                e,
            ),
        )
    })?;
    pause_at("after-journal");

    let written = match sealed.commit() {
        Ok(w) => w,
        Err(e) => {
            // Nothing was renamed into place and the checksum and signature were taken back;
            // a journal that cannot be removed is mended by the next run.
            let _ = remove_journal(register);
            return Err(PackError::Bundle(e));
        }
    };
    pause_at("after-rename");

    match register::append(register, disclosure) {
        Ok(entry) => {
            pause_at("after-append");
            // Left behind, the next run finds the entry and removes it.
            let _ = remove_journal(register);
            Ok(Committed {
                written,
                entry,
                notes: Vec::new(),
            })
        }
        Err(source) => {
            // The entry may be written with only the head file failing after it: then the
            // bundle is recorded and stays.
            if let Ok(Some(entry)) = registered(register, &disclosure.bundle_id) {
                let _ = remove_journal(register);
                return Ok(Committed {
                    written,
                    entry,
                    notes: vec![format!(
                        "the register entry was written, but then: {source}"
                    )],
                });
            }
            // No entry: take the bundle back, so it is not left complete and unrecorded.
            let removed = [&written.path, &written.checksum_path]
                .into_iter()
                .chain(written.signature_path.as_ref())
                .filter(|p| !remove_if_present(p))
                .count()
                == 0;
            if removed && remove_journal(register).is_ok() {
                Err(register_error(PathBuf::new(), source))
            } else {
                // The journal stays: the next pack registers the bundle once the register
                // can be appended to.
                Err(register_error(written.path, source))
            }
        }
    }
}

/// A journal found beside a register (see [`pending`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// Where the bundle goes.
    pub bundle: PathBuf,
    /// Its id.
    pub bundle_id: String,
    /// How far its run got.
    pub state: PendingState,
}

/// How far the run that left a journal got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PendingState {
    /// A pack holds the lock: it is recording the bundle now.
    Recording,
    /// The bundle is in place but not in the register: the next pack registers it.
    Unrecorded,
    /// The bundle is in place and in the register: the next pack removes the journal.
    Recorded,
    /// The bundle never reached its place: the next pack removes what is left of it.
    Unfinished,
}

impl PendingState {
    /// A short name, for `--json`.
    pub fn code(self) -> &'static str {
        match self {
            PendingState::Recording => "recording",
            PendingState::Unrecorded => "unrecorded",
            PendingState::Recorded => "recorded",
            PendingState::Unfinished => "unfinished",
        }
    }
}

impl Pending {
    /// One sentence for `disclose register --verify`.
    pub fn describe(&self) -> String {
        let name = shown(&self.bundle);
        match self.state {
            PendingState::Recording => format!("A pack is recording the bundle {name} now."),
            PendingState::Unrecorded => format!(
                "An interrupted pack left the bundle {name} in place without its register \
                 entry: the next `disclose pack` with this register records it."
            ),
            PendingState::Recorded => format!(
                "An interrupted pack left its journal after recording the bundle {name}: the \
                 next `disclose pack` with this register removes it."
            ),
            PendingState::Unfinished => format!(
                "An interrupted pack left the unfinished bundle {name} (never put in place): \
                 the next `disclose pack` with this register removes what is left of it."
            ),
        }
    }
}

/// The journal beside `register`, if any, and how far its run got. Changes nothing and takes no
/// lock (a lock held by a running pack is reported as [`PendingState::Recording`]).
pub fn pending(register: &Path) -> Result<Option<Pending>, RegisterError> {
    let Some(j) = read_journal(register)? else {
        return Ok(None);
    };
    let busy = File::open(lock_path(register))
        .map(|f| matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock)))
        .unwrap_or(false);
    let state = if busy {
        PendingState::Recording
    } else if registered(register, &j.disclosure.bundle_id)?.is_some() {
        PendingState::Recorded
    } else if is_the_bundle(&j.bundle, j.size, &j.sha256).unwrap_or(false) {
        PendingState::Unrecorded
    } else {
        PendingState::Unfinished
    };
    Ok(Some(Pending {
        bundle: j.bundle,
        bundle_id: j.disclosure.bundle_id,
        state,
    }))
}

/// Test hook, in debug builds only (release builds have none): when the environment variable
/// `DISCLOSE_TEST_PAUSE_AT` names `point` (`after-journal`, `after-rename`, `after-append`),
/// writes `DISCLOSE_TEST_PAUSED <point>` on stderr and waits for a line (or the end) on stdin,
/// so a test can kill the process exactly there, or change the register under it.
#[cfg(debug_assertions)]
fn pause_at(point: &str) {
    if std::env::var_os("DISCLOSE_TEST_PAUSE_AT").is_some_and(|v| v == point) {
        eprintln!("DISCLOSE_TEST_PAUSED {point}");
        let mut line = String::new();
        let _ = io::stdin().read_line(&mut line);
    }
}

#[cfg(not(debug_assertions))]
fn pause_at(_: &str) {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::FileRecord;

    /// One register in a folder of its own, and a bundle folder beside it.
    struct Place {
        _dir: tempfile::TempDir,
        register: PathBuf,
        out: PathBuf,
    }

    fn place() -> Place {
        let dir = tempfile::tempdir().unwrap();
        let register = dir.path().join("reg/register.jsonl");
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        Place {
            register,
            out,
            _dir: dir,
        }
    }

    fn disclosure(n: u64, sha256: &str) -> Disclosure {
        Disclosure {
            bundle_id: format!("{n:032x}"),
            created_utc: "2026-11-02T10:00:00Z".into(),
            profile_id: "bromley-yot-victims".into(),
            agreement_title: "Bromley YOT victim contact".into(),
            period: "2026-10".into(),
            analyst: "A. Analyst".into(),
            authorised_by: String::new(),
            recipients: Vec::new(),
            rows_shared: 7,
            rows_excluded: 1,
            shared_fields: vec!["Victim Name".into()],
            withheld_count: 2,
            inputs: vec![FileRecord {
                name: "cris.csv".into(),
                sha256: "ab".repeat(32),
            }],
            bundle: FileRecord {
                name: format!("b_{n}.zip.age"),
                sha256: sha256.into(),
            },
            signing_key: None,
            grounds: Default::default(),
        }
    }

    /// A journal for bundle `n`, as a run killed after writing it leaves it; the bundle's
    /// bytes are `b"bundle n"`. Returns the journal.
    fn journal(p: &Place, n: u64) -> Journal {
        let bytes = format!("bundle {n}");
        let sha256 = crate::hex::hex(&Sha256::digest(bytes.as_bytes()));
        let bundle = std::path::absolute(p.out.join(format!("b_{n}.zip.age"))).unwrap();
        let j = Journal {
            about: ABOUT.into(),
            disclosure: disclosure(n, &sha256),
            register_prev: register::head(&p.register).unwrap(),
            temp: bundle.with_file_name(format!("{TEMP_PREFIX}1-abc{n}.part")),
            sidecars: vec![
                bundle.with_file_name(format!("b_{n}.zip.age.sha256")),
                bundle.with_file_name(format!("b_{n}.zip.age.sig")),
            ],
            bundle,
            sha256,
            size: bytes.len() as u64,
        };
        std::fs::create_dir_all(p.register.parent().unwrap()).unwrap();
        write_journal(&p.register, &j).unwrap();
        j
    }

    fn recover_now(p: &Place) -> Result<Vec<String>, RegisterError> {
        let lock = lock(&p.register).unwrap();
        recover(&p.register, &lock)
    }

    fn ids(p: &Place) -> Vec<String> {
        register::list(&p.register)
            .unwrap()
            .into_iter()
            .map(|e| e.disclosure.bundle_id)
            .collect()
    }

    #[test]
    fn no_journal_nothing_to_do() {
        let p = place();
        register::append(&p.register, &disclosure(1, &"cd".repeat(32))).unwrap();
        // A journal never renamed into place is just removed.
        std::fs::write(pending_tmp_path(&p.register), b"{half").unwrap();
        assert_eq!(recover_now(&p).unwrap(), Vec::<String>::new());
        assert!(!pending_tmp_path(&p.register).exists());
        assert_eq!(ids(&p), [format!("{:032x}", 1)]);
        assert_eq!(pending(&p.register).unwrap(), None);
        // The lock file stays: deleting it would race.
        assert!(lock_path(&p.register).exists());
    }

    #[test]
    fn a_bundle_in_place_without_its_entry_is_registered() {
        let p = place();
        register::append(&p.register, &disclosure(1, &"cd".repeat(32))).unwrap();
        let j = journal(&p, 2);
        std::fs::write(&j.bundle, b"bundle 2").unwrap();
        std::fs::write(&j.sidecars[0], b"sum").unwrap();
        assert_eq!(
            pending(&p.register).unwrap().unwrap().state,
            PendingState::Unrecorded
        );
        let said = recover_now(&p).unwrap();
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(
            said[0].starts_with("registered bundle ") && said[0].contains("b_2.zip.age"),
            "{said:?}"
        );
        assert!(said[0].contains("left by an interrupted run (register entry #2)"));
        assert_eq!(ids(&p), [format!("{:032x}", 1), format!("{:032x}", 2)]);
        let entries = register::list(&p.register).unwrap();
        assert_eq!(entries[1].disclosure, j.disclosure);
        assert!(register::verify(&p.register).unwrap().ok());
        assert!(!pending_path(&p.register).exists());
        assert!(j.bundle.exists() && j.sidecars[0].exists());
        // Done once only.
        assert!(recover_now(&p).unwrap().is_empty());
        assert_eq!(register::list(&p.register).unwrap().len(), 2);
    }

    #[test]
    fn a_journal_whose_entry_was_appended_is_just_removed() {
        let p = place();
        let j = journal(&p, 1);
        std::fs::write(&j.bundle, b"bundle 1").unwrap();
        register::append(&p.register, &j.disclosure).unwrap();
        assert_eq!(
            pending(&p.register).unwrap().unwrap().state,
            PendingState::Recorded
        );
        assert!(recover_now(&p).unwrap().is_empty());
        assert!(!pending_path(&p.register).exists());
        assert_eq!(register::list(&p.register).unwrap().len(), 1);
        assert!(j.bundle.exists());
    }

    #[test]
    fn an_unfinished_bundle_is_removed_with_its_temp_and_sidecars() {
        for temp_left in [true, false] {
            let p = place();
            let j = journal(&p, 1);
            if temp_left {
                std::fs::write(&j.temp, b"bundle 1").unwrap();
            }
            for s in &j.sidecars {
                std::fs::write(s, b"x").unwrap();
            }
            let other = p.out.join("other.zip.age");
            std::fs::write(&other, b"keep").unwrap();
            assert_eq!(
                pending(&p.register).unwrap().unwrap().state,
                PendingState::Unfinished
            );
            let said = recover_now(&p).unwrap();
            assert_eq!(said.len(), 1);
            assert!(
                said[0].starts_with("removed the unfinished bundle ")
                    && said[0].ends_with("b_1.zip.age left by an interrupted run"),
                "{said:?}"
            );
            assert!(!j.temp.exists());
            assert!(j.sidecars.iter().all(|s| !s.exists()));
            assert!(!pending_path(&p.register).exists());
            assert!(other.exists());
            assert!(!p.register.exists(), "nothing was appended");
        }
    }

    #[test]
    fn a_different_file_at_the_bundles_name_is_left_alone_and_not_registered() {
        let p = place();
        let j = journal(&p, 1);
        std::fs::write(&j.bundle, b"bundle X").unwrap();
        std::fs::write(&j.sidecars[0], b"x").unwrap();
        let said = recover_now(&p).unwrap();
        assert!(said[0].contains("was left alone"), "{said:?}");
        assert!(j.bundle.exists() && j.sidecars[0].exists());
        assert!(!p.register.exists());
        assert!(!pending_path(&p.register).exists());
    }

    #[test]
    fn a_journal_naming_other_files_is_refused_and_nothing_removed() {
        let p = place();
        let mut j = journal(&p, 1);
        let victim = p.out.join("important.txt");
        std::fs::write(&victim, b"keep").unwrap();
        j.temp = victim.clone();
        write_journal(&p.register, &j).unwrap();
        let e = recover_now(&p).unwrap_err();
        assert!(
            e.to_string().contains("names files disclose does not make"),
            "{e}"
        );
        assert!(victim.exists());
        assert!(pending_path(&p.register).exists(), "left for a person");
        // Not JSON at all.
        std::fs::write(pending_path(&p.register), b"{half").unwrap();
        assert!(recover_now(&p).is_err());
        assert!(pending(&p.register).is_err());
    }

    #[test]
    fn a_journal_is_not_recovered_on_a_register_that_does_not_verify() {
        let p = place();
        register::append(&p.register, &disclosure(1, &"cd".repeat(32))).unwrap();
        let j = journal(&p, 2);
        std::fs::write(&j.bundle, b"bundle 2").unwrap();
        let text = std::fs::read_to_string(&p.register).unwrap();
        std::fs::write(&p.register, text.replace("A. Analyst", "B. Analyst")).unwrap();
        let e = recover_now(&p).unwrap_err();
        assert!(matches!(e, RegisterError::Broken { .. }), "{e}");
        assert!(pending_path(&p.register).exists());
        assert!(j.bundle.exists());
    }

    #[test]
    fn a_held_lock_is_reported_as_recording() {
        let p = place();
        journal(&p, 1);
        let held = lock(&p.register).unwrap();
        assert_eq!(
            pending(&p.register).unwrap().unwrap().state,
            PendingState::Recording
        );
        drop(held);
        assert_eq!(
            pending(&p.register).unwrap().unwrap().state,
            PendingState::Unfinished
        );
    }
}
