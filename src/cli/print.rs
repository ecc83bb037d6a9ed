//! How summaries look on a terminal. Every header and file name passes through
//! [`printable`], so nothing from an export can send escape sequences to the terminal.

use crate::job::Summary;
use crate::load::{Format, Table};
use crate::text::{hidden_cells_warning, printable};
use std::io::Write;

pub(super) fn json<T: serde::Serialize>(value: &T) {
    let mut out = std::io::stdout().lock();
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let _ = writeln!(out, "{}", crate::text::json_without_bidi(&text));
}

/// The summary, with what the `tables` it was made from say beyond it (hidden rows and columns).
/// `sending`: who can open the bundle and who signs it (see `sending::lines`), shown before the
/// verdict.
pub(super) fn summary(s: &Summary, tables: &[Table], dry_run: bool, sending: &[String]) {
    let mut o = super::console::stdout();
    let _ = write_summary(&mut o, s, tables, dry_run, sending);
}

fn write_summary(
    o: &mut impl Write,
    s: &Summary,
    tables: &[Table],
    dry_run: bool,
    sending: &[String],
) -> std::io::Result<()> {
    writeln!(o, "Profile   {} — {}", s.profile, s.agreement)?;
    writeln!(o, "Period    {}", s.period)?;
    if !s.profile_source.starts_with("(built in)") {
        writeln!(
            o,
            "          ! profile read from {}, not the built-in one",
            printable(&s.profile_source)
        )?;
    }
    writeln!(o)?;
    writeln!(o, "Inputs")?;
    for i in &s.inputs {
        let what = match (&i.sheet, i.delimiter) {
            (Some(sheet), _) => format!("XLSX, sheet {:?}", printable(sheet)),
            (None, Some(d)) => format!("CSV, {}, {d}-separated", i.encoding),
            (None, None) => i.encoding.to_string(),
        };
        writeln!(o, "  {}", printable(&i.path))?;
        writeln!(
            o,
            "    {what}; header on row {}; {} rows read, {} shared, {} excluded",
            i.header_row, i.rows_read, i.rows_shared, i.rows_excluded
        )?;
        writeln!(o, "    SHA-256 {}", i.sha256)?;
        if i.sheets.len() > 1 {
            let list: Vec<String> = i
                .sheets
                .iter()
                .map(|s| match s.visibility {
                    "visible" => printable(&s.name),
                    v => format!("{} ({v})", printable(&s.name)),
                })
                .collect();
            writeln!(
                o,
                "    Sheets: {} (choose with --sheet NAME)",
                list.join(", ")
            )?;
        }
        if let Some(s) = i
            .sheets
            .iter()
            .find(|s| Some(&s.name) == i.sheet.as_ref() && s.visibility != "visible")
        {
            writeln!(
                o,
                "    ! The sheet being read is {}: check it is the one you meant.",
                s.visibility
            )?;
        }
        let table = tables
            .iter()
            .find(|t| t.path.display().to_string() == i.path);
        if let Some(Format::Xlsx { sheet, hidden, .. }) = table.map(|t| &t.format)
            && !hidden.is_empty()
        {
            writeln!(o, "    ! {}", hidden_cells_warning(sheet, hidden))?;
        }
    }
    let several = s.inputs.len() > 1;
    let from = |input: &str| {
        if several {
            format!("  ({})", printable(input))
        } else {
            String::new()
        }
    };

    writeln!(o)?;
    writeln!(
        o,
        "Shared columns ({}): these leave, under the agreed labels",
        s.columns.shared.len()
    )?;
    for c in &s.columns.shared {
        writeln!(
            o,
            "  ✓ {:<28} → {} [{}; {}]{}",
            printable(&c.source),
            c.label,
            c.category,
            c.section,
            from(&c.input)
        )?;
        if let Some(j) = &c.justification {
            writeln!(o, "      justification: {}", printable(j))?;
        }
    }
    if !s.columns.rule_only.is_empty() {
        writeln!(
            o,
            "Rule-only columns ({}): read by rules, never shared",
            s.columns.rule_only.len()
        )?;
        for c in &s.columns.rule_only {
            writeln!(
                o,
                "  · {:<28} → {}{}",
                printable(&c.source),
                c.field,
                from(&c.input)
            )?;
        }
    }
    writeln!(
        o,
        "Withheld columns ({}): not shared",
        s.columns.withheld.len()
    )?;
    for c in &s.columns.withheld {
        writeln!(o, "  ✗ {}{}", printable(&c.source), from(&c.input))?;
    }
    if !s.columns.not_in_export.is_empty() {
        writeln!(o, "Agreed fields not in this export")?;
        for m in &s.columns.not_in_export {
            writeln!(o, "  - {} ({}){}", m.label, m.field, from(&m.input))?;
        }
    }
    if !s.columns.suggested.is_empty() {
        writeln!(
            o,
            "Suggested: withheld columns whose header fits an agreed field (check each holds it; none is applied on its own)"
        )?;
        for g in &s.columns.suggested {
            writeln!(
                o,
                "  suggest: --map '{}={}'{}",
                printable(&g.source).replace('\'', "'\\''"),
                g.field,
                from(&g.input)
            )?;
        }
    }

    writeln!(o)?;
    let excluded: u64 = s.rows.excluded.iter().map(|e| e.count).sum();
    writeln!(
        o,
        "Rows      {} read, {} shared, {} excluded",
        s.rows.read, s.rows.shared, excluded
    )?;
    for e in &s.rows.shared_as_agreed {
        writeln!(o, "  {:>8}  {} ({})", e.count, e.reason, e.section)?;
    }
    for e in &s.rows.excluded {
        writeln!(o, "  {:>8}  {}", e.count, e.reason)?;
    }
    writeln!(
        o,
        "Marking   {}; the agreement's ceiling is {} ({})",
        s.marking.shown(),
        s.marking.ceiling,
        s.marking.ceiling_section
    )?;
    writeln!(
        o,
        "Cells     {} neutralised (would run as spreadsheet formulas), {} redacted by hand",
        s.cells.neutralised, s.cells.redacted
    )?;
    if !s.cells.flagged.is_empty() {
        let inputs = s.inputs.len();
        writeln!(
            o,
            "Free text: cells holding what looks like somebody's details ({} not yet dealt with)",
            s.cells.flagged_unreviewed
        )?;
        for f in &s.cells.flagged {
            let label = f.kind.label();
            let mut dealt = Vec::new();
            if f.redacted > 0 {
                dealt.push(format!("{} redacted as spans", f.redacted));
            }
            if f.kept > 0 {
                dealt.push(format!("{} cells kept", f.kept));
            }
            writeln!(
                o,
                "  {:>8}  {label} in {}{}{}",
                f.count,
                printable(&f.source),
                if inputs > 1 {
                    format!(" ({})", printable(&f.input))
                } else {
                    String::new()
                },
                if dealt.is_empty() {
                    String::new()
                } else {
                    format!(": {}", dealt.join(", "))
                }
            )?;
        }
    }

    if !s.warnings.is_empty() {
        writeln!(o)?;
        writeln!(o, "Warnings")?;
        for w in &s.warnings {
            let state = if w.acknowledged {
                "acknowledged"
            } else {
                "NOT acknowledged"
            };
            writeln!(o, "  ! {} ({}) — {state}", w.code, w.section)?;
            writeln!(o, "    {}", w.message)?;
        }
    }

    if !sending.is_empty() {
        writeln!(o)?;
        for line in sending {
            writeln!(o, "{line}")?;
        }
    }

    writeln!(o)?;
    if dry_run {
        writeln!(o, "Dry run: nothing was written.")?;
    }
    if s.blockers.is_empty() {
        writeln!(o, "Ready: a bundle can be written.")?;
    } else {
        writeln!(
            o,
            "Not ready: a bundle would be refused until you act on these:"
        )?;
        for b in &s.blockers {
            let fix = super::words::advice(&b.fix);
            writeln!(o, "  {fix}")?;
            // A sentence the flag alone does not say (which question, why it stops).
            if !fix.contains(b.item.as_str()) && b.item.contains(' ') {
                writeln!(o, "      {}", printable(&b.item))?;
            }
        }
    }
    Ok(())
}

