//! A row's fate as the job decides it: shared (with what its rules and the free-text scan
//! found) or excluded. Model, messages and workers all speak of it.

use crate::apply::{Exclusion, Flag, FlagFate, Judged};

/// Whether a row leaves, as decided by the job: a shared row keeps what its rules found on
/// the way (an empty value read as the agreement says; its marking), so the screens count
/// those rows as a pack does, and the details found in its free-text cells (kind and what
/// becomes of each: never the text), so the screens can count and find them.
///
/// A shared row holds: what its rules found, the details found in its free text, and how many
/// of its cells start like a formula (they leave after a `'`, so no spreadsheet runs them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    Shared(Judged, Vec<Flag>, u32),
    Excluded(Exclusion),
}

impl Fate {
    /// A shared row whose rules found nothing to note.
    pub const SHARED: Fate = Fate::Shared(
        Judged {
            empty_taken: 0,
            marking: None,
        },
        Vec::new(),
        0,
    );

    pub fn is_shared(&self) -> bool {
        matches!(self, Fate::Shared(..))
    }

    /// The details found in the row's free-text cells (none for an excluded row).
    pub fn flags(&self) -> &[Flag] {
        match self {
            Fate::Shared(_, flags, _) => flags,
            Fate::Excluded(_) => &[],
        }
    }

    /// Whether a detail found in output column `column` is left with no decision.
    pub fn unreviewed_in(&self, column: usize) -> bool {
        self.flags()
            .iter()
            .any(|f| f.column == column && f.fate == FlagFate::Unreviewed)
    }

    /// The output columns holding a detail found, in order, each once.
    pub fn flagged_columns(&self) -> Vec<usize> {
        let mut cols: Vec<usize> = self.flags().iter().map(|f| f.column).collect();
        cols.dedup();
        cols
    }
}
