//! Which source column becomes which agreed field: [`InputPlan`], and the checks on mapped columns.

use super::{ApplyError, Decisions, WITHHOLD};
use crate::load::Table;
use crate::profile::{AgeAt, Field, MARKING_FIELD, Profile, Rule, RuleTest};
use crate::text::match_key;
use std::collections::BTreeMap;

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
        let suggested = crate::fit::best_header(profile, field, &refs).map(Box::from);
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
