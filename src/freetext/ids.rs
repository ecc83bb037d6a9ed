//! Identifiers written as words: PNC IDs (`98/123456A`, `2001/0012345K`), CRO numbers
//! (`123456/89X`, `SF93/12345L`), National Insurance numbers (`QQ 12 34 56 C`), postcodes
//! (`SW1A 1AA`) and vehicle registrations (`AB12 CDE`, `P123 ABC`).

use super::{Kind, Span};

/// The check letters of PNC IDs and CRO numbers: the value modulo 23 indexes this (no I, O or
/// S; Z for 0).
const CHECK_LETTERS: &[u8; 23] = b"ZABCDEFGHJKLMNPQRTUVWXY";

pub(super) fn find(text: &str, out: &mut Vec<Span>) {
    find_in(text, &words_near_digits(text), out);
}

/// The identifiers among `words`, which must hold every word of `text` that can begin or be
/// part of one ([`words`] all of them; [`words_near_digits`] only those).
fn find_in(text: &str, words: &[Word], out: &mut Vec<Span>) {
    let mut i = 0;
    while i < words.len() {
        let Word {
            start: a,
            end: b,
            digit,
        } = words[i];
        let w = &text[a..b];
        // Every identifier here starts with a word holding a digit, but a National Insurance
        // number written spaced ("QQ 12 34 56 C"), which starts with two letters before one,
        // and Girobank's postcode, GIR 0AA: most words of prose are passed over here, at the
        // cost of a look at their bytes.
        let candidate =
            digit || (b - a == 2 && words.get(i + 1).is_some_and(|n| n.digit)) || w == "GIR";
        if !candidate {
            i += 1;
            continue;
        }
        if let Some(kind) = single(w) {
            out.push(Span {
                start: a,
                end: b,
                kind,
            });
            i += 1;
            continue;
        }
        // Identifiers written in two or more words, each gap a single space.
        let mut taken = false;
        for n in (2..=5).rev() {
            let Some(&Word { end, .. }) = words.get(i + n - 1) else {
                continue;
            };
            let spaced = (i..i + n - 1).all(|j| {
                let gap = &text[words[j].end..words[j + 1].start];
                gap == " "
            });
            // The shapes spaced_kind knows: a National Insurance number (nine characters in
            // all) or a postcode or registration (two words, the second of three). Anything
            // else is passed over before any copy is made: a number in prose ("3 weeks off")
            // is tried at every width.
            let width: usize = words[i..i + n].iter().map(Word::len).sum();
            if !spaced || !(width == 9 || (n == 2 && words[i + 1].len() == 3)) {
                continue;
            }
            let parts: Vec<&str> = words[i..i + n]
                .iter()
                .map(|w| &text[w.start..w.end])
                .collect();
            if let Some(kind) = spaced_kind(&parts) {
                out.push(Span {
                    start: a,
                    end,
                    kind,
                });
                i += n;
                taken = true;
                break;
            }
        }
        if !taken {
            i += 1;
        }
    }
}

/// Bytes a word may hold past its first: ASCII letters, digits and `/` (a table: this loop
/// runs over every byte of every free-text cell with a digit in it).
const IN_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = b.is_ascii_alphanumeric() || b == b'/';
        c += 1;
    }
    table
};

/// A word of the text: bytes `start..end`, and whether it holds a digit.
#[derive(Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    digit: bool,
}

impl Word {
    fn len(&self) -> usize {
        self.end - self.start
    }
}

/// Words: runs of ASCII letters, digits and `/`.
#[cfg(test)]
fn words(text: &str) -> Vec<Word> {
    words_from(text.as_bytes(), 0, usize::MAX)
}

