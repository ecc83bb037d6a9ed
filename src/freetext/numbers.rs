//! Runs of digits: UK telephone numbers (national `07700 900123`, `020 7946 0958`, and
//! international `+44 (0)20 7946 0958`), NHS numbers (`943 476 5919`, modulus 11 check digit)
//! and payment card numbers (13 to 19 digits, Luhn check).
//!
//! A run is digits with single spaces, hyphens and brackets between them, not joined to a
//! letter, nor to a date or time (`12/03`, `14:30`, `3.5`). A run holding several numbers
//! ("07700 900123 020 7946 0958") is read greedily from the left, longest first.

use super::{Kind, Span};

/// The fewest digits a number read here has: a text with fewer is passed over.
pub(super) const FEWEST_DIGITS: usize = 10;

pub(super) fn find(text: &str, out: &mut Vec<Span>) {
    // "07700 900123/020 7946 0018": a slash between two whole numbers separates them, where
    // one in a date or a reference ("0101234567/24") joins. Read such a slash as a space (one
    // ASCII byte for another: every offset stays the same).
    let spaced;
    let text = match slashes_between_numbers(text) {
        Some(s) => {
            spaced = s;
            spaced.as_str()
        }
        None => text,
    };
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit()
            || (b[i] == b'+' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
            || (b[i] == b'('
                && b.get(i + 1)
                    .is_some_and(|c| c.is_ascii_digit() || *c == b'+'));
        if !starts || (i > 0 && joined_before(b, i)) {
            i += 1;
            continue;
        }
        let end = run_end(b, i);
        if end < b.len() && joined_after(b, end) {
            i = end.max(i + 1);
            continue;
        }
        // Every number read here has ten digits or more ("450 pounds", "3 weeks" are not).
        if b[i..end].iter().filter(|c| c.is_ascii_digit()).count() < FEWEST_DIGITS {
            i = end.max(i + 1);
            continue;
        }
        let before = out.len();
        read_run(text, i, end, out);
        // "order number 0123456789", "IMEI 356938035643809": a number named as something
        // else is not a telephone or card number.
        if out.len() > before && named_otherwise(text, i) {
            let first = before;
            if matches!(out[first].kind, Kind::Phone | Kind::CardNumber) {
                out.remove(first);
            }
        }
        i = end.max(i + 1);
    }
}

/// Words that, just before a number, say what it is when it is not a telephone or card.
const OTHER_NUMBERS: [&str; 14] = [
    "order",
    "ref",
    "reference",
    "invoice",
    "account",
    "acc",
    "serial",
    "imei",
    "crime",
    "cad",
    "case",
    "job",
    "policy",
    "tracking",
];

/// Whether one of the two words before byte `at` is in [`OTHER_NUMBERS`].
fn named_otherwise(text: &str, at: usize) -> bool {
    text[..at]
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(2)
        .any(|w| OTHER_NUMBERS.iter().any(|o| w.eq_ignore_ascii_case(o)))
}

/// `text` with each `/` that has ten or more digits (with spaces and hyphens between them) on
/// both sides made a space; `None` when there is none such (no copy is made).
fn slashes_between_numbers(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let count = |range: &mut dyn Iterator<Item = &u8>| {
        let mut digits = 0;
        for c in range {
            match c {
                b'0'..=b'9' => digits += 1,
                b' ' | b'-' => {}
                _ => break,
            }
        }
        digits
    };
    let mut out: Option<Vec<u8>> = None;
    for i in memchr::memchr_iter(b'/', b) {
        if count(&mut b[..i].iter().rev()) >= 10 && count(&mut b[i + 1..].iter()) >= 10 {
            out.get_or_insert_with(|| b.to_vec())[i] = b' ';
        }
    }
    // Only an ASCII byte was changed for another.
    out.and_then(|o| String::from_utf8(o).ok())
}

