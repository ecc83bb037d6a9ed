//! Agreement profiles: one TOML file per data sharing agreement, saying which fields may be
//! shared, which are read only by rules, which rows qualify, and what must be acknowledged.
//!
//! The files in `profiles/` are embedded in the binary; `--profiles DIR` adds or overrides by
//! id. A file is parsed into raw serde types, then validated into [`Profile`], so every mistake
//! in a profile is reported with its file, line and key before any export is read.

mod catalog;
mod error;
mod format;
mod marking;
mod parse;

pub use catalog::Catalog;
pub use error::{MAX_PROFILE_BYTES, ProfileError};
pub use marking::{
    MARKING_FIELD, MARKING_HEADERS, MARKING_LIMIT, MARKING_NAMES, MARKING_RULE, Marking,
    NO_MARKING_COLUMN, is_marking_header, may_be_marking_header,
};
pub use parse::parse;

use crate::text::match_key;
use parse::rule_fields_of;

/// The profiles shipped with the tool, as (file name, TOML text).
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "orochi-rescue-response.toml",
        include_str!("../../profiles/orochi-rescue-response.toml"),
    ),
    (
        "london-iom.toml",
        include_str!("../../profiles/london-iom.toml"),
    ),
    (
        "bexley-iom.toml",
        include_str!("../../profiles/bexley-iom.toml"),
    ),
    (
        "bromley-yot-victims.toml",
        include_str!("../../profiles/bromley-yot-victims.toml"),
    ),
    (
        "merton-asb-panel.toml",
        include_str!("../../profiles/merton-asb-panel.toml"),
    ),
];

// ---------------------------------------------------------------------------------------------
// The file format. Field by field, this is what a profile author writes.

#[cfg(test)]
mod tests;

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
