//! CSV loading: text exports in UTF-8 (with or without a byte-order mark), UTF-16 with a
//! byte-order mark (Excel's "Unicode text") or Windows-1252, separated by commas, semicolons,
//! tabs or pipes.
//!
//! The file is read as a stream of raw bytes → (SHA-256 of every raw byte) → (validation and,
//! where needed, transcoding to UTF-8) → a `csv_core` parser that this module drives itself.
//! Driving the parser directly, rather than through `csv::Reader`, lets the loader:
//!
//! - know the exact line on which every record starts (blank lines are skipped here, not by
//!   the parser, so they can be counted);
//! - enforce the cell and record size limits while a record is being parsed, before a huge
//!   record has been buffered, so memory stays flat whatever the input;
//! - count the fields of a record with far too many of them without storing them;
//! - detect a quoted field still open at the end of the file, which `csv` accepts silently.
//!
//! Decisions, each tested in `tests/load_csv.rs`:
//!
//! - **Encoding.** A byte-order mark decides (UTF-8, UTF-16LE, UTF-16BE), and the whole file
//!   must then decode without error. Without one, `open` makes one streaming pass over the whole
//!   file: valid UTF-8 is UTF-8; otherwise, if no byte sequence in the file is valid multi-byte
//!   UTF-8, it is Windows-1252, unless it holds one of the five bytes Windows-1252 leaves
//!   undefined. A file with both valid multi-byte UTF-8 and invalid bytes mixes encodings and
//!   is refused, as is any NUL byte. UTF-16 without a byte-order mark (NUL bytes in alternate
//!   positions) is refused with a message saying so, rather than guessed at. A caller that reads
//!   the rows once and can start again (`LoadOptions::stream_once`) skips the whole-file pass:
//!   the file is taken to be UTF-8 until a byte says otherwise, which stops its rows with
//!   `LoadError::EncodingUnsettled`.
//! - **Lines.** A row's number is the line on which its record starts, counting CR LF, LF and a
//!   lone CR each as one line break (as text editors do), so the analyst finds the row where
//!   the message says.
//! - **Header row.** `LoadOptions::header_row` is that same line number: title lines and blank
//!   lines above the header are skipped. Naming a blank line, or a line inside a multi-line
//!   record, is an error that says so.
//! - **Limits.** Cell and record sizes are measured in bytes of UTF-8 text after decoding (a
//!   record's size is the sum of its cells), and are enforced while the record is parsed.
//! - **Ragged rows.** A record with more fields than the header is accepted only if every extra
//!   field is empty (exports often end each line with a delimiter); they are dropped. Likewise
//!   blank header cells at the end of the header are dropped. Any other difference is an error.
//! - **Unclosed quote.** At the end of the file the parser is fed a line break rather than the
//!   end of input: outside quotes it ends the record just as the end of input would; inside a
//!   quoted field it is copied into the field, which shows the file ends inside quotes. The
//!   error names the line on which that field's opening quote stands.

use super::structure::Structure;
use super::{
    Digest, Encoding, Format, Limits, LoadError, LoadOptions, Resume, Row, RowRef, RowSource, Rows,
    Table,
};
use crate::hash_behind::HashBehind;
use csv_core::ReadRecordResult;
use std::collections::HashMap;
use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Bytes read from the file at a time. Each read is also a hand-off to the hashing thread and
/// a new structure index; at 64 KiB a 200 MB pack spent 0.02 s more in the kernel and took
/// 0.03 s longer (128 KiB gained most of that, 1 MiB nothing more).
const CHUNK: usize = 256 * 1024;
/// Delimiters tried, in order.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
/// Data records examined after the header when choosing the delimiter.
const SNIFF_RECORDS: usize = 50;
/// Text examined when choosing the delimiter, at most (whole records only).
const SNIFF_BYTES: u64 = 1024 * 1024;

pub(super) fn open(path: &Path, options: &LoadOptions) -> Result<Table, LoadError> {
    if options.stream_once {
        match open_as(path, options) {
            // The start was UTF-8 but the part read to find the delimiter and header is not:
            // read it whole after all, and say so in the table's options.
            Err(LoadError::EncodingUnsettled { .. }) => {}
            other => return other,
        }
    }
    let options = LoadOptions {
        stream_once: false,
        ..options.clone()
    };
    open_as(path, &options)
}

fn open_as(path: &Path, options: &LoadOptions) -> Result<Table, LoadError> {
    let limits = options.limits;
    let before = stat(path)?;
    if before.size == 0 {
        return Err(LoadError::Empty {
            path: path.to_path_buf(),
        });
    }

    let encoding = detect_encoding(path, !options.stream_once)?;
    let provisional = options.stream_once;
    let delimiter = choose_delimiter(path, encoding, provisional, options.header_row, limits)?;

    let mut reader =
        RecordReader::new_unhashed(path, encoding, delimiter, limits)?.provisional(provisional);
    let header = locate_header(&mut reader, options.header_row, limits.max_columns)?;
    let header_row = u32::try_from(header.line).map_err(|_| LoadError::BadHeader {
        path: path.to_path_buf(),
        row: u32::MAX,
        problem: "a row number too large to handle".into(),
    })?;
    let headers = make_headers(&reader, &header, header_row, limits)?;
    if reader.next(0)?.is_none() {
        return Err(LoadError::HeaderOnly {
            path: path.to_path_buf(),
        });
    }

    if stat(path)? != before {
        return Err(LoadError::Changed {
            path: path.to_path_buf(),
        });
    }
    Ok(Table {
        path: path.to_path_buf(),
        format: Format::Csv {
            encoding,
            delimiter,
        },
        header_row,
        headers,
        size: before.size,
        options: options.clone(),
        checked: None,
        modified: before.modified,
    })
}

