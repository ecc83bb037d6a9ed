//! The long work, on threads so the screen never freezes: reading an export's rows, writing
//! the bundle, verifying one. Each reports back through the app's channel as a [`Msg`].
//! Rows travel only through memory; nothing here writes a cell value anywhere.

use super::fate::Fate;
use super::input::HEAD_ROWS;
use super::msg::{Chunk, Failure, Msg, Worker};
use super::store::{STRIDE, Store};
use crate::apply::{self, Decisions, Filter, InputPlan};
use crate::dates::{Date, Period};
use crate::job::Job;
use crate::keys::{Decryption, read_identity_file};
use crate::load::{LoadOptions, Resume, Row, Table};
use crate::pack::{self, PackOptions};
use crate::profile::Profile;
use age::secrecy::SecretString;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;

/// Rows sent per message: small enough to show progress, large enough not to flood the loop.
/// A multiple of [`STRIDE`], so each message but the last carries the same number of marks.
const CHUNK: usize = 32 * STRIDE;

/// Everything a bundle needs, owned, so the writing thread does not borrow from the screens.
pub struct PackJob {
    pub profile: Profile,
    pub tables: Vec<Table>,
    pub decisions: Decisions,
    pub period: Period,
    pub acknowledged: BTreeSet<String>,
    pub today: Date,
    pub options: PackOptions,
    pub cancel: Arc<AtomicBool>,
}

/// What a pass over the rows of an input left in its file decides about each, as a pack would.
pub struct Deciding {
    /// The input's position: decisions by hand are keyed by it.
    pub index: usize,
    pub profile: Profile,
    pub plan: InputPlan,
    pub decisions: Decisions,
    pub period: Period,
    /// The day the data would leave, for ages measured then.
    pub today: Date,
}

pub enum VerifyKey {
    IdentityFile(PathBuf),
    Passphrase(SecretString),
}

/// A search of an input's rows as they will leave, in the file, off the screen's thread.
pub struct SearchJob {
    pub id: u64,
    pub generation: u64,
    pub search: u64,
    pub table: Table,
    pub store: Store,
    /// Ranges of row indexes to look in, in turn; each is read in file order.
    pub runs: Vec<std::ops::Range<usize>>,
    /// Report the first match in a range (else the last: a search upwards).
    pub first: bool,
    /// Lower-case text to find.
    pub query: String,
    pub deciding: Deciding,
    pub cancel: Arc<AtomicBool>,
}

/// Which input and pass a pass reports to.
#[derive(Debug, Clone, Copy)]
pub struct PassId {
    pub id: u64,
    pub generation: u64,
    pub pass: u64,
}

/// A command from `update` for the app to carry out.
pub enum Cmd {
    /// Open the file, then make the first pass over its rows.
    Load {
        to: PassId,
        path: PathBuf,
        options: LoadOptions,
        cancel: Arc<AtomicBool>,
    },
    /// Another pass over the rows of an open file that can be read from the middle: indexing
    /// them again, and deciding each if asked.
    Pass {
        to: PassId,
        table: Box<Table>,
        deciding: Option<Box<Deciding>>,
        cancel: Arc<AtomicBool>,
    },
    /// Search rows of a file that can be read from the middle.
    Search(Box<SearchJob>),
    Pack(Box<PackJob>),
    Verify {
        bundle: PathBuf,
        key: VerifyKey,
    },
}

/// Start the thread for `cmd`.
pub fn spawn(cmd: Cmd, tx: Sender<Msg>) {
    match cmd {
        Cmd::Load {
            to,
            path,
            options,
            cancel,
        } => {
            std::thread::spawn(move || load(to, path, options, cancel, tx));
        }
        Cmd::Pass {
            to,
            table,
            deciding,
            cancel,
        } => {
            std::thread::spawn(move || pass(to, &table, deciding.as_deref(), &cancel, &tx));
        }
        Cmd::Search(job) => {
            std::thread::spawn(move || search(*job, tx));
        }
        Cmd::Pack(job) => {
            std::thread::spawn(move || write(*job, tx));
        }
        Cmd::Verify { bundle, key } => {
            std::thread::spawn(move || verify(bundle, key, tx));
        }
    }
}

fn send(tx: &Sender<Msg>, w: Worker) -> bool {
    tx.send(Msg::Worker(w)).is_ok()
}