/// A byte before a run that joins it to something else: a letter or digit, or the separator
/// of a date, time, decimal or reference.
fn joined(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'/' | b'.' | b'_' | b'@' | b'\\' | b'#')
}

/// [`joined`], with a colon joining only a number to a number (`14:30`), not a label to one
/// (`Tel:07700 900123`, `NHS no:9434765919`).
fn joined_before(b: &[u8], i: usize) -> bool {
    match b[i - 1] {
        b':' => i >= 2 && b[i - 2].is_ascii_digit(),
        c => joined(c),
    }
}

/// Whether what follows a run joins it to more: a letter or digit, or `/`, `:`, `.` before a
/// digit (`12/03`, `14:30`, `3.5`; a full stop ending a sentence is fine).
fn joined_after(b: &[u8], end: usize) -> bool {
    let c = b[end];
    c.is_ascii_alphanumeric()
        || c == b'@'
        || (matches!(c, b'/' | b':' | b'.' | b',')
            && b.get(end + 1).is_some_and(u8::is_ascii_digit))
}

/// The end of the run of digits and separators starting at `i`.
fn run_end(b: &[u8], start: usize) -> usize {
    let mut i = start;
    let mut end = start;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let ok = c.is_ascii_digit()
            || (c == b'+' && i == start)
            || c == b'(' && next.is_some_and(|n| n.is_ascii_digit() || n == b'+')
            || c == b')' && next.is_some_and(|n| n.is_ascii_digit() || n == b' ')
            || matches!(c, b' ' | b'-') && next.is_some_and(|n| n.is_ascii_digit() || n == b'(');
        if !ok {
            break;
        }
        i += 1;
        if c.is_ascii_digit() || c == b')' {
            end = i;
        }
    }
    end
}

/// Reads the numbers in `text[start..end]`: tokens split at spaces and hyphens, the longest
/// run of tokens from the left that is a number of some kind taken first.
fn read_run(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let mut tokens: Vec<(usize, usize)> = Vec::new();
    let b = text.as_bytes();
    let mut t = start;
    for i in start..=end {
        if b.get(i)
            .is_none_or(|c| i == end || matches!(c, b' ' | b'-'))
        {
            if t < i {
                tokens.push((t, i));
            }
            t = i + 1;
        }
    }
    // Digits in the tokens before each one, so that only runs of tokens that can be a number
    // (19 digits at most) are tried: a cell of thousands of spaced digits stays linear.
    let mut before = Vec::with_capacity(tokens.len() + 1);
    before.push(0usize);
    for &(a, z) in &tokens {
        let n = b[a..z].iter().filter(|c| c.is_ascii_digit()).count();
        before.push(before[before.len() - 1] + n);
    }
    let mut s = 0;
    while s < tokens.len() {
        let mut taken = None;
        let last = (s..tokens.len())
            .take_while(|&e| before[e + 1] - before[s] <= 19)
            .last();
        for e in (s..=last.unwrap_or(s)).rev() {
            if before[e + 1] - before[s] > 19 {
                continue;
            }
            let (from, to) = (tokens[s].0, tokens[e].1);
            let raw = &text[from..to];
            let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
            if let Some(kind) = classify(raw, &digits, &tokens[s..=e], text) {
                taken = Some((
                    e,
                    Span {
                        start: from,
                        end: to,
                        kind,
                    },
                ));
                break;
            }
        }
        match taken {
            Some((e, span)) => {
                out.push(span);
                s = e + 1;
            }
            None => s += 1,
        }
    }
}

