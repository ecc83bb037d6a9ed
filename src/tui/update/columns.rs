//! The Profile and Columns screens: choosing the agreement, then mapping each source column to
//! an agreed field (or withholding it) and writing justifications. Every change re-plans
//! through the core (`apply::plan_input`, `Job::prepare`), so what is shown is what would leave.

use super::nav;
use crate::apply::{self, ApplyError, Decisions, WITHHOLD};
use crate::job::Job;
use crate::keys::Recipient;
use crate::suggest;
use crate::text::{match_key, printable};
use crate::tui::model::{ColumnsPane, Model, Pending, PickFor, Popup, PromptFor, Screen};
use crate::tui::msg::{Action, Failure};
use crate::tui::text_input::TextInput;

pub(super) fn profile_action(m: &mut Model, a: Action) {
    if m.profile_detail {
        return profile_detail_action(m, a);
    }
    let page = super::page(m);
    let was = m.profile_cursor;
    if nav(&mut m.profile_cursor, m.catalog.profiles.len(), a, page) {
        if m.profile_cursor != was {
            m.profile_scroll = 0;
        }
        return;
    }
    match a {
        Action::Continue | Action::Select => choose_profile(m),
        Action::NextPane | Action::PrevPane => m.profile_detail = true,
        Action::Period => super::package::ask_period(m),
        Action::Back => m.screen = super::super::model::Screen::Open,
        _ => {}
    }
}

/// The detail pane has the keyboard: the moving keys scroll the agreement's text, so every
/// word of it can be read in the smallest window.
fn profile_detail_action(m: &mut Model, a: Action) {
    let (lines, height) = crate::tui::view::profile::detail_extent(m);
    let last = lines.saturating_sub(height);
    let mut scroll = usize::from(m.profile_scroll).min(last);
    if nav(&mut scroll, last + 1, a, height.saturating_sub(1)) {
        m.profile_scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
        return;
    }
    match a {
        Action::Continue | Action::Select => choose_profile(m),
        Action::NextPane | Action::PrevPane | Action::Back => m.profile_detail = false,
        _ => {}
    }
}

fn choose_profile(m: &mut Model) {
    let changed = m.profile != Some(m.profile_cursor);
    if changed {
        m.profile = Some(m.profile_cursor);
        m.decisions.maps.clear();
        m.decisions.justifications.clear();
        m.acknowledged.clear();
        let p = m.selected_profile().expect("just chosen");
        m.package.checklist = vec![None; p.checklist.len()];
        m.package.passphrase = None;
        m.package.recipients.clear();
        for r in &p.recipients {
            match Recipient::parse(&r.key, &r.label, &format!("profile {}", p.id)) {
                Ok(r) => m.package.recipients.push(r),
                Err(e) => m.problem(Failure::new(
                    e.to_string(),
                    "The profile's default key is not usable: add the partner's key on the Package screen.",
                )),
            }
        }
        m.columns.input = 0;
        m.columns.source_cursor = 0;
        m.columns.field_cursor = 0;
    }
    if let Err(f) = rebuild_job(m) {
        m.problem(f);
    }
    m.screen = Screen::Columns;
    if changed {
        offer_remembered(m);
    }
}

/// Offer the mapping and justifications remembered for this agreement and these layouts.
fn offer_remembered(m: &mut Model) {
    let Some(p) = m.selected_profile() else {
        return;
    };
    let mut d = Decisions::default();
    let mut files = 0;
    for input in &m.inputs {
        let Some(t) = &input.table else { continue };
        if let Some(l) = m.memory.find(&p.id, &t.headers) {
            files += 1;
            for map in &l.maps {
                if !d.maps.contains(map) {
                    d.maps.push(map.clone());
                }
            }
            d.justifications.extend(l.justifications.clone());
        }
    }
    // Only what differs from what the agreement's own names already do counts: a column
    // mapped by hand to the field it maps to anyway is no choice to offer again.
    let changed = changed_columns(m, p, &d);
    if files == 0 || (changed == 0 && d.justifications.is_empty()) {
        return;
    }
    let mut said = Vec::new();
    if changed > 0 {
        said.push(format!("you mapped {changed} column(s) by hand"));
    }
    if !d.justifications.is_empty() {
        said.push(format!("wrote {} justification(s)", d.justifications.len()));
    }
    m.popup = Some(Popup::Confirm {
        title: "Use the choices from last time?".into(),
        lines: vec![
            format!(
                "Last time this agreement was used with an export laid out like this one, {}.",
                said.join(" and ")
            ),
            "Use them again? You can still change any of them.".into(),
        ],
        then: Pending::Remembered(d),
    });
}

