//! Suggestions: for an agreed field that no column matched, the withheld column whose header
//! fits it best. Never applied on their own: the analyst accepts one (`--map`, or a key on the
//! Columns screen) and it is then recorded as mapped by hand.
//!
//! A header fits a field when their words overlap, in any order, after plurals and the common
//! abbreviations of police exports (DOB, PNC, SDE, VCOP, Tel) are spelt out. Words naming a
//! person decide who the column is about: a header naming someone the field is not about
//! ("Parent Contact Number" for the subject's telephone, "Suspect Name" for the victim's) is
//! never suggested, and neither is a column the profile lists as never shared.

use crate::fit::ruled_out;
pub use crate::fit::{THRESHOLD, best_header, score};

use crate::apply::{ColumnUse, InputPlan, missing_rule_column};
use crate::profile::{Field, Profile};
use std::collections::BTreeSet;

/// One suggestion: map source column `column` to `field`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub column: usize,
    /// The field's id, as a mapping names it.
    pub field: String,
    /// How well the header fits, 0 to 100.
    pub score: u32,
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
    use crate::fit::{fit, words};

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
