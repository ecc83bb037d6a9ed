//! Applying a profile to a loaded export: which source column becomes which agreed field (the
//! [`InputPlan`]), then, row by row, whether the row may leave and what its shared cells are.
//!
//! Default deny: a column is shared only when it maps to one of the profile's shared fields.
//! Rules fail closed: a row whose rule value is empty or unreadable is excluded, and counted
//! under a reason that says so. Everything here is pure: no I/O but reading rows.

use crate::dates::{Date, Period};
use crate::freetext::{self, Kind};
use crate::load::{LoadError, Row, RowRef, Table};
use crate::profile::{AgeAt, Field, MARKING_FIELD, Marking, Profile, Rule, RuleTest};
use crate::text::{match_key, printable};
use std::collections::{BTreeMap, BTreeSet};

/// What the analyst decided on top of the profile: column mapping overrides, justifications,
/// the period, and (from the TUI) rows excluded and cells redacted by hand.
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    /// `(source header, field name)`: map the column with that header to the field named by
    /// id, label or alias. A field name of `-` withholds the column.
    pub maps: Vec<(String, String)>,
    /// Field id → the written justification for sharing it (Caldicott principle 3).
    pub justifications: BTreeMap<String, String>,
    /// Rows excluded by hand: (input index, row number) → reason.
    pub manual_exclusions: BTreeMap<(usize, u64), String>,
    /// Cells redacted by hand: (input index, row number, field id) → reason.
    pub redactions: BTreeMap<(usize, u64, String), String>,
    /// Kinds of detail redacted as spans wherever they are found in a free-text field
    /// (`--redact-flagged`), e.g. every telephone number in every statement.
    pub redact_flagged: BTreeSet<Kind>,
    /// What the analyst decided, one cell at a time, about the details found in a free-text
    /// cell: (input index, row number, field id) → the decision.
    pub flagged: BTreeMap<(usize, u64, String), Flagged>,
}

/// A decision on the details found in one free-text cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flagged {
    /// Replace each span found with `[REDACTED: kind]`, for this reason: of the kinds in `only`,
    /// or of every kind when `only` is empty. The other kinds in the cell leave, by the same
    /// decision (the victim's own postcode beside a suspect's telephone number).
    RedactSpans { reason: String, only: Vec<Kind> },
    /// Let the cell leave as it is: what was found is the agreed subject's own, or no detail
    /// at all (a reference number read as a telephone number), for this reason.
    Keep { reason: String },
}

impl Flagged {
    pub fn reason(&self) -> &str {
        match self {
            Flagged::RedactSpans { reason, .. } | Flagged::Keep { reason } => reason,
        }
    }
}

/// Text that withholds a column in a `--map SRC=-`.
pub const WITHHOLD: &str = "-";

/// The value written in place of a cell redacted by hand.
pub const REDACTED: &str = "[REDACTED]";

/// Why a mapping or rule could not be set up. Each names the input and the header concerned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    #[error(transparent)]
    Load(#[from] LoadError),

    #[error("--map {spec:?}: no input has a column headed {header:?}")]
    MapSourceUnknown { spec: String, header: String },

    #[error("--map {spec:?}: the profile has no field called {field:?}")]
    MapFieldUnknown { spec: String, field: String },

    #[error("--map {spec:?}: in {input}, that name fits more than one column: {}", headers.iter().map(|h| format!("{:?}", printable(h))).collect::<Vec<_>>().join(", "))]
    MapAmbiguous {
        spec: String,
        input: String,
        headers: Vec<String>,
    },

    #[error(
        "--map {spec:?}: in {input}, {header:?} holds the protective marking, which is always read against the agreement's ceiling: it can be neither withheld nor shared"
    )]
    MapMarking {
        spec: String,
        input: String,
        header: String,
    },

    #[error("--map {spec:?}: write it as 'SOURCE HEADER=FIELD'")]
    MapSyntax { spec: String },

    #[error("--justify {spec:?}: write it as FIELD=TEXT, naming a shared field of the profile")]
    JustifySyntax { spec: String },

    #[error("{input}: columns {first:?} and {second:?} both map to the field {field:?}")]
    FieldClaimedTwice {
        input: String,
        field: String,
        first: String,
        second: String,
    },

    #[error(
        "{input}: rule {rule:?} needs the field {field:?} ({label}), and no column of this export maps to it"
    )]
    RuleColumnMissing {
        input: String,
        rule: String,
        field: String,
        label: Box<str>,
        /// Headers of withheld columns, the likely candidates. (Boxed, like `suggested`, to
        /// keep every `Result` carrying this error small.)
        candidates: Box<[String]>,
        /// The candidate whose header fits the field best, if one does.
        suggested: Option<Box<str>>,
    },
}

impl ApplyError {
    /// What to do, as a sentence (or two) the analyst can act on.
    pub fn hint(&self) -> String {
        match self {
            ApplyError::Load(e) => e.hint().to_string(),
            ApplyError::MapSourceUnknown { .. } => {
                "Copy the header exactly as the export shows it (the summary lists every column), in quotes.".into()
            }
            ApplyError::MapFieldUnknown { .. } => {
                "Name a field by its id or label; `disclose profiles show ID` lists them. Use '-' to withhold a column.".into()
            }
            ApplyError::MapAmbiguous { .. } => {
                "Write the header exactly as the export has it, including its case and punctuation.".into()
            }
            ApplyError::MapSyntax { .. } => "Example: --map 'Victim Tel=victim_telephone'".into(),
            ApplyError::MapMarking { .. } => {
                "Remove this --map: rows marked above the ceiling are excluded, and the marking never leaves. If the column does not hold a protective marking, rename its header in the export.".into()
            }
            ApplyError::JustifySyntax { .. } => {
                "Example: --justify 'address=Needed to contact the victim to offer restorative justice'".into()
            }
            ApplyError::FieldClaimedTwice { second, .. } => {
                format!("Keep one: withhold the other with --map '{}=-', or map it to a different field.", second)
            }
            ApplyError::RuleColumnMissing { field, candidates, suggested, .. } => {
                let mut s = match suggested {
                    Some(h) => format!(
                        "Suggested (check it holds this): --map '{}={field}'. Otherwise name the column that holds it: --map 'COLUMN HEADER={field}'.",
                        printable(h)
                    ),
                    None => format!("Name the column that holds it: --map 'COLUMN HEADER={field}'."),
                };
                if !candidates.is_empty() {
                    let list: Vec<String> = candidates.iter().map(|c| printable(c)).collect();
                    s.push_str(&format!(" Columns not yet mapped: {}.", list.join(", ")));
                } else {
                    s.push_str(" Every column is already mapped: the export may lack this information; re-export with it.");
                }
                s
            }
        }
    }
}

