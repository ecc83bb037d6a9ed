//! Whole flows through the interactive screens, by keys alone, against a `TestBackend`.

use crate::tui_support;

use age::secrecy::ExposeSecret;
use crossterm::event::KeyCode;
use disclose::keys::Decryption;
use disclose::profile::{AnswerKind, Catalog};
use disclose::tui::model::{PackItem, Screen as Step};
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
    s.typ("Bromley YOT, RJ officer").enter(); // whose key it is
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
    let remembered: Vec<String> = walk(&dir.path().join("config"))
        .iter()
        .map(|e| std::fs::read_to_string(e).unwrap_or_default())
        .collect();
    assert!(
        remembered.iter().any(|t| t.contains("PC 999 Quinn")),
        "the analyst is remembered"
    );
    assert!(
        !remembered.iter().any(|t| t.contains("October panel")),
        "the reason is not remembered: {remembered:?}"
    );
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
    s.typ("Bromley YOT, RJ officer").enter(); // whose key it is
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

/// Open `file` (already in `dir`), choose profile `id`, and go through Columns and Rows to
/// Package, with a fresh key added. Returns the screen and the key's identity.
fn to_package<'c>(
    catalog: &'c Catalog,
    dir: &std::path::Path,
    file: &str,
    id: &str,
) -> (Screen<'c>, age::x25519::Identity) {
    let mut s = Screen::new(catalog, options(dir), 80, 24);
    s.enter().typ(file).enter().settle().typ("c");
    let at = catalog.profiles.iter().position(|p| p.id == id).unwrap();
    for _ in 0..at {
        s.press(KeyCode::Down);
    }
    s.enter();
    // An agreement that is not prescriptive asks why each field is shared.
    s.typ("c");
    if s.app.model.screen == Step::Columns {
        s.typ("e")
            .typ("Needed to identify the offender at the panel")
            .enter();
        s.typ("c");
    }
    s.settle().typ("c");
    let on = s.app.model.screen;
    assert_eq!(on, Step::Package, "{}", s.text());
    let identity = age::x25519::Identity::generate();
    s.typ("a").typ(&identity.to_public().to_string()).enter();
    s.typ("Bromley YOT, RJ officer").enter(); // whose key it is
    (s, identity)
}

/// Move the Package screen's highlight to `item`, by keys.
fn go_to(s: &mut Screen, item: PackItem) {
    s.typ("g");
    let items = s.app.model.package_items();
    let at = items
        .iter()
        .position(|i| *i == item)
        .expect("the line is shown");
    for _ in 0..at {
        s.press(KeyCode::Down);
    }
    assert_eq!(
        s.app.model.package_items()[s.app.model.package.cursor],
        item
    );
}

/// Acknowledge every warning, by keys.
fn acknowledge_all(s: &mut Screen) {
    let n = s.app.model.job.as_ref().unwrap().warnings.len();
    for k in 0..n {
        go_to(s, PackItem::Warning(k));
        s.typ(" ");
    }
}

/// Press w: the bundle is refused (no question asked) and the status says why.
fn refused(s: &mut Screen) -> String {
    s.typ("w");
    let text = s.text();
    assert!(!text.contains("Write the bundle?"), "{text}");
    assert!(text.contains("not ready to write"), "{text}");
    text
}

fn blockers(s: &Screen) -> Vec<String> {
    disclose::tui::readiness::blockers(&s.app.model)
}

fn written_bundle(out: &std::path::Path) -> std::path::PathBuf {
    let bundles: Vec<_> = std::fs::read_dir(out)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".zip.age"))
        .collect();
    assert_eq!(bundles.len(), 1);
    bundles[0].clone()
}

