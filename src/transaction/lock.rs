//! The register's files beside it: the transaction lock, the pending journal's path.

use crate::register::RegisterError;
use std::fs::File;
use std::path::{Path, PathBuf};

/// `register.jsonl` → `register.jsonl<suffix>`, beside it.
pub(super) fn beside(register: &Path, suffix: &str) -> PathBuf {
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

pub(super) fn pending_tmp_path(register: &Path) -> PathBuf {
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
