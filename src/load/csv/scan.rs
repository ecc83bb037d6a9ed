//! The checks every byte of a CSV file gets, once to find its encoding and again as its rows
//! are read: a UTF-8 validator that carries its state across blocks, noting the line of the
//! first NUL, invalid byte or byte Windows-1252 leaves undefined, and the line count itself.

use crate::load::{Encoding, LoadError};
use std::path::Path;

/// Whether what a [`Scan`] has seen so far fits the encoding the file was found to have, or,
/// `provisional`, was taken to have from its start.
pub(super) fn check_scan(
    scan: &Scan,
    encoding: Encoding,
    provisional: bool,
    path: &Path,
) -> Result<(), LoadError> {
    let utf16 = matches!(encoding, Encoding::Utf16Le | Encoding::Utf16Be);
    if let Some(line) = scan.first_nul {
        return Err(nul_error(path, line, utf16));
    }
    match encoding {
        Encoding::Utf8 | Encoding::Utf8Bom => {
            if let Some(line) = scan.first_invalid {
                if provisional && encoding == Encoding::Utf8 {
                    return Err(LoadError::EncodingUnsettled {
                        path: path.to_path_buf(),
                        row: line,
                    });
                }
                return Err(LoadError::Malformed {
                    path: path.to_path_buf(),
                    row: line,
                    what: "this row has bytes that are not valid UTF-8, though the file is \
                           otherwise UTF-8"
                        .into(),
                });
            }
        }
        Encoding::Windows1252 => {
            if let Some(good) = scan.first_multibyte {
                return Err(mixed_error(path, scan.first_invalid.unwrap_or(good), good));
            }
            if let Some((line, byte)) = scan.first_undefined {
                return Err(undefined_error(path, line, byte));
            }
        }
        Encoding::Utf16Le | Encoding::Utf16Be => {}
    }
    Ok(())
}

pub(super) fn nul_error(path: &Path, line: u64, utf16: bool) -> LoadError {
    LoadError::Malformed {
        path: path.to_path_buf(),
        row: line,
        what: if utf16 {
            "the file contains a NUL character, which no export should hold".into()
        } else {
            "the file contains NUL bytes: it is probably UTF-16 without a byte-order mark, or \
             not a text file at all"
                .into()
        },
    }
}

pub(super) fn mixed_error(path: &Path, bad: u64, good: u64) -> LoadError {
    LoadError::Malformed {
        path: path.to_path_buf(),
        row: bad,
        what: format!(
            "the file mixes text encodings: row {good} has UTF-8 characters but row {bad} has \
             bytes that are not UTF-8 (perhaps Windows-1252), so it cannot be decoded safely; \
             save it again as CSV UTF-8"
        ),
    }
}

pub(super) fn undefined_error(path: &Path, line: u64, byte: u8) -> LoadError {
    LoadError::Malformed {
        path: path.to_path_buf(),
        row: line,
        what: format!(
            "the file is not UTF-8, and byte 0x{byte:02X} on this row is not a character in \
             Windows-1252 either, so its encoding is unknown; save it again as CSV UTF-8"
        ),
    }
}

/// Counts line breaks the way a text editor does: CR LF, LF and a lone CR are one break each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Lines {
    /// The 1-based line of the next byte.
    pub(super) line: u64,
    pub(super) prev_cr: bool,
    /// The last byte counted was a line break.
    pub(super) after_break: bool,
}

impl Lines {
    pub(super) fn new() -> Lines {
        Lines {
            line: 1,
            prev_cr: false,
            after_break: false,
        }
    }

    #[inline]
    fn byte(&mut self, b: u8) {
        match b {
            b'\r' => {
                self.line = self.line.saturating_add(1);
                self.prev_cr = true;
                self.after_break = true;
            }
            b'\n' => {
                if !self.prev_cr {
                    self.line = self.line.saturating_add(1);
                }
                self.prev_cr = false;
                self.after_break = true;
            }
            _ => {
                self.prev_cr = false;
                self.after_break = false;
            }
        }
    }

    /// Counts a whole block: every CR is a break, and every LF that does not follow a CR.
    pub(super) fn feed(&mut self, bytes: &[u8]) {
        self.add(bytes, &Tally::of(bytes));
    }

