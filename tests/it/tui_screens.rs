//! A text snapshot of every screen at 80×24 (the old Windows console's size), drawn from keys
//! against ratatui's `TestBackend`. Temp paths, hashes and ids are scrubbed.

use crate::tui_support;

use crossterm::event::KeyCode;
use disclose::profile::Catalog;
use disclose::tui::theme::Theme;
use tui_support::*;

fn catalog() -> Catalog {
    Catalog::embedded().unwrap()
}

/// Arrive on Open with the CRIS fixture read, in `dir`.
fn opened<'c>(catalog: &'c Catalog, dir: &std::path::Path) -> Screen<'c> {
    std::fs::copy(fixture("cris-victims.csv"), dir.join("cris-victims.csv")).unwrap();
    let mut s = Screen::new(catalog, options(dir), 80, 24);
    s.enter().typ("cris-victims.csv").enter().settle();
    s
}

fn bromley(catalog: &Catalog) -> usize {
    catalog
        .profiles
        .iter()
        .position(|p| p.id == "bromley-yot-victims")
        .unwrap()
}

fn to_profile<'c>(catalog: &'c Catalog, dir: &std::path::Path) -> Screen<'c> {
    let mut s = opened(catalog, dir);
    s.typ("c");
    for _ in 0..bromley(catalog) {
        s.press(KeyCode::Down);
    }
    s
}

#[test]
fn start_screen() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = Screen::new(&catalog, options(dir.path()), 80, 24);
    insta::assert_snapshot!(s.text());
}

#[test]
fn open_screen_with_a_csv_read() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = opened(&catalog, dir.path());
    let text = s.text();
    assert!(text.contains("✓ cris-victims.csv  15 rows"));
    assert!(text.contains("Encoding: UTF-8, comma-separated"));
    scrubbed(dir.path()).bind(|| insta::assert_snapshot!(text));
}

#[test]
fn profile_screen_shows_the_overdue_review_and_warnings_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = to_profile(&catalog, dir.path());
    let text = s.text();
    assert!(text.contains("OVERDUE"));
    insta::assert_snapshot!(text);
}

#[test]
fn profile_detail_scrolled_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = to_profile(&catalog, dir.path());
    s.press(KeyCode::Tab).typ("G");
    let text = s.text();
    assert!(text.contains("more ↑"));
    assert!(text.contains("1.6 and 1.7)"));
    insta::assert_snapshot!(text);
}

#[test]
fn columns_screen() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = to_profile(&catalog, dir.path());
    s.enter();
    let text = s.text();
    assert!(text.contains("✗ Crime Reference    withheld"));
    assert!(text.contains("· Suspect Age at Of… rules only"));
    insta::assert_snapshot!(text);
}

#[test]
fn columns_screen_in_ascii_without_colour() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    std::fs::copy(
        fixture("cris-victims.csv"),
        dir.path().join("cris-victims.csv"),
    )
    .unwrap();
    let mut opts = options(dir.path());
    opts.theme = Theme {
        color: false,
        ascii: true,
    };
    let mut s = Screen::new(&catalog, opts, 80, 24);
    s.enter().typ("cris-victims.csv").enter().settle().typ("c");
    for _ in 0..bromley(&catalog) {
        s.press(KeyCode::Down);
    }
    s.enter();
    let text = s.text();
    assert!(text.contains("x Crime Reference    withheld"));
    assert!(text.contains("+ Victim Name"));
    assert!(text.contains("~ Suspect Age"));
    // No colour at all: every cell keeps the default foreground.
    let buf = s.term.backend().buffer();
    assert!(
        buf.content
            .iter()
            .all(|c| c.fg == ratatui::style::Color::Reset)
    );
    insta::assert_snapshot!(text);
}

#[test]
fn rows_screen_and_excluded_rows_toggled_into_view() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = to_profile(&catalog, dir.path());
    s.enter().typ("c").settle();
    let shared = s.text();
    assert!(shared.contains("✓ shared  7"));
    insta::assert_snapshot!("rows_shared", shared);
    s.typ("v");
    let all = s.text();
    assert!(all.contains("✗ excluded: offender-aged-10-to-17"));
    insta::assert_snapshot!("rows_all", all);
}

