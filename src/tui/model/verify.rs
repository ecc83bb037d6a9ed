//! The Verify screen: its form and the report.

use crate::tui::msg::Failure;
use crate::tui::text_input::TextInput;
use crate::verify::Report;

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
