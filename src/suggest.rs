//! Suggestions: for an agreed field that no column matched, the withheld column whose header
//! fits it best. Never applied on their own: the analyst accepts one (`--map`, or a key on the
//! Columns screen) and it is then recorded as mapped by hand.
//!
//! A header fits a field when their words overlap, in any order, after plurals and the common
//! abbreviations of police exports (DOB, PNC, SDE, VCOP, Tel) are spelt out. Words naming a
//! person decide who the column is about: a header naming someone the field is not about
//! ("Parent Contact Number" for the subject's telephone, "Suspect Name" for the victim's) is
//! never suggested, and neither is a column the profile lists as never shared.

use crate::apply::{ColumnUse, InputPlan, missing_rule_column};
use crate::profile::{Field, Profile};
use std::collections::BTreeSet;

/// One suggestion: map source column `column` to `field`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub column: usize,
    /// The field's id, as `--map` takes it.
    pub field: String,
    /// How well the header fits, 0 to 100.
    pub score: u32,
}

/// A header must fit at least this well (a Dice coefficient of the words, in percent): more
/// than one word in two in common.
pub const THRESHOLD: u32 = 60;

/// Words that say whose (or what) data a column is about: a person, or a place that is not
/// the person's own ("Offence Address", "School Contact Number").
const PERSON_WORDS: &[&str] = &[
    "mother",
    "father",
    "brother",
    "sister",
    "foster",
    "associate",
    "school",
    "gp",
    "doctor",
    "teacher",
    "worker",
    "solicitor",
    "referrer",
    "appropriate",
    "offence",
    "incident",
    "scene",
    "employer",
    "work",
    "business",
    "victim",
    "suspect",
    "offender",
    "witness",
    "parent",
    "carer",
    "guardian",
    "informant",
    "complainant",
    "accused",
    "defendant",
    "perpetrator",
    "subject",
    "nominal",
    "person",
    "officer",
    "oic",
    "kin",
    "sibling",
    "injured",
    "reporting",
    "caller",
    "misper",
    "young",
    "partner",
    "friend",
    "neighbour",
    "staff",
];

/// The words of [`PERSON_WORDS`] that name a place or an event rather than a person.
const PLACE_WORDS: &[&str] = &[
    "school", "offence", "incident", "scene", "employer", "work", "business",
];

/// Words too general to make a fit on their own.
const WEAK_WORDS: &[&str] = &[
    "name",
    "last",
    "first",
    "number",
    "data",
    "date",
    "code",
    "text",
    "detail",
    "information",
    "summary",
    "note",
    "ref",
    "id",
    "type",
    "flag",
    "record",
    "status",
    "current",
    "full",
    "home",
    "known",
    "marker",
];

/// Words that carry nothing.
const STOP_WORDS: &[&str] = &[
    "of",
    "the",
    "and",
    "a",
    "an",
    "to",
    "with",
    "for",
    "in",
    "on",
    "at",
    "by",
    "or",
    "etc",
    "incl",
    "including",
    "which",
    "includes",
    "where",
    "relevant",
    "concerning",
    "s",
    "is",
];

/// The words of a header or a field name, spelt out and singular.
fn words(text: &str) -> Vec<String> {
    // "D.O.B" and "P.N.C" are one word each: runs of single letters are joined.
    let mut tokens: Vec<String> = Vec::new();
    let mut letters = String::new();
    for raw in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if raw.chars().count() == 1 {
            letters.push_str(raw);
            continue;
        }
        if !letters.is_empty() {
            tokens.push(std::mem::take(&mut letters));
        }
        tokens.push(raw.to_string());
    }
    if !letters.is_empty() {
        tokens.push(letters);
    }
    let mut out = Vec::new();
    for raw in tokens {
        let w = raw.to_lowercase();
        let expanded: &[&str] = match w.as_str() {
            "dob" => &["date", "birth"],
            "susp" | "sus" | "suspects" => &["suspect"],
            "vict" | "vic" => &["victim"],
            "mum" | "mom" | "mummy" => &["mother"],
            "dad" | "daddy" => &["father"],
            "nok" => &["kin"],
            "wit" | "wits" => &["witness"],
            "aka" => &["known", "as"],
            "pncid" => &["pnc", "id"],
            "sde" => &["self", "defined", "ethnicity"],
            "vcop" => &["victim", "code", "practice"],
            "vps" => &["victim", "personal", "statement"],
            "tel" | "phone" | "mobile" | "telephone" => &["telephone"],
            "no" | "num" | "nbr" => &["number"],
            "addr" => &["address"],
            "intel" | "crimint" => &["intelligence"],
            "dt" => &["date"],
            "forenames" | "forename" | "firstname" => &["forename"],
            "surname" | "lastname" => &["surname"],
            "mail" | "email" | "e" => &["email"],
            "gender" => &["sex"],
            "ethnic" => &["ethnicity"],
            "affiliation" | "affiliations" | "affiliated" => &["affiliation"],
            "activities" => &["activity"],
            "associates" | "associated" | "associate" | "assoc" => &["associate"],
            "victims" => &["victim"],
            _ => {
                out.push(singular(&w));
                continue;
            }
        };
        out.extend(expanded.iter().map(|s| s.to_string()));
    }
    // "Last Name" is a surname and "First Name" a forename; "Last Conviction" is neither.
    let mut joined: Vec<String> = Vec::with_capacity(out.len());
    for w in out {
        let pair = match (joined.last().map(String::as_str), w.as_str()) {
            (Some("last" | "family"), "name") => Some("surname"),
            (Some("first" | "given" | "christian"), "name") => Some("forename"),
            _ => None,
        };
        match pair {
            Some(p) => {
                joined.pop();
                joined.push(p.to_string());
            }
            None => joined.push(w),
        }
    }
    joined.retain(|w| !STOP_WORDS.contains(&w.as_str()));
    joined.dedup();
    joined
}