fn classify(raw: &str, digits: &str, tokens: &[(usize, usize)], text: &str) -> Option<Kind> {
    let lens: Vec<usize> = tokens
        .iter()
        .map(|&(a, b)| text[a..b].chars().filter(char::is_ascii_digit).count())
        .collect();
    let international =
        raw.starts_with("+44") || raw.starts_with("(+44") || raw.starts_with("0044");
    if international {
        let rest = digits
            .strip_prefix("0044")
            .or_else(|| digits.strip_prefix("44"))?;
        // "+44 (0)20 …": the bracketed 0 is the national prefix, written for callers in the UK.
        let rest = rest.strip_prefix('0').unwrap_or(rest);
        return phone(&format!("0{rest}")).then_some(Kind::Phone);
    }
    if digits.starts_with('0') {
        return phone(digits).then_some(Kind::Phone);
    }
    if digits.len() == 10 && (lens == [10] || lens == [3, 3, 4]) && nhs_number(digits) {
        return Some(Kind::NhsNumber);
    }
    // As cards are printed: one block, groups of four (the last may be shorter), or Amex's
    // 4-6-5. Single digits spaced apart ("2 2 2 …") are not a card, however they sum.
    let (last, before) = lens.split_last().unwrap_or((&0, &[]));
    let grouped = lens.len() == 1
        || (before.iter().all(|&l| l == 4) && (1..=4).contains(last))
        || lens == [4, 6, 5];
    // Fifteen digits is American Express (34, 37) only: an IMEI (35…, 86…) passes Luhn too.
    let issuer = match digits.len() {
        15 => digits.starts_with("34") || digits.starts_with("37"),
        _ => matches!(digits.as_bytes()[0], b'2'..=b'6'),
    };
    if (13..=19).contains(&digits.len()) && grouped && issuer && luhn(digits) {
        return Some(Kind::CardNumber);
    }
    None
}

/// A UK national telephone number, as dialled within the UK: 11 digits in the geographic
/// (01, 02), non-geographic (03), mobile and personal (07) and freephone/special (08) ranges,
/// or 10 digits for the 01 areas and 0800 numbers that have them.
fn phone(d: &str) -> bool {
    let b = d.as_bytes();
    if b.len() < 10 || b[0] != b'0' {
        return false;
    }
    match (b.len(), b[1]) {
        (11, b'1' | b'2' | b'3' | b'7' | b'8') => true,
        (10, b'1') => true,
        (10, b'8') => d.starts_with("0800"),
        _ => false,
    }
}

/// The NHS number check: digits 1–9 weighted 10 down to 2, and 11 minus the sum modulo 11
/// (11 read as 0; 10 is never issued) equals the tenth digit.
pub(super) fn nhs_number(d: &str) -> bool {
    let b = d.as_bytes();
    if b.len() != 10 || !b.iter().all(u8::is_ascii_digit) || b[0] == b'0' {
        return false;
    }
    let sum: u32 = b[..9]
        .iter()
        .enumerate()
        .map(|(i, c)| u32::from(c - b'0') * (10 - i as u32))
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == u32::from(b[9] - b'0')
}

