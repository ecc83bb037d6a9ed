//! A disclosure job: one profile, one or more loaded inputs, the analyst's decisions and the
//! reporting period; and the [`Summary`] of what would leave, which the CLI prints, the TUI
//! shows and the bundle's disclosure record is built from.
//!
//! The summary never holds a cell value: only file names, headers, field names and counts.

use crate::advice::{Advice, Setting};

mod summary;

pub use summary::{
    CellsSummary, ColumnsSummary, ExcludedCount, FlaggedCount, InputSummary, MarkingSummary,
    MissingField, RowsSummary, RuleColumn, SharedAsAgreed, SharedColumn, SheetSummary,
    SourceColumn, SuggestedColumn, Summary, WarningSummary,
};

use crate::apply::{
    self, ApplyError, ColumnUse, Decisions, Exclusion, Filter, InputPlan, Outcome, ProcessError,
    SharedCell,
};
use crate::dates::{Date, Period};
use crate::load::{Row, RowRef, Table};
use crate::profile::{Profile, Warning};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub struct Job<'p> {
    pub profile: &'p Profile,
    pub tables: Vec<Table>,
    pub plans: Vec<InputPlan>,
    pub decisions: Decisions,
    pub period: Period,
    /// Warning codes the analyst has acknowledged.
    pub acknowledged: BTreeSet<String>,
    /// The warnings in force (profile's own, review-overdue, and what this job's exports and
    /// period raise), fixed when the job is made.
    pub warnings: Vec<Warning>,
    /// The day the data leaves: ages the agreement measures "now" are measured on it.
    pub today: Date,
}

/// Raised when a period more than this many months back is chosen.
pub const PERIOD_MONTHS_BACK: i64 = 12;

/// The warning raised for a period more than [`PERIOD_MONTHS_BACK`] months back.
pub const PERIOD_LONG_PAST: &str = "period-over-12-months-ago";

/// Warning codes the tool raises from the job itself (not written in a profile): the analyst
/// may acknowledge them ahead of knowing whether they will be raised.
pub const JOB_WARNINGS: [&str; 3] = [
    crate::profile::NO_MARKING_COLUMN,
    PERIOD_LONG_PAST,
    FREE_TEXT_REVIEWED,
];

/// The blocker kind of unreviewed free text: known only once the rows have been read, so a
/// pack finds it after streaming and writes nothing.
pub const FREE_TEXT_UNREVIEWED: &str = "free-text-unreviewed";

/// The warning raised when free-text cells hold what look like other people's details that no
/// decision covers: acknowledging it says the analyst read them and they may leave.
pub const FREE_TEXT_REVIEWED: &str = "free-text-reviewed";

/// Why a reporting period cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("the period {period} has not ended (today is {today})")]
    NotEnded { period: Period, today: Date },
}

impl PeriodError {
    /// What the analyst can do about it.
    pub fn advice(&self) -> Advice {
        match self {
            PeriodError::NotEnded { today, .. } => Advice::text(format!(
                "Choose a month that is over: the latest is {}.",
                Period::previous(*today)
            )),
        }
    }
}

/// A period can be reported on once it has ended.
pub fn check_period(period: Period, today: Date) -> Result<(), PeriodError> {
    if period.has_ended(today) {
        Ok(())
    } else {
        Err(PeriodError::NotEnded { period, today })
    }
}

