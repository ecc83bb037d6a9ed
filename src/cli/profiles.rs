//! `disclose profiles`: list the agreements, or show one in full.

use super::{Exit, ProfilesAction, fail, print};
use crate::dates::Date;
use crate::profile::{AgeAt, Catalog, Field, Profile, Rule, RuleTest};
use serde_json::json;
use std::io::Write;

pub(super) fn run(
    catalog: &Catalog,
    action: Option<ProfilesAction>,
    as_json: bool,
    today: Date,
) -> Exit {
    match action.unwrap_or(ProfilesAction::List) {
        ProfilesAction::List => {
            if as_json {
                let list: Vec<_> = catalog
                    .profiles
                    .iter()
                    .map(|p| {
                        json!({
                            "id": p.id,
                            "title": p.agreement.title,
                            "purpose": p.agreement.purpose,
                            "prescriptive": p.agreement.prescriptive,
                            "review_due": p.agreement.review_due.to_string(),
                            "review_overdue": today > p.agreement.review_due,
                        })
                    })
                    .collect();
                print::json(&list);
            } else {
                let mut o = super::console::stdout();
                for p in &catalog.profiles {
                    let overdue = if today > p.agreement.review_due {
                        "  (review overdue)"
                    } else {
                        ""
                    };
                    let _ = writeln!(o, "{:<24} {}{overdue}", p.id, p.agreement.title);
                }
                let _ = writeln!(o, "\nShow one with: disclose profiles show ID");
            }
            Exit::Ok
        }
        ProfilesAction::Show { id } => match catalog.get(&id) {
            None => fail(
                &format!("there is no profile {id:?}"),
                Some(&format!("Choose one of: {}.", catalog.ids().join(", "))),
            ),
            Some(p) => {
                if as_json {
                    print::json(&profile_json(p, today));
                } else {
                    let _ = show(&mut super::console::stdout(), p, today);
                }
                Exit::Ok
            }
        },
    }
}

fn field_json(f: &Field) -> serde_json::Value {
    json!({"id": f.id, "label": f.label, "item": f.item, "category": f.category.name(), "section": f.section, "aliases": f.aliases, "free_text": f.free_text})
}

