//! Whole flows through the interactive screens, by keys alone, against a `TestBackend`.

mod tui_support;

use age::secrecy::ExposeSecret;
use crossterm::event::KeyCode;
use disclose::keys::Decryption;
use disclose::profile::Catalog;
use tui_support::*;

/// Open the CRIS fixture (copied into `dir`), choose Bromley YOT victims, and arrive on Rows.
fn to_rows<'c>(catalog: &'c Catalog, dir: &std::path::Path) -> Screen<'c> {
    std::fs::copy(fixture("cris-victims.csv"), dir.join("cris-victims.csv")).unwrap();
    let mut s = Screen::new(catalog, options(dir), 80, 24);
    s.enter(); // Prepare a disclosure
    s.typ("cris").press(KeyCode::Tab).enter().settle(); // completed to cris-victims.csv
    s.typ("c"); // to the agreements
    let bromley = catalog
        .profiles
        .iter()
        .position(|p| p.id == "bromley-yot-victims")
        .unwrap();
    for _ in 0..bromley {
        s.press(KeyCode::Down);
    }
    s.enter(); // to the columns
    assert!(s.text().contains("Source columns"));
    s.typ("c").settle(); // to the rows
    assert!(s.text().contains("As it will leave"), "{}", s.text());
    s
}

#[test]
fn from_an_export_to_a_verified_bundle_by_keys_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let catalog = Catalog::embedded().unwrap();
    let mut s = to_rows(&catalog, dir.path());

    // Exclude the first row by hand, redact the key cell of the next.
    s.typ("x")
        .typ("Victim asked by phone not to be contacted")
        .enter();
    assert!(
        s.text().contains("Row 2 is excluded by hand"),
        "{}",
        s.text()
    );
    s.typ("r").typ("Name disclosed in error").enter();
    assert!(s.text().contains("[REDACTED]"), "{}", s.text());

    // Package: a freshly made key, the analyst, every warning acknowledged.
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public().to_string();
    s.typ("c");
    assert!(s.text().contains("Before writing"), "{}", s.text());
    s.typ("a").typ(&public).enter();
    s.press(KeyCode::Down).press(KeyCode::Down).enter(); // Analyst
    s.typ("PC 999 Quinn").enter();
    s.press(KeyCode::Down).enter(); // Reason
    s.typ("October panel, victims list").enter();
    s.press(KeyCode::Down).enter(); // Folder
    s.ctrl('u').typ(&out.display().to_string()).enter();
    s.typ("G");
    // review-overdue, the agreement's three, and no-protective-marking (the CRIS fixture has no
    // marking column).
    let warnings = 5;
    for _ in 0..warnings {
        s.typ(" ").press(KeyCode::Up);
    }
    let screen = s.text();
    assert!(screen.contains("Ready: press w"), "{screen}");

    s.typ("w");
    assert!(s.text().contains("Write the bundle?"));
    s.typ("y").settle();
    let done = s.text();
    assert!(done.contains("The bundle is written"), "{done}");

    let bundles: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".zip.age"))
        .collect();
    assert_eq!(bundles.len(), 1, "one bundle, and nothing else of ours");
    let report = disclose::verify::verify_bundle(
        &bundles[0],
        &Decryption::Identities(vec![identity.clone()]),
        None,
        None,
    );
    assert!(report.ok(), "{:?}", report.problems);
    let record = report.record.expect("a disclosure record");
    assert_eq!(record["analyst"], "PC 999 Quinn");
    assert_eq!(record["reason"], "October panel, victims list");
    // The Done screen says how the bundle travels under this agreement (Bromley: it does not),
    // and the reason; never a generic "send the bundle".
    assert!(
        done.contains("How it travels: Do not send this bundle"),
        "{done}"
    );
    assert!(done.contains("October panel, victims list"), "{done}");
    // The reason belongs to this bundle: it is not remembered for the next.
    for e in walk(&dir.path().join("config")) {
        let text = std::fs::read_to_string(&e).unwrap_or_default();
        assert!(
            !text.contains("October panel"),
            "{} remembers the reason",
            e.display()
        );
    }
    // 7 rows passed the rules (one with no opt-out recorded); one was then excluded by hand.
    assert_eq!(record["rows"]["shared"], 6);
    assert_eq!(record["rows"]["shared_as_agreed"][0]["count"], 1);
    // The export carried no marking: the record says so, not the agreement's ceiling.
    assert!(
        record["marking"]["highest_shared"].is_null() && record["marking"]["inputs_unmarked"] == 1,
        "{}",
        record["marking"]
    );
    assert_eq!(record["cells"]["redacted"], 1);
    let manual = record["manual_decisions"].as_array().unwrap();
    assert_eq!(manual.len(), 2);
    assert!(done.contains(&report.payload.len().to_string()) || !done.is_empty());

    // Verify it again from the Done screen, with the key file.
    let key_file = dir.path().join("key.txt");
    std::fs::write(&key_file, identity.to_string().expose_secret()).unwrap();
    s.typ("v")
        .enter()
        .typ(&key_file.display().to_string())
        .enter();
    s.typ("v").settle();
    let verified = s.text();
    assert!(
        verified.contains("VERIFIED: every check passed"),
        "{verified}"
    );
    println!("{done}\n{verified}");
}

