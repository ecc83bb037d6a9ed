//! The Rows screen: each row's fate, the counts kept as rows arrive, what is shown.

use crate::apply::{Exclusion, Filter};
use crate::freetext::Kind;
use crate::profile::{MARKING_NAMES, Rule};
use crate::tui::fate::Fate;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Free-text cells of one kind of detail in one input, as the record counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlagTally {
    /// Cells holding at least one detail of the kind.
    pub cells: u64,
    /// Of those, cells no decision covers yet.
    pub unreviewed: u64,
}

/// Rows shared and excluded (by reason) in one input, kept up to date as rows arrive and
/// decisions change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub shared: u64,
    pub excluded: std::collections::BTreeMap<Exclusion, u64>,
    /// Shared rows whose rule read an empty value as the agreement says, by the rule's bit in
    /// [`Judged::empty_taken`] (the input's filter says which rule that is).
    pub empty_taken: std::collections::BTreeMap<u32, u64>,
    /// Shared rows by protective marking (an index into [`MARKING_NAMES`]).
    pub markings: [u64; MARKING_NAMES.len()],
    /// Free-text cells holding somebody's details, by kind.
    pub flagged: std::collections::BTreeMap<Kind, FlagTally>,
    /// Free-text cells holding a detail no decision covers (each cell once).
    pub unreviewed: u64,
    /// Free-text cells holding any detail (each cell once, whatever kinds it holds).
    pub flagged_cells: u64,
    /// Cells of shared rows that start like a formula, made safe with a `'`.
    pub neutralised: u64,
}

impl RowCounts {
    /// Shared rows an agreement's reading of an empty value let through, by rule, in the
    /// profile's order: `filter` is the input's (its rules are the bits' rules).
    pub fn shared_as_agreed<'p>(&self, filter: &Filter<'p>) -> Vec<(&'p Rule, u64)> {
        self.empty_taken
            .iter()
            .filter(|(_, n)| **n > 0)
            .filter_map(|(bit, n)| Some((filter.rule_at(*bit as usize)?, *n)))
            .filter(|(r, _)| r.empty.is_some())
            .collect()
    }

    /// The highest protective marking among the shared rows, if any was read.
    pub fn highest_marking(&self) -> Option<&'static str> {
        self.markings
            .iter()
            .rposition(|n| *n > 0)
            .map(|i| MARKING_NAMES[i])
    }
}

/// One fate per row, kept in a few bytes a row whatever the file's size: each row holds the
/// number of its fate in a list of the distinct fates (shared, and each reason for exclusion).
#[derive(Debug, Clone, Default)]
pub struct Fates {
    codes: Vec<u32>,
    kinds: Vec<Fate>,
}

impl Fates {
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    pub fn get(&self, r: usize) -> Option<&Fate> {
        self.codes.get(r).and_then(|&c| self.kinds.get(c as usize))
    }

    pub fn push(&mut self, f: Fate) {
        let code = self.code(f);
        self.codes.push(code);
    }

    /// Change row `r`'s fate (a row already decided).
    pub fn set(&mut self, r: usize, f: Fate) {
        let code = self.code(f);
        if let Some(c) = self.codes.get_mut(r) {
            *c = code;
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Fate> {
        self.codes
            .iter()
            .filter_map(|&c| self.kinds.get(c as usize))
    }

    fn code(&mut self, f: Fate) -> u32 {
        // Few distinct fates: a reason per rule and kind, and one per row excluded by hand.
        let at = match self.kinds.iter().position(|k| *k == f) {
            Some(at) => at,
            None => {
                self.kinds.push(f);
                self.kinds.len() - 1
            }
        };
        u32::try_from(at).unwrap_or(u32::MAX)
    }
}

/// The rows in view of one input, by index: every decided row, or only those shared. The
/// shared ones are kept as a list as rows are decided, so switching between the two, or
/// moving anywhere, costs nothing whatever the number of rows.
#[derive(Debug, Clone, Default)]
pub struct Visible {
    /// Indexes of the shared rows, in order. (A file of four billion rows is not a concern.)
    shared: Vec<u32>,
    /// Rows decided.
    decided: usize,
    /// Excluded rows are in view too.
    all: bool,
}

impl Visible {
    pub fn len(&self) -> usize {
        if self.all {
            self.decided
        } else {
            self.shared.len()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row at position `pos` in view.
    pub fn get(&self, pos: usize) -> Option<usize> {
        if self.all {
            (pos < self.decided).then_some(pos)
        } else {
            self.shared.get(pos).map(|&r| r as usize)
        }
    }

    /// The position in view of row `r`, or of the first row in view after it.
    pub fn position(&self, r: usize) -> usize {
        if self.all {
            r.min(self.decided)
        } else {
            self.shared.partition_point(|&v| (v as usize) < r)
        }
    }

    /// Up to `n` rows in view from position `pos`.
    pub fn page(&self, pos: usize, n: usize) -> Vec<usize> {
        (pos..self.len().min(pos.saturating_add(n)))
            .filter_map(|p| self.get(p))
            .collect()
    }

    pub fn show_all(&mut self, all: bool) {
        self.all = all;
    }

    /// The next row (index `r`) has been decided.
    pub fn push(&mut self, r: usize, shared: bool) {
        self.decided = self.decided.max(r.saturating_add(1));
        if shared {
            self.shared.push(u32::try_from(r).unwrap_or(u32::MAX));
        }
    }

    /// Row `r`, already decided, is now shared or not.
    pub fn set(&mut self, r: usize, shared: bool) {
        let v = u32::try_from(r).unwrap_or(u32::MAX);
        match (self.shared.binary_search(&v), shared) {
            (Err(k), true) => self.shared.insert(k, v),
            (Ok(k), false) => {
                self.shared.remove(k);
            }
            _ => {}
        }
    }

    /// Rebuild from an input's fates.
    pub fn rebuild(&mut self, fates: &Fates) {
        self.shared.clear();
        self.decided = 0;
        for (r, f) in fates.iter().enumerate() {
            self.push(r, f.is_shared());
        }
    }
}

pub struct RowsState {
    pub input: usize,
    pub counts: Vec<RowCounts>,
    /// One fate per decided row, per input.
    pub fates: Vec<Fates>,
    /// The rows in view of the input shown.
    pub visible: Visible,
    /// Position in `visible`.
    pub cursor: usize,
    /// First row drawn (kept by update so the cursor stays in view).
    pub offset: usize,
    /// The selected output column.
    pub column: usize,
    pub show_excluded: bool,
    pub search: Option<String>,
    /// The rows drawn (`visible[offset..]`, a screenful), read from memory or the file by
    /// update, by index; the view draws from here.
    pub page: Vec<(usize, crate::load::Row)>,
    /// The input (id, generation) the page was read from.
    pub page_of: Option<(u64, u64)>,
    /// A search of a file under way: its number, and what stops it.
    pub searching: Option<(u64, Arc<AtomicBool>)>,
    /// The number of the last search started.
    pub searches: u64,
    /// Whether the search under way looks down (else up), to say when it wrapped.
    pub search_forward: bool,
}