/// Split `SOURCE=FIELD` at the last `=` (headers may contain `=`, field names do not).
pub fn parse_map(spec: &str) -> Result<(String, String), ApplyError> {
    match spec.rsplit_once('=') {
        Some((src, field)) if !src.trim().is_empty() && !field.trim().is_empty() => {
            Ok((src.trim().to_string(), field.trim().to_string()))
        }
        _ => Err(ApplyError::MapSyntax {
            spec: spec.to_string(),
        }),
    }
}

/// Split `FIELD=TEXT` at the first `=` and resolve FIELD to a shared field id.
pub fn parse_justify(profile: &Profile, spec: &str) -> Result<(String, String), ApplyError> {
    let bad = || ApplyError::JustifySyntax {
        spec: spec.to_string(),
    };
    let (name, text) = spec.split_once('=').ok_or_else(bad)?;
    let field = profile
        .field_named(name.trim())
        .filter(|f| f.shared)
        .ok_or_else(bad)?;
    if text.trim().is_empty() {
        return Err(bad());
    }
    Ok((field.id.clone(), text.trim().to_string()))
}

/// What happens to one source column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnUse {
    /// Shared as this field.
    Shared { field: String },
    /// Read by rules as this field, never shared.
    RuleOnly { field: String },
    /// Not shared (the default).
    Withheld,
}

/// How one input's columns are used.
#[derive(Debug, Clone)]
pub struct InputPlan {
    /// One entry per source column, in file order.
    pub columns: Vec<ColumnUse>,
    /// Shared output columns in the profile's field order: (source column index, field id).
    pub shared: Vec<(usize, String)>,
    /// Field id → source column index, for every mapped field (shared or rule-only).
    pub by_field: BTreeMap<String, usize>,
    /// Whether each mapping came from `--map` (true) or an alias (false), by field id.
    pub explicit: BTreeMap<String, bool>,
    /// Per source column: whether the analyst decided its use by hand (mapped it, or withheld
    /// it with `-`). Such a column is never suggested for another field.
    pub by_hand: Vec<bool>,
    /// Per entry of `shared`: whether its field is free text, scanned for other people's
    /// details ([`crate::freetext`]).
    pub free_text: Vec<bool>,
}

impl InputPlan {
    /// Which of a table's `width` columns the plan reads: the mapped ones (shared fields and
    /// rule fields). A reader need not make text of the others.
    pub fn wanted_columns(&self, width: usize) -> Vec<bool> {
        // Every column in use: a field may take several (a broad category, the marking).
        let mut wanted = vec![false; width];
        for (col, u) in self.columns.iter().enumerate() {
            if *u != ColumnUse::Withheld
                && let Some(w) = wanted.get_mut(col)
            {
                *w = true;
            }
        }
        wanted
    }

    /// Shared fields of the profile that no column of this input supplies.
    pub fn missing_fields<'p>(&self, profile: &'p Profile) -> Vec<&'p Field> {
        profile
            .fields
            .iter()
            .filter(|f| !self.by_field.contains_key(&f.id))
            .collect()
    }
}

/// Map one input's headers to the profile's fields: `--map` entries first, then aliases.
pub fn plan_input(
    profile: &Profile,
    table: &Table,
    decisions: &Decisions,
) -> Result<InputPlan, ApplyError> {
    let input = table.file_name();
    let n = table.headers.len();
    let mut assigned: Vec<Option<Option<&Field>>> = vec![None; n]; // None: not decided yet
    let mut explicit = BTreeMap::new();
    let mut by_hand = vec![false; n];

    for (src, name) in &decisions.maps {
        let spec = format!("{src}={name}");
        let Some(col) = find_column(table, src).map_err(|headers| ApplyError::MapAmbiguous {
            spec: spec.clone(),
            input: input.clone(),
            headers,
        })?
        else {
            continue; // checked across all inputs by check_maps
        };
        by_hand[col] = true;
        let field = if name == WITHHOLD {
            None
        } else {
            Some(
                profile
                    .field_named(name)
                    .ok_or_else(|| ApplyError::MapFieldUnknown {
                        spec: spec.clone(),
                        field: name.clone(),
                    })?,
            )
        };
        // A marking column feeds the ceiling whatever --map says: withheld, it would let a
        // SECRET row through unread; shared, the marking itself would leave.
        if crate::profile::is_marking_header(&table.headers[col])
            && field.is_none_or(|f| f.id != MARKING_FIELD)
        {
            return Err(ApplyError::MapMarking {
                spec,
                input,
                header: table.headers[col].clone(),
            });
        }
        let Some(field) = field else {
            assigned[col] = Some(None);
            continue;
        };
        assigned[col] = Some(Some(field));
        explicit.insert(field.id.clone(), true);
    }
    for (col, header) in table.headers.iter().enumerate() {
        if assigned[col].is_none() {
            assigned[col] = Some(if crate::profile::is_marking_header(header) {
                profile.field(MARKING_FIELD)
            } else {
                profile.all_fields().find(|f| f.is_header(header))
            });
        }
    }

    let mut by_field: BTreeMap<String, usize> = BTreeMap::new();
    let mut columns = Vec::with_capacity(n);
    for (col, a) in assigned.iter().enumerate() {
        match a.flatten() {
            None => columns.push(ColumnUse::Withheld),
            Some(field) => {
                match by_field.get(&field.id) {
                    // A broad category takes every column that is one of its kind.
                    Some(_) if field.many => {}
                    Some(&first) => {
                        return Err(ApplyError::FieldClaimedTwice {
                            input: input.clone(),
                            field: field.id.clone(),
                            first: table.headers[first].clone(),
                            second: table.headers[col].clone(),
                        });
                    }
                    None => {
                        by_field.insert(field.id.clone(), col);
                    }
                }
                explicit.entry(field.id.clone()).or_insert(false);
                columns.push(if field.shared {
                    ColumnUse::Shared {
                        field: field.id.clone(),
                    }
                } else {
                    ColumnUse::RuleOnly {
                        field: field.id.clone(),
                    }
                });
            }
        }
    }

    for rule in &profile.rules {
        let Some(field) = missing_rule_column(rule, &by_field) else {
            continue;
        };
        let field = profile
            .field(field)
            .expect("profile validation checks rule fields");
        let candidates: Vec<String> = table
            .headers
            .iter()
            .zip(&columns)
            .enumerate()
            .filter(|(c, (_, u))| **u == ColumnUse::Withheld && !by_hand[*c])
            .map(|(_, (h, _))| h.clone())
            .collect();
        let refs: Vec<&str> = candidates.iter().map(String::as_str).collect();
        let suggested = crate::suggest::best_header(profile, field, &refs).map(Box::from);
        // An age at the offence asked for as one column may come as two instead: say so.
        let label = match &rule.test {
            RuleTest::AgeBetween {
                at: AgeAt::Offence { date_field, .. },
                ..
            } if field.id != rule.field && field.id != *date_field => {
                let name = |id: &str| {
                    profile
                        .field(id)
                        .map_or(id.to_string(), |f| f.label.clone())
                };
                format!(
                    "{}; or else {} and {}",
                    field.label,
                    name(&rule.field),
                    name(date_field)
                )
            }
            _ => field.label.clone(),
        };
        return Err(ApplyError::RuleColumnMissing {
            input,
            rule: rule.id.clone(),
            field: field.id.clone(),
            label: label.into(),
            candidates: candidates.into(),
            suggested,
        });
    }

    // In the profile's field order; a field taking several columns keeps them in file order.
    let shared = profile
        .fields
        .iter()
        .flat_map(|f| {
            columns
                .iter()
                .enumerate()
                .filter_map(move |(c, u)| match u {
                    ColumnUse::Shared { field } if *field == f.id => Some((c, f.id.clone())),
                    _ => None,
                })
        })
        .collect::<Vec<_>>();
    let free_text = shared
        .iter()
        .map(|(_, id)| profile.field(id).is_some_and(|f| f.free_text))
        .collect();
    Ok(InputPlan {
        columns,
        shared,
        by_field,
        explicit,
        by_hand,
        free_text,
    })
}

