//! `disclose pack`: who can open the bundle (named partners, the sender's archive copy, or a
//! passphrase and whom it was given to) and the key that signs it, read from the flags and
//! their remembered defaults (`DISCLOSE_ARCHIVE_RECIPIENT`, `DISCLOSE_SIGN_KEY`).

use super::words::hint;
use super::{Exit, PackArgs, env_default, fail};
use crate::job::Job;
use crate::keys::{self, Encryption, Recipient};
use crate::sign::{SigningKey, SigningKeyFile};
use crate::text::printable;
use age::secrecy::SecretString;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Who the bundle is for and who signs it, before the signing key is unlocked.
pub(super) struct Sending {
    /// `None` in a dry run given no recipient yet.
    pub encryption: Option<Encryption>,
    pub sign_key: Option<SigningKeyFile>,
    /// The register beside which the sender's own signing key is to be made, when none was
    /// named and none has been made yet (see [`make_default_key`]).
    pub make_key_beside: Option<PathBuf>,
    /// Lines for the dry run and the pack: what is missing but not required.
    pub notes: Vec<String>,
}

/// Reads the recipients, the archive key and the signing key. A dry run may be given no
/// recipient (it then says so); a real run may not.
pub(super) fn read(job: &Job, args: &PackArgs, dry_run: bool) -> Result<Sending, Exit> {
    let mut notes = Vec::new();
    let mut recipients = Vec::new();
    for (n, text) in args.recipients.iter().enumerate() {
        let origin = format!("--recipient #{}", n + 1);
        match Recipient::parse_spec(text, &origin) {
            Ok(r) => recipients.push(r),
            Err(e) => return Err(fail(&e.to_string(), Some(LABEL_HINT))),
        }
    }
    for file in &args.recipients_file {
        match keys::read_recipients_file(file) {
            Ok(rs) => recipients.extend(rs),
            Err(e) => return Err(fail(&e.to_string(), None)),
        }
    }
    let passphrase = match &args.passphrase_file {
        None => None,
        Some(path) => match keys::read_passphrase_file(path) {
            Ok(p) => Some(p),
            Err(e) => return Err(fail(&e.to_string(), None)),
        },
    };
    if args.passphrase_given_to.is_some() && passphrase.is_none() {
        return Err(fail(
            "--passphrase-given-to is for a passphrase bundle (--passphrase-file)",
            Some("Name key holders in --recipient 'ORGANISATION, ROLE=age1...' instead."),
        ));
    }
    if recipients.is_empty() && passphrase.is_none() {
        for r in &job.profile.recipients {
            match Recipient::parse(&r.key, &r.label, &format!("profile {}", job.profile.id)) {
                Ok(r) => recipients.push(r),
                Err(e) => return Err(fail(&e.to_string(), None)),
            }
        }
    }

    // The sender's copy: the force's own archive key, on every bundle.
    let (archive, from_env) = match &args.archive_recipient {
        Some(a) => (Some(a.clone()), false),
        None => (
            env_default("DISCLOSE_ARCHIVE_RECIPIENT").map(|v| v.to_string_lossy().into_owned()),
            true,
        ),
    };
    match (archive, passphrase.is_some()) {
        (Some(_), true) if !from_env => {
            return Err(fail(
                "--archive-recipient cannot be added to a passphrase bundle: age files cannot mix \
                 keys and a passphrase",
                Some(
                    "Keep the passphrase in your force's records instead, or encrypt to the partner's key.",
                ),
            ));
        }
        (Some(_), true) => notes.push(
            "No sender's archive copy: this is a passphrase bundle, and age cannot add a key to \
             it (DISCLOSE_ARCHIVE_RECIPIENT not used). Keep the passphrase on record instead."
                .into(),
        ),
        (Some(spec), false) => {
            let origin = if from_env {
                "DISCLOSE_ARCHIVE_RECIPIENT"
            } else {
                "--archive-recipient"
            };
            match Recipient::parse_spec(&spec, origin) {
                Ok(r) => {
                    if recipients.is_empty() && !dry_run {
                        return Err(fail(
                            "the archive key alone cannot be the bundle's recipient",
                            Some(LABEL_HINT),
                        ));
                    }
                    recipients.push(r.into_archive());
                }
                Err(e) => return Err(fail(&e.to_string(), None)),
            }
        }
        (None, _) => notes.push(
            "No sender's archive copy: without --archive-recipient (or \
             DISCLOSE_ARCHIVE_RECIPIENT) your force cannot open this bundle later, e.g. to \
             answer a subject access request about it."
                .into(),
        ),
    }
    let partners = recipients.iter().filter(|r| !r.is_archive()).count();
    let encryption = if dry_run && partners == 0 && passphrase.is_none() {
        None
    } else {
        match Encryption::new(recipients, passphrase) {
            Ok(e) => Some(e),
            Err(e) => return Err(fail(&e.to_string(), Some(LABEL_HINT))),
        }
    };

    let sign_path = args
        .sign_key
        .clone()
        .or_else(|| env_default("DISCLOSE_SIGN_KEY").map(PathBuf::from));
    let mut make_key_beside = None;
    let sign_key = match sign_path {
        // Every bundle is signed: with no key named, the sender's own key beside the register,
        // made on the first real pack.
        None => {
            let register = match crate::register::resolve(args.register.as_deref()) {
                Ok(r) => r,
                Err(e) => return Err(fail(&e.to_string(), None)),
            };
            // A register that cannot be used stops the pack anyway: say so, rather than fail
            // making a key beside it.
            if let Err(e) = crate::register::check_appendable(&register) {
                let e = crate::pack::PackError::Register {
                    bundle: PathBuf::new(),
                    source: e,
                };
                return Err(fail(
                    &e.to_string(),
                    Some(&super::words::advice(&e.advice())),
                ));
            }
            let path = crate::sign::default_key_path(&register);
            if path.symlink_metadata().is_err() {
                // Made only once the bundle is sure to be written (see `make_default_key`):
                // a refused pack leaves nothing behind.
                if dry_run {
                    notes.push(format!(
                        "Signed with your own signing key, made on the first pack at {} (publish its .pub to your partners).",
                        printable(&path.display().to_string())
                    ));
                }
                make_key_beside = Some(register);
                None
            } else {
                match SigningKeyFile::read(&path) {
                    Ok(k) => Some(k),
                    Err(e) => return Err(fail(&e.to_string(), hint(&e.advice()).as_deref())),
                }
            }
        }
        Some(p) => match SigningKeyFile::read(&p) {
            Ok(k) => Some(k),
            Err(e) => return Err(fail(&e.to_string(), hint(&e.advice()).as_deref())),
        },
    };
    if args.sign_passphrase_file.is_some() && sign_key.is_none() {
        return Err(fail(
            "--sign-passphrase-file was given without a signing key",
            Some("Add --sign-key FILE."),
        ));
    }
    Ok(Sending {
        encryption,
        sign_key,
        make_key_beside,
        notes,
    })
}

