//! One export file the analyst opened: where it is, how it is being read (sheet, header row),
//! what the loader found, and its rows, streamed in by a worker thread and held in memory only.

use super::msg::Failure;
use crate::load::{LoadOptions, Row, Table};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub struct Input {
    /// Stable identity, so a worker's report finds its input even after others are removed.
    pub id: u64,
    pub path: PathBuf,
    pub options: LoadOptions,
    /// Bumped on every reload (another sheet or header row); reports from older loads are
    /// ignored.
    pub generation: u64,
    pub table: Option<Table>,
    pub failure: Option<Failure>,
    pub rows: Vec<Row>,
    pub rows_done: bool,
    pub cancel: Arc<AtomicBool>,
}

/// Where loading an input has got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadState {
    Opening,
    Reading(usize),
    Ready(usize),
    Failed,
}

impl Input {
    pub fn new(id: u64, path: PathBuf) -> Input {
        Input {
            id,
            path,
            options: LoadOptions::default(),
            generation: 0,
            table: None,
            failure: None,
            rows: Vec::new(),
            rows_done: false,
            cancel: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Forget what was read and start again (the caller sends the load command).
    pub fn restart(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        self.cancel = Arc::new(AtomicBool::new(false));
        self.generation += 1;
        self.table = None;
        self.failure = None;
        self.rows.clear();
        self.rows_done = false;
    }

    pub fn state(&self) -> LoadState {
        if self.failure.is_some() {
            LoadState::Failed
        } else if self.table.is_none() {
            LoadState::Opening
        } else if self.rows_done {
            LoadState::Ready(self.rows.len())
        } else {
            LoadState::Reading(self.rows.len())
        }
    }

    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string())
    }

    pub fn is_xlsx(&self) -> bool {
        self.table
            .as_ref()
            .is_some_and(|t| t.format.sheet().is_some())
    }
}

impl Drop for Input {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}