/// The field a rule cannot run without that no column supplies, if any. The tool's marking
/// ceiling runs only where the export has a marking column (its absence raises a warning to
/// acknowledge instead); an age at the offence needs an age-at-offence column, or else both
/// the date of birth and the offence date.
pub fn missing_rule_column<'r>(
    rule: &'r Rule,
    by_field: &BTreeMap<String, usize>,
) -> Option<&'r str> {
    if rule.built_in {
        return None;
    }
    let has = |f: &str| by_field.contains_key(f);
    if let RuleTest::AgeBetween {
        at: AgeAt::Offence {
            date_field,
            age_field,
        },
        ..
    } = &rule.test
    {
        if age_field.as_deref().is_some_and(has) || (has(&rule.field) && has(date_field)) {
            return None;
        }
        // With the date of birth, only the offence date is missing; otherwise one column of
        // the age at the offence would do, so that is what to ask for.
        return Some(match age_field {
            Some(age) if !has(&rule.field) => age,
            _ if has(&rule.field) => date_field,
            _ => &rule.field,
        });
    }
    (!has(&rule.field)).then_some(rule.field.as_str())
}

/// The column a `--map` source names: the header written exactly so, or else the one header
/// that matches ignoring case, spaces and punctuation. `Err` lists the headers when the name
/// fits several, because guessing could share the wrong column.
fn find_column(table: &Table, src: &str) -> Result<Option<usize>, Vec<String>> {
    let pick = |hits: Vec<usize>| match hits.len() {
        0 => Ok(None),
        1 => Ok(Some(hits[0])),
        _ => Err(hits.iter().map(|&i| table.headers[i].clone()).collect()),
    };
    let exact: Vec<usize> = (0..table.headers.len())
        .filter(|&i| table.headers[i] == src)
        .collect();
    if !exact.is_empty() {
        return pick(exact);
    }
    let key = match_key(src);
    pick(
        (0..table.headers.len())
            .filter(|&i| match_key(&table.headers[i]) == key)
            .collect(),
    )
}

/// Every `--map` must name a header of at least one input, so a typo cannot silently leave a
/// column withheld (or, worse, leave a rule reading the wrong column).
pub fn check_maps(tables: &[Table], decisions: &Decisions) -> Result<(), ApplyError> {
    for (src, name) in &decisions.maps {
        let found = tables.iter().any(|t| {
            t.headers
                .iter()
                .any(|h| h == src || match_key(h) == match_key(src))
        });
        if !found {
            return Err(ApplyError::MapSourceUnknown {
                spec: format!("{src}={name}"),
                header: src.clone(),
            });
        }
    }
    Ok(())
}

/// Why a row was excluded. Rows are counted under the first reason that applies, rules in
/// profile order, then a manual exclusion.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exclusion {
    /// The rule's value was present and readable but failed the rule.
    Failed { rule: String },
    /// The rule's value was empty.
    Missing { rule: String },
    /// The rule's value could not be read (not a date, number, yes/no or marking).
    Unreadable { rule: String },
    /// Excluded by the analyst, with their reason.
    Manual { reason: String },
}

impl Exclusion {
    /// A short, stable label for counting and the record.
    pub fn label(&self, profile: &Profile) -> String {
        let describe = |id: &str| {
            profile
                .rules
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.description.clone())
                .unwrap_or_default()
        };
        match self {
            Exclusion::Failed { rule } => format!("{rule}: {}", describe(rule)),
            Exclusion::Missing { rule } => format!("{rule}: value missing (excluded to be safe)"),
            Exclusion::Unreadable { rule } => {
                format!("{rule}: value unreadable (excluded to be safe)")
            }
            Exclusion::Manual { reason } => format!("excluded by hand: {reason}"),
        }
    }

    pub fn rule(&self) -> Option<&str> {
        match self {
            Exclusion::Failed { rule }
            | Exclusion::Missing { rule }
            | Exclusion::Unreadable { rule } => Some(rule),
            Exclusion::Manual { .. } => None,
        }
    }

    /// "failed", "missing", "unreadable" or "manual".
    pub fn kind(&self) -> &'static str {
        match self {
            Exclusion::Failed { .. } => "failed",
            Exclusion::Missing { .. } => "missing",
            Exclusion::Unreadable { .. } => "unreadable",
            Exclusion::Manual { .. } => "manual",
        }
    }
}