/// The words [`find_in`] needs, which are fewer than all of them: an identifier starts at a
/// word holding a digit or at the word just before one, a single space between them (`QQ 12
/// 34 56 C`, `GIR 0AA`), and ends at most one word after the last word holding a digit (`C`,
/// `ABC`). So the scan starts at the word before the first digit's and stops a word after the
/// last digit's: a statement that gives a time or a sum is read a word either side of it, not
/// whole. For `find_in` this is the same as [`words`]: the tests compare the two on generated
/// text.
fn words_near_digits(text: &str) -> Vec<Word> {
    let b = text.as_bytes();
    let (Some(first), Some(last)) = (
        b.iter().position(u8::is_ascii_digit),
        b.iter().rposition(u8::is_ascii_digit),
    ) else {
        return Vec::new();
    };
    // No word runs across a byte outside a word, so the word holding the first digit starts
    // at the first letter or digit after the last such byte before it.
    let run_start = |mut at: usize| {
        while at > 0 && IN_WORD[usize::from(b[at - 1])] {
            at -= 1;
        }
        at
    };
    let first_alnum = |from: usize, to: usize| (from..to).find(|&i| b[i].is_ascii_alphanumeric());
    let word = first_alnum(run_start(first), first + 1).unwrap_or(first);
    // The word before, if one space apart: nothing further back can matter.
    let start = if word >= 2 && b[word - 1] == b' ' && IN_WORD[usize::from(b[word - 2])] {
        first_alnum(run_start(word - 2), word - 1).unwrap_or(word)
    } else {
        word
    };
    words_from(b, start, last)
}

/// The words from byte `start` (which must not be inside a word) up to and including the
/// first that starts after byte `last`.
fn words_from(b: &[u8], start: usize, last: usize) -> Vec<Word> {
    // Room for a word every six bytes (prose has fewer): one allocation, not a doubling each
    // few words.
    let mut out = Vec::with_capacity(b.len().saturating_sub(start) / 6 + 1);
    let mut read_past_last = false;
    let mut i = start;
    while i < b.len() {
        if b[i].is_ascii_alphanumeric() {
            let s = i;
            let mut digit = false;
            while i < b.len() && IN_WORD[usize::from(b[i])] {
                digit |= b[i].is_ascii_digit();
                i += 1;
            }
            // A word joined to more by a character outside ASCII (an accented letter) is not
            // an identifier.
            let joined = (s > 0 && b[s - 1] >= 0x80) || (i < b.len() && b[i] >= 0x80);
            if s > last {
                if read_past_last {
                    break;
                }
                read_past_last = true;
            }
            if !joined {
                out.push(Word {
                    start: s,
                    end: i,
                    digit,
                });
            }
        } else {
            i += 1;
        }
    }
    out
}

/// A one-word identifier.
fn single(w: &str) -> Option<Kind> {
    if w.contains('/') {
        if pnc_id(w) {
            return Some(Kind::PncId);
        }
        if cro_number(w) {
            return Some(Kind::CroNumber);
        }
        return None;
    }
    if ni_number(w) {
        return Some(Kind::NiNumber);
    }
    // Postcodes and registrations without their space, in capitals only (in lower case such
    // words are too often something else).
    if w.bytes().all(|c| !c.is_ascii_lowercase()) {
        if (5..=7).contains(&w.len()) && postcode(&w[..w.len() - 3], &w[w.len() - 3..]) {
            return Some(Kind::Postcode);
        }
        if w.len() == 7 && vehicle(&w[..4], &w[4..]) {
            return Some(Kind::Vehicle);
        }
    }
    None
}

fn spaced_kind(parts: &[&str]) -> Option<Kind> {
    let joined: String = parts.concat();
    if parts.len() >= 2 && ni_number(&joined) {
        return Some(Kind::NiNumber);
    }
    if parts.len() == 2 {
        let same_case = |s: &str| {
            s.bytes().all(|c| !c.is_ascii_lowercase()) || s.bytes().all(|c| !c.is_ascii_uppercase())
        };
        if same_case(&joined)
            && postcode(
                &parts[0].to_ascii_uppercase(),
                &parts[1].to_ascii_uppercase(),
            )
        {
            return Some(Kind::Postcode);
        }
        // In a statement typed in capitals, "IN Y10 AND", "ALONG THE A21 AND": a school year
        // or a road before a common word is prose, not a prefix-format registration. (The
        // current format, "LP61 RAN", is too particular a shape to be prose.)
        let prefix_format = parts[0].as_bytes().get(1).is_some_and(u8::is_ascii_digit);
        if vehicle(parts[0], parts[1]) && !(prefix_format && COMMON_WORDS.contains(&parts[1])) {
            return Some(Kind::Vehicle);
        }
    }
    None
}

