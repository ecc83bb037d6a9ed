//! Putting a sealed bundle in place and appending its entry (steps 4 to 7 in `mod.rs`).

use super::journal::{
    ABOUT, Journal, journal_error, registered, remove_if_present, remove_journal, write_journal,
};
use super::lock::Lock;
use crate::bundle::{BundleError, Sealed, Written};
use crate::register::{self, Disclosure, Entry, RegisterError};
use std::io;
use std::path::{Path, PathBuf};

/// What [`commit`] did: the bundle in place, its entry, and anything to tell the analyst.
#[derive(Debug)]
pub struct Committed {
    pub written: Written,
    pub entry: Entry,
    pub notes: Vec<String>,
}

/// Why a sealed bundle was not committed.
#[derive(Debug)]
pub enum CommitError {
    /// The bundle could not be put in place (nothing was).
    Bundle(BundleError),
    /// The register could not be written: `bundle` is the bundle left in place unrecorded
    /// (the next run records it), or empty when nothing was left.
    Register {
        bundle: PathBuf,
        source: RegisterError,
    },
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
) -> Result<Committed, CommitError> {
    let register_error = |bundle: PathBuf, source| CommitError::Register { bundle, source };
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
            return Err(CommitError::Bundle(e));
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
