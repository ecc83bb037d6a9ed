//! The long work, on threads so the screen never freezes: reading an export's rows, writing
//! the bundle, verifying one. Each reports back through the app's channel as a [`Msg`].
//! Rows travel only through memory; nothing here writes a cell value anywhere.

use super::msg::{Failure, Msg, Worker};
use crate::apply::Decisions;
use crate::dates::{Date, Period};
use crate::job::Job;
use crate::keys::{Decryption, read_identity_file};
use crate::load::{LoadOptions, Table};
use crate::pack::{self, PackOptions};
use crate::profile::Profile;
use age::secrecy::SecretString;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;

/// Rows sent per message: small enough to show progress, large enough not to flood the loop.
const CHUNK: usize = 2000;

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

pub enum VerifyKey {
    IdentityFile(PathBuf),
    Passphrase(SecretString),
}

/// A command from `update` for the app to carry out.
pub enum Cmd {
    Load {
        id: u64,
        generation: u64,
        path: PathBuf,
        options: LoadOptions,
        cancel: Arc<AtomicBool>,
    },
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
            id,
            generation,
            path,
            options,
            cancel,
        } => {
            std::thread::spawn(move || load(id, generation, path, options, cancel, tx));
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

fn load(
    id: u64,
    generation: u64,
    path: PathBuf,
    options: LoadOptions,
    cancel: Arc<AtomicBool>,
    tx: Sender<Msg>,
) {
    let table = match Table::open(&path, &options) {
        Ok(t) => t,
        Err(e) => {
            let result = Err(Failure::new(e.to_string(), e.hint()));
            send(
                &tx,
                Worker::Opened {
                    id,
                    generation,
                    result,
                },
            );
            return;
        }
    };
    let rows = table.rows();
    if !send(
        &tx,
        Worker::Opened {
            id,
            generation,
            result: Ok(Box::new(table)),
        },
    ) {
        return;
    }
    let mut rows = match rows {
        Ok(r) => r,
        Err(e) => {
            let result = Err(Failure::new(e.to_string(), e.hint()));
            send(
                &tx,
                Worker::RowsDone {
                    id,
                    generation,
                    result,
                },
            );
            return;
        }
    };
    let mut chunk = Vec::with_capacity(CHUNK);
    for row in rows.by_ref() {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        match row {
            Ok(r) => chunk.push(r),
            Err(e) => {
                let rows = std::mem::take(&mut chunk);
                send(
                    &tx,
                    Worker::Rows {
                        id,
                        generation,
                        rows,
                    },
                );
                let result = Err(Failure::new(e.to_string(), e.hint()));
                send(
                    &tx,
                    Worker::RowsDone {
                        id,
                        generation,
                        result,
                    },
                );
                return;
            }
        }
        if chunk.len() == CHUNK {
            let rows = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
            if !send(
                &tx,
                Worker::Rows {
                    id,
                    generation,
                    rows,
                },
            ) {
                return;
            }
        }
    }
    send(
        &tx,
        Worker::Rows {
            id,
            generation,
            rows: chunk,
        },
    );
    send(
        &tx,
        Worker::RowsDone {
            id,
            generation,
            result: Ok(()),
        },
    );
}

fn write(job: PackJob, tx: Sender<Msg>) {
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
            pack::write(&j, &job.options, &mut progress, &job.cancel)
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
