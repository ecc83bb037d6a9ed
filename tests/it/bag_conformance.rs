//! `verify_bag_dir` against the Library of Congress BagIt conformance suite (v1.0 and v0.97):
//! every valid bag passes, every invalid bag fails naming its problem.

use disclose::verify::{Report, verify_bag_dir};
use std::path::{Path, PathBuf};

fn suite() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suites/bagit-conformance");
    assert!(
        p.is_dir(),
        "the BagIt conformance suite is missing at {}",
        p.display()
    );
    p
}

fn bags(group: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(suite().join(group))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no bags in {group}");
    v
}

fn describe(r: &Report) -> String {
    format!(
        "problems: {:#?}\nwarnings: {:#?}\nchecks: {:#?}",
        r.problems, r.warnings, r.checks
    )
}

#[test]
fn every_valid_bag_passes() {
    for group in ["v1.0/valid", "v0.97/valid"] {
        for bag in bags(group) {
            let r = verify_bag_dir(&bag);
            assert!(r.ok(), "{} should pass\n{}", bag.display(), describe(&r));
        }
    }
}

/// Each invalid bag, and words its report must contain.
const INVALID: &[(&str, &str)] = &[
    (
        "v1.0/invalid/bagit-with-invalid-whitespace",
        "bagit.txt line 1",
    ),
    (
        "v1.0/invalid/notAllManifestsListAllFiles",
        "data/missingFromManifest.txt is in the payload but not listed",
    ),
    (
        "v1.0/invalid/same-filename-listed-twice-with-different-hashes",
        "twice, with different checksums",
    ),
    (
        "v1.0/invalid/same-filename-listed-twice-with-the-same-hash",
        "BagIt 1.0 allows each file once",
    ),
    (
        "v0.97/invalid/baginfo-missing-encoding",
        "exactly two lines",
    ),
    ("v0.97/invalid/bom-in-bagit.txt", "byte-order mark"),
    (
        "v0.97/invalid/corrupt-data-file",
        "does not match its md5 checksum",
    ),
    (
        "v0.97/invalid/corrupt-tag-file",
        "bag-info.txt does not match its md5 checksum in tagmanifest-md5.txt",
    ),
    (
        "v0.97/invalid/extra-file-in-bag",
        "data/bar is in the payload but not listed",
    ),
    ("v0.97/invalid/invalid-version-number", "bagit.txt line 1"),
    (
        "v0.97/invalid/missing-baginfo",
        "bag-info.txt is listed in tagmanifest-md5.txt but is missing",
    ),
    ("v0.97/invalid/missing-bagit.txt", "bagit.txt is missing"),
    (
        "v0.97/invalid/out-of-scope-file-paths-using-dot-notation",
        "climbs out",
    ),
    (
        "v0.97/invalid/out-of-scope-file-paths-using-dot-notation-for-fetch",
        "fetch.txt line 1",
    ),
    (
        "v0.97/invalid/same-filename-listed-twice-with-different-hashes",
        "twice, with different checksums",
    ),
    (
        "v0.97/linux-only/out-of-scope-file-paths-using-absolute-path",
        "absolute path",
    ),
    (
        "v0.97/linux-only/out-of-scope-file-paths-using-absolute-path-for-fetch",
        "absolute path",
    ),
    (
        "v0.97/linux-only/out-of-scope-file-paths-using-shortcut",
        "home-folder shortcut",
    ),
    (
        "v0.97/linux-only/out-of-scope-file-paths-using-shortcut-for-fetch",
        "home-folder shortcut",
    ),
    (
        "v0.97/linux-only/out-of-scope-file-paths-using-shortcut-username",
        "home-folder shortcut",
    ),
    (
        "v0.97/linux-only/out-of-scope-file-paths-using-shortcut-username-for-fetch",
        "home-folder shortcut",
    ),
    (
        "v0.97/windows-only/out-of-scope-file-paths-using-absolute-path",
        "drive path",
    ),
    (
        "v0.97/windows-only/out-of-scope-file-paths-using-absolute-path-for-fetch",
        "drive path",
    ),
    (
        "v0.97/windows-only/out-of-scope-file-paths-using-shortcut",
        "backslashes",
    ),
    (
        "v0.97/windows-only/out-of-scope-file-paths-using-shortcut-for-fetch",
        "backslashes",
    ),
    (
        "v0.97/windows-only/out-of-scope-file-paths-using-unc",
        "backslashes",
    ),
    (
        "v0.97/windows-only/out-of-scope-file-paths-using-unc-for-fetch",
        "backslashes",
    ),
];

#[test]
fn every_invalid_bag_fails_naming_the_problem() {
    // The table covers every invalid bag in the suite, so a new one cannot be missed.
    let mut listed: Vec<&str> = INVALID.iter().map(|(b, _)| *b).collect();
    listed.sort();
    let mut present: Vec<String> = [
        "v1.0/invalid",
        "v0.97/invalid",
        "v0.97/linux-only",
        "v0.97/windows-only",
    ]
    .iter()
    .flat_map(|g| bags(g))
    .map(|p| {
        p.strip_prefix(suite())
            .unwrap()
            .to_string_lossy()
            .into_owned()
    })
    .collect();
    present.sort();
    assert_eq!(listed, present);

    for (bag, words) in INVALID {
        let r = verify_bag_dir(&suite().join(bag));
        assert!(!r.ok(), "{bag} should fail\n{}", describe(&r));
        assert!(
            r.problems.iter().any(|p| p.contains(words)),
            "{bag}: no problem mentions {words:?}\n{}",
            describe(&r)
        );
    }
}

#[test]
fn warning_bags_that_are_sound_pass_with_a_warning() {
    for bag in [
        "v0.97/warning/made-with-md5sum-tools",
        "v0.97/warning/relative-path",
        "v0.97/warning/same-filename-listed-twice-with-the-same-hash",
    ] {
        let r = verify_bag_dir(&suite().join(bag));
        assert!(r.ok(), "{bag}\n{}", describe(&r));
        assert!(!r.warnings.is_empty(), "{bag} gave no warning");
    }
}

/// The other warning bags list a file this copy of the suite lacks (it did not survive being
/// copied: a second file differing only in case, a second Unicode normalization of a name, a
/// `.DS_Store`). A payload file listed but missing is an error, whatever the suite meant to
/// warn about, and the report names it.
#[test]
fn warning_bags_missing_a_listed_file_fail_naming_it() {
    for (bag, missing) in [
        (
            "v0.97/warning/duplicate-file-with-different-case",
            "data/HELLO.txt",
        ),
        (
            "v0.97/warning/same-filename-listed-twice-with-different-normalization",
            "data/Nu",
        ),
        ("v0.97/warning/special-system-files", "data/.DS_Store"),
    ] {
        let r = verify_bag_dir(&suite().join(bag));
        assert!(!r.ok(), "{bag}\n{}", describe(&r));
        assert!(
            r.problems
                .iter()
                .any(|p| p.contains(missing) && p.contains("missing from the bag")),
            "{bag}\n{}",
            describe(&r)
        );
    }
    // Every warning bag has a tested outcome, here or in the test above.
    assert_eq!(bags("v0.97/warning").len(), 6);
}

#[test]
fn a_missing_folder_is_a_problem_not_a_panic() {
    let r = verify_bag_dir(Path::new("/nonexistent/bag"));
    assert!(!r.ok());
    assert!(r.problems[0].contains("Could not open the folder"));
}