#[test]
fn an_orochi_bundle_waits_for_reason_basis_and_somebody_elses_authority_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::copy(
        fixture("merlin-orochi.csv"),
        dir.path().join("merlin-orochi.csv"),
    )
    .unwrap();
    let catalog = Catalog::embedded().unwrap();
    let (mut s, identity) = to_package(
        &catalog,
        dir.path(),
        "merlin-orochi.csv",
        "orochi-rescue-response",
    );
    go_to(&mut s, PackItem::Analyst);
    s.enter().typ("PC 999 Quinn").enter();
    go_to(&mut s, PackItem::OutDir);
    s.enter().ctrl('u').typ(&out.display().to_string()).enter();
    acknowledge_all(&mut s);

    // Four things left, each said in the screen's words.
    let left = blockers(&s);
    assert_eq!(left.len(), 4, "{left:?}");
    for want in [
        "Say why this bundle is made (Reason, Enter).",
        "Choose the legal basis relied on (Basis, Enter).",
        "Enter the authorising officer: Operation Orochi SPOC",
        "Say when the authority was given (Authorised at, Enter; t for now).",
    ] {
        assert!(left.iter().any(|b| b.starts_with(want)), "{want}: {left:?}");
    }
    refused(&mut s);

    go_to(&mut s, PackItem::Reason);
    s.enter();
    assert!(
        s.text().contains("do not name a data subject"),
        "{}",
        s.text()
    );
    s.typ("Referrals for the November R & R panel").enter();
    refused(&mut s);

    go_to(&mut s, PackItem::Basis);
    s.enter();
    let chooser = s.text();
    assert!(chooser.contains("Legal basis relied on"), "{chooser}");
    assert!(chooser.contains("crime-and-disorder-act-s115"), "{chooser}");
    s.press(KeyCode::Down).enter();
    assert_eq!(
        s.app.model.package.basis.as_deref(),
        Some("crime-and-disorder-act-s115")
    );
    refused(&mut s);

    // The analyst cannot authorise their own disclosure.
    go_to(&mut s, PackItem::AuthorisedBy);
    s.enter().typ("pc 999 quinn").enter();
    assert!(
        blockers(&s)
            .iter()
            .any(|b| b.starts_with("The authorising officer must be somebody other than you")),
        "{:?}",
        blockers(&s)
    );
    refused(&mut s);
    s.enter().ctrl('u').typ("DI 123 Okafor").enter();

    // A time that is not one, then one in the future, then the real one.
    go_to(&mut s, PackItem::AuthorisedAt);
    s.enter().typ("yesterday").enter();
    refused(&mut s);
    s.enter().ctrl('u').typ("2099-01-01 09:00").enter();
    assert!(
        blockers(&s).iter().any(|b| b.contains("in the future")),
        "{:?}",
        blockers(&s)
    );
    refused(&mut s);
    s.enter().ctrl('u').typ("2026-11-21 09:30").enter();
    assert!(blockers(&s).is_empty(), "{:?}", blockers(&s));
    let ready = s.text();
    assert!(ready.contains("Authorised by DI 123 Okafor"), "{ready}");

    s.typ("w");
    assert!(s.text().contains("Write the bundle?"));
    s.typ("y").settle();
    let done = s.text();
    assert!(done.contains("The bundle is written"), "{done}");
    assert!(
        done.contains("How it travels: Upload the bundle to Box only"),
        "{done}"
    );

    let report = disclose::verify::verify_bundle(
        &written_bundle(&out),
        &Decryption::Identities(vec![identity]),
        None,
        None,
    );
    assert!(report.ok(), "{:?}", report.problems);
    let record = report.record.expect("a disclosure record");
    assert_eq!(record["reason"], "Referrals for the November R & R panel");
    assert_eq!(
        record["basis_relied_on"]["id"],
        "crime-and-disorder-act-s115"
    );
    assert_eq!(record["authorised_by"], "DI 123 Okafor");
    assert_eq!(record["authorised_at"], "2026-11-21 09:30 (local time)");
}

/// A London IOM export of two offenders (the agreement sets no row rules).
const LONDON: &str = "Offender Surname\nSmith\nJones\n";

