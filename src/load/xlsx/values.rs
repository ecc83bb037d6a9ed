//! Cell values as the text a row carries: numbers in their shortest form, Excel's error
//! tokens, dates and durations as ISO text (see the decisions in the module above).

use super::number_format::DateStyle;
use super::{END_SERIAL_1900, END_SERIAL_1904};
use calamine::{CellErrorType, ExcelDateTime};

/// A number as text: Rust's shortest round-trip form, which never has an exponent
/// (`7700900123`, `1.5`, `0.0000001`). Negative zero is `0`. `None` if not finite.
pub(super) fn number_text(v: f64) -> Option<String> {
    if !v.is_finite() {
        return None;
    }
    if v == 0.0 {
        return Some("0".into());
    }
    Some(format!("{v}"))
}

pub(super) fn error_token(e: &CellErrorType) -> &'static str {
    match e {
        CellErrorType::Div0 => "#DIV/0!",
        CellErrorType::NA => "#N/A",
        CellErrorType::Name => "#NAME?",
        CellErrorType::Null => "#NULL!",
        CellErrorType::Num => "#NUM!",
        CellErrorType::Ref => "#REF!",
        CellErrorType::Value => "#VALUE!",
        CellErrorType::GettingData => "#GETTING_DATA",
    }
}

/// A date-time cell as ISO text; see the module documentation.
pub(super) fn datetime_text(dt: &ExcelDateTime, style: DateStyle, is_1904: bool) -> String {
    let v = dt.as_f64();
    if dt.is_duration() {
        return duration_text(v);
    }
    let end = if is_1904 {
        END_SERIAL_1904
    } else {
        END_SERIAL_1900
    };
    if !v.is_finite() || v < 0.0 || v >= end {
        return number_text(v).unwrap_or_default();
    }
    let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
    let mut clock = format!("{h:02}:{mi:02}:{s:02}");
    if ms != 0 {
        clock.push_str(&format!(".{ms:03}"));
    }
    if v < 1.0 && !style.date {
        // A time of day (Excel's day 0).
        return clock;
    }
    if v < 1.0 && !is_1904 {
        // Day 0 of the 1900 system, which Excel shows as 1900-01-00: no real date.
        return number_text(v).unwrap_or_default();
    }
    let date = format!("{y:04}-{mo:02}-{d:02}");
    let has_time = h != 0 || mi != 0 || s != 0 || ms != 0;
    if has_time || style.time {
        format!("{date}T{clock}")
    } else {
        date
    }
}

/// A duration in days as `HH:MM:SS` (hours as many as needed, `.mmm` if any).
pub(super) fn duration_text(v: f64) -> String {
    let total = (v.abs() * 86_400_000.0).round();
    if !total.is_finite() || total > 1e15 {
        return number_text(v).unwrap_or_default();
    }
    let total = total as u64;
    let sign = if v < 0.0 && total > 0 { "-" } else { "" };
    let (h, mi, s, ms) = (
        total / 3_600_000,
        total / 60_000 % 60,
        total / 1000 % 60,
        total % 1000,
    );
    let mut out = format!("{sign}{h:02}:{mi:02}:{s:02}");
    if ms != 0 {
        out.push_str(&format!(".{ms:03}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_no_exponent_and_no_dot_zero() {
        assert_eq!(number_text(7_700_900_123.0).as_deref(), Some("7700900123"));
        assert_eq!(number_text(1.5).as_deref(), Some("1.5"));
        assert_eq!(number_text(-0.0).as_deref(), Some("0"));
        assert_eq!(number_text(1e21).as_deref(), Some("1000000000000000000000"));
        assert_eq!(number_text(1e-7).as_deref(), Some("0.0000001"));
        assert_eq!(
            number_text(0.1 + 0.2).as_deref(),
            Some("0.30000000000000004")
        );
        assert_eq!(number_text(f64::NAN), None);
        assert_eq!(number_text(f64::INFINITY), None);
    }

    fn dt(v: f64, is_1904: bool) -> ExcelDateTime {
        ExcelDateTime::new(v, calamine::ExcelDateTimeType::DateTime, is_1904)
    }

    #[test]
    fn dates_as_iso() {
        let date = DateStyle {
            date: true,
            time: false,
        };
        let both = DateStyle {
            date: true,
            time: true,
        };
        let time = DateStyle {
            date: false,
            time: true,
        };
        let unknown = DateStyle::default();
        // 2026-10-01 is serial 46296 in the 1900 system.
        assert_eq!(
            datetime_text(&dt(46296.0, false), date, false),
            "2026-10-01"
        );
        assert_eq!(
            datetime_text(&dt(46296.5, false), date, false),
            "2026-10-01T12:00:00"
        );
        assert_eq!(
            datetime_text(&dt(46296.0, false), both, false),
            "2026-10-01T00:00:00"
        );
        assert_eq!(
            datetime_text(&dt(46296.0, false), unknown, false),
            "2026-10-01"
        );
        assert_eq!(datetime_text(&dt(0.75, false), time, false), "18:00:00");
        assert_eq!(datetime_text(&dt(0.75, false), unknown, false), "18:00:00");
        assert_eq!(datetime_text(&dt(0.0, false), date, false), "0");
        assert_eq!(datetime_text(&dt(-1.0, false), date, false), "-1");
        assert_eq!(datetime_text(&dt(3e6, false), date, false), "3000000");
        // 1904: serial 0 is 1904-01-01.
        assert_eq!(datetime_text(&dt(0.0, true), date, true), "1904-01-01");
        assert_eq!(datetime_text(&dt(44834.0, true), date, true), "2026-10-01");
        // Milliseconds are kept.
        assert_eq!(
            datetime_text(&dt(46296.0 + 0.5 / 86_400.0, false), both, false),
            "2026-10-01T00:00:00.500"
        );
    }

    #[test]
    fn durations_as_hours() {
        assert_eq!(duration_text(1.5), "36:00:00");
        assert_eq!(duration_text(1.0 / 24.0 + 1.0 / 1440.0), "01:01:00");
        assert_eq!(duration_text(-0.5), "-12:00:00");
        assert_eq!(duration_text(0.0), "00:00:00");
    }
}