/// How many columns of the open files the remembered maps `d` would use otherwise than now.
fn changed_columns(m: &Model, p: &crate::profile::Profile, d: &Decisions) -> usize {
    let mut relaxed = p.clone();
    relaxed.rules.clear();
    let mut with = m.decisions.clone();
    with.maps = d.maps.clone();
    m.inputs
        .iter()
        .filter_map(|x| x.table.as_ref())
        .map(|t| {
            match (
                apply::plan_input(&relaxed, t, &m.decisions),
                apply::plan_input(&relaxed, t, &with),
            ) {
                (Ok(now), Ok(then)) => now
                    .columns
                    .iter()
                    .zip(&then.columns)
                    .filter(|(a, b)| a != b)
                    .count(),
                // A map that no longer plans is a change worth offering (and refusing).
                _ => d.maps.len(),
            }
        })
        .sum()
}

pub(super) fn apply_remembered(m: &mut Model, d: Decisions) {
    let before = (m.decisions.maps.clone(), m.decisions.justifications.clone());
    m.decisions.maps = d.maps;
    m.decisions.justifications.extend(d.justifications);
    match rebuild_job(m) {
        Ok(()) => m.info("The choices from last time are in place."),
        Err(f) => {
            (m.decisions.maps, m.decisions.justifications) = before;
            let _ = rebuild_job(m);
            m.problem(f);
        }
    }
}

/// Re-plan every input with the current decisions and prepare the job. An `Err` means the
/// mapping itself is impossible (two columns for one field) and the caller should revert;
/// a job that cannot be prepared yet (a rule's column unmapped) is kept in `job_error`.
pub fn rebuild_job(m: &mut Model) -> Result<(), Failure> {
    let Some(profile) = m.selected_profile() else {
        m.job = None;
        return Ok(());
    };
    let tables: Vec<_> = m.inputs.iter().filter_map(|i| i.table.clone()).collect();
    if tables.len() != m.inputs.len() {
        m.job = None;
        return Ok(());
    }
    // Plans for display, without the rules' check that every rule column is mapped: the
    // analyst needs to see the columns in order to map the one a rule needs.
    let mut relaxed = profile.clone();
    relaxed.rules.clear();
    m.plans = tables
        .iter()
        .map(|t| apply::plan_input(&relaxed, t, &m.decisions))
        .collect::<Result<_, _>>()
        .map_err(|e| failure(m, &e))?;
    // The core's suggestions, from the same plans (they say which columns are withheld and
    // which the analyst decided by hand); the real profile, so a rule's missing column counts.
    m.suggestions = tables
        .iter()
        .zip(&m.plans)
        .map(|(t, plan)| suggest::suggest(profile, &t.headers, plan, &plan.by_hand))
        .collect();
    match Job::prepare(
        profile,
        tables,
        m.decisions.clone(),
        m.period,
        m.acknowledged.clone(),
        m.opts.today,
    ) {
        Ok(j) => {
            m.job = Some(j);
            m.job_error = None;
        }
        Err(e) => {
            m.job = None;
            m.job_error = Some(failure(m, &e));
        }
    }
    super::fates::refate_all(m);
    Ok(())
}

/// A core error in the screens' words: the core's hints name command-line flags. A rule's
/// missing column names the column the core suggests, and the key that accepts it when the
/// Columns screen offers that very suggestion.
fn failure(m: &Model, e: &ApplyError) -> Failure {
    let hint = match e {
        ApplyError::RuleColumnMissing {
            field,
            label,
            suggested: Some(header),
            ..
        } => super::suggestions::rule_column_hint(m, field, label, header),
        ApplyError::RuleColumnMissing { label, .. } => format!(
            "Highlight the column that holds it and press m to map it to “{}”.",
            printable(label)
        ),
        ApplyError::FieldClaimedTwice { .. } => {
            "Withhold one of them (w), or map it to a different field (m).".into()
        }
        other => crate::tui::words::advice(&other.advice()),
    };
    let what = match e {
        ApplyError::RuleColumnMissing {
            input, rule, label, ..
        } => format!(
            "{}: the rule {} needs {}, and no column supplies it",
            printable(input),
            printable(rule),
            printable(label)
        ),
        other => other.to_string(),
    };
    Failure::new(what, hint)
}

