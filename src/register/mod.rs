//! The disclosure register: an append-only local log of every bundle made, one JSON object per
//! line, hash-chained so that an edited, reordered, inserted or deleted entry shows.
//!
//! It holds metadata only (who, when, under which agreement, counts, field names, file hashes):
//! never a cell value. Each entry carries `seq` (1, 2, 3, …), `prev` (the previous entry's
//! `hash`, or 64 zeros for the first) and `hash` = SHA-256 of `prev` followed by the canonical
//! JSON of the entry without `hash` (keys sorted at every level, no spaces).
//!
//! What the chain cannot show: deleting the *last* entries leaves a shorter chain that is still
//! valid, deleting the whole file lets the next disclosure begin a new chain, and anyone who
//! edits an entry can recompute every hash after it. So the head hash ([`head`]) is also kept
//! elsewhere: in a head file beside the register ([`head_path`], `register.jsonl.head`), which
//! [`verify`] checks the register still reaches; in each bundle's disclosure record; and, via
//! [`to_csv`], in the force's logging system (e.g. CrimInt/CONNECT). A register that does not
//! verify is not appended to: a disclosure is never recorded on a broken or restarted chain.
//!
//! A pack writes its bundle and appends its entry as one transaction ([`crate::transaction`]):
//! under a lock file beside the register (`register.jsonl.lock`) it reads the head its record
//! names, puts the bundle in place and appends, with a journal (`register.jsonl.pending`) that
//! lets the next run finish or undo an interrupted one; so every bundle has its entry, and its
//! record's `register_prev` is the hash of the entry before its own.
//!
//! Location: [`default_path`]: `DISCLOSE_REGISTER` if set, else `%APPDATA%\disclose\register.jsonl`
//! on Windows, `~/Library/Application Support/disclose/register.jsonl` on macOS, and
//! `$XDG_DATA_HOME/disclose/register.jsonl` (default `~/.local/share/…`) elsewhere.

mod chain;
mod export;
mod head;

pub use chain::{RegisterCheck, canonical_json, entry_hash, head, verify};
pub use export::{CSV_COLUMNS, to_csv};
pub use head::{Head, HeadFile, head_path, read_head};

use crate::advice::{Advice, Setting};
use crate::keys::RecipientRecord;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The largest register read. An entry is about a kilobyte: 64 MiB is tens of thousands of
/// disclosures, far more than one machine makes, and the register is read whole to check it.
pub const REGISTER_LIMIT: u64 = 64 * 1024 * 1024;

/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A file and its SHA-256, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// File name (no folder). Empty for an input export in entries made since issue 17: an
    /// export's file name may name the person it is about, and the register names nobody;
    /// the SHA-256 identifies the export.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Lower-case hex SHA-256.
    pub sha256: String,
}

/// What the caller records about one disclosure. Metadata only: no cell values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disclosure {
    /// The bundle's id (32 hex characters).
    pub bundle_id: String,
    /// When the bundle was made, RFC 3339 in UTC, e.g. `2025-01-31T14:02:00Z`.
    pub created_utc: String,
    /// The agreement profile's id.
    pub profile_id: String,
    /// The agreement's title.
    pub agreement_title: String,
    /// The period covered, as shown to the analyst (e.g. `2025-01`).
    pub period: String,
    /// Who made the bundle.
    pub analyst: String,
    /// Who authorised the disclosure.
    pub authorised_by: String,
    /// Who can open it (labels and fingerprints; never keys).
    pub recipients: Vec<RecipientRecord>,
    /// Rows shared.
    pub rows_shared: u64,
    /// Rows excluded by the agreement's rules.
    pub rows_excluded: u64,
    /// The agreed field names shared.
    pub shared_fields: Vec<String>,
    /// How many source columns were withheld (not shared).
    pub withheld_count: u64,
    /// The input exports, by name and SHA-256.
    pub inputs: Vec<FileRecord>,
    /// The bundle file, by name and SHA-256.
    pub bundle: FileRecord,
    /// The fingerprint (`SHA256:…`) of the key that signed the bundle (`<bundle>.sig`), if it
    /// was signed. Absent in entries made before bundles were signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_key: Option<String>,
    /// Why, on what basis and authority, and what was checked: what DPA 2018 s62 asks a log
    /// of disclosures to let the force establish. Absent in entries made before it was kept.
    #[serde(flatten)]
    pub grounds: GroundsEntry,
}

