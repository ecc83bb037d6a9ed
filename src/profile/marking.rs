//! Protective markings: the ladder of levels, the headers that name a marking column, the tool's ceiling.

use crate::text::match_key;

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
