//! Dates of birth written in the text: a date just after a cue ("DOB", "D.O.B.", "date of
//! birth", "born"). A date on its own is usually the incident's, so it is not flagged.

use super::{Kind, Span};

const CUES: [&str; 5] = ["date of birth", "d.o.b.", "d.o.b", "dob", "born"];

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

pub(super) fn find(text: &str, out: &mut Vec<Span>) {
    // Every cue holds a "b" where "dob", "d.o.b", "birth" or "born" is written: look there
    // first, so prose without a cue is passed over without a lower-case copy.
    let b = text.as_bytes();
    let cue_at = |i: usize| {
        let at = |from: usize, word: &str| {
            b.get(from..from + word.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(word.as_bytes()))
        };
        at(i, "born")
            || at(i, "birth")
            || (i >= 2 && at(i - 2, "dob"))
            || (i >= 4 && at(i - 4, "d.o.b"))
    };
    if !memchr::memchr2_iter(b'b', b'B', b).any(cue_at) {
        return;
    }
    let lower = text.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut from = 0;
    while from < b.len() {
        // The earliest cue from here.
        let next = CUES
            .iter()
            .filter_map(|c| lower[from..].find(c).map(|i| (from + i, c.len())))
            .min_by_key(|&(i, len)| (i, usize::MAX - len));
        let Some((i, len)) = next else { break };
        from = i + len;
        // A whole word ("dobson" is not a cue).
        if (i > 0 && b[i - 1].is_ascii_alphanumeric())
            || b.get(i + len).is_some_and(u8::is_ascii_alphanumeric)
        {
            continue;
        }
        let mut j = i + len;
        let skip_end = (j + 16).min(b.len());
        while j < skip_end {
            if matches!(b[j], b' ' | b':' | b'-' | b',' | b'(' | b'=') {
                j += 1;
            } else if let Some(w) = ["on the ", "is the ", "on ", "is ", "was "]
                .iter()
                .find(|w| lower[j..].starts_with(**w))
            {
                j += w.len();
            } else {
                break;
            }
        }
        if let Some(end) = date_at(&lower, j) {
            out.push(Span {
                start: j,
                end,
                kind: Kind::DateOfBirth,
            });
            from = end;
        }
    }
}

/// The end of a date starting at `i`, in any of the ways people write one.
fn date_at(s: &str, i: usize) -> Option<usize> {
    numeric(s, i)
        .or_else(|| year_first(s, i))
        .or_else(|| day_month_year(s, i))
        .or_else(|| month_day_year(s, i))
}

fn number(s: &str, i: usize, max: usize) -> Option<(u32, usize)> {
    let b = s.as_bytes();
    let mut j = i;
    while j < b.len() && j - i < max && b[j].is_ascii_digit() {
        j += 1;
    }
    if j == i || b.get(j).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some((s[i..j].parse().ok()?, j))
}

/// Three numbers of at most `widths` digits each, split by one separator (`/`, `-` or `.`)
/// used both times: the numbers, the third's length in digits, and where they end.
fn three_numbers(s: &str, i: usize, widths: [usize; 3]) -> Option<([u32; 3], usize, usize)> {
    let b = s.as_bytes();
    let (first, j) = number(s, i, widths[0])?;
    let sep = *b.get(j)?;
    if !matches!(sep, b'/' | b'-' | b'.') {
        return None;
    }
    let (second, k) = number(s, j + 1, widths[1])?;
    if b.get(k) != Some(&sep) {
        return None;
    }
    let (third, end) = number(s, k + 1, widths[2])?;
    Some(([first, second, third], end - k - 1, end))
}

/// `12/03/1998`, `12-3-98`, `12.03.1998`.
fn numeric(s: &str, i: usize) -> Option<usize> {
    let ([day, month, _], year_len, end) = three_numbers(s, i, [2, 2, 4])?;
    ((1..=31).contains(&day) && (1..=12).contains(&month) && (year_len == 2 || year_len == 4))
        .then_some(end)
}