/// A CRIS export of about `mb` MB in `dir`: the fixture's header, then its rows over and over,
/// each with a crime reference of its own. Big enough that writing it takes a while.
fn big_export(dir: &std::path::Path, mb: u64) -> std::path::PathBuf {
    let mut read = csv::Reader::from_path(fixture("cris-victims.csv")).unwrap();
    let header = read.byte_headers().unwrap().clone();
    let rows: Vec<csv::ByteRecord> = read.byte_records().map(Result::unwrap).collect();
    let path = dir.join("cris-big.csv");
    let mut out = csv::Writer::from_path(&path).unwrap();
    out.write_byte_record(&header).unwrap();
    let mut n = 0u64;
    while out.get_ref().metadata().unwrap().len() < mb << 20 {
        for row in &rows {
            let reference = format!("{}/26", 1_000_000 + n);
            let mut fields = row.iter();
            fields.next();
            out.write_record(std::iter::once(reference.as_bytes()).chain(fields))
                .unwrap();
            n += 1;
        }
    }
    out.flush().unwrap();
    path
}

/// Every file under `dir` (none if it does not exist).
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Entries of `dir` whose names start with `prefix`.
fn named(dir: &std::path::Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect()
}

#[test]
fn esc_while_writing_cancels_and_leaves_nothing_behind() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    big_export(dir.path(), 20);
    let catalog = Catalog::embedded().unwrap();
    let mut s = Screen::new(&catalog, options(dir.path()), 80, 24);
    s.enter().typ("cris-big.csv").enter().settle().typ("c");
    let bromley = catalog
        .profiles
        .iter()
        .position(|p| p.id == "bromley-yot-victims")
        .unwrap();
    for _ in 0..bromley {
        s.press(KeyCode::Down);
    }
    s.enter().typ("c").settle().typ("c"); // columns, rows, package

    // A key, the analyst, the folder, and every warning acknowledged.
    let public = age::x25519::Identity::generate().to_public().to_string();
    s.typ("a").typ(&public).enter();
    s.press(KeyCode::Down).press(KeyCode::Down).enter();
    s.typ("PC 999 Quinn").enter();
    s.press(KeyCode::Down).enter();
    s.typ("October panel, victims list").enter();
    s.press(KeyCode::Down).enter();
    s.ctrl('u').typ(&out.display().to_string()).enter();
    s.typ("G");
    for _ in 0..20 {
        if s.text().contains("Ready: press w") {
            break;
        }
        s.typ(" ").press(KeyCode::Up);
    }
    let ready = s.text();
    assert!(ready.contains("Ready: press w"), "{ready}");

    s.typ("w").typ("y");
    assert!(s.text().contains("Esc cancels"), "{}", s.text());
    // Wait (bounded) until the writer has really started: its first progress report, by which
    // time its temp file exists. Then Esc.
    let deadline = Instant::now() + Duration::from_secs(120);
    let started = |s: &Screen| {
        s.app
            .model
            .writing
            .as_ref()
            .is_some_and(|w| w.rows_done.iter().sum::<u64>() > 0)
    };
    while !started(&s) && s.app.model.writing.is_some() && Instant::now() < deadline {
        s.app.pump();
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        s.app.model.writing.is_some(),
        "the bundle was written before Esc could be sent; make the export bigger"
    );
    assert!(started(&s), "the writer did not start within the deadline");
    assert!(
        !named(&out, ".disclose-tmp-").is_empty(),
        "a temp file is being written (so there is something to clean up)"
    );
    s.press(KeyCode::Esc);
    assert!(s.text().contains("Cancelling"), "{}", s.text());
    s.settle();

    let screen = s.text();
    assert!(
        screen.contains("Cancelled: nothing was written."),
        "{screen}"
    );
    assert_eq!(s.app.model.screen, disclose::tui::model::Screen::Package);
    assert!(s.app.model.writing.is_none() && s.app.model.done.is_none());
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        left.is_empty(),
        "left behind in the output folder: {left:?}"
    );
    assert!(named(&out, ".disclose-tmp-").is_empty());
}
