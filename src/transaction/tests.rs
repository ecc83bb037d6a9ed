use super::journal::{ABOUT, Journal, write_journal};
use super::lock::pending_tmp_path;
use super::*;
use crate::bundle::TEMP_PREFIX;
use crate::register::FileRecord;
use crate::register::{self, Disclosure, RegisterError};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// One register in a folder of its own, and a bundle folder beside it.
struct Place {
    _dir: tempfile::TempDir,
    register: PathBuf,
    out: PathBuf,
}

fn place() -> Place {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("reg/register.jsonl");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    Place {
        register,
        out,
        _dir: dir,
    }
}

fn disclosure(n: u64, sha256: &str) -> Disclosure {
    Disclosure {
        bundle_id: format!("{n:032x}"),
        created_utc: "2026-11-02T10:00:00Z".into(),
        profile_id: "bromley-yot-victims".into(),
        agreement_title: "Bromley YOT victim contact".into(),
        period: "2026-10".into(),
        analyst: "A. Analyst".into(),
        authorised_by: String::new(),
        recipients: Vec::new(),
        rows_shared: 7,
        rows_excluded: 1,
        shared_fields: vec!["Victim Name".into()],
        withheld_count: 2,
        inputs: vec![FileRecord {
            name: "cris.csv".into(),
            sha256: "ab".repeat(32),
        }],
        bundle: FileRecord {
            name: format!("b_{n}.zip.age"),
            sha256: sha256.into(),
        },
        signing_key: None,
        grounds: Default::default(),
    }
}

/// A journal for bundle `n`, as a run killed after writing it leaves it; the bundle's
/// bytes are `b"bundle n"`. Returns the journal.
fn journal(p: &Place, n: u64) -> Journal {
    let bytes = format!("bundle {n}");
    let sha256 = crate::hex::hex(&Sha256::digest(bytes.as_bytes()));
    let bundle = std::path::absolute(p.out.join(format!("b_{n}.zip.age"))).unwrap();
    let j = Journal {
        about: ABOUT.into(),
        disclosure: disclosure(n, &sha256),
        register_prev: register::head(&p.register).unwrap(),
        temp: bundle.with_file_name(format!("{TEMP_PREFIX}1-abc{n}.part")),
        sidecars: vec![
            bundle.with_file_name(format!("b_{n}.zip.age.sha256")),
            bundle.with_file_name(format!("b_{n}.zip.age.sig")),
        ],
        bundle,
        sha256,
        size: bytes.len() as u64,
    };
    std::fs::create_dir_all(p.register.parent().unwrap()).unwrap();
    write_journal(&p.register, &j).unwrap();
    j
}

fn recover_now(p: &Place) -> Result<Vec<String>, RegisterError> {
    let lock = lock(&p.register).unwrap();
    recover(&p.register, &lock)
}

fn ids(p: &Place) -> Vec<String> {
    register::list(&p.register)
        .unwrap()
        .into_iter()
        .map(|e| e.disclosure.bundle_id)
        .collect()
}

#[test]
fn no_journal_nothing_to_do() {
    let p = place();
    register::append(&p.register, &disclosure(1, &"cd".repeat(32))).unwrap();
    // A journal never renamed into place is just removed.
    std::fs::write(pending_tmp_path(&p.register), b"{half").unwrap();
    assert_eq!(recover_now(&p).unwrap(), Vec::<String>::new());
    assert!(!pending_tmp_path(&p.register).exists());
    assert_eq!(ids(&p), [format!("{:032x}", 1)]);
    assert_eq!(pending(&p.register).unwrap(), None);
    // The lock file stays: deleting it would race.
    assert!(lock_path(&p.register).exists());
}

#[test]
fn a_bundle_in_place_without_its_entry_is_registered() {
    let p = place();
    register::append(&p.register, &disclosure(1, &"cd".repeat(32))).unwrap();
    let j = journal(&p, 2);
    std::fs::write(&j.bundle, b"bundle 2").unwrap();
    std::fs::write(&j.sidecars[0], b"sum").unwrap();
    assert_eq!(
        pending(&p.register).unwrap().unwrap().state,
        PendingState::Unrecorded
    );
    let said = recover_now(&p).unwrap();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].starts_with("registered bundle ") && said[0].contains("b_2.zip.age"),
        "{said:?}"
    );
    assert!(said[0].contains("left by an interrupted run (register entry #2)"));
    assert_eq!(ids(&p), [format!("{:032x}", 1), format!("{:032x}", 2)]);
    let entries = register::list(&p.register).unwrap();
    assert_eq!(entries[1].disclosure, j.disclosure);
    assert!(register::verify(&p.register).unwrap().ok());
    assert!(!pending_path(&p.register).exists());
    assert!(j.bundle.exists() && j.sidecars[0].exists());
    // Done once only.
    assert!(recover_now(&p).unwrap().is_empty());
    assert_eq!(register::list(&p.register).unwrap().len(), 2);
}

