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
//!
//! # Files
//!
//! - `open`: opening, the choice of sheet and the first read; `stream`: the reading thread;
//! - `preflight`: the package checks, measuring tokens with `tokens` and, through `tag`,
//!   learning from `hidden` which rows and columns the sheet hides;
//! - `guarded`: calamine's calls, and the sentences its errors (and the zip crate's) become;
//! - `sheet`: the sheet a row at a time, over `cells` (the cells reader), `parts` (shared
//!   strings and cell formats) and `xml` (the XML reader);
//! - `header`: the header row; `values`: cell values as text; `number_format`: what a number
//!   format makes of a number; `letters`: how columns and cells are named in messages;
//! - `at`: reading the one open file at several places; `bytes`: raw reads, search and hash;
//! - `same_as_calamine` (tests only): the cells reader against calamine's, cell by cell.

mod at;
mod bytes;
mod cells;
mod guarded;
mod header;
mod hidden;
mod letters;
mod number_format;
mod open;
mod parts;
mod preflight;
#[cfg(test)]
mod same_as_calamine;
mod sheet;
mod stream;
mod tag;
mod tokens;
mod values;
mod xml;

pub(super) use open::open;
pub(super) use stream::rows;

use super::Limits;
use at::At;
use calamine::Xlsx;
use sheet::Book;
use std::io::BufReader;
use std::sync::Arc;

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
