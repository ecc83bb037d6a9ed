//! Calendar dates as the rules need them: parsing the forms police exports use, the reporting
//! period, and a person's age on a given day. Plain civil dates, no time zones.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if !(1000..=9999).contains(&year) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// `YYYY-MM-DD`, optionally followed by a time (`T...` or ` ...`), which is ignored.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let s = s.trim();
        let date = s.split(['T', ' ']).next()?;
        let mut it = date.split('-');
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        // Digits only: `str::parse` would also take a sign, reading "2010-+1-05" as a date.
        if ![y, m, d]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// The UK form `dd/mm/yyyy` (also with `-` or `.`, and one-digit day or month), optionally
    /// followed by a time. Two-digit years are refused: 01/02/03 could be any century.
    pub fn parse_uk(s: &str) -> Option<Date> {
        let s = s.trim();
        let date = s.split(' ').next()?;
        let sep = date.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
        let mut it = date.split(sep);
        let (d, m, y) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some()
            || y.len() != 4
            || d.is_empty()
            || d.len() > 2
            || m.is_empty()
            || m.len() > 2
        {
            return None;
        }
        if ![d, m, y]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// A date of birth as found in an export: ISO (what the XLSX loader writes) or UK.
    pub fn parse_export(s: &str) -> Option<Date> {
        Date::parse_iso(s).or_else(|| Date::parse_uk(s))
    }

    /// Whole years from `self` (a birth date) to `on`. Someone born on 29 February turns a
    /// year older on 1 March in non-leap years, as UK law counts it.
    pub fn age_on(self, on: Date) -> i64 {
        let mut age = i64::from(on.year) - i64::from(self.year);
        if (on.month, on.day) < (self.month, self.day) {
            age -= 1;
        }
        age
    }

    /// Today's date in UTC.
    pub fn today() -> Date {
        let now = time::OffsetDateTime::now_utc();
        Date {
            year: now.year(),
            month: now.month() as u8,
            day: now.day(),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 31,
    }
}

/// A reporting month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub year: i32,
    pub month: u8,
}

impl Period {
    pub fn parse(s: &str) -> Option<Period> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let p = Period {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
        };
        Date::new(p.year, p.month, 1).map(|_| p)
    }

    /// The month before the one `today` falls in: a bundle prepared in November reports October.
    pub fn previous(today: Date) -> Period {
        if today.month == 1 {
            Period {
                year: today.year - 1,
                month: 12,
            }
        } else {
            Period {
                year: today.year,
                month: today.month - 1,
            }
        }
    }

    /// Whether the month is over by `today`: only an ended month can be reported on.
    pub fn has_ended(self, today: Date) -> bool {
        self.last_day() < today
    }

    /// How many months `self` lies before the month `today` falls in (0 for this month,
    /// negative for a month to come).
    pub fn months_before(self, today: Date) -> i64 {
        (i64::from(today.year) * 12 + i64::from(today.month))
            - (i64::from(self.year) * 12 + i64::from(self.month))
    }

    pub fn first_day(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: 1,
        }
    }

    pub fn last_day(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: days_in_month(self.year, self.month),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u8, dd: u8) -> Date {
        Date::new(y, m, dd).unwrap()
    }

    #[test]
    fn uk_dates_are_day_first_and_need_four_digit_years() {
        assert_eq!(Date::parse_uk("03/04/2005"), Some(d(2005, 4, 3)));
        assert_eq!(Date::parse_uk("3.4.2005"), Some(d(2005, 4, 3)));
        assert_eq!(Date::parse_uk("03/04/2005 14:30"), Some(d(2005, 4, 3)));
        assert_eq!(Date::parse_uk("31/02/2005"), None);
        assert_eq!(Date::parse_uk("03/04/05"), None);
        assert_eq!(Date::parse_uk("12/13/2005"), None);
        assert_eq!(Date::parse_uk(""), None);
    }

    #[test]
    fn iso_dates_with_or_without_time() {
        assert_eq!(Date::parse_iso("2005-04-03"), Some(d(2005, 4, 3)));
        assert_eq!(Date::parse_iso("2005-04-03T10:00:00"), Some(d(2005, 4, 3)));
        assert_eq!(Date::parse_iso("2005-4-3"), None);
    }

    #[test]
    fn age_counts_whole_years_and_leap_birthdays() {
        assert_eq!(d(2000, 11, 30).age_on(d(2025, 11, 30)), 25);
        assert_eq!(d(2000, 12, 1).age_on(d(2025, 11, 30)), 24);
        assert_eq!(d(2004, 2, 29).age_on(d(2022, 2, 28)), 17);
        assert_eq!(d(2004, 2, 29).age_on(d(2022, 3, 1)), 18);
    }

    #[test]
    fn period_bounds_and_previous_month() {
        let p = Period::parse("2024-02").unwrap();
        assert_eq!(p.last_day(), d(2024, 2, 29));
        assert_eq!(
            Period::previous(d(2026, 1, 15)),
            Period {
                year: 2025,
                month: 12
            }
        );
        assert_eq!(Period::parse("2024-13"), None);
    }

    #[test]
    fn a_period_ends_with_its_last_day() {
        let p = Period::parse("2026-11").unwrap();
        assert!(!p.has_ended(d(2026, 11, 30)));
        assert!(p.has_ended(d(2026, 12, 1)));
        assert_eq!(p.months_before(d(2026, 12, 2)), 1);
        assert_eq!(
            Period::parse("2025-11")
                .unwrap()
                .months_before(d(2026, 12, 2)),
            13
        );
        assert_eq!(
            Period::parse("2027-01")
                .unwrap()
                .months_before(d(2026, 12, 2)),
            -1
        );
    }
}
