//! Proof of origin, the sender's copy and named recipients (issue 17, items 1 to 3), checked
//! both ways against the stock tools a partner has: OpenSSH's `ssh-keygen -Y sign/verify` and
//! the `age` CLI.

use crate::common;

use common::fixture;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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

/// A folder with a partner key, an archive key, a register and an output folder.
struct Desk {
    dir: tempfile::TempDir,
    partner_public: String,
    archive_public: String,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("out")).unwrap();
        let mut publics = Vec::new();
        for name in ["partner.txt", "archive.txt"] {
            let id = age::x25519::Identity::generate();
            use age::secrecy::ExposeSecret;
            std::fs::write(
                dir.path().join(name),
                format!("{}\n", id.to_string().expose_secret()),
            )
            .unwrap();
            publics.push(id.to_public().to_string());
        }
        Desk {
            partner_public: publics.remove(0),
            archive_public: publics.remove(0),
            dir,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        common::bin()
            .args(args)
            .current_dir(self.dir.path())
            .env("DISCLOSE_REGISTER", self.path("register.jsonl"))
            .env_remove("DISCLOSE_SIGN_KEY")
            .env_remove("DISCLOSE_SIGNERS")
            .env_remove("DISCLOSE_ARCHIVE_RECIPIENT")
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs")
    }

    /// `disclose pack` of the Bromley fixture with every warning acknowledged, and `extra`.
    fn pack(&self, extra: &[&str]) -> Output {
        let input = fixture("cris-victims.csv");
        let mut args = vec![
            "pack",
            "--profile",
            "bromley-yot-victims",
            "--input",
            input.to_str().unwrap(),
            "--period",
            "2026-10",
            "--out",
            "out",
            "--reason",
            "monthly panel, test bundle",
            "--analyst",
            "A. Analyst",
            "--json",
        ];
        args.extend(crate::common::BROMLEY_ACKS);
        args.extend(extra);
        self.run(&args)
    }

    fn partner(&self) -> String {
        format!(
            "Bromley YOT, victim contact officer={}",
            self.partner_public
        )
    }

    /// `ssh-keygen -t ed25519` with `passphrase` (empty for none).
    fn ssh_key(&self, name: &str, passphrase: &str) -> PathBuf {
        require("ssh-keygen");
        let path = self.path(name);
        let out = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-C", name, "-N", passphrase, "-f"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        path
    }

    /// An allowed_signers file naming `principal` for the public key beside `key`.
    fn allowed_signers(&self, name: &str, lines: &[(&str, &Path)]) -> PathBuf {
        let mut text = String::from("# partners' list of senders\n");
        for (principal, key) in lines {
            let public = std::fs::read_to_string(key.with_extension("pub"))
                .or_else(|_| std::fs::read_to_string(format!("{}.pub", key.display())))
                .unwrap();
            let mut parts = public.split_whitespace();
            text.push_str(&format!(
                "{principal} namespaces=\"disclose\" {} {}\n",
                parts.next().unwrap(),
                parts.next().unwrap()
            ));
        }
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: stdout {} stderr {}",
            text(&out.stdout),
            text(&out.stderr)
        )
    })
}

fn bundle_of(out: &Output) -> PathBuf {
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    PathBuf::from(json(out)["bundle"].as_str().unwrap())
}

/// `ssh-keygen -Y verify … < bundle`.
fn ssh_verify(signers: &Path, principal: &str, bundle: &Path) -> Output {
    let sig = format!("{}.sig", bundle.display());
    Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(signers)
        .args(["-I", principal, "-n", "disclose", "-s", &sig])
        .stdin(std::fs::File::open(bundle).unwrap())
        .output()
        .unwrap()
}

fn verify(desk: &Desk, bundle: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "verify",
        bundle.to_str().unwrap(),
        "--identity",
        "partner.txt",
    ];
    args.extend(extra);
    desk.run(&args)
}

