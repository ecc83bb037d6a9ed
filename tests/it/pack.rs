//! `disclose pack` writing real bundles from the fixtures, checked with this tool and with the
//! stock tools a partner without it would use (age, unzip, sha256sum, Python's bagit).

use crate::common;

use common::{BROMLEY_ACKS, fixture};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn disclose(args: &[&str], register: &Path) -> Output {
    // No --today: a bundle is always made with the real date (the profiles' review dates
    // are long past, so review-overdue is raised whatever today is).
    common::bin()
        .args(args)
        .env("DISCLOSE_REGISTER", register)
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn require(tool: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .unwrap();
    assert!(
        found.status.success(),
        "`{tool}` is needed for this test: run `bash scripts/test-tools.sh`, which installs it"
    );
}

struct Packed {
    dir: tempfile::TempDir,
    identity: PathBuf,
    register: PathBuf,
    out: Output,
}

impl Packed {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", text(&self.out.stdout)))
    }
    fn bundle(&self) -> PathBuf {
        PathBuf::from(self.json()["bundle"].as_str().unwrap())
    }
    fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

fn pack_bromley(extra: &[&str]) -> Packed {
    pack_bromley_from(&fixture("cris-victims.csv"), extra)
}

fn pack_bromley_from(input: &Path, extra: &[&str]) -> Packed {
    let dir = tempfile::tempdir().unwrap();
    let identity = dir.path().join("yot-key.txt");
    let register = dir.path().join("register.jsonl");
    let kg = disclose(&["keygen", "-o", identity.to_str().unwrap()], &register);
    assert!(kg.status.success(), "{}", text(&kg.stderr));
    let public = text(&kg.stderr)
        .lines()
        .find_map(|l| l.strip_prefix("Public key: ").map(str::to_string))
        .unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let out_dir = dir.path().join("out");
    let public = format!("Bromley YOT, victim contact officer={public}");
    let mut args = vec![
        "pack",
        "--profile",
        "bromley-yot-victims",
        "--input",
        input.to_str().unwrap(),
        "--period",
        "2026-10",
        "--recipient",
        &public,
        "--out",
        out_dir.to_str().unwrap(),
        "--reason",
        "monthly panel, test bundle",
        "--analyst",
        "A. Analyst",
        "--json",
    ];
    args.extend(BROMLEY_ACKS);
    args.extend(extra);
    let out = disclose(&args, &register);
    Packed {
        dir,
        identity,
        register,
        out,
    }
}

/// The exact CSV the Bromley fixture must produce: BOM, agreed labels, the seven rows that pass
/// (Nina Brooks with no opt-out recorded among them).
const BROMLEY_CSV: &str = "\u{feff}Victim Name,Victim Address,Victim telephone number,Victim Age,Victim Sex,Victim relationship to offender,Victim Personal Statement,Vulnerability Marker\r\n\
Amira Okafor,\"12 Elm Close, Bromley BR1 1AA\",07700 900101,34,F,Stranger,Y,\r\n\
Derek Mills,\"3 Ash Road, Orpington BR6 0AB\",07700 900102,61,M,Neighbour,N,Elderly - lives alone\r\n\
Priya Shah,\"Flat 4, 9 Oak Street, Bromley BR2 9AA\",07700 900103,15,F,School peer,Y,Child victim\r\n\
Nina Brooks,\"21 Holly Row, Bromley BR1 9HH\",07700 900110,33,F,Stranger,N,\r\n\
\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"click\"\")\",\"1 Yew Terrace, Bromley BR1 3KK\",07700 900112,22,M,Stranger,N,\r\n\
Grace Adeyemi,\"30 Beech Avenue, Bromley BR2 6LL\",'+44 7700 900113,31,F,Stranger,N,\r\n\
Jack O'Neill,\"14 Poplar Place, Bromley BR1 5MM\",07700 900114,16,M,School peer,Y,Child victim\r\n";

#[test]
fn a_packed_bundle_verifies_and_extracts_exactly_the_agreed_data() {
    let p = pack_bromley(&[]);
    assert_eq!(p.out.status.code(), Some(0), "{}", text(&p.out.stderr));
    let v = p.json();
    let bundle = p.bundle();
    let name = bundle.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("bromley-yot-victims_2026-10_") && name.ends_with(".zip.age"),
        "{name}"
    );
    assert_eq!(
        p.files(),
        [
            name.clone(),
            format!("{name}.sha256"),
            format!("{name}.sig")
        ],
        "only the bundle, its checksum and its signature (every bundle is signed)"
    );
    assert_eq!(v["rows"]["shared"], 7);
    assert_eq!(v["rows"]["shared_as_agreed"][0]["count"], 1);

    let extract = p.dir.path().join("received");
    let out = disclose(
        &[
            "verify",
            bundle.to_str().unwrap(),
            "--identity",
            p.identity.to_str().unwrap(),
            "--extract",
            extract.to_str().unwrap(),
        ],
        &p.register,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("VERIFIED"));
    // The CRIS fixture has no marking column: the partner is told the level the sender
    // confirmed, and so is the bag.
    assert!(
        text(&out.stdout).contains(
            "Marking     NOT MARKED in the export (the sender confirmed at most RESTRICTED)"
        ),
        "{}",
        text(&out.stdout)
    );
    let info = std::fs::read_to_string(extract.join("bag-info.txt")).unwrap();
    assert!(
        info.contains(
            "Protective-Marking: NOT MARKED in the export (confirmed at most RESTRICTED)"
        ),
        "{info}"
    );
    let csv = std::fs::read_to_string(extract.join("data/cris-victims.csv")).unwrap();
    assert_eq!(csv, BROMLEY_CSV);

    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(extract.join("disclosure-record.json")).unwrap())
            .unwrap();
    assert_eq!(record["agreement"]["profile"], "bromley-yot-victims");
    assert_eq!(record["analyst"], "A. Analyst");
    assert_eq!(record["inputs"][0]["file"], "cris-victims.csv");
    assert_eq!(record["inputs"][0]["sha256"], v["inputs"][0]["sha256"]);
    assert_eq!(record["payload"][0]["path"], "data/cris-victims.csv");
    assert_eq!(
        record["recipients"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .len(),
        16
    );
    assert!(
        record["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["acknowledged_by"] == "A. Analyst")
    );
    let txt = std::fs::read_to_string(extract.join("disclosure-record.txt")).unwrap();
    assert!(
        txt.contains("Suspect Name (from cris-victims.csv)"),
        "withheld columns are named in the record"
    );
    for leaked in ["Kyle Fenwick", "WITHHELD-CANARY-7731", "Amira"] {
        assert!(
            !txt.contains(leaked) && !record.to_string().contains(leaked),
            "{leaked} in the record"
        );
    }

    // The register holds one entry, chained and intact.
    let reg = disclose(&["register", "--verify", "--json"], &p.register);
    assert_eq!(reg.status.code(), Some(0), "{}", text(&reg.stdout));
    let r: serde_json::Value = serde_json::from_slice(&reg.stdout).unwrap();
    assert_eq!(r["entries"], 1);
    let list = std::fs::read_to_string(&p.register).unwrap();
    assert!(list.contains(&name) && !list.contains("Amira"));
}

#[test]
fn a_partner_without_disclose_can_check_decrypt_and_validate_with_stock_tools() {
    for tool in ["age", "unzip", "sha256sum", "python3"] {
        require(tool);
    }
    let p = pack_bromley(&[]);
    assert_eq!(p.out.status.code(), Some(0), "{}", text(&p.out.stderr));
    let bundle = p.bundle();
    let out_dir = bundle.parent().unwrap();
    let name = bundle.file_name().unwrap().to_str().unwrap();

    let sum = Command::new("sha256sum")
        .args(["-c", &format!("{name}.sha256")])
        .current_dir(out_dir)
        .output()
        .unwrap();
    assert!(sum.status.success(), "sha256sum -c: {}", text(&sum.stdout));

    let zip = p.dir.path().join("bundle.zip");
    let age = Command::new("age")
        .args([
            "-d",
            "-i",
            p.identity.to_str().unwrap(),
            "-o",
            zip.to_str().unwrap(),
            bundle.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(age.status.success(), "age -d: {}", text(&age.stderr));
    let bag = p.dir.path().join("bag");
    let unzip = Command::new("unzip")
        .args(["-q", zip.to_str().unwrap(), "-d", bag.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(unzip.status.success(), "unzip: {}", text(&unzip.stderr));
    for manifest in ["manifest-sha256.txt", "tagmanifest-sha256.txt"] {
        let c = Command::new("sha256sum")
            .args(["-c", manifest])
            .current_dir(&bag)
            .output()
            .unwrap();
        assert!(
            c.status.success(),
            "sha256sum -c {manifest}: {}",
            text(&c.stdout)
        );
    }
    let bagit = Command::new("python3")
        .args(["-m", "bagit", "--validate", bag.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(bagit.status.success(), "bagit: {}", text(&bagit.stderr));
    assert_eq!(
        std::fs::read_to_string(bag.join("data/cris-victims.csv")).unwrap(),
        BROMLEY_CSV
    );

    // And this tool verifies the folder a partner extracted with stock tools.
    let again = disclose(&["verify", bag.to_str().unwrap()], &p.register);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stdout));
}

#[test]
fn pack_refuses_without_acknowledgements_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("register.jsonl");
    let input = fixture("cris-victims.csv");
    let out = disclose(
        &[
            "pack",
            "--profile",
            "bromley-yot-victims",
            "--input",
            input.to_str().unwrap(),
            "--recipient",
            "Partner unit, duty inbox=age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
            "--out",
            dir.path().to_str().unwrap(),
            "--reason",
            "monthly panel, test bundle",
            "--analyst",
            "A. Analyst",
        ],
        &register,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--acknowledge no-electronic-transfer"),
        "{}",
        text(&out.stderr)
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(
        left.is_empty(),
        "nothing may be written when refused: {left:?}"
    );
}

#[test]
fn orochi_requires_the_authorising_officer() {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("register.jsonl");
    let input = fixture("merlin-orochi.csv");
    let acks = [
        "review-overdue",
        "box-transfer-only",
        "record-on-crimint",
        "subjects-at-risk-of-exploitation",
        "consent-refused",
        "no-transfer-outside-eea",
        "no-third-party-without-permission",
    ];
    let mut args = vec![
        "pack",
        "--profile",
        "orochi-rescue-response",
        "--input",
        input.to_str().unwrap(),
        "--recipient",
        "Partner unit, duty inbox=age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
        "--out",
        dir.path().to_str().unwrap(),
        "--reason",
        "monthly panel, test bundle",
        "--analyst",
        "A. Analyst",
    ];
    for a in &acks {
        args.extend(["--acknowledge", a]);
    }
    let out = disclose(&args, &register);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    for flag in ["--authorised-by", "--authorised-at", "--basis"] {
        assert!(err.contains(flag), "{flag}: {err}");
    }

    // Orochi 3.1: the SPOC reviews the data before it is shared, so the analyst cannot be
    // their own authority (named however they spell themselves).
    let mut own = args.clone();
    own.extend([
        "--authorised-by",
        "a analyst",
        "--authorised-at",
        "2026-11-02 09:30",
        "--basis",
        "children-act-2004",
    ]);
    let out = disclose(&own, &register);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("authoriser-is-analyst")
            || text(&out.stderr).contains("--authorised-by"),
        "{}",
        text(&out.stderr)
    );

    // A time that is not one, or one in the future, is refused.
    for when in ["yesterday", "2099-01-01 10:00"] {
        let mut bad = args.clone();
        bad.extend([
            "--authorised-by",
            "DI Orochi SPOC",
            "--authorised-at",
            when,
            "--basis",
            "children-act-2004",
        ]);
        let out = disclose(&bad, &register);
        assert_eq!(out.status.code(), Some(1), "{when}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("--authorised-at"), "{when}");
    }

    args.extend([
        "--authorised-by",
        "DI Orochi SPOC",
        "--authorised-at",
        "2026-11-02T09:30",
        "--basis",
        "children-act-2004",
    ]);
    let out = disclose(&args, &register);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The agreement's own transfer, not a generic "send it".
    assert!(text(&out.stdout).contains("Upload the bundle to Box only"));
    let entries = std::fs::read_to_string(&register).unwrap();
    assert_eq!(entries.lines().count(), 1, "refused packs record nothing");
    let e: serde_json::Value = serde_json::from_str(entries.lines().next().unwrap()).unwrap();
    assert_eq!(e["authorised_by"], "DI Orochi SPOC");
    assert_eq!(e["authorised_at"], "2026-11-02 09:30 (local time)");
    assert_eq!(e["basis"]["id"], "children-act-2004");
    assert_eq!(e["reason"], "monthly panel, test bundle");
}

#[test]
fn passphrase_and_recipients_cannot_be_mixed() {
    let dir = tempfile::tempdir().unwrap();
    let pass = dir.path().join("pass.txt");
    std::fs::write(&pass, "correct horse battery staple\n").unwrap();
    let p = pack_bromley(&["--passphrase-file", pass.to_str().unwrap()]);
    assert_eq!(p.out.status.code(), Some(2));
    assert!(
        text(&p.out.stderr).contains("age cannot mix"),
        "{}",
        text(&p.out.stderr)
    );
}

#[test]
fn a_pack_killed_midway_leaves_no_bundle_and_no_plaintext() {
    // A large input so the kill lands while writing.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    let fixture_text = std::fs::read_to_string(fixture("cris-victims.csv")).unwrap();
    let (header, body) = fixture_text.split_once('\n').unwrap();
    let mut data = String::from(header);
    data.push('\n');
    while data.len() < 40_000_000 {
        data.push_str(body);
    }
    std::fs::write(&big, &data).unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let register = dir.path().join("register.jsonl");
    let identity = age::x25519::Identity::generate();
    let public = format!("Bromley YOT={}", identity.to_public());
    let args = |out: &Path| -> Vec<String> {
        let mut a: Vec<String> = [
            "pack",
            "--profile",
            "bromley-yot-victims",
            "--input",
            big.to_str().unwrap(),
            "--recipient",
            &public,
            "--out",
            out.to_str().unwrap(),
            "--reason",
            "monthly panel, test bundle",
            "--analyst",
            "A",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(BROMLEY_ACKS.iter().map(|s| s.to_string()));
        a
    };
    let mut killed_while_writing = 0;
    let mut finished_bundles = std::collections::BTreeSet::new();
    let temp_files = |dir: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(disclose::bundle::TEMP_PREFIX)
            })
            .collect()
    };
    for delay_ms in [0u64, 40, 150, 400] {
        let before = temp_files(&out_dir).len();
        let mut child = common::bin()
            .args(args(&out_dir))
            .env("DISCLOSE_REGISTER", &register)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Kill only once the run has started writing its (temporary) bundle.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while temp_files(&out_dir).len() <= before && std::time::Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let finished = child.wait().unwrap().success();
        killed_while_writing += usize::from(!finished && temp_files(&out_dir).len() > before);
        // Sorted, so a bundle is seen before its `.sha256`.
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&out_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if finished {
                finished_bundles.insert(name.clone());
            }
            // A run killed after its bundle was renamed into place (while writing the checksum
            // or the register) leaves a whole bundle: that is allowed, provided it verifies.
            if name.ends_with(".zip.age") && !finished_bundles.contains(&name) {
                let report = disclose::verify::verify_bundle(
                    &path,
                    &disclose::keys::Decryption::Identities(vec![identity.clone()]),
                    None,
                    None,
                );
                assert!(
                    report.ok(),
                    "a killed run left {name}, which does not verify: {:?}",
                    report.problems
                );
                finished_bundles.insert(name.clone());
                finished_bundles.insert(format!("{name}.sha256"));
            }
            assert!(
                name.starts_with(disclose::bundle::TEMP_PREFIX) || finished_bundles.contains(&name),
                "a killed run left {name}: only ciphertext temp files or whole, verifying bundles may remain"
            );
            if name.starts_with(disclose::bundle::TEMP_PREFIX) {
                // Ciphertext only: an age file from its first byte (or cut short within the
                // header line), never zip or CSV bytes. The one other temporary file is the
                // checksum file ("<sha256>  <name>"), written just before the bundle is renamed
                // into place; it holds a hash and a file name, no personal data.
                let bytes = std::fs::read(&path).unwrap();
                let magic = b"age-encryption.org/v1\n";
                let n = bytes.len().min(magic.len());
                let checksum = bytes.len() <= 64 + 2 + 255
                    && bytes.iter().take(64).all(u8::is_ascii_hexdigit)
                    && bytes
                        .get(64..66)
                        .is_none_or(|gap| gap == b"  ".as_slice() || gap == b" ")
                    && String::from_utf8_lossy(bytes.get(66..).unwrap_or_default())
                        .trim_end()
                        .chars()
                        .all(|c| !c.is_whitespace());
                assert!(
                    bytes[..n] == magic[..n] || checksum,
                    "{name} is not an age file after a kill at {delay_ms} ms"
                );
            }
        }
    }
    assert!(
        killed_while_writing > 0,
        "no run was killed while writing: make the input larger"
    );

    // The next run cleans up what the killed ones left.
    let out = common::bin()
        .args(args(&out_dir))
        .env("DISCLOSE_REGISTER", &register)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let left: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(disclose::bundle::TEMP_PREFIX))
        .collect();
    assert!(
        left.is_empty(),
        "temp files survived the next run: {left:?}"
    );
}

#[test]
fn a_register_that_cannot_be_appended_to_stops_the_pack_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("register.jsonl");
    std::fs::write(&register, "not json\n").unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let input = fixture("cris-victims.csv");
    let mut args = vec![
        "pack",
        "--profile",
        "bromley-yot-victims",
        "--input",
        input.to_str().unwrap(),
        "--recipient",
        "Partner unit, duty inbox=age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
        "--out",
        out_dir.to_str().unwrap(),
        "--reason",
        "monthly panel, test bundle",
        "--analyst",
        "A. Analyst",
    ];
    args.extend(BROMLEY_ACKS);
    let out = disclose(&args, &register);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("register cannot be used"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_dir(&out_dir).unwrap().count(),
        0,
        "no bundle may leave unrecorded"
    );
}

