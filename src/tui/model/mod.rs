//! The whole state of the interactive screens, in one place. Only `update` changes it; the
//! view only reads it. Cell values live here (in memory) and nowhere else.

mod carry;
mod columns;
mod done;
mod open;
mod package;
mod popup;
mod rows;
mod start;
mod verify;

pub use super::fate::Fate;
pub use carry::{ByHand, Carried, CarriedRow};
pub use columns::{ColumnsPane, ColumnsState};
pub use done::DoneInfo;
pub use open::{Entry, OpenFocus, OpenState};
pub use package::{PackItem, PackageForm, Writing};
pub use popup::{PickFor, Popup, PromptFor};
pub use rows::{Fates, FlagTally, RowCounts, RowsState, Visible};
pub use start::{START_ITEMS, START_MENU};
pub use verify::{VerifyForm, VerifyItem};

use super::input::Input;
use super::keymap::Context;
use super::memory::Memory;
use super::msg::Failure;
use super::theme::Theme;
use crate::apply::{Decisions, InputPlan};
use crate::dates::{Date, Period};
use crate::freetext::Kind;
use crate::job::Job;
use crate::profile::{Catalog, Profile};
use crate::suggest::Suggestion;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// How the screens were started.
#[derive(Debug, Clone)]
pub struct Options {
    /// Files to open at once (`disclose FILE...`).
    pub files: Vec<PathBuf>,
    /// The agreement to preselect (`--profile ID`).
    pub profile: Option<String>,
    /// Start on the Verify screen with this bundle (`disclose verify BUNDLE`).
    pub verify: Option<PathBuf>,
    pub today: Date,
    /// Where remembered column choices are kept; `None`: nothing is remembered.
    pub config_dir: Option<PathBuf>,
    /// The register file; `None` for the default location.
    pub register: Option<PathBuf>,
    pub theme: Theme,
    /// The folder the file list starts in, and the default output folder.
    pub cwd: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Start,
    Open,
    Profile,
    Columns,
    Rows,
    Package,
    Writing,
    Done,
    Verify,
}

/// A one-line message under the screen: information, or a problem with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Info(String),
    Problem(Failure),
}

/// What a yes/no question leads to.
#[derive(Debug)]
pub enum Pending {
    Quit,
    Write,
    /// Reuse the column choices remembered for this agreement and layout.
    Remembered(Decisions),
    /// Remove input `.0`, with the decisions made on its rows.
    RemoveInput(usize),
    /// Include again a row excluded by hand (its reason is dropped).
    Include {
        input: usize,
        index: usize,
        row: u64,
    },
    /// Keep the new reading of the input with this id, dropping the decisions that fit none
    /// of its rows (no: go back to the reading they were made on).
    DropDecisions(u64),
}

