//! The pending journal: what it holds, written whole or not at all, read back and checked.

use super::lock::{pending_path, pending_tmp_path};
use crate::bundle::TEMP_PREFIX;
use crate::register::{self, Disclosure, Entry, RegisterError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The largest journal read: it holds one entry, about a kilobyte.
const JOURNAL_LIMIT: u64 = 1024 * 1024;

/// What the journal holds: enough to finish or undo one bundle's commit. Metadata only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Journal {
    /// For whoever opens the file.
    pub(super) about: String,
    /// The entry to append.
    pub(super) disclosure: Disclosure,
    /// The register's head when the bundle's record was made (its `register_prev`).
    pub(super) register_prev: Option<String>,
    /// Where the bundle goes (an absolute path).
    pub(super) bundle: PathBuf,
    /// Its temporary file, beside it.
    pub(super) temp: PathBuf,
    /// `<bundle>.sha256`, and `<bundle>.sig` when signed.
    pub(super) sidecars: Vec<PathBuf>,
    /// The bundle's SHA-256 and size.
    pub(super) sha256: String,
    pub(super) size: u64,
}

pub(super) const ABOUT: &str = "A bundle disclose was recording when it stopped. The next pack with this \
                     register records or removes it; do not edit or remove this file.";

pub(super) fn journal_error(
    register: &Path,
    what: &'static str,
    source: io::Error,
) -> RegisterError {
    RegisterError::Io {
        what,
        path: register.to_path_buf(),
        source,
    }
}

pub(super) fn write_journal(register: &Path, j: &Journal) -> io::Result<()> {
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

pub(super) fn read_journal(register: &Path) -> Result<Option<Journal>, RegisterError> {
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

pub(super) fn remove_journal(register: &Path) -> Result<(), RegisterError> {
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
pub(super) fn remove_if_present(path: &Path) -> bool {
    match std::fs::remove_file(path) {
        Ok(()) => true,
        Err(e) => e.kind() == io::ErrorKind::NotFound,
    }
}

/// Whether the file at `path` is the bundle the journal describes (a regular file of its size
/// and SHA-256).
pub(super) fn is_the_bundle(path: &Path, size: u64, sha256: &str) -> io::Result<bool> {
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

pub(super) fn registered(register: &Path, bundle_id: &str) -> Result<Option<Entry>, RegisterError> {
    Ok(register::list(register)?
        .into_iter()
        .find(|e| e.disclosure.bundle_id == bundle_id))
}

pub(super) fn shown(path: &Path) -> String {
    crate::text::printable(&path.display().to_string())
}
