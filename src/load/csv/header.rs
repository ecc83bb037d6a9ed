//! Finding a CSV file's header record and reading its names.

use super::record::{RecordInfo, RecordReader};
use crate::load::header::{self, Problem};
use crate::load::{Limits, LoadError};

/// Finds the header record: the first record (`header_row` `None`) or the one starting on line
/// `header_row`, keeping up to `max_columns` of its fields.
pub(super) fn locate_header(
    reader: &mut RecordReader,
    header_row: Option<u32>,
    max_columns: usize,
) -> Result<RecordInfo, LoadError> {
    let keep = max_columns;
    let Some(row) = header_row else {
        return reader.next(keep)?.ok_or_else(|| LoadError::Empty {
            path: reader.path(),
        });
    };
    let path = reader.path();
    let bad = |problem: String| LoadError::BadHeader {
        path: path.clone(),
        row,
        problem,
    };
    if row == 0 {
        return Err(bad("no meaning: rows are numbered from 1".into()));
    }
    let wanted = u64::from(row);
    let mut previous: Option<RecordInfo> = None;
    loop {
        let record = reader.next(keep)?;
        let inside = previous.filter(|p| p.line < wanted && wanted <= p.last_line);
        match record {
            Some(r) if r.line == wanted => return Ok(r),
            Some(r) if r.line < wanted => previous = Some(r),
            _ => {
                return Err(match (inside, record, previous) {
                    (Some(p), _, _) => bad(format!(
                        "no record starting on it: it lies inside a quoted field of the record \
                         that starts on row {}",
                        p.line
                    )),
                    (None, Some(_), _) => bad("nothing on it: the row is blank".into()),
                    (None, None, None) => LoadError::Empty { path: path.clone() },
                    (None, None, Some(p)) => bad(format!(
                        "nothing on it: the last record in the file ends on row {}",
                        p.last_line
                    )),
                });
            }
        }
    }
}

/// The header's names, trimmed, with blank names at the end dropped; checked for blank and
/// duplicate names and the column limit.
pub(super) fn make_headers(
    reader: &RecordReader,
    header: &RecordInfo,
    row: u32,
    limits: Limits,
) -> Result<Vec<String>, LoadError> {
    let path = reader.path();
    if header.fields > limits.max_columns {
        return Err(LoadError::TooManyColumns {
            path,
            found: header.fields,
            limit: limits.max_columns,
        });
    }
    let bad = |problem: String| LoadError::BadHeader {
        path: path.clone(),
        row,
        problem,
    };
    let mut names = Vec::with_capacity(header.fields);
    for i in 0..header.fields {
        names.push(reader.field_text(i, header.line)?.trim().to_owned());
    }
    while names.last().is_some_and(|n| n.is_empty()) {
        names.pop();
    }
    match header::check(&names) {
        Ok(()) => Ok(names),
        Err(Problem::NoNames) => Err(bad("no column names: every cell in it is blank".into())),
        Err(Problem::Blank(blanks)) => Err(bad(format!(
            "a blank name in column {}",
            blanks.first().map_or(0, |i| i + 1)
        ))),
        Err(Problem::Twice { first, again }) => Err(bad(format!(
            "the same name twice: \"{}\" in column {} and \"{}\" in column {} (names are \
             compared ignoring case and surrounding spaces)",
            crate::text::printable(&names[first]),
            first + 1,
            crate::text::printable(&names[again]),
            again + 1
        ))),
    }
}
