//! The profile's rules bound to one input's columns: [`Filter`] judges a row and says why it is excluded.

use super::plan::{ColumnUse, InputPlan};
use crate::dates::{Date, Period};
use crate::load::RowRef;
use crate::profile::{AgeAt, Marking, Profile, Rule, RuleTest};

/// Why a row was excluded. Rows are counted under the first reason that applies, rules in
/// profile order, then a manual exclusion.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exclusion {
    /// The rule's value was present and readable but failed the rule.
    Failed { rule: String },
    /// The rule's value was empty.
    Missing { rule: String },
    /// The rule's value could not be read (not a date, number, yes/no or marking).
    Unreadable { rule: String },
    /// Excluded by the analyst, with their reason.
    Manual { reason: String },
}

impl Exclusion {
    /// A short, stable label for counting and the record.
    pub fn label(&self, profile: &Profile) -> String {
        let describe = |id: &str| {
            profile
                .rules
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.description.clone())
                .unwrap_or_default()
        };
        match self {
            Exclusion::Failed { rule } => format!("{rule}: {}", describe(rule)),
            Exclusion::Missing { rule } => format!("{rule}: value missing (excluded to be safe)"),
            Exclusion::Unreadable { rule } => {
                format!("{rule}: value unreadable (excluded to be safe)")
            }
            Exclusion::Manual { reason } => format!("excluded by hand: {reason}"),
        }
    }

    pub fn rule(&self) -> Option<&str> {
        match self {
            Exclusion::Failed { rule }
            | Exclusion::Missing { rule }
            | Exclusion::Unreadable { rule } => Some(rule),
            Exclusion::Manual { .. } => None,
        }
    }

    /// "failed", "missing", "unreadable" or "manual".
    pub fn kind(&self) -> &'static str {
        match self {
            Exclusion::Failed { .. } => "failed",
            Exclusion::Missing { .. } => "missing",
            Exclusion::Unreadable { .. } => "unreadable",
            Exclusion::Manual { .. } => "manual",
        }
    }
}

/// The rules of a profile bound to one input's columns, ready to judge rows.
pub struct Filter<'p> {
    pub(super) rules: Vec<Bound<'p>>,
    pub(super) period_end: Date,
    pub(super) today: Date,
}

/// One rule and the columns it reads in this input.
pub(super) struct Bound<'p> {
    rule: &'p Rule,
    /// The rule's own field (a date of birth, a number, a flag, a marking).
    col: Option<usize>,
    /// For an age at the offence: the offence date, and an age-at-offence column.
    date_col: Option<usize>,
    age_col: Option<usize>,
    /// For the marking ceiling: every marking column after the first (each is read).
    more_cols: Vec<usize>,
}

/// What judging a row that passes found out on the way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Judged {
    /// Bit `i` set: rule `i` of the profile read an empty value as the agreement says to.
    pub empty_taken: u32,
    /// The row's protective marking, as an index into [`crate::profile::MARKING_NAMES`].
    pub marking: Option<u8>,
}

