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

mod commit;
mod journal;
mod lock;
mod pending;
mod recover;

pub use commit::{CommitError, Committed, commit};
pub use lock::{Lock, lock, lock_path, pending_path};
pub use pending::{Pending, PendingState, pending};
pub use recover::recover;

#[cfg(test)]
mod tests;
