//! The sheet, a row at a time: the cells reader over the sheet's part, unpacked on a thread
//! of its own, with the workbook's shared strings and cell formats ([`Book`]).

use super::EXCEL_ROWS;
use super::at::At;
use super::bytes::read_up_to;
use super::cells::{self, Cells, Value};
use super::guarded::{workbook, xlsx_sentence, zip_sentence};
use super::hidden;
use super::letters::{cell_ref, column_letters, thousands};
use super::number_format::{DateStyle, Kind, classify_format};
use super::parts;
use super::parts::CellsError;
use super::values::{datetime_text, error_token, number_text};
use super::{Archive, Part, Plan, token_cap};
use crate::load::{Limits, LoadError};
use calamine::{ExcelDateTime, ExcelDateTimeType};
use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// A non-empty cell: 0-based column, its text, and whether it is a text cell.
pub(super) struct RawCell {
    pub(super) col: u32,
    pub(super) text: String,
    pub(super) is_text: bool,
}

/// A row with at least one non-empty cell, columns increasing. `row` is 0-based.
pub(super) struct RawRow {
    pub(super) row: u32,
    pub(super) cells: Vec<RawCell>,
}

#[derive(Clone, Copy)]
pub(super) enum Phase {
    /// Up to and including the header: any column up to the column limit.
    Header,
    /// Below the header: only the header's columns may hold values.
    Data { width: usize },
}

pub(super) struct SheetReader<'a> {
    pub(super) path: PathBuf,
    cells: Cells<'a, Box<dyn Read + 'a>>,
    /// By style id, what its number format shows of a date-time.
    styles: &'a [DateStyle],
    is_1904: bool,
    pub(super) limits: Limits,
    /// Position of the last cell read, empty or not.
    last: Option<(u32, u32)>,
    /// A cell of the next row, read while finishing the previous one.
    ahead: Option<(u32, RawCell)>,
    /// A row handed back, to be returned again by `next_row`.
    pub(super) unread: Option<RawRow>,
    /// The end of the sheet's cells has been reached.
    done: bool,
}

/// What the cells of any sheet refer to: the shared strings and the cell formats. Kept with
/// the table from open, so that reading the rows does not parse the shared strings again; it
/// holds cell values, in memory only, as the rows read do.
pub(super) struct Book {
    pub(super) strings: parts::Strings,
    pub(super) styles: Vec<parts::Style>,
    dates: Vec<DateStyle>,
}

impl std::fmt::Debug for Book {
    // Counts only: the strings are cell values.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Book {{ {} shared strings, {} cell formats }}",
            self.strings.len(),
            self.styles.len()
        )
    }
}

impl Book {
    pub(super) fn read(
        path: &Path,
        zip: &mut Archive,
        plan: &Plan,
        limits: &Limits,
    ) -> Result<Book, LoadError> {
        let cap = token_cap(limits) as usize;
        let failed = |e: CellsError| workbook(path, cells_sentence(&e));
        let strings = match find_part(zip, &plan.strings_part) {
            Some(i) => parts::read_strings(zip_part(path, zip, i)?, cap).map_err(failed)?,
            None => parts::Strings::default(),
        };
        let styles = match find_part(zip, &plan.styles_part) {
            Some(i) => parts::read_styles(zip_part(path, zip, i)?, cap).map_err(failed)?,
            None => Vec::new(),
        };
        let dates = styles
            .iter()
            .map(|s| s.code.as_deref().map(classify_format).unwrap_or_default())
            .collect();
        Ok(Book {
            strings,
            styles,
            dates,
        })
    }
}

/// The plan for reading `sheet`, from the links the package pre-scan learnt.
pub(super) fn plan(
    path: &Path,
    package: &hidden::Package,
    sheet: &str,
    is_1904: bool,
) -> Result<Plan, LoadError> {
    let Some((sheet_part, dir)) = hidden::sheet_part(package, sheet) else {
        return Err(workbook(
            path,
            format!("the sheet {sheet:?} is listed but the link to its cells cannot be followed"),
        ));
    };
    Ok(Plan {
        sheet_part,
        strings_part: format!("{dir}sharedstrings.xml"),
        styles_part: format!("{dir}styles.xml"),
        is_1904,
    })
}

pub(super) fn archive(path: &Path, file: &File) -> Result<Archive, LoadError> {
    let at = At::new(file).map_err(|e| LoadError::io(path, e))?;
    zip::ZipArchive::new(BufReader::new(at)).map_err(|e| workbook(path, zip_sentence(&e)))
}

/// The index of the part named `lower` (as [`hidden::Package`] keys names), if any.
pub(super) fn find_part(zip: &Archive, lower: &str) -> Option<usize> {
    (0..zip.len()).find(|&i| {
        zip.name_for_index(i)
            .and_then(Result::ok)
            .is_some_and(|n| n.replace('\\', "/").eq_ignore_ascii_case(lower))
    })
}

