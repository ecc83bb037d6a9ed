//! The Columns screen: which input, which pane, where the cursors are.

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
