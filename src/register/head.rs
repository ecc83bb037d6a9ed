//! The register's head, kept in a small file beside it (`register.jsonl.head`): the `seq` and
//! `hash` of the last entry appended. The chain alone cannot show that its newest entries were
//! removed, or that the whole file was deleted and a new chain begun; the head file can, as
//! long as it is not deleted too (and each bundle's record carries the head before it, for
//! what is lost with both).
//!
//! A register with entries but no head file is one written before head files were kept: it is
//! taken as it is, and the next append writes the head.

use super::RegisterError;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The largest head file read: it is one short line.
const HEAD_LIMIT: u64 = 4096;

/// The last entry appended, as the head file records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    /// The last entry's `seq`.
    pub seq: u64,
    /// The last entry's `hash`.
    pub hash: String,
}

/// What the head file beside a register says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeadFile {
    /// There is none (a register not yet written, or one written before head files were kept).
    Missing,
    /// It cannot be read or is not a head: why, in words.
    Damaged(String),
    /// The last entry appended.
    Found(Head),
}

/// Where the head of the register at `register` is kept: beside it, named after it
/// (`register.jsonl` → `register.jsonl.head`).
pub fn head_path(register: &Path) -> PathBuf {
    let mut name = register
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "register".into());
    name.push(".head");
    register.with_file_name(name)
}

/// Reads the head file of the register at `register`.
pub fn read_head(register: &Path) -> HeadFile {
    use crate::files::{FileError, read_small};
    let bytes = match read_small(&head_path(register), HEAD_LIMIT) {
        Ok(b) => b,
        Err(FileError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return HeadFile::Missing;
        }
        Err(FileError::Io(e)) => return HeadFile::Damaged(format!("it cannot be read: {e}")),
        Err(FileError::Refused(r)) => return HeadFile::Damaged(format!("it {r}")),
    };
    match serde_json::from_slice::<Head>(&bytes) {
        Ok(h) if h.hash.len() == 64 && h.hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            HeadFile::Found(h)
        }
        _ => HeadFile::Damaged("it is not a register head (one line of JSON: seq and hash)".into()),
    }
}

/// Records `head` as the register's head: written to a temporary file beside it, flushed, then
/// renamed over the old head, so a crash leaves the old head or the new one, never half of one.
pub(super) fn write_head(register: &Path, head: &Head) -> Result<(), RegisterError> {
    let path = head_path(register);
    let io = |source| RegisterError::Io {
        what: "write the head file of",
        path: register.to_path_buf(),
        source,
    };
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut line = serde_json::to_string(head).expect("heads serialise");
    line.push('\n');
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(line.as_bytes())?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, &path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_sits_beside_the_register_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let reg = dir.path().join("register.jsonl");
        assert_eq!(head_path(&reg), dir.path().join("register.jsonl.head"));
        assert_eq!(read_head(&reg), HeadFile::Missing);
        let h = Head {
            seq: 3,
            hash: "ab".repeat(32),
        };
        write_head(&reg, &h).unwrap();
        assert_eq!(read_head(&reg), HeadFile::Found(h));
        std::fs::write(head_path(&reg), "{\"seq\":3}\n").unwrap();
        assert!(matches!(read_head(&reg), HeadFile::Damaged(_)));
    }
}
