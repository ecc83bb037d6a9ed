//! The register as CSV, for the force's own logging system (e.g. CrimInt/CONNECT).

use super::{RegisterError, list};
use std::io::Write;
use std::path::Path;

/// The column names of [`to_csv`], in order.
pub const CSV_COLUMNS: &[&str] = &[
    "seq",
    "created_utc",
    "bundle_id",
    "profile_id",
    "agreement_title",
    "period",
    "analyst",
    "authorised_by",
    "recipients",
    "rows_shared",
    "rows_excluded",
    "shared_fields",
    "withheld_count",
    "inputs",
    "bundle_file",
    "bundle_sha256",
    "signing_key",
    "reason",
    "basis",
    "authorised_at",
    "profile_sha256",
    "warnings_acknowledged",
    "checklist",
    "excluded_by_reason",
    "marking",
    "hash",
];

/// Writes the register as CSV for the force's logging system: one row per entry, lists joined
/// with "; " (recipients as `label [fingerprint]`, followed by `(role)` for any but a partner's
/// key, inputs as `sha256` (`name sha256` in entries from before names were left out),
/// checklist answers as `id=answer`, exclusions as `count reason`).
///
/// Text that a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`, tab or CR) is
/// prefixed with `'`. Control characters (an escape sequence's ESC, BEL, CR, LF) and
/// bidirectional overrides are written as visible escapes (`\u{001b}`, `\r`), as on the
/// terminal: pack refuses them in the names it records, but a file name, a recipient's label
/// or a register written by an older version may still hold them, and a CSV is read on a
/// terminal and imported into other systems as often as it is opened in a spreadsheet.
pub fn to_csv(path: &Path, out: impl Write) -> Result<(), RegisterError> {
    let entries = list(path)?;
    let io = |source| RegisterError::Io {
        what: "export",
        path: path.to_path_buf(),
        source,
    };
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_COLUMNS).map_err(|e| io(e.into()))?;
    for e in &entries {
        let d = &e.disclosure;
        let g = &d.grounds;
        let recipients = d
            .recipients
            .iter()
            .map(|r| match r.role.as_str() {
                "" | crate::keys::ROLE_PARTNER => format!("{} [{}]", r.label, r.fingerprint),
                role => format!("{} [{}] ({role})", r.label, r.fingerprint),
            })
            .collect::<Vec<_>>()
            .join("; ");
        let inputs = d
            .inputs
            .iter()
            .map(|f| {
                if f.name.is_empty() {
                    f.sha256.clone()
                } else {
                    format!("{} {}", f.name, f.sha256)
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        let row = [
            e.seq.to_string(),
            d.created_utc.clone(),
            d.bundle_id.clone(),
            d.profile_id.clone(),
            d.agreement_title.clone(),
            d.period.clone(),
            d.analyst.clone(),
            d.authorised_by.clone(),
            recipients,
            d.rows_shared.to_string(),
            d.rows_excluded.to_string(),
            d.shared_fields.join("; "),
            d.withheld_count.to_string(),
            inputs,
            d.bundle.name.clone(),
            d.bundle.sha256.clone(),
            d.signing_key.clone().unwrap_or_default(),
            g.reason.clone(),
            g.basis
                .as_ref()
                .map(|b| format!("{} [{}]", b.text, b.id))
                .unwrap_or_default(),
            g.authorised_at.clone().unwrap_or_default(),
            g.profile_sha256.clone(),
            g.warnings_acknowledged.join("; "),
            g.checklist
                .iter()
                .map(|c| format!("{}={}", c.id, c.answer))
                .collect::<Vec<_>>()
                .join("; "),
            g.excluded_by_reason
                .iter()
                .map(|r| format!("{} {}", r.count, r.reason))
                .collect::<Vec<_>>()
                .join("; "),
            g.marking.clone(),
            e.hash.clone(),
        ];
        w.write_record(row.iter().map(|c| spreadsheet_safe(c)))
            .map_err(|e| io(e.into()))?;
    }
    w.flush().map_err(io)?;
    Ok(())
}

fn spreadsheet_safe(s: &str) -> String {
    let s = &crate::text::printable(s);
    // The same rule as the bundle's cells ([`crate::text::needs_neutralising`]): one rule for
    // what a spreadsheet would run.
    if crate::text::needs_neutralising(s) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_formulas_are_defused() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(spreadsheet_safe("Bromley"), "Bromley");
        // The bundle's rule: a plain number is data, left alone; anything else starting like
        // a formula is defused.
        assert_eq!(spreadsheet_safe("-5"), "-5");
        assert_eq!(spreadsheet_safe("-1+2"), "'-1+2");
        assert_eq!(
            spreadsheet_safe("A\u{1b}]0;owned\u{7}\r\nB"),
            "A\\u{001b}]0;owned\\u{0007}\\r\\nB"
        );
    }
}
