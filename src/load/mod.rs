//! Loading an export: a CSV or XLSX file becomes a [`Table`]: its headers, what was detected
//! about it, and a fresh stream of [`Row`]s each time [`Table::rows`] is called.
//!
//! Rows are streamed, never held all at once, so memory stays flat whatever the file size.
//! Errors say which file, row and column, and what to do; they never quote a cell value.

mod csv;
mod error;
mod header;
pub mod hidden_cells;
mod stamp;
mod structure;
mod xlsx;

pub use error::LoadError;
pub use hidden_cells::{HiddenCells, HiddenColumn};

use std::fmt;
use std::path::{Path, PathBuf};

/// Size limits that protect against hostile or broken files. Each can be raised by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest single cell, in bytes.
    pub max_cell_bytes: usize,
    /// Largest single record (all its cells), in bytes.
    pub max_record_bytes: usize,
    /// Most columns a header may have.
    pub max_columns: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_cell_bytes: 1024 * 1024,
            max_record_bytes: 4 * 1024 * 1024,
            max_columns: 20_000,
        }
    }
}

/// What the caller asks of the loader.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// XLSX: the sheet to read, by name. `None`: the first visible sheet.
    pub sheet: Option<String>,
    /// The header's row number, 1-based as Excel or a text editor shows it. `None`: guess
    /// (XLSX: the first row that looks like a header below any title rows; CSV: row 1).
    pub header_row: Option<u32>,
    pub limits: Limits,
    /// For a caller that reads the rows once, start to end, and can start again (a pack from
    /// the command line). A CSV file without a byte-order mark is then taken to be UTF-8
    /// without first reading all of it (a whole pass over a large export). Every byte is still
    /// checked as it is read. One that is not UTF-8, met while `open` finds the header, makes
    /// `open` read the file whole after all; met in the rows, it stops the stream with
    /// [`LoadError::EncodingUnsettled`], and the caller opens the file again without this
    /// option, which reads it whole first and finds its encoding.
    pub stream_once: bool,
}

/// A text encoding the CSV loader recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl Encoding {
    /// The name shown to people and written to the record.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (with BOM)",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A sheet in a workbook, in workbook order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetInfo {
    pub name: String,
    /// "visible", "hidden" or "very hidden".
    pub visibility: &'static str,
}

/// What kind of file the input turned out to be (sniffed from its bytes, not its extension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    Csv {
        encoding: Encoding,
        delimiter: u8,
    },
    Xlsx {
        /// The sheet being read.
        sheet: String,
        /// Every sheet in the workbook.
        sheets: Vec<SheetInfo>,
        /// Rows and columns the sheet being read hides.
        hidden: HiddenCells,
    },
}

impl Format {
    /// The encoding as written to the record: for XLSX, "XLSX" (the workbook is XML/UTF-8).
    pub fn encoding_name(&self) -> &'static str {
        match self {
            Format::Csv { encoding, .. } => encoding.name(),
            Format::Xlsx { .. } => "XLSX",
        }
    }

    pub fn sheet(&self) -> Option<&str> {
        match self {
            Format::Csv { .. } => None,
            Format::Xlsx { sheet, .. } => Some(sheet),
        }
    }

    /// "comma", "semicolon", "tab" for CSV.
    pub fn delimiter_name(&self) -> Option<&'static str> {
        match self {
            Format::Csv { delimiter, .. } => Some(match delimiter {
                b',' => "comma",
                b';' => "semicolon",
                b'\t' => "tab",
                b'|' => "pipe",
                _ => "other",
            }),
            Format::Xlsx { .. } => None,
        }
    }
}

/// One data row: its number as the analyst would find it (CSV: the 1-based line on which the
/// record starts; XLSX: the Excel row number) and its cells, exactly as many as the headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub number: u64,
    pub cells: Vec<String>,
}

impl Row {
    /// The row as a [`RowRef`], for code that reads rows in place.
    pub fn view(&self) -> RowRef<'_> {
        RowRef {
            number: self.number,
            cells: Cells::Owned(&self.cells),
        }
    }
}

/// One data row read in place ([`Rows::next_ref`]): its number, and its cells' text borrowed
/// from the reader's buffer until the next row is read, so reading a row copies nothing.
#[derive(Debug, Clone, Copy)]
pub struct RowRef<'r> {
    pub number: u64,
    cells: Cells<'r>,
}

#[derive(Debug, Clone, Copy)]
enum Cells<'r> {
    Owned(&'r [String]),
    /// Cell `i` is `text[spans[i].0 - base .. spans[i].1 - base]`.
    Spans {
        text: &'r str,
        base: usize,
        spans: &'r [(usize, usize)],
    },
}

