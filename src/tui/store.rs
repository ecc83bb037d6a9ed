//! The rows of one input, as the screens keep them.
//!
//! A UTF-8 CSV is not held in memory: only where every [`STRIDE`]th row starts, and the rows
//! in view are read from the file when needed. A file of gigabytes then costs the screens a
//! few bytes a row (this index, and each row's fate), and nothing on disk but the analyst's own
//! file. An XLSX sheet, or a CSV in another encoding, cannot be read from the middle, so its
//! rows are held in memory as they arrive.

use crate::load::{LoadError, Resume, Row, Table};

/// Rows between two marks of the index: a read from the middle reads at most this many rows
/// it does not need.
pub const STRIDE: usize = 64;

#[derive(Clone)]
pub enum Store {
    /// Every row, in memory.
    Held(Vec<Row>),
    /// Where rows 0, STRIDE, 2×STRIDE… start, and how many rows there are.
    Indexed { marks: Vec<Resume>, len: usize },
}

impl Default for Store {
    fn default() -> Store {
        Store::Held(Vec::new())
    }
}

impl Store {
    pub fn len(&self) -> usize {
        match self {
            Store::Held(rows) => rows.len(),
            Store::Indexed { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_indexed(&self) -> bool {
        matches!(self, Store::Indexed { .. })
    }

    /// Add rows `first..first + count` to the index, with the marks among them. A pass over
    /// rows already indexed (a later pass re-reading the file) adds nothing.
    pub fn index(&mut self, first: usize, count: usize, marks: Vec<Resume>) {
        if !self.is_indexed() {
            *self = Store::Indexed {
                marks: Vec::new(),
                len: 0,
            };
        }
        let Store::Indexed { marks: have, len } = self else {
            return;
        };
        // The marks of this chunk are those of rows first.., at multiples of STRIDE.
        let known = first.div_ceil(STRIDE);
        if have.len() == known {
            have.extend(marks);
        } else if have.len() > known {
            let skip = have.len() - known;
            have.extend(marks.into_iter().skip(skip));
        }
        *len = (*len).max(first.saturating_add(count));
    }

    /// The rows at `wanted` (indexes in increasing order), from memory or the file.
    pub fn read(&self, table: &Table, wanted: &[usize]) -> Result<Vec<(usize, Row)>, LoadError> {
        match self {
            Store::Held(rows) => Ok(wanted
                .iter()
                .filter_map(|&r| rows.get(r).map(|row| (r, row.clone())))
                .collect()),
            Store::Indexed { .. } => {
                let mut out = Vec::with_capacity(wanted.len());
                let mut cursor: Option<Cursor> = None;
                for &r in wanted {
                    // Read on from where the last row was found if that is near; else start
                    // again from the mark at or before the row.
                    let near = cursor
                        .as_ref()
                        .is_some_and(|c| c.next <= r && r - c.next < STRIDE);
                    if !near {
                        cursor = self.cursor_at(table, r, None)?;
                    }
                    let Some(c) = cursor.as_mut() else { break };
                    match c.seek(r)? {
                        Some(row) => out.push((r, row)),
                        None => break,
                    }
                }
                Ok(out)
            }
        }
    }

    /// Every row from `from` to the end, in order, with its index. Cells of columns not
    /// `wanted` may come back empty.
    pub fn scan<'a>(
        &'a self,
        table: &'a Table,
        from: usize,
        wanted: Option<&[bool]>,
    ) -> Box<dyn Iterator<Item = Result<(usize, Row), LoadError>> + 'a> {
        match self {
            Store::Held(rows) => Box::new(
                rows.iter()
                    .enumerate()
                    .skip(from)
                    .map(|(r, row)| Ok((r, row.clone()))),
            ),
            Store::Indexed { len, .. } => {
                let len = *len;
                let mut cursor = match self.cursor_at(table, from, wanted) {
                    Ok(c) => c,
                    Err(e) => return Box::new(std::iter::once(Err(e))),
                };
                let mut r = from;
                Box::new(std::iter::from_fn(move || {
                    if r >= len {
                        return None;
                    }
                    let c = cursor.as_mut()?;
                    let row = c.seek(r).transpose()?;
                    let item = row.map(|row| (r, row));
                    r += 1;
                    if item.is_err() {
                        r = len; // an error ends the scan
                    }
                    Some(item)
                }))
            }
        }
    }

    /// A stream of rows from the mark at or before row `r`; cells of columns not `wanted` may
    /// come back empty.
    fn cursor_at(
        &self,
        table: &Table,
        r: usize,
        wanted: Option<&[bool]>,
    ) -> Result<Option<Cursor>, LoadError> {
        let Store::Indexed { marks, len } = self else {
            return Ok(None);
        };
        if r >= *len {
            return Ok(None);
        }
        let k = r / STRIDE;
        let Some(&at) = marks.get(k) else {
            return Ok(None);
        };
        Ok(Some(Cursor {
            rows: table.rows_from(at, wanted)?,
            next: k * STRIDE,
        }))
    }
}

/// A stream of rows read from the middle of the file, and the index of the next one.
struct Cursor {
    rows: crate::load::Rows,
    next: usize,
}

impl Cursor {
    /// Read on to row `r` (at or after `next`) and return it; `None` if the file ends first.
    fn seek(&mut self, r: usize) -> Result<Option<Row>, LoadError> {
        while self.next <= r {
            let row = match self.rows.next() {
                Some(row) => row?,
                None => return Ok(None),
            };
            self.next += 1;
            if self.next > r {
                return Ok(Some(row));
            }
        }
        Ok(None)
    }
}