pub struct Model<'c> {
    pub catalog: &'c Catalog,
    pub opts: Options,
    pub screen: Screen,
    pub popup: Option<Popup>,
    /// The help overlay, when open, with its scroll offset.
    pub help: Option<u16>,
    pub status: Option<Status>,
    pub quit: bool,
    /// The terminal's size, for paging and keeping the cursor in view.
    pub size: (u16, u16),
    pub start_cursor: usize,
    pub open: OpenState,
    pub inputs: Vec<Input>,
    pub next_input_id: u64,
    pub profile_cursor: usize,
    /// Whether the keyboard is in the Agreement screen's detail pane (scrolling it) rather
    /// than the list of agreements.
    pub profile_detail: bool,
    /// First line of the highlighted agreement's detail drawn (kept in range by update).
    pub profile_scroll: u16,
    pub profile: Option<usize>,
    pub decisions: Decisions,
    /// The content hash of each row with a decision by hand, by (input, row number): how a
    /// decision finds its row again when the file is read another way. Memory only.
    pub row_hashes: std::collections::BTreeMap<(usize, u64), u64>,
    /// The per-run key of those hashes.
    pub hash_key: std::hash::RandomState,
    /// Decisions waiting for a new reading of their file (see [`Carried`]).
    pub carried: Vec<Carried>,
    pub period: Period,
    pub acknowledged: BTreeSet<String>,
    pub job: Option<Job<'c>>,
    /// Why the job cannot be prepared (e.g. a rule's column is not mapped).
    pub job_error: Option<Failure>,
    /// How each input's columns are used, for display; available even when the job is not.
    pub plans: Vec<InputPlan>,
    /// Per input, the core's suggestions (`suggest::suggest`): a withheld column whose header
    /// fits an agreed field no column supplies. Offered on the Columns screen, never applied
    /// until the analyst accepts one.
    pub suggestions: Vec<Vec<Suggestion>>,
    pub columns: ColumnsState,
    pub rows: RowsState,
    pub package: PackageForm,
    pub writing: Option<Writing>,
    pub done: Option<DoneInfo>,
    pub verify: VerifyForm,
    pub memory: Memory,
    /// Commands for the app to run (threads to start, memory to save): the outbox of update.
    pub cmds: Vec<super::worker::Cmd>,
}

