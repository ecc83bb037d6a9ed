//! Hostile and odd register files, found by fuzzing `register::verify` and `register::append`
//! (fuzz/fuzz_targets/register_verify.rs). Each test is named after the defect it pins.

use disclose::keys::RecipientRecord;
use disclose::register::{self, Disclosure, FileRecord};
use std::path::Path;

fn disclosure(n: u64) -> Disclosure {
    Disclosure {
        bundle_id: format!("{n:032x}"),
        created_utc: "2026-11-22T10:00:00Z".into(),
        profile_id: "bromley-yot-victims".into(),
        agreement_title: "Bromley YOT victim contact".into(),
        period: "2026-10".into(),
        analyst: "A. Analyst".into(),
        authorised_by: String::new(),
        recipients: vec![RecipientRecord {
            label: "Bromley YOT".into(),
            fingerprint: "0123456789abcdef".into(),
            role: "partner".into(),
        }],
        rows_shared: n,
        rows_excluded: 0,
        shared_fields: vec!["victim_name".into()],
        withheld_count: 1,
        inputs: vec![FileRecord {
            name: "cris.csv".into(),
            sha256: "ab".repeat(32),
        }],
        bundle: FileRecord {
            name: format!("b_{n}.zip.age"),
            sha256: "cd".repeat(32),
        },
        signing_key: None,
        grounds: Default::default(),
    }
}

fn assert_intact(path: &Path, entries: usize) {
    let check = register::verify(path).unwrap();
    assert!(check.ok(), "{:?}", check.problems);
    assert_eq!(check.entries, entries);
}

/// Bug: `append` wrote the new entry after any blank lines at the end of the register, so a
/// register created holding only a line break, or given an extra newline by an editor, failed
/// `verify` ("a line of the register has been blanked out") after the next disclosure.
#[test]
fn append_after_trailing_blank_lines_keeps_the_register_verifiable() {
    for tail in ["\n", "\n\n", "  \n\t\n", "\r\n", "\r\n\r\n"] {
        // A register that is nothing but blank lines.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("register.jsonl");
        std::fs::write(&path, tail).unwrap();
        assert_intact(&path, 0);
        let e = register::append(&path, &disclosure(1)).unwrap();
        assert_eq!(e.seq, 1);
        assert_intact(&path, 1);

        // Entries followed by blank lines.
        register::append(&path, &disclosure(2)).unwrap();
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(tail);
        std::fs::write(&path, &text).unwrap();
        assert_intact(&path, 2);
        let e = register::append(&path, &disclosure(3)).unwrap();
        assert_eq!(e.seq, 3, "tail {tail:?}");
        assert_intact(&path, 3);
        // Only the blank tail went: the entries before it are untouched.
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(after.starts_with(text.trim_end()), "tail {tail:?}");
    }
}

/// A blank line between entries is still reported: only a blank tail is dropped by `append`,
/// and a register that does not verify is not appended to.
#[test]
fn a_blank_line_between_entries_is_reported_and_stops_the_append() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.jsonl");
    register::append(&path, &disclosure(1)).unwrap();
    register::append(&path, &disclosure(2)).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let (first, second) = text.split_once('\n').unwrap();
    std::fs::write(&path, format!("{first}\n\n{second}")).unwrap();
    let e = register::append(&path, &disclosure(3)).unwrap_err();
    assert!(e.to_string().contains("does not verify"), "{e}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{first}\n\n{second}")
    );
    let check = register::verify(&path).unwrap();
    assert_eq!(
        check.problems,
        vec!["Line 2 is empty: a line of the register has been blanked out.".to_string()]
    );
}

/// Bug: an entry claiming the largest `seq` there is made `verify` compute the next expected
/// `seq` past `u64::MAX` (a panic in checked builds, a wrap to 0 otherwise), and `append` take
/// `seq + 1` the same way.
#[test]
fn a_seq_at_u64_max_is_a_problem_not_an_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.jsonl");
    let max = u64::MAX;
    std::fs::write(
        &path,
        format!(
            "{{\"seq\":{max},\"prev\":\"{}\",\"hash\":\"x\"}}\n{{\"seq\":1}}\n",
            register::GENESIS
        ),
    )
    .unwrap();
    let check = register::verify(&path).unwrap();
    assert_eq!(check.entries, 2);
    assert!(
        check
            .problems
            .iter()
            .any(|p| p.starts_with("Line 1 (entry 18446744073709551615")
                && p.contains("should be entry 1")),
        "{:?}",
        check.problems
    );
    assert!(
        check
            .problems
            .iter()
            .any(|p| p.starts_with("Line 2 (entry 1") && p.contains("should be entry")),
        "{:?}",
        check.problems
    );

    std::fs::write(&path, format!("{{\"seq\":{max},\"hash\":\"x\"}}\n")).unwrap();
    let before = std::fs::read(&path).unwrap();
    let e = register::append(&path, &disclosure(1)).unwrap_err();
    assert!(
        e.to_string().contains("Line 1 of the disclosure register"),
        "{e}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the register was changed"
    );
}