/// The Bromley fixture in Windows-1252, with 2 MiB of plain rows before the first accented
/// one: far past the first read, its start is UTF-8 too, so a pack reads it as UTF-8 until
/// that row.
fn bromley_windows_1252_late(dir: &Path, tail: &[u8]) -> PathBuf {
    let fixture = std::fs::read_to_string(fixture("cris-victims.csv")).unwrap();
    let (header, rows) = fixture.split_once('\n').unwrap();
    let mut bytes = format!("{header}\n").into_bytes();
    let mut n = 0;
    while bytes.len() < 2 * 1024 * 1024 {
        n += 1;
        bytes.extend_from_slice(
            format!(
                "{n:07}/26,Robbery,05/10/2026,Victim {n},\"{n} Elm Close, Bromley BR1 1AA\",07700 900000,15,F,Stranger,N,,Suspect {n},15,N,PC 1 Hart,None\n"
            )
            .as_bytes(),
        );
    }
    bytes.extend_from_slice(tail);
    bytes.extend_from_slice(rows.as_bytes());
    let path = dir.join("cris-victims-1252.csv");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_windows_1252_export_with_accents_far_down_is_packed_as_windows_1252() {
    let dir = tempfile::tempdir().unwrap();
    let input = bromley_windows_1252_late(
        dir.path(),
        b"9999999/26,Robbery,05/10/2026,Ren\xe9e Caf\xe9,\"1 Elm Close, Bromley BR1 1AA\",07700 900001,15,F,Stranger,N,,Suspect,15,N,PC 1 Hart,None\n",
    );
    let p = pack_bromley_from(&input, &[]);
    assert_eq!(p.out.status.code(), Some(0), "{}", text(&p.out.stderr));
    let stderr = text(&p.out.stderr);
    assert!(
        stderr.contains("not UTF-8") && stderr.contains("whole first"),
        "the analyst is told why it reads the file again: {stderr}"
    );
    let v = p.json();
    assert_eq!(v["inputs"][0]["encoding"], "Windows-1252");

    let extract = p.dir.path().join("received");
    let out = disclose(
        &[
            "verify",
            p.bundle().to_str().unwrap(),
            "--identity",
            p.identity.to_str().unwrap(),
            "--extract",
            extract.to_str().unwrap(),
        ],
        &p.register,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = std::fs::read_to_string(extract.join("data/cris-victims-1252.csv")).unwrap();
    assert!(csv.contains("\r\nRenée Café,"), "decoded as Windows-1252");
    assert_eq!(
        p.files().len(),
        3,
        "one bundle, its checksum and signature: the first attempt left nothing"
    );
    let reg = std::fs::read_to_string(&p.register).unwrap();
    assert_eq!(reg.lines().count(), 1, "one disclosure recorded");
}

#[test]
fn an_export_that_mixes_encodings_far_down_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    // Valid UTF-8 ("é") in the rows that follow, after a Windows-1252 byte: no encoding fits.
    let mut tail = b"9999999/26,Robbery,05/10/2026,Ren\xe9e,\"1 Elm Close\",07700 900001,15,F,Stranger,N,,S,15,N,PC 1 Hart,None\n".to_vec();
    tail.extend_from_slice("9999998/26,Robbery,05/10/2026,Renée,\"1 Elm Close\",07700 900001,15,F,Stranger,N,,S,15,N,PC 1 Hart,None\n".as_bytes());
    let input = bromley_windows_1252_late(dir.path(), &tail);
    let p = pack_bromley_from(&input, &[]);
    assert_eq!(p.out.status.code(), Some(2), "{}", text(&p.out.stderr));
    assert!(
        text(&p.out.stderr).contains("mixes"),
        "the whole-file check's own error: {}",
        text(&p.out.stderr)
    );
    assert!(p.files().is_empty(), "no bundle and no temporary file");
    assert!(!p.register.exists() || std::fs::read_to_string(&p.register).unwrap().is_empty());
}

#[test]
fn a_dry_run_of_a_windows_1252_export_with_accents_far_down_reports_windows_1252() {
    let dir = tempfile::tempdir().unwrap();
    let input = bromley_windows_1252_late(
        dir.path(),
        b"9999999/26,Robbery,05/10/2026,Ren\xe9e,\"1 Elm Close, Bromley BR1 1AA\",07700 900001,15,F,Stranger,N,,Suspect,15,N,PC 1 Hart,None\n",
    );
    let p = pack_bromley_from(&input, &["--dry-run"]);
    assert_eq!(p.out.status.code(), Some(0), "{}", text(&p.out.stderr));
    assert!(
        text(&p.out.stderr).contains("whole first"),
        "{}",
        text(&p.out.stderr)
    );
    assert_eq!(p.json()["inputs"][0]["encoding"], "Windows-1252");
    assert!(p.files().is_empty(), "a dry run writes nothing");
}