impl<'r> RowRef<'r> {
    /// A row whose cell `i` is `text[spans[i].0 - base .. spans[i].1 - base]`.
    pub(crate) fn in_place(
        number: u64,
        text: &'r str,
        base: usize,
        spans: &'r [(usize, usize)],
    ) -> RowRef<'r> {
        RowRef {
            number,
            cells: Cells::Spans { text, base, spans },
        }
    }

    /// The text of cell `i`; empty for a column past the row's end.
    pub fn cell(&self, i: usize) -> &'r str {
        match self.cells {
            Cells::Owned(cells) => cells.get(i).map_or("", String::as_str),
            Cells::Spans { text, base, spans } => spans
                .get(i)
                .and_then(|&(start, end)| {
                    text.get(start.checked_sub(base)?..end.checked_sub(base)?)
                })
                .unwrap_or(""),
        }
    }
}

/// An opened export: what was detected and the header. Cheap: only the start of the file has
/// been read. Call [`Table::rows`] to stream its data rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub path: PathBuf,
    pub format: Format,
    /// The header's row number, 1-based.
    pub header_row: u32,
    /// Header cells, as they appear in the file (trimmed of surrounding white space).
    pub headers: Vec<String>,
    /// Size of the file in bytes when opened.
    pub size: u64,
    pub(crate) options: LoadOptions,
    /// XLSX: the SHA-256 of the bytes whose package passed the safety checks at open, and
    /// where the sheet is in them. A read of the same bytes (same hash) need not check or
    /// find them again.
    pub(crate) checked: Option<xlsx::Checked>,
    /// The file's modification time when opened, where the system gives one: a read from the
    /// middle ([`Table::rows_from`]) is refused if it has changed.
    pub(crate) modified: Option<std::time::SystemTime>,
}

/// Where a data row starts in the file, taken from a stream ([`Rows::resume_point`]), so the
/// rows from there on can be read again without reading those before ([`Table::rows_from`]).
/// Only UTF-8 CSV files can be read from the middle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resume {
    /// Byte offset of the row's first byte in the file.
    pub(crate) offset: u64,
    /// The row's number (the line on which it starts).
    pub(crate) number: u64,
}

impl Resume {
    /// The number of the row that starts here.
    pub fn number(&self) -> u64 {
        self.number
    }
}

/// What a completed pass over the rows learned about the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// SHA-256 of the whole file's bytes, lower-case hex.
    pub sha256: String,
    /// Data rows read (the header and any rows above it not counted).
    pub rows_read: u64,
}

impl Table {
    /// Open a CSV or XLSX file, sniffing which from its first bytes.
    pub fn open(path: &Path, options: &LoadOptions) -> Result<Table, LoadError> {
        let kind = sniff_kind(path)?;
        match kind {
            Kind::Zip | Kind::Ole => xlsx::open(path, options),
            Kind::Text => csv::open(path, options),
        }
    }

    /// A fresh stream of data rows. When the stream has ended without error,
    /// [`Rows::digest`] gives the file's hash and the row count.
    pub fn rows(&self) -> Result<Rows, LoadError> {
        match self.format {
            Format::Csv { .. } => csv::rows(self, None),
            Format::Xlsx { .. } => xlsx::rows(self),
        }
    }

    /// Like [`Table::rows`], for a caller that reads only some columns: cells of columns whose
    /// `wanted` entry is false may come back empty (a CSV reader then skips making their
    /// text, which is most of the cost of a wide export). Rows keep their full width, and the
    /// file is still read, checked and hashed whole.
    pub fn rows_wanting(&self, wanted: &[bool]) -> Result<Rows, LoadError> {
        match self.format {
            Format::Csv { .. } => csv::rows(self, Some(wanted.to_vec())),
            Format::Xlsx { .. } => xlsx::rows(self),
        }
    }

    /// Whether [`Table::rows_from`] can read this file from the middle (a UTF-8 CSV), so its
    /// streams give resume points.
    pub fn can_read_from_middle(&self) -> bool {
        matches!(
            self.format,
            Format::Csv {
                encoding: Encoding::Utf8 | Encoding::Utf8Bom,
                ..
            }
        )
    }