/// The justification of one disclosure, as the register keeps it (no cell value, no name of a
/// data subject; the analyst is told not to name one in the reason or the answers).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroundsEntry {
    /// Why the bundle was made.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// The legal basis relied on, where the agreement lists alternatives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<crate::profile::Basis>,
    /// When the authority was given (`YYYY-MM-DD HH:MM (local time)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorised_at: Option<String>,
    /// The SHA-256 of the profile file applied, so the exact rules can be shown later.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub profile_sha256: String,
    /// The warning codes the analyst acknowledged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings_acknowledged: Vec<String>,
    /// The agreement's checklist, answered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checklist: Vec<ChecklistAnswer>,
    /// Rows excluded, by reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_by_reason: Vec<ReasonCount>,
    /// The highest protective marking among the rows shared, as the bag states it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub marking: String,
}

/// One checklist question's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistAnswer {
    pub id: String,
    pub answer: String,
}

/// Rows excluded for one reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonCount {
    pub reason: String,
    pub count: u64,
}

/// One line of the register: a [`Disclosure`] with its place in the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// 1 for the first entry, then 2, 3, …
    pub seq: u64,
    /// The previous entry's `hash`, or [`GENESIS`].
    pub prev: String,
    /// What was disclosed.
    #[serde(flatten)]
    pub disclosure: Disclosure,
    /// SHA-256 of `prev` + canonical JSON of this entry without `hash`.
    pub hash: String,
}

/// A register that cannot be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegisterError {
    /// File system failure.
    #[error("Could not {what} the disclosure register {}: {source}.", .path.display())]
    Io {
        /// "read", "write to", …
        what: &'static str,
        /// The register file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line that is not a register entry.
    #[error(
        "Line {line} of the disclosure register {} is not a readable entry ({reason}). Run the \
         register check and report it to whoever looks after the register; do not edit the file.",
        .path.display()
    )]
    BadLine {
        /// The register file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The register path names something that is not a regular file (a FIFO, a device, a
    /// folder), or a file far larger than a register can be ([`REGISTER_LIMIT`]).
    #[error(
        "The disclosure register {} {problem}.",
        .path.display()
    )]
    NotARegister {
        /// The register path.
        path: PathBuf,
        /// What it is instead.
        problem: crate::files::Refused,
    },
    /// The register's chain does not verify (see [`verify`]): nothing may be added to it.
    #[error(
        "The disclosure register {} does not verify, so nothing can be added to it: {first}{}",
        .path.display(),
        if *.more > 0 { format!(" ({} more problem{})", .more, if *.more == 1 { "" } else { "s" }) } else { String::new() }
    )]
    Broken {
        /// The register file.
        path: PathBuf,
        /// The first problem [`verify`] found.
        first: String,
        /// How many more it found.
        more: usize,
    },
    /// No location could be worked out.
    #[error(
        "Could not find where to keep the disclosure register (no home folder found). Set \
         DISCLOSE_REGISTER to the register file's path."
    )]
    NoLocation,
}

impl RegisterError {
    /// What the analyst can do about it.
    pub fn advice(&self) -> Advice {
        match self {
            RegisterError::NotARegister { .. } => Advice::text("Check that ")
                .then(Setting::Register)
                .and(" or DISCLOSE_REGISTER names the register file (register.jsonl)."),
            RegisterError::Broken { .. } => Advice::set(Setting::CheckRegister)
                .and(" shows every problem; report them to whoever looks after the register."),
            _ => Advice::default(),
        }
    }
}

/// Where the register lives: `explicit` if given, else [`default_path`].
pub fn resolve(explicit: Option<&Path>) -> Result<PathBuf, RegisterError> {
    match explicit {
        Some(p) => Ok(p.to_path_buf()),
        None => default_path(),
    }
}

/// The register's default location (see the module docs). Reads environment variables only.
pub fn default_path() -> Result<PathBuf, RegisterError> {
    if let Some(p) = crate::folders::env_path("DISCLOSE_REGISTER") {
        return Ok(p);
    }
    crate::folders::data_dir()
        .map(|d| d.join("register.jsonl"))
        .ok_or(RegisterError::NoLocation)
}