#[test]
fn the_viewer_reads_an_excluded_row_and_the_value_behind_its_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = to_profile(&catalog, dir.path());
    s.enter().typ("c").settle().typ("v");
    // Row 13: its opt-out cannot be read.
    let at = s
        .app
        .model
        .rows
        .page
        .iter()
        .position(|(_, row)| row.number == 13)
        .unwrap();
    for _ in 0..at {
        s.typ("j");
    }
    s.typ("o");
    let text = s.text();
    assert!(text.contains("Victim Opt Out: maybe"), "{text}");
    insta::assert_snapshot!("viewer_excluded_row", text);
}

#[test]
fn package_screen_lists_what_stops_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = to_profile(&catalog, dir.path());
    s.enter().typ("c").settle().typ("c");
    let text = s.text();
    assert!(text.contains("Before writing"));
    scrubbed(dir.path()).bind(|| insta::assert_snapshot!(text));
}

#[test]
fn help_overlay_lists_the_keys_of_the_screen_below() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = to_profile(&catalog, dir.path());
    s.enter().typ("?");
    let text = s.text();
    assert!(text.contains("map to an agreed field"));
    insta::assert_snapshot!(text);
    s.press(KeyCode::Esc);
    assert!(!s.text().contains("map to an agreed field"));
}

#[test]
fn verify_screen_before_a_bundle_is_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = Screen::new(&catalog, options(dir.path()), 80, 24);
    s.press(KeyCode::Down).enter();
    insta::assert_snapshot!(s.text());
}

#[test]
fn a_tiny_window_asks_to_be_enlarged_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = to_profile(&catalog, dir.path());
    for (w, h) in [(40, 10), (1, 1), (79, 24), (80, 23), (0, 0)] {
        s.resize(w, h);
        let text = s.text();
        if w >= 20 {
            assert!(text.contains("enlarge the window"), "{w}×{h}: {text}");
        }
    }
    s.resize(40, 10);
    insta::assert_snapshot!(s.text());
    s.resize(120, 40);
    assert!(s.text().contains("Which agreement"));
}

#[test]
fn writing_screen_with_its_gauge() {
    use disclose::tui::model::{Screen as Step, Writing};
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = Screen::new(&catalog, options(dir.path()), 80, 24);
    // A progress state set directly, so the gauge is the same on every run.
    s.app.model.screen = Step::Writing;
    s.app.model.writing = Some(Writing {
        rows_done: vec![3_000, 1_500],
        rows_total: 10_000,
        cancel: Default::default(),
        cancelling: false,
    });
    let text = s.text();
    assert!(text.contains("4500 of 10000 rows"), "{text}");
    assert!(text.contains("Esc cancels"));
    insta::assert_snapshot!(text);
    s.press(KeyCode::Esc);
    assert!(
        s.text()
            .contains("Cancelling: removing the unfinished file")
    );
    assert!(
        s.app
            .model
            .writing
            .as_ref()
            .unwrap()
            .cancel
            .load(std::sync::atomic::Ordering::Relaxed),
        "Esc tells the writer to stop"
    );
}

/// An Orochi export with bare headers: the agreed fields are offered beside the withheld
/// columns that fit them, and the age rule's missing column is named with the key to take it.
const BARE_OROCHI: &str =
    "Surname,DOB,Contact Number,Parent/Carer Contact Number,Protective Marking
Osei,14/03/2009,07700 900201,07700 900301,OFFICIAL
";

fn bare_orochi<'c>(catalog: &'c Catalog, dir: &std::path::Path, theme: Theme) -> Screen<'c> {
    std::fs::write(dir.join("bare.csv"), BARE_OROCHI).unwrap();
    let mut opts = options(dir);
    opts.theme = theme;
    let mut s = Screen::new(catalog, opts, 80, 24);
    s.enter().typ("bare.csv").enter().settle().typ("c");
    let orochi = catalog
        .profiles
        .iter()
        .position(|p| p.id == "orochi-rescue-response")
        .unwrap();
    for _ in 0..orochi {
        s.press(KeyCode::Down);
    }
    s.enter();
    s
}