fn rule_text(r: &Rule) -> String {
    let t = &r.test;
    let range = |min: &Option<i64>, max: &Option<i64>| match (min, max) {
        (Some(a), Some(b)) => format!("{a} to {b} inclusive"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => "any".into(),
    };
    match t {
        RuleTest::AgeBetween {
            min,
            max,
            at:
                AgeAt::Offence {
                    date_field,
                    age_field,
                },
        } => {
            let from = match age_field {
                Some(age) => format!("{age}, or else the age from {} on {date_field}", r.field),
                None => format!("the age from {} on {date_field}", r.field),
            };
            format!("age at the offence {} ({from})", range(min, max))
        }
        RuleTest::AgeBetween { min, max, at } => {
            format!("age {} {}", at.describe(), range(min, max))
        }
        RuleTest::NumberBetween { min, max } => format!("number {}", range(min, max)),
        RuleTest::ExcludeIfYes => "excluded when yes (Y/Yes/True/1)".into(),
        RuleTest::MarkingAtMost(m) => format!(
            "protective marking at most {} (the agreement's ceiling; OFFICIAL, PROTECT, RESTRICTED and OFFICIAL-SENSITIVE share a rung), wherever the export has a marking column; without one, warning {} asks the analyst to confirm",
            m.name(),
            crate::profile::NO_MARKING_COLUMN
        ),
    }
}

fn profile_json(p: &Profile, today: Date) -> serde_json::Value {
    let a = &p.agreement;
    json!({
        "id": p.id,
        "agreement": {
            "title": a.title, "source": a.source, "parties": a.parties,
            "signatories": a.signatories, "purpose": a.purpose,
            "legal_basis": a.legal_basis, "bases": a.bases, "max_marking": a.max_marking_text,
            "max_marking_section": a.max_marking_section,
            "review_due": a.review_due.to_string(), "retention": a.retention, "transfer": a.transfer,
            "transfer_advice": a.transfer_advice, "free_text_section": a.free_text_section,
            "onward_sharing": a.onward_sharing, "prescriptive": a.prescriptive, "authority": a.authority,
        },
        "fields": p.fields.iter().map(field_json).collect::<Vec<_>>(),
        "rule_fields": p.rule_fields.iter().map(field_json).collect::<Vec<_>>(),
        "rules": p.rules.iter().map(|r| json!({
            "id": r.id, "field": r.field, "fields": r.fields(), "test": rule_text(r), "section": r.section,
            "description": r.description, "built_in": r.built_in,
            "empty": r.empty.as_ref().map(|e| json!({"means": "no", "section": e.section, "label": e.label})),
        })).collect::<Vec<_>>(),
        "single_person": p.single_person,
        "never_shared": p.never_shared.as_ref().map(|n| json!({"section": n.section, "headers": n.headers})),
        "warnings": p.warnings_on(today).iter().map(|w| json!({"code": w.code, "section": w.section, "message": w.message})).collect::<Vec<_>>(),
        "checklist": p.checklist.iter().map(|c| json!({
            "id": c.id, "section": c.section, "question": c.question, "answer": c.answer,
            "stops_on": c.stops.as_ref().map(|s| if s.on_yes { "yes" } else { "no" }),
            "stops_because": c.stops.as_ref().map(|s| &s.because),
        })).collect::<Vec<_>>(),
    })
}

fn show(o: &mut impl Write, p: &Profile, today: Date) -> std::io::Result<()> {
    let a = &p.agreement;
    writeln!(o, "{}\n{}\n", p.id, a.title)?;
    writeln!(o, "Parties       {}", a.parties.join("; "))?;
    if let Some(signed) = &a.signatories {
        writeln!(o, "Signed by     {}", signed.join("; "))?;
        let unsigned: Vec<&str> = a
            .parties
            .iter()
            .filter(|p| !signed.contains(p))
            .map(String::as_str)
            .collect();
        if !unsigned.is_empty() {
            writeln!(o, "Not signed    {}", unsigned.join("; "))?;
        }
    }
    writeln!(o, "Purpose       {}", a.purpose)?;
    writeln!(o, "Legal basis")?;
    for l in &a.legal_basis {
        match a.bases.iter().find(|b| &b.text == l) {
            Some(b) => writeln!(o, "  - [--basis {}] {l}", b.id)?,
            None => writeln!(o, "  - {l}")?,
        }
    }
    if !a.bases.is_empty() {
        writeln!(
            o,
            "  Each bundle names the one of the {} bases marked --basis that it relies on.",
            a.bases.len()
        )?;
    }
    writeln!(
        o,
        "Max marking   {} ({})",
        a.max_marking_text, a.max_marking_section
    )?;
    let overdue = if today > a.review_due {
        "  (OVERDUE)"
    } else {
        ""
    };
    writeln!(o, "Review due    {}{overdue}", a.review_due)?;
    writeln!(o, "Retention     {}", a.retention)?;
    writeln!(o, "Transfer      {}", a.transfer)?;
    writeln!(o, "So            {}", a.transfer_advice)?;
    writeln!(o, "Onward        {}", a.onward_sharing)?;
    if let Some(section) = &a.free_text_section {
        writeln!(o, "Free text     {section}")?;
    }
    if let Some(auth) = &a.authority {
        writeln!(
            o,
            "Authority     {auth}: not the analyst (--authorised-by NAME --authorised-at 'YYYY-MM-DD HH:MM')"
        )?;
    }
    writeln!(
        o,
        "Field list    {}",
        if a.prescriptive {
            "prescriptive: only these fields may be shared"
        } else {
            "not prescriptive: each shared field needs a written justification (--justify)"
        }
    )?;
    writeln!(o, "Source        {} (the agreement's text)", a.source)?;
    match &p.single_person {
        Some(why) => writeln!(o, "One person    {why}")?,
        None => writeln!(
            o,
            "Aliases       name the person (a bare \"Address\" may be somebody else's): bare headers are suggested, never mapped on their own"
        )?,
    }
    writeln!(o, "\nShared fields")?;
    for f in &p.fields {
        writeln!(
            o,
            "  {:<26} {} [{}, §{}]",
            f.id,
            f.label,
            f.category.name(),
            f.section
        )?;
        if let Some(item) = &f.item {
            writeln!(o, "  {:<26}   one column of the item \"{item}\"", "")?;
        }
        if f.free_text {
            writeln!(
                o,
                "  {:<26}   free text: scanned for other people's details before it leaves",
                ""
            )?;
        }
        if !f.aliases.is_empty() {
            writeln!(o, "  {:<26}   also: {}", "", f.aliases.join(", "))?;
        }
    }
    if !p.rule_fields.is_empty() {
        writeln!(o, "\nRule-only fields (never shared)")?;
        for f in &p.rule_fields {
            writeln!(o, "  {:<26} {} [§{}]", f.id, f.label, f.section)?;
            if !f.aliases.is_empty() {
                writeln!(o, "  {:<26}   also: {}", "", f.aliases.join(", "))?;
            }
        }
    }
    if !p.rules.is_empty() {
        writeln!(
            o,
            "\nRules (a row whose value is unreadable is excluded, and so is an empty one unless the agreement says what empty means)"
        )?;
        for r in &p.rules {
            writeln!(
                o,
                "  {:<26} {}: {} [§{}]",
                r.id,
                r.field,
                rule_text(r),
                r.section
            )?;
            if let Some(e) = &r.empty {
                writeln!(
                    o,
                    "  {:<26}   an empty value is not excluded: \"{}\" [§{}]",
                    "", e.label, e.section
                )?;
            }
        }
    }
    if let Some(n) = &p.never_shared {
        writeln!(o, "\nNever shared, never suggested [§{}]", n.section)?;
        writeln!(o, "  {}", n.headers.join(", "))?;
    }
    let warnings = p.warnings_on(today);
    if !warnings.is_empty() {
        writeln!(o, "\nWarnings to acknowledge (--acknowledge CODE)")?;
        for w in &warnings {
            writeln!(o, "  {:<26} {} [§{}]", w.code, w.message, w.section)?;
        }
    }
    if !p.checklist.is_empty() {
        writeln!(
            o,
            "\nChecklist (answer each: --answer ID=yes|no, or ID=TEXT)"
        )?;
        for c in &p.checklist {
            let kind = match c.answer {
                crate::profile::AnswerKind::YesNo => "yes|no",
                crate::profile::AnswerKind::Text => "text",
            };
            writeln!(o, "  {:<22} {} [{kind}, §{}]", c.id, c.question, c.section)?;
            if let Some(stop) = &c.stops {
                writeln!(
                    o,
                    "  {:<22}   \"{}\" stops the sharing: {}",
                    "",
                    if stop.on_yes { "yes" } else { "no" },
                    stop.because
                )?;
            }
        }
    }
    Ok(())
}