/// The rules of a profile bound to one input's columns, ready to judge rows.
pub struct Filter<'p> {
    rules: Vec<Bound<'p>>,
    period_end: Date,
    today: Date,
}

/// One rule and the columns it reads in this input.
struct Bound<'p> {
    rule: &'p Rule,
    /// The rule's own field (a date of birth, a number, a flag, a marking).
    col: Option<usize>,
    /// For an age at the offence: the offence date, and an age-at-offence column.
    date_col: Option<usize>,
    age_col: Option<usize>,
    /// For the marking ceiling: every marking column after the first (each is read).
    more_cols: Vec<usize>,
}

/// What judging a row that passes found out on the way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Judged {
    /// Bit `i` set: rule `i` of the profile read an empty value as the agreement says to.
    pub empty_taken: u32,
    /// The row's protective marking, as an index into [`crate::profile::MARKING_NAMES`].
    pub marking: Option<u8>,
}

impl<'p> Filter<'p> {
    /// `today` is the day the data leaves (for ages the agreement measures then).
    pub fn new(profile: &'p Profile, plan: &InputPlan, period: Period, today: Date) -> Filter<'p> {
        let col = |f: &str| plan.by_field.get(f).copied();
        let rules = profile
            .rules
            .iter()
            .filter_map(|rule| {
                let (date_col, age_col) = match &rule.test {
                    RuleTest::AgeBetween {
                        at:
                            AgeAt::Offence {
                                date_field,
                                age_field,
                            },
                        ..
                    } => (col(date_field), age_field.as_deref().and_then(col)),
                    _ => (None, None),
                };
                let more_cols = match rule.test {
                    RuleTest::MarkingAtMost(_) => plan
                        .columns
                        .iter()
                        .enumerate()
                        .filter(|(c, u)| {
                            Some(*c) != col(&rule.field)
                                && matches!(u, ColumnUse::RuleOnly { field } if *field == rule.field)
                        })
                        .map(|(c, _)| c)
                        .collect(),
                    _ => Vec::new(),
                };
                let bound = Bound {
                    rule,
                    col: col(&rule.field),
                    date_col,
                    age_col,
                    more_cols,
                };
                // A rule with nothing to read is the marking ceiling on an unmarked export
                // (planning refuses every other such rule).
                (bound.col.is_some() || bound.age_col.is_some()).then_some(bound)
            })
            .collect();
        Filter {
            rules,
            period_end: period.last_day(),
            today,
        }
    }

    /// Whether these rules read a protective marking column.
    pub fn reads_marking(&self) -> bool {
        self.rules
            .iter()
            .any(|b| matches!(b.rule.test, RuleTest::MarkingAtMost(_)))
    }

    /// `Ok` when every rule passes; otherwise the first rule's reason.
    pub fn judge(&self, row: &RowRef<'_>) -> Result<Judged, Exclusion> {
        let mut judged = Judged::default();
        for (i, b) in self.rules.iter().enumerate() {
            let rule = b.rule;
            let rid = || rule.id.clone();
            let read = |col: Option<usize>| col.map(|c| row.cell(c).trim()).unwrap_or("");
            if let RuleTest::AgeBetween { min, max, at } = &rule.test {
                let age = match (at, b.age_col) {
                    (AgeAt::Offence { .. }, Some(age_col)) => {
                        let value = read(Some(age_col));
                        if value.is_empty() {
                            return Err(Exclusion::Missing { rule: rid() });
                        }
                        parse_whole_number(value)
                            .ok_or_else(|| Exclusion::Unreadable { rule: rid() })?
                    }
                    _ => {
                        let dob = read(b.col);
                        let on = match at {
                            AgeAt::PeriodEnd => Some(self.period_end),
                            AgeAt::Today => Some(self.today),
                            AgeAt::Offence { .. } => None,
                        };
                        let on_text = read(b.date_col);
                        if dob.is_empty() || (on.is_none() && on_text.is_empty()) {
                            return Err(Exclusion::Missing { rule: rid() });
                        }
                        let dob = Date::parse_export(dob)
                            .ok_or_else(|| Exclusion::Unreadable { rule: rid() })?;
                        let on = match on {
                            Some(d) => d,
                            None => Date::parse_export(on_text)
                                .ok_or_else(|| Exclusion::Unreadable { rule: rid() })?,
                        };
                        if dob > on {
                            return Err(Exclusion::Unreadable { rule: rid() });
                        }
                        dob.age_on(on)
                    }
                };
                if !in_range(age, *min, *max) {
                    return Err(Exclusion::Failed { rule: rid() });
                }
                continue;
            }
            let value = read(b.col);
            if value.is_empty() {
                if rule.empty.is_some() {
                    judged.empty_taken |= 1 << i.min(31);
                    continue;
                }
                return Err(Exclusion::Missing { rule: rid() });
            }
            let pass = match &rule.test {
                // Judged above; were it ever reached, the row would be excluded.
                RuleTest::AgeBetween { .. } => {
                    return Err(Exclusion::Unreadable { rule: rid() });
                }
                RuleTest::NumberBetween { min, max } => {
                    let n = parse_whole_number(value)
                        .ok_or_else(|| Exclusion::Unreadable { rule: rid() })?;
                    in_range(n, *min, *max)
                }
                RuleTest::ExcludeIfYes => {
                    !parse_yes_no(value).ok_or_else(|| Exclusion::Unreadable { rule: rid() })?
                }
                RuleTest::MarkingAtMost(ceiling) => {
                    // Every marking column must be readable; the highest counts.
                    let (mut level, mut name) = Marking::parse_named(value)
                        .ok_or_else(|| Exclusion::Unreadable { rule: rid() })?;
                    for &c in &b.more_cols {
                        let more = row.cell(c).trim();
                        if more.is_empty() {
                            return Err(Exclusion::Missing { rule: rid() });
                        }
                        let (l, n) = Marking::parse_named(more)
                            .ok_or_else(|| Exclusion::Unreadable { rule: rid() })?;
                        if (l, n) > (level, name) {
                            (level, name) = (l, n);
                        }
                    }
                    judged.marking = Some(name);
                    level <= *ceiling
                }
            };
            if !pass {
                return Err(Exclusion::Failed { rule: rid() });
            }
        }
        Ok(judged)
    }

    /// The rule behind bit `i` of [`Judged::empty_taken`].
    pub fn rule_at(&self, i: usize) -> Option<&'p Rule> {
        self.rules.get(i).map(|b| b.rule)
    }
}

