//! A journal left behind, as `register --verify` reports it, without changing anything.

use super::journal::{is_the_bundle, read_journal, registered, shown};
use super::lock::lock_path;
use crate::register::RegisterError;
use std::fs::File;
use std::path::{Path, PathBuf};

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
                 entry: the next bundle written with this register records it."
            ),
            PendingState::Recorded => format!(
                "An interrupted pack left its journal after recording the bundle {name}: the \
                 next bundle written with this register removes it."
            ),
            PendingState::Unfinished => format!(
                "An interrupted pack left the unfinished bundle {name} (never put in place): \
                 the next bundle written with this register removes what is left of it."
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