pub(super) fn action(m: &mut Model, a: Action) {
    let page = super::page(m);
    let Some(profile) = m.selected_profile() else {
        m.screen = Screen::Profile;
        return;
    };
    let headers = m.inputs[m.columns.input]
        .table
        .as_ref()
        .map(|t| t.headers.clone())
        .unwrap_or_default();
    let fields: Vec<String> = profile.all_fields().map(|f| f.id.clone()).collect();
    let cursor = match m.columns.pane {
        ColumnsPane::Sources => &mut m.columns.source_cursor,
        ColumnsPane::Fields => &mut m.columns.field_cursor,
    };
    let len = match m.columns.pane {
        ColumnsPane::Sources => headers.len(),
        ColumnsPane::Fields => fields.len(),
    };
    if nav(cursor, len, a, page) {
        return;
    }
    let plan = m.plans.get(m.columns.input);
    // The column this action is about: the highlighted one, or the one supplying the field.
    let column = match m.columns.pane {
        ColumnsPane::Sources => Some(m.columns.source_cursor),
        ColumnsPane::Fields => plan.and_then(|p| {
            fields
                .get(m.columns.field_cursor)
                .and_then(|f| p.by_field.get(f).copied())
        }),
    };
    // The shared field this action is about.
    let field = match m.columns.pane {
        ColumnsPane::Fields => fields.get(m.columns.field_cursor).cloned(),
        ColumnsPane::Sources => plan.and_then(|p| match p.columns.get(m.columns.source_cursor) {
            Some(apply::ColumnUse::Shared { field }) => Some(field.clone()),
            _ => None,
        }),
    };
    match a {
        Action::NextPane | Action::PrevPane => {
            m.columns.pane = match m.columns.pane {
                ColumnsPane::Sources => ColumnsPane::Fields,
                ColumnsPane::Fields => ColumnsPane::Sources,
            }
        }
        Action::PrevInput | Action::NextInput => {
            let n = m.inputs.len();
            m.columns.input = if a == Action::NextInput {
                (m.columns.input + 1) % n
            } else {
                (m.columns.input + n - 1) % n
            };
            m.columns.source_cursor = 0;
        }
        Action::Map => match column {
            Some(col) if col < headers.len() => {
                m.columns.source_cursor = col;
                let mut items = vec!["✗ withhold: not shared, not read".to_string()];
                items.extend(profile.all_fields().map(|f| {
                    let kind = if f.shared { "share as" } else { "rules only:" };
                    format!("{kind} {} ({})", printable(&f.label), f.id)
                }));
                let current = plan
                    .and_then(|p| p.columns.get(col))
                    .and_then(|u| match u {
                        apply::ColumnUse::Shared { field }
                        | apply::ColumnUse::RuleOnly { field } => {
                            fields.iter().position(|f| f == field).map(|i| i + 1)
                        }
                        apply::ColumnUse::Withheld => None,
                    })
                    .unwrap_or(0);
                m.popup = Some(Popup::Pick {
                    title: format!("“{}” is…", printable(&headers[col])),
                    lines: Vec::new(),
                    items,
                    cursor: current,
                    purpose: PickFor::Field(col),
                });
            }
            _ => m.info(
                "No column of this file supplies that field: highlight the column that holds it (Tab to the left pane) and press m.",
            ),
        },
        Action::AcceptSuggestion => super::suggestions::accept(m),
        Action::Withhold => match column {
            Some(col) if col < headers.len() => map_column(m, col, 0),
            _ => m.info("That field is not supplied by any column: nothing to withhold."),
        },
        Action::Justify => justify_prompt(m, field),
        Action::Continue => continue_to_rows(m),
        Action::Back => m.screen = Screen::Profile,
        _ => {}
    }
}

/// Map source column `col` of the current input to pick-list entry `index` (0: withhold; then
/// the profile's fields in order). A field already supplied by another column of this file
/// moves here, and that column is withheld, as the status line says.
pub(super) fn map_column(m: &mut Model, col: usize, index: usize) {
    match remap(m, col, index) {
        Some(Ok(what)) => m.info(what),
        Some(Err(f)) => m.problem(f),
        None => {}
    }
}

