//! The stream of a sheet's rows: a reading thread parses the sheet and sends rows in small
//! batches through a bounded channel, so memory stays flat and dropping the stream stops it.

use super::Checked;
use super::bytes::hash_file;
use super::guarded::{internal_error, open_workbook};
use super::header::build_header;
use super::open::choose_sheet;
use super::preflight::preflight;
use super::sheet::{Book, Phase, SheetReader, Unpacked, archive, plan, sheet_index};
use super::{BATCH_BYTES, BATCH_ROWS, CHANNEL_BATCHES};
use crate::load::stamp::Stamp;
use crate::load::{Digest, Format, Limits, LoadError, Row, RowSource, Rows, Table};
use calamine::Reader;
use std::fs::File;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

pub(in crate::load) fn rows(table: &Table) -> Result<Rows, LoadError> {
    let Format::Xlsx { sheet, .. } = &table.format else {
        return Err(LoadError::Unsupported {
            path: table.path.clone(),
            what: "this table was not read from a workbook".into(),
        });
    };
    let path = table.path.clone();
    let file = File::open(&path).map_err(|e| LoadError::io(&path, e))?;
    let start = Stamp::of_file(&path, &file)?;
    if start.size != table.size {
        return Err(LoadError::Changed { path });
    }
    let job = Job {
        path: path.clone(),
        file,
        start,
        checked: table.checked.clone(),
        sheet: sheet.clone(),
        header_row: table.header_row,
        headers: table.headers.clone(),
        limits: table.options.limits,
    };
    let (tx, rx) = sync_channel(CHANNEL_BATCHES);
    let cancel = Arc::new(AtomicBool::new(false));
    let thread_cancel = cancel.clone();
    std::thread::Builder::new()
        .name("disclose-xlsx".into())
        .spawn(move || run_job(job, tx, thread_cancel))
        .map_err(|e| LoadError::io(&path, e))?;
    Ok(Rows::new(Box::new(XlsxRows {
        rx,
        batch: Vec::new().into_iter(),
        cancel,
        digest: None,
        finished: false,
        path,
    })))
}

pub(super) enum Msg {
    Rows(Vec<Row>),
    Failed(LoadError),
    End(Digest),
}

pub(super) struct XlsxRows {
    rx: Receiver<Msg>,
    batch: std::vec::IntoIter<Row>,
    cancel: Arc<AtomicBool>,
    digest: Option<Digest>,
    finished: bool,
    path: PathBuf,
}

impl RowSource for XlsxRows {
    fn next_row(&mut self) -> Option<Result<Row, LoadError>> {
        loop {
            if let Some(row) = self.batch.next() {
                return Some(Ok(row));
            }
            if self.finished {
                return None;
            }
            match self.rx.recv() {
                Ok(Msg::Rows(batch)) => self.batch = batch.into_iter(),
                Ok(Msg::Failed(e)) => {
                    self.finished = true;
                    return Some(Err(e));
                }
                Ok(Msg::End(digest)) => {
                    self.finished = true;
                    self.digest = Some(digest);
                    return None;
                }
                Err(_) => {
                    self.finished = true;
                    return Some(Err(internal_error(&self.path)));
                }
            }
        }
    }

    fn digest(&self) -> Option<Digest> {
        self.digest.clone()
    }
}

