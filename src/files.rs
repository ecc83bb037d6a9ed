//! Opening the files a user names: only regular files. A named pipe (FIFO) would hang the read
//! until something writes to it, and a device such as `/dev/zero` or `/dev/urandom` never ends;
//! small files (keys, passphrases, checksums, the register) are also read whole only up to a
//! cap, checked before reading and again while reading.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;
use zeroize::Zeroizing;

/// Why a named file was not opened, beyond the operating system's own errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refused {
    /// A folder, FIFO, device or socket: `kind` says which ("a named pipe (FIFO)").
    #[error("is {kind}, not a regular file")]
    NotRegular {
        /// What it is, with its article.
        kind: &'static str,
    },
    /// Larger than any file of its kind can be.
    #[error("is {}, larger than such a file can be (at most {})", size_text(*.size), size_text(*.limit))]
    TooLarge {
        /// Its size in bytes (at least `limit + 1` when it grew while read).
        size: u64,
        /// The cap in bytes.
        limit: u64,
    },
}

/// A file that could not be opened or read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Not a regular file, or too large.
    #[error(transparent)]
    Refused(#[from] Refused),
    /// The operating system's error (not found, permission denied, …).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// What the file at `path` is, when it is not a regular file (following links, as opening
/// does).
fn kind(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("a special file")
}

/// Refuses metadata that is not a regular file's.
pub fn regular(meta: &Metadata) -> Result<(), Refused> {
    match kind(meta) {
        Some(kind) => Err(Refused::NotRegular { kind }),
        None => Ok(()),
    }
}

/// Checks that `path` is a regular file (following links) without opening it: a FIFO would
/// block the open itself.
pub fn check_regular(path: &Path) -> Result<Metadata, FileError> {
    let meta = std::fs::metadata(path)?;
    regular(&meta)?;
    Ok(meta)
}

/// Opens `path` for reading if it is a regular file. The open handle is checked again, so a
/// file swapped for a FIFO or device between the check and the open is refused too (it may
/// then have blocked the open, but nothing is read from it).
pub fn open_regular(path: &Path) -> Result<File, FileError> {
    check_regular(path)?;
    let file = File::open(path)?;
    regular(&file.metadata()?)?;
    Ok(file)
}

/// Reads a regular file of at most `limit` bytes whole, into memory that is wiped when
/// dropped (it may hold a key).
pub fn read_small(path: &Path, limit: u64) -> Result<Zeroizing<Vec<u8>>, FileError> {
    let file = open_regular(path)?;
    read_small_from(&file, limit)
}

/// [`read_small`] on a file already opened with [`open_regular`].
pub fn read_small_from(file: &File, limit: u64) -> Result<Zeroizing<Vec<u8>>, FileError> {
    let size = file.metadata()?.len();
    if size > limit {
        return Err(Refused::TooLarge { size, limit }.into());
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(size as usize));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Refused::TooLarge {
            size: bytes.len() as u64,
            limit,
        }
        .into());
    }
    Ok(bytes)
}

/// A size for people: "512 bytes", "64 KiB", "3.2 GiB".
pub fn size_text(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    let text = format!("{v:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size_text(0), "0 bytes");
        assert_eq!(size_text(1023), "1023 bytes");
        assert_eq!(size_text(64 * 1024), "64 KiB");
        assert_eq!(size_text(3 * 1024 * 1024 + 300 * 1024), "3.3 MiB");
        assert_eq!(size_text(5 << 30), "5 GiB");
    }

    #[test]
    fn folders_and_devices_are_refused_and_files_read_within_their_cap() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            open_regular(dir.path()),
            Err(FileError::Refused(Refused::NotRegular { kind: "a folder" }))
        ));
        #[cfg(unix)]
        assert!(matches!(
            read_small(Path::new("/dev/zero"), 100),
            Err(FileError::Refused(Refused::NotRegular { kind: "a device" }))
        ));
        let p = dir.path().join("f");
        std::fs::write(&p, b"12345").unwrap();
        assert_eq!(&read_small(&p, 5).unwrap()[..], b"12345");
        assert_eq!(
            read_small(&p, 4).unwrap_err().to_string(),
            "is 5 bytes, larger than such a file can be (at most 4 bytes)"
        );
        assert!(matches!(
            read_small(&dir.path().join("missing"), 4),
            Err(FileError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound
        ));
    }
}