pub(super) fn zip_part<'a>(
    path: &Path,
    zip: &'a mut Archive,
    i: usize,
) -> Result<Part<'a>, LoadError> {
    zip.by_index(i)
        .map_err(|e| workbook(path, zip_sentence(&e)))
}

pub(super) fn cells_sentence(e: &CellsError) -> String {
    match e {
        CellsError::Xlsx(e) => xlsx_sentence(e),
        CellsError::Xml(clause) => clause.clone(),
    }
}

/// The index of the sheet's part in the package.
pub(super) fn sheet_index(
    path: &Path,
    zip: &Archive,
    plan: &Plan,
    sheet: &str,
) -> Result<usize, LoadError> {
    find_part(zip, &plan.sheet_part).ok_or_else(|| {
        workbook(
            path,
            format!("the sheet {sheet:?} is listed but its cells are missing from the file"),
        )
    })
}

/// A part unpacked on a thread of its own, handed over in blocks through a bounded channel:
/// unpacking then runs beside parsing. Reading it ends (`Ok(0)`) when the part does; dropping
/// it stops the thread at its next block. The thread reads the one opened file at its own
/// place ([`At`]).
pub(super) struct Unpacked {
    rx: Receiver<std::io::Result<Vec<u8>>>,
    block: Vec<u8>,
    at: usize,
}

/// Blocks of unpacked XML in flight, and their size: 1 MiB at most.
pub(super) const UNPACKED_BLOCKS: usize = 4;
pub(super) const UNPACKED_BLOCK: usize = 256 * 1024;

impl Unpacked {
    pub(super) fn start(path: &Path, file: &File, index: usize) -> Result<Unpacked, LoadError> {
        let handle = At::new(file).map_err(|e| LoadError::io(path, e))?;
        let (tx, rx) = sync_channel(UNPACKED_BLOCKS);
        std::thread::Builder::new()
            .name("disclose-unzip".into())
            .spawn(move || {
                let fail = |tx: &SyncSender<std::io::Result<Vec<u8>>>, e| {
                    let _ = tx.send(Err(e));
                };
                let mut zip = match zip::ZipArchive::new(BufReader::new(handle)) {
                    Ok(zip) => zip,
                    Err(e) => return fail(&tx, std::io::Error::other(e)),
                };
                let mut part = match zip.by_index(index) {
                    Ok(part) => part,
                    Err(e) => return fail(&tx, std::io::Error::other(e)),
                };
                loop {
                    let mut block = vec![0u8; UNPACKED_BLOCK];
                    let n = match read_up_to(&mut part, &mut block) {
                        Ok(n) => n,
                        Err(e) => return fail(&tx, e),
                    };
                    if n == 0 {
                        return;
                    }
                    block.truncate(n);
                    if tx.send(Ok(block)).is_err() {
                        return;
                    }
                }
            })
            .map_err(|e| LoadError::io(path, e))?;
        Ok(Unpacked {
            rx,
            block: Vec::new(),
            at: 0,
        })
    }
}

