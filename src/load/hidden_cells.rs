//! What a table says about the rows and columns its sheet hides: plain data with no imports,
//! so that `text`, whose warning about hidden cells names it, does not depend on the loaders,
//! which use `text` themselves.

/// Rows and columns that the sheet being read hides (Excel's Hide, or a height or width of
/// zero). Their cells are read like any other: a hidden column mapped to a field is shared, and
/// a hidden row is shared unless a rule excludes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct HiddenCells {
    /// Hidden rows below the header that hold a value (hidden empty rows carry nothing).
    pub rows: u64,
    /// The first of those rows, as Excel numbers them; at most five.
    pub first_rows: Vec<u64>,
    /// Hidden columns among the header's, left to right.
    pub columns: Vec<HiddenColumn>,
}

impl HiddenCells {
    pub fn is_empty(&self) -> bool {
        self.rows == 0 && self.columns.is_empty()
    }
}

/// A hidden column of the header.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HiddenColumn {
    /// Excel's letters for it: `F`.
    pub letters: String,
    /// Its name in the header.
    pub header: String,
}