    /// Counts a block whose [`Tally`] has been taken.
    fn add(&mut self, bytes: &[u8], tally: &Tally) {
        let Some(&last) = bytes.last() else {
            return;
        };
        // An LF that ends a CR LF split across blocks.
        let joined = u64::from(self.prev_cr && bytes.first() == Some(&b'\n'));
        let breaks = (tally.cr + tally.lf).saturating_sub(tally.crlf + joined);
        self.line = self.line.saturating_add(breaks);
        self.prev_cr = last == b'\r';
        self.after_break = matches!(last, b'\r' | b'\n');
    }

    /// The line of the last byte counted.
    pub(super) fn last_line(&self) -> u64 {
        if self.after_break {
            self.line.saturating_sub(1).max(1)
        } else {
            self.line
        }
    }
}

/// What one pass over a block finds of the bytes that matter to [`Scan`] and [`Lines`].
#[derive(Debug, Default)]
pub(super) struct Tally {
    /// A byte of 0x80 or above (so not ASCII).
    high: bool,
    nul: bool,
    cr: u64,
    lf: u64,
    /// CR LF pairs within the block.
    crlf: u64,
}

impl Tally {
    /// A few passes, each at memory speed: `memchr` counts a byte 32 at a time where the
    /// processor can (chosen as the program runs, so the portable build loses nothing), and a
    /// CR, rare in most exports and one a line in the rest, is looked at only where it is.
    fn of(bytes: &[u8]) -> Tally {
        let mut tally = Tally {
            high: !bytes.is_ascii(),
            nul: memchr::memchr(0, bytes).is_some(),
            cr: 0,
            lf: memchr::memchr_iter(b'\n', bytes).count() as u64,
            crlf: 0,
        };
        for at in memchr::memchr_iter(b'\r', bytes) {
            tally.cr += 1;
            tally.crlf += u64::from(bytes.get(at + 1) == Some(&b'\n'));
        }
        tally
    }
}

pub(super) fn count_breaks(bytes: &[u8]) -> u64 {
    let mut lines = Lines::new();
    lines.feed(bytes);
    lines.line.saturating_sub(1)
}

/// Bytes scanned at a time on the fast path: small enough that one accented name sends little
/// text the slow way, large enough that the per-block checks cost nothing.
pub(super) const SCAN_BLOCK: usize = 4096;

/// Bytes that Windows-1252 leaves undefined.
pub(super) fn is_undefined_1252(b: u8) -> bool {
    matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D)
}

/// What a pass over raw bytes learns about their encoding: a UTF-8 validator that carries its
/// state across chunks, noting the line of the first of each thing that matters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Scan {
    pub(super) lines: Lines,
    /// Continuation bytes still expected, and the range the next one must fall in.
    need: u8,
    lo: u8,
    hi: u8,
    pub(super) first_invalid: Option<u64>,
    pub(super) first_multibyte: Option<u64>,
    pub(super) first_nul: Option<u64>,
    /// A byte that Windows-1252 leaves undefined.
    pub(super) first_undefined: Option<(u64, u8)>,
}

impl Scan {
    pub(super) fn new() -> Scan {
        Scan {
            lines: Lines::new(),
            need: 0,
            lo: 0x80,
            hi: 0xBF,
            first_invalid: None,
            first_multibyte: None,
            first_nul: None,
            first_undefined: None,
        }
    }

    /// Blocks that cannot change what the scan has noted (ASCII, or valid UTF-8 once a
    /// multibyte character has been seen; no NUL; no byte Windows-1252 leaves undefined) only
    /// count lines, at memory speed. Anything else goes byte by byte. An ASCII block without
    /// NUL, which is nearly every block of an export, is known and counted in one pass.
    pub(super) fn feed(&mut self, bytes: &[u8]) {
        for block in bytes.chunks(SCAN_BLOCK) {
            let mut rest = block;
            if self.need == 0 {
                let tally = Tally::of(block);
                if !tally.high && !tally.nul {
                    self.lines.add(block, &tally);
                    continue;
                }
                let plain = match std::str::from_utf8(rest) {
                    Ok(_) => rest.len(),
                    Err(e) => e.valid_up_to(),
                };
                let (head, tail) = rest.split_at(plain);
                let quiet = (head.is_ascii() || self.first_multibyte.is_some())
                    && !head.contains(&0)
                    && (head.is_ascii() || !head.iter().any(|&b| is_undefined_1252(b)));
                if quiet {
                    self.lines.feed(head);
                    rest = tail;
                }
            }
            for &b in rest {
                self.byte(b);
            }
        }
    }