impl Read for Unpacked {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.block.len() {
            match self.rx.recv() {
                Ok(Ok(block)) => {
                    self.block = block;
                    self.at = 0;
                }
                Ok(Err(e)) => return Err(e),
                // The thread is done: the part has ended.
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.block.len() - self.at);
        out[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl<'a> SheetReader<'a> {
    pub(super) fn new(
        path: &Path,
        book: &'a Book,
        part: Box<dyn Read + 'a>,
        plan: &Plan,
        limits: &Limits,
    ) -> SheetReader<'a> {
        SheetReader {
            path: path.to_path_buf(),
            cells: Cells::new(
                part,
                &book.strings,
                &book.styles,
                token_cap(limits) as usize,
            ),
            styles: &book.dates,
            is_1904: plan.is_1904,
            limits: *limits,
            last: None,
            ahead: None,
            unread: None,
            done: false,
        }
    }

    /// The next row with at least one non-empty cell, checked against the phase's columns.
    pub(super) fn next_row(&mut self, phase: Phase) -> Result<Option<RawRow>, LoadError> {
        if let Some(raw) = self.unread.take() {
            for cell in &raw.cells {
                self.check_column(phase, raw.row, cell.col)?;
            }
            return Ok(Some(raw));
        }
        let (row, first) = match self.ahead.take() {
            Some(c) => c,
            None => match self.read_cell()? {
                Some(c) => c,
                None => return Ok(None),
            },
        };
        let mut bytes = 0usize;
        let mut cells = match phase {
            Phase::Data { width } => Vec::with_capacity(width),
            Phase::Header => Vec::new(),
        };
        let mut next = Some(first);
        while let Some(cell) = next.take() {
            self.check_column(phase, row, cell.col)?;
            bytes += cell.text.len();
            if bytes > self.limits.max_record_bytes {
                return Err(LoadError::RecordTooLarge {
                    path: self.path.clone(),
                    row: u64::from(row) + 1,
                    limit: self.limits.max_record_bytes,
                });
            }
            cells.push(cell);
            match self.read_cell()? {
                Some((r, cell)) if r == row => next = Some(cell),
                Some(other) => self.ahead = Some(other),
                None => {}
            }
        }
        Ok(Some(RawRow { row, cells }))
    }

    fn check_column(&self, phase: Phase, row: u32, col: u32) -> Result<(), LoadError> {
        let col_n = col as usize;
        match phase {
            Phase::Header if col_n >= self.limits.max_columns => Err(LoadError::TooManyColumns {
                path: self.path.clone(),
                found: col_n + 1,
                limit: self.limits.max_columns,
            }),
            Phase::Data { width } if col_n >= width => Err(LoadError::OutsideHeader {
                path: self.path.clone(),
                row: u64::from(row) + 1,
                column: column_letters(col),
                width,
            }),
            _ => Ok(()),
        }
    }

    /// The next non-empty cell with its 0-based row, in sheet order.
    fn read_cell(&mut self) -> Result<Option<(u32, RawCell)>, LoadError> {
        loop {
            if self.done {
                return Ok(None);
            }
            let next = match self.cells.next_cell() {
                Ok(next) => next,
                Err(e) => {
                    let place = match self.last {
                        Some((r, c)) => format!("after cell {}", cell_ref(r, c)),
                        None => "before its first cell".into(),
                    };
                    return Err(workbook(
                        &self.path,
                        format!("{} ({place})", cells_sentence(&e)),
                    ));
                }
            };
            let Some(cells::Cell {
                pos: (row, col),
                value,
                style,
            }) = next
            else {
                self.done = true;
                return Ok(None);
            };
            if let Some((r, c)) = self.last
                && (row, col) <= (r, c)
            {
                return Err(workbook(
                    &self.path,
                    format!(
                        "its cells are not stored in order ({} comes after {}); open it in Excel and save it again",
                        cell_ref(row, col),
                        cell_ref(r, c)
                    ),
                ));
            }
            self.last = Some((row, col));
            let declared = self.cells.declared_last_row().filter(|&r| r >= EXCEL_ROWS);
            if row >= EXCEL_ROWS || declared.is_some() {
                return Err(workbook(
                    &self.path,
                    format!(
                        "its sheet {} more rows than Excel's {}: row {} is beyond Excel's last \
                         row, so the file was not saved by Excel, and what Excel would show of \
                         it is not what would be shared",
                        if declared.is_some() {
                            "declares"
                        } else {
                            "holds"
                        },
                        thousands(u64::from(EXCEL_ROWS)),
                        thousands(u64::from(declared.unwrap_or(row)) + 1),
                    ),
                ));
            }
            if let Some((text, is_text)) = self.text_of(value, style, row, col)? {
                return Ok(Some((row, RawCell { col, text, is_text })));
            }
        }
    }

    /// A cell's text and whether it is a text cell; `None` for an empty cell.
    fn text_of(
        &self,
        value: Value<'_>,
        style: usize,
        row: u32,
        col: u32,
    ) -> Result<Option<(String, bool)>, LoadError> {
        let (text, is_text): (Cow<'_, str>, bool) = match value {
            Value::Empty => return Ok(None),
            Value::Text(s) => (s, true),
            Value::Number(f, Kind::Number) => match number_text(f) {
                Some(t) => (Cow::Owned(t), false),
                None => {
                    return Err(workbook(
                        &self.path,
                        format!(
                            "cell {} holds a number Excel cannot store (infinite or not a number)",
                            cell_ref(row, col)
                        ),
                    ));
                }
            },
            Value::Bool(b) => (Cow::Borrowed(if b { "TRUE" } else { "FALSE" }), false),
            Value::Number(f, kind) => {
                let kind = match kind {
                    Kind::Duration => ExcelDateTimeType::TimeDelta,
                    _ => ExcelDateTimeType::DateTime,
                };
                let dt = ExcelDateTime::new(f, kind, self.is_1904);
                let style = self.styles.get(style).copied().unwrap_or_default();
                (Cow::Owned(datetime_text(&dt, style, self.is_1904)), false)
            }
            Value::Iso(s) => (Cow::Owned(s), false),
            Value::Error(e) => (Cow::Borrowed(error_token(&e)), false),
        };
        if text.is_empty() {
            return Ok(None);
        }
        if text.contains('\0') {
            // As in a CSV: no export holds one, and a NUL cuts text short in other programs.
            return Err(workbook(
                &self.path,
                format!(
                    "cell {} holds a NUL character (written as _x0000_ or as a NUL byte), which \
                     no export should hold",
                    cell_ref(row, col)
                ),
            ));
        }
        if text.len() > self.limits.max_cell_bytes {
            return Err(LoadError::CellTooLarge {
                path: self.path.clone(),
                row: u64::from(row) + 1,
                column: col as usize + 1,
                limit: self.limits.max_cell_bytes,
            });
        }
        Ok(Some((text.into_owned(), is_text)))
    }
}
