//! Everything that can go wrong reading an export. Each variant names the file and, where it
//! applies, the row, column or sheet; [`LoadError::advice`] says what the analyst can do.
//! No variant ever holds a cell value.

use crate::advice::{Advice, Setting};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A FIFO, a device such as `/dev/urandom`, a folder: never read (it could hang or never
    /// end).
    #[error("{}: it {problem}", path.display())]
    NotAFile {
        path: PathBuf,
        problem: crate::files::Refused,
    },

    #[error("{}: the file is empty", path.display())]
    Empty { path: PathBuf },

    #[error("{}: there is a header but no data rows below it", path.display())]
    HeaderOnly { path: PathBuf },

    #[error("{}: {what}", path.display())]
    Unsupported { path: PathBuf, what: String },

    #[error("{}, row {row}: {what}", path.display())]
    Malformed {
        path: PathBuf,
        row: u64,
        what: String,
    },

    /// Only with [`super::LoadOptions::stream_once`]: open again without it.
    #[error("{}, row {row}: this row is not UTF-8 though the rows above it are, so the file must be read whole to find its encoding", path.display())]
    EncodingUnsettled { path: PathBuf, row: u64 },

    #[error("{}, row {row}: expected {expected} fields like the header, found {found}", path.display())]
    Ragged {
        path: PathBuf,
        row: u64,
        expected: usize,
        found: usize,
    },

    /// XLSX: a value sits to the right of the last named column (its letter in `column`).
    #[error("{}, row {row}, column {column}: a cell holds a value, but the header row names only {width} columns", path.display())]
    OutsideHeader {
        path: PathBuf,
        row: u64,
        column: String,
        width: usize,
    },

    #[error("{}, row {row}, column {column}: a cell is larger than the limit of {limit} bytes", path.display())]
    CellTooLarge {
        path: PathBuf,
        row: u64,
        column: usize,
        limit: usize,
    },

    #[error("{}, row {row}: a record is larger than the limit of {limit} bytes", path.display())]
    RecordTooLarge {
        path: PathBuf,
        row: u64,
        limit: usize,
    },

    #[error("{}: the header has {found} columns, more than the limit of {limit}", path.display())]
    TooManyColumns {
        path: PathBuf,
        found: usize,
        limit: usize,
    },

    #[error("{}: the header row {row} has {problem}", path.display())]
    BadHeader {
        path: PathBuf,
        row: u32,
        problem: String,
    },

    #[error("{}: there is no sheet named {sheet:?}; the workbook has: {available}", path.display())]
    NoSuchSheet {
        path: PathBuf,
        sheet: String,
        available: String,
    },

    #[error("{}: the workbook could not be read: {what}", path.display())]
    Workbook { path: PathBuf, what: String },

    #[error("{}: the file changed while it was being read", path.display())]
    Changed { path: PathBuf },
}

impl LoadError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> LoadError {
        LoadError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// What the analyst can do about it.
    pub fn advice(&self) -> Advice {
        Advice::from(match self {
            LoadError::Io { .. } => {
                "Check the path, that the file exists, and that it is not open in another program."
            }
            LoadError::NotAFile { .. } => {
                "Give the export file itself, saved on disk (CSV or XLSX): not a pipe, a device or a folder."
            }
            LoadError::Empty { .. } => "Export the data again: the file has no content.",
            LoadError::HeaderOnly { .. } => {
                "The export holds no records: check the date range or query used to produce it."
            }
            LoadError::Unsupported { .. } => {
                "Save the export as CSV (UTF-8) or as an Excel workbook (.xlsx) and try again."
            }
            LoadError::Malformed { .. } => {
                "Open the file in a text editor at that row; re-export it, or fix the quoting, and try again."
            }
            LoadError::EncodingUnsettled { .. } => {
                "Run again: the file is then read whole first to find its encoding."
            }
            LoadError::Ragged { .. } => {
                return Advice::text("Every row must have as many fields as the header: check that row for a stray delimiter or a broken quote, or re-export the file. If the file has title lines above the header, give the header's line with ")
                    .then(Setting::HeaderRow)
                    .and(".");
            }
            LoadError::OutsideHeader { .. } => {
                return Advice::text("Every value must sit under a named column: check the header row is the right one (")
                    .then(Setting::HeaderRow)
                    .and("), name that column in the export, or remove the stray value.");
            }
            LoadError::CellTooLarge { .. }
            | LoadError::RecordTooLarge { .. }
            | LoadError::TooManyColumns { .. } => {
                "This is far larger than any police export should be: check the file is the right one and is not damaged."
            }
            LoadError::BadHeader { .. } => {
                return Advice::text("Give each column a distinct, non-blank name in the export, or choose the right header row with ")
                    .then(Setting::HeaderRow)
                    .and(" (or another sheet with ")
                    .then(Setting::Sheet)
                    .and(").");
            }
            LoadError::NoSuchSheet { .. } => {
                return Advice::text("Choose one of the listed sheets with ")
                    .then(Setting::Sheet)
                    .and(".");
            }
            LoadError::Workbook { .. } => {
                return Advice::text("Choose another sheet with ")
                    .then(Setting::Sheet)
                    .and(", or open the workbook in Excel and save it again as .xlsx (not password-protected), or export the sheet as CSV.");
            }
            LoadError::Changed { .. } => {
                "Another program changed the file while it was being read: close it there and run again."
            }
        })
    }
}