impl<'p> Filter<'p> {
    /// `today` is the day the data leaves (for ages the agreement measures then).
    pub fn new(profile: &'p Profile, plan: &InputPlan, period: Period, today: Date) -> Filter<'p> {
        let col = |f: &str| plan.by_field.get(f).copied();
        let rules = profile
            .rules
            .iter()
            .filter_map(|rule| {
                let (date_col, age_col) = match &rule.test {
                    RuleTest::AgeBetween {
                        at:
                            AgeAt::Offence {
                                date_field,
                                age_field,
                            },
                        ..
                    } => (col(date_field), age_field.as_deref().and_then(col)),
                    _ => (None, None),
                };
                let more_cols = match rule.test {
                    RuleTest::MarkingAtMost(_) => plan
                        .columns
                        .iter()
                        .enumerate()
                        .filter(|(c, u)| {
                            Some(*c) != col(&rule.field)
                                && matches!(u, ColumnUse::RuleOnly { field } if *field == rule.field)
                        })
                        .map(|(c, _)| c)
                        .collect(),
                    _ => Vec::new(),
                };
                let bound = Bound {
                    rule,
                    col: col(&rule.field),
                    date_col,
                    age_col,
                    more_cols,
                };
                // A rule with nothing to read is the marking ceiling on an unmarked export
                // (planning refuses every other such rule).
                (bound.col.is_some() || bound.age_col.is_some()).then_some(bound)
            })
            .collect();
        Filter {
            rules,
            period_end: period.last_day(),
            today,
        }
    }

    /// Whether these rules read a protective marking column.
    pub fn reads_marking(&self) -> bool {
        self.rules
            .iter()
            .any(|b| matches!(b.rule.test, RuleTest::MarkingAtMost(_)))
    }

    /// `Ok` when every rule passes; otherwise the first rule's reason.
    pub fn judge(&self, row: &RowRef<'_>) -> Result<Judged, Exclusion> {
        let mut judged = Judged::default();
        for (i, b) in self.rules.iter().enumerate() {
            let rule = b.rule;
            let rid = || rule.id.clone();
            let read = |col: Option<usize>| col.map(|c| row.cell(c).trim()).unwrap_or("");
            if let RuleTest::AgeBetween { min, max, at } = &rule.test {
                let age = match (at, b.age_col) {
                    (AgeAt::Offence { .. }, Some(age_col)) => {
                        let value = read(Some(age_col));
                        if value.is_empty() {
                            return Err(Exclusion::Missing { rule: rid() });
                        }
                        parse_whole_number(value)
                            .ok_or_else(|| Exclusion::Unreadable { rule: rid() })?
                    }
                    _ => {
                        let dob = read(b.col);
                        let on = match at {
                            AgeAt::PeriodEnd => Some(self.period_end),
                            AgeAt::Today => Some(self.today),
                            AgeAt::Offence { .. } => None,
                        };
                        let on_text = read(b.date_col);
                        if dob.is_empty() || (on.is_none() && on_text.is_empty()) {
                            return Err(Exclusion::Missing { rule: rid() });
                        }
                        let dob = Date::parse_export(dob)
                            .ok_or_else(|| Exclusion::Unreadable { rule: rid() })?;
                        let on = match on {
                            Some(d) => d,
                            None => Date::parse_export(on_text)
                                .ok_or_else(|| Exclusion::Unreadable { rule: rid() })?,
                        };
                        if dob > on {
                            return Err(Exclusion::Unreadable { rule: rid() });
                        }
                        dob.age_on(on)
                    }
                };
                if !in_range(age, *min, *max) {
                    return Err(Exclusion::Failed { rule: rid() });
                }
                continue;
            }
            let value = read(b.col);
            if value.is_empty() {
                if rule.empty.is_some() {
                    judged.empty_taken |= 1 << i.min(31);
                    continue;
                }
                return Err(Exclusion::Missing { rule: rid() });
            }
            let pass = match &rule.test {
                // Judged above; were it ever reached, the row would be excluded.
                RuleTest::AgeBetween { .. } => {
                    return Err(Exclusion::Unreadable { rule: rid() });
                }
                RuleTest::NumberBetween { min, max } => {
                    let n = parse_whole_number(value)
                        .ok_or_else(|| Exclusion::Unreadable { rule: rid() })?;
                    in_range(n, *min, *max)
                }
                RuleTest::ExcludeIfYes => {
                    !parse_yes_no(value).ok_or_else(|| Exclusion::Unreadable { rule: rid() })?
                }
                RuleTest::MarkingAtMost(ceiling) => {
                    // Every marking column must be readable; the highest counts.
                    let (mut level, mut name) = Marking::parse_named(value)
                        .ok_or_else(|| Exclusion::Unreadable { rule: rid() })?;
                    for &c in &b.more_cols {
                        let more = row.cell(c).trim();
                        if more.is_empty() {
                            return Err(Exclusion::Missing { rule: rid() });
                        }
                        let (l, n) = Marking::parse_named(more)
                            .ok_or_else(|| Exclusion::Unreadable { rule: rid() })?;
                        if (l, n) > (level, name) {
                            (level, name) = (l, n);
                        }
                    }
                    judged.marking = Some(name);
                    level <= *ceiling
                }
            };
            if !pass {
                return Err(Exclusion::Failed { rule: rid() });
            }
        }
        Ok(judged)
    }

    /// The rule behind bit `i` of [`Judged::empty_taken`].
    pub fn rule_at(&self, i: usize) -> Option<&'p Rule> {
        self.rules.get(i).map(|b| b.rule)
    }
}

fn in_range(n: i64, min: Option<i64>, max: Option<i64>) -> bool {
    min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m)
}

/// A whole number as exports write it: "15", "15.0" (a spreadsheet's float), never "15.5".
pub(super) fn parse_whole_number(s: &str) -> Option<i64> {
    if let Ok(n) = s.parse::<i64>() {
        return Some(n);
    }
    let (int, frac) = s.split_once('.')?;
    if !frac.is_empty() && frac.bytes().all(|b| b == b'0') {
        int.parse().ok()
    } else {
        None
    }
}

/// Yes: Y, Yes, True, 1. No: N, No, False, 0. Any case. Anything else is unreadable.
pub fn parse_yes_no(s: &str) -> Option<bool> {
    let s = s.trim();
    let is = |words: [&str; 4]| words.iter().any(|w| s.eq_ignore_ascii_case(w));
    if is(["y", "yes", "true", "1"]) {
        Some(true)
    } else if is(["n", "no", "false", "0"]) {
        Some(false)
    } else {
        None
    }
}

pub use crate::text::needs_neutralising;
