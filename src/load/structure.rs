//! Where a CSV buffer's structural bytes are: the delimiter, the quote, CR and LF, one bit per
//! byte in 64-bit masks, found 16 bytes per instruction with SSE2 compares. A field's end is
//! then the next set bit, whatever the field's length.
//!
//! Searching field by field (`memchr3` from each field's start) costs a call and a setup for
//! every field, and the fields of an export are short (about 11 bytes in the benchmark's):
//! marking the whole buffer once and walking the bits reads a 200 MB export in about two
//! thirds of the time.

/// Bit masks of one buffer's structural bytes: bit `i % 64` of `masks[i / 64]` is set when byte
/// `i` is the delimiter, `"`, CR or LF.
pub(super) struct Structure {
    delimiter: u8,
    masks: Vec<u64>,
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
            self.masks.push(mask_block(block, self.delimiter));
        }
        if !blocks.remainder().is_empty() {
            self.masks
                .push(mask_bytes(blocks.remainder(), self.delimiter));
        }
    }

    /// The first structural byte at or after `from` that is not `skip` (a delimiter inside
    /// quotes, or a quote inside an unquoted field, is data); `None` at the end of the buffer
    /// marked. `buf` must be the buffer marked.
    pub(super) fn next(&self, buf: &[u8], from: usize, skip: u8) -> Option<usize> {
        let mut word = from / 64;
        let mut bits = self.masks.get(word)? & (u64::MAX << (from % 64));
        loop {
            while bits != 0 {
                let at = word * 64 + bits.trailing_zeros() as usize;
                if *buf.get(at)? != skip {
                    return Some(at);
                }
                bits &= bits - 1;
            }
            word += 1;
            bits = *self.masks.get(word)?;
        }
    }
}

fn is_structural(b: u8, delimiter: u8) -> bool {
    b == delimiter || matches!(b, b'"' | b'\r' | b'\n')
}

/// The mask of up to 64 bytes, one at a time: the tail of a buffer, other processors, and the
/// reference the tests hold the fast version to.
fn mask_bytes(bytes: &[u8], delimiter: u8) -> u64 {
    bytes
        .iter()
        .take(64)
        .enumerate()
        .filter(|&(_, &b)| is_structural(b, delimiter))
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

#[cfg(target_arch = "x86_64")]
fn mask_block(block: &[u8], delimiter: u8) -> u64 {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i,
    };
    let wanted = [delimiter, b'"', b'\r', b'\n'].map(|b| set_splat_i8_m128i(b as i8));
    let mut mask = 0u64;
    for (i, sixteen) in block.chunks_exact(16).enumerate() {
        let Ok(sixteen) = <&[u8; 16]>::try_from(sixteen) else {
            continue;
        };
        let v = load_unaligned_m128i(sixteen);
        let hits = wanted
            .iter()
            .map(|&w| cmp_eq_mask_i8_m128i(v, w))
            .fold(safe_arch::zeroed_m128i(), |a, b| a | b);
        mask |= u64::from(move_mask_i8_m128i(hits) as u16) << (16 * i);
    }
    mask
}

#[cfg(not(target_arch = "x86_64"))]
fn mask_block(block: &[u8], delimiter: u8) -> u64 {
    mask_bytes(block, delimiter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive_next(buf: &[u8], from: usize, delimiter: u8, skip: u8) -> Option<usize> {
        (from..buf.len()).find(|&i| is_structural(buf[i], delimiter) && buf[i] != skip)
    }

    fn byte() -> impl Strategy<Value = u8> {
        prop_oneof![
            4 => prop::sample::select(b"abc ,;\t|\"\r\n".to_vec()),
            1 => any::<u8>(),
        ]
    }

    proptest! {
        #[test]
        fn the_block_mask_is_the_byte_by_byte_mask(
            block in prop::collection::vec(byte(), 64),
            delimiter in prop::sample::select(b",;\t|".to_vec()),
        ) {
            prop_assert_eq!(mask_block(&block, delimiter), mask_bytes(&block, delimiter));
        }

        #[test]
        fn next_finds_what_a_byte_by_byte_search_finds(
            buf in prop::collection::vec(byte(), 0..400),
            from in 0usize..420,
            delimiter in prop::sample::select(b",;\t|".to_vec()),
            skip_quote in any::<bool>(),
        ) {
            let skip = if skip_quote { b'"' } else { delimiter };
            let mut s = Structure::new(delimiter);
            s.index(&buf);
            prop_assert_eq!(s.next(&buf, from, skip), naive_next(&buf, from, delimiter, skip));
        }
    }
}