fn load(to: PassId, path: PathBuf, options: LoadOptions, cancel: Arc<AtomicBool>, tx: Sender<Msg>) {
    let opened = Table::open(&path, &options);
    let table = opened.as_ref().ok().cloned();
    let result = opened
        .map(Box::new)
        .map_err(|e| crate::tui::words::load_failure(&e));
    if !send(
        &tx,
        Worker::Opened {
            id: to.id,
            generation: to.generation,
            result,
        },
    ) {
        return;
    }
    if let Some(table) = table {
        pass(to, &table, None, &cancel, &tx);
    }
}

/// One pass over the rows: held rows are sent whole; rows that can be read again from the
/// file are sent as marks (and fates, if `deciding`). Ends with `RowsDone` unless cancelled.
fn pass(
    to: PassId,
    table: &Table,
    deciding: Option<&Deciding>,
    cancel: &AtomicBool,
    tx: &Sender<Msg>,
) {
    let done = |result: Result<(), Failure>| {
        send(
            tx,
            Worker::RowsDone {
                id: to.id,
                generation: to.generation,
                pass: to.pass,
                result,
            },
        );
    };
    // Rows left in the file need no text beyond what a decision reads: only their places are
    // kept (the first few, for the Open screen, are read whole on their own).
    let width = table.headers.len();
    let rows = match deciding {
        Some(d) => table.rows_wanting(&d.plan.wanted_columns(width)),
        None if table.can_read_from_middle() => table.rows_wanting(&vec![false; width]),
        None => table.rows(),
    };
    let mut rows = match rows {
        Ok(r) => r,
        Err(e) => return done(Err(crate::tui::words::load_failure(&e))),
    };
    let filter = deciding.map(|d| Filter::new(&d.profile, &d.plan, d.period, d.today));
    let mut scratch = Vec::new();
    let mut flags = Vec::new();
    let mut row = Row {
        number: 0,
        cells: Vec::new(),
    };
    let mut first = 0usize;
    let mut chunk = Pending::default();
    loop {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        let ended = match rows.next_into(&mut row) {
            None => true,
            Some(Err(e)) => {
                chunk.send(tx, to, &mut first);
                return done(Err(crate::tui::words::load_failure(&e)));
            }
            Some(Ok(())) => {
                let index = first + chunk.len();
                match rows.resume_point() {
                    Some(at) => {
                        if index.is_multiple_of(STRIDE) {
                            chunk.marks.push(at);
                        }
                        if index == 0 {
                            chunk.head = head_rows(table, at);
                        }
                        chunk.count += 1;
                        if let (Some(d), Some(filter)) = (deciding, &filter) {
                            // With the details found in its free text, so the Rows screen
                            // can count and find them before anything is packed.
                            let fate = match apply::fate_flagged(
                                d.index,
                                &row.view(),
                                &d.plan,
                                filter,
                                &d.decisions,
                                &mut scratch,
                                &mut flags,
                            ) {
                                Ok(counts) => Fate::Shared(
                                    counts.judged,
                                    flags.clone(),
                                    u32::try_from(counts.neutralised).unwrap_or(u32::MAX),
                                ),
                                Err(why) => Fate::Excluded(why),
                            };
                            chunk.fates.get_or_insert_with(Vec::new).push(fate);
                        }
                    }
                    None => chunk.held.push(row.clone()),
                }
                false
            }
        };
        if (ended || chunk.len() == CHUNK) && !chunk.send(tx, to, &mut first) {
            return;
        }
        if ended {
            return done(Ok(()));
        }
    }
}

/// The first rows, whole, from where the first row starts. A row that cannot be read is left
/// out: the pass itself reports it.
fn head_rows(table: &Table, at: Resume) -> Vec<Row> {
    table.rows_from(at, None).map_or_else(
        |_| Vec::new(),
        |rows| rows.take(HEAD_ROWS).filter_map(Result::ok).collect(),
    )
}

/// Rows gathered for the next message.
#[derive(Default)]
struct Pending {
    held: Vec<Row>,
    count: usize,
    marks: Vec<Resume>,
    head: Vec<Row>,
    fates: Option<Vec<Fate>>,
}

impl Pending {
    fn len(&self) -> usize {
        self.held.len() + self.count
    }