/// Appends `d` as the next entry, records it as the head (see [`head_path`]) and returns it.
///
/// The file (and its folder) is created if missing, owner-only on Unix. The file is locked for
/// the append, so two runs cannot take the same `seq`; the line is written with one write call
/// and flushed to disk before returning. The existing chain is checked first, under the lock:
/// a register that does not [`verify`] (a line that cannot be read, an edited or missing entry,
/// a head file it no longer reaches) is not appended to.
pub fn append(path: &Path, d: &Disclosure) -> Result<Entry, RegisterError> {
    // The head is read before the register is created: a deleted register must not be
    // recreated empty by a refused append.
    let head = read_head(path);
    refuse_missing_with_head(path, &head)?;
    let (mut file, seq, prev, kept, len, text) = open_for_append(path)?;
    broken(path, chain::check_text(&text, &head, path))?;
    let io = |what| {
        move |source| RegisterError::Io {
            what,
            path: path.to_path_buf(),
            source,
        }
    };
    // Blank lines after the last entry (a register created holding just a line break, or an
    // editor's extra newline) would sit between entries once this one is added, where `verify`
    // rightly reports a blanked-out entry. They hold nothing: drop them before appending (the
    // file is locked, and only white space is removed).
    if kept < len {
        file.set_len(kept as u64).map_err(io("write to"))?;
    }
    let mut entry = Entry {
        seq,
        prev,
        disclosure: d.clone(),
        hash: String::new(),
    };
    let value = serde_json::to_value(&entry).expect("entries serialise");
    entry.hash = entry_hash(&value);
    let mut line = serde_json::to_string(&entry).expect("entries serialise");
    line.push('\n');
    if let Err(e) = file
        .write_all(line.as_bytes())
        .and_then(|()| file.sync_data())
    {
        // Part of the line may have been written (a full disk): half an entry would fail
        // `verify` and stop every later append, so take it back.
        let _ = file.set_len(kept as u64).and_then(|()| file.sync_data());
        return Err(io("write to")(e));
    }
    // Still under the lock, so heads are written in the order entries are.
    head::write_head(
        path,
        &Head {
            seq: entry.seq,
            hash: entry.hash.clone(),
        },
    )?;
    Ok(entry)
}

/// [`RegisterError::Broken`] when `check` found problems.
fn broken(path: &Path, check: RegisterCheck) -> Result<(), RegisterError> {
    match check.problems.split_first() {
        None => Ok(()),
        Some((first, rest)) => Err(RegisterError::Broken {
            path: path.to_path_buf(),
            first: first.clone(),
            more: rest.len(),
        }),
    }
}

/// A register that is missing while its head file says entries were written to it was
/// deleted: refused as [`verify`] reports it, before anything creates a new one.
fn refuse_missing_with_head(path: &Path, head: &HeadFile) -> Result<(), RegisterError> {
    if path.exists() || *head == HeadFile::Missing {
        return Ok(());
    }
    broken(path, chain::check_text("", head, path))
}

/// Checks that an entry could be appended now (the folder and file can be created or opened
/// for appending, and the last line is a whole entry), without writing one. Call it before
/// writing a bundle, so that a bundle is never left unrecorded.
pub fn check_appendable(path: &Path) -> Result<(), RegisterError> {
    let head = read_head(path);
    refuse_missing_with_head(path, &head)?;
    // A register not made yet is created by the first append; checking must not leave an
    // empty one behind (a refused or failed pack records nothing).
    if !path.exists() {
        return Ok(());
    }
    let (_, _, _, _, _, text) = open_for_append(path)?;
    broken(path, chain::check_text(&text, &head, path))
}

