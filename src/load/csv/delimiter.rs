//! Choosing a CSV file's delimiter from a sample of its first records.

use super::record::RecordReader;
use super::{DELIMITERS, SNIFF_BYTES, SNIFF_RECORDS};
use crate::load::{Encoding, Limits, LoadError};
use std::path::Path;

/// Field counts seen with one candidate delimiter.
pub(super) struct Sample {
    delimiter: u8,
    /// Fields in the header record; `None` if no header record was found.
    header: Option<usize>,
    /// Data records whose field count matches the header's (extra empty fields allowed), and
    /// data records examined.
    matching: usize,
    examined: usize,
}

/// Parses the start of the file with each candidate delimiter and chooses the one that splits
/// the header into more than one field and the rows below into as many. When none does, the
/// file has a single column and the delimiter is taken to be a comma.
pub(super) fn choose_delimiter(
    path: &Path,
    encoding: Encoding,
    provisional: bool,
    header_row: Option<u32>,
    limits: Limits,
) -> Result<u8, LoadError> {
    let mut samples = Vec::with_capacity(DELIMITERS.len());
    for delimiter in DELIMITERS {
        samples.push(sample(
            path,
            encoding,
            provisional,
            delimiter,
            header_row,
            limits,
        )?);
    }
    let mut candidates: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.header.is_some_and(|h| h > 1))
        .collect();
    // Fewest mismatching rows first, then most columns.
    candidates.sort_by_key(|s| {
        (
            s.examined.saturating_sub(s.matching),
            std::cmp::Reverse(s.header.unwrap_or(0)),
        )
    });
    match candidates.as_slice() {
        [] => Ok(b','),
        [best] => Ok(best.delimiter),
        [best, second, ..] => {
            let key = |s: &Sample| (s.examined.saturating_sub(s.matching), s.header);
            if key(best) == key(second) {
                Err(LoadError::Unsupported {
                    path: path.to_path_buf(),
                    what: format!(
                        "the delimiter cannot be told for sure: both {} and {} split the header \
                         into {} columns and the rows below alike",
                        delimiter_name(best.delimiter),
                        delimiter_name(second.delimiter),
                        best.header.unwrap_or(0)
                    ),
                })
            } else {
                Ok(best.delimiter)
            }
        }
    }
}

pub(super) fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "comma",
        b';' => "semicolon",
        b'\t' => "tab",
        b'|' => "pipe",
        _ => "another character",
    }
}

pub(super) fn sample(
    path: &Path,
    encoding: Encoding,
    provisional: bool,
    delimiter: u8,
    header_row: Option<u32>,
    limits: Limits,
) -> Result<Sample, LoadError> {
    let mut out = Sample {
        delimiter,
        header: None,
        matching: 0,
        examined: 0,
    };
    let mut reader =
        RecordReader::new_unhashed(path, encoding, delimiter, limits)?.provisional(provisional);
    let wanted = header_row.map(u64::from);
    // A parse error only ends the sample: the chosen delimiter's own reading reports it.
    let header = loop {
        match reader.next(0) {
            Ok(Some(r)) if wanted.is_none_or(|w| r.line >= w) => break r,
            Ok(Some(_)) => {}
            Ok(None) => return Ok(out),
            Err(e @ (LoadError::Io { .. } | LoadError::EncodingUnsettled { .. })) => return Err(e),
            Err(_) => return Ok(out),
        }
    };
    let width = header.fields;
    out.header = Some(width);
    while out.examined < SNIFF_RECORDS && reader.consumed < SNIFF_BYTES {
        match reader.next(0) {
            Ok(Some(r)) => {
                out.examined += 1;
                let extra_empty = r.last_nonempty.is_none_or(|i| i < width);
                if r.fields == width || (r.fields > width && extra_empty) {
                    out.matching += 1;
                }
            }
            Ok(None) => break,
            Err(e @ (LoadError::Io { .. } | LoadError::EncodingUnsettled { .. })) => return Err(e),
            Err(_) => break,
        }
    }
    Ok(out)
}