fn singular(w: &str) -> String {
    if let Some(stem) = w.strip_suffix("ies")
        && w.len() > 4
    {
        return format!("{stem}y");
    }
    if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

fn is_person(w: &str) -> bool {
    PERSON_WORDS.contains(&w)
}

/// How well a header's words fit one of a field's names, 0 to 100; 0 when the header names a
/// person the field is not about, or shares no telling word with it.
fn fit(header: &[String], name: &[String], field_people: &BTreeSet<&str>) -> u32 {
    if header
        .iter()
        .any(|w| is_person(w) && !field_people.contains(w.as_str()))
    {
        return 0;
    }
    // A place a field is itself about ("Offence Date") is part of what it holds.
    let content = |ws: &[String]| -> BTreeSet<String> {
        ws.iter()
            .filter(|w| {
                !is_person(w)
                    || (PLACE_WORDS.contains(&w.as_str()) && field_people.contains(w.as_str()))
            })
            .cloned()
            .collect()
    };
    let (h, n) = (content(header), content(name));
    if h.is_empty() || n.is_empty() {
        return 0;
    }
    let common: Vec<&String> = h.intersection(&n).collect();
    if !common.iter().any(|w| !WEAK_WORDS.contains(&w.as_str())) {
        return 0;
    }
    (200 * common.len() / (h.len() + n.len())) as u32
}

/// The people a field is about: the person words of its label and aliases, and the profile's
/// own subject where the field names none (an Orochi subject's "Subject surname").
fn people_of(f: &Field) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    for name in std::iter::once(&f.label).chain(&f.aliases) {
        for w in words(name) {
            if let Some(p) = PERSON_WORDS.iter().find(|p| **p == w) {
                out.insert(*p);
            }
        }
    }
    out
}

/// How well `header` fits field `f`: its best fit against the label and any alias.
pub fn score(f: &Field, header: &str) -> u32 {
    let people = people_of(f);
    let h = words(header);
    std::iter::once(&f.label)
        .chain(&f.aliases)
        .map(|name| fit(&h, &words(name), &people))
        .max()
        .unwrap_or(0)
}

fn ruled_out(profile: &Profile, header: &str) -> bool {
    profile
        .never_shared
        .as_ref()
        .is_some_and(|n| n.covers(header))
}

/// The withheld header (of `headers`) that fits `f` best, if any fits: for an error that
/// stops the run before suggestions can be listed.
pub fn best_header<'h>(profile: &Profile, f: &Field, headers: &[&'h str]) -> Option<&'h str> {
    headers
        .iter()
        .filter(|h| !(f.shared && ruled_out(profile, h)))
        .map(|h| (score(f, h), *h))
        .filter(|(s, _)| *s >= THRESHOLD)
        .max_by_key(|(s, _)| *s)
        .map(|(_, h)| h)
}

/// Suggestions for an export whose job cannot be prepared yet (a rule's column is missing):
/// its columns planned without the rules, so the analyst sees every fix at once, not one a run.
/// `(input file name, header, field id)`.
pub fn before_rules(
    profile: &Profile,
    tables: &[crate::load::Table],
    decisions: &crate::apply::Decisions,
) -> Vec<(String, String, String)> {
    let mut relaxed = profile.clone();
    relaxed.rules.clear();
    let mut out = Vec::new();
    for t in tables {
        let Ok(plan) = crate::apply::plan_input(&relaxed, t, decisions) else {
            continue;
        };
        for s in suggest(profile, &t.headers, &plan, &plan.by_hand) {
            out.push((t.file_name(), t.headers[s.column].clone(), s.field));
        }
    }
    out
}