#[test]
fn columns_screen_with_suggestions() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = bare_orochi(&catalog, dir.path(), Theme::plain_unicode());
    let text = s.text();
    assert!(
        text.contains("✗ Surname  suggest: Subject surname"),
        "{text}"
    );
    assert!(
        text.contains("s accept"),
        "the footer shows the key: {text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn columns_screen_with_suggestions_in_ascii_without_colour() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let theme = Theme {
        color: false,
        ascii: true,
    };
    let mut s = bare_orochi(&catalog, dir.path(), theme);
    let text = s.text();
    assert!(
        text.contains("x Surname  suggest: Subject surname"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

/// Open `file` (written into `dir` as `text`, or copied from the fixtures), choose profile
/// `id`, justify the one field a non-prescriptive agreement asks about, and arrive on Package.
fn package<'c>(
    catalog: &'c Catalog,
    dir: &std::path::Path,
    file: &str,
    text: Option<&str>,
    id: &str,
) -> Screen<'c> {
    match text {
        Some(t) => std::fs::write(dir.join(file), t).unwrap(),
        None => {
            std::fs::copy(fixture(file), dir.join(file)).unwrap();
        }
    }
    let mut s = Screen::new(catalog, options(dir), 80, 24);
    s.enter().typ(file).enter().settle().typ("c");
    let at = catalog.profiles.iter().position(|p| p.id == id).unwrap();
    for _ in 0..at {
        s.press(KeyCode::Down);
    }
    s.enter().typ("c");
    if s.app.model.screen == disclose::tui::model::Screen::Columns {
        s.typ("e")
            .typ("Needed to identify the offender")
            .enter()
            .typ("c");
    }
    s.settle().typ("c");
    assert_eq!(s.app.model.screen, disclose::tui::model::Screen::Package);
    s
}

/// Move the Package screen's highlight to `item`, by keys.
fn go_to(s: &mut Screen, item: disclose::tui::model::PackItem) {
    s.typ("g");
    let at = s
        .app
        .model
        .package_items()
        .iter()
        .position(|i| *i == item)
        .unwrap();
    for _ in 0..at {
        s.press(KeyCode::Down);
    }
}

#[test]
fn package_screen_for_orochi_chooses_a_basis_and_takes_the_time_of_authority() {
    use disclose::tui::model::PackItem;
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = package(
        &catalog,
        dir.path(),
        "merlin-orochi.csv",
        None,
        "orochi-rescue-response",
    );
    go_to(&mut s, PackItem::Basis);
    s.enter();
    let chooser = s.text();
    assert!(chooser.contains("Legal basis relied on"), "{chooser}");
    assert!(chooser.contains("children-act-2004"), "{chooser}");
    scrubbed(dir.path()).bind(|| insta::assert_snapshot!("package_orochi_basis_chooser", chooser));
    s.press(KeyCode::Down).enter();
    go_to(&mut s, PackItem::Reason);
    s.enter()
        .typ("Referrals for the November R & R panel")
        .enter();
    go_to(&mut s, PackItem::AuthorisedBy);
    s.enter().typ("DI 123 Okafor").enter();
    go_to(&mut s, PackItem::AuthorisedAt);
    s.enter().typ("2026-11-21 09:30").enter();
    let text = s.text();
    assert!(text.contains("Authorised by DI 123 Okafor"), "{text}");
    assert!(text.contains("Authorised at 2026-11-21 09:30"), "{text}");
    scrubbed(dir.path()).bind(|| insta::assert_snapshot!("package_orochi_80x24", text));
    s.resize(120, 40);
    let text = s.text();
    scrubbed(dir.path()).bind(|| insta::assert_snapshot!("package_orochi_120x40", text));
}

