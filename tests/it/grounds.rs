//! The grounds of a disclosure through the real binary: the reason, the legal basis relied on,
//! the checklist answered item by item (and the answers an agreement says stop the sharing),
//! and what of them the record and the register keep (DPA 2018 s62: the justification, the
//! time, who disclosed and to whom) without naming a data subject.

use serde_json::Value;
use std::path::Path;
use std::process::Output;

const PK: &str = "Merton Council ASB team, single point of contact=age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

/// Everything a Merton pack needs but the grounds under test.
fn merton(dir: &Path, input: &Path, extra: &[&str]) -> Output {
    let register = dir.join("register.jsonl");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let mut cmd = crate::common::bin();
    cmd.env_remove("DISCLOSE_SIGN_KEY")
        .env_remove("DISCLOSE_ARCHIVE_RECIPIENT")
        .args([
            "pack",
            "--profile",
            "merton-asb-panel",
            "--period",
            "2026-10",
        ])
        .arg("--input")
        .arg(input)
        .arg("--out")
        .arg(&out)
        .arg("--register")
        .arg(&register)
        .args(["--recipient", PK, "--analyst", "A. Analyst"])
        .args([
            "--justify",
            "surname=to identify the perpetrator to the panel",
        ]);
    for code in [
        "review-overdue",
        "secure-email-only",
        "referrals-marked-confidential",
        "record-what-was-provided",
        "confidential-information-decision",
        "no-transfer-outside-eea",
        "no-protective-marking",
    ] {
        cmd.args(["--acknowledge", code]);
    }
    cmd.args(extra).output().expect("the binary runs")
}

/// Answers to every Merton question with which the sharing may go ahead.
const ANSWERS: [&str; 12] = [
    "--answer",
    "proportionate=yes",
    "--answer",
    "vulnerability=Residents of the block, including two elderly neighbours",
    "--answer",
    "impact=Low: the panel already knows the perpetrator",
    "--answer",
    "other-means=no",
    "--answer",
    "necessary-crime=Y",
    "--answer",
    "necessary-vulnerable=n",
];

