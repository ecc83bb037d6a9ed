//! Writing a bundle from a prepared [`Job`]: every input streamed through the rules into its
//! own CSV inside the bag, the disclosure record added, the bag encrypted and renamed into
//! place, and the disclosure appended to the register. The CLI and the TUI both call
//! [`write()`]; neither decides anything about rows itself.
//!
//! The bundle and its register entry are one transaction ([`crate::transaction`]): the
//! payloads are streamed with no lock held, then, under the register's lock, the record is
//! made with the register head its entry will follow, and the bundle is put in place and
//! recorded so that a run killed at any instant leaves either both or neither (the next run
//! mends what it left, and says so in [`Packed::recovered`]).

use crate::advice::{Advice, Setting};
use crate::apply::ProcessError;
use crate::bundle::{BundleError, BundleId, BundleWriter, CsvOut, clean_stale_temp_files};
use crate::grounds::Grounds;
use crate::job::{Blocker, Job, Summary};
use crate::keys::Encryption;
use crate::record::{BundleFacts, ManualDecision, PayloadRecord, Record};
use crate::register::{
    self, ChecklistAnswer, Disclosure, FileRecord, GroundsEntry, ReasonCount, RegisterError,
};
use crate::transaction;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// What the analyst gives to write a bundle, beyond the job itself.
#[derive(Debug)]
pub struct PackOptions {
    pub out_dir: PathBuf,
    pub encryption: Encryption,
    /// Who, why, under which basis, on whose authority, and the checklist's answers.
    pub grounds: Grounds,
    /// The register file; `None` for the default location (see [`register::resolve`]).
    pub register: Option<PathBuf>,
    /// The sender's key that signs the bundle (`<bundle>.sig`); `None` leaves it unsigned.
    pub signer: Option<crate::sign::SigningKey>,
    /// For a passphrase bundle: whom the passphrase was given to (it is recorded as such).
    pub passphrase_given_to: Option<String>,
    /// How hard the payload is compressed (recorded).
    pub level: crate::bundle::Level,
}

/// How far writing has got: rows of input `input` done so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub input: usize,
    pub rows_done: u64,
}

