//! Parsing and validation: a profile's TOML text into a [`Profile`], every mistake with its line and key.

use super::error::{Ctx, ProfileError, line_of};
use super::format::{RawBasis, RawProfile};
use super::marking::{MARKING_FIELD, MARKING_HEADERS, MARKING_LIMIT, MARKING_RULE, Marking};
use super::{
    AgeAt, Agreement, AnswerKind, Basis, Category, ChecklistItem, EmptyMeaning, Field, NeverShared,
    Profile, REVIEW_OVERDUE, Recipient, Rule, RuleTest, Stop, Warning,
};
use crate::text::match_key;
use std::collections::BTreeMap;
use toml::Spanned;

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
pub(super) fn rule_fields_of<'a>(test: &'a RuleTest, field: &'a str) -> Vec<&'a str> {
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
