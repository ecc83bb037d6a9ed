//! The whole state of the interactive screens, in one place. Only `update` changes it; the
//! view only reads it. Cell values live here (in memory) and nowhere else.

use super::input::Input;
use super::keymap::Context;
use super::memory::Memory;
use super::msg::Failure;
use super::text_input::TextInput;
use super::theme::Theme;
use crate::apply::{Decisions, Exclusion, Filter, Flag, FlagFate, Flagged, InputPlan, Judged};
use crate::dates::{Date, Period};
use crate::freetext::Kind;
use crate::job::Job;
use crate::keys::Recipient;
use crate::profile::{Catalog, MARKING_NAMES, Profile, Rule};
use crate::suggest::Suggestion;
use crate::verify::Report;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

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

/// What a choice from a list is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickFor {
    /// The sheet of input `.0`.
    Sheet(usize),
    /// The field for source column `.0` of the current input.
    Field(usize),
    /// The legal basis relied on, among the agreement's alternatives.
    Basis,
    /// Yes or no to checklist question `.0`.
    Answer(usize),
    /// Which kinds of detail to redact in the free-text cell under the Rows cursor: all (the
    /// first item) or one.
    RedactKinds,
}

/// What a line of typed text is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptFor {
    Justify(String),
    Exclude {
        input: usize,
        /// The row's index among the input's rows, and its number.
        index: usize,
        row: u64,
    },
    Redact {
        input: usize,
        /// The row's index among the input's rows, and its number.
        index: usize,
        row: u64,
        field: String,
    },
    /// The reason for a decision on the details found in a free-text cell: redact them as
    /// spans, or keep the cell as it is.
    FreeText {
        input: usize,
        index: usize,
        row: u64,
        field: String,
        redact: bool,
        /// Redact only these kinds (empty: every kind found).
        only: Vec<crate::freetext::Kind>,
    },
    Search,
    RecipientKey,
    /// Whose key the one just typed is (organisation, role), for the record.
    RecipientLabel(String),
    RecipientFile,
    Passphrase,
    PassphraseAgain,
    /// Who the passphrase is told to, for the record.
    PassphraseGivenTo,
    Period,
    Analyst,
    Reason,
    AuthorisedBy,
    AuthorisedAt,
    OutDir,
    Checklist(usize),
    VerifyBundle,
    VerifyIdentity,
    VerifyPassphrase,
}

impl PromptFor {
    /// Whether the text is a path (Tab completes it).
    pub fn is_path(&self) -> bool {
        matches!(
            self,
            PromptFor::RecipientFile
                | PromptFor::OutDir
                | PromptFor::VerifyBundle
                | PromptFor::VerifyIdentity
        )
    }
}

pub enum Popup {
    Confirm {
        title: String,
        lines: Vec<String>,
        then: Pending,
    },
    Pick {
        title: String,
        /// What the choice is about, above the list (may be empty).
        lines: Vec<String>,
        items: Vec<String>,
        cursor: usize,
        purpose: PickFor,
    },
    Prompt {
        title: String,
        lines: Vec<String>,
        input: TextInput,
        purpose: PromptFor,
    },
    /// Text to read in full, scrolled like `less`: a whole cell, warning or verdict.
    View {
        title: String,
        lines: Vec<String>,
        /// Parts of lines to highlight (the details found in free text): (line, byte range).
        marks: Vec<(usize, std::ops::Range<usize>)>,
        /// First wrapped line drawn (kept in range by update).
        scroll: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenFocus {
    Path,
    Browse,
    Inputs,
}

/// A file or folder in the Open screen's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub is_dir: bool,
}

pub struct OpenState {
    pub path: TextInput,
    pub dir: PathBuf,
    pub entries: Vec<Entry>,
    pub browse_cursor: usize,
    pub inputs_cursor: usize,
    pub focus: OpenFocus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnsPane {
    Sources,
    Fields,
}

pub struct ColumnsState {
    pub input: usize,
    pub pane: ColumnsPane,
    pub source_cursor: usize,
    pub field_cursor: usize,
}

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

/// One line of the Package screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackItem {
    Recipient(usize),
    NoRecipient,
    Passphrase,
    Period,
    Analyst,
    /// Why this bundle is made.
    Reason,
    /// The legal basis relied on (only where the agreement lists alternatives).
    Basis,
    AuthorisedBy,
    /// When the authority was given (only where the agreement requires authority).
    AuthorisedAt,
    OutDir,
    Checklist(usize),
    Warning(usize),
    /// The details found in free text: acknowledging them (`free-text-reviewed`).
    FreeText,
    /// Redact every detail of this kind found in free text (`--redact-flagged`).
    RedactKind(Kind),
}

pub struct PackageForm {
    pub recipients: Vec<Recipient>,
    pub passphrase: Option<TextInput>,
    /// The first typing of a new passphrase, until it is typed again.
    pub passphrase_first: Option<TextInput>,
    /// Who the passphrase is told to (name and organisation), recorded in the bundle.
    pub passphrase_given_to: String,
    pub analyst: String,
    /// Why this bundle is made (recorded in the bundle and the register).
    pub reason: String,
    /// The id of the legal basis relied on, where the agreement lists alternatives.
    pub basis: Option<String>,
    pub authorised_by: String,
    /// When the authority was given, "YYYY-MM-DD HH:MM", as typed.
    pub authorised_at: String,
    pub out_dir: String,
    pub checklist: Vec<Option<String>>,
    pub cursor: usize,
}

impl PackageForm {
    /// The grounds as typed on the Package screen.
    pub fn grounds(&self) -> crate::grounds::Grounds {
        let given = |s: &str| {
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_string())
        };
        crate::grounds::Grounds {
            analyst: self.analyst.clone(),
            reason: self.reason.clone(),
            basis: self.basis.clone(),
            authorised_by: given(&self.authorised_by),
            authorised_at: given(&self.authorised_at),
            answers: self.checklist.clone(),
        }
    }
}

pub struct Writing {
    pub rows_done: Vec<u64>,
    pub rows_total: u64,
    pub cancel: Arc<AtomicBool>,
    pub cancelling: bool,
}

#[derive(Debug, Clone)]
pub struct DoneInfo {
    pub bundle: PathBuf,
    pub checksum: PathBuf,
    pub sha256: String,
    pub register: PathBuf,
    pub register_seq: u64,
    pub rows_shared: u64,
    pub recipients: Vec<String>,
    /// Why the bundle was made, as recorded.
    pub reason: String,
    /// What the agreement says to do with the bundle (how it travels).
    pub transfer_advice: String,
    /// The signing key's fingerprint, and the public key to publish when it was just made.
    pub signing_key: Option<String>,
    pub key_to_publish: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyItem {
    Bundle,
    Key,
}

pub struct VerifyForm {
    pub bundle: String,
    pub identity: String,
    pub passphrase: Option<TextInput>,
    pub use_passphrase: bool,
    pub cursor: usize,
    pub running: bool,
    pub report: Option<(Report, Vec<String>)>,
    pub failure: Option<Failure>,
    /// Scroll offset of the report.
    pub scroll: u16,
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
