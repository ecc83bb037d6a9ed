//! The disclosure record: what left, under which agreement, on whose authority, to whom. It
//! travels inside the bundle as `disclosure-record.json` (for machines) and
//! `disclosure-record.txt` (for the partner's reader), and is the source of the register entry.
//!
//! It holds names, hashes and counts, never a cell value.

use crate::job::Summary;
pub use crate::keys::RecipientRecord;
use crate::profile::Profile;
use serde::Serialize;
use std::fmt::Write as _;

/// The record's format name; bump when its meaning changes.
pub const FORMAT: &str = "disclose-record/1";

/// What a signed bundle proves, and what it does not, in the words shown to both sides.
pub const PROVES_SIGNED: &str = "This bundle proves, to anyone holding a matching key or passphrase, that its contents are exactly what was packed: every file is listed with its SHA-256 and the encryption is authenticated, so any change is detected. Only the named recipients (or holders of the passphrase) can read it. Who made it is shown by its detached signature (<bundle>.sig, an OpenSSH signature in the namespace \"disclose\") made with the signing key named in this record: check it against the key the sending force publishes (disclose verify with an allowed signers file, or ssh-keygen -Y verify) before relying on the bundle.";

/// What an unsigned bundle proves, and what it does not, in the words shown to both sides.
pub const PROVES: &str = "This bundle proves, to anyone holding a matching key or passphrase, that its contents are exactly what was packed: every file is listed with its SHA-256 and the encryption is authenticated, so any change is detected. Only the named recipients (or holders of the passphrase) can read it. It does NOT prove who made it: age encryption does not authenticate the sender, so confirm the bundle's checksum with the sender by a separate channel (for example by phone) before relying on it.";

#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub format: &'static str,
    pub bundle_id: String,
    pub bundle_file: String,
    pub created_utc: String,
    pub created_local: String,
    pub tool: Tool,
    pub agreement: AgreementRecord,
    pub analyst: String,
    /// Why this bundle was made, as the analyst gave it.
    pub reason: String,
    /// The legal basis relied on, where the agreement lists alternatives to choose between.
    pub basis_relied_on: Option<crate::profile::Basis>,
    pub authorised_by: Option<String>,
    /// When the authority was given (`YYYY-MM-DD HH:MM (local time)`), where required.
    pub authorised_at: Option<String>,
    pub recipients: Vec<RecipientRecord>,
    /// The key that signs the bundle file (`<bundle>.sig`); the record is inside the bundle,
    /// so it can name the key but not hold the signature.
    pub signing_key: Option<SigningKeyRecord>,
    pub period: String,
    pub inputs: Vec<InputRecord>,
    pub payload: Vec<PayloadRecord>,
    /// How hard the payload was compressed (`--level`): fast, default or small.
    pub compression: crate::bundle::Level,
    pub columns: crate::job::ColumnsSummary,
    pub rows: crate::job::RowsSummary,
    pub cells: crate::job::CellsSummary,
    /// The agreement's ceiling and the highest marking among the shared rows.
    pub marking: crate::job::MarkingSummary,
    pub manual_decisions: Vec<ManualDecision>,
    pub warnings: Vec<WarningRecord>,
    pub checklist: Vec<ChecklistRecord>,
    /// The hash of the sender's register entry before this one (its chain head), so a later
    /// deletion of this bundle's entry from the register can be noticed.
    pub register_prev: Option<String>,
    pub proves: &'static str,
}

