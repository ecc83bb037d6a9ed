//! XLSX loading: one worksheet of an Excel workbook becomes a [`Table`] and a stream of [`Row`]s.
//!
//! # How a sheet is read
//!
//! calamine opens the workbook: its sheets, their visibility, the date system. The cells are
//! streamed, one row at a time, by the sheet reader in `cells` (over the small XML reader in
//! `xml`), which reads a sheet exactly as calamine's cells reader (`next_cell_with_style_id`)
//! does, value for value and error for error, and is checked against it cell by cell
//! (`same_as_calamine`); it is several times faster, and parsing the sheet is most of the time
//! of reading a workbook. Where the sheet's part is comes from the links the package pre-scan
//! follows, as calamine follows them. The sheet is never held whole, and nothing is ever sized
//! by the dimension a sheet declares (a 1.5 KB file can claim `A1:XFD1048576`). Cells must
//! arrive in row and column order, as every spreadsheet program writes them; if they do not, the
//! load stops with an error rather than put a value in the wrong place.
//!
//! # Decisions
//!
//! - **Sheet**: `--sheet NAME` matches exactly, then ignoring case; a hidden sheet may be chosen
//!   by name. By default the first *visible worksheet* (chart sheets are skipped).
//! - **Header row**: `--header-row N`, or guessed among rows 1 to 30: the first row with at
//!   least max(2, 60% of the widest of those rows) non-blank cells, all of them text. Title rows
//!   ("Monthly CRIS extract - October 2026") have one cell and are passed over. If a row above
//!   the chosen one is as wide but holds numbers or dates, either could be the header and the
//!   load stops and asks for `--header-row`. Header names are trimmed; trailing blank header
//!   cells are dropped; a blank name before the last one, or a name used twice (ignoring case),
//!   is an error.
//! - **Width**: every row has exactly as many cells as the header. A value in a column to the
//!   right of the header is an error ([`LoadError::OutsideHeader`]), never dropped.
//! - **Empty rows** (no cell holding anything, not even a space) are skipped and not counted in
//!   `rows_read`: Excel users leave gaps, and a row of nothing carries nothing to disclose. Rows
//!   keep their Excel numbers, so a skipped row shows as a gap in `Row::number`.
//! - **Text** is kept exactly: spaces, `\r`, `\n`, leading zeros (`_x000D_` escapes are decoded
//!   by calamine).
//! - **Numbers** are written in Rust's shortest round-trip form, which never uses an exponent:
//!   `7700900123` (not `7700900123.0` or `7.7e9`), `1.5`, `0.30000000000000004` when that is
//!   what the file stores. Number formats other than dates (decimal places, %, currency,
//!   thousands separators) are not applied: the stored value is given. Leading zeros cannot
//!   survive in a number cell; Excel drops them before saving.
//! - **Booleans** are `TRUE` / `FALSE`; **error values** Excel's own tokens (`#N/A`, `#DIV/0!`,
//!   `#REF!`, ...). An error value calamine does not know (say `#SPILL!`) stops the load.
//! - **Dates** (number cells with a date format, either date system): `YYYY-MM-DD` when the
//!   format has no time part and the value no time; otherwise `YYYY-MM-DDTHH:MM:SS` (with
//!   `.mmm` when there are milliseconds), so no part of the value is ever dropped. A time-of-day
//!   format on a value below 1 gives `HH:MM:SS`. Durations (`[h]:mm:ss`) give `HH:MM:SS` with
//!   as many hours as needed. A date-formatted value outside Excel's calendar is given as the
//!   number.
//! - **Formulas**: the value Excel cached when it last saved the file. A formula with no
//!   cached value reads as empty. Formula cells are not counted: calamine's formula-reading
//!   calls size a table by an index taken from the file, and the plain cells are enough.
//! - **Merged cells**: the value sits in the top-left cell; the other cells are empty.
//! - **Hidden rows and columns** are read like any other (hiding changes only what Excel
//!   shows). The table lists those of the sheet being read, in [`Format::Xlsx`]'s `hidden`: the
//!   hidden rows below the header that hold a value, and the hidden columns among the header's
//!   (see `hidden`), so the analyst can be told before they are shared.
//!
//! # Hostile and broken files
//!
//! Before calamine sees the file (at [`open`], and for a pass of [`rows`] over bytes that are
//! not those checked at open), the zip package is checked:
//!
//! - it must be a complete zip archive of an Excel workbook (an `.ods`, `.xlsb` or any other
//!   zip gets a plain "not an .xlsx workbook"; an OLE file is a password-protected workbook or an
//!   old `.xls`, and is told apart);
//! - every part is read to its end once, so the zip checksums are verified: calamine stops
//!   reading a sheet at its last cell and would never notice a damaged or edited part;
//! - the parts calamine holds in memory whole (shared strings, styles, workbook, theme,
//!   relationships) may unpack to at most [`MAX_HELD_PART_BYTES`] (the zip crate will not
//!   unpack a part past its declared size);
//! - no XML part may hold a single token (a run of text, or one tag, comment...) longer than
//!   [`token_cap`], so a "decompression bomb" cannot make the XML parser buffer gigabytes (the
//!   sheet reader also stops at a longer token by itself);
//! - the shared strings table may not announce more strings than it could hold, since calamine
//!   reserves memory for that count, nor hold more than its part has packed bytes (or 2^21,
//!   whichever is more), since calamine holds each one in about 60 bytes: a part of empty
//!   strings deflated a thousandfold would otherwise make a 0.5 MB file take a gigabyte;
//! - no two parts may have one name (ignoring case, as a package does), counted from the raw
//!   central directory, since programs differ in which of the two they read.
//!
//! While reading, a cell holding NUL (an `_x0000_` escape, or a NUL byte) stops the load, as
//! NUL does in a CSV; so does a cell below Excel's last row (1,048,576), or a sheet whose
//! `<dimension>` declares one.
//!
//! The worksheets' parts, which calamine does not read when it opens a workbook, are checked on
//! a thread while calamine opens it and the header is found; only where the package's links
//! show that calamine reads none of them, and a fault found there is still the error reported.
//!
//! Known limit: the parts are recognised by their usual names. A workbook whose relationships
//! were crafted to make calamine read a part under an unusual name (a picture's, say) as its
//! workbook or sheet escapes the size and token checks of that part; it still cannot escape
//! its declared size or the checksums.
//!
//! Every call into calamine is guarded: a panic inside it becomes [`LoadError::Workbook`] (and
//! release builds keep calamine's overflow checks, see `Cargo.toml`, so that crafted cell
//! references panic rather than wrap). The sheet reader counts with checked arithmetic and
//! fails with calamine's own errors. Error messages never quote a cell value.
//!
//! # The digest
//!
//! [`Table::rows`] opens the file once; that one handle is hashed (SHA-256), checked and parsed
//! in a reading thread that sends rows in small batches through a bounded channel (memory stays
//! flat; dropping the stream stops the thread). The sheet's part is unpacked on a thread of its
//! own beside the parsing; every reader reads the one opened file at its own place (`at`). The
//! size and modification time of the handle are compared at the start and at the end of the
//! pass, and the header is read again and compared with the one found by [`open`]: any
//! difference is [`LoadError::Changed`].
//!
//! Memory: one row at a time, plus the shared strings and cell formats, which are read at
//! [`open`] and kept with the table so that reading the rows does not parse them again (while
//! opening, calamine holds its own copy for a moment).

mod at;
mod cells;
mod hidden;
#[cfg(test)]
mod same_as_calamine;
mod xml;

use super::{
    Digest, Format, Limits, LoadError, LoadOptions, Row, RowSource, Rows, SheetInfo, Table,
};
use at::At;
use calamine::{
    CellErrorType, ExcelDateTime, ExcelDateTimeType, Reader, SheetType, SheetVisible, Xlsx,
    XlsxError,
};
use cells::{Cells, CellsError, Kind, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::SystemTime;

/// Rows among which the header is guessed (1-based Excel rows 1 to this).
const GUESS_ROWS: u32 = 30;

/// Excel's last row (1-based): no workbook Excel writes holds a row below it, and a sheet
/// that claims or holds one was made by some other program, or to mislead.
const EXCEL_ROWS: u32 = 1_048_576;

/// Largest unpacked size of a part that calamine reads whole into memory.
const MAX_HELD_PART_BYTES: u64 = 256 * 1024 * 1024;

/// Smallest cap on a single XML token; see [`token_cap`].
const MIN_TOKEN_CAP: u64 = 16 * 1024 * 1024;

/// Rows travel from the reading thread in batches of at most this many rows or (past one row)
/// bytes, with at most [`CHANNEL_BATCHES`] batches in flight: memory stays flat, and the threads
/// do not wake each other for every row.
const BATCH_ROWS: usize = 256;
const BATCH_BYTES: usize = 1024 * 1024;
const CHANNEL_BATCHES: usize = 4;

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Excel's last serial day, 9999-12-31, plus one: in the 1900 and the 1904 date systems.
const END_SERIAL_1900: f64 = 2_958_466.0;
const END_SERIAL_1904: f64 = 2_958_466.0 - 1_462.0;

type Workbook = Xlsx<BufReader<At>>;
type Archive = zip::ZipArchive<BufReader<At>>;
type Part<'a> = zip::read::ZipFile<'a, BufReader<At>>;

/// Where the sheet being read lives in the package, learnt when the table is opened: its
/// part, the shared strings and styles parts (names as [`hidden::Package`] keys them), and
/// the workbook's date system. A later read of the same bytes (same SHA-256) uses it as it is.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    sheet_part: String,
    strings_part: String,
    styles_part: String,
    is_1904: bool,
}

/// The package's bytes that passed the safety checks at open, by their SHA-256, with the plan
/// and the shared strings and formats learnt from them: a read of the same bytes need not
/// check or learn them again.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub(crate) sha256: String,
    plan: Plan,
    book: Arc<Book>,
}