impl Drop for XlsxRows {
    fn drop(&mut self) {
        // The reading thread stops at its next check, or when its next send fails.
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// What the reading thread needs: all owned.
pub(super) struct Job {
    path: PathBuf,
    file: File,
    start: Stamp,
    checked: Option<Checked>,
    sheet: String,
    header_row: u32,
    headers: Vec<String>,
    limits: Limits,
}

pub(super) fn run_job(job: Job, tx: SyncSender<Msg>, cancel: Arc<AtomicBool>) {
    let path = job.path.clone();
    let mut batch = Vec::new();
    let outcome = crate::panics::quietly(|| {
        catch_unwind(AssertUnwindSafe(|| {
            stream_job(&job, &tx, &cancel, &mut batch)
        }))
    });
    let last = match outcome {
        Ok(Ok(Some(digest))) => Msg::End(digest),
        Ok(Ok(None)) => return, // cancelled: nobody is listening
        Ok(Err(e)) => Msg::Failed(e),
        Err(_) => Msg::Failed(internal_error(&path)),
    };
    // The rows read before the end (or before an error) go first.
    if !batch.is_empty() && tx.send(Msg::Rows(batch)).is_err() {
        return;
    }
    let _ = tx.send(last);
}

/// Hash, check and parse the file behind one handle, sending full batches of rows; the last
/// batch is left in `batch`. `Ok(None)`: the consumer went away.
pub(super) fn stream_job(
    job: &Job,
    tx: &SyncSender<Msg>,
    cancel: &AtomicBool,
    batch: &mut Vec<Row>,
) -> Result<Option<Digest>, LoadError> {
    let path = job.path.as_path();
    let Some(sha256) = hash_file(path, &job.file, cancel)? else {
        return Ok(None);
    };
    let changed = || LoadError::Changed {
        path: path.to_path_buf(),
    };
    // The package checks and the plan depend on the bytes alone: bytes hashing the same as
    // those checked when the table was opened need not be checked again (a changed file
    // always is).
    let mut zip = archive(path, &job.file)?;
    let (plan, book) = match &job.checked {
        Some(checked) if checked.sha256 == sha256 => (checked.plan.clone(), checked.book.clone()),
        _ => {
            let package = preflight(path, &job.file, &job.limits, cancel, true)?;
            if cancel.load(Ordering::Relaxed) {
                return Ok(None);
            }
            let wb = open_workbook(path, &job.file)?;
            let meta = wb.sheets_metadata().to_vec();
            let index = meta
                .iter()
                .position(|s| s.name == job.sheet)
                .ok_or_else(changed)?;
            // The same checks as when the table was opened (a worksheet, and the only one of
            // its name).
            choose_sheet(path, &meta, Some(&meta[index].name))?;
            let plan = plan(path, &package, &job.sheet, wb.has_1904_epoch())?;
            let book = Arc::new(Book::read(path, &mut zip, &plan, &job.limits)?);
            (plan, book)
        }
    };
    if cancel.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let index = sheet_index(path, &zip, &plan, &job.sheet)?;
    drop(zip);
    let part = Box::new(Unpacked::start(path, &job.file, index)?);
    let mut reader = SheetReader::new(path, &book, part, &plan, &job.limits);
    // Find the header row again; it must be the same as when the table was opened.
    loop {
        match reader.next_row(Phase::Header)? {
            Some(raw) if u64::from(raw.row) + 1 < u64::from(job.header_row) => continue,
            Some(raw) if u64::from(raw.row) + 1 == u64::from(job.header_row) => {
                let names = build_header(path, &raw, &job.limits).map_err(|_| changed())?;
                if names != job.headers {
                    return Err(changed());
                }
                break;
            }
            _ => return Err(changed()),
        }
    }
    let width = job.headers.len();
    let mut rows_read = 0u64;
    let mut batch_bytes = 0usize;
    while let Some(raw) = reader.next_row(Phase::Data { width })? {
        if cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let mut cells = vec![String::new(); width];
        for cell in raw.cells {
            // next_row(Data) has checked every column against the width.
            batch_bytes += cell.text.len();
            cells[cell.col as usize] = cell.text;
        }
        rows_read += 1;
        batch.push(Row {
            number: u64::from(raw.row) + 1,
            cells,
        });
        if batch.len() >= BATCH_ROWS || batch_bytes >= BATCH_BYTES {
            batch_bytes = 0;
            let full = std::mem::replace(batch, Vec::with_capacity(BATCH_ROWS));
            if tx.send(Msg::Rows(full)).is_err() {
                return Ok(None);
            }
        }
    }
    drop(reader);
    if Stamp::of_file(path, &job.file)? != job.start {
        return Err(changed());
    }
    Ok(Some(Digest { sha256, rows_read }))
}