#[test]
fn a_journal_whose_entry_was_appended_is_just_removed() {
    let p = place();
    let j = journal(&p, 1);
    std::fs::write(&j.bundle, b"bundle 1").unwrap();
    register::append(&p.register, &j.disclosure).unwrap();
    assert_eq!(
        pending(&p.register).unwrap().unwrap().state,
        PendingState::Recorded
    );
    assert!(recover_now(&p).unwrap().is_empty());
    assert!(!pending_path(&p.register).exists());
    assert_eq!(register::list(&p.register).unwrap().len(), 1);
    assert!(j.bundle.exists());
}

#[test]
fn an_unfinished_bundle_is_removed_with_its_temp_and_sidecars() {
    for temp_left in [true, false] {
        let p = place();
        let j = journal(&p, 1);
        if temp_left {
            std::fs::write(&j.temp, b"bundle 1").unwrap();
        }
        for s in &j.sidecars {
            std::fs::write(s, b"x").unwrap();
        }
        let other = p.out.join("other.zip.age");
        std::fs::write(&other, b"keep").unwrap();
        assert_eq!(
            pending(&p.register).unwrap().unwrap().state,
            PendingState::Unfinished
        );
        let said = recover_now(&p).unwrap();
        assert_eq!(said.len(), 1);
        assert!(
            said[0].starts_with("removed the unfinished bundle ")
                && said[0].ends_with("b_1.zip.age left by an interrupted run"),
            "{said:?}"
        );
        assert!(!j.temp.exists());
        assert!(j.sidecars.iter().all(|s| !s.exists()));
        assert!(!pending_path(&p.register).exists());
        assert!(other.exists());
        assert!(!p.register.exists(), "nothing was appended");
    }
}

#[test]
fn a_different_file_at_the_bundles_name_is_left_alone_and_not_registered() {
    let p = place();
    let j = journal(&p, 1);
    std::fs::write(&j.bundle, b"bundle X").unwrap();
    std::fs::write(&j.sidecars[0], b"x").unwrap();
    let said = recover_now(&p).unwrap();
    assert!(said[0].contains("was left alone"), "{said:?}");
    assert!(j.bundle.exists() && j.sidecars[0].exists());
    assert!(!p.register.exists());
    assert!(!pending_path(&p.register).exists());
}

#[test]
fn a_journal_naming_other_files_is_refused_and_nothing_removed() {
    let p = place();
    let mut j = journal(&p, 1);
    let victim = p.out.join("important.txt");
    std::fs::write(&victim, b"keep").unwrap();
    j.temp = victim.clone();
    write_journal(&p.register, &j).unwrap();
    let e = recover_now(&p).unwrap_err();
    assert!(
        e.to_string().contains("names files disclose does not make"),
        "{e}"
    );
    assert!(victim.exists());
    assert!(pending_path(&p.register).exists(), "left for a person");
    // Not JSON at all.
    std::fs::write(pending_path(&p.register), b"{half").unwrap();
    assert!(recover_now(&p).is_err());
    assert!(pending(&p.register).is_err());
}

#[test]
fn a_journal_is_not_recovered_on_a_register_that_does_not_verify() {
    let p = place();
    register::append(&p.register, &disclosure(1, &"cd".repeat(32))).unwrap();
    let j = journal(&p, 2);
    std::fs::write(&j.bundle, b"bundle 2").unwrap();
    let text = std::fs::read_to_string(&p.register).unwrap();
    std::fs::write(&p.register, text.replace("A. Analyst", "B. Analyst")).unwrap();
    let e = recover_now(&p).unwrap_err();
    assert!(matches!(e, RegisterError::Broken { .. }), "{e}");
    assert!(pending_path(&p.register).exists());
    assert!(j.bundle.exists());
}

#[test]
fn a_held_lock_is_reported_as_recording() {
    let p = place();
    journal(&p, 1);
    let held = lock(&p.register).unwrap();
    assert_eq!(
        pending(&p.register).unwrap().unwrap().state,
        PendingState::Recording
    );
    drop(held);
    assert_eq!(
        pending(&p.register).unwrap().unwrap().state,
        PendingState::Unfinished
    );
}
