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

use crate::freetext::Kind;
use crate::load::LoadError;
use crate::profile::Profile;
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

/// Text that withholds a column in a `--map SRC=-`.
pub const WITHHOLD: &str = "-";

/// The value written in place of a cell redacted by hand.
pub const REDACTED: &str = "[REDACTED]";

/// Why a mapping or rule could not be set up. Each names the input and the header concerned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    #[error(transparent)]
    Load(#[from] LoadError),

    #[error("--map {spec:?}: no input has a column headed {header:?}")]
    MapSourceUnknown { spec: String, header: String },

    #[error("--map {spec:?}: the profile has no field called {field:?}")]
    MapFieldUnknown { spec: String, field: String },

    #[error("--map {spec:?}: in {input}, that name fits more than one column: {}", headers.iter().map(|h| format!("{:?}", printable(h))).collect::<Vec<_>>().join(", "))]
    MapAmbiguous {
        spec: String,
        input: String,
        headers: Vec<String>,
    },

    #[error(
        "--map {spec:?}: in {input}, {header:?} holds the protective marking, which is always read against the agreement's ceiling: it can be neither withheld nor shared"
    )]
    MapMarking {
        spec: String,
        input: String,
        header: String,
    },

    #[error("--map {spec:?}: write it as 'SOURCE HEADER=FIELD'")]
    MapSyntax { spec: String },

    #[error("--justify {spec:?}: write it as FIELD=TEXT, naming a shared field of the profile")]
    JustifySyntax { spec: String },

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
    pub fn hint(&self) -> String {
        match self {
            ApplyError::Load(e) => e.hint().to_string(),
            ApplyError::MapSourceUnknown { .. } => {
                "Copy the header exactly as the export shows it (the summary lists every column), in quotes.".into()
            }
            ApplyError::MapFieldUnknown { .. } => {
                "Name a field by its id or label; `disclose profiles show ID` lists them. Use '-' to withhold a column.".into()
            }
            ApplyError::MapAmbiguous { .. } => {
                "Write the header exactly as the export has it, including its case and punctuation.".into()
            }
            ApplyError::MapSyntax { .. } => "Example: --map 'Victim Tel=victim_telephone'".into(),
            ApplyError::MapMarking { .. } => {
                "Remove this --map: rows marked above the ceiling are excluded, and the marking never leaves. If the column does not hold a protective marking, rename its header in the export.".into()
            }
            ApplyError::JustifySyntax { .. } => {
                "Example: --justify 'address=Needed to contact the victim to offer restorative justice'".into()
            }
            ApplyError::FieldClaimedTwice { second, .. } => {
                format!("Keep one: withhold the other with --map '{}=-', or map it to a different field.", second)
            }
            ApplyError::RuleColumnMissing { field, candidates, suggested, .. } => {
                let mut s = match suggested {
                    Some(h) => format!(
                        "Suggested (check it holds this): --map '{}={field}'. Otherwise name the column that holds it: --map 'COLUMN HEADER={field}'.",
                        printable(h)
                    ),
                    None => format!("Name the column that holds it: --map 'COLUMN HEADER={field}'."),
                };
                if !candidates.is_empty() {
                    let list: Vec<String> = candidates.iter().map(|c| printable(c)).collect();
                    s.push_str(&format!(" Columns not yet mapped: {}.", list.join(", ")));
                } else {
                    s.push_str(" Every column is already mapped: the export may lack this information; re-export with it.");
                }
                s
            }
        }
    }
}

/// Split `SOURCE=FIELD` at the last `=` (headers may contain `=`, field names do not).
pub fn parse_map(spec: &str) -> Result<(String, String), ApplyError> {
    match spec.rsplit_once('=') {
        Some((src, field)) if !src.trim().is_empty() && !field.trim().is_empty() => {
            Ok((src.trim().to_string(), field.trim().to_string()))
        }
        _ => Err(ApplyError::MapSyntax {
            spec: spec.to_string(),
        }),
    }
}

/// Split `FIELD=TEXT` at the first `=` and resolve FIELD to a shared field id.
pub fn parse_justify(profile: &Profile, spec: &str) -> Result<(String, String), ApplyError> {
    let bad = || ApplyError::JustifySyntax {
        spec: spec.to_string(),
    };
    let (name, text) = spec.split_once('=').ok_or_else(bad)?;
    let field = profile
        .field_named(name.trim())
        .filter(|f| f.shared)
        .ok_or_else(bad)?;
    if text.trim().is_empty() {
        return Err(bad());
    }
    Ok((field.id.clone(), text.trim().to_string()))
}

#[cfg(test)]
mod tests;