/// The Luhn check of payment card numbers.
pub(super) fn luhn(d: &str) -> bool {
    let mut sum = 0;
    for (i, c) in d.bytes().rev().enumerate() {
        let mut v = u32::from(c - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::super::find as find_all;
    use super::*;

    fn found(text: &str) -> Vec<(Kind, String)> {
        find_all(text)
            .into_iter()
            .map(|s| (s.kind, text[s.start..s.end].to_string()))
            .collect()
    }

    #[test]
    fn uk_telephone_numbers_as_people_write_them() {
        for (text, number) in [
            ("ring 07700 900123 after six", "07700 900123"),
            ("mobile 07700900123.", "07700900123"),
            ("tel: 020 7946 0958", "020 7946 0958"),
            ("call (020) 7946 0958 now", "(020) 7946 0958"),
            ("on +44 7700 900123", "+44 7700 900123"),
            ("on +44 (0)20 7946 0958", "+44 (0)20 7946 0958"),
            ("on 0044 20 7946 0958", "0044 20 7946 0958"),
            ("landline 0161-496-0000", "0161-496-0000"),
            ("freephone 0800 123 456", "0800 123 456"),
            ("Bromley 01689 000 000", "01689 000 000"),
            // Found by the planted-details suite (tests/it/free_text.rs): after a label's colon.
            ("Mob:07700900123 called me twice.", "07700900123"),
            ("Suspect's mum Tel:07700 900123.", "07700 900123"),
        ] {
            assert_eq!(found(text), [(Kind::Phone, number.to_string())], "{text}");
        }
    }

    #[test]
    fn near_misses_are_not_telephone_numbers() {
        for text in [
            "order 0123 4567",                // too short
            "ref 07700900123456",             // too long
            "on 12/07/2024 at 0930",          // a date and a time
            "crime ref 0101234567/24",        // joined to a year
            "version 0.7700900123",           // a decimal
            "CAD 07700900123X",               // joined to a letter
            "091 234 5678 is not a UK range", // 09 with 10 digits
            "order number 0123456789",        // named as an order number
            "at 14:07700900123",              // joined to a time
        ] {
            assert!(
                found(text).iter().all(|(k, _)| *k != Kind::Phone),
                "{text}: {:?}",
                found(text)
            );
        }
    }

    #[test]
    fn two_numbers_in_one_run_are_two_numbers() {
        assert_eq!(
            found("07700 900123 020 7946 0958"),
            [
                (Kind::Phone, "07700 900123".to_string()),
                (Kind::Phone, "020 7946 0958".to_string())
            ]
        );
    }

    #[test]
    fn a_number_is_found_inside_a_long_run_of_spaced_digits() {
        // 10,000 one-digit tokens in one run around a telephone number: only runs of tokens
        // of 19 digits or fewer are tried (trying every run would take hours), and the number
        // among them is still read whole.
        let text = format!("{}07700 900123 {}", "1 ".repeat(5_000), "2 ".repeat(5_000));
        assert_eq!(found(&text), [(Kind::Phone, "07700 900123".to_string())]);
    }

    #[test]
    fn a_slash_between_two_whole_numbers_separates_them() {
        assert_eq!(
            found("Suspect's numbers 07700 900123/020 7946 0018."),
            [
                (Kind::Phone, "07700 900123".to_string()),
                (Kind::Phone, "020 7946 0018".to_string())
            ]
        );
        assert_eq!(found("crime ref 0101234567/24"), []);
    }

    #[test]
    fn nhs_numbers_need_their_check_digit() {
        assert_eq!(
            found("NHS 943 476 5919."),
            [(Kind::NhsNumber, "943 476 5919".to_string())]
        );
        assert_eq!(
            found("NHS no 9434765919"),
            [(Kind::NhsNumber, "9434765919".to_string())]
        );
        assert_eq!(
            found("Suspect NHS no:9434765919."),
            [(Kind::NhsNumber, "9434765919".to_string())]
        );
        // One digit wrong, a check digit of 10, and a 10-digit order number.
        for text in ["NHS 943 476 5918", "NHS 123 456 7890", "order 4829104857"] {
            assert_eq!(found(text), [], "{text}");
        }
        assert!(nhs_number("4010232137"));
        assert!(!nhs_number("0000000000"));
    }

    #[test]
    fn card_numbers_need_the_luhn_check() {
        assert_eq!(
            found("card 4111 1111 1111 1111 used"),
            [(Kind::CardNumber, "4111 1111 1111 1111".to_string())]
        );
        assert_eq!(
            found("amex 3782-822463-10005"),
            [(Kind::CardNumber, "3782-822463-10005".to_string())]
        );
        assert_eq!(found("card 4111 1111 1111 1112"), []);
        // A phone's IMEI passes Luhn by design; fifteen digits is a card only for Amex.
        assert!(luhn("356938035643809"));
        assert_eq!(
            found("My phone's IMEI is 356938035643809 and it has not been found."),
            []
        );
        assert_eq!(found("number 356938035643809"), []);
        assert_eq!(
            found("barcode 9780140449136"),
            [],
            "an ISBN passes Luhn-like checks but starts 9"
        );
    }
}
