//! Where a CSV buffer's structural bytes are: the delimiter, the quote, CR and LF, one bit per
//! byte in 64-bit masks (one mask for each), found 16 bytes per instruction with SSE2 compares.
//! A field's end is then the next set bit, whatever the field's length, and the fields of a line
//! past the last one wanted are counted with a few population counts.
//!
//! Searching field by field (`memchr3` from each field's start) costs a call and a setup for
//! every field, and the fields of an export are short (about 11 bytes in the benchmark's):
//! marking the whole buffer once and walking the bits reads a 200 MB export in about two
//! thirds of the time.

/// Where one 64-byte block's structural bytes are: bit `i` is set when byte `i` is one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Marks {
    pub(super) delimiter: u64,
    pub(super) quote: u64,
    /// CR or LF.
    pub(super) line: u64,
}

/// Bit masks of one buffer's structural bytes: `masks[i / 64]` marks byte `i` at bit `i % 64`.
pub(super) struct Structure {
    delimiter: u8,
    masks: Vec<Marks>,
}

/// The rest of a line, from a field's start to its line break, when its fields are plain text
/// or simply quoted: what a reader needs of fields it does not keep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Tail {
    /// Where the CR or LF that ends the line is.
    pub(super) end: usize,
    /// How many delimiters (outside quotes) come before it: the fields are one more.
    pub(super) delimiters: usize,
    /// How many of the fields are quoted: their two quotes are not text.
    pub(super) quoted: usize,
    /// The last field with any text, counted from the first field of the tail.
    pub(super) last_nonempty: Option<usize>,
}

impl Structure {
    pub(super) fn new(delimiter: u8) -> Structure {
        Structure {
            delimiter,
            masks: Vec::new(),
        }
    }

    /// Marks the structural bytes of `buf`, forgetting any buffer marked before.
    pub(super) fn index(&mut self, buf: &[u8]) {
        self.masks.clear();
        let mut blocks = buf.chunks_exact(64);
        for block in &mut blocks {
            self.masks.push(mark_block(block, self.delimiter));
        }
        if !blocks.remainder().is_empty() {
            self.masks
                .push(mark_bytes(blocks.remainder(), self.delimiter));
        }
    }

    /// Where an unquoted field that starts at `from` ends: the first delimiter, CR or LF at or
    /// after it (a quote inside an unquoted field is data, as csv_core reads it). `None` at the
    /// end of the buffer marked.
    pub(super) fn field_end(&self, from: usize) -> Option<usize> {
        self.first(from, |m| m.delimiter | m.line)
    }

    /// Where a quoted field's text that starts at `from` ends: the first quote, CR or LF at or
    /// after it (a delimiter inside quotes is data).
    pub(super) fn quote_end(&self, from: usize) -> Option<usize> {
        self.first(from, |m| m.quote | m.line)
    }

    /// The rest of the line from `from`, a field's start. Quotes are looked at one by one (a
    /// quoted field opens and closes with one each), and the plain text between them is counted
    /// a word at a time. `None` when a field is not that simple (an escaped quote, text after
    /// a closing quote, a line break inside quotes) or the buffer ends before the line does:
    /// then the fields must be walked.
    pub(super) fn tail(&self, from: usize) -> Option<Tail> {
        let mut tail = Tail {
            end: from,
            ..Tail::default()
        };
        let mut stretch = from;
        loop {
            let event = self.first(stretch, |m| m.quote | m.line)?;
            self.count_plain(stretch, event, &mut tail);
            if self.is(event, |m| m.line) {
                tail.end = event;
                return Some(tail);
            }
            let opens_field = event == from || self.is(event - 1, |m| m.delimiter);
            if !opens_field {
                // A quote inside an unquoted field is text, as csv_core reads it; the text
                // before it has already marked the field as not empty.
                stretch = event + 1;
                continue;
            }
            let close = self.first(event + 1, |m| m.quote | m.line)?;
            let after = close + 1;
            if !self.is(close, |m| m.quote) || !self.is(after, |m| m.delimiter | m.line) {
                return None;
            }
            tail.quoted += 1;
            if close > event + 1 {
                tail.last_nonempty = Some(tail.delimiters);
            }
            stretch = after;
        }
    }

    /// Adds the delimiters of `from..to`, which holds no quote or line break, and notes the
    /// field its last byte of text is in.
    fn count_plain(&self, from: usize, to: usize, tail: &mut Tail) {
        let mut at = from;
        while at < to {
            let word = at / 64;
            let Some(marks) = self.masks.get(word) else {
                return;
            };
            let upto = to.min(word * 64 + 64);
            let range = (u64::MAX << (at % 64)) & (u64::MAX >> (63 - (upto - 1) % 64));
            let delimiters = marks.delimiter & range;
            let text = !marks.delimiter & range;
            if text != 0 {
                let last = 63 - text.leading_zeros();
                let before_last = delimiters & ((1u64 << last) - 1);
                tail.last_nonempty = Some(tail.delimiters + before_last.count_ones() as usize);
            }
            tail.delimiters += delimiters.count_ones() as usize;
            at = upto;
        }
    }

    /// Whether byte `at` is marked in `which`; false past the buffer.
    fn is(&self, at: usize, which: impl Fn(&Marks) -> u64) -> bool {
        self.masks
            .get(at / 64)
            .is_some_and(|m| which(m) >> (at % 64) & 1 == 1)
    }

