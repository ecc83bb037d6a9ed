//! The payload's CSV, written byte for byte as the `csv` crate writes it with a CRLF
//! terminator: comma-separated, a field quoted only when it holds a comma, a quote, CR or LF
//! (quotes doubled inside), and a record of one empty field written as `""`.
//!
//! Writing a record here is one pass over its text into a buffer, with no per-field calls
//! through a general writer: on a large export this is a real part of the cost of a pack.
//! `tests/it/properties.rs` checks every bundle's payload against the `csv` crate's output.

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
///
/// Every field written is checked, and fields are short (a dozen bytes is typical), so this
/// looks at eight bytes at a time with plain integer arithmetic rather than one byte and one
/// branch at a time.
fn needs_quotes(text: &str) -> bool {
    let mut words = text.as_bytes().chunks_exact(8);
    let mut found = 0u64;
    for word in &mut words {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        found |= special_in(u64::from_le_bytes(eight));
    }
    found != 0
        || words
            .remainder()
            .iter()
            .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
}

/// Non-zero exactly when one of the eight bytes in `word` is a comma, quote, CR or LF.
fn special_in(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // `x` has a zero byte where `word` has `byte`; the well-known test below is non-zero
    // exactly when `x` has a zero byte (which bit is set may be wrong, whether one is, never).
    let zero_where = |byte: u8| {
        let x = word ^ (ONES * u64::from(byte));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    zero_where(b',') | zero_where(b'"') | zero_where(b'\r') | zero_where(b'\n')
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

    #[test]
    fn the_word_test_finds_each_special_byte_at_each_place_and_nothing_else() {
        for place in 0..8 {
            for byte in 0..=255u8 {
                let mut eight = *b"abcdefgh";
                eight[place] = byte;
                let expected = matches!(byte, b',' | b'"' | b'\r' | b'\n');
                assert_eq!(
                    special_in(u64::from_le_bytes(eight)) != 0,
                    expected,
                    "byte {byte} at {place}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn any_text_needs_quotes_exactly_when_it_holds_a_special_byte(text in "[ -~\r\né]{0,40}") {
            let expected = text.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
            prop_assert_eq!(needs_quotes(&text), expected);
        }

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
