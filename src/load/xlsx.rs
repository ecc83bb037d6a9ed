//! XLSX loading (to be written).
use super::{LoadError, LoadOptions, Rows, Table};
use std::path::Path;

pub(super) fn open(path: &Path, _options: &LoadOptions) -> Result<Table, LoadError> {
    Err(LoadError::Unsupported {
        path: path.to_path_buf(),
        what: "XLSX loading is not written yet".into(),
    })
}

pub(super) fn rows(table: &Table) -> Result<Rows, LoadError> {
    Err(LoadError::Unsupported {
        path: table.path.clone(),
        what: "XLSX loading is not written yet".into(),
    })
}