#[test]
fn package_screen_for_london_shows_a_checklist_answer_that_stops_the_sharing() {
    use disclose::tui::model::PackItem;
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = package(
        &catalog,
        dir.path(),
        "iom.csv",
        Some("Offender Surname\nSmith\nJones\n"),
        "london-iom",
    );
    let london = catalog
        .profiles
        .iter()
        .find(|p| p.id == "london-iom")
        .unwrap();
    // Two answered (words, and yes), one that stops the sharing (no), highlighted.
    go_to(&mut s, PackItem::Checklist(0));
    s.enter().typ("MPS nominal records").enter();
    let lawful = london
        .checklist
        .iter()
        .position(|c| c.id == "lawful-basis")
        .unwrap();
    go_to(&mut s, PackItem::Checklist(lawful));
    s.typ("y");
    let secure = london
        .checklist
        .iter()
        .position(|c| c.id == "secure")
        .unwrap();
    go_to(&mut s, PackItem::Checklist(secure));
    s.typ("n");
    let text = s.text();
    assert!(text.contains("sharing must not go ahead"), "{text}");
    scrubbed(dir.path()).bind(|| insta::assert_snapshot!("package_london_80x24", text));
    s.resize(120, 40);
    let text = s.text();
    assert!(text.contains("Section 4.4"), "{text}");
    scrubbed(dir.path()).bind(|| insta::assert_snapshot!("package_london_120x40", text));
}

#[test]
fn done_screen_says_how_the_bundle_travels_and_why_it_was_made() {
    use disclose::tui::model::{DoneInfo, Screen as Step};
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = Screen::new(&catalog, options(dir.path()), 80, 24);
    let bromley = catalog
        .profiles
        .iter()
        .find(|p| p.id == "bromley-yot-victims")
        .unwrap();
    // What a written bundle leaves, set directly, so the screen is the same on every run.
    s.app.model.screen = Step::Done;
    s.app.model.done = Some(DoneInfo {
        bundle: "/home/analyst/out/bromley-yot-victims_2026-10_c5dfd0ad.zip.age".into(),
        checksum: "/home/analyst/out/bromley-yot-victims_2026-10_c5dfd0ad.zip.age.sha256".into(),
        sha256: "42914995cf551f79816d46b0fcd1d39e698d0113bf32e11bef99d3afaf2d60d1".into(),
        register: "/home/analyst/.local/share/disclose/register.jsonl".into(),
        register_seq: 1,
        rows_shared: 5,
        recipients: vec!["key 1 (typed)".into()],
        reason: "October panel, victims list".into(),
        transfer_advice: bromley.agreement.transfer_advice.clone(),
        signing_key: Some("SHA256:6yJ4Q2m0bLQbp0X5w2bV6d6bU0Gkq7nJt8e4x9cYw1c".into()),
        key_to_publish: Some("/home/analyst/.local/share/disclose/signing_ed25519.pub".into()),
    });
    let text = s.text();
    assert!(
        text.contains("How it travels: Do not send this bundle"),
        "{text}"
    );
    assert!(!text.contains("Send the bundle"), "{text}");
    assert!(text.contains("signing_ed25519.pub"), "{text}");
    insta::assert_snapshot!(text);
}

/// Issue 19 item 3: Rows with a free-text cell holding somebody's details, highlighted by ]
/// (marked ! in the table, counted by kind beside it), then the viewer on it, the telephone
/// number highlighted (reverse video, so it reads without colour too).
#[test]
fn rows_with_a_flagged_cell_and_the_viewer_highlighting_the_detail() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog();
    let mut s = statements_on_rows(&catalog, dir.path(), 80, 24);
    s.typ("]");
    let rows = s.text();
    assert!(rows.contains("│! He said to ring hi"), "{rows}");
    insta::assert_snapshot!("rows_flagged_cell", rows);

    s.typ("o");
    let viewer = s.text();
    assert!(
        viewer.contains("Found in this free text (highlighted): telephone"),
        "{viewer}"
    );
    insta::assert_snapshot!("viewer_flagged_cell", viewer);
    // The number, and only the number, is drawn highlighted.
    let buf = s.term.backend().buffer().clone();
    let lines: Vec<String> = (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect();
    let y = lines
        .iter()
        .position(|l| l.contains("He said to ring him on"))
        .unwrap();
    let highlighted: String = (0..buf.area.width)
        .filter(|&x| {
            buf[(x, y as u16)]
                .modifier
                .contains(ratatui::style::Modifier::REVERSED)
        })
        .map(|x| buf[(x, y as u16)].symbol().to_string())
        .collect();
    assert_eq!(highlighted, PLANTED_PHONE);
}
