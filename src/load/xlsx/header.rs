//! A sheet's header: guessed among the first rows or taken from `--header-row`, and its
//! names read and checked.

use super::GUESS_ROWS;
use super::letters::{column_letters, letter_list};
use super::sheet::{Phase, RawRow, SheetReader};
use crate::load::header::{self, Problem};
use crate::load::{Limits, LoadError};
use std::path::Path;

pub(super) struct Header {
    /// 1-based.
    pub(super) row: u32,
    pub(super) names: Vec<String>,
    /// A non-empty row below the header has already been seen.
    pub(super) more_rows: bool,
}

pub(super) fn find_header(
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
            format!("no names: the sheet {sheet:?} is empty; choose another sheet")
        } else {
            format!("no names: rows 1 to {GUESS_ROWS} are blank; give the header's row number")
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
                 (at least {threshold} cells, all of them text); give the header's row number"
            ),
        ));
    };
    let row = rows[found].row + 1;
    if let Some(rival) = rows[..found].iter().find(|r| filled(r) >= threshold) {
        return Err(bad(
            row,
            format!(
                "a rival: row {} above it is about as wide but holds numbers or dates, so either \
                 could be the header; give the header's row number",
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

/// What a header row of blank cells is told. Found here before the names are gathered, so
/// that a row whose last name stands far to the right is measured against the column limit
/// before any room is made for it.
const NO_NAMES: &str = "no names: its cells are blank";

/// The header's names: trimmed, up to the last non-blank one; no blank or repeated name.
pub(super) fn build_header(
    path: &Path,
    raw: &RawRow,
    limits: &Limits,
) -> Result<Vec<String>, LoadError> {
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
        return Err(bad(NO_NAMES.into()));
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
    match header::check(&names) {
        Ok(()) => Ok(names),
        Err(Problem::NoNames) => Err(bad(NO_NAMES.into())),
        Err(Problem::Blank(blanks)) => {
            let blanks: Vec<u32> = blanks.iter().map(|&i| i as u32).collect();
            let s = if blanks.len() == 1 { "" } else { "s" };
            Err(bad(format!(
                "a blank name in column{s} {}; name every column, or delete empty columns, in the export",
                letter_list(&blanks)
            )))
        }
        Err(Problem::Twice { first, again }) => Err(bad(format!(
            "the same name twice (ignoring case), in columns {} and {}",
            column_letters(first as u32),
            column_letters(again as u32)
        ))),
    }
}