pub(super) fn rows(table: &Table, wanted: Option<Vec<bool>>) -> Result<Rows, LoadError> {
    let path = table.path.as_path();
    let Format::Csv {
        encoding,
        delimiter,
    } = table.format
    else {
        return Err(LoadError::Unsupported {
            path: path.to_path_buf(),
            what: "the CSV loader was given a table that is not CSV".into(),
        });
    };
    let changed = || LoadError::Changed {
        path: path.to_path_buf(),
    };
    let limits = table.options.limits;
    let before = stat(path)?;
    if before.size != table.size {
        return Err(changed());
    }
    let mut reader = RecordReader::new(path, encoding, delimiter, limits)?
        .provisional(table.options.stream_once);
    let header = locate_header(&mut reader, Some(table.header_row), limits.max_columns)?;
    let headers = make_headers(&reader, &header, table.header_row, limits)?;
    if headers != table.headers {
        return Err(changed());
    }
    Ok(CsvRows::stream(reader, table, wanted, before, None))
}

/// The rows from `at` on, read from the middle of the file: see [`Table::rows_from`].
pub(super) fn rows_from(
    table: &Table,
    at: Resume,
    wanted: Option<Vec<bool>>,
) -> Result<Rows, LoadError> {
    let path = table.path.as_path();
    let (encoding, delimiter) = match table.format {
        Format::Csv {
            encoding: encoding @ (Encoding::Utf8 | Encoding::Utf8Bom),
            delimiter,
        } => (encoding, delimiter),
        _ => {
            return Err(LoadError::Unsupported {
                path: path.to_path_buf(),
                what: "only a UTF-8 CSV file can be read from the middle".into(),
            });
        }
    };
    let before = stat(path)?;
    if before.size != table.size || before.modified != table.modified || at.offset > before.size {
        return Err(LoadError::Changed {
            path: path.to_path_buf(),
        });
    }
    let reader = RecordReader::resume(path, encoding, delimiter, table.options.limits, at)?;
    Ok(CsvRows::stream(reader, table, wanted, before, Some(at)))
}

// ---------------------------------------------------------------------------------------------
// The row stream.

/// The data rows of a CSV file. `before` is the file's size and modification time when the
/// stream began (a `Table` has room for the size at `open` only): the size must still match
/// the `Table`'s, and both must be unchanged when the stream ends.
struct CsvRows {
    reader: RecordReader,
    width: usize,
    /// Columns whose text is made; `None`: all.
    wanted: Option<Vec<bool>>,
    /// Fields of each record cut out: up to the last one wanted. The rest are only counted.
    keep: usize,
    size: u64,
    before: Stat,
    rows_read: u64,
    done: bool,
    digest: Option<Digest>,
    /// `Some`: the stream began at this row, in the middle of the file, and is not hashed.
    resumed_at: Option<Resume>,
    /// Where the row last returned starts; `None` if the encoding does not allow reading
    /// from there again.
    last_start: Option<Resume>,
}

impl RowSource for CsvRows {
    fn next_row(&mut self) -> Option<Result<Row, LoadError>> {
        let mut row = Row {
            number: 0,
            cells: Vec::with_capacity(self.width),
        };
        Some(self.next_into(&mut row)?.map(|()| row))
    }