fn month_at(s: &str, i: usize) -> Option<usize> {
    let rest = &s[i..];
    for m in MONTHS {
        if rest.starts_with(m) {
            return Some(i + m.len());
        }
        if rest.starts_with(&m[..3]) && !rest.as_bytes().get(3).is_some_and(u8::is_ascii_alphabetic)
        {
            let e = i + 3;
            return Some(if s.as_bytes().get(e) == Some(&b'.') {
                e + 1
            } else {
                e
            });
        }
    }
    // "Sept".
    rest.starts_with("sept").then_some(i + 4)
}

fn ordinal(s: &str, j: usize) -> usize {
    ["st", "nd", "rd", "th"]
        .iter()
        .find(|o| s[j..].starts_with(*o))
        .map_or(j, |o| j + o.len())
}

fn year(s: &str, i: usize) -> Option<usize> {
    let (_, end) = number(s, i, 4)?;
    (end - i == 4).then_some(end)
}

/// `1998-03-12`, `1998/03/12`: the year first, as systems write dates.
fn year_first(s: &str, i: usize) -> Option<usize> {
    let ([_, month, day], _, end) = three_numbers(s, i, [4, 2, 2])?;
    year(s, i)?;
    ((1..=31).contains(&day) && (1..=12).contains(&month)).then_some(end)
}

/// `12 March 1998`, `12th Mar. 1998`, `12th of March 1998`.
fn day_month_year(s: &str, i: usize) -> Option<usize> {
    let (day, j) = number(s, i, 2)?;
    let j = ordinal(s, j);
    let j = j + s[j..].bytes().take_while(|c| *c == b' ').count();
    let j = if s[j..].starts_with("of ") { j + 3 } else { j };
    let k = month_at(s, j)?;
    let k = k + s[k..]
        .bytes()
        .take_while(|c| matches!(c, b' ' | b','))
        .count();
    let end = year(s, k)?;
    (1..=31).contains(&day).then_some(end)
}

/// `March 12, 1998`.
fn month_day_year(s: &str, i: usize) -> Option<usize> {
    let j = month_at(s, i)?;
    let j = j + s[j..].bytes().take_while(|c| *c == b' ').count();
    let (day, k) = number(s, j, 2)?;
    let k = ordinal(s, k);
    let k = k + s[k..]
        .bytes()
        .take_while(|c| matches!(c, b' ' | b','))
        .count();
    let end = year(s, k)?;
    (1..=31).contains(&day).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::super::find as find_all;
    use super::*;

    fn dobs(text: &str) -> Vec<&str> {
        find_all(text)
            .into_iter()
            .filter(|s| s.kind == Kind::DateOfBirth)
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn dates_after_a_cue_are_dates_of_birth() {
        for (text, date) in [
            ("suspect DOB 12/03/1998 lives", "12/03/1998"),
            ("D.O.B: 1-2-98", "1-2-98"),
            ("his date of birth is 12th March 1998.", "12th March 1998"),
            ("born on 3 Sept 2001", "3 Sept 2001"),
            ("Born March 12, 1998", "March 12, 1998"),
            ("(dob 12.03.1998)", "12.03.1998"),
            // Found by the planted-details suite (tests/it/free_text.rs).
            (
                "His date of birth is 12th of March 1988.",
                "12th of March 1988",
            ),
            (
                "The suspect was born on the 12th March 1988.",
                "12th March 1988",
            ),
            ("DOB 1988-03-12 per PNC", "1988-03-12"),
        ] {
            assert_eq!(dobs(text), [date], "{text}");
        }
    }

    #[test]
    fn dates_without_a_cue_or_not_dates_are_not() {
        for text in [
            "Incident on 12/03/2024 at 14:30",
            "Dobson said 12/03/1998",
            "born 32/01/1998",
            "DOB unknown, about 1998",
            "dob 12/13/1998",
            "DOB 1988-13-12",
        ] {
            assert_eq!(dobs(text), Vec::<&str>::new(), "{text}");
        }
    }
}
