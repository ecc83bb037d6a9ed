//! Applying a profile to a loaded export: which source column becomes which agreed field (the
//! [`InputPlan`]), then, row by row, whether the row may leave and what its shared cells are.
//!
//! Default deny: a column is shared only when it maps to one of the profile's shared fields.
//! Rules fail closed: a row whose rule value is empty or unreadable is excluded, and counted
//! under a reason that says so. Everything here is pure: no I/O but reading rows.

mod fate;
mod filter;
mod plan;

pub use fate::{
    CellCounts, Flag, FlagCount, FlagFate, Outcome, ProcessError, SharedCell, cell_key, decide,
    fate, fate_flagged, process,
};
pub use filter::{Exclusion, Filter, Judged, needs_neutralising, parse_yes_no};
pub use plan::{ColumnUse, InputPlan, check_maps, missing_rule_column, plan_input};

use crate::advice::{Advice, Setting};
use crate::freetext::Kind;
use crate::load::LoadError;
use crate::text::printable;
use std::collections::{BTreeMap, BTreeSet};

/// What the analyst decided on top of the profile: column mapping overrides, justifications,
/// the period, and (from the TUI) rows excluded and cells redacted by hand.
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    /// `(source header, field name)`: map the column with that header to the field named by
    /// id, label or alias. A field name of `-` withholds the column.
    pub maps: Vec<(String, String)>,
    /// Field id → the written justification for sharing it (Caldicott principle 3).
    pub justifications: BTreeMap<String, String>,
    /// Rows excluded by hand: (input index, row number) → reason.
    pub manual_exclusions: BTreeMap<(usize, u64), String>,
    /// Cells redacted by hand: (input index, row number, field id) → reason.
    pub redactions: BTreeMap<(usize, u64, String), String>,
    /// Kinds of detail redacted as spans wherever they are found in a free-text field
    /// (`--redact-flagged`), e.g. every telephone number in every statement.
    pub redact_flagged: BTreeSet<Kind>,
    /// What the analyst decided, one cell at a time, about the details found in a free-text
    /// cell: (input index, row number, field id) → the decision.
    pub flagged: BTreeMap<(usize, u64, String), Flagged>,
}

/// A decision on the details found in one free-text cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flagged {
    /// Replace each span found with `[REDACTED: kind]`, for this reason: of the kinds in `only`,
    /// or of every kind when `only` is empty. The other kinds in the cell leave, by the same
    /// decision (the victim's own postcode beside a suspect's telephone number).
    RedactSpans { reason: String, only: Vec<Kind> },
    /// Let the cell leave as it is: what was found is the agreed subject's own, or no detail
    /// at all (a reference number read as a telephone number), for this reason.
    Keep { reason: String },
}

impl Flagged {
    pub fn reason(&self) -> &str {
        match self {
            Flagged::RedactSpans { reason, .. } | Flagged::Keep { reason } => reason,
        }
    }
}

/// The field name that withholds a column (`SOURCE=-`).
pub const WITHHOLD: &str = "-";

/// The value written in place of a cell redacted by hand.
pub const REDACTED: &str = "[REDACTED]";

/// Why a mapping or rule could not be set up. Each names the input and the header concerned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    #[error(transparent)]
    Load(#[from] LoadError),

    #[error("mapping {spec:?}: no input has a column headed {header:?}")]
    MapSourceUnknown { spec: String, header: String },

    #[error("mapping {spec:?}: the profile has no field called {field:?}")]
    MapFieldUnknown { spec: String, field: String },

    #[error("mapping {spec:?}: in {input}, that name fits more than one column: {}", headers.iter().map(|h| format!("{:?}", printable(h))).collect::<Vec<_>>().join(", "))]
    MapAmbiguous {
        spec: String,
        input: String,
        headers: Vec<String>,
    },

    #[error(
        "mapping {spec:?}: in {input}, {header:?} holds the protective marking, which is always read against the agreement's ceiling: it can be neither withheld nor shared"
    )]
    MapMarking {
        spec: String,
        input: String,
        header: String,
    },

    #[error("{input}: columns {first:?} and {second:?} both map to the field {field:?}")]
    FieldClaimedTwice {
        input: String,
        field: String,
        first: String,
        second: String,
    },

    #[error(
        "{input}: rule {rule:?} needs the field {field:?} ({label}), and no column of this export maps to it"
    )]
    RuleColumnMissing {
        input: String,
        rule: String,
        field: String,
        label: Box<str>,
        /// Headers of withheld columns, the likely candidates. (Boxed, like `suggested`, to
        /// keep every `Result` carrying this error small.)
        candidates: Box<[String]>,
        /// The candidate whose header fits the field best, if one does.
        suggested: Option<Box<str>>,
    },
}

impl ApplyError {
    /// What to do, as a sentence (or two) the analyst can act on.
    pub fn advice(&self) -> Advice {
        match self {
            ApplyError::Load(e) => e.advice(),
            ApplyError::MapSourceUnknown { .. } => {
                "Copy the header exactly as the export shows it (the summary lists every column), in quotes.".into()
            }
            ApplyError::MapFieldUnknown { .. } => {
                Advice::text("Name a field by its id or label (")
                    .then(Setting::ShowProfile)
                    .and(" lists them), or withhold the column: ")
                    .then(Setting::Withhold { header: None })
                    .and(".")
            }
            ApplyError::MapAmbiguous { .. } => {
                "Write the header exactly as the export has it, including its case and punctuation.".into()
            }
            ApplyError::MapMarking { .. } => {
                "Remove this mapping: rows marked above the ceiling are excluded, and the marking never leaves. If the column does not hold a protective marking, rename its header in the export.".into()
            }
            ApplyError::FieldClaimedTwice { second, .. } => {
                Advice::text("Keep one: withhold the other with ")
                    .then(Setting::Withhold { header: Some(second.clone()) })
                    .and(", or map it to a different field.")
            }
            ApplyError::RuleColumnMissing { field, candidates, suggested, .. } => {
                let holder = Setting::Map { header: None, field: Some(field.clone()) };
                let s = match suggested {
                    Some(h) => Advice::text("Suggested (check it holds this): ")
                        .then(Setting::Map { header: Some(printable(h)), field: Some(field.clone()) })
                        .and(". Otherwise name the column that holds it: ")
                        .then(holder)
                        .and("."),
                    None => Advice::text("Name the column that holds it: ").then(holder).and("."),
                };
                if !candidates.is_empty() {
                    let list: Vec<String> = candidates.iter().map(|c| printable(c)).collect();
                    s.and(format!(" Columns not yet mapped: {}.", list.join(", ")))
                } else {
                    s.and(" Every column is already mapped: the export may lack this information; re-export with it.")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
