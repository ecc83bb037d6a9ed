//! `disclose verify`: check a received bundle, or an extracted bag folder, and say plainly
//! whether it can be trusted and what the disclosure record says.

use super::{Exit, VerifyArgs, env_default, fail, print};
use crate::keys::{Decryption, read_identity_file, read_passphrase_file};
use crate::sign::{AllowedSigners, Origin, check_origin};
use crate::text::printable;
use crate::verify::{Report, verify_bag_dir, verify_bundle_after};
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;

pub(super) fn run(args: &VerifyArgs) -> Exit {
    let mut notes = Vec::new();
    if !args.bundle.exists() {
        return fail(
            &format!("there is no file or folder {}", args.bundle.display()),
            Some("Check the path; a bundle ends in .zip.age."),
        );
    }
    if let Some(h) = &args.sha256
        && !crate::verify::is_sha256_hex(h.trim())
    {
        return fail(
            &format!(
                "--sha256 {h:?} is not a SHA-256: it has {} characters",
                h.trim().chars().count()
            ),
            Some(
                "Give the bundle's SHA-256 as the sender read it out: 64 characters, 0-9 and a-f.",
            ),
        );
    }
    // A FIFO or a device would hang or never end: refused before anything reads it.
    if !args.bundle.is_dir()
        && let Err(crate::files::FileError::Refused(problem)) =
            crate::files::check_regular(&args.bundle)
    {
        return fail(
            &format!("{} {problem}", args.bundle.display()),
            Some(
                "Give the bundle file itself (it ends in .zip.age) or a folder holding an extracted bag.",
            ),
        );
    }
    let mut origin = None;
    let report = if args.bundle.is_dir() {
        if args.extract.is_some() {
            return fail(
                "--extract is for a bundle file; this is already a folder",
                None,
            );
        }
        verify_bag_dir(&args.bundle)
    } else {
        let decryption = match (&args.identity, &args.passphrase_file) {
            (Some(path), _) => match read_identity_file(path) {
                Ok(file) => {
                    notes.extend(file.warnings);
                    Decryption::Identities(file.identities)
                }
                Err(e) => return fail(&e.to_string(), None),
            },
            (None, Some(path)) => match read_passphrase_file(path) {
                Ok(p) => Decryption::Passphrase(p),
                Err(e) => return fail(&e.to_string(), None),
            },
            (None, None) => {
                return fail(
                    "say how to open the bundle: --identity FILE (your age secret key) or --passphrase-file FILE",
                    Some(
                        "A partner without a key can make one with `disclose keygen -o key.txt` and send the sender the public key.",
                    ),
                );
            }
        };
        // Who made it is checked first, before anything is decrypted.
        let signers_path = args
            .signers
            .clone()
            .or_else(|| env_default("DISCLOSE_SIGNERS").map(PathBuf::from));
        let signers = match &signers_path {
            None => None,
            Some(p) => match AllowedSigners::read(p) {
                Ok(s) => Some(s),
                Err(e) => {
                    return fail(
                        &e,
                        Some(
                            "Make it from the key the sending force publishes: see docs/partner.md.",
                        ),
                    );
                }
            },
        };
        let mut report = Report::default();
        origin = check_origin(&args.bundle, signers.as_ref(), &mut report);
        verify_bundle_after(
            report,
            &args.bundle,
            &decryption,
            args.sha256.as_deref(),
            args.extract.as_deref(),
        )
    };

    // The record (inside the bundle) names the key its sender signs with: a signature by
    // another listed key is still the listed signer's, but worth a word.
    let mut report = report;
    if let (Some(o), Some(named)) = (
        &origin,
        report
            .record
            .as_ref()
            .and_then(|r| r["signing_key"]["fingerprint"].as_str()),
    ) && named != o.fingerprint
    {
        let named = named.to_string();
        report.warn(format!(
            "The disclosure record names the signing key {named}, but the bundle was signed with {}: ask the sender why.",
            o.fingerprint
        ));
    }
    if args.json {
        print::json(&report_json(&report, &notes, origin.as_ref()));
    } else {
        let _ = write_report(
            &mut super::console::stdout(),
            &report,
            &notes,
            origin.as_ref(),
        );
    }
    if report.ok() { Exit::Ok } else { Exit::Refused }
}

fn report_json(r: &Report, notes: &[String], origin: Option<&Origin>) -> Value {
    json!({
        "ok": r.ok(),
        "signer": origin,
        "checks": r.checks.iter().map(|c| json!({"name": c.name, "passed": c.passed, "detail": c.detail})).collect::<Vec<_>>(),
        "problems": r.problems,
        "warnings": r.warnings.iter().chain(notes).collect::<Vec<_>>(),
        "bag_info": r.bag_info.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        "payload": r.payload.iter().map(|p| json!({"path": p.path, "bytes": p.bytes, "sha256": p.sha256})).collect::<Vec<_>>(),
        "record": r.record,
        "extracted_to": r.extracted_to.as_ref().map(|p| p.display().to_string()),
    })
}