/// The warnings this job raises by itself: an export with no protective marking column (the
/// ceiling cannot be checked row by row), and a period long past.
fn job_warnings(
    profile: &Profile,
    tables: &[Table],
    plans: &[InputPlan],
    period: Period,
    today: Date,
) -> Vec<Warning> {
    let mut out = Vec::new();
    // An input with no marking column; a header that may hold one is named for the analyst.
    let unmarked: Vec<String> = tables
        .iter()
        .zip(plans)
        .filter(|(_, plan)| !plan.by_field.contains_key(crate::profile::MARKING_FIELD))
        .map(|(t, _)| {
            let name = crate::text::printable(&t.file_name());
            let maybe: Vec<String> = t
                .headers
                .iter()
                .filter(|h| crate::profile::may_be_marking_header(h))
                .map(|h| format!("\"{}\"", crate::text::printable(h)))
                .collect();
            if maybe.is_empty() {
                name
            } else {
                format!(
                    "{name} (check whether {} holds a marking: if so, map it to the protective marking field)",
                    maybe.join(", ")
                )
            }
        })
        .collect();
    if !unmarked.is_empty() {
        let a = &profile.agreement;
        out.push(Warning {
            code: crate::profile::NO_MARKING_COLUMN.to_string(),
            section: a.max_marking_section.clone(),
            message: format!(
                "{} {} no protective marking column, so the agreement's ceiling ({}) cannot be checked row by row. Confirm nothing in it is marked above {}: SECRET and TOP SECRET material must never leave this way. If the export does carry a marking under another header, map that column to the protective marking field instead.",
                unmarked.join(", "),
                if unmarked.len() == 1 { "carries" } else { "carry" },
                a.max_marking_text.to_uppercase(),
                a.max_marking_text.to_uppercase(),
            ),
        });
    }
    let back = period.months_before(today);
    if back > PERIOD_MONTHS_BACK {
        out.push(Warning {
            code: PERIOD_LONG_PAST.to_string(),
            section: "reporting period".to_string(),
            message: format!(
                "The period {period} is {back} months ago. Monthly bundles report the month just ended; confirm this older month is what the partner asked for, and that nothing in it has since been corrected or withdrawn."
            ),
        });
    }
    out
}

/// Something that stops a bundle being written until the analyst acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    /// "unacknowledged-warning" or "justification-missing".
    pub kind: &'static str,
    /// The warning code or field id concerned.
    pub item: String,
    /// What the analyst does to clear it (each face says it in its own words).
    pub fix: Advice,
}

