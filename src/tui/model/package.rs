//! The Package screen: its form, and the bundle being written.

use crate::freetext::Kind;
use crate::keys::Recipient;
use crate::tui::text_input::TextInput;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

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