/// What was written.
#[derive(Debug)]
pub struct Packed {
    /// The public half of a signing key made for this pack (see [`sender_key`]), to publish.
    pub signing_key_made: Option<PathBuf>,
    pub bundle: PathBuf,
    pub checksum: PathBuf,
    /// `<bundle>.sig`, when the bundle was signed.
    pub signature: Option<PathBuf>,
    pub sha256: String,
    pub size: u64,
    pub bundle_id: String,
    pub register: PathBuf,
    pub register_seq: u64,
    pub summary: Summary,
    pub record: Record,
    /// What this run mended that an interrupted one left (see [`crate::transaction::recover`]),
    /// and anything else about the register the analyst must be told: one sentence each.
    pub recovered: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    #[error("the bundle was not written: {} thing(s) must be done first", .0.len())]
    Blocked(Vec<Blocker>),
    #[error(transparent)]
    Apply(#[from] crate::apply::ApplyError),
    #[error(transparent)]
    Bundle(#[from] BundleError),
    #[error("writing the data into the bundle failed: {0}")]
    Write(std::io::Error),
    #[error("cancelled: nothing was written")]
    Cancelled,
    #[error(transparent)]
    Sign(#[from] crate::sign::SignError),
    #[error("{}the disclosure register cannot be used: {source}", if bundle.as_os_str().is_empty() { String::new() } else { format!("the bundle {} was written, but ", bundle.display()) })]
    Register {
        bundle: PathBuf,
        #[source]
        source: RegisterError,
    },
}

impl From<transaction::CommitError> for PackError {
    fn from(e: transaction::CommitError) -> PackError {
        match e {
            transaction::CommitError::Bundle(e) => PackError::Bundle(e),
            transaction::CommitError::Register { bundle, source } => {
                PackError::Register { bundle, source }
            }
        }
    }
}

impl PackError {
    /// What the analyst can do about it.
    pub fn advice(&self) -> Advice {
        match self {
            PackError::Blocked(b) => {
                b.iter().fold(Advice::text("Run again with:"), |a, b| {
                    a.and(" ").append(&b.fix)
                })
            }
            PackError::Apply(e) => e.advice(),
            PackError::Bundle(_) => "Nothing was left behind: no bundle and no temporary file.".into(),
            PackError::Write(_) => "Check the output folder has space and is writable. Nothing was left behind.".into(),
            PackError::Cancelled => "Start again when ready.".into(),
            PackError::Sign(e) if e.advice().is_empty() => "Nothing was written.".into(),
            PackError::Sign(e) => e.advice().and(" Nothing was written."),
            PackError::Register { bundle, source } if bundle.as_os_str().is_empty() => {
                let first = source.advice();
                if !first.is_empty() {
                    return first.and(" Nothing was written.");
                }
                Advice::text("Nothing was written. Check the register with ")
                    .then(Setting::CheckRegister)
                    .and(", or name another with ")
                    .then(Setting::Register)
                    .and(".")
            }
            PackError::Register { .. } => {
                Advice::text("Fix the register (check ")
                    .then(Setting::CheckRegister)
                    .and("): the next pack records this bundle in it. Do not send the bundle before then.")
            }
        }
    }
}

/// Everything that stops a bundle: the job's own blockers plus what the bundle needs.
pub fn blockers(job: &Job, opts: &PackOptions) -> Vec<Blocker> {
    let mut out = blockers_for(job, &opts.grounds);
    out.extend(recipient_blockers(
        &opts.encryption,
        opts.passphrase_given_to.as_deref(),
    ));
    out
}

/// Each recipient nobody said the name of: the record must say who can open the bundle (an
/// organisation and role), never "recipient 1". A passphrase is recorded with whom it was
/// given to.
pub fn recipient_blockers(encryption: &Encryption, given_to: Option<&str>) -> Vec<Blocker> {
    match encryption {
        Encryption::Recipients(rs) => rs
            .iter()
            .filter(|r| !r.is_labelled())
            .map(|r| Blocker {
                kind: "recipient-unlabelled",
                item: format!("{} ({})", r.origin(), r.public_key()),
                fix: if r.in_list() {
                    Advice::text(format!(
                        "(a comment line '# ORGANISATION, ROLE' just above {} saying whose key it is)",
                        r.origin()
                    ))
                } else {
                    Advice::set(Setting::RecipientLabel {
                        public_key: r.public_key().to_string(),
                    })
                },
            })
            .collect(),
        Encryption::Passphrase(_) if given_to.is_none_or(|g| g.trim().is_empty()) => {
            vec![Blocker {
                kind: "passphrase-recipient-unnamed",
                item: "passphrase".into(),
                fix: Advice::set(Setting::PassphraseGivenTo),
            }]
        }
        Encryption::Passphrase(_) => Vec::new(),
    }
}

/// [`blockers`] without the keys, for a dry run or a screen that has no keys yet: the job's
/// own and the grounds' (see [`crate::grounds::blockers`]).
pub fn blockers_for(job: &Job, grounds: &Grounds) -> Vec<Blocker> {
    let mut out = job.blockers();
    out.extend(crate::grounds::blockers(
        job,
        grounds,
        crate::grounds::local_now(),
    ));
    out
}

/// The key that signs a bundle when the caller names none: `DISCLOSE_SIGN_KEY` if set (it must
/// open without a passphrase here), else the sender's own key beside the register, made on first
/// use (see [`crate::sign::default_key`]). Call it only once the bundle is sure to be written
/// ([`blockers`] empty), so a refused pack makes no key. Returns the key and, when it was just
/// made, its public file to publish.
pub fn sender_key(
    register: Option<&std::path::Path>,
    principal: &str,
) -> Result<(crate::sign::SigningKey, Option<PathBuf>), PackError> {
    let file = match crate::folders::env_path("DISCLOSE_SIGN_KEY") {
        Some(path) => (crate::sign::SigningKeyFile::read(&path)?, None),
        None => {
            let register = register::resolve(register).map_err(|source| PackError::Register {
                bundle: PathBuf::new(),
                source,
            })?;
            let principal = if principal.trim().is_empty() {
                "disclose sender"
            } else {
                principal.trim()
            };
            let (k, made) = crate::sign::default_key(&register, principal)?;
            (k, made.map(|m| m.public_path))
        }
    };
    let (file, made) = file;
    Ok((file.unlock(None)?, made))
}

/// Write the bundle. Checks [`blockers`] first; stops with [`PackError::Cancelled`] (leaving
/// nothing behind) as soon as `cancel` is set.
pub fn write(
    job: &Job,
    opts: &PackOptions,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<Packed, PackError> {
    let blocked = blockers(job, opts);
    if !blocked.is_empty() {
        return Err(PackError::Blocked(blocked));
    }
    // Ciphertext left by a killed run: harmless, but not to be left lying about. A run still
    // writing into the same folder keeps its file (see clean_stale_temp_files).
    let _ = clean_stale_temp_files(&opts.out_dir, std::time::Duration::from_secs(600));

    let register_path =
        register::resolve(opts.register.as_deref()).map_err(|source| PackError::Register {
            bundle: PathBuf::new(),
            source,
        })?;
    // A register that cannot be read or appended to is found now, before anything is written,
    // so a bundle never leaves unrecorded. (It is checked again under the lock, below.)
    register::check_appendable(&register_path).map_err(|source| PackError::Register {
        bundle: PathBuf::new(),
        source,
    })?;

    let id = BundleId::random()?;
    let name = format!("{}_{}_{}.zip.age", job.profile.id, job.period, id.short());
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let local = time::OffsetDateTime::now_local()
        .ok()
        .map(|t| t.replace_nanosecond(0).unwrap_or(t));

    let mut writer = BundleWriter::create_with(
        &opts.out_dir,
        &name,
        &opts.encryption,
        opts.signer.as_ref(),
        opts.level,
    )?;
    writer.set_timestamp(time::PrimitiveDateTime::new(now.date(), now.time()));

    let mut outcomes = Vec::new();
    let mut payload = Vec::new();
    let mut names = crate::names::PayloadNames::new();
    for i in 0..job.tables.len() {
        let table = &job.tables[i];
        let path = names.choose(&table.file_name(), table.format.sheet());
        let mut entry = writer.payload(&path)?;
        // A BOM so Excel opens the UTF-8 correctly.
        entry
            .write_all("\u{feff}".as_bytes())
            .map_err(PackError::Write)?;
        let mut csv = CsvOut::new(entry);
        let header = job.output_header(i);
        csv.record(header.iter().map(|h| ("", h.as_str())))
            .map_err(PackError::Write)?;
        let mut done = 0u64;
        let outcome = job
            .run_input(i, |row, cells| {
                if cancel.load(Ordering::Relaxed) {
                    return Err(PackError::Cancelled);
                }
                csv.record(cells.iter().map(|c| c.parts(row)))
                    .map_err(PackError::Write)?;
                done += 1;
                if done.is_multiple_of(4096) {
                    progress(Progress {
                        input: i,
                        rows_done: done,
                    });
                }
                Ok(())
            })
            .map_err(|e| match e {
                ProcessError::Apply(a) => PackError::Apply(a),
                ProcessError::Sink(s) => s,
            })?;
        csv.finish().map_err(PackError::Write)?;
        progress(Progress {
            input: i,
            rows_done: done,
        });
        payload.push(PayloadRecord {
            path: path.clone(),
            input: job.tables[i].file_name(),
            rows: outcome.rows_shared,
            columns: header,
        });
        outcomes.push(outcome);
    }
    if cancel.load(Ordering::Relaxed) {
        return Err(PackError::Cancelled);
    }
    // What only reading the rows could show (details in free text no decision covers) stops
    // the bundle here: the ciphertext so far is a temporary file, removed as `writer` drops.
    let summary = job.summary(&outcomes);
    let late = summary.late_blockers();
    if !late.is_empty() {
        return Err(PackError::Blocked(late));
    }

    // The commit phase, one transaction under the register's lock (see crate::transaction):
    // what an interrupted run left is mended first, and the head this record names is the one
    // its entry follows.
    let register_error = |source| PackError::Register {
        bundle: PathBuf::new(),
        source,
    };
    let lock = transaction::lock(&register_path).map_err(register_error)?;
    let recovered = transaction::recover(&register_path, &lock).map_err(register_error)?;
    register::check_appendable(&register_path).map_err(register_error)?;
    let register_prev = register::head(&register_path).map_err(register_error)?;

    let g = &opts.grounds;
    let record = Record::new(
        job.profile,
        &summary,
        BundleFacts {
            bundle_id: id.to_string(),
            bundle_file: name.clone(),
            created_utc: rfc3339(now),
            created_local: local
                .map(rfc3339)
                .unwrap_or_else(|| "(local time zone unknown)".into()),
            analyst: g.analyst.trim().to_string(),
            reason: g.reason.trim().to_string(),
            basis_relied_on: g
                .basis
                .as_deref()
                .and_then(|id| crate::grounds::basis(job.profile, id.trim()))
                .cloned(),
            authorised_by: g
                .authorised_by
                .as_ref()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty()),
            authorised_at: g
                .authorised_at
                .as_deref()
                .and_then(crate::grounds::parse_time)
                .map(crate::grounds::show_time),
            recipients: opts.encryption.records(opts.passphrase_given_to.as_deref()),
            signing_key: opts.signer.as_ref().map(|k| k.fingerprint().to_string()),
            payload,
            compression: opts.level,
            manual_decisions: manual_decisions(job, &outcomes),
            checklist_answers: job
                .profile
                .checklist
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    g.answers
                        .get(i)
                        .cloned()
                        .flatten()
                        .and_then(|a| c.read_answer(&a).ok())
                })
                .collect(),
            register_prev: register_prev.clone(),
        },
    );

    let a = &job.profile.agreement;
    let bag_info = vec![
        (
            "Source-Organization".to_string(),
            a.parties.first().cloned().unwrap_or_default(),
        ),
        ("Contact-Name".to_string(), record.analyst.clone()),
        ("Bagging-Date".to_string(), format!("{}", now.date())),
        ("External-Identifier".to_string(), id.to_string()),
        (
            "Internal-Sender-Description".to_string(),
            format!(
                "Disclosure under {} [{}], period {}",
                a.title, job.profile.id, job.period
            ),
        ),
        // The highest marking actually among the shared rows (or that the export carried
        // none), not the agreement's ceiling: the partner handles what they receive.
        ("Protective-Marking".to_string(), summary.marking.shown()),
    ];
    let sealed = writer.seal(
        &bag_info,
        vec![
            ("disclosure-record.json".to_string(), record.to_json()),
            (
                "disclosure-record.txt".to_string(),
                record.to_text().into_bytes(),
            ),
        ],
    )?;

    let disclosure = Disclosure {
        bundle_id: id.to_string(),
        created_utc: record.created_utc.clone(),
        profile_id: job.profile.id.clone(),
        agreement_title: a.title.clone(),
        period: job.period.to_string(),
        analyst: record.analyst.clone(),
        authorised_by: record.authorised_by.clone().unwrap_or_default(),
        recipients: record.recipients.clone(),
        rows_shared: summary.rows.shared,
        rows_excluded: summary.rows.excluded.iter().map(|e| e.count).sum(),
        shared_fields: dedup(summary.columns.shared.iter().map(|c| c.field.clone())),
        withheld_count: summary.columns.withheld.len() as u64,
        // By hash only: an export's file name may name the person it is about.
        inputs: summary
            .inputs
            .iter()
            .map(|i| FileRecord {
                name: String::new(),
                sha256: i.sha256.clone(),
            })
            .collect(),
        bundle: FileRecord {
            name: name.clone(),
            sha256: sealed.sha256().to_string(),
        },
        signing_key: record.signing_key.as_ref().map(|k| k.fingerprint.clone()),
        grounds: GroundsEntry {
            reason: record.reason.clone(),
            basis: record.basis_relied_on.clone(),
            authorised_at: record.authorised_at.clone(),
            profile_sha256: job.profile.sha256.clone(),
            warnings_acknowledged: record
                .warnings
                .iter()
                .filter(|w| w.acknowledged_by.is_some())
                .map(|w| w.code.clone())
                .collect(),
            checklist: record
                .checklist
                .iter()
                .filter_map(|c| {
                    c.answer.as_ref().map(|a| ChecklistAnswer {
                        id: c.id.clone(),
                        answer: a.clone(),
                    })
                })
                .collect(),
            excluded_by_reason: summary
                .rows
                .excluded
                .iter()
                .map(|e| ReasonCount {
                    reason: e.reason.clone(),
                    count: e.count,
                })
                .collect(),
            marking: summary.marking.shown(),
        },
    };
    let transaction::Committed {
        written,
        entry,
        notes,
    } = transaction::commit(
        &register_path,
        &lock,
        &disclosure,
        register_prev.as_deref(),
        sealed,
    )?;
    drop(lock);

    Ok(Packed {
        signing_key_made: None,
        bundle: written.path,
        checksum: written.checksum_path,
        signature: written.signature_path,
        sha256: written.sha256,
        size: written.size,
        bundle_id: id.to_string(),
        register: register_path,
        register_seq: entry.seq,
        summary,
        record,
        recovered: recovered.into_iter().chain(notes).collect(),
    })
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

fn dedup(it: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for s in it {
        if !v.contains(&s) {
            v.push(s);
        }
    }
    v
}

fn manual_decisions(job: &Job, outcomes: &[crate::apply::Outcome]) -> Vec<ManualDecision> {
    let name = |i: usize| job.tables.get(i).map(|t| t.file_name()).unwrap_or_default();
    let mut out: Vec<ManualDecision> = job
        .decisions
        .manual_exclusions
        .iter()
        .map(|((i, row), reason)| ManualDecision {
            action: "excluded row",
            input: name(*i),
            row: *row,
            field: None,
            kinds: Vec::new(),
            reason: reason.clone(),
        })
        .collect();
    out.extend(
        job.decisions
            .redactions
            .iter()
            .map(|((i, row, field), reason)| ManualDecision {
                action: "redacted cell",
                input: name(*i),
                row: *row,
                field: Some(field.clone()),
                kinds: Vec::new(),
                reason: reason.clone(),
            }),
    );
    out.extend(
        job.decisions
            .flagged
            .iter()
            .map(|((i, row, field), decided)| ManualDecision {
                action: match decided {
                    crate::apply::Flagged::RedactSpans { only, .. } if !only.is_empty() => {
                        "redacted these details in free text, the others left as written"
                    }
                    crate::apply::Flagged::RedactSpans { .. } => "redacted details in free text",
                    crate::apply::Flagged::Keep { .. } => "kept free text as it is",
                },
                input: name(*i),
                row: *row,
                field: Some(field.clone()),
                kinds: match decided {
                    crate::apply::Flagged::RedactSpans { only, .. } if !only.is_empty() => {
                        only.iter().map(|k| k.id()).collect()
                    }
                    _ => outcomes
                        .get(*i)
                        .and_then(|o| o.decided_kinds.get(&(*row, field.clone())))
                        .map(|k| k.iter().map(|k| k.id()).collect())
                        .unwrap_or_default(),
                },
                reason: decided.reason().to_string(),
            }),
    );
    out
}