/// What was written; `notes`: what is missing but not required (no archive copy, unsigned).
pub(super) fn written(p: &crate::pack::Packed, notes: &[String]) {
    let mut o = super::console::stdout();
    let _ = writeln!(o);
    if !p.record.recipients.is_empty() {
        for (i, r) in p.record.recipients.iter().enumerate() {
            let key = if r.fingerprint.is_empty() {
                String::new()
            } else {
                format!(", key {}", r.fingerprint)
            };
            let _ = writeln!(
                o,
                "{}{} ({}{key})",
                if i == 0 {
                    "Encrypted to:    "
                } else {
                    "                 "
                },
                printable(&r.label),
                r.role
            );
        }
    }
    let _ = writeln!(
        o,
        "Bundle written:  {}",
        printable(&p.bundle.display().to_string())
    );
    let _ = writeln!(o, "SHA-256:         {}", p.sha256);
    let _ = writeln!(
        o,
        "Checksum file:   {}",
        printable(&p.checksum.display().to_string())
    );
    if let (Some(sig), Some(k)) = (&p.signature, &p.record.signing_key) {
        let _ = writeln!(
            o,
            "Signature:       {} (key {})",
            printable(&sig.display().to_string()),
            k.fingerprint
        );
    }
    let _ = writeln!(
        o,
        "Register entry:  #{} in {}",
        p.register_seq,
        printable(&p.register.display().to_string())
    );
    for n in notes {
        let _ = writeln!(o, "{n}");
    }
    let _ = writeln!(o, "Reason:          {}", printable(&p.record.reason));
    // How this agreement lets the bundle travel, never a generic "send it".
    let _ = writeln!(
        o,
        "How it travels:  {}",
        printable(&p.record.agreement.transfer_advice)
    );
    if p.signature.is_some() {
        let _ = writeln!(
            o,
            "Proof of origin: the partner checks the .sig against your published key (disclose verify --signers, or ssh-keygen -Y verify); keep it with the bundle."
        );
    } else {
        let _ = writeln!(
            o,
            "Proof of origin: none (not signed); quote the SHA-256 to the partner by a separate channel (phone) so they can check the bundle came from you."
        );
    }
}