impl<'c> Model<'c> {
    pub fn selected_profile(&self) -> Option<&'c Profile> {
        let catalog: &'c Catalog = self.catalog;
        self.profile.and_then(|i| catalog.profiles.get(i))
    }

    /// Where the keyboard is.
    pub fn context(&self) -> Context {
        if self.help.is_some() {
            return Context::Help;
        }
        self.context_under_help()
    }

    /// Where the keyboard is, ignoring the help overlay (whose keys the overlay lists).
    pub fn context_under_help(&self) -> Context {
        match &self.popup {
            Some(Popup::Confirm { .. }) => return Context::Confirm,
            Some(Popup::Pick { .. }) => return Context::Pick,
            Some(Popup::Prompt { .. }) => return Context::Prompt,
            Some(Popup::View { .. }) => return Context::View,
            None => {}
        }
        match self.screen {
            Screen::Start => Context::Start,
            Screen::Open => match self.open.focus {
                OpenFocus::Path => Context::OpenPath,
                OpenFocus::Browse => Context::OpenBrowse,
                OpenFocus::Inputs => Context::OpenInputs,
            },
            Screen::Profile if self.profile_detail => Context::ProfileDetail,
            Screen::Profile => Context::Profile,
            Screen::Columns => Context::Columns,
            Screen::Rows => Context::Rows,
            Screen::Package => Context::Package,
            Screen::Writing => Context::Writing,
            Screen::Done => Context::Done,
            Screen::Verify => Context::Verify,
        }
    }

    /// Whether a worker is still busy (loading rows, deciding them, writing, verifying).
    pub fn busy(&self) -> bool {
        self.inputs
            .iter()
            .any(|i| i.failure.is_none() && !i.rows_done)
            || (0..self.inputs.len()).any(|i| self.deciding(i))
            || self.rows.searching.is_some()
            || self.writing.is_some()
            || self.verify.running
    }

    /// Whether input `i`'s rows are still being decided against the job (a pass over the file
    /// is under way, or rows are still arriving).
    pub fn deciding(&self, i: usize) -> bool {
        let Some(input) = self.inputs.get(i) else {
            return false;
        };
        self.job.is_some()
            && input.failure.is_none()
            && (!input.rows_done
                || self.rows.fates.get(i).map_or(0, Fates::len) < input.store.len())
    }

    /// Whether quitting now would lose work the analyst has done: a bundle being written,
    /// decisions made by hand (on any screen, the start menu included), or files open in a
    /// disclosure not yet written.
    pub fn work_at_risk(&self) -> bool {
        if self.writing.is_some() {
            return true;
        }
        if self.screen == Screen::Done {
            return false;
        }
        self.manual_decisions() > 0
            || !self.inputs.is_empty() && !matches!(self.screen, Screen::Start)
    }

    /// Rows excluded, cells redacted and free text decided by hand, those waiting for a new
    /// reading included.
    pub fn manual_decisions(&self) -> usize {
        self.decisions.manual_exclusions.len()
            + self.decisions.redactions.len()
            + self.decisions.flagged.len()
            + self.carried.iter().map(|c| c.rows.len()).sum::<usize>()
    }

    /// Free-text cells holding somebody's details, by kind, over every input.
    pub fn flagged(&self) -> std::collections::BTreeMap<Kind, FlagTally> {
        let mut out: std::collections::BTreeMap<Kind, FlagTally> = Default::default();
        for c in &self.rows.counts {
            for (k, t) in &c.flagged {
                let o = out.entry(*k).or_default();
                o.cells += t.cells;
                o.unreviewed += t.unreviewed;
            }
        }
        out
    }

    /// Free-text cells holding any detail, each once, over every input.
    pub fn flagged_cells(&self) -> u64 {
        self.rows.counts.iter().map(|c| c.flagged_cells).sum()
    }

    /// Free-text cells holding a detail no decision covers, over every input.
    pub fn unreviewed(&self) -> u64 {
        self.rows.counts.iter().map(|c| c.unreviewed).sum()
    }

    /// The core's suggestion for the Columns screen's highlighted column (or, in the fields
    /// pane, for the highlighted field), if it has one.
    pub fn highlighted_suggestion(&self) -> Option<&Suggestion> {
        let sg = self.suggestions.get(self.columns.input)?;
        match self.columns.pane {
            ColumnsPane::Sources => sg.iter().find(|s| s.column == self.columns.source_cursor),
            ColumnsPane::Fields => {
                let p = self.selected_profile()?;
                let id = &p.all_fields().nth(self.columns.field_cursor)?.id;
                sg.iter().find(|s| &s.field == id)
            }
        }
    }

    pub fn problem(&mut self, f: Failure) {
        self.status = Some(Status::Problem(f));
    }

    pub fn info(&mut self, s: impl Into<String>) {
        self.status = Some(Status::Info(s.into()));
    }

    /// The lines of the Package screen, in order.
    pub fn package_items(&self) -> Vec<PackItem> {
        let mut v = Vec::new();
        if self.package.passphrase.is_some() {
            v.push(PackItem::Passphrase);
        } else if self.package.recipients.is_empty() {
            v.push(PackItem::NoRecipient);
        } else {
            v.extend((0..self.package.recipients.len()).map(PackItem::Recipient));
        }
        v.extend([PackItem::Period, PackItem::Analyst, PackItem::Reason]);
        let p = self.selected_profile();
        if p.is_some_and(|p| !p.agreement.bases.is_empty()) {
            v.push(PackItem::Basis);
        }
        if p.is_some_and(|p| p.agreement.authority.is_some()) {
            v.extend([PackItem::AuthorisedBy, PackItem::AuthorisedAt]);
        }
        v.push(PackItem::OutDir);
        v.extend((0..self.package.checklist.len()).map(PackItem::Checklist));
        if let Some(job) = &self.job {
            v.extend((0..job.warnings.len()).map(PackItem::Warning));
        }
        // Free text: a line to acknowledge what was found, and one per kind to redact it all
        // (a kind already redacted everywhere stays, so it can be undone).
        let flagged = self.flagged();
        if !flagged.is_empty() || !self.decisions.redact_flagged.is_empty() {
            v.push(PackItem::FreeText);
            let mut kinds: BTreeSet<Kind> = flagged.keys().copied().collect();
            kinds.extend(self.decisions.redact_flagged.iter().copied());
            v.extend(kinds.into_iter().map(PackItem::RedactKind));
        }
        v
    }

    pub fn verify_items(&self) -> [VerifyItem; 2] {
        [VerifyItem::Bundle, VerifyItem::Key]
    }
}
