//! `disclose register`: the local, hash-chained log of disclosures made from this machine.

use super::{Exit, RegisterArgs, fail, print};
use crate::register;
use crate::text::printable;
use std::io::Write;

pub(super) fn run(args: &RegisterArgs) -> Exit {
    let path = match register::resolve(args.register.as_deref()) {
        Ok(p) => p,
        Err(e) => return fail(&e.to_string(), super::words::hint(&e.advice()).as_deref()),
    };
    let head = register::read_head(&path);
    // A register deleted while its head file stayed is for --verify to report (exit 1).
    let verify_deleted = args.verify && head != register::HeadFile::Missing;
    if !path.exists() && !verify_deleted {
        let hint = match head {
            register::HeadFile::Found(h) => format!(
                "Its head file {} says entry {} was written to it: it was deleted or moved. \
                 Restore it from a backup; `disclose register --verify` reports what is missing.",
                register::head_path(&path).display(),
                h.seq
            ),
            _ => "One is made when the first bundle is written; or name it with --register FILE."
                .into(),
        };
        return fail(
            &format!("there is no register at {}", path.display()),
            Some(&hint),
        );
    }
    if args.csv {
        return match register::to_csv(&path, std::io::stdout().lock()) {
            Ok(()) => Exit::Ok,
            Err(e) => fail(&e.to_string(), super::words::hint(&e.advice()).as_deref()),
        };
    }
    if args.verify {
        let check = match register::verify(&path) {
            Ok(c) => c,
            Err(e) => return fail(&e.to_string(), super::words::hint(&e.advice()).as_deref()),
        };
        // A bundle an interrupted pack was recording: reported, not mended (the next pack
        // mends it; see crate::transaction). It does not change the exit code: the chain is
        // what is verified.
        let pending = crate::transaction::pending(&path);
        if args.json {
            let mut v = serde_json::json!({
                "register": path.display().to_string(),
                "ok": check.ok(),
                "entries": check.entries,
                "problems": check.problems,
                "head": check.head,
            });
            match &pending {
                Ok(None) => {}
                Ok(Some(p)) => {
                    v["pending"] = serde_json::json!({
                        "bundle": p.bundle.display().to_string(),
                        "bundle_id": p.bundle_id,
                        "state": p.state.code(),
                        "note": p.describe(),
                    });
                }
                Err(e) => v["pending"] = serde_json::json!({ "error": e.to_string() }),
            }
            print::json(&v);
        } else {
            let mut o = super::console::stdout();
            let _ = writeln!(
                o,
                "Register {}: {} {}",
                path.display(),
                check.entries,
                if check.entries == 1 {
                    "entry"
                } else {
                    "entries"
                }
            );
            for p in &check.problems {
                let _ = writeln!(o, "  ✗ {}", printable(p));
            }
            let _ = writeln!(
                o,
                "{}",
                if check.ok() {
                    "✓ The chain is intact: no entry was edited, reordered, inserted or removed (removing the newest entries cannot be seen from the file alone; each bundle's record holds the head before it)."
                } else {
                    "✗ The register has been changed since it was written. Report it to your information security team."
                }
            );
            match &pending {
                Ok(None) => {}
                Ok(Some(p)) => {
                    let _ = writeln!(o, "! {}", printable(&p.describe()));
                }
                Err(e) => {
                    let _ = writeln!(o, "! {}", printable(&e.to_string()));
                }
            }
        }
        return if check.ok() { Exit::Ok } else { Exit::Refused };
    }
    let entries = match register::list(&path) {
        Ok(e) => e,
        Err(e) => return fail(&e.to_string(), super::words::hint(&e.advice()).as_deref()),
    };
    if args.json {
        print::json(&entries);
    } else {
        let mut o = super::console::stdout();
        let _ = writeln!(o, "Register {}", path.display());
        for e in &entries {
            let d = &e.disclosure;
            let _ = writeln!(
                o,
                "{:>4}  {}  {:<24} {}  {} rows  by {}  to {}",
                e.seq,
                printable(&d.created_utc),
                printable(&d.profile_id),
                printable(&d.period),
                d.rows_shared,
                printable(&d.analyst),
                d.recipients
                    .iter()
                    .map(|r| printable(&r.label))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if !d.grounds.reason.is_empty() {
                let _ = writeln!(o, "      why: {}", printable(&d.grounds.reason));
            }
        }
        if entries.is_empty() {
            let _ = writeln!(o, "(no entries)");
        }
    }
    Exit::Ok
}