/// The longest XML token (a text run or one piece of markup) any part may hold: eight times the
/// cell limit (room for XML escapes), and never less than 16 MiB.
fn token_cap(limits: &Limits) -> u64 {
    (limits.max_cell_bytes as u64)
        .saturating_mul(8)
        .max(MIN_TOKEN_CAP)
}

// ---------------------------------------------------------------------------------------------
// Opening

pub(super) fn open(path: &Path, options: &LoadOptions) -> Result<Table, LoadError> {
    let file = File::open(path).map_err(|e| LoadError::io(path, e))?;
    let size = file.metadata().map_err(|e| LoadError::io(path, e))?.len();
    if size == 0 {
        return Err(LoadError::Empty {
            path: path.to_path_buf(),
        });
    }
    if starts_with_ole(path, &file)? {
        return Err(ole_error(path, &file));
    }
    let no_cancel = AtomicBool::new(false);
    let sha256 = hash_file(path, &file, &no_cancel)?;
    // The worksheets' parts are the bulk of a workbook, and nothing read at open but the
    // chosen sheet's first rows (by the sheet reader, which bounds its own memory) touches
    // them: their check runs on a thread beside calamine, the shared strings and the header.
    // Only where the package's links show calamine would read none of them.
    let limits = &options.limits;
    let (mut package, later) = preflight_but(path, &file, limits, &no_cancel, true, is_sheet)?;
    let check = || check_parts(path, &file, limits, &no_cancel, true, &later);
    let beside = hidden::workbook_parts(&package)
        .is_some_and(|parts| !later.iter().any(|(_, name)| parts.contains(name)));
    let thread = std::thread::Builder::new().name("disclose-check".into());
    let Opened {
        sheets,
        sheet,
        plan,
        header,
        book,
    } = std::thread::scope(|scope| {
        let checker = if beside {
            thread.spawn_scoped(scope, check).ok()
        } else {
            None
        };
        let Some(checker) = checker else {
            package.extend(check()?);
            return open_sheet(path, &file, options, &package);
        };
        let opened = open_sheet(path, &file, options, &package);
        // A damaged or hostile part is the first thing to report, as when the checks ran first.
        let checked = checker
            .join()
            .unwrap_or_else(|_| Err(internal_error(path)))?;
        package.extend(checked);
        opened
    })?;
    let hidden = hidden::describe(
        hidden::sheet_marks(&package, &sheet),
        header.row,
        &header.names,
    );
    Ok(Table {
        path: path.to_path_buf(),
        format: Format::Xlsx {
            sheet,
            sheets,
            hidden,
        },
        modified: None,
        header_row: header.row,
        headers: header.names,
        size,
        options: options.clone(),
        checked: sha256.map(|sha256| Checked { sha256, plan, book }),
    })
}

/// What opening learns of the sheet to read.
struct Opened {
    sheets: Vec<SheetInfo>,
    sheet: String,
    plan: Plan,
    header: Header,
    book: Arc<Book>,
}

/// Open the workbook in calamine (its sheets, the date system), choose the sheet, read the
/// shared strings and formats, and find the header. `package` holds what the pre-scan has
/// learnt of the links between parts.
fn open_sheet(
    path: &Path,
    file: &File,
    options: &LoadOptions,
    package: &hidden::Package,
) -> Result<Opened, LoadError> {
    let wb = open_workbook(path, file)?;
    let meta = wb.sheets_metadata().to_vec();
    let sheets: Vec<SheetInfo> = meta
        .iter()
        .map(|s| SheetInfo {
            name: s.name.clone(),
            visibility: visibility(s.visible),
        })
        .collect();
    let index = choose_sheet(path, &meta, options.sheet.as_deref())?;
    let sheet = meta[index].name.clone();
    let plan = plan(path, package, &sheet, wb.has_1904_epoch())?;
    drop(wb);

    let (header, book) = guarded(path, || {
        let mut zip = archive(path, file)?;
        let book = Arc::new(Book::read(path, &mut zip, &plan, &options.limits)?);
        // Only the first rows are read here: the part is unpacked as it is parsed.
        let index = sheet_index(path, &zip, &plan, &sheet)?;
        let part = Box::new(zip_part(path, &mut zip, index)?);
        let mut reader = SheetReader::new(path, &book, part, &plan, &options.limits);
        let header = find_header(&mut reader, options.header_row, &sheet)?;
        if !header.more_rows
            && reader
                .next_row(Phase::Data {
                    width: header.names.len(),
                })?
                .is_none()
        {
            return Err(LoadError::HeaderOnly {
                path: path.to_path_buf(),
            });
        }
        drop(reader);
        Ok((header, book))
    })?;
    Ok(Opened {
        sheets,
        sheet,
        plan,
        header,
        book,
    })
}

fn visibility(v: SheetVisible) -> &'static str {
    match v {
        SheetVisible::Visible => "visible",
        SheetVisible::Hidden => "hidden",
        SheetVisible::VeryHidden => "very hidden",
    }
}

