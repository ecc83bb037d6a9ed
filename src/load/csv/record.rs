//! The record reader: drives `csv_core` over the decoded text, counting lines and enforcing
//! the size limits while a record is parsed.

use super::encoding::bom_len;
use super::scan::{Lines, count_breaks};
use super::source::Source;
use crate::load::structure::Structure;
use crate::load::{Encoding, Limits, LoadError, Resume};
use csv_core::ReadRecordResult;
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// One record just read. Its kept fields are in the reader until the next call.
#[derive(Debug, Clone, Copy)]
pub(super) struct RecordInfo {
    /// Line on which the record starts.
    pub(super) line: u64,
    /// Decoded bytes before the record's first byte.
    pub(super) offset: u64,
    /// Line on which the record ends.
    pub(super) last_line: u64,
    /// Fields in the record (all of them, kept or not).
    pub(super) fields: usize,
    /// Index of the last field that is not empty.
    pub(super) last_nonempty: Option<usize>,
}

pub(super) struct RecordReader {
    pub(super) src: Source,
    core: csv_core::Reader,
    pub(super) lines: Lines,
    limits: Limits,
    /// The current record's cell bytes as csv_core wrote them, `out[..out_len]`.
    out: Vec<u8>,
    out_len: usize,
    /// Where the kept fields of the current record are: in `out`, or (a record read by
    /// [`RecordReader::next_plain`]) in the source's buffer, `src.out`.
    pub(super) spans: Vec<(usize, usize)>,
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
    pub(super) consumed: u64,
    /// A first record has been started: a byte-order mark is no longer stray, but data.
    core_started: bool,
    /// csv_core has been given text (after which it never strips a byte-order mark itself).
    core_fed: bool,
}

impl RecordReader {
    pub(super) fn new(
        path: &Path,
        encoding: Encoding,
        delimiter: u8,
        limits: Limits,
    ) -> Result<RecordReader, LoadError> {
        RecordReader::build(Source::open(path, encoding, true)?, delimiter, limits)
    }

    /// A reader whose bytes are not hashed (one that starts in the middle of the file).
    pub(super) fn new_unhashed(
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
    pub(super) fn provisional(mut self, provisional: bool) -> RecordReader {
        self.src.provisional = provisional;
        self
    }

    /// A reader that starts at `at`: the start of a record, found by an earlier reader of the
    /// same file. Everything the parser carries from one record to the next is known there:
    /// the line, and that the first record (and any byte-order mark) is behind it.
    pub(super) fn resume(
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
    pub(super) fn raw_offset(&self, decoded: u64) -> Option<u64> {
        match self.src.encoding {
            Encoding::Utf8 | Encoding::Utf8Bom => {
                Some(decoded.saturating_add(bom_len(self.src.encoding)))
            }
            _ => None,
        }
    }

    pub(super) fn path(&self) -> PathBuf {
        self.src.path.clone()
    }

    /// Reads the next record, keeping the text of its first `keep` fields. `None` at the end.
    pub(super) fn next(&mut self, keep: usize) -> Result<Option<RecordInfo>, LoadError> {
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

    pub(super) fn stuck(&self, row: u64) -> LoadError {
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
    pub(super) fn record_text(&self) -> Option<&str> {
        let (Some(first), Some(last)) = (self.spans.first(), self.spans.last()) else {
            return Some("");
        };
        std::str::from_utf8(self.record_buffer().get(first.0..last.1)?).ok()
    }

    /// Field `i` of the last record, from [`RecordReader::record_text`].
    pub(super) fn field_in<'t>(&self, text: &'t str, i: usize) -> Option<&'t str> {
        let base = self.spans.first()?.0;
        let &(start, end) = self.spans.get(i)?;
        text.get(start.checked_sub(base)?..end.checked_sub(base)?)
    }

    /// Field `i` of the last record as text.
    pub(super) fn field_text(&self, i: usize, row: u64) -> Result<&str, LoadError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
}
