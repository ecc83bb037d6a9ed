//! One export file the analyst opened: where it is, how it is being read (sheet, header row),
//! what the loader found, and its rows, streamed in by a worker thread: held in memory, or
//! indexed so they can be read from the file when shown (see [`Store`]).

use super::msg::Failure;
use super::store::Store;
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
    pub store: Store,
    /// The first few rows, for checking the header on the Open screen.
    pub head: Vec<Row>,
    /// Every row has been read (and indexed, or held) at least once.
    pub rows_done: bool,
    /// The pass over the rows whose reports count; bumped when a pass is replaced.
    pub pass: u64,
    /// Stops the current pass (and, on restart, the whole load).
    pub cancel: Arc<AtomicBool>,
}

/// Rows kept in [`Input::head`].
pub const HEAD_ROWS: usize = 3;

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
            store: Store::default(),
            head: Vec::new(),
            rows_done: false,
            pass: 0,
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
        self.store = Store::default();
        self.head.clear();
        self.rows_done = false;
        self.pass += 1;
    }

    /// Stop the current pass over the rows and number the next; returns its cancel flag.
    pub fn next_pass(&mut self) -> Arc<AtomicBool> {
        self.cancel.store(true, Ordering::Relaxed);
        self.cancel = Arc::new(AtomicBool::new(false));
        self.pass += 1;
        self.cancel.clone()
    }

    pub fn state(&self) -> LoadState {
        if self.failure.is_some() {
            LoadState::Failed
        } else if self.table.is_none() {
            LoadState::Opening
        } else if self.rows_done {
            LoadState::Ready(self.store.len())
        } else {
            LoadState::Reading(self.store.len())
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