fn in_range(n: i64, min: Option<i64>, max: Option<i64>) -> bool {
    min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m)
}

/// A whole number as exports write it: "15", "15.0" (a spreadsheet's float), never "15.5".
fn parse_whole_number(s: &str) -> Option<i64> {
    if let Ok(n) = s.parse::<i64>() {
        return Some(n);
    }
    let (int, frac) = s.split_once('.')?;
    if !frac.is_empty() && frac.bytes().all(|b| b == b'0') {
        int.parse().ok()
    } else {
        None
    }
}

/// Yes: Y, Yes, True, 1. No: N, No, False, 0. Any case. Anything else is unreadable.
pub fn parse_yes_no(s: &str) -> Option<bool> {
    let s = s.trim();
    let is = |words: [&str; 4]| words.iter().any(|w| s.eq_ignore_ascii_case(w));
    if is(["y", "yes", "true", "1"]) {
        Some(true)
    } else if is(["n", "no", "false", "0"]) {
        Some(false)
    } else {
        None
    }
}

pub use crate::text::needs_neutralising;

/// Counts for one input after a full pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub rows_read: u64,
    pub rows_shared: u64,
    pub excluded: BTreeMap<Exclusion, u64>,
    pub cells_neutralised: u64,
    pub cells_redacted: u64,
    pub sha256: String,
    /// Shared rows whose rule value was empty, read as the agreement says (by rule id).
    pub shared_empty: BTreeMap<String, u64>,
    /// The highest protective marking among the shared rows ([`crate::profile::MARKING_NAMES`]
    /// index); `None` when the export has no marking column.
    pub highest_marking: Option<u8>,
    /// Whether this input was read against a protective marking column.
    pub marking_column: bool,
    /// Details found in free-text cells, by (index into the plan's `shared`, kind).
    pub flagged: BTreeMap<(usize, Kind), FlagCount>,
    /// Free-text cells holding a detail left as it is with no decision: to be reviewed, or
    /// the review acknowledged, before the bundle may be written.
    pub flagged_unreviewed: u64,
    /// The kinds found in each free-text cell decided by hand ([`Decisions::flagged`]), by
    /// (row number, field id), so the record can say what each decision was about.
    pub decided_kinds: BTreeMap<(u64, String), Vec<Kind>>,
}

/// Details of one kind found in one shared free-text column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlagCount {
    /// Cells holding at least one.
    pub cells: u64,
    /// Spans redacted (`[REDACTED: kind]`).
    pub redacted: u64,
    /// Cells the analyst kept as they are, with a reason.
    pub kept: u64,
    /// Cells holding one left with no decision.
    pub unreviewed: u64,
}

/// One detail found in a shared cell: which output column, what kind, what became of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    /// Index into the plan's `shared`.
    pub column: usize,
    pub kind: Kind,
    pub fate: FlagFate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagFate {
    /// Replaced by `[REDACTED: kind]`.
    Redacted,
    /// Left, by the analyst's decision.
    Kept,
    /// Left with no decision yet.
    Unreviewed,
}

impl Outcome {
    /// Count the details found in one shared row (by [`fate_flagged`]).
    pub fn note_flags(&mut self, flags: &[Flag]) {
        // Counted per cell and kind: a statement with two telephone numbers is one cell.
        let mut unreviewed_cell = usize::MAX;
        for (n, f) in flags.iter().enumerate() {
            let first_of_kind = !flags[..n]
                .iter()
                .any(|g| g.column == f.column && g.kind == f.kind);
            let c = self.flagged.entry((f.column, f.kind)).or_default();
            if first_of_kind {
                c.cells += 1;
                match f.fate {
                    FlagFate::Kept => c.kept += 1,
                    FlagFate::Unreviewed => c.unreviewed += 1,
                    FlagFate::Redacted => {}
                }
            }
            match f.fate {
                FlagFate::Redacted => c.redacted += 1,
                FlagFate::Unreviewed if unreviewed_cell != f.column => {
                    unreviewed_cell = f.column;
                    self.flagged_unreviewed += 1;
                }
                _ => {}
            }
        }
    }

    /// Count one shared row's findings.
    pub fn note(&mut self, filter: &Filter<'_>, judged: Judged) {
        if judged.empty_taken != 0 {
            for i in 0..32 {
                if judged.empty_taken & (1 << i) != 0
                    && let Some(rule) = filter.rule_at(i)
                {
                    *self.shared_empty.entry(rule.id.clone()).or_insert(0) += 1;
                }
            }
        }
        if judged.marking > self.highest_marking {
            self.highest_marking = judged.marking;
        }
    }
}

