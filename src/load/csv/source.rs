//! The byte source under the record reader: the file's raw bytes, hashed, checked against
//! the encoding and decoded to UTF-8 a block at a time.

use super::CHUNK;
use super::scan::{Scan, check_scan};
use crate::hash_behind::HashBehind;
use crate::load::{Encoding, LoadError};
use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

pub(super) struct Source {
    pub(super) path: PathBuf,
    pub(super) file: File,
    pub(super) encoding: Encoding,
    /// `None` when the bytes need not be hashed (validation passes).
    pub(super) hasher: Option<HashBehind<Vec<u8>>>,
    /// Raw bytes read from the file (and hashed), byte-order mark included.
    pub(super) raw_total: u64,
    decoder: Option<encoding_rs::Decoder>,
    raw: Vec<u8>,
    /// UTF-8 text ready for the parser: `out[out_pos..out_len]`.
    pub(super) out: Vec<u8>,
    pub(super) out_pos: usize,
    pub(super) out_len: usize,
    /// UTF-8: `out[..unhashed]` is raw file bytes, to be hashed once parsed.
    unhashed: usize,
    pub(super) scan: Scan,
    /// The encoding was taken from the file's start alone (see [`LoadOptions::stream_once`]).
    pub(super) provisional: bool,
    /// Reads into `out` so far: which text is in `out` now.
    pub(super) refills: u64,
    pub(super) started: bool,
    finished: bool,
}

impl Source {
    pub(super) fn open(path: &Path, encoding: Encoding, hash: bool) -> Result<Source, LoadError> {
        let file = File::open(path).map_err(|e| LoadError::io(path, e))?;
        let decoder = match encoding {
            Encoding::Utf8 | Encoding::Utf8Bom => None,
            Encoding::Windows1252 => {
                Some(encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling())
            }
            Encoding::Utf16Le => Some(encoding_rs::UTF_16LE.new_decoder_without_bom_handling()),
            Encoding::Utf16Be => Some(encoding_rs::UTF_16BE.new_decoder_without_bom_handling()),
        };
        Ok(Source {
            path: path.to_path_buf(),
            file,
            encoding,
            hasher: if hash {
                let spares = (1..HASH_BUFFERS).map(|_| vec![0u8; CHUNK]).collect();
                Some(
                    HashBehind::start("hash input", HASH_BUFFERS, spares, true)
                        .map_err(|e| LoadError::io(path, e))?,
                )
            } else {
                None
            },
            raw_total: 0,
            decoder,
            raw: vec![0u8; CHUNK],
            out: Vec::with_capacity(CHUNK),
            out_pos: 0,
            out_len: 0,
            unhashed: 0,
            scan: Scan::new(),
            provisional: false,
            refills: 0,
            started: false,
            finished: false,
        })
    }

    /// The decoded text not yet consumed; empty at the end of the file.
    pub(super) fn fill(&mut self) -> Result<&[u8], LoadError> {
        while self.out_pos >= self.out_len && !self.finished {
            self.refill()?;
        }
        Ok(self.out.get(self.out_pos..self.out_len).unwrap_or(&[]))
    }

    pub(super) fn consume(&mut self, n: usize) {
        self.out_pos = self.out_pos.saturating_add(n).min(self.out_len);
    }

