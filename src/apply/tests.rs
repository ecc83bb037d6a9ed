use super::filter::parse_whole_number;
use super::*;
use crate::dates::Date;
use crate::load::Row;

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
