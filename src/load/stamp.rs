//! A file's size and modification time, taken when a loader opens it and again when a pass
//! ends, so that a file changed while it is read is refused rather than read half old, half
//! new. Both loaders use it.

use super::LoadError;
use std::fs::{File, Metadata};
use std::path::Path;
use std::time::SystemTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub(crate) size: u64,
    pub(crate) modified: Option<SystemTime>,
}

impl Stamp {
    /// The file now at `path`. The CSV loader opens the file afresh for each pass, so a file
    /// replaced under the same name must count as changed.
    pub(crate) fn of_path(path: &Path) -> Result<Stamp, LoadError> {
        let meta = std::fs::metadata(path).map_err(|e| LoadError::io(path, e))?;
        Ok(Stamp::from(&meta))
    }

    /// The file behind `file` (`path` only names it in an error). The XLSX loader reads one
    /// handle from start to end, so what matters is that the bytes behind it stay the same.
    pub(crate) fn of_file(path: &Path, file: &File) -> Result<Stamp, LoadError> {
        let meta = file.metadata().map_err(|e| LoadError::io(path, e))?;
        Ok(Stamp::from(&meta))
    }

    fn from(meta: &Metadata) -> Stamp {
        Stamp {
            size: meta.len(),
            modified: meta.modified().ok(),
        }
    }
}