    fn next_into(&mut self, row: &mut Row) -> Option<Result<(), LoadError>> {
        let record = match self.next_record()? {
            Ok(record) => record,
            Err(e) => return Some(Err(e)),
        };
        match self.fill_row(&record, row) {
            Ok(()) => Some(Ok(())),
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }

    fn next_ref<'a>(&'a mut self, spare: &'a mut Row) -> Option<Result<RowRef<'a>, LoadError>> {
        let record = match self.next_record()? {
            Ok(record) => record,
            Err(e) => return Some(Err(e)),
        };
        if let Some(text) = self.reader.record_text() {
            let base = self.reader.spans.first().map_or(0, |s| s.0);
            return Some(Ok(RowRef::in_place(
                record.line,
                text,
                base,
                &self.reader.spans,
            )));
        }
        // Not valid text (which the source's checks should make impossible): cell by cell,
        // to name the column at fault.
        match self.fill_row(&record, spare) {
            Ok(()) => Some(Ok(spare.view())),
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }

    fn digest(&self) -> Option<Digest> {
        self.digest.clone()
    }

    fn resume_point(&self) -> Option<Resume> {
        self.last_start
    }
}

impl CsvRows {
    /// The stream of `table`'s rows that `reader` (at the first data row, or at `resumed_at`)
    /// reads; `before` is the file's size and time when it began.
    fn stream(
        reader: RecordReader,
        table: &Table,
        wanted: Option<Vec<bool>>,
        before: Stat,
        resumed_at: Option<Resume>,
    ) -> Rows {
        let width = table.headers.len();
        let keep = (0..width)
            .rev()
            .find(|&column| is_wanted(wanted.as_deref(), column))
            .map_or(0, |last| last + 1);
        Rows::new(Box::new(CsvRows {
            reader,
            width,
            wanted,
            keep,
            size: table.size,
            before,
            rows_read: 0,
            done: false,
            digest: None,
            resumed_at,
            last_start: None,
        }))
    }

    /// The next record of the header's width, counted; `None` at the end, when the stream is
    /// checked whole and unchanged and its digest kept.
    fn next_record(&mut self) -> Option<Result<RecordInfo, LoadError>> {
        if self.done {
            return None;
        }
        let result = match self.reader.next(self.keep) {
            Ok(Some(record)) => match self.check_width(&record) {
                Ok(()) => {
                    self.rows_read = self.rows_read.saturating_add(1);
                    self.last_start = self.reader.raw_offset(record.offset).map(|offset| Resume {
                        offset,
                        number: record.line,
                    });
                    return Some(Ok(record));
                }
                Err(e) => Err(e),
            },
            Ok(None) => self.finish(),
            Err(e) => Err(e),
        };
        self.done = true;
        match result {
            Ok(digest) => {
                self.digest = digest;
                None
            }
            Err(e) => Some(Err(e)),
        }
    }

    fn check_width(&self, record: &RecordInfo) -> Result<(), LoadError> {
        let extra_are_empty = record.last_nonempty.is_none_or(|i| i < self.width);
        if record.fields != self.width && !(record.fields > self.width && extra_are_empty) {
            return Err(LoadError::Ragged {
                path: self.reader.src.path.clone(),
                row: record.line,
                expected: self.width,
                found: record.fields,
            });
        }
        Ok(())
    }

    fn fill_row(&self, record: &RecordInfo, row: &mut Row) -> Result<(), LoadError> {
        row.number = record.line;
        row.cells.resize_with(self.width, String::new);
        let text = self.reader.record_text();
        for (column, cell) in row.cells.iter_mut().enumerate() {
            cell.clear();
            if is_wanted(self.wanted.as_deref(), column) {
                // The field checked on its own only when the record is not valid text, to say
                // which column is at fault.
                match text.and_then(|t| self.reader.field_in(t, column)) {
                    Some(field) => cell.push_str(field),
                    None => cell.push_str(self.reader.field_text(column, record.line)?),
                }
            }
            // An unwanted cell stays empty. Its text was still checked as it was read.
        }
        Ok(())
    }

    /// The stream has reached the end of the file: check it is whole and unchanged. A stream
    /// read from the middle has no digest.
    fn finish(&mut self) -> Result<Option<Digest>, LoadError> {
        let path = self.reader.src.path.clone();
        if self.rows_read == 0 && self.resumed_at.is_none() {
            return Err(LoadError::HeaderOnly { path });
        }
        // The parser reports the end only once the source is exhausted, so every byte has been
        // hashed and parsed. Make sure rather than trust it: text left over would be hashed
        // without having been read as rows.
        let line = self.reader.lines.line;
        if !self.reader.src.fill()?.is_empty() {
            return Err(self.reader.stuck(line));
        }
        if let Some(at) = self.resumed_at {
            let read = at.offset.saturating_add(self.reader.src.raw_total);
            if read != self.size || stat(&path)? != self.before {
                return Err(LoadError::Changed { path });
            }
            return Ok(None);
        }
        let src = &mut self.reader.src;
        let Some(sha256) = src.hasher.take().and_then(HashBehind::finish) else {
            return Err(LoadError::Unsupported {
                path,
                what: "the CSV loader read the file without hashing it".into(),
            });
        };
        if src.raw_total != self.size || stat(&path)? != self.before {
            return Err(LoadError::Changed { path });
        }
        Ok(Some(Digest {
            sha256: hex(&sha256),
            rows_read: self.rows_read,
        }))
    }
}

/// Whether a stream wanting `wanted` (`None`: all) makes the text of `column`.
fn is_wanted(wanted: Option<&[bool]>, column: usize) -> bool {
    wanted.is_none_or(|w| w.get(column).copied().unwrap_or(true))
}

/// Bytes of the byte-order mark that starts a file in this encoding.
fn bom_len(encoding: Encoding) -> u64 {
    match encoding {
        Encoding::Utf8Bom => 3,
        Encoding::Utf16Le | Encoding::Utf16Be => 2,
        Encoding::Utf8 | Encoding::Windows1252 => 0,
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// File identity, for detecting a file that changes while it is read.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stat {
    size: u64,
    modified: Option<SystemTime>,
}

fn stat(path: &Path) -> Result<Stat, LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| LoadError::io(path, e))?;
    Ok(Stat {
        size: meta.len(),
        modified: meta.modified().ok(),
    })
}

// ---------------------------------------------------------------------------------------------
// Encoding detection.

/// The file's encoding. `whole`: by reading all of it; otherwise a file without a byte-order
/// mark is taken to be UTF-8 (see [`LoadOptions::stream_once`]).
fn detect_encoding(path: &Path, whole: bool) -> Result<Encoding, LoadError> {
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
fn utf16_without_bom(head: &[u8]) -> Option<&'static str> {
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
fn classify(scan: &Scan, path: &Path) -> Result<Encoding, LoadError> {
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

/// Whether what a [`Scan`] has seen so far fits the encoding the file was found to have, or,
/// `provisional`, was taken to have from its start.
fn check_scan(
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

fn nul_error(path: &Path, line: u64, utf16: bool) -> LoadError {
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

fn mixed_error(path: &Path, bad: u64, good: u64) -> LoadError {
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

fn undefined_error(path: &Path, line: u64, byte: u8) -> LoadError {
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
struct Lines {
    /// The 1-based line of the next byte.
    line: u64,
    prev_cr: bool,
    /// The last byte counted was a line break.
    after_break: bool,
}

impl Lines {
    fn new() -> Lines {
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
    fn feed(&mut self, bytes: &[u8]) {
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
    fn last_line(&self) -> u64 {
        if self.after_break {
            self.line.saturating_sub(1).max(1)
        } else {
            self.line
        }
    }
}

/// What one pass over a block finds of the bytes that matter to [`Scan`] and [`Lines`].
#[derive(Debug, Default)]
struct Tally {
    /// A byte of 0x80 or above (so not ASCII).
    high: bool,
    nul: bool,
    cr: u64,
    lf: u64,
    /// CR LF pairs within the block.
    crlf: u64,
}

impl Tally {
    /// One pass, 64 bytes at a time into byte-sized totals, with no branch per byte: the
    /// compiler then compares 16 or 32 bytes per instruction. A block of ASCII text without
    /// NUL (nearly every block of an export) is then counted at memory speed.
    fn of(bytes: &[u8]) -> Tally {
        let mut tally = Tally::default();
        let (mut any, mut zero) = (0u8, 0u8);
        let mut blocks = bytes.chunks_exact(64);
        let mut before = 0u8;
        for block in &mut blocks {
            let (mut cr, mut lf, mut crlf) = (0u8, 0u8, 0u8);
            for &b in block {
                cr += u8::from(b == b'\r');
                lf += u8::from(b == b'\n');
                any |= b;
                zero |= u8::from(b == 0);
            }
            if cr > 0 {
                for (&a, &b) in block.iter().zip(block.iter().skip(1)) {
                    crlf += u8::from(a == b'\r') & u8::from(b == b'\n');
                }
            }
            if before == b'\r' && block.first() == Some(&b'\n') {
                crlf += 1;
            }
            before = block.last().copied().unwrap_or(0);
            tally.cr += u64::from(cr);
            tally.lf += u64::from(lf);
            tally.crlf += u64::from(crlf);
        }
        for &b in blocks.remainder() {
            tally.cr += u64::from(b == b'\r');
            tally.lf += u64::from(b == b'\n');
            tally.crlf += u64::from(before == b'\r' && b == b'\n');
            any |= b;
            zero |= u8::from(b == 0);
            before = b;
        }
        tally.high = any >= 0x80;
        tally.nul = zero != 0;
        tally
    }
}

fn count_breaks(bytes: &[u8]) -> u64 {
    let mut lines = Lines::new();
    lines.feed(bytes);
    lines.line.saturating_sub(1)
}

/// Bytes scanned at a time on the fast path: small enough that one accented name sends little
/// text the slow way, large enough that the per-block checks cost nothing.
const SCAN_BLOCK: usize = 4096;

/// Bytes that Windows-1252 leaves undefined.
fn is_undefined_1252(b: u8) -> bool {
    matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D)
}

/// What a pass over raw bytes learns about their encoding: a UTF-8 validator that carries its
/// state across chunks, noting the line of the first of each thing that matters.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Scan {
    lines: Lines,
    /// Continuation bytes still expected, and the range the next one must fall in.
    need: u8,
    lo: u8,
    hi: u8,
    first_invalid: Option<u64>,
    first_multibyte: Option<u64>,
    first_nul: Option<u64>,
    /// A byte that Windows-1252 leaves undefined.
    first_undefined: Option<(u64, u8)>,
}

impl Scan {
    fn new() -> Scan {
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
    fn feed(&mut self, bytes: &[u8]) {
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
    fn finish(&mut self) {
        if self.need > 0 {
            self.first_invalid.get_or_insert(self.lines.line);
            self.need = 0;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The byte source: raw file bytes, hashed, validated and decoded to UTF-8.

struct Source {
    path: PathBuf,
    file: File,
    encoding: Encoding,
    /// `None` when the bytes need not be hashed (validation passes).
    hasher: Option<HashBehind<Vec<u8>>>,
    /// Raw bytes read from the file (and hashed), byte-order mark included.
    raw_total: u64,
    decoder: Option<encoding_rs::Decoder>,
    raw: Vec<u8>,
    /// UTF-8 text ready for the parser: `out[out_pos..out_len]`.
    out: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    /// UTF-8: `out[..unhashed]` is raw file bytes, to be hashed once parsed.
    unhashed: usize,
    scan: Scan,
    /// The encoding was taken from the file's start alone (see [`LoadOptions::stream_once`]).
    provisional: bool,
    /// Reads into `out` so far: which text is in `out` now.
    refills: u64,
    started: bool,
    finished: bool,
}

impl Source {
    fn open(path: &Path, encoding: Encoding, hash: bool) -> Result<Source, LoadError> {
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
    fn fill(&mut self) -> Result<&[u8], LoadError> {
        while self.out_pos >= self.out_len && !self.finished {
            self.refill()?;
        }
        Ok(self.out.get(self.out_pos..self.out_len).unwrap_or(&[]))
    }

    fn consume(&mut self, n: usize) {
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
const HASH_BUFFERS: usize = 4;

fn read_some(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

/// Reads until `buf` is full or the file ends.
fn read_full(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
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

// ---------------------------------------------------------------------------------------------
// The record reader: drives csv_core over the decoded text.

/// One record just read. Its kept fields are in the reader until the next call.
#[derive(Debug, Clone, Copy)]
struct RecordInfo {
    /// Line on which the record starts.
    line: u64,
    /// Decoded bytes before the record's first byte.
    offset: u64,
    /// Line on which the record ends.
    last_line: u64,
    /// Fields in the record (all of them, kept or not).
    fields: usize,
    /// Index of the last field that is not empty.
    last_nonempty: Option<usize>,
}

struct RecordReader {
    src: Source,
    core: csv_core::Reader,
    lines: Lines,
    limits: Limits,
    /// The current record's cell bytes as csv_core wrote them, `out[..out_len]`.
    out: Vec<u8>,
    out_len: usize,
    /// Where the kept fields of the current record are: in `out`, or (a record read by
    /// [`RecordReader::next_plain`]) in the source's buffer, `src.out`.
    spans: Vec<(usize, usize)>,
    in_source: bool,
    delimiter: u8,
    /// Whether [`RecordReader::next_plain`] may read a record; off only in tests, which
    /// compare it with csv_core.
    plain: bool,
    /// The structural bytes of the source's text, and which of its reads they describe.
    structure: Structure,
    indexed: Option<u64>,
    /// Where csv_core writes field ends; copied into `spans` as far as they are kept.
    scratch: Vec<usize>,
    /// Decoded bytes consumed so far.
    consumed: u64,
    /// A first record has been started: a byte-order mark is no longer stray, but data.
    core_started: bool,
    /// csv_core has been given text (after which it never strips a byte-order mark itself).
    core_fed: bool,
}

impl RecordReader {
    fn new(
        path: &Path,
        encoding: Encoding,
        delimiter: u8,
        limits: Limits,
    ) -> Result<RecordReader, LoadError> {
        RecordReader::build(Source::open(path, encoding, true)?, delimiter, limits)
    }

    /// A reader whose bytes are not hashed (one that starts in the middle of the file).
    fn new_unhashed(
        path: &Path,
        encoding: Encoding,
        delimiter: u8,
        limits: Limits,
    ) -> Result<RecordReader, LoadError> {
        RecordReader::build(Source::open(path, encoding, false)?, delimiter, limits)
    }

    fn build(src: Source, delimiter: u8, limits: Limits) -> Result<RecordReader, LoadError> {
        Ok(RecordReader {
            src,
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            lines: Lines::new(),
            limits,
            out: Vec::new(),
            out_len: 0,
            spans: Vec::new(),
            in_source: false,
            delimiter,
            plain: true,
            structure: Structure::new(delimiter),
            indexed: None,
            scratch: vec![0; 1024],
            consumed: 0,
            core_started: false,
            core_fed: false,
        })
    }

    /// With `provisional`, a UTF-8 file was taken to be UTF-8 from its start alone, and a byte
    /// that is not stops the reader with [`LoadError::EncodingUnsettled`].
    fn provisional(mut self, provisional: bool) -> RecordReader {
        self.src.provisional = provisional;
        self
    }

    /// A reader that starts at `at`: the start of a record, found by an earlier reader of the
    /// same file. Everything the parser carries from one record to the next is known there:
    /// the line, and that the first record (and any byte-order mark) is behind it.
    fn resume(
        path: &Path,
        encoding: Encoding,
        delimiter: u8,
        limits: Limits,
        at: Resume,
    ) -> Result<RecordReader, LoadError> {
        let mut reader = RecordReader::new_unhashed(path, encoding, delimiter, limits)?;
        reader
            .src
            .file
            .seek(SeekFrom::Start(at.offset))
            .map_err(|e| LoadError::io(path, e))?;
        reader.src.started = true;
        reader.src.scan.lines.line = at.number;
        reader.lines.line = at.number;
        reader.consumed = at.offset.saturating_sub(bom_len(encoding));
        reader.core_started = true;
        Ok(reader)
    }

    /// The file offset of a decoded offset, where the two differ only by the byte-order mark.
    fn raw_offset(&self, decoded: u64) -> Option<u64> {
        match self.src.encoding {
            Encoding::Utf8 | Encoding::Utf8Bom => {
                Some(decoded.saturating_add(bom_len(self.src.encoding)))
            }
            _ => None,
        }
    }

    fn path(&self) -> PathBuf {
        self.src.path.clone()
    }

    /// Reads the next record, keeping the text of its first `keep` fields. `None` at the end.
    fn next(&mut self, keep: usize) -> Result<Option<RecordInfo>, LoadError> {
        // Skip line breaks between records (blank lines) here rather than in the parser, so
        // the line on which the record starts is known exactly.
        loop {
            let input = self.src.fill()?;
            if input.is_empty() {
                return Ok(None);
            }
            let len = input.len();
            let n = input
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            self.lines.feed(input.get(..n).unwrap_or(&[]));
            let stray_bom = !self.core_started
                && input
                    .get(n..)
                    .is_some_and(|rest| rest.starts_with(b"\xEF\xBB\xBF"));
            self.src.consume(n);
            self.consumed = self.consumed.saturating_add(n as u64);
            if stray_bom {
                // A byte-order mark before the first record (a second one, or one after blank
                // lines) is dropped, as csv_core would, but here, so the lines after it are
                // counted: csv_core also skipped the break after it, uncounted.
                self.lines.feed(b"\xEF\xBB\xBF");
                self.src.consume(3);
                self.consumed = self.consumed.saturating_add(3);
                self.core_started = true;
                continue;
            }
            if n < len {
                break;
            }
        }
        self.core_started = true;

        let limits = self.limits;
        let start = self.lines.line;
        let offset = self.consumed;
        self.spans.clear();
        self.out_len = 0;
        if self.plain
            && self.core_fed
            && let Some(record) = self.next_plain(keep, start, offset)
        {
            return Ok(Some(record));
        }
        self.in_source = false;
        let mut out_len = 0usize;
        let mut fields = 0usize;
        let mut prev_end = 0usize;
        let mut last_nonempty = None;
        let mut stalls = 0u32;
        loop {
            if out_len >= self.out.len() {
                let cap = limits.max_record_bytes.saturating_add(1);
                let grown = self.out.len().max(512).saturating_mul(2).min(cap);
                if grown <= out_len {
                    return Err(self.too_large(start));
                }
                self.out.resize(grown, 0);
            }
            let input = self.src.fill()?;
            let eof = input.is_empty();
            let output = self.out.get_mut(out_len..).unwrap_or(&mut []);
            let (result, nin, nout, nend) = if eof {
                // csv_core treats the end of the input as closing an open quoted field. Feed it
                // a line break instead: it ends the record exactly as the end of the input
                // would, unless the parser is inside a quoted field, where it is copied into
                // the field. (A copy of the parser cannot be asked instead: csv_core's `Clone`
                // for its DFA copies only part of it.)
                let partial = self.out.get(prev_end..out_len).unwrap_or(&[]);
                let opened = self
                    .lines
                    .line
                    .saturating_sub(count_breaks(partial))
                    .max(start);
                let output = self.out.get_mut(out_len..).unwrap_or(&mut []);
                match self.core.read_record(b"\n", output, &mut self.scratch) {
                    (ReadRecordResult::InputEmpty, _, 1, _) => {
                        // The field's opening quote is as many lines up as it holds breaks.
                        return Err(LoadError::Malformed {
                            path: self.path(),
                            row: opened,
                            what: "a quoted field starts on this row and its closing quote is \
                                   missing: the file ends inside it"
                                .into(),
                        });
                    }
                    // Nothing was pending after all (the record was only a byte-order mark).
                    (ReadRecordResult::InputEmpty, _, 0, _) => {
                        let output = self.out.get_mut(out_len..).unwrap_or(&mut []);
                        self.core.read_record(b"", output, &mut self.scratch)
                    }
                    (result, _, nout, nend) => (result, 0, nout, nend),
                }
            } else {
                // Give csv_core one byte first if the text starts with a byte-order mark, so it
                // never takes one off uncounted: from here on, U+FEFF is data.
                let input = match input {
                    [0xEF, 0xBB, 0xBF, ..] if !self.core_fed => &input[..1],
                    _ => input,
                };
                self.core_fed = true;
                self.core.read_record(input, output, &mut self.scratch)
            };
            self.lines.feed(input.get(..nin).unwrap_or(&[]));
            self.src.consume(nin);
            self.consumed = self.consumed.saturating_add(nin as u64);
            out_len = out_len.saturating_add(nout);
            for &end in self.scratch.get(..nend).unwrap_or(&[]) {
                let len = end.saturating_sub(prev_end);
                if len > limits.max_cell_bytes {
                    return Err(self.cell_too_large(start, fields.saturating_add(1)));
                }
                if len > 0 {
                    last_nonempty = Some(fields);
                }
                if fields < keep {
                    self.spans.push((prev_end, end));
                }
                fields = fields.saturating_add(1);
                prev_end = end;
            }
            if out_len > limits.max_record_bytes {
                return Err(self.too_large(start));
            }
            if out_len.saturating_sub(prev_end) > limits.max_cell_bytes {
                return Err(self.cell_too_large(start, fields.saturating_add(1)));
            }
            match result {
                ReadRecordResult::Record => {
                    self.out_len = out_len;
                    return Ok(Some(RecordInfo {
                        line: start,
                        offset,
                        last_line: self.lines.last_line(),
                        fields,
                        last_nonempty,
                    }));
                }
                ReadRecordResult::End if fields == 0 && out_len == 0 => return Ok(None),
                ReadRecordResult::End => return Err(self.stuck(start)),
                ReadRecordResult::InputEmpty
                | ReadRecordResult::OutputFull
                | ReadRecordResult::OutputEndsFull => {
                    if nin == 0 && nout == 0 && nend == 0 {
                        stalls += 1;
                        if stalls > 3 {
                            return Err(self.stuck(start));
                        }
                    } else {
                        stalls = 0;
                    }
                }
            }
        }
    }

    fn too_large(&self, row: u64) -> LoadError {
        LoadError::RecordTooLarge {
            path: self.path(),
            row,
            limit: self.limits.max_record_bytes,
        }
    }

    fn cell_too_large(&self, row: u64, column: usize) -> LoadError {
        LoadError::CellTooLarge {
            path: self.path(),
            row,
            column,
            limit: self.limits.max_cell_bytes,
        }
    }

    fn stuck(&self, row: u64) -> LoadError {
        LoadError::Malformed {
            path: self.path(),
            row,
            what: "the CSV parser could not make progress on this row".into(),
        }
    }

    /// A record read without csv_core, where that gives the same fields: a record held whole
    /// in the source's buffer, on one line, whose quoted fields hold
    /// no quote, CR or LF and are followed straight by a delimiter or the line's end, and
    /// whose cells are within the limits. Anything else (`None`) is left to csv_core, which
    /// then reads the record from the same place. Its fields are not copied: they stay in the
    /// source's buffer until the next read.
    ///
    /// csv_core is a byte-at-a-time state machine; here the bytes between delimiters and
    /// quotes are skipped by walking the buffer's [`Structure`] bits, which is most of the cost
    /// of reading a wide export.
    fn next_plain(&mut self, keep: usize, start: u64, offset: u64) -> Option<RecordInfo> {
        let text = self.src.out.get(..self.src.out_len)?;
        if self.indexed != Some(self.src.refills) {
            self.structure.index(text);
            self.indexed = Some(self.src.refills);
        }
        let structure = &self.structure;
        let base = self.src.out_pos;
        let buf = text.get(base..)?;
        let delimiter = self.delimiter;
        let limits = self.limits;
        let mut pos = 0usize;
        let mut fields = 0usize;
        let mut cell_bytes = 0usize;
        let mut last_nonempty = None;
        let plain = loop {
            if fields == keep
                && let Some(tail) = structure.tail(base + pos)
                && let Some(rest) = buf.get(pos..tail.end - base)
                && rest.len() <= limits.max_cell_bytes
            {
                // Past the last field wanted: the fields left are only counted, and none of
                // them can be over the limit.
                cell_bytes += rest.len() - tail.delimiters - 2 * tail.quoted;
                if cell_bytes > limits.max_record_bytes {
                    break None;
                }
                if let Some(i) = tail.last_nonempty {
                    last_nonempty = Some(fields + i);
                }
                fields += tail.delimiters + 1;
                break Some(tail.end - base + 1);
            }
            let (first, last, after) = if buf.get(pos) == Some(&b'"') {
                let body = pos + 1;
                let Some(close) = structure.quote_end(base + body) else {
                    break None; // the buffer ends inside quotes
                };
                let close = close - base;
                if buf.get(close) != Some(&b'"') {
                    break None; // a line break inside quotes
                }
                (body, close, close + 1)
            } else {
                let Some(end) = structure.field_end(base + pos) else {
                    break None; // the buffer ends inside the field
                };
                let end = end - base;
                (pos, end, end)
            };
            let len = last - first;
            cell_bytes += len;
            if len > limits.max_cell_bytes || cell_bytes > limits.max_record_bytes {
                break None;
            }
            if len > 0 {
                last_nonempty = Some(fields);
            }
            if fields < keep {
                self.spans.push((base + first, base + last));
            }
            fields += 1;
            match buf.get(after) {
                Some(&d) if d == delimiter => pos = after + 1,
                // As csv_core does, the record ends at its first line break, CR or LF; the LF
                // of a CR LF is skipped as a blank line by the next read.
                Some(b'\n' | b'\r') => break Some(after + 1),
                // An escaped quote, text after a closing quote, or the buffer's end.
                _ => break None,
            }
        };
        let Some(end) = plain else {
            self.spans.clear();
            return None;
        };
        // The record's only line break is the one that ends it.
        self.lines.line = self.lines.line.saturating_add(1);
        self.lines.prev_cr = buf.get(end - 1) == Some(&b'\r');
        self.lines.after_break = true;
        self.src.consume(end);
        self.consumed = self.consumed.saturating_add(end as u64);
        self.in_source = true;
        Some(RecordInfo {
            line: start,
            offset,
            last_line: start,
            fields,
            last_nonempty,
        })
    }

    /// The buffer the last record's kept fields are in.
    fn record_buffer(&self) -> &[u8] {
        if self.in_source {
            self.src.out.get(..self.src.out_len).unwrap_or(&[])
        } else {
            self.out.get(..self.out_len).unwrap_or(&[])
        }
    }

    /// The bytes of kept field `i` of the last record.
    fn field(&self, i: usize) -> Option<&[u8]> {
        let &(start, end) = self.spans.get(i)?;
        self.record_buffer().get(start..end)
    }

    /// The kept fields of the last record as one text, if it is valid (checked once, not per
    /// field: the fields are cut at ASCII delimiters and quotes, so each is valid text too).
    fn record_text(&self) -> Option<&str> {
        let (Some(first), Some(last)) = (self.spans.first(), self.spans.last()) else {
            return Some("");
        };
        std::str::from_utf8(self.record_buffer().get(first.0..last.1)?).ok()
    }

    /// Field `i` of the last record, from [`RecordReader::record_text`].
    fn field_in<'t>(&self, text: &'t str, i: usize) -> Option<&'t str> {
        let base = self.spans.first()?.0;
        let &(start, end) = self.spans.get(i)?;
        text.get(start.checked_sub(base)?..end.checked_sub(base)?)
    }

    /// Field `i` of the last record as text.
    fn field_text(&self, i: usize, row: u64) -> Result<&str, LoadError> {
        let bytes = self.field(i).ok_or_else(|| self.stuck(row))?;
        std::str::from_utf8(bytes).map_err(|_| LoadError::Malformed {
            path: self.path(),
            row,
            what: format!(
                "column {} is not valid {} text",
                i.saturating_add(1),
                self.src.encoding
            ),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The header.

/// Finds the header record: the first record (`header_row` `None`) or the one starting on line
/// `header_row`, keeping up to `max_columns` of its fields.
fn locate_header(
    reader: &mut RecordReader,
    header_row: Option<u32>,
    max_columns: usize,
) -> Result<RecordInfo, LoadError> {
    let keep = max_columns;
    let Some(row) = header_row else {
        return reader.next(keep)?.ok_or_else(|| LoadError::Empty {
            path: reader.path(),
        });
    };
    let path = reader.path();
    let bad = |problem: String| LoadError::BadHeader {
        path: path.clone(),
        row,
        problem,
    };
    if row == 0 {
        return Err(bad("no meaning: rows are numbered from 1".into()));
    }
    let wanted = u64::from(row);
    let mut previous: Option<RecordInfo> = None;
    loop {
        let record = reader.next(keep)?;
        let inside = previous.filter(|p| p.line < wanted && wanted <= p.last_line);
        match record {
            Some(r) if r.line == wanted => return Ok(r),
            Some(r) if r.line < wanted => previous = Some(r),
            _ => {
                return Err(match (inside, record, previous) {
                    (Some(p), _, _) => bad(format!(
                        "no record starting on it: it lies inside a quoted field of the record \
                         that starts on row {}",
                        p.line
                    )),
                    (None, Some(_), _) => bad("nothing on it: the row is blank".into()),
                    (None, None, None) => LoadError::Empty { path: path.clone() },
                    (None, None, Some(p)) => bad(format!(
                        "nothing on it: the last record in the file ends on row {}",
                        p.last_line
                    )),
                });
            }
        }
    }
}

/// The header's names, trimmed, with blank names at the end dropped; checked for blank and
/// duplicate names and the column limit.
fn make_headers(
    reader: &RecordReader,
    header: &RecordInfo,
    row: u32,
    limits: Limits,
) -> Result<Vec<String>, LoadError> {
    let path = reader.path();
    if header.fields > limits.max_columns {
        return Err(LoadError::TooManyColumns {
            path,
            found: header.fields,
            limit: limits.max_columns,
        });
    }
    let bad = |problem: String| LoadError::BadHeader {
        path: path.clone(),
        row,
        problem,
    };
    let mut names = Vec::with_capacity(header.fields);
    for i in 0..header.fields {
        names.push(reader.field_text(i, header.line)?.trim().to_owned());
    }
    while names.last().is_some_and(|n| n.is_empty()) {
        names.pop();
    }
    if names.is_empty() {
        return Err(bad("no column names: every cell in it is blank".into()));
    }
    if let Some(i) = names.iter().position(|n| n.is_empty()) {
        return Err(bad(format!("a blank name in column {}", i + 1)));
    }
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        if let Some(&first) = seen.get(&name.to_lowercase()) {
            let earlier = names.get(first).map(String::as_str).unwrap_or_default();
            return Err(bad(format!(
                "the same name twice: \"{}\" in column {} and \"{}\" in column {} (names are \
                 compared ignoring case and surrounding spaces)",
                crate::text::printable(earlier),
                first + 1,
                crate::text::printable(name),
                i + 1
            )));
        }
        seen.insert(name.to_lowercase(), i);
    }
    Ok(names)
}

// ---------------------------------------------------------------------------------------------
// Delimiter sniffing.

/// Field counts seen with one candidate delimiter.
struct Sample {
    delimiter: u8,
    /// Fields in the header record; `None` if no header record was found.
    header: Option<usize>,
    /// Data records whose field count matches the header's (extra empty fields allowed), and
    /// data records examined.
    matching: usize,
    examined: usize,
}

/// Parses the start of the file with each candidate delimiter and chooses the one that splits
/// the header into more than one field and the rows below into as many. When none does, the
/// file has a single column and the delimiter is taken to be a comma.
fn choose_delimiter(
    path: &Path,
    encoding: Encoding,
    provisional: bool,
    header_row: Option<u32>,
    limits: Limits,
) -> Result<u8, LoadError> {
    let mut samples = Vec::with_capacity(DELIMITERS.len());
    for delimiter in DELIMITERS {
        samples.push(sample(
            path,
            encoding,
            provisional,
            delimiter,
            header_row,
            limits,
        )?);
    }
    let mut candidates: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.header.is_some_and(|h| h > 1))
        .collect();
    // Fewest mismatching rows first, then most columns.
    candidates.sort_by_key(|s| {
        (
            s.examined.saturating_sub(s.matching),
            std::cmp::Reverse(s.header.unwrap_or(0)),
        )
    });
    match candidates.as_slice() {
        [] => Ok(b','),
        [best] => Ok(best.delimiter),
        [best, second, ..] => {
            let key = |s: &Sample| (s.examined.saturating_sub(s.matching), s.header);
            if key(best) == key(second) {
                Err(LoadError::Unsupported {
                    path: path.to_path_buf(),
                    what: format!(
                        "the delimiter cannot be told for sure: both {} and {} split the header \
                         into {} columns and the rows below alike",
                        delimiter_name(best.delimiter),
                        delimiter_name(second.delimiter),
                        best.header.unwrap_or(0)
                    ),
                })
            } else {
                Ok(best.delimiter)
            }
        }
    }
}

fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "comma",
        b';' => "semicolon",
        b'\t' => "tab",
        b'|' => "pipe",
        _ => "another character",
    }
}

fn sample(
    path: &Path,
    encoding: Encoding,
    provisional: bool,
    delimiter: u8,
    header_row: Option<u32>,
    limits: Limits,
) -> Result<Sample, LoadError> {
    let mut out = Sample {
        delimiter,
        header: None,
        matching: 0,
        examined: 0,
    };
    let mut reader =
        RecordReader::new_unhashed(path, encoding, delimiter, limits)?.provisional(provisional);
    let wanted = header_row.map(u64::from);
    // A parse error only ends the sample: the chosen delimiter's own reading reports it.
    let header = loop {
        match reader.next(0) {
            Ok(Some(r)) if wanted.is_none_or(|w| r.line >= w) => break r,
            Ok(Some(_)) => {}
            Ok(None) => return Ok(out),
            Err(e @ (LoadError::Io { .. } | LoadError::EncodingUnsettled { .. })) => return Err(e),
            Err(_) => return Ok(out),
        }
    };
    let width = header.fields;
    out.header = Some(width);
    while out.examined < SNIFF_RECORDS && reader.consumed < SNIFF_BYTES {
        match reader.next(0) {
            Ok(Some(r)) => {
                out.examined += 1;
                let extra_empty = r.last_nonempty.is_none_or(|i| i < width);
                if r.fields == width || (r.fields > width && extra_empty) {
                    out.matching += 1;
                }
            }
            Ok(None) => break,
            Err(e @ (LoadError::Io { .. } | LoadError::EncodingUnsettled { .. })) => return Err(e),
            Err(_) => break,
        }
    }
    Ok(out)
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

    /// What a reader makes of a file: each record's facts and kept fields, the lines counted
    /// after it, or the error that ended it.
    fn read_all(
        path: &Path,
        delimiter: u8,
        limits: Limits,
        keep: usize,
        plain: bool,
    ) -> Vec<String> {
        let mut reader = match RecordReader::new(path, Encoding::Utf8, delimiter, limits) {
            Ok(r) => r,
            Err(e) => return vec![e.to_string()],
        };
        reader.plain = plain;
        let mut out = Vec::new();
        loop {
            match reader.next(keep) {
                Ok(Some(record)) => {
                    let fields: Vec<Option<&[u8]>> = (0..record.fields.min(keep))
                        .map(|i| reader.field(i))
                        .collect();
                    out.push(format!(
                        "{record:?} {fields:?} {:?} {:?} {:?}",
                        reader.record_text().is_some(),
                        reader.lines,
                        reader.consumed
                    ));
                }
                Ok(None) => break,
                Err(e) => {
                    out.push(e.to_string());
                    break;
                }
            }
        }
        out
    }

    /// One field in each of the shapes the plain reader must tell apart: plain text, quoted
    /// text (holding delimiters), escaped quotes, line breaks inside quotes, text after a
    /// closing quote, a quote in the middle, a quote never closed, accented text and a byte
    /// that is not UTF-8.
    fn csv_field() -> impl Strategy<Value = Vec<u8>> {
        let text = || "[a-c ,;]{0,5}";
        prop_oneof![
            6 => "[a-c ]{0,6}".prop_map(String::into_bytes),
            3 => text().prop_map(|t| format!("\"{t}\"").into_bytes()),
            1 => (text(), text()).prop_map(|(a, b)| format!("\"{a}\"\"{b}\"").into_bytes()),
            1 => (text(), prop::sample::select(vec!["\n", "\r", "\r\n"]), text())
                .prop_map(|(a, br, b)| format!("\"{a}{br}{b}\"").into_bytes()),
            1 => (text(), "[a-c ]{1,3}").prop_map(|(a, b)| format!("\"{a}\"{b}").into_bytes()),
            1 => ("[a-c]{1,3}", text()).prop_map(|(a, b)| format!("{a}\"{b}").into_bytes()),
            1 => text().prop_map(|t| format!("\"{t}").into_bytes()),
            1 => prop::sample::select(vec!["é".as_bytes().to_vec(), vec![0xE9], "\u{feff}".as_bytes().to_vec()]),
            1 => (1usize..200).prop_map(|n| vec![b'x'; n]),
        ]
    }

    /// Records of those fields, joined by either delimiter and ended by any line break or
    /// none, with blank lines; records of simple fields; and runs of plain records long enough to
    /// cross the source's buffers (`CHUNK`).
    fn csv_piece() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            8 => (
                prop::collection::vec(csv_field(), 1..6),
                prop::sample::select(vec![&b","[..], b";"]),
                prop::sample::select(vec![&b"\n"[..], b"\r\n", b"\r", b"", b"\n\n", b"\r\r\n"]),
            )
                .prop_map(|(fields, delimiter, end)| [fields.join(delimiter), end.to_vec()].concat()),
            // Records of plain and simply quoted fields, often with empty fields at the end:
            // read past the last field kept by counting.
            4 => (
                prop::collection::vec(
                    prop_oneof![6 => "[a-c ]{0,2}", 2 => "\"[a-c ,;]{0,3}\"", 1 => "x{1,60}", 1 => "a\"b"],
                    1..9,
                ),
                prop::sample::select(vec![",", ";"]),
                prop::sample::select(vec!["\n", "\r\n", "\r"]),
            )
                .prop_map(|(fields, delimiter, end)| format!("{}{end}", fields.join(delimiter)).into_bytes()),
            1 => (1usize..24_000).prop_map(|n| b"ab,\"c,d\",,e\r\n".repeat(n)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn plain_records_are_read_as_csv_core_reads_them(
            pieces in prop::collection::vec(csv_piece(), 0..30),
            semicolon in any::<bool>(),
            keep in prop_oneof![0usize..5, Just(usize::MAX)],
            small in prop::option::of((1usize..40, 1usize..120)),
        ) {
            let text: Vec<u8> = pieces.concat();
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("export.csv");
            std::fs::write(&path, &text).unwrap();
            let delimiter = if semicolon { b';' } else { b',' };
            let limits = match small {
                Some((cell, record)) => Limits { max_cell_bytes: cell, max_record_bytes: record, ..Limits::default() },
                None => Limits::default(),
            };
            let plain = read_all(&path, delimiter, limits, keep, true);
            let core = read_all(&path, delimiter, limits, keep, false);
            prop_assert_eq!(plain, core);
        }
    }

    #[test]
    fn the_fields_past_the_last_kept_count_towards_the_record_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, "a,b,c\nd,eeee,ffff\n").unwrap();
        let limits = Limits {
            max_cell_bytes: 20,
            max_record_bytes: 6,
            ..Limits::default()
        };
        let plain = read_all(&path, b',', limits, 1, true);
        assert_eq!(plain, read_all(&path, b',', limits, 1, false));
        assert_eq!(plain.len(), 2, "{plain:?}");
        assert!(plain[1].contains("row 2: a record is larger"), "{plain:?}");
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
