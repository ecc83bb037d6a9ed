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

    /// The inner writer, the SHA-256 and the byte count; an error if any write failed.
    pub(crate) fn into_parts(self) -> io::Result<(W, [u8; 32], u64)> {
        if self.failed {
            return Err(io::Error::other(
                "an earlier write to the temporary file failed",
            ));
        }
        Ok((self.inner, self.hasher.finalize().into(), self.bytes))
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
    // The writer's process id is in the name so a later run can tell a file whose writer has
    // died (safe to remove at once) from one still being written by another run.
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".part")
        .tempfile_in(dir)
}

/// Flushes `tmp` to the disk, then renames it to `target` unless `target` exists.
///
/// On an existing target the error is `AlreadyExists` and the temporary file is removed (it is
/// dropped). On Windows, antivirus scanners briefly lock new files; a rename refused there for a
/// reason a scanner causes (see [`may_be_scanner`]) is tried up to [`RENAME_ATTEMPTS`] times,
/// waiting 50 ms more each time up to 500 ms (about 7 s in all).
pub(crate) fn persist_noclobber(tmp: NamedTempFile, target: &Path) -> io::Result<()> {
    tmp.as_file().sync_all()?;
    let mut tmp = tmp;
    let mut attempts = 0;
    loop {
        match tmp.persist_noclobber(target) {
            Ok(_) => break,
            Err(e) => {
                attempts += 1;
                if !may_be_scanner(&e.error) || attempts >= RENAME_ATTEMPTS {
                    // Dropping e.file removes the temporary file (unless something still holds
                    // it; then the next run's clean-up does).
                    return Err(e.error);
                }
                tmp = e.file;
                std::thread::sleep(Duration::from_millis(50 * attempts.min(10)));
            }
        }
    }
    sync_dir(target.parent().unwrap_or(Path::new(".")));
    Ok(())
}

/// How many times a rename that a virus scanner may be blocking is tried (Windows only).
pub(crate) const RENAME_ATTEMPTS: u64 = 20;

/// Whether a refused rename may be a scanner holding the new file open for a moment: on Windows,
/// access denied (`ERROR_ACCESS_DENIED`, 5), a sharing violation (`ERROR_SHARING_VIOLATION`, 32:
/// the usual one, which the standard library does not give a kind of its own) or a lock
/// violation (`ERROR_LOCK_VIOLATION`, 33). Never elsewhere.
fn may_be_scanner(e: &io::Error) -> bool {
    cfg!(windows) && matches!(e.raw_os_error(), Some(5 | 32 | 33))
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
/// They hold only ciphertext, but should not pile up. A regular file is removed when its
/// writer's process has ended (known on Linux, from the process id in the name), or when its
/// last change is at least `min_age` ago; so a run still writing in the same folder is left
/// alone (a writing run touches its file continuously; ten minutes is a safe `min_age`).
/// Returns the files removed.
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
        if age >= min_age || writer_has_ended(&name.to_string_lossy()) {
            std::fs::remove_file(entry.path())?;
            removed.push(entry.path());
        }
    }
    Ok(removed)
}

/// Whether the process that named this temp file (`.disclose-tmp-<pid>-…`) is known to have
/// ended. Only Linux can tell cheaply (`/proc/<pid>`); elsewhere the answer is "not known".
fn writer_has_ended(name: &str) -> bool {
    let Some(pid) = name
        .strip_prefix(TEMP_PREFIX)
        .and_then(|rest| rest.split('-').next())
        .and_then(|p| p.parse::<u32>().ok())
    else {
        return false;
    };
    if pid == std::process::id() {
        return false;
    }
    cfg!(target_os = "linux") && !Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_writer_hashes_what_passed() {
        let mut w = HashingWriter::new(Vec::new());
        w.write_all(b"abc").unwrap();
        let (inner, sha256, n) = w.into_parts().unwrap();
        assert_eq!(inner, b"abc");
        assert_eq!(n, 3);
        assert_eq!(
            crate::hex::hex(&sha256),
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

    #[test]
    fn only_scanner_like_windows_errors_are_retried() {
        for code in [5, 32, 33] {
            assert_eq!(
                may_be_scanner(&io::Error::from_raw_os_error(code)),
                cfg!(windows)
            );
        }
        assert!(!may_be_scanner(&io::Error::from(
            io::ErrorKind::AlreadyExists
        )));
    }

    /// What a virus scanner does to a new file: opens it, letting others read and write but not
    /// rename or delete it (no FILE_SHARE_DELETE).
    #[cfg(windows)]
    fn scanner_holds(path: &Path) -> std::fs::File {
        use std::os::windows::fs::OpenOptionsExt;
        const FILE_SHARE_READ: u32 = 1;
        const FILE_SHARE_WRITE: u32 = 2;
        std::fs::OpenOptions::new()
            .read(true)
            .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE)
            .open(path)
            .unwrap()
    }

    #[cfg(windows)]
    #[test]
    fn a_rename_blocked_for_a_moment_by_a_scanner_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("b.zip.age");
        let mut tmp = temp_in(dir.path()).unwrap();
        tmp.write_all(b"new").unwrap();
        let scanner = scanner_holds(tmp.path());
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(400));
            drop(scanner);
        });
        persist_noclobber(tmp, &target).unwrap();
        release.join().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
    }

    #[cfg(windows)]
    #[test]
    fn a_rename_blocked_for_good_fails_after_bounded_retries() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("b.zip.age");
        let mut tmp = temp_in(dir.path()).unwrap();
        tmp.write_all(b"new").unwrap();
        let scanner = scanner_holds(tmp.path());
        let started = std::time::Instant::now();
        let e = persist_noclobber(tmp, &target).unwrap_err();
        assert!(may_be_scanner(&e), "{e:?}");
        assert!(started.elapsed() < Duration::from_secs(30));
        assert!(!target.exists());
        drop(scanner);
    }
}