fn write_report(
    o: &mut impl Write,
    r: &Report,
    notes: &[String],
    origin: Option<&Origin>,
) -> std::io::Result<()> {
    for c in &r.checks {
        let mark = if c.passed { "✓ pass" } else { "✗ FAIL" };
        writeln!(o, "{mark}  {:<22} {}", c.name, printable(&c.detail))?;
    }
    if !r.problems.is_empty() {
        writeln!(o, "\nProblems ({}):", r.problems.len())?;
        for p in &r.problems {
            writeln!(o, "  ✗ {}", printable(p))?;
        }
    }
    for w in r.warnings.iter().chain(notes) {
        writeln!(o, "  ! {}", printable(w))?;
    }
    if let Some(rec) = &r.record {
        writeln!(o)?;
        write_record_summary(o, rec)?;
    }
    writeln!(o)?;
    if r.ok() {
        writeln!(o, "VERIFIED: every check passed.")?;
        if let Some(dir) = &r.extracted_to {
            writeln!(
                o,
                "Files extracted to {}",
                printable(&dir.display().to_string())
            )?;
        }
        match origin {
            Some(origin) => writeln!(
                o,
                "Signed by {} (key {}): the bundle is the one they signed.",
                printable(&origin.principals.join(", ")),
                origin.fingerprint
            )?,
            None => writeln!(
                o,
                "Note: this proves the contents are intact and were encrypted to you; it does not prove who sent them (the origin was not checked). Check the signature with --signers FILE, or confirm the checksum with the sender by phone."
            )?,
        }
    } else if r
        .checks
        .iter()
        .filter(|c| !c.passed)
        .all(|c| c.name == "Extraction")
    {
        writeln!(
            o,
            "VERIFIED, but the files were NOT extracted: see the Extraction line above. Choose an empty folder and run again."
        )?;
    } else {
        writeln!(
            o,
            "NOT VERIFIED: do not use this bundle. Ask the sender to send it again."
        )?;
    }
    Ok(())
}

fn write_record_summary(o: &mut impl Write, rec: &Value) -> std::io::Result<()> {
    let s = |v: &Value| printable(v.as_str().unwrap_or(""));
    writeln!(o, "Disclosure record")?;
    writeln!(o, "  Agreement   {}", s(&rec["agreement"]["title"]))?;
    writeln!(o, "  Period      {}", s(&rec["period"]))?;
    writeln!(o, "  Created     {}", s(&rec["created_utc"]))?;
    writeln!(o, "  Analyst     {}", s(&rec["analyst"]))?;
    // Records made before the grounds were kept lack them.
    if let Some(r) = rec["reason"].as_str() {
        writeln!(o, "  Reason      {}", printable(r))?;
    }
    if let Some(b) = rec["basis_relied_on"]["text"].as_str() {
        writeln!(o, "  Basis       {}", printable(b))?;
    }
    if let Some(rs) = rec["recipients"].as_array() {
        for (i, r) in rs.iter().enumerate() {
            let role = r["role"].as_str().unwrap_or("");
            writeln!(
                o,
                "  {} {}{}",
                if i == 0 { "Recipients " } else { "           " },
                s(&r["label"]),
                if role.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", printable(role))
                }
            )?;
        }
    }
    if let Some(k) = rec["signing_key"]["fingerprint"].as_str() {
        writeln!(o, "  Signed with {}", printable(k))?;
    }
    if let Some(a) = rec["authorised_by"].as_str() {
        match rec["authorised_at"].as_str() {
            Some(at) => writeln!(o, "  Authorised  {} at {}", printable(a), printable(at))?,
            None => writeln!(o, "  Authorised  {}", printable(a))?,
        }
    }
    writeln!(
        o,
        "  Rows        {} shared",
        rec["rows"]["shared"].as_u64().unwrap_or(0)
    )?;
    // The level to handle the whole bundle at (records made before it was recorded lack it).
    let marking = &rec["marking"];
    if let Some(ceiling) = marking["ceiling"].as_str() {
        let level = match marking["highest_shared"].as_str() {
            Some(m) if marking["inputs_unmarked"].as_u64() == Some(0) => printable(m),
            Some(m) => format!(
                "{} (an input carried no marking: confirmed at most {})",
                printable(m),
                printable(ceiling)
            ),
            None => format!(
                "NOT MARKED in the export (the sender confirmed at most {})",
                printable(ceiling)
            ),
        };
        writeln!(
            o,
            "  Marking     {level}: handle the whole bundle at this level"
        )?;
    }
    if let Some(cols) = rec["columns"]["shared"].as_array() {
        let labels: Vec<String> = cols.iter().map(|c| s(&c["label"])).collect();
        writeln!(o, "  Fields      {}", labels.join(", "))?;
    }
    writeln!(o, "  Retention   {}", s(&rec["agreement"]["retention"]))?;
    writeln!(
        o,
        "  Onward      {}",
        s(&rec["agreement"]["onward_sharing"])
    )?;
    Ok(())
}