/// The sheets for a message: `"Data", "Lookup" (hidden), "Chart1" (chart)`.
fn sheet_list(sheets: &[calamine::Sheet]) -> String {
    if sheets.is_empty() {
        return "no sheets".into();
    }
    sheets
        .iter()
        .map(|s| {
            let mut notes = Vec::new();
            if s.visible != SheetVisible::Visible {
                notes.push(visibility(s.visible));
            }
            if s.typ != SheetType::WorkSheet {
                notes.push("chart or other non-worksheet");
            }
            if notes.is_empty() {
                format!("{:?}", s.name)
            } else {
                format!("{:?} ({})", s.name, notes.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn choose_sheet(
    path: &Path,
    sheets: &[calamine::Sheet],
    wanted: Option<&str>,
) -> Result<usize, LoadError> {
    let index = match wanted {
        Some(wanted) => {
            let exact: Vec<usize> = (0..sheets.len())
                .filter(|&i| sheets[i].name == wanted)
                .collect();
            let folded: Vec<usize> = (0..sheets.len())
                .filter(|&i| sheets[i].name.to_lowercase() == wanted.to_lowercase())
                .collect();
            match (exact.as_slice(), folded.as_slice()) {
                ([i], _) | ([], [i]) => *i,
                _ => {
                    return Err(LoadError::NoSuchSheet {
                        path: path.to_path_buf(),
                        sheet: wanted.to_string(),
                        available: sheet_list(sheets),
                    });
                }
            }
        }
        None => {
            let first = sheets
                .iter()
                .position(|s| s.visible == SheetVisible::Visible && s.typ == SheetType::WorkSheet);
            match first {
                Some(i) => i,
                None if sheets.is_empty() => {
                    return Err(workbook(path, "it has no sheets"));
                }
                None => {
                    return Err(workbook(
                        path,
                        format!(
                            "none of its sheets is a visible worksheet; choose one with --sheet NAME (the workbook has: {})",
                            sheet_list(sheets)
                        ),
                    ));
                }
            }
        }
    };
    let chosen = &sheets[index];
    if chosen.typ != SheetType::WorkSheet {
        return Err(workbook(
            path,
            format!(
                "the sheet {:?} is a chart or other sheet without cells (the workbook has: {})",
                chosen.name,
                sheet_list(sheets)
            ),
        ));
    }
    // calamine finds a sheet by name: two sheets of one name would be read as the first.
    if sheets.iter().filter(|s| s.name == chosen.name).count() > 1 {
        return Err(workbook(
            path,
            format!(
                "two sheets are both named {:?}; rename one in Excel",
                chosen.name
            ),
        ));
    }
    Ok(index)
}

// ---------------------------------------------------------------------------------------------
// Streaming rows

pub(super) fn rows(table: &Table) -> Result<Rows, LoadError> {
    let Format::Xlsx { sheet, .. } = &table.format else {
        return Err(LoadError::Unsupported {
            path: table.path.clone(),
            what: "this table was not read from a workbook".into(),
        });
    };
    let path = table.path.clone();
    let file = File::open(&path).map_err(|e| LoadError::io(&path, e))?;
    let start = Stamp::of(&path, &file)?;
    if start.len != table.size {
        return Err(LoadError::Changed { path });
    }
    let job = Job {
        path: path.clone(),
        file,
        start,
        checked: table.checked.clone(),
        sheet: sheet.clone(),
        header_row: table.header_row,
        headers: table.headers.clone(),
        limits: table.options.limits,
    };
    let (tx, rx) = sync_channel(CHANNEL_BATCHES);
    let cancel = Arc::new(AtomicBool::new(false));
    let thread_cancel = cancel.clone();
    std::thread::Builder::new()
        .name("disclose-xlsx".into())
        .spawn(move || run_job(job, tx, thread_cancel))
        .map_err(|e| LoadError::io(&path, e))?;
    Ok(Rows::new(Box::new(XlsxRows {
        rx,
        batch: Vec::new().into_iter(),
        cancel,
        digest: None,
        finished: false,
        path,
    })))
}

enum Msg {
    Rows(Vec<Row>),
    Failed(LoadError),
    End(Digest),
}

struct XlsxRows {
    rx: Receiver<Msg>,
    batch: std::vec::IntoIter<Row>,
    cancel: Arc<AtomicBool>,
    digest: Option<Digest>,
    finished: bool,
    path: PathBuf,
}

impl RowSource for XlsxRows {
    fn next_row(&mut self) -> Option<Result<Row, LoadError>> {
        loop {
            if let Some(row) = self.batch.next() {
                return Some(Ok(row));
            }
            if self.finished {
                return None;
            }
            match self.rx.recv() {
                Ok(Msg::Rows(batch)) => self.batch = batch.into_iter(),
                Ok(Msg::Failed(e)) => {
                    self.finished = true;
                    return Some(Err(e));
                }
                Ok(Msg::End(digest)) => {
                    self.finished = true;
                    self.digest = Some(digest);
                    return None;
                }
                Err(_) => {
                    self.finished = true;
                    return Some(Err(internal_error(&self.path)));
                }
            }
        }
    }

    fn digest(&self) -> Option<Digest> {
        self.digest.clone()
    }
}

impl Drop for XlsxRows {
    fn drop(&mut self) {
        // The reading thread stops at its next check, or when its next send fails.
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// What the reading thread needs: all owned.
struct Job {
    path: PathBuf,
    file: File,
    start: Stamp,
    checked: Option<Checked>,
    sheet: String,
    header_row: u32,
    headers: Vec<String>,
    limits: Limits,
}

/// Size and modification time of an open file, to notice it changing under us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(path: &Path, file: &File) -> Result<Stamp, LoadError> {
        let meta = file.metadata().map_err(|e| LoadError::io(path, e))?;
        Ok(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

fn run_job(job: Job, tx: SyncSender<Msg>, cancel: Arc<AtomicBool>) {
    let path = job.path.clone();
    let mut batch = Vec::new();
    let outcome = crate::panics::quietly(|| {
        catch_unwind(AssertUnwindSafe(|| {
            stream_job(&job, &tx, &cancel, &mut batch)
        }))
    });
    let last = match outcome {
        Ok(Ok(Some(digest))) => Msg::End(digest),
        Ok(Ok(None)) => return, // cancelled: nobody is listening
        Ok(Err(e)) => Msg::Failed(e),
        Err(_) => Msg::Failed(internal_error(&path)),
    };
    // The rows read before the end (or before an error) go first.
    if !batch.is_empty() && tx.send(Msg::Rows(batch)).is_err() {
        return;
    }
    let _ = tx.send(last);
}

/// Hash, check and parse the file behind one handle, sending full batches of rows; the last
/// batch is left in `batch`. `Ok(None)`: the consumer went away.
fn stream_job(
    job: &Job,
    tx: &SyncSender<Msg>,
    cancel: &AtomicBool,
    batch: &mut Vec<Row>,
) -> Result<Option<Digest>, LoadError> {
    let path = job.path.as_path();
    let Some(sha256) = hash_file(path, &job.file, cancel)? else {
        return Ok(None);
    };
    let changed = || LoadError::Changed {
        path: path.to_path_buf(),
    };
    // The package checks and the plan depend on the bytes alone: bytes hashing the same as
    // those checked when the table was opened need not be checked again (a changed file
    // always is).
    let mut zip = archive(path, &job.file)?;
    let (plan, book) = match &job.checked {
        Some(checked) if checked.sha256 == sha256 => (checked.plan.clone(), checked.book.clone()),
        _ => {
            let package = preflight(path, &job.file, &job.limits, cancel, true)?;
            if cancel.load(Ordering::Relaxed) {
                return Ok(None);
            }
            let wb = open_workbook(path, &job.file)?;
            let meta = wb.sheets_metadata().to_vec();
            let index = meta
                .iter()
                .position(|s| s.name == job.sheet)
                .ok_or_else(changed)?;
            // The same checks as when the table was opened (a worksheet, and the only one of
            // its name).
            choose_sheet(path, &meta, Some(&meta[index].name))?;
            let plan = plan(path, &package, &job.sheet, wb.has_1904_epoch())?;
            let book = Arc::new(Book::read(path, &mut zip, &plan, &job.limits)?);
            (plan, book)
        }
    };
    if cancel.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let index = sheet_index(path, &zip, &plan, &job.sheet)?;
    drop(zip);
    let part = Box::new(Unpacked::start(path, &job.file, index)?);
    let mut reader = SheetReader::new(path, &book, part, &plan, &job.limits);
    // Find the header row again; it must be the same as when the table was opened.
    loop {
        match reader.next_row(Phase::Header)? {
            Some(raw) if u64::from(raw.row) + 1 < u64::from(job.header_row) => continue,
            Some(raw) if u64::from(raw.row) + 1 == u64::from(job.header_row) => {
                let names = build_header(path, &raw, &job.limits).map_err(|_| changed())?;
                if names != job.headers {
                    return Err(changed());
                }
                break;
            }
            _ => return Err(changed()),
        }
    }
    let width = job.headers.len();
    let mut rows_read = 0u64;
    let mut batch_bytes = 0usize;
    while let Some(raw) = reader.next_row(Phase::Data { width })? {
        if cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let mut cells = vec![String::new(); width];
        for cell in raw.cells {
            // next_row(Data) has checked every column against the width.
            batch_bytes += cell.text.len();
            cells[cell.col as usize] = cell.text;
        }
        rows_read += 1;
        batch.push(Row {
            number: u64::from(raw.row) + 1,
            cells,
        });
        if batch.len() >= BATCH_ROWS || batch_bytes >= BATCH_BYTES {
            batch_bytes = 0;
            let full = std::mem::replace(batch, Vec::with_capacity(BATCH_ROWS));
            if tx.send(Msg::Rows(full)).is_err() {
                return Ok(None);
            }
        }
    }
    drop(reader);
    if Stamp::of(path, &job.file)? != job.start {
        return Err(changed());
    }
    Ok(Some(Digest { sha256, rows_read }))
}

/// SHA-256 of the whole file, lower-case hex; `None` if cancelled.
fn hash_file(path: &Path, file: &File, cancel: &AtomicBool) -> Result<Option<String>, LoadError> {
    use sha2::Digest as _;
    let mut f = file;
    f.seek(SeekFrom::Start(0))
        .map_err(|e| LoadError::io(path, e))?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(LoadError::io(path, e)),
        }
    }
    let mut hex = String::with_capacity(64);
    for b in hasher.finalize().iter() {
        hex.push_str(&format!("{b:02x}"));
    }
    Ok(Some(hex))
}

// ---------------------------------------------------------------------------------------------
// The header

struct Header {
    /// 1-based.
    row: u32,
    names: Vec<String>,
    /// A non-empty row below the header has already been seen.
    more_rows: bool,
}

fn find_header(
    reader: &mut SheetReader<'_>,
    header_row: Option<u32>,
    sheet: &str,
) -> Result<Header, LoadError> {
    let path = reader.path.clone();
    let bad = |row: u32, problem: String| LoadError::BadHeader {
        path: path.clone(),
        row,
        problem,
    };
    if let Some(h) = header_row {
        if h == 0 {
            return Err(bad(0, "no names: rows are numbered from 1".into()));
        }
        loop {
            match reader.next_row(Phase::Header)? {
                Some(raw) if u64::from(raw.row) + 1 < u64::from(h) => continue,
                Some(raw) if u64::from(raw.row) + 1 == u64::from(h) => {
                    let names = build_header(&path, &raw, &reader.limits)?;
                    return Ok(Header {
                        row: h,
                        names,
                        more_rows: false,
                    });
                }
                Some(raw) => {
                    reader.unread = Some(raw);
                    return Err(bad(h, "no names: the row is empty".into()));
                }
                None => {
                    return Err(bad(
                        h,
                        format!("no names: the sheet {sheet:?} ends before that row"),
                    ));
                }
            }
        }
    }

    let mut rows = Vec::new();
    while let Some(raw) = reader.next_row(Phase::Header)? {
        if raw.row < GUESS_ROWS {
            rows.push(raw);
        } else {
            reader.unread = Some(raw);
            break;
        }
    }
    let filled = |raw: &RawRow| {
        raw.cells
            .iter()
            .filter(|c| !c.text.trim().is_empty())
            .count()
    };
    if rows.iter().all(|r| filled(r) == 0) {
        let problem = if rows.is_empty() && reader.unread.is_none() {
            format!("no names: the sheet {sheet:?} is empty; choose another with --sheet NAME")
        } else {
            format!(
                "no names: rows 1 to {GUESS_ROWS} are blank; give the header's row number with --header-row N"
            )
        };
        return Err(bad(1, problem));
    }
    let widest = rows.iter().map(filled).max().unwrap_or(0);
    let threshold = 2.max((widest * 3).div_ceil(5));
    let all_text = |raw: &RawRow| {
        raw.cells
            .iter()
            .filter(|c| !c.text.trim().is_empty())
            .all(|c| c.is_text)
    };
    let Some(found) = rows
        .iter()
        .position(|r| filled(r) >= threshold && all_text(r))
    else {
        let first = rows.iter().find(|r| filled(r) > 0).map_or(1, |r| r.row + 1);
        return Err(bad(
            first,
            format!(
                "too few names to be the header, and no row among the first {GUESS_ROWS} looks like one \
                 (at least {threshold} cells, all of them text); give the header's row number with --header-row N"
            ),
        ));
    };
    let row = rows[found].row + 1;
    if let Some(rival) = rows[..found].iter().find(|r| filled(r) >= threshold) {
        return Err(bad(
            row,
            format!(
                "a rival: row {} above it is about as wide but holds numbers or dates, so either \
                 could be the header; give the header's row number with --header-row N",
                rival.row + 1
            ),
        ));
    }
    let names = build_header(&path, &rows[found], &reader.limits)?;
    let more_rows = rows.len() > found + 1 || reader.unread.is_some();
    Ok(Header {
        row,
        names,
        more_rows,
    })
}

/// The header's names: trimmed, up to the last non-blank one; no blank or repeated name.
fn build_header(path: &Path, raw: &RawRow, limits: &Limits) -> Result<Vec<String>, LoadError> {
    let row = raw.row.saturating_add(1);
    let bad = |problem: String| LoadError::BadHeader {
        path: path.to_path_buf(),
        row,
        problem,
    };
    let Some(last) = raw
        .cells
        .iter()
        .filter(|c| !c.text.trim().is_empty())
        .map(|c| c.col as usize)
        .max()
    else {
        return Err(bad("no names: its cells are blank".into()));
    };
    let width = last + 1;
    if width > limits.max_columns {
        return Err(LoadError::TooManyColumns {
            path: path.to_path_buf(),
            found: width,
            limit: limits.max_columns,
        });
    }
    let mut names = vec![String::new(); width];
    for cell in &raw.cells {
        if let Some(name) = names.get_mut(cell.col as usize) {
            *name = cell.text.trim().to_string();
        }
    }
    let blanks: Vec<u32> = (0..width as u32)
        .filter(|&i| names[i as usize].is_empty())
        .collect();
    if !blanks.is_empty() {
        let s = if blanks.len() == 1 { "" } else { "s" };
        return Err(bad(format!(
            "a blank name in column{s} {}; name every column, or delete empty columns, in the export",
            letter_list(&blanks)
        )));
    }
    let mut seen: HashMap<String, u32> = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        if let Some(first) = seen.insert(name.to_lowercase(), i as u32) {
            return Err(bad(format!(
                "the same name twice (ignoring case), in columns {} and {}",
                column_letters(first),
                column_letters(i as u32)
            )));
        }
    }
    Ok(names)
}

/// "A, C and F", at most five named.
fn letter_list(cols: &[u32]) -> String {
    let mut names: Vec<String> = cols.iter().take(5).map(|&c| column_letters(c)).collect();
    if cols.len() > 5 {
        names.push(format!("{} more", cols.len() - 5));
    }
    match names.len() {
        0 => String::new(),
        1 => names.remove(0),
        n => {
            let last = names.remove(n - 1);
            format!("{} and {last}", names.join(", "))
        }
    }
}

/// Excel's letters for a 0-based column index: 0 → "A", 26 → "AA".
/// `1048576` as `1,048,576`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        out.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn cell_ref(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), u64::from(row) + 1)
}

// ---------------------------------------------------------------------------------------------
// The sheet, a row at a time

/// A non-empty cell: 0-based column, its text, and whether it is a text cell.
struct RawCell {
    col: u32,
    text: String,
    is_text: bool,
}

/// A row with at least one non-empty cell, columns increasing. `row` is 0-based.
struct RawRow {
    row: u32,
    cells: Vec<RawCell>,
}

#[derive(Clone, Copy)]
enum Phase {
    /// Up to and including the header: any column up to the column limit.
    Header,
    /// Below the header: only the header's columns may hold values.
    Data { width: usize },
}

/// How a number format shows a date-time: whether it has a date part, a time part (both
/// false: not known).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct DateStyle {
    date: bool,
    time: bool,
}

struct SheetReader<'a> {
    path: PathBuf,
    cells: Cells<'a, Box<dyn Read + 'a>>,
    /// By style id, what its number format shows of a date-time.
    styles: &'a [DateStyle],
    is_1904: bool,
    limits: Limits,
    /// Position of the last cell read, empty or not.
    last: Option<(u32, u32)>,
    /// A cell of the next row, read while finishing the previous one.
    ahead: Option<(u32, RawCell)>,
    /// A row handed back, to be returned again by `next_row`.
    unread: Option<RawRow>,
    /// The end of the sheet's cells has been reached.
    done: bool,
}

/// What the cells of any sheet refer to: the shared strings and the cell formats. Kept with
/// the table from open, so that reading the rows does not parse the shared strings again; it
/// holds cell values, in memory only, as the rows read do.
struct Book {
    strings: cells::Strings,
    styles: Vec<cells::Style>,
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
    fn read(
        path: &Path,
        zip: &mut Archive,
        plan: &Plan,
        limits: &Limits,
    ) -> Result<Book, LoadError> {
        let cap = token_cap(limits) as usize;
        let failed = |e: CellsError| workbook(path, cells_sentence(&e));
        let strings = match find_part(zip, &plan.strings_part) {
            Some(i) => cells::read_strings(zip_part(path, zip, i)?, cap).map_err(failed)?,
            None => cells::Strings::default(),
        };
        let styles = match find_part(zip, &plan.styles_part) {
            Some(i) => cells::read_styles(zip_part(path, zip, i)?, cap).map_err(failed)?,
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
fn plan(
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

fn archive(path: &Path, file: &File) -> Result<Archive, LoadError> {
    let at = At::new(file).map_err(|e| LoadError::io(path, e))?;
    zip::ZipArchive::new(BufReader::new(at)).map_err(|e| workbook(path, zip_sentence(&e)))
}

/// The index of the part named `lower` (as [`hidden::Package`] keys names), if any.
fn find_part(zip: &Archive, lower: &str) -> Option<usize> {
    (0..zip.len()).find(|&i| {
        zip.name_for_index(i)
            .and_then(Result::ok)
            .is_some_and(|n| n.replace('\\', "/").eq_ignore_ascii_case(lower))
    })
}

fn zip_part<'a>(path: &Path, zip: &'a mut Archive, i: usize) -> Result<Part<'a>, LoadError> {
    zip.by_index(i)
        .map_err(|e| workbook(path, zip_sentence(&e)))
}

fn cells_sentence(e: &CellsError) -> String {
    match e {
        CellsError::Xlsx(e) => xlsx_sentence(e),
        CellsError::Xml(clause) => clause.clone(),
    }
}

/// The index of the sheet's part in the package.
fn sheet_index(path: &Path, zip: &Archive, plan: &Plan, sheet: &str) -> Result<usize, LoadError> {
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
struct Unpacked {
    rx: Receiver<std::io::Result<Vec<u8>>>,
    block: Vec<u8>,
    at: usize,
}

/// Blocks of unpacked XML in flight, and their size: 1 MiB at most.
const UNPACKED_BLOCKS: usize = 4;
const UNPACKED_BLOCK: usize = 256 * 1024;

impl Unpacked {
    fn start(path: &Path, file: &File, index: usize) -> Result<Unpacked, LoadError> {
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
    fn new(
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
    fn next_row(&mut self, phase: Phase) -> Result<Option<RawRow>, LoadError> {
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

// ---------------------------------------------------------------------------------------------
// Values as text

/// A number as text: Rust's shortest round-trip form, which never has an exponent
/// (`7700900123`, `1.5`, `0.0000001`). Negative zero is `0`. `None` if not finite.
fn number_text(v: f64) -> Option<String> {
    if !v.is_finite() {
        return None;
    }
    if v == 0.0 {
        return Some("0".into());
    }
    Some(format!("{v}"))
}

fn error_token(e: &CellErrorType) -> &'static str {
    match e {
        CellErrorType::Div0 => "#DIV/0!",
        CellErrorType::NA => "#N/A",
        CellErrorType::Name => "#NAME?",
        CellErrorType::Null => "#NULL!",
        CellErrorType::Num => "#NUM!",
        CellErrorType::Ref => "#REF!",
        CellErrorType::Value => "#VALUE!",
        CellErrorType::GettingData => "#GETTING_DATA",
    }
}

/// What a number format shows of a date-time. Only the first section counts; quoted text,
/// escaped characters and `[...]` (colours, locales, elapsed-time markers) are skipped. `m` is
/// minutes next to hours or seconds, otherwise a month.
fn classify_format(code: &str) -> DateStyle {
    let b = code.as_bytes();
    let (mut date, mut time, mut m) = (false, false, false);
    let mut i = 0;
    while i < b.len() {
        let c = b[i].to_ascii_lowercase();
        match c {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += 1;
                }
            }
            b'[' => {
                while i < b.len() && b[i] != b']' {
                    i += 1;
                }
            }
            b'\\' | b'_' | b'*' => i += 1,
            b';' => break,
            b'y' | b'd' => date = true,
            b'h' | b's' => time = true,
            b'm' => m = true,
            b'a' => {
                let rest = code[i..].to_ascii_lowercase();
                if rest.starts_with("am/pm") || rest.starts_with("a/p") {
                    time = true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    if m && !time {
        date = true;
    }
    DateStyle { date, time }
}

/// A date-time cell as ISO text; see the module documentation.
fn datetime_text(dt: &ExcelDateTime, style: DateStyle, is_1904: bool) -> String {
    let v = dt.as_f64();
    if dt.is_duration() {
        return duration_text(v);
    }
    let end = if is_1904 {
        END_SERIAL_1904
    } else {
        END_SERIAL_1900
    };
    if !v.is_finite() || v < 0.0 || v >= end {
        return number_text(v).unwrap_or_default();
    }
    let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
    let mut clock = format!("{h:02}:{mi:02}:{s:02}");
    if ms != 0 {
        clock.push_str(&format!(".{ms:03}"));
    }
    if v < 1.0 && !style.date {
        // A time of day (Excel's day 0).
        return clock;
    }
    if v < 1.0 && !is_1904 {
        // Day 0 of the 1900 system, which Excel shows as 1900-01-00: no real date.
        return number_text(v).unwrap_or_default();
    }
    let date = format!("{y:04}-{mo:02}-{d:02}");
    let has_time = h != 0 || mi != 0 || s != 0 || ms != 0;
    if has_time || style.time {
        format!("{date}T{clock}")
    } else {
        date
    }
}

/// A duration in days as `HH:MM:SS` (hours as many as needed, `.mmm` if any).
fn duration_text(v: f64) -> String {
    let total = (v.abs() * 86_400_000.0).round();
    if !total.is_finite() || total > 1e15 {
        return number_text(v).unwrap_or_default();
    }
    let total = total as u64;
    let sign = if v < 0.0 && total > 0 { "-" } else { "" };
    let (h, mi, s, ms) = (
        total / 3_600_000,
        total / 60_000 % 60,
        total / 1000 % 60,
        total % 1000,
    );
    let mut out = format!("{sign}{h:02}:{mi:02}:{s:02}");
    if ms != 0 {
        out.push_str(&format!(".{ms:03}"));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// calamine, guarded

fn workbook(path: &Path, what: impl Into<String>) -> LoadError {
    LoadError::Workbook {
        path: path.to_path_buf(),
        what: what.into(),
    }
}

fn internal_error(path: &Path) -> LoadError {
    workbook(
        path,
        "the spreadsheet reader failed on it (an internal error); the file is probably damaged",
    )
}

/// Run calamine code, turning a panic into an error.
fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T, LoadError>) -> Result<T, LoadError> {
    crate::panics::quietly(|| catch_unwind(AssertUnwindSafe(f)))
        .unwrap_or_else(|_| Err(internal_error(path)))
}

fn open_workbook(path: &Path, file: &File) -> Result<Workbook, LoadError> {
    let handle = At::new(file).map_err(|e| LoadError::io(path, e))?;
    guarded(path, || {
        Xlsx::new(BufReader::new(handle)).map_err(|e| match e {
            XlsxError::Password => workbook(path, PASSWORD),
            XlsxError::FileNotFound(ref part) if part == "_rels/.rels" => LoadError::Unsupported {
                path: path.to_path_buf(),
                what: "it is a zip archive, but not an Excel workbook".into(),
            },
            e => workbook(path, xlsx_sentence(&e)),
        })
    })
}

const PASSWORD: &str = "it is password-protected (encrypted); open it in Excel with the password and save a copy without one";

fn starts_with_ole(path: &Path, file: &File) -> Result<bool, LoadError> {
    let mut f = file;
    f.seek(SeekFrom::Start(0))
        .map_err(|e| LoadError::io(path, e))?;
    let mut magic = [0u8; 8];
    let n = read_up_to(&mut f, &mut magic).map_err(|e| LoadError::io(path, e))?;
    Ok(n == magic.len() && magic == OLE_MAGIC)
}

/// Read until `buf` is full or the input ends; how many bytes were read.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// An OLE compound file is either an encrypted OOXML workbook or an old binary Office file.
///
/// They are told apart by the stream an encrypted workbook holds, `EncryptedPackage`, whose
/// name is in the compound file's directory as UTF-16LE; the file is scanned for it with a
/// small buffer. calamine is not asked: its compound-file reader follows sector chains from the
/// file's own tables, and a crafted 5 KB file made it allocate until the process was killed.
fn ole_error(path: &Path, file: &File) -> LoadError {
    match holds_utf16le(file, "EncryptedPackage") {
        Err(e) => LoadError::io(path, e),
        Ok(true) => workbook(path, PASSWORD),
        Ok(false) => LoadError::Unsupported {
            path: path.to_path_buf(),
            what: "it is an Excel 97-2003 workbook (.xls) or another older Office file, not an .xlsx workbook".into(),
        },
    }
}

/// Whether `name`, encoded as UTF-16LE, occurs anywhere in the file. Memory stays flat.
fn holds_utf16le(file: &File, name: &str) -> std::io::Result<bool> {
    let needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut f = file;
    f.seek(SeekFrom::Start(0))?;
    let mut buf = vec![0u8; 64 * 1024 + needle.len()];
    let mut kept = 0;
    loop {
        let n = match f.read(&mut buf[kept..]) {
            Ok(0) => return Ok(false),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let filled = kept + n;
        if find(&buf[..filled], &needle).is_some() {
            return Ok(true);
        }
        // Keep the tail, in case the name straddles two reads.
        kept = (needle.len() - 1).min(filled);
        buf.copy_within(filled - kept..filled, 0);
    }
}

/// A calamine error as a clause for "the workbook could not be read: ...". Never quotes a cell
/// value: variants that carry one are described without it.
fn xlsx_sentence(e: &XlsxError) -> String {
    match e {
        XlsxError::Io(e) => format!("reading it failed ({e})"),
        XlsxError::Zip(e) => zip_sentence(e),
        XlsxError::Xml(_) | XlsxError::XmlAttr(_) | XlsxError::Encoding(_) => {
            "its XML is malformed: the file is damaged, or was not written by a spreadsheet program"
                .into()
        }
        XlsxError::XmlEof(_) => {
            "a part of it ends too soon: the file is damaged or incomplete".into()
        }
        XlsxError::UnexpectedNode(what) => {
            format!("its XML is not laid out as a workbook's should be (expected {what})")
        }
        XlsxError::FileNotFound(part) => format!("the part {part:?} is missing from it"),
        XlsxError::RelationshipNotFound => {
            "a sheet's link to its cells is missing (a relationship was not found)".into()
        }
        XlsxError::Alphanumeric(_)
        | XlsxError::NumericColumn(_)
        | XlsxError::RangeWithoutColumnComponent
        | XlsxError::RangeWithoutRowComponent
        | XlsxError::ColumnNumberOverflow
        | XlsxError::RowNumberOverflow
        | XlsxError::DimensionCount(_) => "a cell reference in it is malformed".into(),
        XlsxError::ParseFloat(_) | XlsxError::ParseInt(_) | XlsxError::Parse(_) => {
            "a number cell holds something that is not a number".into()
        }
        XlsxError::CellTAttribute(_) => "a cell has a type this program does not know".into(),
        XlsxError::CellError(token) => {
            let token = token.trim();
            let safe = token.len() <= 20
                && token.starts_with('#')
                && token
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"#/!?_".contains(&b));
            if safe {
                format!(
                    "a cell holds the error value {token}, which this program does not know; \
                     replace the formula's results with values in Excel, or fix the formula"
                )
            } else {
                "a cell holds an error value this program does not know".into()
            }
        }
        XlsxError::Password => PASSWORD.into(),
        XlsxError::Unrecognized { typ, .. } => format!("it holds an unrecognised {typ}"),
        XlsxError::Unexpected(what) => format!("it is not laid out as expected ({what})"),
        XlsxError::WorksheetNotFound(name) => format!("the sheet {name:?} is missing from it"),
        XlsxError::NotAWorksheet(_) => "the sheet is not a worksheet with cells".into(),
        _ => "its structure is not understood".into(),
    }
}

fn zip_sentence(e: &zip::result::ZipError) -> String {
    use zip::result::ZipError;
    match e {
        ZipError::Io(e) => {
            format!("it is damaged or incomplete: its zip container cannot be unpacked ({e})")
        }
        ZipError::InvalidArchive(why) => format!(
            "it is damaged or incomplete: it is not a readable zip archive ({why}); was a copy or download cut short?"
        ),
        ZipError::UnsupportedArchive(why) if *why == ZipError::PASSWORD_REQUIRED => {
            "its parts are encrypted with a zip password".into()
        }
        ZipError::UnsupportedArchive(why) => {
            format!("its zip container uses a feature that is not supported ({why})")
        }
        ZipError::CompressionMethodNotSupported(m) => {
            format!("its zip container uses a compression method that is not supported ({m})")
        }
        ZipError::FileNotFound => "a part of it is missing".into(),
        ZipError::InvalidPassword => "its parts are encrypted with a zip password".into(),
        e => format!("its zip container cannot be read ({e})"),
    }
}

// ---------------------------------------------------------------------------------------------
// The package, checked before calamine sees it

/// Check the zip package: a complete archive, of an Excel workbook, with no part that would
/// make calamine or its XML parser hold an unbounded amount of memory. With `learn`, it also
/// returns what the parts' tags say about hidden rows and columns (see [`hidden`]).
fn preflight(
    path: &Path,
    file: &File,
    limits: &Limits,
    cancel: &AtomicBool,
    learn: bool,
) -> Result<hidden::Package, LoadError> {
    let (package, _) = preflight_but(path, file, limits, cancel, learn, |_| false)?;
    Ok(package)
}

/// [`preflight`], but the parts that `later` picks are left unread; they are returned, by
/// index and name, for [`check_parts`].
fn preflight_but(
    path: &Path,
    file: &File,
    limits: &Limits,
    cancel: &AtomicBool,
    learn: bool,
    later: impl Fn(&str) -> bool,
) -> Result<(hidden::Package, Vec<(usize, String)>), LoadError> {
    let damaged = |e: zip::result::ZipError| workbook(path, zip_sentence(&e));
    let mut zip = archive(path, file)?;

    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip.by_index_data(i).map_err(damaged)?;
        let name = entry.name().map_err(damaged)?;
        names.push(name.replace('\\', "/").to_ascii_lowercase());
    }
    // Two parts of one name (zip allows it; a package does not, and names in a package ignore
    // case): which one a program reads differs, so what is shared may not be what Excel shows.
    // Counted from the raw central directory: the zip crate keeps only one entry of a name.
    let raw: Vec<String> = {
        let mut reader = BufReader::new(At::new(file).map_err(|e| LoadError::io(path, e))?);
        crate::verify::archive::raw_central_names(&mut reader, zip.central_directory_start())
            .0
            .iter()
            .map(|n| String::from_utf8_lossy(n).replace('\\', "/").to_lowercase())
            .collect()
    };
    let mut seen = std::collections::HashSet::new();
    let listed = if raw.len() >= names.len() {
        &raw
    } else {
        &names
    };
    if let Some(twice) = listed.iter().find(|n| !seen.insert(n.as_str())) {
        return Err(workbook(
            path,
            format!(
                "it holds two parts named \"{}\": programs differ in which they read, so what \
                 would be shared may not be what Excel shows; the file is damaged or built to \
                 mislead",
                crate::text::printable(twice)
            ),
        ));
    }
    if let Some(i) = names.iter().position(|n| n == "mimetype") {
        let mut head = Vec::new();
        let entry = zip.by_index(i).map_err(damaged)?;
        let _ = entry.take(100).read_to_end(&mut head);
        if head.starts_with(b"application/vnd.oasis.opendocument") {
            return Err(LoadError::Unsupported {
                path: path.to_path_buf(),
                what: "it is an OpenDocument file (.ods), not an Excel workbook (.xlsx)".into(),
            });
        }
    }
    if names.iter().any(|n| n == "xl/workbook.bin") {
        return Err(LoadError::Unsupported {
            path: path.to_path_buf(),
            what: "it is an Excel binary workbook (.xlsb), not an .xlsx workbook".into(),
        });
    }
    if !names.iter().any(|n| n == "_rels/.rels") {
        return Err(LoadError::Unsupported {
            path: path.to_path_buf(),
            what: "it is a zip archive, but not an Excel workbook".into(),
        });
    }

    let mut package = hidden::Package::new();
    let mut left = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        if later(&name) {
            left.push((i, name));
            continue;
        }
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        check_part(
            path,
            &mut zip,
            i,
            &name,
            limits,
            cancel,
            learn,
            &mut package,
        )?;
    }
    Ok((package, left))
}

/// Check the parts left by [`preflight_but`], through a reader of their own.
fn check_parts(
    path: &Path,
    file: &File,
    limits: &Limits,
    cancel: &AtomicBool,
    learn: bool,
    parts: &[(usize, String)],
) -> Result<hidden::Package, LoadError> {
    let mut zip = archive(path, file)?;
    let mut package = hidden::Package::new();
    for (i, name) in parts {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        check_part(
            path,
            &mut zip,
            *i,
            name,
            limits,
            cancel,
            learn,
            &mut package,
        )?;
    }
    Ok(package)
}

/// Check one part (`name` as the pre-scan lists it), adding what it learns to `package`.
#[allow(clippy::too_many_arguments)]
fn check_part(
    path: &Path,
    zip: &mut Archive,
    i: usize,
    name: &str,
    limits: &Limits,
    cancel: &AtomicBool,
    learn: bool,
    package: &mut hidden::Package,
) -> Result<(), LoadError> {
    let damaged = |e: zip::result::ZipError| workbook(path, zip_sentence(&e));
    let cap = token_cap(limits);
    let (size, packed, encrypted, is_dir) = {
        let entry = zip.by_index_data(i).map_err(damaged)?;
        (
            entry.size(),
            entry.compressed_size(),
            entry.encrypted(),
            entry.is_dir(),
        )
    };
    if is_dir {
        return Ok(());
    }
    if encrypted {
        return Err(workbook(
            path,
            "its parts are encrypted with a zip password",
        ));
    }
    if is_held(name) && size > MAX_HELD_PART_BYTES {
        return Err(workbook(
            path,
            format!(
                "its part {name:?} would unpack to {} MiB, more than the limit of {} MiB: \
                 the file is damaged or built to exhaust memory",
                size / (1024 * 1024),
                MAX_HELD_PART_BYTES / (1024 * 1024)
            ),
        ));
    }
    // Read every part to its end, so that the zip checksums are verified (calamine stops
    // reading a sheet at its last cell and would never notice a damaged part), measuring
    // the longest XML token on the way.
    let binary = is_binary(name);
    let shared_strings = name.ends_with("sharedstrings.xml");
    let entry = zip.by_index(i).map_err(damaged)?;
    let strings_limit = shared_strings.then(|| packed.max(HELD_STRINGS));
    let mut scan = read_part(
        path,
        entry,
        !binary,
        shared_strings,
        strings_limit,
        learn,
        cancel,
        cap,
    )?;
    if scan.longest() > cap {
        return Err(workbook(
            path,
            format!(
                "its part {name:?} holds a single run of text or markup longer than {} MiB: \
                 the file is damaged, built to exhaust memory, or holds a cell far larger \
                 than any export should",
                cap / (1024 * 1024)
            ),
        ));
    }
    if shared_strings {
        check_string_count(path, name, size, &scan)?;
        check_strings_held(path, name, packed, &scan)?;
    }
    if let Some(facts) = scan.facts.take().and_then(hidden::PartScan::finish) {
        package.insert(name.to_string(), facts);
    }
    Ok(())
}

/// Parts calamine reads whole when it opens a workbook, by their usual names.
fn is_held(name: &str) -> bool {
    [
        ".rels",
        "sharedstrings.xml",
        "styles.xml",
        "workbook.xml",
        "theme1.xml",
    ]
    .iter()
    .any(|end| name.ends_with(end))
}

fn is_binary(name: &str) -> bool {
    BINARY_PARTS.iter().any(|end| name.ends_with(end))
}

/// A worksheet's part, which neither calamine nor the shared strings and formats read when
/// the workbook is opened: its check may run beside them.
fn is_sheet(name: &str) -> bool {
    name.contains("worksheets/") && name.ends_with(".xml") && !is_held(name) && !is_binary(name)
}

/// calamine reserves room for the `uniqueCount` that the shared strings table announces; refuse
/// a count the part could not possibly hold (each string takes at least `<si></si>`), unless
/// it is small enough to be harmless (some writers put a wrong count there). The
/// count is read from the part's first element, which must be the table (`<sst>`): text that
/// merely looks like it, in a comment say, does not count.
fn check_string_count(
    path: &Path,
    name: &str,
    size: u64,
    scan: &TokenScan,
) -> Result<(), LoadError> {
    let not_a_table = || {
        workbook(
            path,
            format!("its part {name:?} is not laid out as a shared strings table should be"),
        )
    };
    let Some(tag) = scan.first_tag.as_deref() else {
        // No element at all: calamine reports the part as incomplete.
        return Ok(());
    };
    if scan.first_tag_cut {
        return Err(not_a_table());
    }
    let tag_name = tag[1..]
        .split(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
        .next()
        .unwrap_or_default();
    if tag_name.rsplit(|&b| b == b':').next() != Some(b"sst".as_slice()) {
        return Err(not_a_table());
    }
    let most = (size / 9 + 1).max(HARMLESS_STRING_COUNT);
    let key = b"uniqueCount";
    let mut at = 0;
    while let Some(pos) = find(&tag[at..], key) {
        let mut j = at + pos + key.len();
        while j < tag.len() && matches!(tag[j], b' ' | b'\t' | b'\r' | b'\n' | b'=' | b'"' | b'\'')
        {
            j += 1;
        }
        let digits = tag[j..].iter().take_while(|b| b.is_ascii_digit()).count();
        let count = std::str::from_utf8(&tag[j..j + digits])
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(if digits > 0 { u64::MAX } else { 0 });
        if count > most {
            return Err(workbook(
                path,
                format!(
                    "its part {name:?} announces more strings than it could hold: the file is \
                     damaged or built to exhaust memory"
                ),
            ));
        }
        at = j;
    }
    Ok(())
}

/// calamine holds each shared string as a `String` (24 bytes, and a heap block for any that is
/// not empty) and the table again in `Strings`: about 60 bytes a string, whatever the part
/// spends on it. A part of tiny or empty strings (`<si/>`, 5 bytes, and deflated a
/// thousandfold) would make a 0.5 MB file hold a gigabyte. Every string of a real table is
/// different from the others, and costs the zip at least a byte: so a table may hold at most
/// as many strings as its part has packed bytes, or [`HELD_STRINGS`] (about 130 MB, for any
/// file), whichever is more. Memory is then bounded by the file's size.
fn check_strings_held(
    path: &Path,
    name: &str,
    packed: u64,
    scan: &TokenScan,
) -> Result<(), LoadError> {
    let most = packed.max(HELD_STRINGS);
    if scan.strings > most {
        // Reading stopped at the first string too many: the count is "more than".
        return Err(workbook(
            path,
            format!(
                "its part \"{}\" holds more than {} shared strings in {} packed bytes, more \
                 than a workbook of that size can hold without repeating them: the file is \
                 damaged or built to exhaust memory",
                crate::text::printable(name),
                thousands(most),
                thousands(packed)
            ),
        ));
    }
    Ok(())
}

/// Counts the shared strings (`<si>`, `<si/>`, `<x:si ...>`) of a part as it is read, across
/// the blocks it is read in. Markup inside a comment is counted too: it can only count more.
#[derive(Default)]
struct StringCount {
    /// The start of a tag cut off at the end of the last block.
    carry: Vec<u8>,
    count: u64,
}

impl StringCount {
    /// Longest tag name looked at: `<` and a prefix, `:si` and the byte after.
    const NAME: usize = 64;

    fn feed(&mut self, bytes: &[u8]) {
        let joined;
        let data = if self.carry.is_empty() {
            bytes
        } else {
            self.carry.extend_from_slice(bytes);
            joined = std::mem::take(&mut self.carry);
            &joined[..]
        };
        let mut at = 0;
        while let Some(p) = memchr::memchr(b'<', &data[at..]) {
            let start = at + p + 1;
            let end = data[start..]
                .iter()
                .take(Self::NAME)
                .position(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/' | b'<'));
            match end {
                Some(n) => {
                    let tag = &data[start..start + n];
                    if tag.rsplit(|&b| b == b':').next() == Some(b"si".as_slice()) {
                        self.count += 1;
                    }
                    at = start + n;
                }
                None if data.len() - start < Self::NAME => {
                    self.carry = data[start - 1..].to_vec();
                    return;
                }
                None => at = start,
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Parts that are not XML (pictures, embedded objects, VBA, data models): read for their
/// checksum only. Random binary data would look like endless markup to [`TokenScan`].
const BINARY_PARTS: &[&str] = &[
    ".bin", ".png", ".jpg", ".jpeg", ".jfif", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf",
    ".wdp", ".data", ".docx", ".xlsx", ".pptx", ".zip",
];

/// Read a part to its end (which makes the zip crate check its CRC-32). With `measure`, its XML
/// tokens are measured (reading stops once one is longer than the cap); with `first_tag`, its
/// first element's start tag is kept; with `strings_limit`, its shared strings are counted
/// (reading stops at the first one past the limit); with `measure` and `learn`, its tags go to
/// a [`hidden::PartScan`].
#[allow(clippy::too_many_arguments)]
fn read_part(
    path: &Path,
    mut entry: impl Read,
    measure: bool,
    first_tag: bool,
    strings_limit: Option<u64>,
    learn: bool,
    cancel: &AtomicBool,
    cap: u64,
) -> Result<TokenScan, LoadError> {
    let mut scan = TokenScan {
        want_first_tag: first_tag,
        facts: (measure && learn).then(hidden::PartScan::default),
        ..TokenScan::default()
    };
    let mut buf = vec![0u8; 64 * 1024];
    let mut strings = strings_limit.map(|_| StringCount::default());
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Ok(TokenScan::default());
        }
        match entry.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if let Some(count) = &mut strings {
                    count.feed(&buf[..n]);
                    if strings_limit.is_some_and(|most| count.count > most) {
                        scan.strings = count.count;
                        return Ok(scan);
                    }
                }
                if measure {
                    scan.feed(&buf[..n]);
                    if scan.longest() > cap {
                        break;
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(workbook(path, damaged_part(&e))),
        }
    }
    scan.strings = strings.map_or(0, |c| c.count);
    Ok(scan)
}

fn damaged_part(e: &std::io::Error) -> String {
    format!("it is damaged: a part of it does not unpack as it should ({e})")
}

/// Measures XML tokens the way a streaming XML parser buffers them: a run of text up to `<`,
/// or one piece of markup: a tag (to a `>` outside quotes), a comment (to `-->`), a CDATA
/// section (to `]]>`), a processing instruction (to `?>`), a DOCTYPE (to its closing `>`).
/// Where it is unsure it runs on, so it may measure a token longer than the parser would,
/// never shorter.
#[derive(Default)]
struct TokenScan {
    state: ScanState,
    len: u64,
    max: u64,
    /// Dashes, brackets or a question mark just seen; DOCTYPE nesting depth.
    run: u32,
    /// Keep the first element's start tag (the first tag that is not a comment, CDATA,
    /// processing instruction or DOCTYPE) in `first_tag`, up to [`FIRST_TAG_BYTES`].
    want_first_tag: bool,
    capturing: bool,
    first_tag: Option<Vec<u8>>,
    /// The first tag was longer than [`FIRST_TAG_BYTES`] and is cut short.
    first_tag_cut: bool,
    /// Hands each tag, whole, to this, while it is listening.
    facts: Option<hidden::PartScan>,
    /// The tag being read for `facts`, up to [`hidden::TAG_BYTES`].
    tag: Vec<u8>,
    in_tag: bool,
    /// With `want_first_tag` (the shared strings), the strings counted so far.
    strings: u64,
}

const FIRST_TAG_BYTES: usize = 64 * 1024;

/// A shared strings count calamine may reserve room for whatever the part holds (96 MiB).
const HARMLESS_STRING_COUNT: u64 = 1 << 22;

/// Shared strings any workbook may hold, however small (see [`check_strings_held`]).
const HELD_STRINGS: u64 = 1 << 21;

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum ScanState {
    #[default]
    Text,
    /// Just after `<`.
    Open,
    /// Just after `<!`.
    Bang,
    /// Just after `<!-`.
    CommentOpen,
    Comment,
    CData,
    Pi,
    Doctype,
    Tag,
    TagQuote(u8),
}

impl TokenScan {
    fn feed(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            if self.state == ScanState::Text && !self.want_first_tag {
                i = self.whole_tags(bytes, i);
                if i == bytes.len() {
                    return;
                }
            }
            // Fast paths (unless the first tag is being kept, byte by byte): inside a tag only
            // quotes and '>' matter, inside a quoted value only its closing quote; a tag being
            // gathered for `facts` takes the run whole. A plain loop over the bytes, not
            // memchr: these runs are a few bytes long.
            if !self.want_first_tag {
                let rest = &bytes[i..];
                let skip = match self.state {
                    ScanState::Tag => {
                        Some(rest.iter().position(|&b| matches!(b, b'"' | b'\'' | b'>')))
                    }
                    ScanState::TagQuote(q) => Some(rest.iter().position(|&b| b == q)),
                    _ => None,
                };
                if let Some(p) = skip {
                    let run = p.unwrap_or(rest.len());
                    if self.in_tag && self.facts.is_some() {
                        let room = hidden::TAG_BYTES.saturating_sub(self.tag.len());
                        self.tag.extend_from_slice(&rest[..run.min(room)]);
                    }
                    self.len += run as u64;
                    i += run;
                    if p.is_none() {
                        return;
                    }
                }
            }
            if self.state == ScanState::Text {
                // Fast path: a text run ends at the next '<'.
                match bytes[i..].iter().position(|&b| b == b'<') {
                    None => {
                        self.len += (bytes.len() - i) as u64;
                        return;
                    }
                    Some(p) => {
                        self.len += p as u64;
                        self.end();
                        self.len = 1;
                        self.state = ScanState::Open;
                        i += p + 1;
                        continue;
                    }
                }
            }
            let b = bytes[i];
            i += 1;
            self.len += 1;
            if self.want_first_tag {
                self.capture(b);
            }
            if self.facts.is_some() {
                self.collect(b);
            }
            self.state = match self.state {
                ScanState::Text => ScanState::Text,
                ScanState::Open => match b {
                    b'!' => ScanState::Bang,
                    b'?' => {
                        self.run = 0;
                        ScanState::Pi
                    }
                    b'>' => self.close(),
                    b'"' | b'\'' => ScanState::TagQuote(b),
                    _ => ScanState::Tag,
                },
                ScanState::Bang => match b {
                    b'-' => ScanState::CommentOpen,
                    b'[' => {
                        self.run = 0;
                        ScanState::CData
                    }
                    b'>' => self.close(),
                    b'<' => {
                        self.run = 1;
                        ScanState::Doctype
                    }
                    _ => {
                        self.run = 0;
                        ScanState::Doctype
                    }
                },
                ScanState::CommentOpen => {
                    self.run = 0;
                    ScanState::Comment
                }
                ScanState::Comment => match b {
                    b'-' => {
                        self.run = self.run.saturating_add(1);
                        ScanState::Comment
                    }
                    b'>' if self.run >= 2 => self.close(),
                    _ => {
                        self.run = 0;
                        ScanState::Comment
                    }
                },
                ScanState::CData => match b {
                    b']' => {
                        self.run = self.run.saturating_add(1);
                        ScanState::CData
                    }
                    b'>' if self.run >= 2 => self.close(),
                    _ => {
                        self.run = 0;
                        ScanState::CData
                    }
                },
                ScanState::Pi => match b {
                    b'?' => {
                        self.run = 1;
                        ScanState::Pi
                    }
                    b'>' if self.run == 1 => self.close(),
                    _ => {
                        self.run = 0;
                        ScanState::Pi
                    }
                },
                ScanState::Doctype => match b {
                    b'<' => {
                        self.run = self.run.saturating_add(1);
                        ScanState::Doctype
                    }
                    b'>' if self.run == 0 => self.close(),
                    b'>' => {
                        self.run -= 1;
                        ScanState::Doctype
                    }
                    _ => ScanState::Doctype,
                },
                ScanState::Tag => match b {
                    b'"' | b'\'' => ScanState::TagQuote(b),
                    b'>' => self.close(),
                    _ => ScanState::Tag,
                },
                ScanState::TagQuote(q) => {
                    if b == q {
                        ScanState::Tag
                    } else {
                        ScanState::TagQuote(q)
                    }
                }
            };
        }
    }

    /// The fastest path, from text: runs of text and whole start and end tags that lie
    /// within `bytes`, measured (and handed to `facts`) without the byte-by-byte state
    /// machine, which sees the same tokens. Returns where it stopped: the end of `bytes`
    /// (inside a run of text), or a `<` the state machine must take (a comment, CDATA,
    /// processing instruction or DOCTYPE, or a tag that runs past `bytes`).
    fn whole_tags(&mut self, bytes: &[u8], mut i: usize) -> usize {
        loop {
            let Some(p) = memchr::memchr(b'<', &bytes[i..]) else {
                self.len += (bytes.len() - i) as u64;
                return bytes.len();
            };
            let lt = i + p;
            self.len += p as u64;
            self.end();
            if matches!(bytes.get(lt + 1), None | Some(b'!' | b'?' | b'>')) {
                return lt;
            }
            let Some(gt) = xml::tag_end(&bytes[lt + 1..]).map(|k| lt + 1 + k) else {
                return lt;
            };
            self.max = self.max.max((gt + 1 - lt) as u64);
            if let Some(facts) = self.facts.as_mut() {
                let tag = &bytes[lt..(gt + 1).min(lt + hidden::TAG_BYTES)];
                if facts.wants(tag) {
                    facts.tag(tag);
                    if !facts.listening() {
                        self.facts = None;
                    }
                }
            }
            i = gt + 1;
        }
    }

    /// Keep `b` if it belongs to the first element's start tag. Called before `b` moves the
    /// state on.
    fn capture(&mut self, b: u8) {
        let starts = self.state == ScanState::Open && !matches!(b, b'!' | b'?' | b'>');
        if starts && self.first_tag.is_none() {
            self.capturing = true;
            self.first_tag = Some(b"<".to_vec());
        }
        if !self.capturing {
            return;
        }
        if let Some(tag) = self.first_tag.as_mut() {
            if tag.len() < FIRST_TAG_BYTES {
                tag.push(b);
            } else {
                self.first_tag_cut = true;
            }
        }
        if self.state == ScanState::Tag && b == b'>' {
            self.capturing = false;
            self.want_first_tag = false;
        }
    }

    /// Gather the tags for `facts`, each from its `<` to its `>`. Called before `b` moves the
    /// state on.
    fn collect(&mut self, b: u8) {
        if self.state == ScanState::Open && !matches!(b, b'!' | b'?' | b'>') {
            self.tag.clear();
            self.tag.push(b'<');
            self.in_tag = true;
        }
        if !self.in_tag {
            return;
        }
        if self.tag.len() < hidden::TAG_BYTES {
            self.tag.push(b);
        }
        if self.state == ScanState::Tag && b == b'>' {
            self.in_tag = false;
            if let Some(facts) = self.facts.as_mut() {
                facts.tag(&self.tag);
                if !facts.listening() {
                    self.facts = None;
                }
            }
        }
    }

    /// The longest token so far, counting the one still open.
    fn longest(&self) -> u64 {
        self.max.max(self.len)
    }

    fn end(&mut self) {
        self.max = self.max.max(self.len);
        self.len = 0;
    }

    fn close(&mut self) -> ScanState {
        self.end();
        ScanState::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_strings_are_counted_across_the_blocks_they_are_read_in() {
        let xml = br#"<sst><si/><si><t>a</t></si><x:si a="1"><x:t>b</x:t></x:si><sis/><s/><si
/><!-- <si/> --></sst>"#;
        for block in [1, 2, 3, 7, xml.len()] {
            let mut count = StringCount::default();
            for chunk in xml.chunks(block) {
                count.feed(chunk);
            }
            // The one in the comment counts too: counting can only be generous.
            assert_eq!(count.count, 5, "blocks of {block}");
        }
    }

    fn longest(xml: &str) -> u64 {
        let mut s = TokenScan::default();
        // Feed in small pieces to exercise state kept across chunks.
        for chunk in xml.as_bytes().chunks(3) {
            s.feed(chunk);
        }
        s.longest()
    }

    #[test]
    fn token_scan_measures_text_and_markup() {
        assert_eq!(longest("<a>hello</a>"), 5);
        assert_eq!(longest(r#"<c r="A1" t="s">"#), 16);
        // A '>' inside quotes does not end the tag.
        assert_eq!(longest(r#"<c x=">>>>">"#), 12);
        // A comment runs to "-->", whatever it holds.
        assert_eq!(longest("<!-- a > b < c -->x"), 18);
        assert_eq!(longest("<!-->-->"), 8);
        assert_eq!(longest("<![CDATA[ <x> ]]>"), 17);
        assert_eq!(longest("<?xml version=\"1.0\"?><a/>"), 21);
        assert_eq!(longest("<!DOCTYPE a [<!ENTITY b \"c\">]><a/>"), 30);
        // An unterminated token counts to the end.
        assert_eq!(longest("<a>xxxxxxxxxxxxxxxxxxxx"), 20);
    }

    #[test]
    fn token_scan_measures_the_same_whole_or_a_byte_at_a_time() {
        // State carried across chunk boundaries anywhere gives the same measure.
        let xml = r#"<?xml version="1.0"?><worksheet a='x"y>z' b="p'q>r"><row r="1"><c r="A1" t="inlineStr"><is><t>a &lt; b</t></is></c></row><!-- >> --><![CDATA[ > ]]><x y=">"/></worksheet>"#;
        let mut whole = TokenScan::default();
        whole.feed(xml.as_bytes());
        for cut in 1..xml.len() {
            let mut split = TokenScan::default();
            split.feed(&xml.as_bytes()[..cut]);
            split.feed(&xml.as_bytes()[cut..]);
            assert_eq!(split.longest(), whole.longest(), "cut at {cut}");
        }
        assert_eq!(longest(xml), whole.longest());
        assert_eq!(
            whole.longest(),
            r#"<worksheet a='x"y>z' b="p'q>r">"#.len() as u64
        );
    }

    #[test]
    fn hidden_rows_and_columns_are_found_wherever_the_chunks_are_cut() {
        let xml = r#"<?xml version="1.0"?><x:worksheet xmlns:x="s"><x:cols><x:col min="3" max="3" width="0" customWidth="1"/></x:cols><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row><x:row r="2" hidden="1" spans="1:3"><x:c r="A2" t="inlineStr"><x:is><x:t>a "quoted" &gt; value</x:t></x:is></x:c></x:row><x:row r="3" ht="0" customHeight="1"><x:c r="B3"><x:v>7</x:v></x:c></x:row></x:sheetData></x:worksheet>"#;
        let facts = |cuts: &[usize]| {
            let mut s = TokenScan {
                facts: Some(hidden::PartScan::default()),
                ..TokenScan::default()
            };
            let mut at = 0;
            for &cut in cuts.iter().chain(std::iter::once(&xml.len())) {
                s.feed(&xml.as_bytes()[at..cut]);
                at = cut;
            }
            format!("{:?}", s.facts.and_then(hidden::PartScan::finish))
        };
        let whole = facts(&[]);
        assert!(whole.contains("rows: [(2, 3)]"), "{whole}");
        assert!(whole.contains("cols: [(3, 3)]"), "{whole}");
        for a in 1..xml.len() {
            assert_eq!(facts(&[a]), whole, "cut at {a}");
        }
        let bytewise: Vec<usize> = (1..xml.len()).collect();
        assert_eq!(facts(&bytewise), whole);
    }

    #[test]
    fn token_scan_keeps_the_first_element_tag() {
        let xml = r#"<?xml version="1.0"?><!-- <sst uniqueCount="1"> --><x:sst a=">" uniqueCount="5"><si/></x:sst>"#;
        let mut s = TokenScan {
            want_first_tag: true,
            ..TokenScan::default()
        };
        for chunk in xml.as_bytes().chunks(2) {
            s.feed(chunk);
        }
        assert_eq!(
            s.first_tag.as_deref(),
            Some(br#"<x:sst a=">" uniqueCount="5">"#.as_slice())
        );
        assert!(!s.first_tag_cut);
    }

    #[test]
    fn numbers_have_no_exponent_and_no_dot_zero() {
        assert_eq!(number_text(7_700_900_123.0).as_deref(), Some("7700900123"));
        assert_eq!(number_text(1.5).as_deref(), Some("1.5"));
        assert_eq!(number_text(-0.0).as_deref(), Some("0"));
        assert_eq!(number_text(1e21).as_deref(), Some("1000000000000000000000"));
        assert_eq!(number_text(1e-7).as_deref(), Some("0.0000001"));
        assert_eq!(
            number_text(0.1 + 0.2).as_deref(),
            Some("0.30000000000000004")
        );
        assert_eq!(number_text(f64::NAN), None);
        assert_eq!(number_text(f64::INFINITY), None);
    }

    #[test]
    fn column_letters_match_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(column_letters(16_383), "XFD");
        assert_eq!(column_letters(u32::MAX), "MWLQKWV");
    }

    #[test]
    fn formats_classified() {
        let c = |s| classify_format(s);
        assert_eq!(
            c("yyyy-mm-dd"),
            DateStyle {
                date: true,
                time: false
            }
        );
        assert_eq!(
            c("dd/mm/yyyy hh:mm"),
            DateStyle {
                date: true,
                time: true
            }
        );
        assert_eq!(
            c("h:mm"),
            DateStyle {
                date: false,
                time: true
            }
        );
        assert_eq!(
            c("mm:ss"),
            DateStyle {
                date: false,
                time: true
            }
        );
        assert_eq!(
            c("h:mm AM/PM"),
            DateStyle {
                date: false,
                time: true
            }
        );
        assert_eq!(
            c("mmm-yy"),
            DateStyle {
                date: true,
                time: false
            }
        );
        assert_eq!(
            c("mmmm"),
            DateStyle {
                date: true,
                time: false
            }
        );
        assert_eq!(
            c("[$-409]d-mmm-yy;@"),
            DateStyle {
                date: true,
                time: false
            }
        );
        assert_eq!(
            c("\"Day\" d"),
            DateStyle {
                date: true,
                time: false
            }
        );
        assert_eq!(c("General"), DateStyle::default());
    }

    fn dt(v: f64, is_1904: bool) -> ExcelDateTime {
        ExcelDateTime::new(v, calamine::ExcelDateTimeType::DateTime, is_1904)
    }

    #[test]
    fn dates_as_iso() {
        let date = DateStyle {
            date: true,
            time: false,
        };
        let both = DateStyle {
            date: true,
            time: true,
        };
        let time = DateStyle {
            date: false,
            time: true,
        };
        let unknown = DateStyle::default();
        // 2026-10-01 is serial 46296 in the 1900 system.
        assert_eq!(
            datetime_text(&dt(46296.0, false), date, false),
            "2026-10-01"
        );
        assert_eq!(
            datetime_text(&dt(46296.5, false), date, false),
            "2026-10-01T12:00:00"
        );
        assert_eq!(
            datetime_text(&dt(46296.0, false), both, false),
            "2026-10-01T00:00:00"
        );
        assert_eq!(
            datetime_text(&dt(46296.0, false), unknown, false),
            "2026-10-01"
        );
        assert_eq!(datetime_text(&dt(0.75, false), time, false), "18:00:00");
        assert_eq!(datetime_text(&dt(0.75, false), unknown, false), "18:00:00");
        assert_eq!(datetime_text(&dt(0.0, false), date, false), "0");
        assert_eq!(datetime_text(&dt(-1.0, false), date, false), "-1");
        assert_eq!(datetime_text(&dt(3e6, false), date, false), "3000000");
        // 1904: serial 0 is 1904-01-01.
        assert_eq!(datetime_text(&dt(0.0, true), date, true), "1904-01-01");
        assert_eq!(datetime_text(&dt(44834.0, true), date, true), "2026-10-01");
        // Milliseconds are kept.
        assert_eq!(
            datetime_text(&dt(46296.0 + 0.5 / 86_400.0, false), both, false),
            "2026-10-01T00:00:00.500"
        );
    }

    #[test]
    fn durations_as_hours() {
        assert_eq!(duration_text(1.5), "36:00:00");
        assert_eq!(duration_text(1.0 / 24.0 + 1.0 / 1440.0), "01:01:00");
        assert_eq!(duration_text(-0.5), "-12:00:00");
        assert_eq!(duration_text(0.0), "00:00:00");
    }
}
