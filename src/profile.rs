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
    /// its section.
    legal_basis: Vec<String>,
    /// Highest protective marking the agreement allows, e.g. "OFFICIAL" or "RESTRICTED".
    max_marking: Spanned<String>,
    /// ISO date the agreement is due for review ("YYYY-MM-DD").
    review_due: Spanned<String>,
    retention: String,
    /// How data may (or may not) travel: e.g. "Box only", "secure email only".
    transfer: String,
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
    section: String,
    /// One sentence, as shown when rows are excluded: "offender not aged 10 to 17".
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWarning {
    code: Spanned<String>,
    section: String,
    message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecklistItem {
    section: String,
    question: String,
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    pub title: String,
    pub source: String,
    pub parties: Vec<String>,
    pub purpose: String,
    pub legal_basis: Vec<String>,
    pub max_marking: Marking,
    pub max_marking_text: String,
    pub review_due: crate::dates::Date,
    pub retention: String,
    pub transfer: String,
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
}

impl Field {
    /// Whether `name` (a header, an id, a label or an alias) names this field.
    pub fn answers_to(&self, name: &str) -> bool {
        let key = match_key(name);
        !key.is_empty()
            && (match_key(&self.id) == key
                || match_key(&self.label) == key
                || self.aliases.iter().any(|a| match_key(a) == key))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
    pub field: String,
    pub test: RuleTest,
    pub section: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleTest {
    /// The field holds a date of birth; the age at the last day of the period must lie in
    /// `min..=max`.
    AgeBetween { min: Option<i64>, max: Option<i64> },
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
    pub section: String,
    pub question: String,
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

impl Marking {
    /// Read a marking as written in an export or an agreement. Case, spaces, hyphens and any
    /// caveat after OFFICIAL-SENSITIVE ("OFFICIAL-SENSITIVE PERSONAL") are accepted; anything
    /// else is `None`, and a rule treats that as unreadable.
    pub fn parse(text: &str) -> Option<Marking> {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| w.to_ascii_uppercase())
            .collect();
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        match w.as_slice() {
            ["NOT", "PROTECTIVELY", "MARKED"] | ["NPM"] | ["UNCLASSIFIED"] | ["NONE"] => {
                Some(Marking::NotProtectivelyMarked)
            }
            ["OFFICIAL"] | ["PROTECT"] | ["RESTRICTED"] => Some(Marking::Official),
            // GSC descriptors and the UK EYES ONLY caveat may follow; any other word (a
            // higher classification, a codeword, "DO NOT SHARE") makes the marking unreadable,
            // so the row is excluded rather than guessed about.
            ["OFFICIAL", "SENSITIVE", rest @ ..]
                if rest.iter().all(|w| {
                    matches!(
                        *w,
                        "PERSONAL" | "COMMERCIAL" | "LOCSEN" | "UK" | "EYES" | "ONLY"
                    )
                }) =>
            {
                Some(Marking::Official)
            }
            ["CONFIDENTIAL"] => Some(Marking::Confidential),
            ["SECRET"] => Some(Marking::Secret),
            ["TOP", "SECRET"] => Some(Marking::TopSecret),
            _ => None,
        }
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
    let review_due = match crate::dates::Date::parse_iso(a.review_due.get_ref()) {
        Some(d) => d,
        None => {
            return cx.err(
                Some(a.review_due.span()),
                "key `agreement.review_due`: write the date as YYYY-MM-DD",
            );
        }
    };
    let agreement = Agreement {
        title: a.title,
        source: a.source,
        parties: a.parties,
        purpose: a.purpose,
        legal_basis: a.legal_basis,
        max_marking,
        max_marking_text: a.max_marking.into_inner(),
        review_due,
        retention: a.retention,
        transfer: a.transfer,
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
            };
            if shared {
                fields.push(field)
            } else {
                rule_fields.push(field)
            }
        }
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
        let test = match r.kind.get_ref().as_str() {
            "age_between" => RuleTest::AgeBetween { min: r.min, max: int_max(&r.max)? },
            "number_between" => RuleTest::NumberBetween { min: r.min, max: int_max(&r.max)? },
            "exclude_if_yes" => RuleTest::ExcludeIfYes,
            "marking_at_most" => match &r.max {
                Some(v) => match v.get_ref().as_str().and_then(Marking::parse) {
                    Some(m) => RuleTest::MarkingAtMost(m),
                    None => return cx.err(Some(v.span()), format!("key `rules.max` of rule {rid:?}: expected a protective marking such as \"OFFICIAL\"")),
                },
                None => return cx.err(Some(r.kind.span()), format!("rule {rid:?}: marking_at_most needs `max`")),
            },
            other => {
                return cx.err(
                    Some(r.kind.span()),
                    format!("key `rules.kind` of rule {rid:?}: {other:?} is not one of age_between, number_between, exclude_if_yes, marking_at_most"),
                );
            }
        };
        if let RuleTest::AgeBetween {
            min: None,
            max: None,
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
        rules.push(Rule {
            id: rid,
            field,
            test,
            section: r.section,
            description: r.description,
        });
    }

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

    Ok(Profile {
        id,
        origin: file.to_string(),
        sha256: {
            use sha2::Digest;
            crate::keys::hex(&sha2::Sha256::digest(text.as_bytes()))
        },
        agreement,
        fields,
        rule_fields,
        rules,
        warnings,
        checklist: raw
            .checklist
            .into_iter()
            .map(|c| ChecklistItem {
                section: c.section,
                question: c.question,
            })
            .collect(),
        recipients,
    })
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
            let text = std::fs::read_to_string(&p).map_err(|e| ProfileError {
                file: p.display().to_string(),
                line: None,
                what: format!("cannot read: {e}"),
            })?;
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
        assert_eq!(Marking::parse(""), None);
        assert_eq!(Marking::parse("OFFICAL"), None);
    }
}