/// Stream one input through its plan and filter, handing each shared row and its output
/// cells (in [`InputPlan::shared`] order) to `emit`. A CSV's rows are read in place: nothing
/// is copied on the way from the file to `emit`.
pub fn process<E>(
    input_index: usize,
    table: &Table,
    plan: &InputPlan,
    filter: &Filter<'_>,
    decisions: &Decisions,
    mut emit: impl FnMut(&RowRef<'_>, &[SharedCell]) -> Result<(), E>,
) -> Result<Outcome, ProcessError<E>> {
    let mut out = Outcome {
        marking_column: filter.reads_marking(),
        ..Outcome::default()
    };
    // Only the mapped columns (shared fields and rule fields) are ever looked at.
    let mut rows = table
        .rows_wanting(&plan.wanted_columns(table.headers.len()))
        .map_err(|e| ProcessError::Apply(e.into()))?;
    let mut cells_out = Vec::with_capacity(plan.shared.len());
    let mut flags = Vec::new();
    while let Some(next) = rows.next_ref() {
        let row = next.map_err(|e| ProcessError::Apply(e.into()))?;
        out.rows_read += 1;
        match fate_flagged(
            input_index,
            &row,
            plan,
            filter,
            decisions,
            &mut cells_out,
            &mut flags,
        ) {
            Err(why) => *out.excluded.entry(why).or_insert(0) += 1,
            Ok(counts) => {
                out.cells_neutralised += counts.neutralised;
                out.cells_redacted += counts.redacted;
                out.note(filter, counts.judged);
                if !flags.is_empty() {
                    out.note_flags(&flags);
                    if !decisions.flagged.is_empty() {
                        note_decided_kinds(
                            &mut out,
                            input_index,
                            row.number,
                            plan,
                            decisions,
                            &flags,
                        );
                    }
                }
                emit(&row, &cells_out).map_err(ProcessError::Sink)?;
                out.rows_shared += 1;
            }
        }
    }
    let digest = rows.digest().ok_or_else(|| {
        ProcessError::Apply(ApplyError::Load(LoadError::Changed {
            path: table.path.clone(),
        }))
    })?;
    out.sha256 = digest.sha256;
    Ok(out)
}

/// Note the kinds found in the cells of row `number` that a decision by hand covers.
fn note_decided_kinds(
    out: &mut Outcome,
    input_index: usize,
    number: u64,
    plan: &InputPlan,
    decisions: &Decisions,
    flags: &[Flag],
) {
    for f in flags {
        if f.column >= plan.shared.len() {
            continue;
        }
        let name = cell_key(plan, f.column);
        if decisions
            .flagged
            .contains_key(&(input_index, number, name.clone()))
        {
            let kinds = out.decided_kinds.entry((number, name)).or_default();
            if !kinds.contains(&f.kind) {
                kinds.push(f.kind);
            }
        }
    }
}

/// Cells changed in one shared row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CellCounts {
    pub neutralised: u64,
    pub redacted: u64,
    /// What the rules found on the way (empty values read as agreed; the marking).
    pub judged: Judged,
}

/// What one output cell of a shared row holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SharedCell {
    /// The text of this source column, as it is.
    Source(usize),
    /// The text of this source column after a `'`, so no spreadsheet runs it as a formula.
    Neutralised(usize),
    /// [`REDACTED`]: the analyst redacted the cell by hand.
    Redacted,
    /// Free text with the details found in it redacted as spans (and neutralised, as any
    /// cell, should it now start like a formula): the text that leaves.
    Rewritten(String),
}

impl SharedCell {
    /// The cell's text in two parts, written one after the other: a prefix (`'` or nothing)
    /// and the rest.
    pub fn parts<'a>(&'a self, row: &RowRef<'a>) -> (&'static str, &'a str) {
        match self {
            SharedCell::Source(col) => ("", row.cell(*col)),
            SharedCell::Neutralised(col) => ("'", row.cell(*col)),
            SharedCell::Redacted => ("", REDACTED),
            SharedCell::Rewritten(text) => ("", text),
        }
    }

    /// The cell's text.
    pub fn text(&self, row: &RowRef<'_>) -> String {
        let (prefix, rest) = self.parts(row);
        [prefix, rest].concat()
    }
}

/// Decide one row: excluded (with the first reason that applies), or shared, with what its
/// output cells hold written into `cells_out` in [`InputPlan::shared`] order. The one place a
/// row's fate is decided: [`process`], [`decide`] and the screens all call it.
pub fn fate(
    input_index: usize,
    row: &RowRef<'_>,
    plan: &InputPlan,
    filter: &Filter<'_>,
    decisions: &Decisions,
    cells_out: &mut Vec<SharedCell>,
) -> Result<CellCounts, Exclusion> {
    fate_flagged(
        input_index,
        row,
        plan,
        filter,
        decisions,
        cells_out,
        &mut Vec::new(),
    )
}

/// [`fate`], with each detail found in the row's free-text cells written into `flags` (in
/// column order, then text order) with what became of it.
pub fn fate_flagged(
    input_index: usize,
    row: &RowRef<'_>,
    plan: &InputPlan,
    filter: &Filter<'_>,
    decisions: &Decisions,
    cells_out: &mut Vec<SharedCell>,
    flags: &mut Vec<Flag>,
) -> Result<CellCounts, Exclusion> {
    flags.clear();
    let judged = filter.judge(row)?;
    if !decisions.manual_exclusions.is_empty()
        && let Some(reason) = decisions.manual_exclusions.get(&(input_index, row.number))
    {
        return Err(Exclusion::Manual {
            reason: reason.clone(),
        });
    }
    let mut counts = CellCounts {
        judged,
        ..CellCounts::default()
    };
    cells_out.clear();
    for (at, (col, field)) in plan.shared.iter().enumerate() {
        let cell = if !decisions.redactions.is_empty()
            && decisions
                .redactions
                .contains_key(&(input_index, row.number, field.clone()))
        {
            counts.redacted += 1;
            SharedCell::Redacted
        } else if let Some(rewritten) = plan
            .free_text
            .get(at)
            .copied()
            .unwrap_or(false)
            .then(|| review(input_index, row, plan, at, decisions, flags))
            .flatten()
        {
            if needs_neutralising(&rewritten) {
                counts.neutralised += 1;
                SharedCell::Rewritten(format!("'{rewritten}"))
            } else {
                SharedCell::Rewritten(rewritten)
            }
        } else if needs_neutralising(row.cell(*col)) {
            counts.neutralised += 1;
            SharedCell::Neutralised(*col)
        } else {
            SharedCell::Source(*col)
        };
        cells_out.push(cell);
    }
    Ok(counts)
}

/// The name a decision on one output cell of a row is kept under, beside the input and row:
/// the field's id, or, where the field takes several columns (a broad category), the id and
/// the source column's position, so that a decision on one column is never taken for another
/// column's ("keep" on the victim's own number in one report must not pass a suspect's number
/// in the next column).
pub fn cell_key(plan: &InputPlan, at: usize) -> String {
    let (col, field) = &plan.shared[at];
    if plan.shared.iter().filter(|(_, f)| f == field).count() > 1 {
        format!("{field} (column {})", col + 1)
    } else {
        field.clone()
    }
}