    /// Send what is gathered as rows `first..`, and move `first` on. False if nobody listens.
    fn send(&mut self, tx: &Sender<Msg>, to: PassId, first: &mut usize) -> bool {
        let taken = std::mem::take(self);
        let n = taken.len();
        let chunk = if taken.count > 0 {
            Chunk::Indexed {
                count: taken.count,
                marks: taken.marks,
                head: taken.head,
                fates: taken.fates,
            }
        } else {
            Chunk::Held(taken.held)
        };
        let sent = send(
            tx,
            Worker::Rows {
                id: to.id,
                generation: to.generation,
                pass: to.pass,
                first: *first,
                chunk,
            },
        );
        *first += n;
        sent
    }
}

fn search(job: SearchJob, tx: Sender<Msg>) {
    let result = search_runs(&job).map_err(|e| crate::tui::words::load_failure(&e));
    if job.cancel.load(Ordering::Relaxed) {
        return;
    }
    send(
        &tx,
        Worker::Found {
            id: job.id,
            generation: job.generation,
            search: job.search,
            result,
        },
    );
}

/// Only shared rows have cells that leave, so only they can match: the excluded rows in a
/// range are read but never found.
fn search_runs(job: &SearchJob) -> Result<Option<(usize, usize)>, crate::load::LoadError> {
    let d = &job.deciding;
    let filter = Filter::new(&d.profile, &d.plan, d.period, d.today);
    let wanted = d.plan.wanted_columns(job.table.headers.len());
    let mut cells = Vec::new();
    for run in &job.runs {
        let mut found = None;
        for item in job.store.scan(&job.table, run.start, Some(&wanted)) {
            let (r, row) = item?;
            if r >= run.end || job.cancel.load(Ordering::Relaxed) {
                break;
            }
            if apply::decide(d.index, &row, &d.plan, &filter, &d.decisions, &mut cells).is_err() {
                continue;
            }
            if let Some(c) = cells
                .iter()
                .position(|c| c.to_lowercase().contains(&job.query))
            {
                found = Some((r, c));
                if job.first {
                    break;
                }
            }
        }
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

fn write(mut job: PackJob, tx: Sender<Msg>) {
    let prepared = Job::prepare(
        &job.profile,
        job.tables,
        job.decisions,
        job.period,
        job.acknowledged,
        job.today,
    );
    let result = match prepared {
        Err(e) => Err(pack::PackError::Apply(e)),
        Ok(j) => {
            let progress_tx = tx.clone();
            let mut progress = move |p: pack::Progress| {
                let _ = progress_tx.send(Msg::Worker(Worker::PackProgress(p)));
            };
            // Every bundle is signed: with the sender's own key when none is set, made only
            // once nothing stops the bundle.
            let mut made = None;
            let signed =
                if job.options.signer.is_none() && pack::blockers(&j, &job.options).is_empty() {
                    pack::sender_key(
                        job.options.register.as_deref(),
                        &job.options.grounds.analyst,
                    )
                    .map(|(key, public)| {
                        job.options.signer = Some(key);
                        made = public;
                    })
                } else {
                    Ok(())
                };
            signed
                .and_then(|()| pack::write(&j, &job.options, &mut progress, &job.cancel))
                .map(|mut p| {
                    p.signing_key_made = made;
                    p
                })
        }
    };
    send(&tx, Worker::Packed(Box::new(result)));
}

fn verify(bundle: PathBuf, key: VerifyKey, tx: Sender<Msg>) {
    let mut notes = Vec::new();
    let decryption = match key {
        VerifyKey::Passphrase(p) => Decryption::Passphrase(p),
        VerifyKey::IdentityFile(path) => match read_identity_file(&path) {
            Ok(f) => {
                notes.extend(f.warnings);
                Decryption::Identities(f.identities)
            }
            Err(e) => {
                send(
                    &tx,
                    Worker::VerifyFailed(Failure::new(
                        e.to_string(),
                        "Choose the file holding your age secret key (AGE-SECRET-KEY-1…).",
                    )),
                );
                return;
            }
        },
    };
    let report = if bundle.is_dir() {
        crate::verify::verify_bag_dir(&bundle)
    } else {
        crate::verify::verify_bundle(&bundle, &decryption, None, None)
    };
    send(
        &tx,
        Worker::Verified {
            report: Box::new(report),
            notes,
        },
    );
}