const LABEL_HINT: &str = "Give each partner's key with who it is: --recipient 'ORGANISATION, ROLE=age1...' (repeatable), or --recipients-file FILE with a '# ORGANISATION, ROLE' line above each key; or --passphrase-file FILE with --passphrase-given-to NAME. age cannot mix keys and a passphrase in one bundle.";

/// Makes the sender's own signing key beside `register` (the first pack on this machine that
/// names no key), and says where it is and what to publish.
pub(super) fn make_default_key(
    register: &std::path::Path,
    args: &PackArgs,
    notes: &mut Vec<String>,
) -> Result<SigningKeyFile, Exit> {
    let principal = args.analyst.as_deref().unwrap_or("").trim();
    let principal = if principal.is_empty() {
        "disclose sender"
    } else {
        principal
    };
    match crate::sign::default_key(register, principal) {
        Ok((k, made)) => {
            if let Some(made) = made {
                notes.push(format!(
                    "A signing key was made for you: {}. Publish {} to your partners (key {}; see docs/partner.md): they check every bundle's .sig against it.",
                    printable(&made.private_path.display().to_string()),
                    printable(&made.public_path.display().to_string()),
                    made.fingerprint
                ));
            }
            Ok(k)
        }
        Err(e) => Err(fail(&e.to_string(), hint(&e.advice()).as_deref())),
    }
}

/// Opens the signing key: with the passphrase file, or by asking on a terminal.
pub(super) fn unlock(file: SigningKeyFile, args: &PackArgs) -> Result<SigningKey, Exit> {
    let passphrase = if !file.is_encrypted() {
        None
    } else if let Some(path) = &args.sign_passphrase_file {
        match keys::read_passphrase_file(path) {
            Ok(p) => Some(p),
            Err(e) => return Err(fail(&e.to_string(), None)),
        }
    } else {
        ask(&format!(
            "Passphrase for the signing key {}: ",
            printable(&file.path().display().to_string())
        ))
    };
    file.unlock(passphrase.as_ref())
        .map_err(|e| fail(&e.to_string(), hint(&e.advice()).as_deref()))
}

/// Asks for a secret on the terminal without echoing it; `None` when there is no terminal or
/// the analyst pressed Esc or Ctrl+C.
fn ask(prompt: &str) -> Option<SecretString> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return None;
    }
    eprint!("{prompt}");
    crossterm::terminal::enable_raw_mode().ok()?;
    let mut text = zeroize::Zeroizing::new(String::new());
    let entered = loop {
        match read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Enter => break true,
                KeyCode::Esc => break false,
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => break false,
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c) => text.push(c),
                _ => {}
            },
            Ok(_) => {}
            Err(_) => break false,
        }
    };
    let _ = crossterm::terminal::disable_raw_mode();
    eprintln!();
    (entered && !text.is_empty()).then(|| SecretString::from(text.as_str()))
}

/// The lines the dry run and the pack show about who can open the bundle and who signs it.
pub(super) fn lines(s: &Sending, given_to: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    match &s.encryption {
        None => out.push("To        (no recipient given yet)".into()),
        Some(e) => {
            for (i, r) in e.records(given_to).iter().enumerate() {
                let head = if i == 0 { "To        " } else { "          " };
                let label = if r.label.is_empty() {
                    "(UNLABELLED: say whose key this is)"
                } else {
                    &r.label
                };
                let key = if r.fingerprint.is_empty() {
                    String::new()
                } else {
                    format!(", key {}", r.fingerprint)
                };
                out.push(format!("{head}{} ({}{key})", printable(label), r.role));
            }
        }
    }
    if let Some(k) = &s.sign_key {
        out.push(format!(
            "Signed    with {} ({}{})",
            k.fingerprint(),
            printable(&k.path().display().to_string()),
            if k.is_encrypted() {
                ", passphrase-protected"
            } else {
                ""
            }
        ));
    }
    for n in &s.notes {
        out.push(format!("  ! {n}"));
    }
    out
}

/// The same, for `--json`.
pub(super) fn json(s: &Sending, given_to: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "recipients": s.encryption.as_ref().map(|e| e.records(given_to)),
        "signing_key": s.sign_key.as_ref().map(|k| k.fingerprint()),
        "notes": s.notes,
    })
}
