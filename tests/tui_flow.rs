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
    s.typ("c"); // to the rows
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
    s.press(KeyCode::Down).enter(); // Folder
    s.ctrl('u').typ(&out.display().to_string()).enter();
    s.typ("G");
    let warnings = 4;
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
    // 6 rows passed the rules; one was then excluded by hand.
    assert_eq!(record["rows"]["shared"], 5);
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