/// Three-letter words common in statements, which end a prefix registration's shape by chance.
const COMMON_WORDS: [&str; 60] = [
    "AND", "THE", "FOR", "WAS", "HIS", "HER", "HIM", "SHE", "YOU", "ARE", "BUT", "NOT", "HAD",
    "HAS", "ONE", "OUR", "OUT", "WHO", "ALL", "CAN", "GOT", "SAW", "RAN", "MAN", "MEN", "DAY",
    "WAY", "NOW", "NEW", "OLD", "TWO", "SAY", "ITS", "DID", "GET", "LET", "PUT", "SET", "TOO",
    "USE", "BOY", "MUM", "DAD", "CAR", "BUS", "VAN", "OFF", "AGO", "AGE", "ANY", "FEW", "HOW",
    "WHY", "YES", "SON", "HIT", "SIX", "TEN", "BAG", "KEY",
];

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())
}

/// `(value) mod 23` as a check letter.
fn check_letter(value: &str) -> Option<u8> {
    let v: u64 = value.parse().ok()?;
    Some(CHECK_LETTERS[(v % 23) as usize])
}

/// A PNC ID: a two- or four-digit year, `/`, a serial of up to seven digits and the check
/// letter of the two-digit year followed by the serial padded to seven digits.
pub(super) fn pnc_id(w: &str) -> bool {
    let Some((year, rest)) = w.split_once('/') else {
        return false;
    };
    if !(year.len() == 2 || year.len() == 4) || !digits(year) || rest.len() < 2 {
        return false;
    }
    let (serial, check) = rest.split_at(rest.len() - 1);
    if serial.len() > 7 || !digits(serial) {
        return false;
    }
    let value = format!("{}{serial:0>7}", &year[year.len() - 2..]);
    check_letter(&value) == Some(check.as_bytes()[0].to_ascii_uppercase())
}

/// A CRO number: `NNNNNN/YYA` (the check letter of the year followed by the serial padded to
/// six digits), or the short form `SFYY/NNNNNNA`.
pub(super) fn cro_number(w: &str) -> bool {
    let upper = w.to_ascii_uppercase();
    let Some((left, right)) = upper.split_once('/') else {
        return false;
    };
    if right.len() < 2 {
        return false;
    }
    let (middle, check) = right.split_at(right.len() - 1);
    let value = if let Some(year) = left.strip_prefix("SF") {
        if year.len() != 2 || !digits(year) || middle.len() > 6 || !digits(middle) {
            return false;
        }
        format!("{year}{middle}")
    } else {
        if left.len() > 6 || !digits(left) || middle.len() != 2 || !digits(middle) {
            return false;
        }
        format!("{middle}{left:0>6}")
    };
    check_letter(&value) == Some(check.as_bytes()[0])
}

/// A National Insurance number: two prefix letters HMRC allocates, six digits, and A to D.
pub(super) fn ni_number(w: &str) -> bool {
    let b = w.as_bytes();
    if b.len() != 9 {
        return false;
    }
    let (p1, p2) = (b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase());
    let prefix_ok = p1.is_ascii_uppercase()
        && p2.is_ascii_uppercase()
        && !b"DFIQUV".contains(&p1)
        && !b"DFIOQUV".contains(&p2)
        && ![*b"BG", *b"GB", *b"NK", *b"KN", *b"TN", *b"NT", *b"ZZ"].contains(&[p1, p2]);
    prefix_ok
        && b[2..8].iter().all(u8::is_ascii_digit)
        && matches!(b[8].to_ascii_uppercase(), b'A'..=b'D')
        // All in one case: "ab123456c" is as likely to be a reference.
        && (w.bytes().all(|c| !c.is_ascii_lowercase()) || w.bytes().all(|c| !c.is_ascii_uppercase()))
}