/// [`map_column`], saying what changed (or why nothing did) instead of putting it on the
/// status line; `None` when there is no such column or no agreement.
pub(super) fn remap(m: &mut Model, col: usize, index: usize) -> Option<Result<String, Failure>> {
    let profile = m.selected_profile()?;
    let header = m.inputs[m.columns.input]
        .table
        .as_ref()
        .and_then(|t| t.headers.get(col).cloned())?;
    let field = if index == 0 {
        None
    } else {
        profile.all_fields().nth(index - 1)
    };
    let before = m.decisions.maps.clone();
    let same = |h: &str| h == header || match_key(h) == match_key(&header);
    m.decisions.maps.retain(|(src, _)| !same(src));
    let mut moved = None;
    let other = field.and_then(|f| {
        m.plans
            .get(m.columns.input)
            .and_then(|p| p.by_field.get(&f.id))
            .copied()
            .filter(|&c| c != col)
    });
    if let Some(h) = other.and_then(|o| {
        m.inputs[m.columns.input]
            .table
            .as_ref()
            .map(|t| t.headers[o].clone())
    }) {
        m.decisions.maps.retain(|(src, _)| src != &h);
        m.decisions.maps.push((h.clone(), WITHHOLD.into()));
        moved = Some(h);
    }
    m.decisions.maps.push((
        header.clone(),
        field
            .map(|f| f.id.clone())
            .unwrap_or_else(|| WITHHOLD.into()),
    ));
    Some(match rebuild_job(m) {
        Ok(()) => {
            let what = match field {
                Some(f) if f.shared => format!(
                    "“{}” is shared as {}.",
                    printable(&header),
                    printable(&f.label)
                ),
                Some(f) => format!(
                    "“{}” is read by the rules as {}, never shared.",
                    printable(&header),
                    printable(&f.label)
                ),
                None => format!("“{}” is withheld.", printable(&header)),
            };
            Ok(match moved {
                Some(h) => format!("{what} “{}” is now withheld.", printable(&h)),
                None => what,
            })
        }
        Err(f) => {
            m.decisions.maps = before;
            let _ = rebuild_job(m);
            Err(f)
        }
    })
}

fn justify_prompt(m: &mut Model, field: Option<String>) {
    let Some(p) = m.selected_profile() else {
        return;
    };
    let Some(field) = field.and_then(|f| p.field(&f)).filter(|f| f.shared) else {
        m.info("Highlight a shared field (or the column shared as it) to justify it.");
        return;
    };
    let mut lines = vec![format!(
        "Why must {} be shared? Say what the partner needs it for.",
        printable(&field.label)
    )];
    if p.agreement.prescriptive {
        lines.push("This agreement lists its fields, so a justification is optional here.".into());
    } else {
        lines.push(
            "The agreement requires each shared field to be justified (Caldicott principle 3)."
                .into(),
        );
    }
    let existing = m
        .decisions
        .justifications
        .get(&field.id)
        .cloned()
        .unwrap_or_default();
    m.popup = Some(Popup::Prompt {
        title: format!("Justification: {}", printable(&field.label)),
        lines,
        input: TextInput::new(&existing),
        purpose: PromptFor::Justify(field.id.clone()),
    });
}

pub(super) fn justify(m: &mut Model, field: String, text: &str) {
    if text.trim().is_empty() {
        m.decisions.justifications.remove(&field);
    } else {
        m.decisions
            .justifications
            .insert(field, text.trim().to_string());
    }
    if let Some(job) = &mut m.job {
        job.decisions.justifications = m.decisions.justifications.clone();
    }
}

fn continue_to_rows(m: &mut Model) {
    if let Some(f) = &m.job_error {
        let f = f.clone();
        m.problem(f);
        return;
    }
    let Some(job) = &m.job else { return };
    let missing: Vec<String> = job
        .blockers()
        .into_iter()
        .filter(|b| b.kind == "justification-missing")
        .map(|b| b.item)
        .collect();
    if !missing.is_empty() {
        m.problem(Failure::new(
            format!("a justification is needed for: {}", missing.join(", ")),
            "Highlight each field and press e to say why the partner needs it.",
        ));
        return;
    }
    remember(m);
    super::rows::enter(m);
}

/// Remember the mapping and justifications for each input's layout.
pub(super) fn remember(m: &mut Model) {
    let Some(p) = m.selected_profile() else {
        return;
    };
    for (i, input) in m.inputs.iter().enumerate() {
        let (Some(t), Some(plan)) = (&input.table, m.plans.get(i)) else {
            continue;
        };
        let shared: Vec<String> = plan.shared.iter().map(|(_, f)| f.clone()).collect();
        m.memory.remember(&p.id, &t.headers, &m.decisions, &shared);
    }
    if let Err(e) = m.memory.save() {
        m.info(format!(
            "Could not remember the column choices for next time: {e}"
        ));
    }
}