impl<'p> Job<'p> {
    /// Plan every input against the profile. Fails on a mapping that cannot work (a typo in
    /// `--map`, two columns for one field, a rule whose column is missing).
    pub fn prepare(
        profile: &'p Profile,
        tables: Vec<Table>,
        decisions: Decisions,
        period: Period,
        acknowledged: BTreeSet<String>,
        today: Date,
    ) -> Result<Job<'p>, ApplyError> {
        apply::check_maps(&tables, &decisions)?;
        let plans = tables
            .iter()
            .map(|t| apply::plan_input(profile, t, &decisions))
            .collect::<Result<Vec<_>, _>>()?;
        let mut warnings = profile.warnings_on(today);
        warnings.extend(job_warnings(profile, &tables, &plans, period, today));
        Ok(Job {
            profile,
            tables,
            plans,
            decisions,
            period,
            acknowledged,
            warnings,
            today,
        })
    }

    /// What must be done before a bundle may be written. Empty when ready.
    pub fn blockers(&self) -> Vec<Blocker> {
        let mut out = Vec::new();
        for w in &self.warnings {
            if !self.acknowledged.contains(&w.code) {
                out.push(Blocker {
                    kind: "unacknowledged-warning",
                    item: w.code.clone(),
                    fix: Advice::set(Setting::Acknowledge {
                        code: w.code.clone(),
                    }),
                });
            }
        }
        if !self.profile.agreement.prescriptive {
            let mut needed = BTreeSet::new();
            for plan in &self.plans {
                needed.extend(plan.shared.iter().map(|(_, f)| f.clone()));
            }
            for field in needed {
                if self
                    .decisions
                    .justifications
                    .get(&field)
                    .is_none_or(|t| t.trim().is_empty())
                {
                    out.push(Blocker {
                        kind: "justification-missing",
                        fix: Advice::set(Setting::Justify {
                            field: Some(field.clone()),
                        }),
                        item: field,
                    });
                }
            }
        }
        out
    }

    /// Output header for input `i`: the agreed labels of its shared fields, in profile order.
    /// A field that takes several columns (a broad category) labels each with its source
    /// header, so the partner can tell them apart: "probation service data (OASys Score)".
    pub fn output_header(&self, i: usize) -> Vec<String> {
        let plan = &self.plans[i];
        plan.shared
            .iter()
            .map(|(col, id)| {
                let label = self
                    .profile
                    .field(id)
                    .map(|f| f.label.clone())
                    .unwrap_or_else(|| id.clone());
                if plan.shared.iter().filter(|(_, f)| f == id).count() > 1 {
                    let header = self.tables[i].headers.get(*col).map_or("", String::as_str);
                    format!("{label} ({})", crate::text::printable(header))
                } else {
                    label
                }
            })
            .collect()
    }

    /// Stream input `i`, handing each shared row and what its output cells hold to `emit`
    /// ([`SharedCell::parts`] gives their text).
    pub fn run_input<E>(
        &self,
        i: usize,
        emit: impl FnMut(&RowRef<'_>, &[SharedCell]) -> Result<(), E>,
    ) -> Result<Outcome, ProcessError<E>> {
        let filter = Filter::new(self.profile, &self.plans[i], self.period, self.today);
        apply::process(
            i,
            &self.tables[i],
            &self.plans[i],
            &filter,
            &self.decisions,
            emit,
        )
    }

    /// The rule filter for input `i`, for callers that decide rows one at a time (the TUI).
    pub fn filter(&self, i: usize) -> Filter<'_> {
        Filter::new(self.profile, &self.plans[i], self.period, self.today)
    }

    /// Decide one row of input `i` as a pack would: its output cells, or why it is excluded.
    pub fn decide(&self, i: usize, row: &Row) -> Result<Vec<String>, Exclusion> {
        let mut cells = Vec::with_capacity(self.plans[i].shared.len());
        apply::decide(
            i,
            row,
            &self.plans[i],
            &self.filter(i),
            &self.decisions,
            &mut cells,
        )?;
        Ok(cells)
    }

    /// Stream every input without writing anything: the dry run.
    pub fn run_dry(&self) -> Result<Vec<Outcome>, ApplyError> {
        (0..self.tables.len())
            .map(|i| {
                self.run_input(i, |_, _| Ok::<(), std::convert::Infallible>(()))
                    .map_err(|e| match e {
                        ProcessError::Apply(a) => a,
                        ProcessError::Sink(never) => match never {},
                    })
            })
            .collect()
    }

    /// The summary of a completed pass.
    pub fn summary(&self, outcomes: &[Outcome]) -> Summary {
        let p = self.profile;
        let mut columns = ColumnsSummary::default();
        let mut inputs = Vec::new();
        let mut rows = RowsSummary::default();
        let mut excluded: BTreeMap<Exclusion, u64> = BTreeMap::new();
        let mut cells = CellsSummary::default();
        let mut shared_empty: BTreeMap<String, u64> = BTreeMap::new();
        let (mut marking_columns, mut highest_marking) = (0usize, None::<u8>);
        for (i, (table, plan)) in self.tables.iter().zip(&self.plans).enumerate() {
            let input = table.path.display().to_string();
            let outcome = outcomes.get(i).cloned().unwrap_or_default();
            for (col, header) in table.headers.iter().enumerate() {
                match &plan.columns[col] {
                    ColumnUse::Shared { .. } => {}
                    ColumnUse::RuleOnly { field } => columns.rule_only.push(RuleColumn {
                        source: header.clone(),
                        field: field.clone(),
                        input: input.clone(),
                    }),
                    ColumnUse::Withheld => columns.withheld.push(SourceColumn {
                        source: header.clone(),
                        input: input.clone(),
                    }),
                }
            }
            for (col, id) in &plan.shared {
                let field = p.field(id).expect("plans only hold profile fields");
                columns.shared.push(SharedColumn {
                    source: table.headers[*col].clone(),
                    field: id.clone(),
                    label: field.label.clone(),
                    category: field.category.name(),
                    section: field.section.clone(),
                    input: input.clone(),
                    mapped_by: if plan.explicit.get(id).copied().unwrap_or(false) {
                        "analyst"
                    } else {
                        "alias"
                    },
                    justification: self.decisions.justifications.get(id).cloned(),
                });
            }
            for sg in crate::suggest::suggest(p, &table.headers, plan, &plan.by_hand) {
                columns.suggested.push(SuggestedColumn {
                    source: table.headers[sg.column].clone(),
                    field: sg.field,
                    input: input.clone(),
                });
            }
            for f in plan.missing_fields(p) {
                columns.not_in_export.push(MissingField {
                    field: f.id.clone(),
                    label: f.label.clone(),
                    input: input.clone(),
                });
            }
            let input_excluded: u64 = outcome.excluded.values().sum();
            inputs.push(InputSummary {
                path: input.clone(),
                file: table.file_name(),
                sha256: outcome.sha256.clone(),
                size: table.size,
                format: match table.format {
                    crate::load::Format::Csv { .. } => "csv",
                    crate::load::Format::Xlsx { .. } => "xlsx",
                },
                encoding: table.format.encoding_name(),
                delimiter: table.format.delimiter_name(),
                sheet: table.format.sheet().map(str::to_string),
                sheets: match &table.format {
                    crate::load::Format::Xlsx { sheets, .. } => sheets
                        .iter()
                        .map(|s| SheetSummary {
                            name: s.name.clone(),
                            visibility: s.visibility,
                        })
                        .collect(),
                    crate::load::Format::Csv { .. } => Vec::new(),
                },
                header_row: table.header_row,
                hidden: match &table.format {
                    crate::load::Format::Xlsx { hidden, .. } if !hidden.is_empty() => {
                        Some(hidden.clone())
                    }
                    _ => None,
                },
                rows_read: outcome.rows_read,
                rows_shared: outcome.rows_shared,
                rows_excluded: input_excluded,
            });
            rows.read += outcome.rows_read;
            rows.shared += outcome.rows_shared;
            for (why, n) in &outcome.excluded {
                *excluded.entry(why.clone()).or_insert(0) += n;
            }
            cells.neutralised += outcome.cells_neutralised;
            cells.redacted += outcome.cells_redacted;
            cells.flagged_unreviewed += outcome.flagged_unreviewed;
            for (&(at, kind), n) in &outcome.flagged {
                let (col, id) = &plan.shared[at];
                cells.flagged.push(FlaggedCount {
                    source: table.headers[*col].clone(),
                    field: id.clone(),
                    input: input.clone(),
                    kind,
                    count: n.cells,
                    redacted: n.redacted,
                    kept: n.kept,
                    unreviewed: n.unreviewed,
                });
            }
            for (rule, n) in &outcome.shared_empty {
                *shared_empty.entry(rule.clone()).or_insert(0) += n;
            }
            if plan.by_field.contains_key(crate::profile::MARKING_FIELD) {
                marking_columns += 1;
            }
            if outcome.highest_marking > highest_marking {
                highest_marking = outcome.highest_marking;
            }
        }
        rows.shared_as_agreed = p
            .rules
            .iter()
            .filter_map(|r| {
                let count = *shared_empty.get(&r.id)?;
                let e = r.empty.as_ref()?;
                Some(SharedAsAgreed {
                    rule: r.id.clone(),
                    reason: e.label.clone(),
                    section: e.section.clone(),
                    count,
                })
            })
            .collect();
        let a = &p.agreement;
        let marking = MarkingSummary {
            ceiling: a.max_marking_text.to_uppercase(),
            ceiling_section: a.max_marking_section.clone(),
            inputs_marked: marking_columns,
            inputs_unmarked: self.tables.len() - marking_columns,
            highest_shared: highest_marking
                .map(|i| crate::profile::MARKING_NAMES[usize::from(i)].to_string()),
        };
        // Group by rule in profile order (then manual), and within a rule: failed, missing,
        // unreadable, so the person reading sees each rule's story together.
        let mut excluded: Vec<(Exclusion, u64)> = excluded.into_iter().collect();
        let rule_pos = |e: &Exclusion| {
            e.rule()
                .and_then(|r| p.rules.iter().position(|x| x.id == r))
                .unwrap_or(usize::MAX)
        };
        excluded.sort_by_key(|(e, _)| (rule_pos(e), e.kind()));
        rows.excluded = excluded
            .iter()
            .map(|(why, count)| ExcludedCount {
                reason: why.label(p),
                rule: why.rule().map(str::to_string),
                kind: why.kind(),
                count: *count,
            })
            .collect();
        let mut warnings: Vec<WarningSummary> = self
            .warnings
            .iter()
            .map(|w| WarningSummary {
                code: w.code.clone(),
                section: w.section.clone(),
                message: w.message.clone(),
                acknowledged: self.acknowledged.contains(&w.code),
            })
            .collect();
        let mut blockers = self.blockers();
        if cells.flagged_unreviewed > 0 {
            let w = free_text_warning(p, &cells);
            if !self.acknowledged.contains(&w.code) {
                blockers.push(Blocker {
                    kind: FREE_TEXT_UNREVIEWED,
                    item: w.code.clone(),
                    fix: Advice::set(Setting::RedactFlagged {
                        kinds: unreviewed_kinds(&cells)
                            .into_iter()
                            .map(String::from)
                            .collect(),
                    })
                    .and(" (or, once you have read them, ")
                    .then(Setting::Acknowledge {
                        code: FREE_TEXT_REVIEWED.into(),
                    })
                    .and(")"),
                });
            }
            warnings.push(WarningSummary {
                acknowledged: self.acknowledged.contains(&w.code),
                code: w.code,
                section: w.section,
                message: w.message,
            });
        }
        Summary {
            profile: p.id.clone(),
            profile_source: p.origin.clone(),
            profile_sha256: p.sha256.clone(),
            agreement: p.agreement.title.clone(),
            period: self.period.to_string(),
            inputs,
            columns,
            rows,
            cells,
            marking,
            warnings,
            blockers,
        }
    }
}

