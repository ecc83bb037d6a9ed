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
//! Decisions, each tested in `tests/it/load_csv.rs`:
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
//!
//! # Files, in the order the bytes pass through them
//!
//! - `encoding`: which encoding the file is in; `scan`: the checks every byte gets, on that
//!   first pass and again as the rows are read;
//! - `source`: the file's bytes, hashed, checked and decoded to UTF-8;
//! - `record`: the record reader driving `csv_core`, counting lines, enforcing the limits;
//! - `delimiter`: the delimiter, from a sample of records; `header`: the header record;
//! - `rows`: records become rows as wide as the header.

mod delimiter;
mod encoding;
mod header;
mod record;
mod rows;
mod scan;
mod source;

use super::stamp::Stamp;
use super::{Encoding, Format, LoadError, LoadOptions, Resume, Rows, Table};
use delimiter::choose_delimiter;
use encoding::detect_encoding;
use header::{locate_header, make_headers};
use record::RecordReader;
use rows::CsvRows;
use std::path::Path;

/// Bytes read from the file at a time. Each read is also a hand-off to the hashing thread and
/// a new structure index; at 64 KiB a 200 MB pack spent 0.02 s more in the kernel and took
/// 0.03 s longer (128 KiB gained most of that, 1 MiB nothing more).
pub(super) const CHUNK: usize = 256 * 1024;
/// Delimiters tried, in order.
pub(super) const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
/// Data records examined after the header when choosing the delimiter.
pub(super) const SNIFF_RECORDS: usize = 50;
/// Text examined when choosing the delimiter, at most (whole records only).
pub(super) const SNIFF_BYTES: u64 = 1024 * 1024;

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
    let before = Stamp::of_path(path)?;
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

    if Stamp::of_path(path)? != before {
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
    let before = Stamp::of_path(path)?;
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
    let before = Stamp::of_path(path)?;
    if before.size != table.size || before.modified != table.modified || at.offset > before.size {
        return Err(LoadError::Changed {
            path: path.to_path_buf(),
        });
    }
    let reader = RecordReader::resume(path, encoding, delimiter, table.options.limits, at)?;
    Ok(CsvRows::stream(reader, table, wanted, before, Some(at)))
}