/// Finds the details in one free-text cell, notes each in `flags` with its fate, and returns
/// the cell's text with those to be redacted replaced (`None`: it leaves as it is).
fn review(
    input_index: usize,
    row: &RowRef<'_>,
    plan: &InputPlan,
    at: usize,
    decisions: &Decisions,
    flags: &mut Vec<Flag>,
) -> Option<String> {
    let text = row.cell(plan.shared[at].0);
    let spans = freetext::find(text);
    if spans.is_empty() {
        return None;
    }
    let by_hand = if decisions.flagged.is_empty() {
        None
    } else {
        decisions
            .flagged
            .get(&(input_index, row.number, cell_key(plan, at)))
    };
    let mut kinds: Vec<Kind> = Vec::new();
    for s in &spans {
        // Redacting every detail of a kind wins over keeping one cell: "every telephone
        // number" must mean every one, whatever else the cell was kept for.
        let fate = match by_hand {
            Some(Flagged::RedactSpans { only, .. })
                if only.is_empty() || only.contains(&s.kind) =>
            {
                FlagFate::Redacted
            }
            _ if decisions.redact_flagged.contains(&s.kind) => FlagFate::Redacted,
            Some(_) => FlagFate::Kept,
            None => FlagFate::Unreviewed,
        };
        if fate == FlagFate::Redacted && !kinds.contains(&s.kind) {
            kinds.push(s.kind);
        }
        flags.push(Flag {
            column: at,
            kind: s.kind,
            fate,
        });
    }
    freetext::redact(text, &spans, &kinds)
}

/// [`fate`] for a row held whole, with the output cells' text written into `cells_out` (its
/// buffers reused from the last row).
pub fn decide(
    input_index: usize,
    row: &Row,
    plan: &InputPlan,
    filter: &Filter<'_>,
    decisions: &Decisions,
    cells_out: &mut Vec<String>,
) -> Result<CellCounts, Exclusion> {
    let view = row.view();
    let mut shared = Vec::with_capacity(plan.shared.len());
    let counts = fate(input_index, &view, plan, filter, decisions, &mut shared)?;
    cells_out.resize_with(shared.len(), String::new);
    for (cell, out) in shared.iter().zip(cells_out.iter_mut()) {
        let (prefix, rest) = cell.parts(&view);
        out.clear();
        out.push_str(prefix);
        out.push_str(rest);
    }
    Ok(counts)
}

