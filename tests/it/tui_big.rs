//! The screens on an export too big to hold: a UTF-8 CSV's rows stay in the file and are read
//! when shown; only an index and each row's fate are kept. Every row must still be reachable,
//! decided as a pack would decide it, searchable and excludable, and a file changed under the
//! screens must be reported, not shown. Every value is synthetic.

use crate::tui_support;

use crossterm::event::KeyCode;
use disclose::profile::Catalog;
use disclose::tui::model::{Fate, Fates};
use disclose::tui::store::{STRIDE, Store};
use tui_support::*;

const ROWS: usize = 5000;

/// Row `k` is excluded by the agreement's age rule when `k % 7 == 0` (the suspect is 30).
fn shared(k: usize) -> bool {
    !k.is_multiple_of(7)
}

/// Writes an export in the CRIS layout of `fixtures/cris-victims.csv`, with a two-line note
/// every 100th row (so row numbers run ahead of row indexes). Returns each row's number.
fn write_export(path: &std::path::Path) -> Vec<u64> {
    let header = std::fs::read_to_string(fixture("cris-victims.csv")).unwrap();
    let header = header.lines().next().unwrap();
    let mut text = format!("{header}\r\n");
    let mut numbers = Vec::new();
    let mut line = 2u64;
    for k in 0..ROWS {
        numbers.push(line);
        let age = if shared(k) { 15 } else { 30 };
        let note = if k.is_multiple_of(100) {
            line += 1;
            format!("\"Seen twice,\nsee log {k}\"")
        } else {
            format!("Note {k}")
        };
        text.push_str(&format!(
            "{k:07}/26,Theft person,03/10/2026,Victim {k},\"{k} Elm Close, Bromley BR1 1AA\",\
             07700 {k:06},34,F,Stranger,Y,,Suspect {k},{age},N,PC 101 Hart,{note}\r\n"
        ));
        line += 1;
    }
    std::fs::write(path, text).unwrap();
    numbers
}

/// The export opened under the Bromley YOT victims agreement, on the Rows screen, settled.
fn rows_screen<'c>(catalog: &'c Catalog, dir: &std::path::Path, name: &str) -> Screen<'c> {
    let mut s = Screen::new(catalog, options(dir), 100, 30);
    s.enter().typ(name).enter().settle().typ("c");
    let at = catalog
        .profiles
        .iter()
        .position(|p| p.id == "bromley-yot-victims")
        .unwrap();
    for _ in 0..at {
        s.press(KeyCode::Down);
    }
    s.enter().typ("c").settle();
    s
}

/// The number of the row under the cursor.
fn cursor_number(s: &Screen) -> u64 {
    let m = &s.app.model;
    let r = m.rows.visible.get(m.rows.cursor).unwrap();
    let k = m.rows.page.binary_search_by_key(&r, |(k, _)| *k).unwrap();
    m.rows.page[k].1.number
}

#[test]
fn a_big_csv_is_indexed_and_every_row_is_reachable() {
    let dir = tempfile::tempdir().unwrap();
    let numbers = write_export(&dir.path().join("big.csv"));
    let catalog = Catalog::embedded().unwrap();
    let mut s = rows_screen(&catalog, dir.path(), "big.csv");

    let expected_shared = (0..ROWS).filter(|&k| shared(k)).count();
    {
        let m = &s.app.model;
        let input = &m.inputs[0];
        assert!(
            input.store.is_indexed(),
            "a UTF-8 CSV is read from its file"
        );
        assert_eq!(input.store.len(), ROWS);
        assert_eq!(input.head.len(), 3, "the Open screen's first rows");
        assert_eq!(
            input.head[2].cells[3], "Victim 2",
            "read whole, not just placed"
        );
        assert_eq!(input.head[2].cells[15], "Note 2");
        assert_eq!(m.rows.fates[0].len(), ROWS, "every row decided");
        assert_eq!(m.rows.counts[0].shared, expected_shared as u64);
        let held = m.rows.page.len();
        assert!(
            held > 0 && held <= 30,
            "only the rows drawn are held: {held}"
        );
    }
    let text = s.text();
    assert!(
        text.contains(&format!("✓ shared  {expected_shared}")),
        "{text}"
    );
    assert!(text.contains("Victim 1 "), "{text}");

    // The last row, read from the end of the file, with its own row number.
    s.press(KeyCode::End);
    let text = s.text();
    assert!(text.contains("Victim 4999"), "{text}");
    assert_eq!(cursor_number(&s), numbers[ROWS - 1]);

    // A row in the middle, found by a search that wraps round from the end.
    s.typ("/").typ("victim 2501").enter().settle();
    assert_eq!(cursor_number(&s), numbers[2501], "{}", s.text());
    assert!(s.text().contains("Victim 2501"));
    // Back (N) to the nearest match above: Victim 2501 is the only one, so it stays.
    s.typ("N").settle();
    assert_eq!(cursor_number(&s), numbers[2501]);

    // Excluded rows, toggled into view, show their reason; row 2499 (2499 % 7 == 0) is one.
    s.typ("v").typ("/").typ("victim 2499").enter().settle();
    assert!(
        s.text().contains("Not found"),
        "an excluded row's cells do not leave, so they are not searched"
    );
    s.typ("v");

    // Excluding the last row by hand takes it out of the count.
    s.press(KeyCode::End);
    s.typ("x").typ("Asked not to be contacted").enter();
    let last = numbers[ROWS - 1];
    assert!(
        s.text()
            .contains(&format!("Row {last} is excluded by hand")),
        "{}",
        s.text()
    );
    assert!(
        s.text()
            .contains(&format!("✓ shared  {}", expected_shared - 1))
    );
    assert!(!s.text().contains("Victim 4999"));
}

