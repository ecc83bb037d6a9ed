//! Agreement profiles: one TOML file per data sharing agreement, saying which fields may be
//! shared, which are read only by rules, which rows qualify, and what must be acknowledged.
//!
//! The files in `profiles/` are embedded in the binary; `--profiles DIR` adds or overrides by
//! id. A file is parsed into raw serde types, then validated into [`Profile`], so every mistake
//! in a profile is reported with its file, line and key before any export is read.

use crate::text::match_key;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

/// The profiles shipped with the tool, as (file name, TOML text).
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "orochi-rescue-response.toml",
        include_str!("../profiles/orochi-rescue-response.toml"),
    ),
    (
        "london-iom.toml",
        include_str!("../profiles/london-iom.toml"),
    ),
    (
        "bexley-iom.toml",
        include_str!("../profiles/bexley-iom.toml"),
    ),
    (
        "bromley-yot-victims.toml",
        include_str!("../profiles/bromley-yot-victims.toml"),
    ),
    (
        "merton-asb-panel.toml",
        include_str!("../profiles/merton-asb-panel.toml"),
    ),
];

// ---------------------------------------------------------------------------------------------
// The file format. Field by field, this is what a profile author writes.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    /// Stable id, e.g. "bromley-yot-victims"; what `--profile` takes.
    id: Spanned<String>,
    agreement: RawAgreement,
    /// Fields that may be shared (the agreement's data-to-share list).
    #[serde(default)]
    fields: Vec<RawField>,
    /// Fields read only by rules, never shared (e.g. offender age, victim opt-out, marking).
    #[serde(default)]
    rule_fields: Vec<RawField>,
    #[serde(default)]
    rules: Vec<RawRule>,
    /// Warnings the analyst must acknowledge before a bundle is written.
    #[serde(default)]
    warnings: Vec<RawWarning>,
    /// Questions the analyst answers before sharing (e.g. IOM Appendix D).
    #[serde(default)]
    checklist: Vec<RawChecklistItem>,
    /// Default recipients (partner public keys) with labels.
    #[serde(default)]
    recipients: Vec<RawRecipient>,
    /// Set (with the reason) only when the agreement's exports describe one person per row, so
    /// a bare header such as "Address" cannot be somebody else's. Unset, aliases must name the
    /// person (`tests/profiles_embedded.rs` holds the list of bare words).
    #[serde(default)]
    single_person: Option<String>,
    /// Export columns the agreement rules out: never shared, never suggested.
    #[serde(default)]
    never_shared: Option<RawNeverShared>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNeverShared {
    section: String,
    headers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgreement {
    title: String,
    /// The seed file the profile was written from, e.g. "003_94cd174c14b295c2.txt".
    source: String,
    parties: Vec<String>,
    purpose: String,
    /// The legal basis as the agreement states it: statute and DPA/GDPR conditions, each with
    /// its section. An entry written `{ id = "...", text = "..." }` is one of several
    /// alternative gateways the agreement lists, of which the analyst names the one relied on
    /// for each bundle; a plain string applies to every bundle.
    legal_basis: Vec<RawBasis>,
    /// Highest protective marking the agreement allows, e.g. "OFFICIAL" or "RESTRICTED".
    max_marking: Spanned<String>,
    /// Where the agreement says so, or why the ceiling is OFFICIAL when it says nothing.
    max_marking_section: String,
    /// The parties that signed the copy we hold, where that is fewer than `parties`.
    #[serde(default)]
    signatories: Option<Vec<String>>,
    /// ISO date the agreement is due for review ("YYYY-MM-DD").
    review_due: Spanned<String>,
    retention: String,
    /// How data may (or may not) travel: e.g. "Box only", "secure email only".
    transfer: String,
    /// What the analyst is told to do with the bundle once written, in one or two sentences
    /// that follow `transfer` (Bromley: print it, do not send it; Orochi: Box only).
    transfer_advice: String,
    /// Where the agreement limits what its free-text fields may carry ("No other information
    /// will be disclosed"): cited when details are found in them. Required when any field is
    /// `free_text`.
    #[serde(default)]
    free_text_section: Option<String>,
    /// Terms on onward sharing by the recipient.
    onward_sharing: String,
    /// True when the agreement lists exactly what may be shared; false when it is "not
    /// prescriptive" and each shared field needs a written justification.
    prescriptive: bool,
    /// Whether a named authorising officer is required, and their role as the agreement says.
    #[serde(default)]
    authority: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    id: Spanned<String>,
    /// The agreement's own wording.
    label: String,
    /// "personal", "special" (special category) or "criminal" (criminal offence data).
    category: Spanned<String>,
    /// The section of the agreement this field comes from.
    section: String,
    /// Header variants police exports use. Matched ignoring case, spaces and punctuation. The
    /// id and label are always aliases too.
    #[serde(default)]
    aliases: Vec<String>,
    /// The agreement's item this field is one column of, where one item spans several
    /// columns ("Vulnerability Marker with relevant details": the marker and the details).
    #[serde(default)]
    item: Option<String>,
    /// A broad category of a not-prescriptive agreement ("probation service data") that an
    /// export may carry in several columns; each is shared, labelled with its own header.
    #[serde(default)]
    many: bool,
    /// Free text an officer typed (a statement, an intelligence note): shared as agreed, but
    /// scanned for other people's details (telephone numbers, NHS numbers, …) for the analyst
    /// to review before it leaves (see [`crate::freetext`]).
    #[serde(default)]
    free_text: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    /// "age_between" (a date of birth field; age at the last day of the period),
    /// "number_between" (a whole number field), "exclude_if_yes" (a yes/no flag; yes excludes),
    /// "marking_at_most" (a protective marking field; `max` is the highest allowed).
    kind: Spanned<String>,
    /// The field (shared or rule-only) the rule reads.
    field: Spanned<String>,
    #[serde(default)]
    min: Option<i64>,
    #[serde(default)]
    max: Option<Spanned<toml::Value>>,
    /// For `age_between`: the day the age is measured at: "period_end", "today" (the day the
    /// data leaves) or "offence" (with `offence_date_field`, and optionally `age_field`).
    #[serde(default)]
    at: Option<Spanned<String>>,
    /// For `at = "offence"`: the field holding the offence date.
    #[serde(default)]
    offence_date_field: Option<Spanned<String>>,
    /// For `at = "offence"`: a field holding the age at the offence as a whole number, read
    /// instead of the date of birth and offence date when the export has it.
    #[serde(default)]
    age_field: Option<Spanned<String>>,
    /// What an empty value means, only where the agreement itself says.
    #[serde(default)]
    empty: Option<RawEmpty>,
    section: String,
    /// One sentence, as shown when rows are excluded: "offender not aged 10 to 17".
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEmpty {
    /// Only "no" for now: an empty `exclude_if_yes` value is read as no.
    means: Spanned<String>,
    /// The agreement's words that say so.
    section: String,
    /// How the rows are counted, e.g. "shared, no opt-out recorded".
    label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWarning {
    code: Spanned<String>,
    section: String,
    message: String,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawBasis {
    Stated(String),
    Choice(RawBasisChoice),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBasisChoice {
    id: String,
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecklistItem {
    /// What `--answer ID=...` names, e.g. "lawful-basis".
    id: Spanned<String>,
    section: String,
    question: String,
    /// "yes-no" or "text" (the default): what kind of answer the question takes.
    #[serde(default)]
    answer: Option<Spanned<String>>,
    /// "yes" or "no": the answer with which the agreement says the sharing must not go ahead.
    #[serde(default)]
    stops_on: Option<Spanned<String>>,
    /// The agreement's words that make that answer stop the sharing.
    #[serde(default)]
    stops_because: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecipient {
    label: String,
    key: Spanned<String>,
}

// ---------------------------------------------------------------------------------------------
// The validated form the rest of the program uses.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub id: String,
    /// Where the profile came from: "(built in) NAME.toml" or the file's path. Shown in the
    /// summary and the record, so an overriding `--profiles` file is never invisible.
    pub origin: String,
    /// SHA-256 of the profile file's text, recorded so the exact rules used can be proven.
    pub sha256: String,
    pub agreement: Agreement,
    pub fields: Vec<Field>,
    pub rule_fields: Vec<Field>,
    pub rules: Vec<Rule>,
    pub warnings: Vec<Warning>,
    pub checklist: Vec<ChecklistItem>,
    pub recipients: Vec<Recipient>,
    /// Why a bare header cannot be another person's in this agreement's exports, if so.
    pub single_person: Option<String>,
    /// Headers the agreement rules out (never shared, never suggested), with the section.
    pub never_shared: Option<NeverShared>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeverShared {
    pub section: String,
    pub headers: Vec<String>,
}

impl NeverShared {
    pub fn covers(&self, header: &str) -> bool {
        let key = match_key(header);
        !key.is_empty() && self.headers.iter().any(|h| match_key(h) == key)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    pub title: String,
    pub source: String,
    pub parties: Vec<String>,
    pub purpose: String,
    /// Every basis the agreement states, alternatives included, as written.
    pub legal_basis: Vec<String>,
    /// The alternative gateways among them, of which each bundle names the one relied on
    /// (none, or at least two).
    pub bases: Vec<Basis>,
    pub max_marking: Marking,
    pub max_marking_text: String,
    pub max_marking_section: String,
    /// Who signed, where fewer than the parties listed signed the copy the profile was written
    /// from; `None` when every party signed (or the agreement shows no signatures).
    pub signatories: Option<Vec<String>>,
    pub review_due: crate::dates::Date,
    pub retention: String,
    pub transfer: String,
    pub transfer_advice: String,
    /// Where the agreement limits what its free-text fields may carry.
    pub free_text_section: Option<String>,
    pub onward_sharing: String,
    pub prescriptive: bool,
    pub authority: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Personal,
    SpecialCategory,
    CriminalOffence,
}

impl Category {
    pub fn name(self) -> &'static str {
        match self {
            Category::Personal => "personal",
            Category::SpecialCategory => "special category",
            Category::CriminalOffence => "criminal offence",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub id: String,
    pub label: String,
    pub category: Category,
    pub section: String,
    pub aliases: Vec<String>,
    /// Shared fields go into the bundle; rule fields are only read by rules.
    pub shared: bool,
    /// The agreement's item this field is one column of, where an item spans several.
    pub item: Option<String>,
    /// A broad category that may take several columns, each shared under "label (header)".
    pub many: bool,
    /// Free text, scanned for other people's details before it leaves ([`crate::freetext`]).
    pub free_text: bool,
}

impl Field {
    /// Whether `name` (an id, a label or an alias, as `--map` takes it) names this field.
    pub fn answers_to(&self, name: &str) -> bool {
        let key = match_key(name);
        !key.is_empty() && (match_key(&self.id) == key || self.heads(&key))
    }

    /// Whether an export column headed `header` is this field: its label or an alias. Not its
    /// id: ids are short names for `--map`, and one such as `address` is exactly the bare
    /// header that may be another person's.
    pub fn is_header(&self, header: &str) -> bool {
        let key = match_key(header);
        !key.is_empty() && self.heads(&key)
    }

    fn heads(&self, key: &str) -> bool {
        match_key(&self.label) == key || self.aliases.iter().any(|a| match_key(a) == key)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
    pub field: String,
    pub test: RuleTest,
    pub section: String,
    pub description: String,
    /// What an empty value means, where the agreement says; `None`: empty excludes the row.
    pub empty: Option<EmptyMeaning>,
    /// Added by the tool, not written in the profile (the protective marking ceiling). Such a
    /// rule's column may be absent: the run then raises [`NO_MARKING_COLUMN`] instead.
    pub built_in: bool,
}

impl Rule {
    /// Every field the rule may read: its own, then for an age at the offence the offence
    /// date and the age-at-offence column.
    pub fn fields(&self) -> Vec<&str> {
        rule_fields_of(&self.test, &self.field)
    }
}

/// An agreement's own statement of what an empty value means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmptyMeaning {
    /// The passage that says so.
    pub section: String,
    /// How the rows are counted: "shared, no opt-out recorded".
    pub label: String,
}

/// The day an age is measured at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgeAt {
    /// The last day of the reporting period.
    PeriodEnd,
    /// The day the data leaves (the day the bundle is made).
    Today,
    /// The date of the offence, from its own column; or a whole-number age at the offence.
    Offence {
        date_field: String,
        age_field: Option<String>,
    },
}

impl AgeAt {
    pub fn describe(&self) -> &'static str {
        match self {
            AgeAt::PeriodEnd => "on the last day of the period",
            AgeAt::Today => "on the day the data leaves",
            AgeAt::Offence { .. } => "at the offence",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleTest {
    /// The field holds a date of birth; the age at `at` must lie in `min..=max`.
    AgeBetween {
        min: Option<i64>,
        max: Option<i64>,
        at: AgeAt,
    },
    /// The field holds a whole number that must lie in `min..=max`.
    NumberBetween { min: Option<i64>, max: Option<i64> },
    /// The field holds a yes/no flag; "yes" excludes the row.
    ExcludeIfYes,
    /// The field holds a protective marking no higher than this.
    MarkingAtMost(Marking),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub code: String,
    pub section: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    pub id: String,
    pub section: String,
    pub question: String,
    pub answer: AnswerKind,
    /// The answer that stops the sharing, and the agreement's words that say so.
    pub stops: Option<Stop>,
}

/// What kind of answer a checklist question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnswerKind {
    YesNo,
    Text,
}

/// A checklist answer with which the agreement says the sharing must not go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    /// `true` when "yes" stops it, `false` when "no" does.
    pub on_yes: bool,
    pub because: String,
}

impl ChecklistItem {
    /// The answer as recorded, or why it cannot be taken: "yes"/"no" for a yes-no question
    /// (y, n and any case accepted), the trimmed text otherwise.
    pub fn read_answer(&self, given: &str) -> Result<String, String> {
        let t = given.trim();
        if let Some(c) = crate::text::unprintable_char(t) {
            return Err(format!(
                "holds the control character U+{:04X}; write it as one line of plain text",
                c as u32
            ));
        }
        match self.answer {
            AnswerKind::YesNo => match t.to_ascii_lowercase().as_str() {
                "yes" | "y" => Ok("yes".into()),
                "no" | "n" => Ok("no".into()),
                _ => Err("answer yes or no".into()),
            },
            AnswerKind::Text if t.is_empty() => Err("write an answer".into()),
            AnswerKind::Text => Ok(t.to_string()),
        }
    }

    /// Whether `answer` (as [`read_answer`](Self::read_answer) gives it) stops the sharing.
    pub fn stopped_by(&self, answer: &str) -> Option<&Stop> {
        self.stops
            .as_ref()
            .filter(|s| answer == if s.on_yes { "yes" } else { "no" })
    }
}

/// One of several legal gateways an agreement lists as alternatives; the analyst names the
/// one a bundle relies on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Basis {
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub label: String,
    pub key: String,
}

/// Protective markings, old (GPMS) and current (Government Security Classifications), on one
/// ladder. GSC replaced PROTECT and RESTRICTED with OFFICIAL, so they share a rung, and
/// OFFICIAL-SENSITIVE is OFFICIAL with a handling caveat, not a higher level. CONFIDENTIAL has
/// no single successor; it is placed above OFFICIAL so that a rule with an OFFICIAL ceiling
/// fails closed on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Marking {
    NotProtectivelyMarked,
    Official,
    Confidential,
    Secret,
    TopSecret,
}

/// The markings by name, lowest first: what the bundle and record report as the highest
/// marking among the shared rows. Within OFFICIAL's rung the names keep their order of care
/// (OFFICIAL-SENSITIVE carries a handling caveat the partner must honour).
pub const MARKING_NAMES: [&str; 8] = [
    "NOT PROTECTIVELY MARKED",
    "OFFICIAL",
    "PROTECT",
    "RESTRICTED",
    "OFFICIAL-SENSITIVE",
    "CONFIDENTIAL",
    "SECRET",
    "TOP SECRET",
];

/// Header names of a protective marking column, as CRIS, Merlin, CrimInt and PNC extracts
/// spell it. Every profile reads such a column against its agreement's ceiling.
pub const MARKING_HEADERS: &[&str] = &[
    "Protective Marking",
    "Protective Marking (GPMS)",
    "Protective Marker",
    "GPMS",
    "GPMS Marking",
    "GPMS Classification",
    "GSC",
    "GSC Marking",
    "GSC Classification",
    "Government Security Classification",
    "Security Classification",
    "Security Marking",
    "Security Level",
    "Classification Level",
    "Marking",
    "Record Classification",
    "Document Classification",
    "Intelligence Classification",
    "Handling Classification",
];

/// Whether a header names a protective marking column, however an export spells it: one of
/// [`MARKING_HEADERS`], or any header with the word MARKING, GPMS, GSC or PROTECTIVE, or
/// SECURITY with CLASS(IFICATION), LEVEL or MARKING ("Protective Markings", "GPMS Level",
/// "Security Class"). Such a column always feeds the agreement's ceiling: it can be neither
/// withheld nor shared. A bare "Classification" is not one (CRIS uses it for the crime
/// classification); the warning for an unmarked export names it as a possible marking.
pub fn is_marking_header(header: &str) -> bool {
    let key = match_key(header);
    if key.is_empty() {
        return false;
    }
    if MARKING_HEADERS.iter().any(|h| match_key(h) == key) {
        return true;
    }
    let words: Vec<String> = header
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_ascii_uppercase();
            match w.strip_suffix('S') {
                Some(stem) if w.len() > 4 => stem.to_string(),
                _ => w,
            }
        })
        .collect();
    let has = |w: &str| words.iter().any(|x| x == w);
    has("MARKING")
        || has("GPMS")
        || has("GPM")
        || has("GSC")
        || has("PROTECTIVE")
        || (has("SECURITY") && (has("CLASSIFICATION") || has("CLAS") || has("LEVEL")))
        || (has("GOVERNMENT") && has("CLASSIFICATION"))
}

/// Whether a header might hold a protective marking without saying so plainly: named in the
/// warning for an export with no marking column, for the analyst to check.
pub fn may_be_marking_header(header: &str) -> bool {
    let up = header.to_ascii_uppercase();
    ["CLASSIFICATION", "SENSITIVITY", "HANDLING", "SECURITY"]
        .iter()
        .any(|w| up.contains(w))
        || match_key(header) == "pm"
}

/// The highest marking any profile may allow: SECRET and TOP SECRET material is never
/// handled by this route.
pub const MARKING_LIMIT: Marking = Marking::Confidential;

/// The rule, field and warning the tool adds to every profile for its marking ceiling.
pub const MARKING_RULE: &str = "protective-marking";
pub const MARKING_FIELD: &str = "protective_marking";
pub const NO_MARKING_COLUMN: &str = "no-protective-marking";

impl Marking {
    /// The rung's usual name.
    pub fn name(self) -> &'static str {
        match self {
            Marking::NotProtectivelyMarked => "NOT PROTECTIVELY MARKED",
            Marking::Official => "OFFICIAL",
            Marking::Confidential => "CONFIDENTIAL",
            Marking::Secret => "SECRET",
            Marking::TopSecret => "TOP SECRET",
        }
    }

    /// Read a marking and say which name it is: an index into [`MARKING_NAMES`].
    pub fn parse_named(text: &str) -> Option<(Marking, u8)> {
        Marking::read(text)
    }

    /// Read a marking as written in an export or an agreement. Case, spaces, hyphens and any
    /// caveat after OFFICIAL-SENSITIVE ("OFFICIAL-SENSITIVE PERSONAL") are accepted; anything
    /// else is `None`, and a rule treats that as unreadable.
    pub fn parse(text: &str) -> Option<Marking> {
        Marking::read(text).map(|(m, _)| m)
    }

    /// The rung and the marking's name (an index into [`MARKING_NAMES`]: OFFICIAL-SENSITIVE
    /// keeps its name in what the bundle reports). Exports spell markings many ways: "OFFICIAL - SENSITIVE", "O/S",
    /// "N.P.M.", "PROTECT - PERSONAL", "SECRET UK EYES ONLY". A level may be followed by
    /// descriptors and the UK EYES ONLY caveat; any other word (a second classification, a
    /// codeword, "DO NOT SHARE") makes the marking unreadable, so the row is excluded rather
    /// than guessed about.
    fn read(text: &str) -> Option<(Marking, u8)> {
        // Letters standing alone are one word: "O/S" is OS, "N.P.M." is NPM.
        let mut words: Vec<String> = Vec::new();
        let mut letters = String::new();
        for w in text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            if w.chars().count() == 1 {
                letters.push_str(&w.to_ascii_uppercase());
                continue;
            }
            if !letters.is_empty() {
                words.push(std::mem::take(&mut letters));
            }
            words.push(w.to_ascii_uppercase());
        }
        if !letters.is_empty() {
            words.push(letters);
        }
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        let caveats = |rest: &[&str]| {
            rest.iter().all(|w| {
                matches!(
                    *w,
                    "PERSONAL"
                        | "COMMERCIAL"
                        | "LOCSEN"
                        | "STAFF"
                        | "MEDICAL"
                        | "POLICY"
                        | "MANAGEMENT"
                        | "UK"
                        | "EYES"
                        | "ONLY"
                        | "UKEO"
                )
            })
        };
        let (level, name, rest): (Marking, u8, &[&str]) = match w.as_slice() {
            // Not "NONE": in an export that means no marking was recorded, which is empty.
            ["NOT", "PROTECTIVELY", "MARKED"] | ["NPM"] | ["UNCLASSIFIED"] => {
                return Some((Marking::NotProtectivelyMarked, 0));
            }
            ["OFFICIAL", "SENSITIVE", rest @ ..] | ["OS", rest @ ..] => {
                (Marking::Official, 4, rest)
            }
            ["RESTRICTED", rest @ ..] => (Marking::Official, 3, rest),
            ["PROTECT", rest @ ..] => (Marking::Official, 2, rest),
            ["OFFICIAL", rest @ ..] => (Marking::Official, 1, rest),
            ["CONFIDENTIAL", rest @ ..] => (Marking::Confidential, 5, rest),
            ["TOP", "SECRET", rest @ ..] => (Marking::TopSecret, 7, rest),
            ["SECRET", rest @ ..] => (Marking::Secret, 6, rest),
            _ => return None,
        };
        caveats(rest).then_some((level, name))
    }
}

// ---------------------------------------------------------------------------------------------
// Errors

/// A profile that cannot be used, with where the problem is.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {what}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct ProfileError {
    pub file: String,
    pub line: Option<usize>,
    pub what: String,
}

/// The largest profile file read from `--profiles`: the biggest built-in one is a few dozen
/// KiB.
pub const MAX_PROFILE_BYTES: u64 = 1 << 20;

impl ProfileError {
    pub fn hint(&self) -> &'static str {
        "Fix the profile file at that line (see profiles/README.md for the format), or remove it from the --profiles folder."
    }
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn err<T>(
        &self,
        span: Option<std::ops::Range<usize>>,
        what: impl Into<String>,
    ) -> Result<T, ProfileError> {
        Err(ProfileError {
            file: self.file.to_string(),
            line: span.map(|s| line_of(self.text, s.start)),
            what: what.into(),
        })
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

// ---------------------------------------------------------------------------------------------
// Parsing and validation

/// Lower-case letters, digits and hyphens: the form of every id a flag names.
fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Parse and validate one profile. `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Profile, ProfileError> {
    let cx = Ctx { file, text };
    let raw: RawProfile = toml::from_str(text).map_err(|e| ProfileError {
        file: file.to_string(),
        line: e.span().map(|s| line_of(text, s.start)),
        what: e.message().to_string(),
    })?;

    let id = raw.id.get_ref().clone();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return cx.err(
            Some(raw.id.span()),
            "key `id`: use lower-case letters, digits and hyphens only",
        );
    }

    let a = raw.agreement;
    let max_marking = match Marking::parse(a.max_marking.get_ref()) {
        Some(m) => m,
        None => {
            return cx.err(
                Some(a.max_marking.span()),
                format!(
                    "key `agreement.max_marking`: {:?} is not a protective marking",
                    a.max_marking.get_ref()
                ),
            );
        }
    };
    if max_marking > MARKING_LIMIT {
        return cx.err(
            Some(a.max_marking.span()),
            format!(
                "key `agreement.max_marking`: {:?} is above CONFIDENTIAL; SECRET and TOP SECRET material is never disclosed by this route",
                a.max_marking.get_ref()
            ),
        );
    }
    let review_due = match crate::dates::Date::parse_iso(a.review_due.get_ref()) {
        Some(d) => d,
        None => {
            return cx.err(
                Some(a.review_due.span()),
                "key `agreement.review_due`: write the date as YYYY-MM-DD",
            );
        }
    };
    let mut legal_basis = Vec::new();
    let mut bases: Vec<Basis> = Vec::new();
    for b in a.legal_basis {
        match b {
            RawBasis::Stated(text) => legal_basis.push(text),
            RawBasis::Choice(c) => {
                if !is_code(&c.id) {
                    return cx.err(
                        None,
                        format!("key `agreement.legal_basis.id`: {:?}: use lower-case letters, digits and hyphens only", c.id),
                    );
                }
                if bases.iter().any(|x| x.id == c.id) {
                    return cx.err(
                        None,
                        format!("key `agreement.legal_basis.id`: {:?} is listed twice", c.id),
                    );
                }
                legal_basis.push(c.text.clone());
                bases.push(Basis {
                    id: c.id,
                    text: c.text,
                });
            }
        }
    }
    if bases.len() == 1 {
        return cx.err(
            None,
            format!(
                "key `agreement.legal_basis`: {:?} is the only basis with an id; ids mark alternatives the analyst chooses between, so give two or more, or write it as plain text",
                bases[0].id
            ),
        );
    }
    let agreement = Agreement {
        title: a.title,
        source: a.source,
        parties: a.parties,
        purpose: a.purpose,
        legal_basis,
        bases,
        max_marking,
        max_marking_text: a.max_marking.into_inner(),
        max_marking_section: a.max_marking_section,
        signatories: a.signatories,
        review_due,
        retention: a.retention,
        transfer: a.transfer,
        transfer_advice: a.transfer_advice,
        free_text_section: a.free_text_section,
        onward_sharing: a.onward_sharing,
        prescriptive: a.prescriptive,
        authority: a.authority,
    };

    let mut seen_ids = BTreeMap::new();
    let mut fields = Vec::new();
    let mut rule_fields = Vec::new();
    for (raw_fields, shared, key) in [
        (raw.fields, true, "fields"),
        (raw.rule_fields, false, "rule_fields"),
    ] {
        for f in raw_fields {
            let fid = f.id.get_ref().clone();
            if match_key(&fid).is_empty() {
                return cx.err(
                    Some(f.id.span()),
                    format!("key `{key}.id`: a field id cannot be blank"),
                );
            }
            if seen_ids.insert(fid.clone(), ()).is_some() {
                return cx.err(
                    Some(f.id.span()),
                    format!("key `{key}.id`: field {fid:?} is defined twice"),
                );
            }
            let category = match f.category.get_ref().as_str() {
                "personal" => Category::Personal,
                "special" => Category::SpecialCategory,
                "criminal" => Category::CriminalOffence,
                other => {
                    return cx.err(
                        Some(f.category.span()),
                        format!("key `{key}.category` of field {fid:?}: {other:?} is not one of personal, special, criminal"),
                    );
                }
            };
            let field = Field {
                id: fid,
                label: f.label,
                category,
                section: f.section,
                aliases: f.aliases,
                shared,
                item: f.item,
                many: f.many,
                free_text: f.free_text,
            };
            if shared {
                fields.push(field)
            } else {
                rule_fields.push(field)
            }
        }
    }

    // The marking ceiling is the tool's, on every profile: its column is recognised by the
    // same names whichever agreement is applied.
    if seen_ids.contains_key(MARKING_FIELD) {
        return cx.err(
            None,
            format!("field {MARKING_FIELD:?} is added by the tool to every profile (it reads the export's protective marking against agreement.max_marking); remove it"),
        );
    }
    rule_fields.push(Field {
        id: MARKING_FIELD.to_string(),
        label: "Protective marking".to_string(),
        category: Category::Personal,
        section: agreement.max_marking_section.clone(),
        aliases: MARKING_HEADERS.iter().map(|h| h.to_string()).collect(),
        shared: false,
        item: None,
        // Every marking column of an export is read; the highest marking counts.
        many: true,
        free_text: false,
    });

    // Details found in free text are reported against what the agreement says of them.
    if agreement.free_text_section.is_none()
        && let Some(f) = fields.iter().find(|f| f.free_text)
    {
        return cx.err(
            None,
            format!(
                "field {:?} is free_text, but `agreement.free_text_section` does not say where the agreement limits what free text may carry; quote it",
                f.id
            ),
        );
    }

    // An alias that names two fields would make mapping depend on file order: refuse it.
    // Each name's key is made once (every embedded profile is checked at start-up).
    let all: Vec<&Field> = fields.iter().chain(rule_fields.iter()).collect();
    fn names(f: &Field) -> impl Iterator<Item = &String> {
        std::iter::once(&f.id)
            .chain(std::iter::once(&f.label))
            .chain(&f.aliases)
    }
    let keys: Vec<Vec<String>> = all
        .iter()
        .map(|f| names(f).map(|n| match_key(n)).collect())
        .collect();
    for (i, f) in all.iter().enumerate() {
        for (name, key) in names(f).zip(&keys[i]) {
            if key.is_empty() {
                continue;
            }
            if let Some(j) = (i + 1..all.len()).find(|&j| keys[j].contains(key)) {
                return cx.err(
                    None,
                    format!("the name {name:?} matches both field {:?} and field {:?}; give it to one only", f.id, all[j].id),
                );
            }
        }
    }

    let mut rules = Vec::new();
    for r in raw.rules {
        let rid = r.id.get_ref().clone();
        let field = r.field.get_ref().clone();
        if !all.iter().any(|f| f.id == field) {
            return cx.err(
                Some(r.field.span()),
                format!("key `rules.field` of rule {rid:?}: there is no field with id {field:?}"),
            );
        }
        let int_max = |max: &Option<Spanned<toml::Value>>| -> Result<Option<i64>, ProfileError> {
            match max {
                None => Ok(None),
                Some(v) => match v.get_ref() {
                    toml::Value::Integer(n) => Ok(Some(*n)),
                    _ => cx.err(
                        Some(v.span()),
                        format!("key `rules.max` of rule {rid:?}: expected a whole number"),
                    ),
                },
            }
        };
        let field_ref =
            |f: &Option<Spanned<String>>, key: &str| -> Result<Option<String>, ProfileError> {
                match f {
                    None => Ok(None),
                    Some(name) if all.iter().any(|x| x.id == *name.get_ref()) => {
                        Ok(Some(name.get_ref().clone()))
                    }
                    Some(name) => cx.err(
                        Some(name.span()),
                        format!(
                            "key `rules.{key}` of rule {rid:?}: there is no field with id {:?}",
                            name.get_ref()
                        ),
                    ),
                }
            };
        let test = match r.kind.get_ref().as_str() {
            "age_between" => {
                let Some(at) = &r.at else {
                    return cx.err(
                        Some(r.kind.span()),
                        format!("rule {rid:?}: an age rule must say when the age is measured: `at = \"period_end\"`, `\"today\"` (the day the data leaves) or `\"offence\"`, as the agreement does"),
                    );
                };
                let at = match at.get_ref().as_str() {
                    "period_end" => AgeAt::PeriodEnd,
                    "today" => AgeAt::Today,
                    "offence" => {
                        match field_ref(&r.offence_date_field, "offence_date_field")? {
                            Some(date_field) => AgeAt::Offence {
                                date_field,
                                age_field: field_ref(&r.age_field, "age_field")?,
                            },
                            None => {
                                return cx.err(
                                Some(at.span()),
                                format!("rule {rid:?}: an age at the offence needs `offence_date_field`"),
                            );
                            }
                        }
                    }
                    other => {
                        return cx.err(
                            Some(at.span()),
                            format!("key `rules.at` of rule {rid:?}: {other:?} is not one of period_end, today, offence"),
                        );
                    }
                };
                RuleTest::AgeBetween {
                    min: r.min,
                    max: int_max(&r.max)?,
                    at,
                }
            }
            "number_between" => RuleTest::NumberBetween {
                min: r.min,
                max: int_max(&r.max)?,
            },
            "exclude_if_yes" => RuleTest::ExcludeIfYes,
            "marking_at_most" => {
                return cx.err(
                    Some(r.kind.span()),
                    format!("rule {rid:?}: the tool reads the protective marking against agreement.max_marking on every profile; remove this rule and set max_marking (with max_marking_section)"),
                );
            }
            other => {
                return cx.err(
                    Some(r.kind.span()),
                    format!("key `rules.kind` of rule {rid:?}: {other:?} is not one of age_between, number_between, exclude_if_yes"),
                );
            }
        };
        if !matches!(test, RuleTest::AgeBetween { .. })
            && (r.at.is_some() || r.offence_date_field.is_some() || r.age_field.is_some())
        {
            return cx.err(
                Some(r.kind.span()),
                format!("rule {rid:?}: `at`, `offence_date_field` and `age_field` belong to age_between rules"),
            );
        }
        if let RuleTest::AgeBetween {
            min: None,
            max: None,
            ..
        }
        | RuleTest::NumberBetween {
            min: None,
            max: None,
        } = test
        {
            return cx.err(
                Some(r.kind.span()),
                format!("rule {rid:?}: give `min`, `max` or both"),
            );
        }
        let empty = match r.empty {
            None => None,
            Some(e) => {
                if e.means.get_ref() != "no" || test != RuleTest::ExcludeIfYes {
                    return cx.err(
                        Some(e.means.span()),
                        format!("key `rules.empty.means` of rule {rid:?}: only an exclude_if_yes rule's empty value can be given a meaning, and only \"no\" (fail closed is the rule everywhere else)"),
                    );
                }
                if e.section.trim().is_empty() || e.label.trim().is_empty() {
                    return cx.err(
                        Some(e.means.span()),
                        format!("rule {rid:?}: `empty` needs the agreement's `section` that says what empty means, and a `label` for the count"),
                    );
                }
                Some(EmptyMeaning {
                    section: e.section,
                    label: e.label,
                })
            }
        };
        if let Some(f) = all
            .iter()
            .find(|f| f.many && rule_fields_of(&test, &field).contains(&f.id.as_str()))
        {
            return cx.err(
                Some(r.field.span()),
                format!("rule {rid:?} reads field {:?}, which takes many columns; a rule reads one column", f.id),
            );
        }
        if rid == MARKING_RULE {
            return cx.err(
                Some(r.id.span()),
                format!(
                    "rule id {MARKING_RULE:?} is the tool's own marking ceiling; choose another"
                ),
            );
        }
        rules.push(Rule {
            id: rid,
            field,
            test,
            section: r.section,
            description: r.description,
            empty,
            built_in: false,
        });
    }
    if rules.len() >= 32 {
        return cx.err(
            None,
            "a profile may have at most 31 rules of its own (a row's findings are kept in 32 bits)",
        );
    }
    rules.push(Rule {
        id: MARKING_RULE.to_string(),
        field: MARKING_FIELD.to_string(),
        test: RuleTest::MarkingAtMost(agreement.max_marking),
        section: agreement.max_marking_section.clone(),
        description: format!(
            "marked above {}, the agreement's ceiling",
            agreement.max_marking_text.to_uppercase()
        ),
        empty: None,
        built_in: true,
    });

    let mut warnings = Vec::new();
    for w in raw.warnings {
        let code = w.code.get_ref().clone();
        if code.is_empty()
            || !code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return cx.err(
                Some(w.code.span()),
                "key `warnings.code`: use lower-case letters, digits and hyphens only",
            );
        }
        if code == REVIEW_OVERDUE {
            return cx.err(Some(w.code.span()), "key `warnings.code`: review-overdue is raised by the tool from agreement.review_due; do not list it");
        }
        if warnings.iter().any(|x: &Warning| x.code == code) {
            return cx.err(
                Some(w.code.span()),
                format!("key `warnings.code`: {code:?} is listed twice"),
            );
        }
        warnings.push(Warning {
            code,
            section: w.section,
            message: w.message,
        });
    }

    let mut recipients = Vec::new();
    for r in raw.recipients {
        let key = r.key.get_ref().trim().to_string();
        if !(key.starts_with("age1") || key.starts_with("ssh-ed25519 ")) {
            return cx.err(
                Some(r.key.span()),
                "key `recipients.key`: expected an age public key (age1...)",
            );
        }
        recipients.push(Recipient {
            label: r.label,
            key,
        });
    }

    let mut checklist: Vec<ChecklistItem> = Vec::new();
    for c in raw.checklist {
        let cid = c.id.get_ref().clone();
        if !is_code(&cid) {
            return cx.err(
                Some(c.id.span()),
                "key `checklist.id`: use lower-case letters, digits and hyphens only",
            );
        }
        if checklist.iter().any(|x| x.id == cid) {
            return cx.err(
                Some(c.id.span()),
                format!("key `checklist.id`: {cid:?} is listed twice"),
            );
        }
        let answer = match c.answer.as_ref().map(|a| (a.get_ref().as_str(), a.span())) {
            None | Some(("text", _)) => AnswerKind::Text,
            Some(("yes-no", _)) => AnswerKind::YesNo,
            Some((other, span)) => {
                return cx.err(
                    Some(span),
                    format!("key `checklist.answer`: {other:?}: write \"yes-no\" or \"text\""),
                );
            }
        };
        let stops = match (c.stops_on, c.stops_because) {
            (None, None) => None,
            (Some(on), Some(because)) => {
                let on_yes = match on.get_ref().as_str() {
                    "yes" => true,
                    "no" => false,
                    other => {
                        return cx.err(
                            Some(on.span()),
                            format!("key `checklist.stops_on`: {other:?}: write \"yes\" or \"no\""),
                        );
                    }
                };
                if answer != AnswerKind::YesNo {
                    return cx.err(
                        Some(on.span()),
                        "key `checklist.stops_on`: only a yes-no question (answer = \"yes-no\") can stop the sharing",
                    );
                }
                Some(Stop { on_yes, because })
            }
            _ => {
                return cx.err(
                    Some(c.id.span()),
                    format!("checklist item {cid:?}: give `stops_on` and `stops_because` together (the answer that stops the sharing, and the agreement's words that say so)"),
                );
            }
        };
        checklist.push(ChecklistItem {
            id: cid,
            section: c.section,
            question: c.question,
            answer,
            stops,
        });
    }

    Ok(Profile {
        id,
        origin: file.to_string(),
        sha256: {
            use sha2::Digest;
            crate::hex::hex(&sha2::Sha256::digest(text.as_bytes()))
        },
        agreement,
        fields,
        rule_fields,
        rules,
        warnings,
        checklist,
        recipients,
        single_person: raw.single_person,
        never_shared: raw.never_shared.map(|n| NeverShared {
            section: n.section,
            headers: n.headers,
        }),
    })
}

