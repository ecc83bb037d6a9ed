//! Every message `update` handles: what the analyst asked for ([`Action`], typed text, a paste)
//! and what a background worker reported. `update` is the only place any of them change state.

use super::fate::Fate;
pub use super::text_input::Edit;
use crate::load::{Resume, Row, Table};
use crate::pack::{PackError, Packed, Progress};
use crate::verify::Report;

/// One user intent. Keys become actions only through the keymap, so every action here has a
/// key, a footer label and a help line there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    // Everywhere
    Quit,
    Help,
    Back,
    Continue,
    // Moving
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextPane,
    PrevPane,
    Select,
    // Open
    Complete,
    RemoveInput,
    ChooseSheet,
    HeaderRowDown,
    HeaderRowUp,
    // Columns and rows
    Map,
    /// Accept the core's suggestion for the highlighted column (or field).
    AcceptSuggestion,
    Withhold,
    Justify,
    PrevInput,
    NextInput,
    Search,
    SearchNext,
    SearchPrev,
    /// Read the highlighted cell, warning or line in full (the viewer).
    Open,
    ToggleExcluded,
    ExcludeRow,
    RedactCell,
    /// Go to the next (previous) free-text cell holding somebody's details.
    NextFlagged,
    PrevFlagged,
    /// Redact the details found in the highlighted free-text cell, as spans.
    RedactDetails,
    /// Keep the highlighted free-text cell as it is, details and all.
    KeepDetails,
    // Package
    AddKey,
    AddKeyFile,
    UsePassphrase,
    Remove,
    Toggle,
    Write,
    /// Fill in the time now (when the authority was given).
    Now,
    /// Choose the reporting period (it decides ages, and so the rows).
    Period,
    // Done and verify
    VerifyNow,
    SwitchKeyKind,
    // Confirmations
    Yes,
    No,
}

/// What a background worker reports. Each names the input (by id) and the generation of the
/// load it belongs to, so reports from a superseded load are ignored.
pub enum Worker {
    Opened {
        id: u64,
        generation: u64,
        // Boxed: a table is large beside the other reports.
        result: Result<Box<Table>, Failure>,
    },
    /// Rows `first..` of a pass over the input; reports of any pass but the input's current
    /// one are ignored.
    Rows {
        id: u64,
        generation: u64,
        pass: u64,
        first: usize,
        chunk: Chunk,
    },
    RowsDone {
        id: u64,
        generation: u64,
        pass: u64,
        result: Result<(), Failure>,
    },
    /// What a search of input `id`'s file found: the row's index and the column.
    Found {
        id: u64,
        generation: u64,
        search: u64,
        result: Result<Option<(usize, usize)>, Failure>,
    },
    PackProgress(Progress),
    Packed(Box<Result<Packed, PackError>>),
    Verified {
        report: Box<Report>,
        notes: Vec<String>,
    },
    VerifyFailed(Failure),
}

/// A run of rows from a pass: the rows themselves, to hold (a source that cannot be read from
/// the middle), or what the screens keep of rows left in the file.
pub enum Chunk {
    Held(Vec<Row>),
    Indexed {
        count: usize,
        /// Where the rows among these whose index is a multiple of [`STRIDE`] start.
        ///
        /// [`STRIDE`]: super::store::STRIDE
        marks: Vec<Resume>,
        /// The first rows of the file, in the first chunk only.
        head: Vec<Row>,
        /// Each row's fate, when the pass was asked to decide them.
        fates: Option<Vec<Fate>>,
    },
}

/// An error as the analyst sees it: what went wrong, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub what: String,
    pub hint: String,
}

impl Failure {
    pub fn new(what: impl Into<String>, hint: impl Into<String>) -> Failure {
        Failure {
            what: what.into(),
            hint: hint.into(),
        }
    }
}

pub enum Msg {
    Action(Action),
    Edit(Edit),
    Paste(String),
    /// The terminal's size (columns, rows), at start and whenever it changes.
    Resize(u16, u16),
    Worker(Worker),
}