#[test]
fn esc_stops_a_search_of_the_file_and_stays_on_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    write_export(&dir.path().join("big.csv"));
    let catalog = Catalog::embedded().unwrap();
    let mut s = rows_screen(&catalog, dir.path(), "big.csv");
    let before = cursor_number(&s);
    // The search runs on a worker; its report is not handled until the test settles, so the
    // search is certainly still under way when Esc arrives.
    s.typ("/").typ("victim 4000").enter();
    assert!(s.app.model.rows.searching.is_some());
    assert!(s.text().contains("searching… Esc stops"), "{}", s.text());
    s.press(KeyCode::Esc);
    assert!(s.text().contains("Search stopped."), "{}", s.text());
    s.settle();
    assert_eq!(cursor_number(&s), before, "a stopped search moves nothing");
    assert!(
        s.text().contains("As it will leave"),
        "still on the Rows screen"
    );
    // Esc again goes back, as on any screen.
    s.press(KeyCode::Esc);
    assert!(s.text().contains("Source columns"));
}

#[test]
fn a_new_pass_after_a_mapping_change_decides_every_row_again() {
    let dir = tempfile::tempdir().unwrap();
    write_export(&dir.path().join("big.csv"));
    let catalog = Catalog::embedded().unwrap();
    let mut s = rows_screen(&catalog, dir.path(), "big.csv");
    let pass = s.app.model.inputs[0].pass;

    // Back to the columns: withhold the first mapped column, and return.
    s.press(KeyCode::Esc);
    for _ in 0..3 {
        s.press(KeyCode::Down);
    }
    s.typ("w").typ("c").settle();
    let m = &s.app.model;
    assert!(m.inputs[0].pass > pass, "a new pass over the file");
    assert_eq!(m.rows.fates[0].len(), ROWS);
    assert_eq!(m.inputs[0].store.len(), ROWS, "the index is not doubled");
    match &m.inputs[0].store {
        Store::Indexed { marks, .. } => assert_eq!(marks.len(), ROWS.div_ceil(STRIDE)),
        Store::Held(_) => panic!("a UTF-8 CSV is indexed"),
    }
    s.press(KeyCode::End);
    assert!(s.text().contains("4999 Elm Close"), "{}", s.text());
}

#[test]
fn a_file_changed_under_the_screens_is_reported_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    write_export(&path);
    let catalog = Catalog::embedded().unwrap();
    let mut s = rows_screen(&catalog, dir.path(), "big.csv");
    assert!(s.text().contains("Victim 1 "));

    // Another program rewrites the export: the rows at the end are not what was decided.
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Victim 4999", "Someone Else")).unwrap();
    s.press(KeyCode::End);
    let text = s.text();
    assert!(
        text.contains("big.csv has changed since it was opened"),
        "{text}"
    );
    assert!(!text.contains("Someone Else"), "{text}");
    assert!(s.app.model.inputs[0].failure.is_some());
    s.typ("c");
    assert!(
        s.text().contains("has changed since it was opened"),
        "no going on to the package with a changed file"
    );
}

#[test]
fn an_xlsx_sheet_is_held_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("police-exports.xlsx"),
        dir.path().join("exports.xlsx"),
    )
    .unwrap();
    let catalog = Catalog::embedded().unwrap();
    let mut s = Screen::new(&catalog, options(dir.path()), 100, 30);
    s.enter().typ("exports.xlsx").enter().settle();
    let input = &s.app.model.inputs[0];
    assert!(input.table.is_some());
    assert!(!input.store.is_indexed());
    assert!(!input.store.is_empty());
}

#[test]
fn fates_are_kept_as_codes_of_the_distinct_fates() {
    use disclose::apply::Exclusion;
    let mut f = Fates::default();
    let missing = Fate::Excluded(Exclusion::Missing { rule: "age".into() });
    for k in 0..1000 {
        f.push(if k % 3 == 0 {
            missing.clone()
        } else {
            Fate::SHARED
        });
    }
    assert_eq!(f.len(), 1000);
    assert_eq!(f.get(3), Some(&missing));
    assert_eq!(f.get(4), Some(&Fate::SHARED));
    assert_eq!(f.get(1000), None);
    let manual = Fate::Excluded(Exclusion::Manual {
        reason: "asked".into(),
    });
    f.set(4, manual.clone());
    assert_eq!(f.get(4), Some(&manual));
    assert_eq!(f.get(5), Some(&Fate::SHARED), "only row 4 changed");
    // 666 shared, less row 4.
    assert_eq!(f.iter().filter(|x| **x == Fate::SHARED).count(), 665);
}
