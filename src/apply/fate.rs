//! Each row's fate and each shared cell: [`process`] runs an input through, [`Outcome`] counts it.

use super::filter::{Exclusion, Filter, Judged, needs_neutralising};
use super::plan::InputPlan;
use super::{ApplyError, Decisions, Flagged, REDACTED};
use crate::freetext::{self, Kind};
use crate::load::{LoadError, Row, RowRef, Table};
use std::collections::BTreeMap;

/// Counts for one input after a full pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub rows_read: u64,
    pub rows_shared: u64,
    pub excluded: BTreeMap<Exclusion, u64>,
    pub cells_neutralised: u64,
    pub cells_redacted: u64,
    pub sha256: String,
    /// Shared rows whose rule value was empty, read as the agreement says (by rule id).
    pub shared_empty: BTreeMap<String, u64>,
    /// The highest protective marking among the shared rows ([`crate::profile::MARKING_NAMES`]
    /// index); `None` when the export has no marking column.
    pub highest_marking: Option<u8>,
    /// Whether this input was read against a protective marking column.
    pub marking_column: bool,
    /// Details found in free-text cells, by (index into the plan's `shared`, kind).
    pub flagged: BTreeMap<(usize, Kind), FlagCount>,
    /// Free-text cells holding a detail left as it is with no decision: to be reviewed, or
    /// the review acknowledged, before the bundle may be written.
    pub flagged_unreviewed: u64,
    /// The kinds found in each free-text cell decided by hand ([`Decisions::flagged`]), by
    /// (row number, field id), so the record can say what each decision was about.
    pub decided_kinds: BTreeMap<(u64, String), Vec<Kind>>,
}

/// Details of one kind found in one shared free-text column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlagCount {
    /// Cells holding at least one.
    pub cells: u64,
    /// Spans redacted (`[REDACTED: kind]`).
    pub redacted: u64,
    /// Cells the analyst kept as they are, with a reason.
    pub kept: u64,
    /// Cells holding one left with no decision.
    pub unreviewed: u64,
}

/// One detail found in a shared cell: which output column, what kind, what became of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    /// Index into the plan's `shared`.
    pub column: usize,
    pub kind: Kind,
    pub fate: FlagFate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagFate {
    /// Replaced by `[REDACTED: kind]`.
    Redacted,
    /// Left, by the analyst's decision.
    Kept,
    /// Left with no decision yet.
    Unreviewed,
}

impl Outcome {
    /// Count the details found in one shared row (by [`fate_flagged`]).
    pub fn note_flags(&mut self, flags: &[Flag]) {
        // Counted per cell and kind: a statement with two telephone numbers is one cell.
        let mut unreviewed_cell = usize::MAX;
        for (n, f) in flags.iter().enumerate() {
            let first_of_kind = !flags[..n]
                .iter()
                .any(|g| g.column == f.column && g.kind == f.kind);
            let c = self.flagged.entry((f.column, f.kind)).or_default();
            if first_of_kind {
                c.cells += 1;
                match f.fate {
                    FlagFate::Kept => c.kept += 1,
                    FlagFate::Unreviewed => c.unreviewed += 1,
                    FlagFate::Redacted => {}
                }
            }
            match f.fate {
                FlagFate::Redacted => c.redacted += 1,
                FlagFate::Unreviewed if unreviewed_cell != f.column => {
                    unreviewed_cell = f.column;
                    self.flagged_unreviewed += 1;
                }
                _ => {}
            }
        }
    }

    /// Count one shared row's findings.
    pub fn note(&mut self, filter: &Filter<'_>, judged: Judged) {
        if judged.empty_taken != 0 {
            for i in 0..32 {
                if judged.empty_taken & (1 << i) != 0
                    && let Some(rule) = filter.rule_at(i)
                {
                    *self.shared_empty.entry(rule.id.clone()).or_insert(0) += 1;
                }
            }
        }
        if judged.marking > self.highest_marking {
            self.highest_marking = judged.marking;
        }
    }
}

