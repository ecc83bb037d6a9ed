//! Which encoding a CSV file is in: a byte-order mark decides; without one, a scan of the
//! whole file (or, for a caller that reads once, UTF-8 until a byte says otherwise). See the
//! decisions in the module above.

use super::CHUNK;
use super::scan::{Scan, mixed_error, nul_error, undefined_error};
use super::source::{Source, read_full, read_some};
use crate::load::{Encoding, LoadError};
use std::fs::File;
use std::path::Path;

/// The file's encoding. `whole`: by reading all of it; otherwise a file without a byte-order
/// mark is taken to be UTF-8 (see [`LoadOptions::stream_once`]).
pub(super) fn detect_encoding(path: &Path, whole: bool) -> Result<Encoding, LoadError> {
    let mut file = File::open(path).map_err(|e| LoadError::io(path, e))?;
    let mut head = vec![0u8; 4096];
    let n = read_full(&mut file, &mut head).map_err(|e| LoadError::io(path, e))?;
    let head = head.get(..n).unwrap_or(&[]);
    drop(file);

    if head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Err(LoadError::Unsupported {
            path: path.to_path_buf(),
            what: "this is an old-style Excel workbook (.xls) or another Office file, not CSV \
                   text"
                .into(),
        });
    }
    let bom = if head.starts_with(b"\xEF\xBB\xBF") {
        Some(Encoding::Utf8Bom)
    } else if head.starts_with(b"\xFF\xFE") {
        Some(Encoding::Utf16Le)
    } else if head.starts_with(b"\xFE\xFF") {
        Some(Encoding::Utf16Be)
    } else {
        None
    };
    if let Some(encoding) = bom {
        if !whole {
            // The rows' own reading checks every byte, as the pass below would.
            return Ok(encoding);
        }
        // One streaming pass: every byte must decode, and there must be no NUL character.
        let mut src = Source::open(path, encoding, false)?;
        loop {
            let n = src.fill()?.len();
            if n == 0 {
                return Ok(encoding);
            }
            src.consume(n);
        }
    }

    if let Some(order) = utf16_without_bom(head) {
        return Err(LoadError::Unsupported {
            path: path.to_path_buf(),
            what: format!(
                "the file looks like UTF-16 ({order}) text without a byte-order mark, so its \
                 encoding cannot be known for sure"
            ),
        });
    }

    if !whole {
        // Until a byte says otherwise; `open` reads the file whole if one does before the header
        // has been found, and the rows' stream stops if one does after.
        return Ok(Encoding::Utf8);
    }

    // One streaming pass over the whole file: a file whose start is plain ASCII but which has
    // Windows-1252 bytes further down must be found out here, not half way through the rows.
    let mut file = File::open(path).map_err(|e| LoadError::io(path, e))?;
    let mut buf = vec![0u8; CHUNK];
    let mut scan = Scan::new();
    loop {
        let n = read_some(&mut file, &mut buf).map_err(|e| LoadError::io(path, e))?;
        if n == 0 {
            break;
        }
        scan.feed(buf.get(..n).unwrap_or(&[]));
    }
    scan.finish();
    classify(&scan, path)
}

/// Many NUL bytes in alternate positions: UTF-16 text without a byte-order mark.
pub(super) fn utf16_without_bom(head: &[u8]) -> Option<&'static str> {
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        if let [a, b] = pair {
            even += usize::from(*a == 0);
            odd += usize::from(*b == 0);
        }
    }
    let many = |n: usize| n.saturating_mul(10) >= pairs.saturating_mul(3);
    let few = |n: usize| n.saturating_mul(10) < pairs;
    if many(odd) && few(even) {
        Some("little-endian")
    } else if many(even) && few(odd) {
        Some("big-endian")
    } else {
        None
    }
}

/// The encoding of a file without a byte-order mark, from a scan of all of it.
pub(super) fn classify(scan: &Scan, path: &Path) -> Result<Encoding, LoadError> {
    if let Some(line) = scan.first_nul {
        return Err(nul_error(path, line, false));
    }
    match (scan.first_invalid, scan.first_multibyte) {
        (None, _) => Ok(Encoding::Utf8),
        (Some(bad), Some(good)) => Err(mixed_error(path, bad, good)),
        (Some(_), None) => match scan.first_undefined {
            Some((line, byte)) => Err(undefined_error(path, line, byte)),
            None => Ok(Encoding::Windows1252),
        },
    }
}

/// Bytes of the byte-order mark that starts a file in this encoding.
pub(super) fn bom_len(encoding: Encoding) -> u64 {
    match encoding {
        Encoding::Utf8Bom => 3,
        Encoding::Utf16Le | Encoding::Utf16Be => 2,
        Encoding::Utf8 | Encoding::Windows1252 => 0,
    }
}