    /// The data rows from `at` (taken from an earlier stream of this table) to the end. The
    /// file must be unchanged since it was opened: otherwise [`LoadError::Changed`]. The rows
    /// are checked as [`Table::rows`] checks them, but not hashed: the stream gives no
    /// [`Digest`]. XLSX and CSV in encodings other than UTF-8 cannot be read from the middle.
    pub fn rows_from(&self, at: Resume, wanted: Option<&[bool]>) -> Result<Rows, LoadError> {
        match self.format {
            Format::Csv { .. } => csv::rows_from(self, at, wanted.map(<[bool]>::to_vec)),
            Format::Xlsx { .. } => Err(LoadError::Unsupported {
                path: self.path.clone(),
                what: "an XLSX sheet cannot be read from the middle".into(),
            }),
        }
    }

    /// The file name alone, for messages and the record.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string())
    }
}

/// A stream of data rows. Iterate it to the end, then call [`Rows::digest`].
pub struct Rows {
    inner: Box<dyn RowSource>,
    /// Where a source that cannot lend its rows in place puts them for [`Rows::next_ref`].
    spare: Row,
}

impl Rows {
    pub(crate) fn new(inner: Box<dyn RowSource>) -> Rows {
        Rows {
            inner,
            spare: Row {
                number: 0,
                cells: Vec::new(),
            },
        }
    }

    /// The file's SHA-256 and rows read. `None` until the stream has ended without error.
    pub fn digest(&self) -> Option<Digest> {
        self.inner.digest()
    }

    /// Where the row last returned starts, to read from there again with
    /// [`Table::rows_from`]. `None` before the first row, and always for a source that cannot
    /// be read from the middle (XLSX, CSV not in UTF-8).
    pub fn resume_point(&self) -> Option<Resume> {
        self.inner.resume_point()
    }

    /// The next row, written into `row` (its cells' text buffers are reused, so a caller that
    /// handles one row at a time allocates nothing per row). `None` at the end, as for
    /// [`Iterator::next`]; after an error, `row` holds nothing meaningful.
    pub fn next_into(&mut self, row: &mut Row) -> Option<Result<(), LoadError>> {
        self.inner.next_into(row)
    }

    /// The next row, read in place: the fastest way through a file, for a caller that is done
    /// with each row before it asks for the next. `None` at the end, as for [`Iterator::next`].
    pub fn next_ref(&mut self) -> Option<Result<RowRef<'_>, LoadError>> {
        self.inner.next_ref(&mut self.spare)
    }
}

impl Iterator for Rows {
    type Item = Result<Row, LoadError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next_row()
    }
}

/// What each loader implements to produce rows.
pub(crate) trait RowSource {
    fn next_row(&mut self) -> Option<Result<Row, LoadError>>;
    fn digest(&self) -> Option<Digest>;

    /// [`Rows::resume_point`]; only a source that can be read from the middle overrides this.
    fn resume_point(&self) -> Option<Resume> {
        None
    }

    /// [`Rows::next_into`]; a source that can reuse the row's buffers overrides this.
    fn next_into(&mut self, row: &mut Row) -> Option<Result<(), LoadError>> {
        Some(self.next_row()?.map(|next| *row = next))
    }

    /// [`Rows::next_ref`]; a source that holds its rows' text overrides this. `spare` is
    /// somewhere to put a row.
    fn next_ref<'a>(&'a mut self, spare: &'a mut Row) -> Option<Result<RowRef<'a>, LoadError>> {
        Some(self.next_into(spare)?.map(|()| spare.view()))
    }
}

enum Kind {
    Zip,
    /// An OLE compound file: a password-protected .xlsx or an old .xls. The XLSX loader
    /// explains which, instead of the CSV loader reading binary as text.
    Ole,
    Text,
}

/// XLSX files are zip archives ("PK\x03\x04"); OLE compound files (encrypted .xlsx, .xls) go
/// to the XLSX loader too, to be refused with a clear message; anything else is treated as
/// text. The extension is not trusted: exports get renamed.
fn sniff_kind(path: &Path) -> Result<Kind, LoadError> {
    use std::io::Read;
    let mut f = crate::files::open_regular(path).map_err(|e| match e {
        crate::files::FileError::Refused(problem) => LoadError::NotAFile {
            path: path.to_path_buf(),
            problem,
        },
        crate::files::FileError::Io(e) => LoadError::io(path, e),
    })?;
    let mut magic = [0u8; 8];
    let mut n = 0;
    while n < 8 {
        match f.read(&mut magic[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(LoadError::io(path, e)),
        }
    }
    if n >= 4 && magic[..4] == *b"PK\x03\x04" {
        Ok(Kind::Zip)
    } else if n == 8 && magic == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
        Ok(Kind::Ole)
    } else {
        Ok(Kind::Text)
    }
}
