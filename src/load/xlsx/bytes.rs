//! Reading, hashing and searching raw bytes, for the package checks, the XML reader and the
//! file's hash alike. Nothing here knows what a workbook is.

use crate::load::LoadError;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Read until `buf` is full or the input ends; how many bytes were read.
pub(super) fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Where `needle` first stands in `hay`.
pub(super) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// SHA-256 of the whole file, lower-case hex; `None` if cancelled.
pub(super) fn hash_file(
    path: &Path,
    file: &File,
    cancel: &AtomicBool,
) -> Result<Option<String>, LoadError> {
    use sha2::Digest as _;
    let mut f = file;
    f.seek(SeekFrom::Start(0))
        .map_err(|e| LoadError::io(path, e))?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(LoadError::io(path, e)),
        }
    }
    let mut hex = String::with_capacity(64);
    for b in hasher.finalize().iter() {
        hex.push_str(&format!("{b:02x}"));
    }
    Ok(Some(hex))
}
