//! The row stream of a CSV file: records from the reader become rows as wide as the header,
//! with the checks that a whole pass makes (the file unchanged, every byte read and hashed).

use super::record::{RecordInfo, RecordReader};
use crate::hash_behind::HashBehind;
use crate::load::stamp::Stamp;
use crate::load::{Digest, LoadError, Resume, Row, RowRef, RowSource, Rows, Table};

/// The data rows of a CSV file. `before` is the file's size and modification time when the
/// stream began (a `Table` has room for the size at `open` only): the size must still match
/// the `Table`'s, and both must be unchanged when the stream ends.
pub(super) struct CsvRows {
    reader: RecordReader,
    width: usize,
    /// Columns whose text is made; `None`: all.
    wanted: Option<Vec<bool>>,
    /// Fields of each record cut out: up to the last one wanted. The rest are only counted.
    keep: usize,
    size: u64,
    before: Stamp,
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
    pub(super) fn stream(
        reader: RecordReader,
        table: &Table,
        wanted: Option<Vec<bool>>,
        before: Stamp,
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
            if read != self.size || Stamp::of_path(&path)? != self.before {
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
        if src.raw_total != self.size || Stamp::of_path(&path)? != self.before {
            return Err(LoadError::Changed { path });
        }
        Ok(Some(Digest {
            sha256: crate::hex::hex(&sha256),
            rows_read: self.rows_read,
        }))
    }
}

/// Whether a stream wanting `wanted` (`None`: all) makes the text of `column`.
pub(super) fn is_wanted(wanted: Option<&[bool]>, column: usize) -> bool {
    wanted.is_none_or(|w| w.get(column).copied().unwrap_or(true))
}