/// The sender's signing key, as the record names it.
#[derive(Debug, Clone, Serialize)]
pub struct SigningKeyRecord {
    /// Always `ssh-ed25519`.
    pub algorithm: &'static str,
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    /// Where the signature is: `<bundle>.sig`, namespace `disclose`.
    pub signature_file: String,
    pub namespace: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgreementRecord {
    pub profile: String,
    pub profile_source: String,
    pub profile_sha256: String,
    pub title: String,
    pub source: String,
    pub parties: Vec<String>,
    /// Who signed the copy the profile was written from, where fewer than the parties did;
    /// `None` when every party signed or the agreement shows no signatures.
    pub signatories: Option<Vec<String>>,
    /// Parties listed in the agreement that did not sign it.
    pub parties_unsigned: Vec<String>,
    pub purpose: String,
    pub legal_basis: Vec<String>,
    pub max_marking: String,
    pub max_marking_section: String,
    pub review_due: String,
    pub retention: String,
    pub transfer: String,
    /// What the sender was told to do with the bundle, following `transfer`.
    pub transfer_advice: String,
    pub onward_sharing: String,
    pub prescriptive: bool,
    pub authority: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputRecord {
    /// The file name only: the analyst's folders are not the partner's business.
    pub file: String,
    pub sha256: String,
    pub size: u64,
    pub format: &'static str,
    pub encoding: &'static str,
    pub delimiter: Option<&'static str>,
    pub sheet: Option<String>,
    pub header_row: u32,
    /// Rows and columns the sheet hid from view, whose cells were read like any other.
    pub hidden: Option<crate::load::HiddenCells>,
    pub rows_read: u64,
    pub rows_shared: u64,
    pub rows_excluded: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PayloadRecord {
    /// Path inside the bag, e.g. `data/cris-victims.csv`.
    pub path: String,
    /// The input file it came from.
    pub input: String,
    pub rows: u64,
    /// Output column labels in order, each traceable to a source column via `columns.shared`.
    pub columns: Vec<String>,
}

/// A row excluded or a cell redacted by hand, with the analyst's reason (no cell value).
#[derive(Debug, Clone, Serialize)]
pub struct ManualDecision {
    pub action: &'static str,
    pub input: String,
    pub row: u64,
    pub field: Option<String>,
    /// For a decision on free text: the kinds of detail found in the cell (`phone`, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<&'static str>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WarningRecord {
    pub code: String,
    pub section: String,
    pub message: String,
    pub acknowledged_by: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChecklistRecord {
    pub id: String,
    pub section: String,
    pub question: String,
    pub answer: Option<String>,
}

/// Everything about the bundle that is not in the [`Summary`].
pub struct BundleFacts {
    pub bundle_id: String,
    pub bundle_file: String,
    pub created_utc: String,
    pub created_local: String,
    pub analyst: String,
    pub reason: String,
    pub basis_relied_on: Option<crate::profile::Basis>,
    pub authorised_by: Option<String>,
    pub authorised_at: Option<String>,
    pub recipients: Vec<RecipientRecord>,
    /// The signing key's fingerprint (`SHA256:…`), when the bundle is signed.
    pub signing_key: Option<String>,
    pub payload: Vec<PayloadRecord>,
    pub compression: crate::bundle::Level,
    pub manual_decisions: Vec<ManualDecision>,
    /// Checklist answers by question index, where the analyst gave them.
    pub checklist_answers: Vec<Option<String>>,
    pub register_prev: Option<String>,
}

impl Record {
    pub fn new(profile: &Profile, summary: &Summary, facts: BundleFacts) -> Record {
        let a = &profile.agreement;
        let bundle_file = facts.bundle_file.clone();
        Record {
            format: FORMAT,
            bundle_id: facts.bundle_id,
            bundle_file: facts.bundle_file,
            created_utc: facts.created_utc,
            created_local: facts.created_local,
            tool: Tool {
                name: "disclose",
                version: env!("CARGO_PKG_VERSION"),
            },
            agreement: AgreementRecord {
                profile: profile.id.clone(),
                profile_source: profile.origin.clone(),
                profile_sha256: profile.sha256.clone(),
                title: a.title.clone(),
                source: a.source.clone(),
                parties: a.parties.clone(),
                signatories: a.signatories.clone(),
                parties_unsigned: match &a.signatories {
                    Some(signed) => a
                        .parties
                        .iter()
                        .filter(|p| !signed.contains(p))
                        .cloned()
                        .collect(),
                    None => Vec::new(),
                },
                purpose: a.purpose.clone(),
                legal_basis: a.legal_basis.clone(),
                max_marking: a.max_marking_text.clone(),
                max_marking_section: a.max_marking_section.clone(),
                review_due: a.review_due.to_string(),
                retention: a.retention.clone(),
                transfer: a.transfer.clone(),
                transfer_advice: a.transfer_advice.clone(),
                onward_sharing: a.onward_sharing.clone(),
                prescriptive: a.prescriptive,
                authority: a.authority.clone(),
            },
            analyst: facts.analyst.clone(),
            reason: facts.reason,
            basis_relied_on: facts.basis_relied_on,
            authorised_by: facts.authorised_by,
            authorised_at: facts.authorised_at,
            recipients: facts.recipients,
            signing_key: facts.signing_key.as_ref().map(|f| SigningKeyRecord {
                algorithm: "ssh-ed25519",
                fingerprint: f.clone(),
                signature_file: format!("{bundle_file}.sig"),
                namespace: crate::sign::NAMESPACE,
            }),
            period: summary.period.clone(),
            inputs: summary
                .inputs
                .iter()
                .map(|i| InputRecord {
                    file: i.file.clone(),
                    sha256: i.sha256.clone(),
                    size: i.size,
                    format: i.format,
                    encoding: i.encoding,
                    delimiter: i.delimiter,
                    sheet: i.sheet.clone(),
                    header_row: i.header_row,
                    hidden: i.hidden.clone(),
                    rows_read: i.rows_read,
                    rows_shared: i.rows_shared,
                    rows_excluded: i.rows_excluded,
                })
                .collect(),
            payload: facts.payload,
            compression: facts.compression,
            columns: strip_paths(summary),
            rows: summary.rows.clone(),
            cells: cells_without_paths(summary),
            marking: summary.marking.clone(),
            manual_decisions: facts.manual_decisions,
            warnings: summary
                .warnings
                .iter()
                .map(|w| WarningRecord {
                    code: w.code.clone(),
                    section: w.section.clone(),
                    message: w.message.clone(),
                    acknowledged_by: w.acknowledged.then(|| facts.analyst.clone()),
                })
                .collect(),
            checklist: profile
                .checklist
                .iter()
                .enumerate()
                .map(|(i, c)| ChecklistRecord {
                    id: c.id.clone(),
                    section: c.section.clone(),
                    question: c.question.clone(),
                    answer: facts.checklist_answers.get(i).cloned().flatten(),
                })
                .collect(),
            register_prev: facts.register_prev,
            proves: if facts.signing_key.is_some() {
                PROVES_SIGNED
            } else {
                PROVES
            },
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("a record always serialises");
        v.push(b'\n');
        v
    }

    /// The record as a person reads it.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let a = &self.agreement;
        let _ = writeln!(s, "DISCLOSURE RECORD");
        let _ = writeln!(s, "=================");
        let _ = writeln!(s, "Bundle        {} ({})", self.bundle_file, self.bundle_id);
        let _ = writeln!(
            s,
            "Created       {} (UTC), {} (local)",
            self.created_utc, self.created_local
        );
        let _ = writeln!(s, "Tool          {} {}", self.tool.name, self.tool.version);
        let _ = writeln!(s, "Period        {}", self.period);
        let _ = writeln!(s, "Analyst       {}", self.analyst);
        let _ = writeln!(s, "Reason        {}", self.reason);
        let _ = writeln!(
            s,
            "Authorised by {}",
            self.authorised_by
                .as_deref()
                .unwrap_or("(not required by this agreement)")
        );
        if let Some(at) = &self.authorised_at {
            let _ = writeln!(s, "Authorised at {at}");
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "AGREEMENT");
        let _ = writeln!(s, "{} [{}]", a.title, a.profile);
        let _ = writeln!(
            s,
            "Profile file  {} (SHA-256 {})",
            a.profile_source, a.profile_sha256
        );
        match &a.signatories {
            Some(signed) => {
                let _ = writeln!(s, "Signed by     {}", signed.join("; "));
                if !a.parties_unsigned.is_empty() {
                    let _ = writeln!(s, "Listed, not signed  {}", a.parties_unsigned.join("; "));
                }
            }
            None => {
                let _ = writeln!(s, "Parties       {}", a.parties.join("; "));
            }
        }
        let _ = writeln!(s, "Purpose       {}", a.purpose);
        match &self.basis_relied_on {
            Some(b) => {
                let _ = writeln!(s, "Relied on     {} [{}]", b.text, b.id);
                for l in a.legal_basis.iter().filter(|l| **l != b.text) {
                    let _ = writeln!(s, "Also stated   {l}");
                }
            }
            None => {
                for l in &a.legal_basis {
                    let _ = writeln!(s, "Legal basis   {l}");
                }
            }
        }
        let _ = writeln!(
            s,
            "Max marking   {} ({})",
            a.max_marking, a.max_marking_section
        );
        let _ = writeln!(s, "Review due    {}", a.review_due);
        let _ = writeln!(s);
        let _ = writeln!(s, "TERMS FOR THE RECIPIENT");
        let _ = writeln!(s, "Retention     {}", a.retention);
        let _ = writeln!(s, "Onward        {}", a.onward_sharing);
        let _ = writeln!(s, "Transfer      {}", a.transfer);
        let _ = writeln!(s, "So            {}", a.transfer_advice);
        let _ = writeln!(s);
        let _ = writeln!(s, "RECIPIENTS");
        for r in &self.recipients {
            let role = match r.role.as_str() {
                crate::keys::ROLE_PARTNER | "" => String::new(),
                crate::keys::ROLE_PASSPHRASE => " (passphrase given to them)".into(),
                role => format!(" ({role})"),
            };
            if r.fingerprint.is_empty() {
                let _ = writeln!(s, "  {}{role}", r.label);
            } else {
                let _ = writeln!(s, "  {}{role} (key fingerprint {})", r.label, r.fingerprint);
            }
        }
        let _ = writeln!(s);
        match &self.signing_key {
            Some(k) => {
                let _ = writeln!(
                    s,
                    "SIGNED WITH   {} key {} (signature: {}, namespace \"{}\")",
                    k.algorithm, k.fingerprint, k.signature_file, k.namespace
                );
            }
            None => {
                let _ = writeln!(s, "NOT SIGNED    (who made it cannot be checked)");
            }
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "INPUTS");
        for i in &self.inputs {
            let _ = writeln!(
                s,
                "  {}  {} bytes, {}{}",
                i.file,
                i.size,
                i.encoding,
                i.sheet
                    .as_ref()
                    .map(|x| format!(", sheet {x:?}"))
                    .unwrap_or_default()
            );
            let _ = writeln!(s, "    SHA-256 {}", i.sha256);
            if let Some(hidden) = &i.hidden {
                let sheet = i.sheet.as_deref().unwrap_or_default();
                let _ = writeln!(
                    s,
                    "    {}",
                    crate::text::hidden_cells_warning(sheet, hidden)
                );
            }
            let _ = writeln!(
                s,
                "    {} rows read, {} shared, {} excluded",
                i.rows_read, i.rows_shared, i.rows_excluded
            );
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "SHARED COLUMNS (source -> agreed field)");
        for c in &self.columns.shared {
            let _ = writeln!(
                s,
                "  {} -> {} [{}, section {}] from {}",
                c.source, c.label, c.category, c.section, c.input
            );
            if let Some(j) = &c.justification {
                let _ = writeln!(s, "    justification: {j}");
            }
        }
        let _ = writeln!(s, "WITHHELD COLUMNS (not shared)");
        for c in &self.columns.withheld {
            let _ = writeln!(s, "  {} (from {})", c.source, c.input);
        }
        if !self.columns.rule_only.is_empty() {
            let _ = writeln!(s, "READ BY RULES ONLY (not shared)");
            for c in &self.columns.rule_only {
                let _ = writeln!(s, "  {} -> {} (from {})", c.source, c.field, c.input);
            }
        }
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "ROWS  {} read, {} shared",
            self.rows.read, self.rows.shared
        );
        for e in &self.rows.shared_as_agreed {
            let _ = writeln!(
                s,
                "  {:>15}  {} ({}: {})",
                e.count, e.reason, e.rule, e.section
            );
        }
        for e in &self.rows.excluded {
            let _ = writeln!(s, "  excluded {:>6}  {}", e.count, e.reason);
        }
        let _ = writeln!(s, "MARKING       {}", self.marking.shown());
        let _ = writeln!(s, "COMPRESSION   {}", self.compression.name());
        let _ = writeln!(
            s,
            "CELLS {} neutralised (formula-like, prefixed with '), {} redacted by hand",
            self.cells.neutralised, self.cells.redacted
        );
        for f in &self.cells.flagged {
            let _ = writeln!(
                s,
                "  free text, {} in {}: {} cells, {} redacted as spans, {} cells kept by decision, {} left under the acknowledgement",
                f.kind.label(),
                crate::text::printable(&f.source),
                f.count,
                f.redacted,
                f.kept,
                f.unreviewed
            );
        }
        for m in &self.manual_decisions {
            let _ = writeln!(
                s,
                "  {} {} row {}{}: {}",
                m.action,
                m.input,
                m.row,
                m.field
                    .as_ref()
                    .map(|f| format!(" field {f}"))
                    .unwrap_or_default(),
                m.reason
            );
        }
        if !self.warnings.is_empty() {
            let _ = writeln!(s);
            let _ = writeln!(s, "WARNINGS");
            for w in &self.warnings {
                let by = w
                    .acknowledged_by
                    .as_deref()
                    .map(|b| format!("acknowledged by {b}"))
                    .unwrap_or_else(|| "NOT acknowledged".into());
                let _ = writeln!(s, "  {} (section {}): {by}", w.code, w.section);
                let _ = writeln!(s, "    {}", w.message);
            }
        }
        if !self.checklist.is_empty() {
            let _ = writeln!(s);
            let _ = writeln!(s, "CHECKLIST");
            for c in &self.checklist {
                let _ = writeln!(s, "  {} [{}, section {}]", c.question, c.id, c.section);
                let _ = writeln!(s, "    {}", c.answer.as_deref().unwrap_or("(not answered)"));
            }
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "WHAT THIS BUNDLE PROVES");
        let _ = writeln!(s, "{}", self.proves);
        s
    }
}

/// The summary's columns with each input named by file name only.
/// An input's file name in place of its path: the analyst's folders are not the partner's
/// business.
fn file_name(summary: &Summary, path: &str) -> String {
    summary
        .inputs
        .iter()
        .find(|i| i.path == path)
        .map(|i| i.file.clone())
        .unwrap_or_else(|| path.to_string())
}

/// The cells' counts, each free-text column named by its input's file name, not its path.
fn cells_without_paths(summary: &Summary) -> crate::job::CellsSummary {
    let mut c = summary.cells.clone();
    for f in &mut c.flagged {
        f.input = file_name(summary, &f.input);
    }
    c
}

fn strip_paths(summary: &Summary) -> crate::job::ColumnsSummary {
    let name = |p: &str| file_name(summary, p);
    let mut c = summary.columns.clone();
    c.shared.iter_mut().for_each(|x| x.input = name(&x.input));
    c.withheld.iter_mut().for_each(|x| x.input = name(&x.input));
    c.rule_only
        .iter_mut()
        .for_each(|x| x.input = name(&x.input));
    c.not_in_export
        .iter_mut()
        .for_each(|x| x.input = name(&x.input));
    c.suggested
        .iter_mut()
        .for_each(|x| x.input = name(&x.input));
    c
}