/// The kinds found in free text that some cell holds with no decision, by id.
fn unreviewed_kinds(cells: &CellsSummary) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = cells
        .flagged
        .iter()
        .filter(|f| f.unreviewed > 0)
        .map(|f| f.kind.id())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

/// The warning for free-text cells that hold details no decision covers, counted by kind.
fn free_text_warning(p: &Profile, cells: &CellsSummary) -> Warning {
    let mut by_kind: BTreeMap<crate::freetext::Kind, u64> = BTreeMap::new();
    for f in &cells.flagged {
        *by_kind.entry(f.kind).or_insert(0) += f.unreviewed;
    }
    let kinds: Vec<String> = by_kind
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{}: {n}", k.label()))
        .collect();
    Warning {
        code: FREE_TEXT_REVIEWED.to_string(),
        section: p
            .agreement
            .free_text_section
            .clone()
            .unwrap_or_else(|| "the agreed fields".to_string()),
        message: format!(
            "{} free-text {} what looks like somebody's details ({}). The agreement allows the field, not what was typed into it about somebody else: read them, then redact the details (all of a kind at once, or cell by cell), or acknowledge that they may leave.",
            cells.flagged_unreviewed,
            if cells.flagged_unreviewed == 1 {
                "cell holds"
            } else {
                "cells hold"
            },
            kinds.join(", ")
        ),
    }
}
