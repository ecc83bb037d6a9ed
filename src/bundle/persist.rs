//! Getting ciphertext onto disk safely: a writer that hashes what passes through it, the
//! no-overwrite rename of a finished temporary file, and cleaning up after a killed run.

use sha2::{Digest, Sha256};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use tempfile::NamedTempFile;

/// Every temporary file disclose makes starts with this, in the folder the bundle goes to.
pub const TEMP_PREFIX: &str = ".disclose-tmp-";

/// Passes bytes to `inner`, hashing and counting exactly what `inner` accepted.
///
/// After a write fails (a full disk), the writer is poisoned: `into_parts` refuses, and later
/// writes are discarded. Nothing can then be made of the file; the only writes that still
/// arrive come from the zip library finishing the archive as it is dropped, which would
/// otherwise fail again and print a debug dump on stderr over the analyst's error message.
pub(crate) struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
    failed: bool,
}

impl<W: Write> HashingWriter<W> {
    pub(crate) fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
            failed: false,
        }
    }

    /// The inner writer, the hex SHA-256 and the byte count; an error if any write failed.
    pub(crate) fn into_parts(self) -> io::Result<(W, String, u64)> {
        if self.failed {
            return Err(io::Error::other(
                "an earlier write to the temporary file failed",
            ));
        }
        Ok((
            self.inner,
            crate::keys::hex(&self.hasher.finalize()),
            self.bytes,
        ))
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.failed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Ok(n) => {
                self.hasher.update(&buf[..n]);
                self.bytes += n as u64;
                Ok(n)
            }
            Err(e) => {
                self.failed = e.kind() != io::ErrorKind::Interrupted;
                Err(e)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.failed {
            return Ok(());
        }
        self.inner.flush().inspect_err(|_| self.failed = true)
    }
}

/// A new, empty temporary file in `dir`, removed when dropped unless persisted.
pub(crate) fn temp_in(dir: &Path) -> io::Result<NamedTempFile> {
    tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(".part")
        .tempfile_in(dir)
}

/// Flushes `tmp` to the disk, then renames it to `target` unless `target` exists.
///
/// On an existing target the error is `AlreadyExists` and the temporary file is removed (it is
/// dropped). On Windows, antivirus scanners briefly lock new files; a refused rename there is
/// retried up to 20 times, 100 ms apart.
pub(crate) fn persist_noclobber(tmp: NamedTempFile, target: &Path) -> io::Result<()> {
    tmp.as_file().sync_all()?;
    let mut tmp = tmp;
    let mut attempts = 0;
    loop {
        match tmp.persist_noclobber(target) {
            Ok(_) => break,
            Err(e) => {
                attempts += 1;
                let transient = cfg!(windows) && e.error.kind() == io::ErrorKind::PermissionDenied;
                if !transient || attempts >= 20 {
                    // Dropping e.file removes the temporary file.
                    return Err(e.error);
                }
                tmp = e.file;
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
    sync_dir(target.parent().unwrap_or(Path::new(".")));
    Ok(())
}

/// Makes a rename durable on Unix by syncing its folder; elsewhere a no-op. Failure here does
/// not undo the rename, so it is ignored.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Removes temporary files (`.disclose-tmp-*`) that a killed or crashed run left in `dir`.
///
/// They hold only ciphertext, but should not pile up. Only regular files whose last change is
/// at least `min_age` ago are removed, so a run still writing in the same folder is left alone
/// (a writing run touches its file continuously; ten minutes is a safe `min_age`). Returns the
/// files removed.
pub fn clean_stale_temp_files(dir: &Path, min_age: Duration) -> io::Result<Vec<PathBuf>> {
    let now = SystemTime::now();
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(TEMP_PREFIX) {
            continue;
        }
        let meta = entry.path().symlink_metadata()?;
        if !meta.file_type().is_file() {
            continue;
        }
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .unwrap_or(Duration::ZERO);
        if age >= min_age {
            std::fs::remove_file(entry.path())?;
            removed.push(entry.path());
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_writer_hashes_what_passed() {
        let mut w = HashingWriter::new(Vec::new());
        w.write_all(b"abc").unwrap();
        let (inner, hex, n) = w.into_parts().unwrap();
        assert_eq!(inner, b"abc");
        assert_eq!(n, 3);
        assert_eq!(
            hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn stale_cleanup_removes_only_old_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(".disclose-tmp-abc.part");
        let other = dir.path().join("keep.zip.age");
        std::fs::write(&old, b"x").unwrap();
        std::fs::write(&other, b"x").unwrap();
        // Too young: kept.
        assert!(
            clean_stale_temp_files(dir.path(), Duration::from_secs(3600))
                .unwrap()
                .is_empty()
        );
        assert!(old.exists());
        let removed = clean_stale_temp_files(dir.path(), Duration::ZERO).unwrap();
        assert_eq!(removed, vec![old.clone()]);
        assert!(!old.exists());
        assert!(other.exists());
    }

    #[test]
    fn persist_refuses_existing_target_and_removes_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("b.zip.age");
        std::fs::write(&target, b"original").unwrap();
        let mut tmp = temp_in(dir.path()).unwrap();
        tmp.write_all(b"new").unwrap();
        let tmp_path = tmp.path().to_path_buf();
        let e = persist_noclobber(tmp, &target).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&target).unwrap(), b"original");
        assert!(!tmp_path.exists());
    }
}