/// Stream one input through its plan and filter, handing each shared row and its output
/// cells (in [`InputPlan::shared`] order) to `emit`. A CSV's rows are read in place: nothing
/// is copied on the way from the file to `emit`.
pub fn process<E>(
    input_index: usize,
    table: &Table,
    plan: &InputPlan,
    filter: &Filter<'_>,
    decisions: &Decisions,
    mut emit: impl FnMut(&RowRef<'_>, &[SharedCell]) -> Result<(), E>,
) -> Result<Outcome, ProcessError<E>> {
    let mut out = Outcome {
        marking_column: filter.reads_marking(),
        ..Outcome::default()
    };
    // Only the mapped columns (shared fields and rule fields) are ever looked at.
    let mut rows = table
        .rows_wanting(&plan.wanted_columns(table.headers.len()))
        .map_err(|e| ProcessError::Apply(e.into()))?;
    let mut cells_out = Vec::with_capacity(plan.shared.len());
    let mut flags = Vec::new();
    while let Some(next) = rows.next_ref() {
        let row = next.map_err(|e| ProcessError::Apply(e.into()))?;
        out.rows_read += 1;
        match fate_flagged(
            input_index,
            &row,
            plan,
            filter,
            decisions,
            &mut cells_out,
            &mut flags,
        ) {
            Err(why) => *out.excluded.entry(why).or_insert(0) += 1,
            Ok(counts) => {
                out.cells_neutralised += counts.neutralised;
                out.cells_redacted += counts.redacted;
                out.note(filter, counts.judged);
                if !flags.is_empty() {
                    out.note_flags(&flags);
                    if !decisions.flagged.is_empty() {
                        note_decided_kinds(
                            &mut out,
                            input_index,
                            row.number,
                            plan,
                            decisions,
                            &flags,
                        );
                    }
                }
                emit(&row, &cells_out).map_err(ProcessError::Sink)?;
                out.rows_shared += 1;
            }
        }
    }
    let digest = rows.digest().ok_or_else(|| {
        ProcessError::Apply(ApplyError::Load(LoadError::Changed {
            path: table.path.clone(),
        }))
    })?;
    out.sha256 = digest.sha256;
    Ok(out)
}

/// Note the kinds found in the cells of row `number` that a decision by hand covers.
fn note_decided_kinds(
    out: &mut Outcome,
    input_index: usize,
    number: u64,
    plan: &InputPlan,
    decisions: &Decisions,
    flags: &[Flag],
) {
    for f in flags {
        if f.column >= plan.shared.len() {
            continue;
        }
        let name = cell_key(plan, f.column);
        if decisions
            .flagged
            .contains_key(&(input_index, number, name.clone()))
        {
            let kinds = out.decided_kinds.entry((number, name)).or_default();
            if !kinds.contains(&f.kind) {
                kinds.push(f.kind);
            }
        }
    }
}

/// Cells changed in one shared row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CellCounts {
    pub neutralised: u64,
    pub redacted: u64,
    /// What the rules found on the way (empty values read as agreed; the marking).
    pub judged: Judged,
}

/// What one output cell of a shared row holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SharedCell {
    /// The text of this source column, as it is.
    Source(usize),
    /// The text of this source column after a `'`, so no spreadsheet runs it as a formula.
    Neutralised(usize),
    /// [`REDACTED`]: the analyst redacted the cell by hand.
    Redacted,
    /// Free text with the details found in it redacted as spans (and neutralised, as any
    /// cell, should it now start like a formula): the text that leaves.
    Rewritten(String),
}

impl SharedCell {
    /// The cell's text in two parts, written one after the other: a prefix (`'` or nothing)
    /// and the rest.
    pub fn parts<'a>(&'a self, row: &RowRef<'a>) -> (&'static str, &'a str) {
        match self {
            SharedCell::Source(col) => ("", row.cell(*col)),
            SharedCell::Neutralised(col) => ("'", row.cell(*col)),
            SharedCell::Redacted => ("", REDACTED),
            SharedCell::Rewritten(text) => ("", text),
        }
    }

    /// The cell's text.
    pub fn text(&self, row: &RowRef<'_>) -> String {
        let (prefix, rest) = self.parts(row);
        [prefix, rest].concat()
    }
}

/// Decide one row: excluded (with the first reason that applies), or shared, with what its
/// output cells hold written into `cells_out` in [`InputPlan::shared`] order. The one place a
/// row's fate is decided: [`process`], [`decide`] and the screens all call it.
pub fn fate(
    input_index: usize,
    row: &RowRef<'_>,
    plan: &InputPlan,
    filter: &Filter<'_>,
    decisions: &Decisions,
    cells_out: &mut Vec<SharedCell>,
) -> Result<CellCounts, Exclusion> {
    fate_flagged(
        input_index,
        row,
        plan,
        filter,
        decisions,
        cells_out,
        &mut Vec::new(),
    )
}