/// A UK postcode, outward and inward parts in capitals, on the official pattern: the letters
/// each position may hold, not just "letters and digits".
pub(super) fn postcode(outward: &str, inward: &str) -> bool {
    if outward == "GIR" && inward == "0AA" {
        return true;
    }
    let i = inward.as_bytes();
    let inward_ok = i.len() == 3
        && i[0].is_ascii_digit()
        && i[1..].iter().all(|c| b"ABDEFGHJLNPQRSTUWXYZ".contains(c));
    if !inward_ok {
        return false;
    }
    let o = outward.as_bytes();
    let first = |c: u8| b"ABCDEFGHIJKLMNOPRSTUWYZ".contains(&c);
    let second = |c: u8| b"ABCDEFGHKLMNOPQRSTUVWXY".contains(&c);
    let d = |c: u8| c.is_ascii_digit();
    match o {
        [a, n] => first(*a) && d(*n),
        [a, n, m] if d(*n) && d(*m) => first(*a),
        [a, b, n] if d(*n) => first(*a) && second(*b),
        [a, n, x] => first(*a) && d(*n) && b"ABCDEFGHJKPSTUW".contains(x),
        [a, b, n, m] if d(*m) => first(*a) && second(*b) && d(*n),
        [a, b, n, x] => first(*a) && second(*b) && d(*n) && b"ABEHMNPRVWXY".contains(x),
        _ => false,
    }
}