#[test]
fn stock_ssh_keygen_accepts_our_signature_and_rejects_it_after_one_byte_changes() {
    let desk = Desk::new();
    let key = desk.ssh_key("analyst_key", "");
    let partner = desk.partner();
    let out = desk.pack(&["--recipient", &partner, "--sign-key", key.to_str().unwrap()]);
    let bundle = desk.dir.path().join(bundle_of(&out));
    let v = json(&out);
    let sig = PathBuf::from(format!("{}.sig", bundle.display()));
    assert_eq!(
        desk.dir.path().join(v["signature"].as_str().unwrap()),
        sig,
        "{v}"
    );
    let pem = std::fs::read_to_string(&sig).unwrap();
    assert!(pem.starts_with("-----BEGIN SSH SIGNATURE-----"));
    // Made over the SHA-256 already taken for the checksum file, not a second hash.
    let parsed: ssh_key::SshSig = pem.parse().unwrap();
    assert_eq!(parsed.hash_alg(), ssh_key::HashAlg::Sha256);
    let signers = desk.allowed_signers("allowed_signers", &[("analyst@force", &key)]);

    let good = ssh_verify(&signers, "analyst@force", &bundle);
    assert!(
        good.status.success(),
        "{}{}",
        text(&good.stdout),
        text(&good.stderr)
    );
    assert!(
        text(&good.stdout).contains("Good \"disclose\" signature for analyst@force"),
        "{}",
        text(&good.stdout)
    );

    // The fingerprint ssh-keygen -l prints is the one the record, the register and the pack
    // name.
    let listed = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(key.with_extension("pub"))
        .output()
        .unwrap();
    let fingerprint = text(&listed.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string();
    assert_eq!(v["signing_key"], fingerprint.as_str());
    let register = std::fs::read_to_string(desk.path("register.jsonl")).unwrap();
    assert!(register.contains(&fingerprint), "{register}");

    let ours = verify(&desk, &bundle, &["--signers", "allowed_signers", "--json"]);
    assert_eq!(ours.status.code(), Some(0), "{}", text(&ours.stdout));
    let report = json(&ours);
    assert_eq!(report["signer"]["principals"][0], "analyst@force");
    assert_eq!(report["signer"]["fingerprint"], fingerprint.as_str());
    assert_eq!(report["checks"][0]["name"], "Origin (signature)");
    assert_eq!(
        report["record"]["signing_key"]["fingerprint"],
        fingerprint.as_str()
    );

    // One byte of the bundle changed: both tools refuse it.
    let mut bytes = std::fs::read(&bundle).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&bundle, &bytes).unwrap();
    let bad = ssh_verify(&signers, "analyst@force", &bundle);
    assert!(!bad.status.success(), "{}", text(&bad.stdout));
    let ours = verify(&desk, &bundle, &["--signers", "allowed_signers"]);
    assert_eq!(ours.status.code(), Some(1));
    assert!(
        text(&ours.stdout).contains("changed after it was signed"),
        "{}",
        text(&ours.stdout)
    );
}

