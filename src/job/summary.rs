//! A job's [`Summary`]: what would leave (or left), by column and by row count.

use super::{Blocker, FREE_TEXT_UNREVIEWED};
use serde::Serialize;

/// What would leave (or left), by column and by row count. This is the `--json` contract.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub profile: String,
    /// "(built in) ID.toml" or the path of the `--profiles` file that was used.
    pub profile_source: String,
    pub profile_sha256: String,
    pub agreement: String,
    pub period: String,
    pub inputs: Vec<InputSummary>,
    pub columns: ColumnsSummary,
    pub rows: RowsSummary,
    pub cells: CellsSummary,
    pub marking: MarkingSummary,
    pub warnings: Vec<WarningSummary>,
    pub blockers: Vec<Blocker>,
}

impl Summary {
    /// What stops the bundle that only reading the rows could show (details in free text no
    /// decision covers): a pack checks these after streaming, a dry run adds them to the rest.
    pub fn late_blockers(&self) -> Vec<Blocker> {
        self.blockers
            .iter()
            .filter(|b| b.kind == FREE_TEXT_UNREVIEWED)
            .cloned()
            .collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct InputSummary {
    pub path: String,
    pub file: String,
    pub sha256: String,
    pub size: u64,
    pub format: &'static str,
    pub encoding: &'static str,
    pub delimiter: Option<&'static str>,
    pub sheet: Option<String>,
    /// Every sheet of a workbook, in order (empty for CSV).
    pub sheets: Vec<SheetSummary>,
    pub header_row: u32,
    /// Rows and columns the sheet hides (XLSX only; `None` when nothing is hidden). Their
    /// cells are read and shared like any other.
    pub hidden: Option<crate::load::HiddenCells>,
    pub rows_read: u64,
    pub rows_shared: u64,
    pub rows_excluded: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SheetSummary {
    pub name: String,
    /// "visible", "hidden" or "very hidden".
    pub visibility: &'static str,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ColumnsSummary {
    pub shared: Vec<SharedColumn>,
    pub withheld: Vec<SourceColumn>,
    pub rule_only: Vec<RuleColumn>,
    /// Agreed fields that no column of an input supplies.
    pub not_in_export: Vec<MissingField>,
    /// Withheld columns whose header fits an agreed field no column supplies: offered, never
    /// applied on their own (`field` is what `--map` takes).
    pub suggested: Vec<SuggestedColumn>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SuggestedColumn {
    pub source: String,
    pub field: String,
    pub input: String,
}

/// The protective marking: the agreement's ceiling, and the highest marking among the rows
/// that leave.
#[derive(Debug, Clone, Serialize)]
pub struct MarkingSummary {
    pub ceiling: String,
    pub ceiling_section: String,
    /// Inputs read against a marking column, and inputs with none.
    pub inputs_marked: usize,
    pub inputs_unmarked: usize,
    /// The highest marking among the shared rows; `None` when no input has a marking column
    /// (or no row is shared).
    pub highest_shared: Option<String>,
}

impl MarkingSummary {
    /// What the bag's `Protective-Marking` and the record say: the highest marking actually
    /// shared, and whether any input carried none.
    pub fn shown(&self) -> String {
        match (&self.highest_shared, self.inputs_unmarked) {
            (Some(m), 0) => m.clone(),
            (Some(m), _) => format!(
                "{m} (an input carried no marking: confirmed at most {})",
                self.ceiling
            ),
            (None, 0) => format!("no rows shared (ceiling {})", self.ceiling),
            (None, _) => format!(
                "NOT MARKED in the export (confirmed at most {})",
                self.ceiling
            ),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SharedColumn {
    pub source: String,
    pub field: String,
    pub label: String,
    pub category: &'static str,
    pub section: String,
    pub input: String,
    /// "alias" (the profile knows the header) or "analyst" (mapped by hand).
    pub mapped_by: &'static str,
    pub justification: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceColumn {
    pub source: String,
    pub input: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleColumn {
    pub source: String,
    pub field: String,
    pub input: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MissingField {
    pub field: String,
    pub label: String,
    pub input: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RowsSummary {
    pub read: u64,
    pub shared: u64,
    pub excluded: Vec<ExcludedCount>,
    /// Shared rows whose rule value was empty, shared because the agreement says what empty
    /// means (an opt-out never recorded is not an opt-out).
    pub shared_as_agreed: Vec<SharedAsAgreed>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SharedAsAgreed {
    pub rule: String,
    /// "shared, no opt-out recorded".
    pub reason: String,
    /// The agreement's words that say what empty means.
    pub section: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExcludedCount {
    pub reason: String,
    pub rule: Option<String>,
    /// "failed", "missing", "unreadable" or "manual".
    pub kind: &'static str,
    pub count: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CellsSummary {
    pub neutralised: u64,
    pub redacted: u64,
    /// Details found in shared free-text columns, per column and kind (never the values).
    pub flagged: Vec<FlaggedCount>,
    /// Free-text cells holding a detail that no decision covers (neither redacted nor kept).
    pub flagged_unreviewed: u64,
}

/// Details of one kind found in one shared free-text column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlaggedCount {
    pub source: String,
    pub field: String,
    pub input: String,
    /// Written as [`crate::freetext::Kind::id`]: "phone", "nhs-number", …
    pub kind: crate::freetext::Kind,
    /// Cells holding at least one.
    pub count: u64,
    /// Of those details, how many were redacted as spans (`[REDACTED: kind]`).
    pub redacted: u64,
    /// Cells kept as they are by the analyst's decision.
    pub kept: u64,
    /// Cells holding one that no decision covers.
    pub unreviewed: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct WarningSummary {
    pub code: String,
    pub section: String,
    pub message: String,
    pub acknowledged: bool,
}
