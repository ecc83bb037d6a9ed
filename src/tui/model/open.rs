//! The Open screen: the path typed, the folder browsed, the inputs chosen.

use crate::tui::text_input::TextInput;
use std::path::PathBuf;

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
