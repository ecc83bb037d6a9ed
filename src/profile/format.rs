//! The file format: the raw serde types, field by field what a profile author writes.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProfile {
    /// Stable id, e.g. "bromley-yot-victims"; what `--profile` takes.
    pub(super) id: Spanned<String>,
    pub(super) agreement: RawAgreement,
    /// Fields that may be shared (the agreement's data-to-share list).
    #[serde(default)]
    pub(super) fields: Vec<RawField>,
    /// Fields read only by rules, never shared (e.g. offender age, victim opt-out, marking).
    #[serde(default)]
    pub(super) rule_fields: Vec<RawField>,
    #[serde(default)]
    pub(super) rules: Vec<RawRule>,
    /// Warnings the analyst must acknowledge before a bundle is written.
    #[serde(default)]
    pub(super) warnings: Vec<RawWarning>,
    /// Questions the analyst answers before sharing (e.g. IOM Appendix D).
    #[serde(default)]
    pub(super) checklist: Vec<RawChecklistItem>,
    /// Default recipients (partner public keys) with labels.
    #[serde(default)]
    pub(super) recipients: Vec<RawRecipient>,
    /// Set (with the reason) only when the agreement's exports describe one person per row, so
    /// a bare header such as "Address" cannot be somebody else's. Unset, aliases must name the
    /// person (`tests/profiles_embedded.rs` holds the list of bare words).
    #[serde(default)]
    pub(super) single_person: Option<String>,
    /// Export columns the agreement rules out: never shared, never suggested.
    #[serde(default)]
    pub(super) never_shared: Option<RawNeverShared>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNeverShared {
    pub(super) section: String,
    pub(super) headers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAgreement {
    pub(super) title: String,
    /// The seed file the profile was written from, e.g. "003_94cd174c14b295c2.txt".
    pub(super) source: String,
    pub(super) parties: Vec<String>,
    pub(super) purpose: String,
    /// The legal basis as the agreement states it: statute and DPA/GDPR conditions, each with
    /// its section. An entry written `{ id = "...", text = "..." }` is one of several
    /// alternative gateways the agreement lists, of which the analyst names the one relied on
    /// for each bundle; a plain string applies to every bundle.
    pub(super) legal_basis: Vec<RawBasis>,
    /// Highest protective marking the agreement allows, e.g. "OFFICIAL" or "RESTRICTED".
    pub(super) max_marking: Spanned<String>,
    /// Where the agreement says so, or why the ceiling is OFFICIAL when it says nothing.
    pub(super) max_marking_section: String,
    /// The parties that signed the copy we hold, where that is fewer than `parties`.
    #[serde(default)]
    pub(super) signatories: Option<Vec<String>>,
    /// ISO date the agreement is due for review ("YYYY-MM-DD").
    pub(super) review_due: Spanned<String>,
    pub(super) retention: String,
    /// How data may (or may not) travel: e.g. "Box only", "secure email only".
    pub(super) transfer: String,
    /// What the analyst is told to do with the bundle once written, in one or two sentences
    /// that follow `transfer` (Bromley: print it, do not send it; Orochi: Box only).
    pub(super) transfer_advice: String,
    /// Where the agreement limits what its free-text fields may carry ("No other information
    /// will be disclosed"): cited when details are found in them. Required when any field is
    /// `free_text`.
    #[serde(default)]
    pub(super) free_text_section: Option<String>,
    /// Terms on onward sharing by the recipient.
    pub(super) onward_sharing: String,
    /// True when the agreement lists exactly what may be shared; false when it is "not
    /// prescriptive" and each shared field needs a written justification.
    pub(super) prescriptive: bool,
    /// Whether a named authorising officer is required, and their role as the agreement says.
    #[serde(default)]
    pub(super) authority: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawField {
    pub(super) id: Spanned<String>,
    /// The agreement's own wording.
    pub(super) label: String,
    /// "personal", "special" (special category) or "criminal" (criminal offence data).
    pub(super) category: Spanned<String>,
    /// The section of the agreement this field comes from.
    pub(super) section: String,
    /// Header variants police exports use. Matched ignoring case, spaces and punctuation. The
    /// id and label are always aliases too.
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    /// The agreement's item this field is one column of, where one item spans several
    /// columns ("Vulnerability Marker with relevant details": the marker and the details).
    #[serde(default)]
    pub(super) item: Option<String>,
    /// A broad category of a not-prescriptive agreement ("probation service data") that an
    /// export may carry in several columns; each is shared, labelled with its own header.
    #[serde(default)]
    pub(super) many: bool,
    /// Free text an officer typed (a statement, an intelligence note): shared as agreed, but
    /// scanned for other people's details (telephone numbers, NHS numbers, …) for the analyst
    /// to review before it leaves (see [`crate::freetext`]).
    #[serde(default)]
    pub(super) free_text: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    pub(super) id: Spanned<String>,
    /// "age_between" (a date of birth field; age at the last day of the period),
    /// "number_between" (a whole number field), "exclude_if_yes" (a yes/no flag; yes excludes),
    /// "marking_at_most" (a protective marking field; `max` is the highest allowed).
    pub(super) kind: Spanned<String>,
    /// The field (shared or rule-only) the rule reads.
    pub(super) field: Spanned<String>,
    #[serde(default)]
    pub(super) min: Option<i64>,
    #[serde(default)]
    pub(super) max: Option<Spanned<toml::Value>>,
    /// For `age_between`: the day the age is measured at: "period_end", "today" (the day the
    /// data leaves) or "offence" (with `offence_date_field`, and optionally `age_field`).
    #[serde(default)]
    pub(super) at: Option<Spanned<String>>,
    /// For `at = "offence"`: the field holding the offence date.
    #[serde(default)]
    pub(super) offence_date_field: Option<Spanned<String>>,
    /// For `at = "offence"`: a field holding the age at the offence as a whole number, read
    /// instead of the date of birth and offence date when the export has it.
    #[serde(default)]
    pub(super) age_field: Option<Spanned<String>>,
    /// What an empty value means, only where the agreement itself says.
    #[serde(default)]
    pub(super) empty: Option<RawEmpty>,
    pub(super) section: String,
    /// One sentence, as shown when rows are excluded: "offender not aged 10 to 17".
    pub(super) description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEmpty {
    /// Only "no" for now: an empty `exclude_if_yes` value is read as no.
    pub(super) means: Spanned<String>,
    /// The agreement's words that say so.
    pub(super) section: String,
    /// How the rows are counted, e.g. "shared, no opt-out recorded".
    pub(super) label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWarning {
    pub(super) code: Spanned<String>,
    pub(super) section: String,
    pub(super) message: String,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum RawBasis {
    Stated(String),
    Choice(RawBasisChoice),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBasisChoice {
    pub(super) id: String,
    pub(super) text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChecklistItem {
    /// What `--answer ID=...` names, e.g. "lawful-basis".
    pub(super) id: Spanned<String>,
    pub(super) section: String,
    pub(super) question: String,
    /// "yes-no" or "text" (the default): what kind of answer the question takes.
    #[serde(default)]
    pub(super) answer: Option<Spanned<String>>,
    /// "yes" or "no": the answer with which the agreement says the sharing must not go ahead.
    #[serde(default)]
    pub(super) stops_on: Option<Spanned<String>>,
    /// The agreement's words that make that answer stop the sharing.
    #[serde(default)]
    pub(super) stops_because: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRecipient {
    pub(super) label: String,
    pub(super) key: Spanned<String>,
}