/// Opens (creating if need be) and locks the register, and reads the `seq` and `prev` the
/// next entry takes.
/// Also returns the length of the text without blank lines at its end, the whole length, and
/// the text.
#[allow(clippy::type_complexity)]
fn open_for_append(
    path: &Path,
) -> Result<(std::fs::File, u64, String, usize, usize, String), RegisterError> {
    let io = |what| {
        move |source| RegisterError::Io {
            what,
            path: path.to_path_buf(),
            source,
        }
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io("create the folder of"))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let refused = |problem| RegisterError::NotARegister {
        path: path.to_path_buf(),
        problem,
    };
    // Opening a FIFO or a device would hang or read forever: check before opening (a missing
    // register is created below), and again on the open handle.
    match crate::files::check_regular(path) {
        Err(crate::files::FileError::Refused(problem)) => return Err(refused(problem)),
        Err(crate::files::FileError::Io(_)) | Ok(_) => {}
    }
    let mut file = options.open(path).map_err(io("open"))?;
    let meta = file.metadata().map_err(io("read"))?;
    crate::files::regular(&meta).map_err(refused)?;
    file.lock().map_err(io("lock"))?;
    let size = file.metadata().map_err(io("read"))?.len();
    if size > REGISTER_LIMIT {
        return Err(refused(crate::files::Refused::TooLarge {
            size,
            limit: REGISTER_LIMIT,
        }));
    }
    let mut text = String::new();
    file.seek(SeekFrom::Start(0))
        .and_then(|_| {
            (&mut file)
                .take(REGISTER_LIMIT + 1)
                .read_to_string(&mut text)
        })
        .map_err(io("read"))?;
    if text.len() as u64 > REGISTER_LIMIT {
        return Err(refused(crate::files::Refused::TooLarge {
            size: text.len() as u64,
            limit: REGISTER_LIMIT,
        }));
    }
    let (seq, prev) = match last_line(&text) {
        None => (1, GENESIS.to_string()),
        Some((n, line)) => {
            let bad = |reason: &str| RegisterError::BadLine {
                path: path.to_path_buf(),
                line: n,
                reason: reason.to_string(),
            };
            if !text.ends_with('\n') {
                return Err(bad("it was not completely written"));
            }
            let v: Value = serde_json::from_str(line).map_err(|_| bad("not valid JSON"))?;
            let seq = v["seq"].as_u64().ok_or_else(|| bad("no seq"))?;
            let hash = v["hash"].as_str().ok_or_else(|| bad("no hash"))?;
            let next = seq
                .checked_add(1)
                .ok_or_else(|| bad("its seq is too large to be followed"))?;
            (next, hash.to_string())
        }
    };
    let kept = without_trailing_blank_lines(&text);
    let len = text.len();
    Ok((file, seq, prev, kept, len, text))
}

/// The length of `text` without the blank (white-space only) lines at its end: up to and
/// including the line break that ends the last entry, or 0 when there is no entry. A last
/// entry without a line break is left alone (`append` refuses it as incompletely written).
fn without_trailing_blank_lines(text: &str) -> usize {
    let mut keep = text.len();
    while let Some(body) = text[..keep].strip_suffix('\n') {
        let start = body.rfind('\n').map_or(0, |i| i + 1);
        if !body[start..].trim().is_empty() {
            return keep;
        }
        keep = start;
    }
    if text[..keep].trim().is_empty() {
        0
    } else {
        keep
    }
}

/// The last non-empty line and its 1-based number.
fn last_line(text: &str) -> Option<(usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .last()
        .map(|(i, l)| (i + 1, l))
}

/// Every entry, in order. A line that is not an entry is an error naming it.
pub fn list(path: &Path) -> Result<Vec<Entry>, RegisterError> {
    let text = read_register(path)?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| RegisterError::BadLine {
                path: path.to_path_buf(),
                line: i + 1,
                reason: format!("column {}: {}", e.column(), e.classify_reason()),
            })
        })
        .collect()
}

trait ClassifyReason {
    fn classify_reason(&self) -> &'static str;
}

impl ClassifyReason for serde_json::Error {
    /// The kind of error only: serde_json's message can quote the line's text.
    fn classify_reason(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "not valid JSON",
            serde_json::error::Category::Data => "a field is missing or of the wrong kind",
            serde_json::error::Category::Eof => "the line ends too early",
        }
    }
}

pub(super) fn read_register(path: &Path) -> Result<String, RegisterError> {
    use crate::files::{FileError, read_small};
    let io = |source| RegisterError::Io {
        what: "read",
        path: path.to_path_buf(),
        source,
    };
    match read_small(path, REGISTER_LIMIT) {
        Ok(bytes) => String::from_utf8(bytes.to_vec()).map_err(|_| {
            io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            ))
        }),
        Err(FileError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(FileError::Io(source)) => Err(io(source)),
        Err(FileError::Refused(problem)) => Err(RegisterError::NotARegister {
            path: path.to_path_buf(),
            problem,
        }),
    }
}