    #[inline]
    fn byte(&mut self, b: u8) {
        let line = self.lines.line;
        if is_undefined_1252(b) && self.first_undefined.is_none() {
            self.first_undefined = Some((line, b));
        }
        if self.need > 0 {
            if (self.lo..=self.hi).contains(&b) {
                self.need -= 1;
                self.lo = 0x80;
                self.hi = 0xBF;
                if self.need == 0 && self.first_multibyte.is_none() {
                    self.first_multibyte = Some(line);
                }
                // A continuation byte is never a line break.
                self.lines.byte(b);
                return;
            }
            self.first_invalid.get_or_insert(line);
            self.need = 0;
            self.lo = 0x80;
            self.hi = 0xBF;
            // `b` itself is looked at afresh below.
        }
        let (need, lo, hi) = match b {
            0x00 => {
                self.first_nul.get_or_insert(line);
                (0, 0x80, 0xBF)
            }
            0x01..=0x7F => (0, 0x80, 0xBF),
            0xC2..=0xDF => (1, 0x80, 0xBF),
            0xE0 => (2, 0xA0, 0xBF),
            0xE1..=0xEC | 0xEE | 0xEF => (2, 0x80, 0xBF),
            0xED => (2, 0x80, 0x9F),
            0xF0 => (3, 0x90, 0xBF),
            0xF1..=0xF3 => (3, 0x80, 0xBF),
            0xF4 => (3, 0x80, 0x8F),
            _ => {
                self.first_invalid.get_or_insert(line);
                (0, 0x80, 0xBF)
            }
        };
        self.need = need;
        self.lo = lo;
        self.hi = hi;
        self.lines.byte(b);
    }

    /// The end of the input: a character cut off there is invalid.
    pub(super) fn finish(&mut self) {
        if self.need > 0 {
            self.first_invalid.get_or_insert(self.lines.line);
            self.need = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference: every byte the slow way.
    fn scan_bytewise(chunks: &[Vec<u8>]) -> Scan {
        let mut scan = Scan::new();
        for chunk in chunks {
            for &b in chunk {
                scan.byte(b);
            }
        }
        scan.finish();
        scan
    }

    fn scan_fast(chunks: &[Vec<u8>]) -> Scan {
        let mut scan = Scan::new();
        for chunk in chunks {
            scan.feed(chunk);
        }
        scan.finish();
        scan
    }

    /// Text that mixes the bytes that matter: line breaks, NUL, ASCII, UTF-8 characters (whole
    /// and cut), Windows-1252 letters and the bytes it leaves undefined, in runs long enough to
    /// cross the fast path's blocks.
    fn piece() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            4 => "[a-z,\"]{1,40}".prop_map(String::into_bytes),
            2 => prop::sample::select(vec![
                b"\r".to_vec(), b"\n".to_vec(), b"\r\n".to_vec(), b"\0".to_vec(),
                "é".as_bytes().to_vec(), "Ł".as_bytes().to_vec(), "€".as_bytes().to_vec(),
                "😀".as_bytes().to_vec(), vec![0xE9], vec![0x81], vec![0x9D], vec![0xC5],
                vec![0xE2, 0x82], vec![0xF0, 0x9F],
            ]),
            1 => (1usize..6000).prop_map(|n| vec![b'x'; n]),
        ]
    }

    proptest! {
        #[test]
        fn fast_scan_notes_what_the_bytewise_scan_notes(
            pieces in prop::collection::vec(piece(), 0..80),
            cuts in prop::collection::vec(0usize..9000, 0..4),
        ) {
            let text: Vec<u8> = pieces.concat();
            // Feed it in arbitrary chunks, as reads of a file would come.
            let mut chunks = Vec::new();
            let mut at = 0;
            let mut cuts = cuts;
            cuts.sort_unstable();
            for cut in cuts {
                let cut = cut.min(text.len());
                if cut >= at {
                    chunks.push(text[at..cut].to_vec());
                    at = cut;
                }
            }
            chunks.push(text[at..].to_vec());
            prop_assert_eq!(scan_fast(&chunks), scan_bytewise(&chunks));
        }
    }

    #[test]
    fn line_counting_joins_a_crlf_split_across_blocks() {
        let mut lines = Lines::new();
        lines.feed(b"a\r");
        lines.feed(b"\nb\n\rc\r");
        // "a" CRLF "b" LF CR "c" CR: four breaks, the last one at the very end.
        assert_eq!(lines.line, 5);
        assert_eq!(lines.last_line(), 4);
        assert!(lines.prev_cr);
    }
}