#[test]
fn a_checklist_answer_that_stops_the_sharing_stops_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(dir.path().join("iom.csv"), LONDON).unwrap();
    let catalog = Catalog::embedded().unwrap();
    let (mut s, identity) = to_package(&catalog, dir.path(), "iom.csv", "london-iom");
    let london = catalog
        .profiles
        .iter()
        .find(|p| p.id == "london-iom")
        .unwrap();
    go_to(&mut s, PackItem::Analyst);
    s.enter().typ("PC 999 Quinn").enter();
    go_to(&mut s, PackItem::Reason);
    s.enter().typ("Monthly IOM panel").enter();
    go_to(&mut s, PackItem::Basis);
    s.enter().enter(); // the first basis
    go_to(&mut s, PackItem::OutDir);
    s.enter().ctrl('u').typ(&out.display().to_string()).enter();
    acknowledge_all(&mut s);

    // Every question answered: yes to the yes-no ones (y), words to the others (Enter).
    for (k, c) in london.checklist.iter().enumerate() {
        go_to(&mut s, PackItem::Checklist(k));
        match c.answer {
            AnswerKind::YesNo => {
                s.typ("y");
            }
            AnswerKind::Text => {
                s.enter().typ("Considered at the panel").enter();
            }
        }
    }
    assert!(blockers(&s).is_empty(), "{:?}", blockers(&s));

    // "Is the information being shared in a secure way?" No: the agreement says stop.
    let secure = london
        .checklist
        .iter()
        .position(|c| c.id == "secure")
        .unwrap();
    go_to(&mut s, PackItem::Checklist(secure));
    s.typ("n");
    let screen = s.text();
    assert!(
        screen.contains(&format!("checklist {} answered no", secure + 1)),
        "{screen}"
    );
    assert!(screen.contains("sharing must not go ahead"), "{screen}");
    let left = blockers(&s);
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(
        left[0].starts_with(
            "“Is the information being shared in a secure way?” answered no: the agreement says the sharing must not go ahead (Section 4.4"
        ),
        "{left:?}"
    );
    refused(&mut s);

    // The same by the chooser (Enter, then yes): the sharing may go ahead.
    s.enter();
    assert!(
        s.text()
            .contains("Is the information being shared in a secure way?")
    );
    s.typ("g").enter();
    assert!(blockers(&s).is_empty(), "{:?}", blockers(&s));
    s.typ("w").typ("y").settle();
    assert!(
        s.text()
            .contains("How it travels: Share the bundle only by a secure route")
    );
    let report = disclose::verify::verify_bundle(
        &written_bundle(&out),
        &Decryption::Identities(vec![identity]),
        None,
        None,
    );
    assert!(report.ok(), "{:?}", report.problems);
    let record = report.record.expect("a disclosure record");
    let answered = record["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "secure")
        .cloned()
        .unwrap();
    assert_eq!(answered["answer"], "yes", "{answered}");
}