/// [`fate`], with each detail found in the row's free-text cells written into `flags` (in
/// column order, then text order) with what became of it.
pub fn fate_flagged(
    input_index: usize,
    row: &RowRef<'_>,
    plan: &InputPlan,
    filter: &Filter<'_>,
    decisions: &Decisions,
    cells_out: &mut Vec<SharedCell>,
    flags: &mut Vec<Flag>,
) -> Result<CellCounts, Exclusion> {
    flags.clear();
    let judged = filter.judge(row)?;
    if !decisions.manual_exclusions.is_empty()
        && let Some(reason) = decisions.manual_exclusions.get(&(input_index, row.number))
    {
        return Err(Exclusion::Manual {
            reason: reason.clone(),
        });
    }
    let mut counts = CellCounts {
        judged,
        ..CellCounts::default()
    };
    cells_out.clear();
    for (at, (col, field)) in plan.shared.iter().enumerate() {
        let cell = if !decisions.redactions.is_empty()
            && decisions
                .redactions
                .contains_key(&(input_index, row.number, field.clone()))
        {
            counts.redacted += 1;
            SharedCell::Redacted
        } else if let Some(rewritten) = plan
            .free_text
            .get(at)
            .copied()
            .unwrap_or(false)
            .then(|| review(input_index, row, plan, at, decisions, flags))
            .flatten()
        {
            if needs_neutralising(&rewritten) {
                counts.neutralised += 1;
                SharedCell::Rewritten(format!("'{rewritten}"))
            } else {
                SharedCell::Rewritten(rewritten)
            }
        } else if needs_neutralising(row.cell(*col)) {
            counts.neutralised += 1;
            SharedCell::Neutralised(*col)
        } else {
            SharedCell::Source(*col)
        };
        cells_out.push(cell);
    }
    Ok(counts)
}

/// The name a decision on one output cell of a row is kept under, beside the input and row:
/// the field's id, or, where the field takes several columns (a broad category), the id and
/// the source column's position, so that a decision on one column is never taken for another
/// column's ("keep" on the victim's own number in one report must not pass a suspect's number
/// in the next column).
pub fn cell_key(plan: &InputPlan, at: usize) -> String {
    let (col, field) = &plan.shared[at];
    if plan.shared.iter().filter(|(_, f)| f == field).count() > 1 {
        format!("{field} (column {})", col + 1)
    } else {
        field.clone()
    }
}

/// Finds the details in one free-text cell, notes each in `flags` with its fate, and returns
/// the cell's text with those to be redacted replaced (`None`: it leaves as it is).
fn review(
    input_index: usize,
    row: &RowRef<'_>,
    plan: &InputPlan,
    at: usize,
    decisions: &Decisions,
    flags: &mut Vec<Flag>,
) -> Option<String> {
    let text = row.cell(plan.shared[at].0);
    let spans = freetext::find(text);
    if spans.is_empty() {
        return None;
    }
    let by_hand = if decisions.flagged.is_empty() {
        None
    } else {
        decisions
            .flagged
            .get(&(input_index, row.number, cell_key(plan, at)))
    };
    let mut kinds: Vec<Kind> = Vec::new();
    for s in &spans {
        // Redacting every detail of a kind wins over keeping one cell: "every telephone
        // number" must mean every one, whatever else the cell was kept for.
        let fate = match by_hand {
            Some(Flagged::RedactSpans { only, .. })
                if only.is_empty() || only.contains(&s.kind) =>
            {
                FlagFate::Redacted
            }
            _ if decisions.redact_flagged.contains(&s.kind) => FlagFate::Redacted,
            Some(_) => FlagFate::Kept,
            None => FlagFate::Unreviewed,
        };
        if fate == FlagFate::Redacted && !kinds.contains(&s.kind) {
            kinds.push(s.kind);
        }
        flags.push(Flag {
            column: at,
            kind: s.kind,
            fate,
        });
    }
    freetext::redact(text, &spans, &kinds)
}

/// [`fate`] for a row held whole, with the output cells' text written into `cells_out` (its
/// buffers reused from the last row).
pub fn decide(
    input_index: usize,
    row: &Row,
    plan: &InputPlan,
    filter: &Filter<'_>,
    decisions: &Decisions,
    cells_out: &mut Vec<String>,
) -> Result<CellCounts, Exclusion> {
    let view = row.view();
    let mut shared = Vec::with_capacity(plan.shared.len());
    let counts = fate(input_index, &view, plan, filter, decisions, &mut shared)?;
    cells_out.resize_with(shared.len(), String::new);
    for (cell, out) in shared.iter().zip(cells_out.iter_mut()) {
        let (prefix, rest) = cell.parts(&view);
        out.clear();
        out.push_str(prefix);
        out.push_str(rest);
    }
    Ok(counts)
}

/// A failure while processing: from reading and applying, or from the caller's sink.
#[derive(Debug)]
pub enum ProcessError<E> {
    Apply(ApplyError),
    Sink(E),
}
