//! Finishing or undoing what an interrupted run left, under the lock, before anything else.

use super::journal::{
    is_the_bundle, journal_error, read_journal, registered, remove_if_present, remove_journal,
    shown,
};
use super::lock::{Lock, pending_tmp_path};
use crate::register::{self, RegisterError};
use std::path::Path;

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