fn export(dir: &Path) -> std::path::PathBuf {
    // The file name names the person, as real exports' often do: the register must not.
    let p = dir.join("SMITH John - ASB referral.csv");
    std::fs::write(
        &p,
        "Perpetrator Surname,Incident Notes\nSmith,noise\nJones,threats\n",
    )
    .unwrap();
    p
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn blockers(out: &Output) -> Vec<(String, String)> {
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    v["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["kind"].as_str().unwrap().to_string(),
                b["item"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn each_unanswered_question_and_the_missing_reason_and_basis_block_a_dry_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = export(dir.path());
    let out = merton(dir.path(), &input, &["--dry-run", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let b = blockers(&out);
    let kinds: Vec<&str> = b.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "reason-missing",
            "basis-missing",
            "checklist-unanswered",
            "checklist-unanswered",
            "checklist-unanswered",
            "checklist-unanswered",
            "checklist-unanswered",
            "checklist-unanswered"
        ]
    );
    // Each question is named by its id, so the analyst knows what --answer takes.
    for id in ["proportionate", "vulnerability", "impact", "other-means"] {
        assert!(b.iter().any(|(_, item)| item.starts_with(id)), "{id}");
    }

    let mut args = vec!["--dry-run", "--json", "--reason", "October panel"];
    args.extend(["--basis", "crime-and-disorder-act-s115"]);
    args.extend(ANSWERS);
    let out = merton(dir.path(), &input, &args);
    assert_eq!(out.status.code(), Some(0), "{:?}", blockers(&out));
}

#[test]
fn an_answer_the_agreement_says_stops_the_sharing_blocks_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let input = export(dir.path());
    for (answer, stopping) in [
        ("proportionate=no", "proportionate"),
        ("other-means=yes", "other-means"),
    ] {
        let mut args = vec!["--reason", "October panel"];
        args.extend(["--basis", "common-law-policing"]);
        // Every other answer as in ANSWERS, this one changed.
        let id = answer.split('=').next().unwrap();
        for pair in ANSWERS.chunks(2) {
            if !pair[1].starts_with(id) {
                args.extend(pair);
            }
        }
        args.extend(["--answer", answer]);
        let out = merton(dir.path(), &input, &args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{answer}: {}",
            text(&out.stderr)
        );
        let all = text(&out.stdout) + &text(&out.stderr);
        assert!(
            all.contains("checklist-stops") || all.contains("must not go ahead"),
            "{all}"
        );
        assert!(all.contains(stopping), "{all}");
        assert!(
            !dir.path().join("register.jsonl").exists(),
            "a refused pack records nothing"
        );
        let written = std::fs::read_dir(dir.path().join("out")).unwrap().count();
        assert_eq!(written, 0, "{answer}: nothing written");
    }
}

#[test]
fn answers_and_bases_that_cannot_be_taken_are_refused_with_the_ids_listed() {
    let dir = tempfile::tempdir().unwrap();
    let input = export(dir.path());
    // A question that does not exist, or one answered twice: a usage error before any work.
    for (bad, says) in [
        (vec!["--answer", "proportional=yes"], "proportionate"),
        (
            vec!["--answer", "impact=low", "--answer", "impact=none"],
            "twice",
        ),
        (vec!["--answer", "impact"], "ID=ANSWER"),
    ] {
        let out = merton(dir.path(), &input, &bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains(says),
            "{bad:?}: {}",
            text(&out.stderr)
        );
    }
    // A yes-no question answered otherwise, an unknown basis: blockers naming what to give.
    let mut args = vec!["--dry-run", "--json", "--reason", "October panel"];
    args.extend(["--basis", "section-115"]);
    for pair in ANSWERS.chunks(2) {
        if !pair[1].starts_with("proportionate") {
            args.extend(pair);
        }
    }
    args.extend(["--answer", "proportionate=probably"]);
    let out = merton(dir.path(), &input, &args);
    assert_eq!(out.status.code(), Some(1));
    let b = blockers(&out);
    assert_eq!(
        b.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        ["basis-unknown", "checklist-answer-unreadable"]
    );
    assert!(b[1].1.contains("yes or no"), "{:?}", b[1]);
}

#[test]
fn the_record_and_the_register_hold_the_grounds_and_the_register_names_no_export() {
    let dir = tempfile::tempdir().unwrap();
    let input = export(dir.path());
    let mut args = vec!["--json", "--reason", "October panel, referrals list"];
    args.extend(["--basis", "crime-and-disorder-act-s115"]);
    args.extend(ANSWERS);
    let out = merton(dir.path(), &input, &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let register = std::fs::read_to_string(dir.path().join("register.jsonl")).unwrap();
    let e: Value = serde_json::from_str(register.lines().next().unwrap()).unwrap();
    assert_eq!(e["reason"], "October panel, referrals list");
    assert_eq!(e["basis"]["id"], "crime-and-disorder-act-s115");
    assert!(
        e["basis"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Crime and Disorder Act 1998, section 115")
    );
    let answers: Vec<String> = e["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}={}",
                c["id"].as_str().unwrap(),
                c["answer"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        answers,
        [
            "proportionate=yes",
            "vulnerability=Residents of the block, including two elderly neighbours",
            "impact=Low: the panel already knows the perpetrator",
            "other-means=no",
            // Answers to yes-no questions are recorded as yes or no, however typed.
            "necessary-crime=yes",
            "necessary-vulnerable=no"
        ]
    );
    let acknowledged = e["warnings_acknowledged"].as_array().unwrap();
    assert!(acknowledged.iter().any(|w| w == "secure-email-only"));
    assert!(e["profile_sha256"].as_str().unwrap().len() == 64);
    assert_eq!(
        e["recipients"][0]["label"],
        "Merton Council ASB team, single point of contact"
    );
    // The export is known by its hash alone: its name names a person.
    assert!(!register.contains("SMITH"), "{register}");
    assert_eq!(e["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    assert!(e["inputs"][0].get("name").is_none());

    // And the force's CSV log carries the same.
    let csv = crate::common::bin()
        .args(["register", "--csv", "--register"])
        .arg(dir.path().join("register.jsonl"))
        .output()
        .unwrap();
    assert_eq!(csv.status.code(), Some(0), "{}", text(&csv.stderr));
    let csv = text(&csv.stdout);
    let header = csv.lines().next().unwrap();
    for col in [
        "reason",
        "basis",
        "checklist",
        "warnings_acknowledged",
        "excluded_by_reason",
    ] {
        assert!(header.split(',').any(|h| h == col), "{col}: {header}");
    }
    assert!(csv.contains("October panel, referrals list"));
    assert!(csv.contains("proportionate=yes"));
    assert!(!csv.contains("SMITH"));
}

#[test]
fn the_last_lines_say_how_this_agreement_lets_the_bundle_travel() {
    let dir = tempfile::tempdir().unwrap();
    let input = export(dir.path());
    let mut args = vec!["--reason", "October panel"];
    args.extend(["--basis", "crime-and-disorder-act-s115"]);
    args.extend(ANSWERS);
    let out = merton(dir.path(), &input, &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("How it travels:  Send the bundle only by secure email between pnn, gsi, gsx, cjx or cjsm addresses"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Reason:          October panel"),
        "{stdout}"
    );
}
