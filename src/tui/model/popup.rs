//! Pop-ups over any screen: a choice from a list or a typed answer, and what it is for.

use super::Pending;
use crate::tui::text_input::TextInput;

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
