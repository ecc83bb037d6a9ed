//! Decisions made by hand on rows, carried across a new reading of their file.

use crate::apply::Flagged;

/// A decision made by hand on one row, as carried across a new reading of its file: the row's
/// number and the hash of its content (in memory only, keyed per run: never a cell value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarriedRow {
    pub number: u64,
    pub hash: u64,
    pub by_hand: ByHand,
}

/// What was decided by hand on one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ByHand {
    /// The row is excluded, for this reason.
    Excluded(String),
    /// This field's cell is redacted whole, for this reason.
    Redacted { field: String, reason: String },
    /// The details found in this field's free text are redacted as spans, or the cell kept.
    FreeText { field: String, decided: Flagged },
}

/// The decisions on the rows of one input whose reading changed (another header row or
/// sheet), held until the new reading is done and they can be matched to its rows.
#[derive(Debug, Clone)]
pub struct Carried {
    pub input_id: u64,
    /// How the file was read when the decisions were made, to go back to.
    pub from: crate::load::LoadOptions,
    pub rows: Vec<CarriedRow>,
    /// Once the new reading is done: for each row, its number in the new reading (or `None`
    /// where no row there has its content), and the generation matched.
    pub matched: Option<(u64, Vec<Option<u64>>)>,
}
