//! Excel number formats: the one place that reads a format's code. Two questions are asked of
//! it, with rules of their own, and both are kept:
//!
//! - whether a number is a number, a date-time or a duration ([`Kind`]): decided exactly as
//!   calamine decides it, quirks included, so that the sheet reader gives the same cells as
//!   calamine's (`same_as_calamine`);
//! - which parts of a date-time the format shows ([`DateStyle`]), so that a date is written
//!   without a time it does not have, and a time of day without a date.
//!
//! The two readings differ in what they count: calamine takes any `d`, `m`, `h`, `y` or `s`
//! outside brackets for a date-time and `[h]` for a duration; here `m` is minutes beside `h`
//! or `s` and a month otherwise. Neither can stand in for the other without changing what a
//! cell reads as, so they stay two functions over the same code.
//!
//! Built-in formats are known by their ids; their codes are listed here too.

/// Whether a number format shows a number, a date-time, or a duration (`[h]:mm`), as
/// calamine decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Number,
    DateTime,
    Duration,
}

/// How a number format shows a date-time: whether it has a date part, a time part (both
/// false: not known).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct DateStyle {
    pub(super) date: bool,
    pub(super) time: bool,
}

/// What a custom number format makes of a number (calamine's `detect_custom_number_format`,
/// MIT licence): only the first section counts; quoted text, escaped characters and
/// `[...]` are skipped; `[h]`, `[m]`, `[s]` make a duration.
pub(super) fn custom_kind(format: &str) -> Kind {
    let (mut escaped, mut quoted, mut brackets) = (false, false, 0u8);
    let (mut prev, mut hms, mut ap) = (' ', false, false);
    for s in format.chars() {
        match (s, escaped, quoted, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => quoted = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => quoted = true,
            (';', ..) => return Kind::Number,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return Kind::Duration,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return Kind::DateTime,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return Kind::DateTime;
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    Kind::Number
}

/// What a built-in number format (by its id as written) makes of a number.
pub(super) fn builtin_kind(id: &[u8]) -> Kind {
    match id {
        b"14" | b"15" | b"16" | b"17" | b"18" | b"19" | b"20" | b"21" | b"22" | b"45" | b"47" => {
            Kind::DateTime
        }
        b"27" | b"28" | b"29" | b"30" | b"31" | b"32" | b"33" | b"34" | b"35" | b"36" | b"50"
        | b"51" | b"52" | b"53" | b"54" | b"55" | b"56" | b"57" | b"58" => Kind::DateTime,
        b"46" => Kind::Duration,
        _ => Kind::Number,
    }
}

/// The code of a built-in number format (ECMA-376 Part 1, 18.8.30).
pub(super) fn builtin_code(id: u32) -> Option<&'static str> {
    Some(match id {
        0 => "General",
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        9 => "0%",
        10 => "0.00%",
        11 => "0.00E+00",
        12 => "# ?/?",
        13 => "# ??/??",
        14 => "mm-dd-yy",
        15 => "d-mmm-yy",
        16 => "d-mmm",
        17 => "mmm-yy",
        18 => "h:mm AM/PM",
        19 => "h:mm:ss AM/PM",
        20 => "h:mm",
        21 => "h:mm:ss",
        22 => "m/d/yy h:mm",
        37 => "#,##0 ;(#,##0)",
        38 => "#,##0 ;[Red](#,##0)",
        39 => "#,##0.00;(#,##0.00)",
        40 => "#,##0.00;[Red](#,##0.00)",
        41 => "_(* #,##0_);_(* (#,##0);_(* \"-\"_);_(@_)",
        42 => "_($* #,##0_);_($* (#,##0);_($* \"-\"_);_(@_)",
        43 => "_(* #,##0.00_);_(* (#,##0.00);_(* \"-\"??_);_(@_)",
        44 => "_($* #,##0.00_);_($* (#,##0.00);_($* \"-\"??_);_(@_)",
        45 => "mm:ss",
        46 => "[h]:mm:ss",
        47 => "mmss.0",
        48 => "##0.0E+0",
        49 => "@",
        _ => return None,
    })
}

/// What a number format shows of a date-time. Only the first section counts; quoted text,
/// escaped characters and `[...]` (colours, locales, elapsed-time markers) are skipped. `m` is
/// minutes next to hours or seconds, otherwise a month.
pub(super) fn classify_format(code: &str) -> DateStyle {
    let b = code.as_bytes();
    let (mut date, mut time, mut m) = (false, false, false);
    let mut i = 0;
    while i < b.len() {
        let c = b[i].to_ascii_lowercase();
        match c {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += 1;
                }
            }
            b'[' => {
                while i < b.len() && b[i] != b']' {
                    i += 1;
                }
            }
            b'\\' | b'_' | b'*' => i += 1,
            b';' => break,
            b'y' | b'd' => date = true,
            b'h' | b's' => time = true,
            b'm' => m = true,
            b'a' => {
                let rest = code[i..].to_ascii_lowercase();
                if rest.starts_with("am/pm") || rest.starts_with("a/p") {
                    time = true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    if m && !time {
        date = true;
    }
    DateStyle { date, time }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_classified() {
        let c = |s| classify_format(s);
        assert_eq!(
            c("yyyy-mm-dd"),
            DateStyle {
                date: true,
                time: false
            }
        );
        assert_eq!(
            c("dd/mm/yyyy hh:mm"),
            DateStyle {
                date: true,
                time: true
            }
        );
        assert_eq!(
            c("h:mm"),
            DateStyle {
                date: false,
                time: true
            }
        );
        assert_eq!(
            c("mm:ss"),
            DateStyle {
                date: false,
                time: true
            }
        );
        assert_eq!(
            c("h:mm AM/PM"),
            DateStyle {
                date: false,
                time: true
            }
        );
        assert_eq!(
            c("mmm-yy"),
            DateStyle {
                date: true,
                time: false
            }
        );
        assert_eq!(
            c("mmmm"),
            DateStyle {
                date: true,
                time: false
            }
        );
        assert_eq!(
            c("[$-409]d-mmm-yy;@"),
            DateStyle {
                date: true,
                time: false
            }
        );
        assert_eq!(
            c("\"Day\" d"),
            DateStyle {
                date: true,
                time: false
            }
        );
        assert_eq!(c("General"), DateStyle::default());
    }
}