    fn refill(&mut self) -> Result<(), LoadError> {
        // UTF-8 text is parsed where it was read (see below): now it has all been consumed, it
        // can go to be hashed, after everything read before it.
        if self.unhashed > 0
            && let Some(hasher) = self.hasher.as_mut()
        {
            let spare = hasher.spare().unwrap_or_else(|| vec![0u8; CHUNK]);
            hasher.hash(std::mem::replace(&mut self.out, spare), self.unhashed);
        }
        self.unhashed = 0;
        self.out_pos = 0;
        self.out_len = 0;
        self.refills = self.refills.wrapping_add(1);
        let path = self.path.as_path();
        // The first read fills the buffer, so that a byte-order mark is seen whole.
        let n = if self.started {
            read_some(&mut self.file, &mut self.raw)
        } else {
            read_full(&mut self.file, &mut self.raw)
        }
        .map_err(|e| LoadError::io(path, e))?;
        let mut chunk = self.raw.get(..n).unwrap_or(&[]);
        self.raw_total = self.raw_total.saturating_add(n as u64);
        let last = n == 0;
        let mut skip = 0;
        if !self.started {
            self.started = true;
            let bom: &[u8] = match self.encoding {
                Encoding::Utf8 | Encoding::Windows1252 => b"",
                Encoding::Utf8Bom => b"\xEF\xBB\xBF",
                Encoding::Utf16Le => b"\xFF\xFE",
                Encoding::Utf16Be => b"\xFE\xFF",
            };
            skip = bom.len();
            chunk = match chunk.strip_prefix(bom) {
                Some(rest) => rest,
                None => {
                    return Err(LoadError::Changed {
                        path: path.to_path_buf(),
                    });
                }
            };
        }

        match self.decoder.as_mut() {
            None => {
                self.scan.feed(chunk);
                if last {
                    self.scan.finish();
                }
                check_scan(&self.scan, self.encoding, self.provisional, path)?;
                // No copy: the buffer just read becomes the text to parse, and the one parsed
                // before becomes the next to read into. It is hashed once consumed (above).
                std::mem::swap(&mut self.raw, &mut self.out);
                if self.out.len() < n {
                    self.out.resize(n, 0);
                }
                if self.raw.len() < CHUNK {
                    self.raw.resize(CHUNK, 0);
                }
                self.out_pos = skip;
                self.out_len = n;
                self.unhashed = n;
            }
            Some(decoder) => {
                let utf16 = self.encoding != Encoding::Windows1252;
                if !utf16 {
                    self.scan.feed(chunk);
                    check_scan(&self.scan, self.encoding, self.provisional, path)?;
                }
                let needed = decoder
                    .max_utf8_buffer_length_without_replacement(chunk.len())
                    .unwrap_or_else(|| chunk.len().saturating_mul(3).saturating_add(16));
                if self.out.len() < needed {
                    self.out.resize(needed, 0);
                }
                let (mut read, mut written) = (0usize, 0usize);
                loop {
                    let input = chunk.get(read..).unwrap_or(&[]);
                    let output = self.out.get_mut(written..).unwrap_or(&mut []);
                    let (result, r, w) =
                        decoder.decode_to_utf8_without_replacement(input, output, last);
                    read = read.saturating_add(r);
                    written = written.saturating_add(w);
                    match result {
                        encoding_rs::DecoderResult::InputEmpty => break,
                        encoding_rs::DecoderResult::OutputFull => {
                            let more = self.out.len().max(1024);
                            self.out.resize(self.out.len().saturating_add(more), 0);
                        }
                        encoding_rs::DecoderResult::Malformed(_, _) => {
                            self.scan.feed(self.out.get(..written).unwrap_or(&[]));
                            return Err(LoadError::Malformed {
                                path: path.to_path_buf(),
                                row: self.scan.lines.line,
                                what: format!(
                                    "this row is not valid {} text (a broken or cut-off \
                                     character); export the file again",
                                    self.encoding
                                ),
                            });
                        }
                    }
                }
                self.out_len = written;
                if utf16 {
                    self.scan.feed(self.out.get(..written).unwrap_or(&[]));
                    check_scan(&self.scan, self.encoding, self.provisional, path)?;
                }
            }
        }
        if last {
            self.finished = true;
        }
        if self.decoder.is_some()
            && let Some(hasher) = self.hasher.as_mut()
        {
            let spare = hasher.spare().unwrap_or_else(|| vec![0u8; CHUNK]);
            hasher.hash(std::mem::replace(&mut self.raw, spare), n);
        }
        Ok(())
    }
}

/// Buffers circulating between the reader and the thread that hashes them: enough that
/// neither side waits for the other.
pub(super) const HASH_BUFFERS: usize = 4;

pub(super) fn read_some(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

/// Reads until `buf` is full or the file ends.
pub(super) fn read_full(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while let Some(rest) = buf.get_mut(n..) {
        if rest.is_empty() {
            break;
        }
        match read_some(file, rest)? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}