/// Suggestions for one input: each agreed field no column supplies (and each field a rule
/// cannot run without) paired with the withheld column that fits it best, best first; a
/// broad category (`many`) with every withheld column that fits it. A column
/// is suggested for one field at most, never when `withheld_by_hand` says the analyst decided
/// its use, and never for sharing when the profile rules it out.
pub fn suggest(
    profile: &Profile,
    headers: &[String],
    plan: &InputPlan,
    withheld_by_hand: &[bool],
) -> Vec<Suggestion> {
    let mut wanted: Vec<&Field> = profile
        .fields
        .iter()
        // A broad category takes every column of its kind, so it may want more.
        .filter(|f| f.many || !plan.by_field.contains_key(&f.id))
        .collect();
    for rule in &profile.rules {
        if let Some(id) = missing_rule_column(rule, &plan.by_field)
            && let Some(f) = profile.field(id)
            && !wanted.iter().any(|w| w.id == f.id)
        {
            wanted.push(f);
        }
    }
    let candidates: Vec<usize> = (0..headers.len())
        .filter(|&c| plan.columns.get(c) == Some(&ColumnUse::Withheld))
        .filter(|&c| !withheld_by_hand.get(c).copied().unwrap_or(false))
        .collect();
    let mut pairs: Vec<(u32, usize, usize)> = Vec::new();
    for (fi, f) in wanted.iter().enumerate() {
        for &c in &candidates {
            // A column the agreement rules out is never offered for sharing; it may still be
            // what a rule reads (a suspect's age, read and never shared).
            if f.shared && ruled_out(profile, &headers[c]) {
                continue;
            }
            let s = score(f, &headers[c]);
            if s >= THRESHOLD {
                pairs.push((s, fi, c));
            }
        }
    }
    // Best fit first; ties go to the profile's field order, then the column order, so the
    // suggestions never depend on anything but the headers.
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let (mut fields_done, mut cols_done) = (BTreeSet::new(), BTreeSet::new());
    let mut out = Vec::new();
    for (s, fi, c) in pairs {
        if (fields_done.contains(&fi) && !wanted[fi].many) || cols_done.contains(&c) {
            continue;
        }
        fields_done.insert(fi);
        cols_done.insert(c);
        out.push(Suggestion {
            column: c,
            field: wanted[fi].id.clone(),
            score: s,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        words(s)
    }

    #[test]
    fn words_are_spelt_out_and_singular() {
        assert_eq!(w("D.O.B."), ["date", "birth"]);
        assert_eq!(w("E-mail"), ["email"]);
        assert_eq!(w("DOB"), ["date", "birth"]);
        assert_eq!(
            w("Known Gang Affiliations"),
            ["known", "gang", "affiliation"]
        );
        assert_eq!(w("Tel No"), ["telephone", "number"]);
        assert_eq!(w("Last Name"), ["surname"]);
        assert_eq!(w("Given Name(s)"), ["forename"]);
        assert_eq!(w("Last Conviction"), ["last", "conviction"]);
        assert_eq!(
            w("VCOP Opt Out"),
            ["victim", "code", "practice", "opt", "out"]
        );
        assert_eq!(w("Activities"), ["activity"]);
        assert_eq!(w("Address"), ["address"]);
    }

    #[test]
    fn a_header_naming_another_person_never_fits() {
        let people = BTreeSet::from(["victim"]);
        assert_eq!(
            fit(&w("Suspect Telephone"), &w("Victim Telephone"), &people),
            0
        );
        assert!(fit(&w("Victim Tel No"), &w("Victim Telephone"), &people) >= THRESHOLD);
        // A bare header may be the victim's: it fits, for the analyst to confirm.
        assert!(fit(&w("Telephone"), &w("Victim Telephone"), &people) >= THRESHOLD);
        // CRIS abbreviations and other people's places.
        for other in [
            "Susp Tel",
            "NOK Tel",
            "Mum Mobile",
            "School Contact Number",
            "Wit Tel",
        ] {
            assert_eq!(
                fit(&w(other), &w("Victim Telephone"), &people),
                0,
                "{other}"
            );
        }
        assert_eq!(fit(&w("Offence Address"), &w("Victim Address"), &people), 0);
    }

    #[test]
    fn weak_words_alone_make_no_fit() {
        let none = BTreeSet::new();
        assert_eq!(fit(&w("Crime Number"), &w("Telephone Number"), &none), 0);
        assert_eq!(fit(&w("Record Date"), &w("Offence Date"), &none), 0);
        let offence = BTreeSet::from(["offence"]);
        assert!(fit(&w("Date of Offence"), &w("Offence Date"), &offence) >= THRESHOLD);
    }
}