/// The fields a rule of this test on `field` reads.
fn rule_fields_of<'a>(test: &'a RuleTest, field: &'a str) -> Vec<&'a str> {
    let mut out = vec![field];
    if let RuleTest::AgeBetween {
        at: AgeAt::Offence {
            date_field,
            age_field,
        },
        ..
    } = test
    {
        out.push(date_field);
        out.extend(age_field.as_deref());
    }
    out
}

/// The code of the warning raised when the agreement's review date has passed.
pub const REVIEW_OVERDUE: &str = "review-overdue";

impl Profile {
    /// Every field, shared first, then rule-only.
    pub fn all_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().chain(self.rule_fields.iter())
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.all_fields().find(|f| f.id == id)
    }

    /// The field a name (id, label or alias) refers to.
    pub fn field_named(&self, name: &str) -> Option<&Field> {
        self.all_fields().find(|f| f.answers_to(name))
    }

    /// The warnings in force on `today`: the profile's own, plus review-overdue when the
    /// review date has passed.
    pub fn warnings_on(&self, today: crate::dates::Date) -> Vec<Warning> {
        let mut out = Vec::new();
        if today > self.agreement.review_due {
            out.push(Warning {
                code: REVIEW_OVERDUE.to_string(),
                section: "agreement review date".to_string(),
                message: format!(
                    "The agreement was due for review on {}. Check with your information management team that it is still in force before sharing.",
                    self.agreement.review_due
                ),
            });
        }
        out.extend(self.warnings.iter().cloned());
        out
    }
}

