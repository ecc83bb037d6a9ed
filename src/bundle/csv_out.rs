//! The payload's CSV, written byte for byte as the `csv` crate writes it with a CRLF
//! terminator: comma-separated, a field quoted only when it holds a comma, a quote, CR or LF
//! (quotes doubled inside), and a record of one empty field written as `""`.
//!
//! Writing a record here is one pass over its text into a buffer, with no per-field calls
//! through a general writer: on a large export this is a real part of the cost of a pack.
//! `tests/properties.rs` checks every bundle's payload against the `csv` crate's output.

use std::io::{self, Write};

/// Bytes gathered before they are handed on: large enough that a hand-off is rare.
const FLUSH_AT: usize = 64 * 1024;

pub struct CsvOut<W: Write> {
    out: W,
    buf: Vec<u8>,
}

impl<W: Write> CsvOut<W> {
    pub fn new(out: W) -> CsvOut<W> {
        CsvOut {
            out,
            buf: Vec::with_capacity(FLUSH_AT + 4096),
        }
    }

    /// Writes one record. Each cell comes in parts that are written one after the other, as
    /// one field (for a cell with a prefix, such as a neutralised formula's `'`).
    pub fn record<'a>(
        &mut self,
        cells: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> io::Result<()> {
        let start = self.buf.len();
        for (i, (prefix, rest)) in cells.into_iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            if needs_quotes(prefix) || needs_quotes(rest) {
                self.buf.push(b'"');
                push_escaped(&mut self.buf, prefix);
                push_escaped(&mut self.buf, rest);
                self.buf.push(b'"');
            } else {
                self.buf.extend_from_slice(prefix.as_bytes());
                self.buf.extend_from_slice(rest.as_bytes());
            }
        }
        if self.buf.len() == start {
            // As `csv` does, so the line is not read back as a blank line.
            self.buf.extend_from_slice(b"\"\"");
        }
        self.buf.extend_from_slice(b"\r\n");
        if self.buf.len() >= FLUSH_AT {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Writes what is gathered and gives back the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Whether `text` holds a comma, quote, CR or LF.
fn needs_quotes(text: &str) -> bool {
    text.bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
}

fn push_escaped(buf: &mut Vec<u8>, text: &str) {
    if memchr::memchr(b'"', text.as_bytes()).is_none() {
        buf.extend_from_slice(text.as_bytes());
        return;
    }
    for piece in text.as_bytes().split_inclusive(|&b| b == b'"') {
        buf.extend_from_slice(piece);
        if piece.last() == Some(&b'"') {
            buf.push(b'"');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ours(records: &[Vec<(String, String)>]) -> Vec<u8> {
        let mut out = CsvOut::new(Vec::new());
        for record in records {
            out.record(record.iter().map(|(p, r)| (p.as_str(), r.as_str())))
                .unwrap();
        }
        out.finish().unwrap()
    }

    fn theirs(records: &[Vec<(String, String)>]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(Vec::new());
        for record in records {
            w.write_record(record.iter().map(|(p, r)| format!("{p}{r}")))
                .unwrap();
        }
        w.into_inner().unwrap()
    }

    #[test]
    fn the_records_csv_treats_specially_come_out_as_csv_writes_them() {
        let cell = |p: &str, r: &str| (p.to_string(), r.to_string());
        let records = vec![
            vec![cell("", "")],
            vec![],
            vec![cell("", ""), cell("", "")],
            vec![cell("'", "=1+2"), cell("", "a,b"), cell("", "say \"hi\"")],
            vec![cell("", "two\r\nlines"), cell("", "\"")],
        ];
        assert_eq!(
            String::from_utf8(ours(&records)).unwrap(),
            String::from_utf8(theirs(&records)).unwrap()
        );
    }

    proptest! {
        #[test]
        fn any_records_come_out_as_csv_writes_them(
            records in prop::collection::vec(
                prop::collection::vec(("'?", "[a-c,\"\r\n ;é]{0,6}"), 0..5),
                0..20,
            ),
        ) {
            prop_assert_eq!(ours(&records), theirs(&records));
        }
    }
}