/// Issue 19 item 3, end to end: free text holding somebody's details stops the bundle on the
/// Package screen (not at the end of writing), in keys; one cell decided on Rows, the other
/// kind redacted everywhere from Package; the bundle then leaves with both redacted as spans,
/// the record lists the decision (never the value), and nothing on disk holds the values.
#[test]
fn free_text_is_reviewed_on_rows_and_package_and_the_bundle_leaves_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let catalog = Catalog::embedded().unwrap();
    let mut s = statements_on_rows(&catalog, dir.path(), 80, 24);
    s.typ("]").typ("d").typ("the suspect's number").enter();

    let identity = age::x25519::Identity::generate();
    s.typ("c");
    assert_eq!(s.app.model.screen, Step::Package);
    s.typ("a").typ(&identity.to_public().to_string()).enter();
    s.typ("Bromley YOT, RJ officer").enter(); // whose key it is
    s.press(KeyCode::Down).press(KeyCode::Down).enter(); // Analyst
    s.typ("PC 999 Quinn").enter();
    s.press(KeyCode::Down).enter(); // Reason
    s.typ("October panel, victims list").enter();
    s.press(KeyCode::Down).enter(); // Folder
    s.ctrl('u').typ(&out.display().to_string()).enter();
    // The five warnings, then Free text, then Redact all for each kind found.
    s.typ("G");
    assert_eq!(
        s.app.model.package_items()[s.app.model.package.cursor],
        PackItem::RedactKind(disclose::freetext::Kind::Email)
    );
    let screen = s.text();
    assert!(screen.contains("Free text"), "{screen}");
    assert!(
        screen.contains("! Free text     1 to decide (Space)"),
        "{screen}"
    );
    assert!(
        screen.contains("Redact all    1 e-mail address"),
        "{screen}"
    );
    for _ in 0..2 {
        s.press(KeyCode::Up);
    }
    for _ in 0..5 {
        s.press(KeyCode::Up).typ(" ");
    }
    // Everything else is done: what stops the bundle is the free text, said in keys.
    let blockers = disclose::tui::readiness::blockers(&s.app.model);
    assert_eq!(blockers.len(), 1, "{blockers:?}");
    assert!(
        blockers[0].starts_with("Decide the 1 free-text cell(s)")
            && blockers[0].contains("] finds each")
            && !blockers[0].contains("--"),
        "{}",
        blockers[0]
    );
    s.typ("w");
    assert!(
        s.text().contains("not ready to write"),
        "refused before writing:\n{}",
        s.text()
    );
    // Every e-mail address found in free text redacted, from the Package screen.
    s.typ("G").typ(" ").settle();
    assert_eq!(s.app.model.unreviewed(), 0);
    assert!(
        s.text().contains("✓ Redacted all  1 e-mail address"),
        "{}",
        s.text()
    );
    assert!(s.text().contains("Ready: press w"), "{}", s.text());
    s.typ("w").typ("y").settle();
    let done = s.text();
    assert!(done.contains("The bundle is written"), "{done}");

    let bundle = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with(".zip.age"))
        .unwrap();
    let extracted = dir.path().join("extracted");
    let report = disclose::verify::verify_bundle(
        &bundle,
        &Decryption::Identities(vec![identity]),
        None,
        Some(&extracted),
    );
    assert!(report.ok(), "{:?}", report.problems);
    let shared: String = walk(&extracted)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(
        shared.contains("He said to ring him on [REDACTED: phone] to get it back"),
        "{shared}"
    );
    assert!(
        shared.contains("Her brother ([REDACTED: email]) saw it"),
        "{shared}"
    );
    let record = report.record.unwrap();
    let manual = record["manual_decisions"].as_array().unwrap();
    assert!(
        manual
            .iter()
            .any(|d| d["action"] == "redacted details in free text"
                && d["row"] == 2
                && d["field"] == "victim_personal_statement"
                && d["kinds"] == serde_json::json!(["phone"])
                && d["reason"] == "the suspect's number"),
        "{manual:?}"
    );
    // The values never reach the disk outside the bundle: not the record, not the memory.
    assert!(!record.to_string().contains(PLANTED_PHONE));
    for f in walk(&dir.path().join("config"))
        .into_iter()
        .chain(walk(&out))
    {
        let bytes = std::fs::read(&f).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(PLANTED_PHONE) && !text.contains(PLANTED_EMAIL),
            "{} holds a value",
            f.display()
        );
    }
}

/// Issue 19 item 3: having read the details, the analyst may let them leave by acknowledging
/// free-text-reviewed on the Package screen (Space on Free text); Space again takes it back.
#[test]
fn acknowledging_free_text_on_package_lets_the_undecided_cells_leave() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = Catalog::embedded().unwrap();
    let mut s = statements_on_rows(&catalog, dir.path(), 80, 24);
    s.typ("c");
    let free_text = |s: &Screen| {
        s.app
            .model
            .package_items()
            .iter()
            .position(|i| *i == PackItem::FreeText)
            .unwrap()
    };
    let has_blocker = |s: &Screen| {
        disclose::tui::readiness::blockers(&s.app.model)
            .iter()
            .any(|b| b.contains("free-text cell(s)"))
    };
    assert!(has_blocker(&s));
    s.typ("g");
    for _ in 0..free_text(&s) {
        s.press(KeyCode::Down);
    }
    s.enter();
    let viewer = s.text();
    assert!(viewer.contains("1 telephone number, 1"), "{viewer}");
    s.press(KeyCode::Esc).typ(" ");
    assert!(!has_blocker(&s));
    assert!(s.text().contains("2 left, acknowledged"), "{}", s.text());
    s.typ(" ");
    assert!(has_blocker(&s));
}