/// The set of profiles available to a run: the embedded ones, with any from `--profiles DIR`
/// added or overriding by id.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub profiles: Vec<Profile>,
}

impl Catalog {
    pub fn embedded() -> Result<Catalog, ProfileError> {
        let mut profiles = Vec::new();
        for (name, text) in EMBEDDED {
            profiles.push(parse(&format!("(built in) {name}"), text)?);
        }
        Ok(Catalog { profiles })
    }

    /// The embedded profiles plus every `*.toml` in `dir`; a profile in `dir` with the id of an
    /// embedded one replaces it.
    pub fn with_dir(dir: &Path) -> Result<Catalog, ProfileError> {
        let mut cat = Catalog::embedded()?;
        let entries = std::fs::read_dir(dir).map_err(|e| ProfileError {
            file: dir.display().to_string(),
            line: None,
            what: format!("cannot read the profiles folder: {e}"),
        })?;
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("toml"))
            })
            .collect();
        paths.sort();
        for p in paths {
            let unreadable = |what: String| ProfileError {
                file: p.display().to_string(),
                line: None,
                what,
            };
            // Through `files`: a FIFO named `x.toml` would hang the read, `/dev/zero` linked
            // there would never end.
            let bytes = crate::files::read_small(&p, MAX_PROFILE_BYTES).map_err(|e| {
                unreadable(match e {
                    crate::files::FileError::Refused(r) => format!("cannot read: it {r}"),
                    crate::files::FileError::Io(e) => format!("cannot read: {e}"),
                })
            })?;
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| unreadable("cannot read: it is not UTF-8 text".into()))?;
            let prof = parse(&p.display().to_string(), &text)?;
            match cat.profiles.iter_mut().find(|q| q.id == prof.id) {
                Some(slot) => *slot = prof,
                None => cat.profiles.push(prof),
            }
        }
        Ok(cat)
    }

    pub fn get(&self, id: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.profiles.iter().map(|p| p.id.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_two_fields_answer_to_is_refused_naming_both() {
        let text = include_str!("../profiles/bromley-yot-victims.toml");
        assert!(parse("bromley-yot-victims.toml", text).is_ok());
        // Spelt differently, but the same name once case and punctuation are set aside.
        let clash = text.replacen("\"Victim Addr\",", "\"VICTIMS NAME\",", 1);
        assert_ne!(clash, text);
        let err = parse("clash.toml", &clash).unwrap_err().to_string();
        assert!(
            err.contains("matches both field \"victim_name\" and field \"victim_address\""),
            "{err}"
        );
    }

    #[test]
    fn markings_share_rungs_as_gsc_says() {
        assert_eq!(
            Marking::parse("OFFICIAL-SENSITIVE"),
            Some(Marking::Official)
        );
        assert_eq!(
            Marking::parse("official sensitive personal"),
            Some(Marking::Official)
        );
        assert_eq!(Marking::parse("Restricted"), Some(Marking::Official));
        assert!(Marking::parse("SECRET").unwrap() > Marking::Official);
        assert!(Marking::parse("CONFIDENTIAL").unwrap() > Marking::Official);
        assert_eq!(
            Marking::parse("OFFICIAL-SENSITIVE: UK EYES ONLY"),
            Some(Marking::Official)
        );
        assert_eq!(Marking::parse("OFFICIAL SENSITIVE TOP SECRET STRAP1"), None);
        assert_eq!(Marking::parse("OFFICIAL-SENSITIVE DO NOT SHARE"), None);
        assert_eq!(Marking::parse("SECRET-ish"), None);
        // The spellings exports use.
        for (text, level, name) in [
            (
                "OFFICIAL - SENSITIVE",
                Marking::Official,
                "OFFICIAL-SENSITIVE",
            ),
            ("O/S", Marking::Official, "OFFICIAL-SENSITIVE"),
            (
                "Official (Sensitive)",
                Marking::Official,
                "OFFICIAL-SENSITIVE",
            ),
            ("PROTECT - PERSONAL", Marking::Official, "PROTECT"),
            ("Restricted - Staff", Marking::Official, "RESTRICTED"),
            (
                "N.P.M.",
                Marking::NotProtectivelyMarked,
                "NOT PROTECTIVELY MARKED",
            ),
            (
                "Confidential - Personal",
                Marking::Confidential,
                "CONFIDENTIAL",
            ),
            ("SECRET UK EYES ONLY", Marking::Secret, "SECRET"),
            ("Top-Secret", Marking::TopSecret, "TOP SECRET"),
        ] {
            let (m, i) = Marking::parse_named(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!((m, MARKING_NAMES[usize::from(i)]), (level, name), "{text}");
        }
        assert_eq!(Marking::parse(""), None);
        assert_eq!(Marking::parse("OFFICAL"), None);
    }
}