/// A vehicle registration in capitals: the current format (`AB12 CDE`: area letters, a
/// two-digit age identifier, three letters) or the prefix format (`P123 ABC`).
pub(super) fn vehicle(first: &str, last: &str) -> bool {
    let f = first.as_bytes();
    let l = last.as_bytes();
    let upper = |s: &[u8]| s.iter().all(u8::is_ascii_uppercase);
    if l.len() != 3 || !upper(l) {
        return false;
    }
    match f {
        // The memory tag never uses I, Q or Z; the age identifier is 02-09, 10-29 or 51-79
        // (March and September plates since 2001).
        [a, b, n, m] if upper(&[*a, *b]) && n.is_ascii_digit() && m.is_ascii_digit() => {
            let age = (n - b'0') * 10 + (m - b'0');
            !b"IQZ".contains(a)
                && !b"IQZ".contains(b)
                && (matches!(age, 2..=29) || matches!(age, 51..=79))
        }
        [a, rest @ ..] if (1..=3).contains(&rest.len()) => {
            a.is_ascii_uppercase()
                && !b"IOQUZ".contains(a)
                && rest.iter().all(u8::is_ascii_digit)
                && rest[0] != b'0'
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::find as find_all;
    use super::*;

    /// `find` reads only the words near digits: on text made of the pieces identifiers are
    /// made of, in every order, spacing and joining, it must find what reading every word
    /// finds (and it must find something often enough for that to mean anything).
    #[test]
    fn reading_only_the_words_near_digits_finds_what_reading_them_all_finds() {
        const PIECES: [&str; 34] = [
            "QQ",
            "12",
            "34",
            "56",
            "C",
            "GIR",
            "0AA",
            "SW1A",
            "1AA",
            "AB12",
            "CDE",
            "P123",
            "ABC",
            "98/123456A",
            "123456/89X",
            "QQ123456C",
            "the",
            "on",
            "at",
            "14:30",
            "12/10/2026",
            "café",
            "é",
            "/",
            "AND",
            "TN",
            "W1",
            "5",
            "was",
            "07700",
            "x9",
            "SF93/12345L",
            "AB",
            "ZZ",
        ];
        const GAPS: [&str; 6] = [" ", " ", " ", "  ", ", ", "é"];
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut with_spans = 0;
        for _ in 0..50_000 {
            let mut text = String::new();
            for _ in 0..1 + next(12) {
                text.push_str(PIECES[next(PIECES.len())]);
                text.push_str(GAPS[next(GAPS.len())]);
            }
            let (mut all, mut near) = (Vec::new(), Vec::new());
            find_in(&text, &words(&text), &mut all);
            find_in(&text, &words_near_digits(&text), &mut near);
            assert_eq!(all, near, "{text:?}");
            with_spans += usize::from(!all.is_empty());
        }
        assert!(
            with_spans > 1_000,
            "only {with_spans} texts held an identifier"
        );
    }

    fn found(text: &str) -> Vec<(Kind, String)> {
        find_all(text)
            .into_iter()
            .map(|s| (s.kind, text[s.start..s.end].to_string()))
            .collect()
    }

    /// A PNC ID with its check letter computed here the long way.
    fn pnc(year: &str, serial: u32) -> String {
        let v: u64 = format!("{}{serial:07}", &year[year.len() - 2..])
            .parse()
            .unwrap();
        format!(
            "{year}/{serial}{}",
            CHECK_LETTERS[(v % 23) as usize] as char
        )
    }

    #[test]
    fn pnc_ids_need_their_check_letter() {
        for id in [pnc("98", 123456), pnc("2001", 12345), pnc("79", 1)] {
            assert!(pnc_id(&id), "{id}");
            assert_eq!(
                found(&format!("PNC {id} held")),
                [(Kind::PncId, id.clone())]
            );
            let mut wrong = id.clone();
            let last = wrong.pop().unwrap();
            wrong.push(if last == 'A' { 'B' } else { 'A' });
            assert!(!pnc_id(&wrong), "{wrong}");
        }
        // Zero-padded serials are the same ID.
        let v: u64 = "980012345".parse().unwrap();
        let c = CHECK_LETTERS[(v % 23) as usize] as char;
        assert!(pnc_id(&format!("98/0012345{c}")));
        assert!(pnc_id(&format!("1998/12345{c}")));
        assert!(!pnc_id("98/12345678A"), "serial too long");
    }

    #[test]
    fn cro_numbers_in_both_forms() {
        let v: u64 = "89123456".parse().unwrap();
        let c = CHECK_LETTERS[(v % 23) as usize] as char;
        assert!(cro_number(&format!("123456/89{c}")));
        let v: u64 = "9312345".parse().unwrap();
        let s = CHECK_LETTERS[(v % 23) as usize] as char;
        assert!(cro_number(&format!("SF93/12345{s}")));
        assert_eq!(
            found(&format!("CRO 123456/89{c}.")),
            [(Kind::CroNumber, format!("123456/89{c}"))]
        );
        let wrong = if c == 'A' { 'B' } else { 'A' };
        assert!(!cro_number(&format!("123456/89{wrong}")));
        assert!(!cro_number("1234567/89A"), "serial too long");
    }

    #[test]
    fn national_insurance_numbers_with_valid_prefixes() {
        for (text, ni) in [
            ("NI QQ123456C", None),
            ("NI AB123456C", Some("AB123456C")),
            ("NI AB 12 34 56 C here", Some("AB 12 34 56 C")),
            ("ni ab123456c", Some("ab123456c")),
            ("NI GB123456A", None),
            ("NI AB123456E", None),
            ("NI DA123456A", None),
            ("NI AO123456A", None),
        ] {
            let want: Vec<(Kind, String)> = ni
                .map(|n| (Kind::NiNumber, n.to_string()))
                .into_iter()
                .collect();
            assert_eq!(found(text), want, "{text}");
        }
    }

    #[test]
    fn postcodes_on_the_official_pattern() {
        for pc in [
            "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB",
            "BR1 3UH", "sw1a 1aa", "GIR 0AA", "SW1A1AA",
        ] {
            assert_eq!(
                found(&format!("at {pc}, near")),
                [(Kind::Postcode, pc.to_string())],
                "{pc}"
            );
        }
        // Product codes and near misses: Q, V and Z where no postcode has them; C, I, K, M, O
        // or V in the inward part; lower-case run together.
        for text in [
            "model QX12 3CV",
            "part VB1 2AB",
            "code AB1 2CI",
            "unit AB1 1CA",
            "sku XY12 3AB9",
            "ab12cd",
            "Sw1A 1aA",
        ] {
            assert!(
                found(text).iter().all(|(k, _)| *k != Kind::Postcode),
                "{text}: {:?}",
                found(text)
            );
        }
    }

    #[test]
    fn vehicle_registrations_current_and_prefix() {
        for reg in [
            "AB12 CDE", "LD68 XYZ", "AB12CDE", "P123 ABC", "K7 ABC", "LP61 RAN",
        ] {
            assert_eq!(
                found(&format!("seen in {reg} today")),
                [(Kind::Vehicle, reg.to_string())],
                "{reg}"
            );
        }
        for text in [
            "IC3 MAN",
            "AB00 CDE",
            "AB45 CDE",
            "ab12 cde",
            "A0 BCD",
            "IQ12 ABC",
            // Statements in capitals (tests/it/free_text.rs): a school year, a road.
            "VICTIM IS IN Y10 AND WAS WALKING WITH FRIENDS.",
            "SUSPECT RAN ALONG THE A21 AND INTO THE PARK.",
        ] {
            assert!(
                found(text).iter().all(|(k, _)| *k != Kind::Vehicle),
                "{text}: {:?}",
                found(text)
            );
        }
    }
}