#[test]
fn a_signature_made_by_stock_ssh_keygen_is_accepted_and_an_unlisted_key_is_not() {
    let desk = Desk::new();
    let partner = desk.partner();
    let bundle = desk
        .dir
        .path()
        .join(bundle_of(&desk.pack(&["--recipient", &partner])));
    let key = desk.ssh_key("force_key", "");
    // Every pack signs (here with the sender's own default key): sign it again with stock
    // ssh-keygen instead, which hashes with SHA-512 (as disclose did before 2026-12: such
    // bundles must still verify).
    std::fs::remove_file(disclose::sign::signature_path(&bundle)).unwrap();
    let signed = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", "disclose", "-f"])
        .arg(&key)
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(signed.status.success(), "{}", text(&signed.stderr));

    desk.allowed_signers("allowed_signers", &[("disclosures@met", &key)]);
    let out = verify(&desk, &bundle, &["--signers", "allowed_signers"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("Signed by disclosures@met"),
        "the signer is named: {stdout}"
    );

    // A key the partner does not list: exit 1, saying so, before anything else matters.
    let stranger = desk.ssh_key("stranger", "");
    desk.allowed_signers("others", &[("someone@else", &stranger)]);
    let out = verify(&desk, &bundle, &["--signers", "others"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("which others does not list"),
        "{}",
        text(&out.stdout)
    );

    // Signed for another namespace: not a disclosure signature.
    std::fs::remove_file(format!("{}.sig", bundle.display())).unwrap();
    let signed = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", "file", "-f"])
        .arg(&key)
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(signed.status.success(), "{}", text(&signed.stderr));
    let out = verify(&desk, &bundle, &["--signers", "allowed_signers"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("namespace \"file\""));

    // No signature at all, with signers given: exit 1.
    std::fs::remove_file(format!("{}.sig", bundle.display())).unwrap();
    let out = verify(&desk, &bundle, &["--signers", "allowed_signers"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("The bundle is not signed"));
}

#[test]
fn without_signers_verify_says_plainly_that_the_origin_was_not_checked() {
    let desk = Desk::new();
    let key = desk.ssh_key("k", "");
    let partner = desk.partner();
    let bundle = desk.dir.path().join(bundle_of(&desk.pack(&[
        "--recipient",
        &partner,
        "--sign-key",
        key.to_str().unwrap(),
    ])));
    let out = verify(&desk, &bundle, &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("Who made this bundle was NOT checked"),
        "{stdout}"
    );
    assert!(stdout.contains(".sig is beside it"), "{stdout}");
    assert!(stdout.contains("the origin was not checked"), "{stdout}");
}

#[test]
fn a_passphrase_protected_key_made_by_ssh_keygen_signs() {
    let desk = Desk::new();
    let key = desk.ssh_key("locked", "correct horse");
    std::fs::write(desk.path("pass.txt"), "correct horse\n").unwrap();
    let partner = desk.partner();

    // No passphrase and no terminal to ask on: refused, nothing written.
    let out = desk.pack(&["--recipient", &partner, "--sign-key", "locked"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--sign-passphrase-file"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        std::fs::read_dir(desk.path("out"))
            .unwrap()
            .next()
            .is_none()
    );

    std::fs::write(desk.path("wrong.txt"), "battery staple\n").unwrap();
    let out = desk.pack(&[
        "--recipient",
        &partner,
        "--sign-key",
        "locked",
        "--sign-passphrase-file",
        "wrong.txt",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("does not open the signing key"));

    let out = desk.pack(&[
        "--recipient",
        &partner,
        "--sign-key",
        "locked",
        "--sign-passphrase-file",
        "pass.txt",
    ]);
    let bundle = desk.dir.path().join(bundle_of(&out));
    let signers = desk.allowed_signers("allowed_signers", &[("analyst@force", &key)]);
    let good = ssh_verify(&signers, "analyst@force", &bundle);
    assert!(good.status.success(), "{}", text(&good.stderr));
}

#[test]
fn keys_that_cannot_sign_are_refused_in_a_sentence() {
    let desk = Desk::new();
    require("ssh-keygen");
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f"])
        .arg(desk.path("rsa"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let partner = desk.partner();
    let out = desk.pack(&["--recipient", &partner, "--sign-key", "rsa", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("Ed25519 keys only"),
        "{}",
        text(&out.stderr)
    );
    let out = desk.pack(&["--recipient", &partner, "--sign-key", "rsa.pub"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not its .pub file"));
}

#[test]
fn keygen_signing_makes_a_pair_ssh_keygen_reads_and_prints_the_allowed_signers_line() {
    let desk = Desk::new();
    let out = desk.run(&[
        "keygen",
        "--signing",
        "-o",
        "signing",
        "--principal",
        "disclosures@met",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("disclosures@met namespaces=\"disclose\" ssh-ed25519 "))
        .unwrap_or_else(|| panic!("{stdout}"))
        .to_string();

    require("ssh-keygen");
    let derived = Command::new("ssh-keygen")
        .args(["-y", "-f"])
        .arg(desk.path("signing"))
        .output()
        .unwrap();
    assert!(derived.status.success(), "{}", text(&derived.stderr));
    let published = std::fs::read_to_string(desk.path("signing.pub")).unwrap();
    let blob = |s: &str| s.split_whitespace().nth(1).unwrap().to_string();
    assert_eq!(blob(&text(&derived.stdout)), blob(&published));

    std::fs::write(desk.path("allowed_signers"), format!("{line}\n")).unwrap();
    let partner = desk.partner();
    let bundle = desk.dir.path().join(bundle_of(&desk.pack(&[
        "--recipient",
        &partner,
        "--sign-key",
        "signing",
    ])));
    let good = ssh_verify(&desk.path("allowed_signers"), "disclosures@met", &bundle);
    assert!(good.status.success(), "{}", text(&good.stderr));

    // Never over an existing key.
    let again = desk.run(&["keygen", "--signing", "-o", "signing"]);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn the_archive_identity_opens_the_bundle_with_stock_age_and_is_recorded_as_the_senders_copy() {
    require("age");
    let desk = Desk::new();
    let partner = desk.partner();

    // Without one, the dry run warns (and is still ready).
    let dry = desk.pack(&["--recipient", &partner, "--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
    let notes = json(&dry)["sending"]["notes"].to_string();
    assert!(notes.contains("No sender's archive copy"), "{notes}");

    let out = desk.pack(&[
        "--recipient",
        &partner,
        "--archive-recipient",
        &desk.archive_public,
    ]);
    let bundle = desk.dir.path().join(bundle_of(&out));
    let recipients = &json(&out)["recipients"];
    assert_eq!(
        recipients[1]["role"], "sender's archive copy",
        "{recipients}"
    );

    let zip = desk.path("opened.zip");
    let age = Command::new("age")
        .args(["-d", "-i"])
        .arg(desk.path("archive.txt"))
        .arg("-o")
        .arg(&zip)
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(age.status.success(), "{}", text(&age.stderr));
    assert!(std::fs::read(&zip).unwrap().starts_with(b"PK"));

    // And with disclose, as the sending unit would look back at what it sent.
    let out = desk.run(&[
        "verify",
        bundle.to_str().unwrap(),
        "--identity",
        "archive.txt",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let record = &json(&out)["record"];
    assert_eq!(
        record["recipients"][0]["label"],
        "Bromley YOT, victim contact officer"
    );
    assert_eq!(record["recipients"][0]["role"], "partner");
    assert_eq!(record["recipients"][1]["role"], "sender's archive copy");
}

#[test]
fn every_recipient_is_named_or_the_pack_is_refused() {
    let desk = Desk::new();
    // age's own recipients file format: the comment above a key names it.
    std::fs::write(
        desk.path("partners.txt"),
        format!(
            "# Bromley YOT, victim contact officer\n{}\n\n{}\n",
            desk.partner_public, desk.archive_public
        ),
    )
    .unwrap();
    let out = desk.pack(&["--recipients-file", "partners.txt"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("'# ORGANISATION, ROLE' just above partners.txt line 4"),
        "{stderr}"
    );
    assert!(
        std::fs::read_dir(desk.path("out"))
            .unwrap()
            .next()
            .is_none()
    );

    // A bare key on the command line: refused, with the flag that fixes it.
    let bare = desk.partner_public.clone();
    let out = desk.pack(&["--recipient", &bare, "--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
    let blockers = json(&out)["blockers"].to_string();
    assert!(blockers.contains("recipient-unlabelled"), "{blockers}");
    assert!(blockers.contains("ORGANISATION, ROLE="), "{blockers}");

    std::fs::write(
        desk.path("partners.txt"),
        format!(
            "# Bromley YOT, victim contact officer\n{}\n# Bromley YOT, RJ manager\n{}\n",
            desk.partner_public, desk.archive_public
        ),
    )
    .unwrap();
    let out = desk.pack(&["--recipients-file", "partners.txt"]);
    bundle_of(&out);
    let labels: Vec<String> = json(&out)["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        labels,
        [
            "Bromley YOT, victim contact officer",
            "Bromley YOT, RJ manager"
        ]
    );
    let register = std::fs::read_to_string(desk.path("register.jsonl")).unwrap();
    assert!(register.contains("Bromley YOT, RJ manager"), "{register}");
}

#[test]
fn a_passphrase_is_recorded_with_whom_it_was_given_to() {
    let desk = Desk::new();
    std::fs::write(desk.path("pass.txt"), "correct horse battery staple\n").unwrap();
    let out = desk.pack(&["--passphrase-file", "pass.txt"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--passphrase-given-to"));

    let out = desk.pack(&[
        "--passphrase-file",
        "pass.txt",
        "--passphrase-given-to",
        "J. Smith, Bromley YOT",
    ]);
    bundle_of(&out);
    let r = &json(&out)["recipients"][0];
    assert_eq!(r["label"], "J. Smith, Bromley YOT");
    assert_eq!(r["role"], "passphrase");
}

#[test]
fn with_no_key_named_every_bundle_is_signed_with_the_senders_own_key_made_once() {
    let desk = Desk::new();
    let partner = desk.partner();
    let key = desk.path("signing_ed25519");

    // A refused pack (no reason) makes no key.
    let mut refused = vec!["pack", "--profile", "bromley-yot-victims", "--recipient"];
    refused.push(&partner);
    let input = fixture("cris-victims.csv");
    refused.extend(["--input", input.to_str().unwrap(), "--out", "out"]);
    let out = desk.run(&refused);
    assert_ne!(out.status.code(), Some(0));
    assert!(!key.exists(), "a refused pack made a key");

    let first = desk.pack(&["--recipient", &partner]);
    let bundle = desk.dir.path().join(bundle_of(&first));
    assert!(key.exists(), "the key is made beside the register");
    let note = json(&first);
    let fingerprint = note["signing_key"].as_str().unwrap().to_string();
    assert!(fingerprint.starts_with("SHA256:"), "{note}");

    // The partner checks it with stock ssh-keygen from the published .pub alone.
    if Command::new("ssh-keygen").arg("-?").output().is_ok() {
        let signers = desk.allowed_signers("allowed_signers", &[("analyst@force", &key)]);
        let ok = ssh_verify(&signers, "analyst@force", &bundle);
        assert!(ok.status.success(), "{}", text(&ok.stderr));
    }

    // The next bundle is signed with the same key, not a new one.
    let second = desk.pack(&["--recipient", &partner]);
    assert_eq!(json(&second)["signing_key"], fingerprint.as_str());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the private key is the owner's alone");
    }
}