/// A failure while processing: from reading and applying, or from the caller's sink.
#[derive(Debug)]
pub enum ProcessError<E> {
    Apply(ApplyError),
    Sink(E),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_but_numbers_are_not() {
        for (input, expected, changed) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")", true),
            ("+44 7700 900123", "'+44 7700 900123", true),
            ("@SUM(A1)", "'@SUM(A1)", true),
            ("\tx", "'\tx", true),
            ("\rx", "'\rx", true),
            ("-1+2", "'-1+2", true),
            ("-5", "-5", false),
            ("+44", "+44", false),
            ("-0.25", "-0.25", false),
            ("Smith", "Smith", false),
            ("", "", false),
        ] {
            // Through `fate`, as a pack decides the cell, with no rules and nothing by hand.
            let row = Row {
                number: 2,
                cells: vec![input.to_string()],
            };
            let plan = InputPlan {
                columns: vec![ColumnUse::Shared { field: "f".into() }],
                shared: vec![(0, "f".into())],
                by_field: BTreeMap::from([("f".to_string(), 0)]),
                explicit: BTreeMap::new(),
                by_hand: vec![false],
                free_text: vec![false],
            };
            let filter = no_rules();
            let mut cells = Vec::new();
            let counts = fate(
                0,
                &row.view(),
                &plan,
                &filter,
                &Decisions::default(),
                &mut cells,
            )
            .unwrap();
            assert_eq!(counts.neutralised, u64::from(changed), "{input:?}");
            assert_eq!(cells[0].text(&row.view()), expected);
        }
    }

    /// One free-text column through `fate_flagged`: the cell that leaves and the flags.
    fn through(text: &str, decisions: &Decisions) -> (String, Vec<(Kind, FlagFate)>) {
        let row = Row {
            number: 7,
            cells: vec![text.to_string()],
        };
        let plan = InputPlan {
            columns: vec![ColumnUse::Shared {
                field: "vps".into(),
            }],
            shared: vec![(0, "vps".into())],
            by_field: BTreeMap::from([("vps".to_string(), 0)]),
            explicit: BTreeMap::new(),
            by_hand: vec![false],
            free_text: vec![true],
        };
        let (cells, flags) = run(&row, &plan, decisions);
        (
            cells[0].text(&row.view()),
            flags.iter().map(|f| (f.kind, f.fate)).collect(),
        )
    }

    /// A filter with no rules, for the period October 2026.
    fn no_rules() -> Filter<'static> {
        Filter {
            rules: Vec::new(),
            period_end: Date::parse_export("31/10/2026").unwrap(),
            today: Date::parse_export("02/12/2026").unwrap(),
        }
    }

    /// One row through `fate_flagged` with no rules: its cells and the details found.
    fn run(row: &Row, plan: &InputPlan, decisions: &Decisions) -> (Vec<SharedCell>, Vec<Flag>) {
        let (mut cells, mut flags) = (Vec::new(), Vec::new());
        fate_flagged(
            0,
            &row.view(),
            plan,
            &no_rules(),
            decisions,
            &mut cells,
            &mut flags,
        )
        .unwrap();
        (cells, flags)
    }

    #[test]
    fn free_text_details_are_flagged_and_left_until_decided() {
        let text = "He rang from 07700 900123 and lives near SW1A 1AA.";
        let (out, flags) = through(text, &Decisions::default());
        assert_eq!(out, text);
        assert_eq!(
            flags,
            [
                (Kind::Phone, FlagFate::Unreviewed),
                (Kind::Postcode, FlagFate::Unreviewed)
            ]
        );
        let (out, flags) = through("Nothing of anyone's here.", &Decisions::default());
        assert_eq!(
            (out.as_str(), flags.len()),
            ("Nothing of anyone's here.", 0)
        );
    }

    #[test]
    fn redact_flagged_replaces_only_its_kinds_and_counts_them() {
        let decisions = Decisions {
            redact_flagged: BTreeSet::from([Kind::Phone]),
            ..Decisions::default()
        };
        let (out, flags) = through(
            "He rang from 07700 900123 and lives near SW1A 1AA.",
            &decisions,
        );
        assert_eq!(
            out,
            "He rang from [REDACTED: phone] and lives near SW1A 1AA."
        );
        assert_eq!(
            flags,
            [
                (Kind::Phone, FlagFate::Redacted),
                (Kind::Postcode, FlagFate::Unreviewed)
            ]
        );
        let mut outcome = Outcome::default();
        outcome.note_flags(&[
            Flag {
                column: 0,
                kind: Kind::Phone,
                fate: FlagFate::Redacted,
            },
            Flag {
                column: 0,
                kind: Kind::Phone,
                fate: FlagFate::Redacted,
            },
            Flag {
                column: 0,
                kind: Kind::Postcode,
                fate: FlagFate::Unreviewed,
            },
        ]);
        let phone = outcome.flagged[&(0, Kind::Phone)];
        assert_eq!((phone.cells, phone.redacted), (1, 2), "one cell, two spans");
        assert_eq!(outcome.flagged_unreviewed, 1);
    }

    #[test]
    fn a_cell_decided_by_hand_is_redacted_or_kept_whole_and_a_rewrite_is_formula_safe() {
        let text = "+44 7700 900123 rang twice";
        let key = (0, 7, "vps".to_string());
        let redact = Decisions {
            flagged: BTreeMap::from([(
                key.clone(),
                Flagged::RedactSpans {
                    reason: "the suspect's".into(),
                    only: Vec::new(),
                },
            )]),
            ..Decisions::default()
        };
        let (out, flags) = through(text, &redact);
        assert_eq!(out, "[REDACTED: phone] rang twice");
        assert_eq!(flags, [(Kind::Phone, FlagFate::Redacted)]);

        let keep = Decisions {
            flagged: BTreeMap::from([(
                key,
                Flagged::Keep {
                    reason: "the victim's own".into(),
                },
            )]),
            ..Decisions::default()
        };
        let (out, flags) = through(text, &keep);
        // Kept as it is, and still neutralised as any cell starting with '+' would be.
        assert_eq!(out, format!("'{text}"));
        assert_eq!(flags, [(Kind::Phone, FlagFate::Kept)]);

        // A rewrite that leaves a formula at the start is neutralised too.
        let all = Decisions {
            redact_flagged: BTreeSet::from([Kind::Postcode]),
            ..Decisions::default()
        };
        let (out, _) = through("=HYPERLINK(\"x\") SW1A 1AA", &all);
        assert_eq!(out, "'=HYPERLINK(\"x\") [REDACTED: postcode]");
    }

    #[test]
    fn one_kind_redacted_and_the_other_kept_by_either_route() {
        let cell = |decided: Flagged| BTreeMap::from([((0, 7, "vps".to_string()), decided)]);
        for decisions in [
            // Redacting a kind everywhere wins over keeping the cell.
            Decisions {
                redact_flagged: BTreeSet::from([Kind::Phone]),
                flagged: cell(Flagged::Keep {
                    reason: "the postcode is the victim's own".into(),
                }),
                ..Decisions::default()
            },
            // Only one kind of the cell redacted; the rest leaves by the same decision.
            Decisions {
                flagged: cell(Flagged::RedactSpans {
                    reason: "the suspect's number".into(),
                    only: vec![Kind::Phone],
                }),
                ..Decisions::default()
            },
        ] {
            let (out, flags) = through("Rang 07700 900123 from SW1A 1AA.", &decisions);
            assert_eq!(out, "Rang [REDACTED: phone] from SW1A 1AA.");
            assert_eq!(
                flags,
                [
                    (Kind::Phone, FlagFate::Redacted),
                    (Kind::Postcode, FlagFate::Kept)
                ]
            );
        }
    }

    #[test]
    fn decisions_on_two_columns_of_one_field_are_kept_apart() {
        let plan = InputPlan {
            columns: vec![
                ColumnUse::Shared {
                    field: "reports".into(),
                },
                ColumnUse::Shared {
                    field: "reports".into(),
                },
                ColumnUse::Shared {
                    field: "vps".into(),
                },
            ],
            shared: vec![
                (0, "reports".into()),
                (1, "reports".into()),
                (2, "vps".into()),
            ],
            by_field: BTreeMap::new(),
            explicit: BTreeMap::new(),
            by_hand: vec![false; 3],
            free_text: vec![true; 3],
        };
        assert_eq!(cell_key(&plan, 0), "reports (column 1)");
        assert_eq!(cell_key(&plan, 1), "reports (column 2)");
        assert_eq!(cell_key(&plan, 2), "vps");
        // Keeping the first column's cell does not pass the second's.
        let row = Row {
            number: 3,
            cells: vec![
                "victim's own 07700 900123".into(),
                "suspect's 07700 900456".into(),
                String::new(),
            ],
        };
        let decisions = Decisions {
            flagged: BTreeMap::from([(
                (0, 3, cell_key(&plan, 0)),
                Flagged::Keep {
                    reason: "the victim's own".into(),
                },
            )]),
            ..Decisions::default()
        };
        let (_, flags) = run(&row, &plan, &decisions);
        let fates: Vec<(usize, FlagFate)> = flags.iter().map(|f| (f.column, f.fate)).collect();
        assert_eq!(fates, [(0, FlagFate::Kept), (1, FlagFate::Unreviewed)]);
    }

    #[test]
    fn yes_no_reads_the_forms_exports_use() {
        for y in ["Y", "yes", "TRUE", "1", " y "] {
            assert_eq!(parse_yes_no(y), Some(true), "{y}");
        }
        for n in ["N", "No", "false", "0"] {
            assert_eq!(parse_yes_no(n), Some(false), "{n}");
        }
        assert_eq!(parse_yes_no("maybe"), None);
    }

    #[test]
    fn whole_numbers_accept_spreadsheet_floats_only_when_whole() {
        assert_eq!(parse_whole_number("15"), Some(15));
        assert_eq!(parse_whole_number("15.0"), Some(15));
        assert_eq!(parse_whole_number("15.5"), None);
        assert_eq!(parse_whole_number("fifteen"), None);
    }

    #[test]
    fn map_specs_split_at_the_last_equals() {
        assert_eq!(
            parse_map("A=B=surname").unwrap(),
            ("A=B".into(), "surname".into())
        );
        assert!(parse_map("surname").is_err());
        assert!(parse_map("=surname").is_err());
    }
}