    fn first(&self, from: usize, wanted: impl Fn(&Marks) -> u64) -> Option<usize> {
        let mut word = from / 64;
        let mut bits = wanted(self.masks.get(word)?) & (u64::MAX << (from % 64));
        while bits == 0 {
            word += 1;
            bits = wanted(self.masks.get(word)?);
        }
        Some(word * 64 + bits.trailing_zeros() as usize)
    }
}

/// The marks of up to 64 bytes, one at a time: the tail of a buffer, other processors, and the
/// reference the tests hold the fast version to.
fn mark_bytes(bytes: &[u8], delimiter: u8) -> Marks {
    let mut marks = Marks::default();
    for (i, &b) in bytes.iter().take(64).enumerate() {
        let bit = 1u64 << i;
        if b == delimiter {
            marks.delimiter |= bit;
        } else if b == b'"' {
            marks.quote |= bit;
        } else if matches!(b, b'\r' | b'\n') {
            marks.line |= bit;
        }
    }
    marks
}

#[cfg(target_arch = "x86_64")]
fn mark_block(block: &[u8], delimiter: u8) -> Marks {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i,
    };
    let splat = |b: u8| set_splat_i8_m128i(b as i8);
    let (delimiters, quotes, crs, lfs) =
        (splat(delimiter), splat(b'"'), splat(b'\r'), splat(b'\n'));
    let mut marks = Marks::default();
    for (i, sixteen) in block.chunks_exact(16).enumerate() {
        let Ok(sixteen) = <&[u8; 16]>::try_from(sixteen) else {
            continue;
        };
        let v = load_unaligned_m128i(sixteen);
        let bits = |hits| u64::from(move_mask_i8_m128i(hits) as u16) << (16 * i);
        marks.delimiter |= bits(cmp_eq_mask_i8_m128i(v, delimiters));
        marks.quote |= bits(cmp_eq_mask_i8_m128i(v, quotes));
        marks.line |= bits(cmp_eq_mask_i8_m128i(v, crs) | cmp_eq_mask_i8_m128i(v, lfs));
    }
    marks
}

#[cfg(not(target_arch = "x86_64"))]
fn mark_block(block: &[u8], delimiter: u8) -> Marks {
    mark_bytes(block, delimiter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive_first(buf: &[u8], from: usize, wanted: impl Fn(u8) -> bool) -> Option<usize> {
        (from..buf.len()).find(|&i| wanted(buf[i]))
    }

    /// The rest of a line as the reader would walk it field by field.
    fn naive_tail(buf: &[u8], from: usize, delimiter: u8) -> Option<Tail> {
        let line = |b: u8| matches!(b, b'\r' | b'\n');
        let mut tail = Tail {
            end: from,
            ..Tail::default()
        };
        let mut pos = from;
        loop {
            let (len, after) = if buf.get(pos) == Some(&b'"') {
                let close = naive_first(buf, pos + 1, |b| b == b'"' || line(b))?;
                if buf[close] != b'"' {
                    return None;
                }
                tail.quoted += 1;
                (close - pos - 1, close + 1)
            } else {
                let end = naive_first(buf, pos, |b| b == delimiter || line(b))?;
                (end - pos, end)
            };
            if len > 0 {
                tail.last_nonempty = Some(tail.delimiters);
            }
            match buf.get(after) {
                Some(&d) if d == delimiter => {
                    tail.delimiters += 1;
                    pos = after + 1;
                }
                Some(&b) if line(b) => {
                    tail.end = after;
                    return Some(tail);
                }
                _ => return None,
            }
        }
    }

    fn byte() -> impl Strategy<Value = u8> {
        prop_oneof![
            4 => prop::sample::select(b"abc ,;\t|\"\r\n".to_vec()),
            1 => any::<u8>(),
        ]
    }

    proptest! {
        #[test]
        fn the_block_marks_are_the_byte_by_byte_marks(
            block in prop::collection::vec(byte(), 64),
            delimiter in prop::sample::select(b",;\t|".to_vec()),
        ) {
            prop_assert_eq!(mark_block(&block, delimiter), mark_bytes(&block, delimiter));
        }

        #[test]
        fn the_tail_of_a_line_of_fields_is_what_walking_its_fields_finds(
            fields in prop::collection::vec(
                prop::sample::select(vec!["", "ab", "a\"b", "\"\"", "\"a,b\"", "\"a\"\"b\"", "\"a\"b", "\"a\nb\""]),
                1..12,
            ),
            pad in 0usize..70,
            end in prop::sample::select(vec!["\n", "\r\n", ""]),
        ) {
            // Padding moves the line across the 64-byte words.
            let buf = [" ".repeat(pad), "\n".into(), fields.join(","), end.into()].concat();
            let mut s = Structure::new(b',');
            s.index(buf.as_bytes());
            prop_assert_eq!(s.tail(pad + 1), naive_tail(buf.as_bytes(), pad + 1, b','));
        }

        #[test]
        fn searches_find_what_a_byte_by_byte_search_finds(
            buf in prop::collection::vec(byte(), 0..400),
            from in 0usize..420,
            delimiter in prop::sample::select(b",;\t|".to_vec()),
        ) {
            let mut s = Structure::new(delimiter);
            s.index(&buf);
            let line = |b: u8| matches!(b, b'\r' | b'\n');
            prop_assert_eq!(
                s.field_end(from),
                naive_first(&buf, from, |b| b == delimiter || line(b))
            );
            prop_assert_eq!(
                s.quote_end(from),
                naive_first(&buf, from, |b| b == b'"' || line(b))
            );
            prop_assert_eq!(s.tail(from), naive_tail(&buf, from, delimiter));
        }
    }
}
