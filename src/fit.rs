//! How well a header fits an agreed field: their words overlap, in any order, after plurals
//! and the common abbreviations of police exports (DOB, PNC, SDE, VCOP, Tel) are spelt out.
//! Words naming a person decide who the column is about. Knows only the profile, so the
//! planner ([`crate::apply`]) and the suggestions ([`crate::suggest`]) both ask it, without a
//! cycle between them.

use crate::profile::{Field, Profile};
use std::collections::BTreeSet;

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
pub(crate) fn words(text: &str) -> Vec<String> {
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

pub(crate) fn singular(w: &str) -> String {
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

pub(crate) fn is_person(w: &str) -> bool {
    PERSON_WORDS.contains(&w)
}

/// How well a header's words fit one of a field's names, 0 to 100; 0 when the header names a
/// person the field is not about, or shares no telling word with it.
pub(crate) fn fit(header: &[String], name: &[String], field_people: &BTreeSet<&str>) -> u32 {
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
pub(crate) fn people_of(f: &Field) -> BTreeSet<&'static str> {
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

pub(crate) fn ruled_out(profile: &Profile, header: &str) -> bool {
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
