//! Register parsing: any bytes as a register file, through `register::verify`, `register::list`
//! and `register::to_csv`. Then one entry is appended: appending to a register whose chain was
//! intact must leave it intact, one entry longer, with the new entry at its head and in its
//! head file; appending to one that was not intact must be refused and change nothing. Then
//! the register is put back as it was: the head file, which names the new entry, must show it.
//!
//! The input's first line, when it starts `HEAD `, is the head file instead (the rest of the
//! line), so the head file's parser and its comparison with the chain are fuzzed too.
#![no_main]

mod common;

use disclose::keys::RecipientRecord;
use disclose::register::{self, Disclosure, FileRecord};
use libfuzzer_sys::fuzz_target;

fn disclosure() -> Disclosure {
    let file = |name: &str| FileRecord {
        name: name.into(),
        sha256: "0".repeat(64),
    };
    Disclosure {
        bundle_id: "0123456789abcdef0123456789abcdef".into(),
        created_utc: "2026-11-22T10:00:00Z".into(),
        profile_id: "bromley-yot-victims".into(),
        agreement_title: "Agreement".into(),
        period: "2026-10".into(),
        analyst: "A. Analyst".into(),
        authorised_by: String::new(),
        recipients: vec![RecipientRecord {
            label: "YOT".into(),
            fingerprint: "ab".repeat(8),
        }],
        rows_shared: 1,
        rows_excluded: 0,
        shared_fields: vec!["victim_name".into()],
        withheld_count: 2,
        inputs: vec![file("in.csv")],
        bundle: file("b.zip.age"),
        signing_key: None,
        grounds: Default::default(),
    }
}

fuzz_target!(|data: &[u8]| {
    let head_path = register::head_path(&common::scratch().join("register.jsonl"));
    let _ = std::fs::remove_file(&head_path);
    let data = match data.strip_prefix(b"HEAD ") {
        Some(rest) => {
            let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            std::fs::write(&head_path, &rest[..end]).expect("scratch file");
            &rest[(end + 1).min(rest.len())..]
        }
        None => data,
    };
    let path = common::write_scratch("register.jsonl", data);
    let before = register::verify(&path);
    let _ = register::list(&path).map_err(|e| e.to_string());
    let _ = register::to_csv(&path, std::io::sink()).map_err(|e| e.to_string());
    let Ok(before) = before else {
        return;
    };
    let _ = format!("{before:?}");
    match register::append(&path, &disclosure()) {
        Ok(entry) => {
            let after = register::verify(&path).expect("the register reads after an append");
            assert_eq!(
                after.head.as_deref(),
                Some(entry.hash.as_str()),
                "the new entry is not the head"
            );
            assert!(before.ok(), "an append to a register that does not verify");
            assert!(
                after.ok(),
                "an append broke an intact register: {:?}",
                after.problems
            );
            assert_eq!(
                after.entries,
                before.entries + 1,
                "an append did not add one entry"
            );
            assert_eq!(
                register::read_head(&path),
                register::HeadFile::Found(register::Head {
                    seq: entry.seq,
                    hash: entry.hash.clone(),
                }),
                "the head file does not name the new entry"
            );
            // Put back as it was: the head file names an entry it no longer holds.
            std::fs::write(&path, data).expect("scratch file");
            let back = register::verify(&path).expect("the register reads");
            assert!(!back.ok(), "a register cut back to before the append verifies");
        }
        Err(e) => {
            let _ = e.to_string();
            if !before.ok() {
                assert_eq!(
                    std::fs::read(&path).expect("the register reads"),
                    data,
                    "a refused append changed the register"
                );
            }
        }
    }
});
