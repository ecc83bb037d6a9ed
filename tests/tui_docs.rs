//! docs/tui.md's keyboard reference must list every binding the keymap has, in the keymap's
//! own words, so the documentation cannot drift from the keys.

use disclose::tui::keymap::{Context, tables};

const CONTEXTS: [(Context, &str); 17] = [
    (Context::Start, "Start"),
    (Context::OpenPath, "Files: typing a path"),
    (Context::OpenBrowse, "Files: the folder list"),
    (Context::OpenInputs, "Files: the files opened"),
    (Context::Profile, "Agreement"),
    (Context::ProfileDetail, "Agreement: the detail"),
    (Context::Columns, "Columns"),
    (Context::Rows, "Rows"),
    (Context::Package, "Package"),
    (Context::Writing, "Writing"),
    (Context::Done, "Done"),
    (Context::Verify, "Verify"),
    (Context::Confirm, "A yes/no question"),
    (Context::Pick, "A list to choose from"),
    (Context::Prompt, "A line to type"),
    (Context::View, "The viewer"),
    (Context::Help, "The help overlay"),
];

/// The reference as markdown, one table per place (the screen's own keys only; moving and
/// everywhere keys are listed once).
fn reference() -> String {
    let mut out = String::new();
    let mut shared_done = Vec::new();
    for (ctx, name) in CONTEXTS {
        out.push_str(&format!(
            "\n### {name}\n\n| Keys | What it does |\n|---|---|\n"
        ));
        for (heading, table) in tables(ctx) {
            let shared = matches!(heading, "Moving" | "Sideways" | "Panes" | "Everywhere");
            if shared {
                if !shared_done.contains(&heading) {
                    shared_done.push(heading);
                }
                continue;
            }
            for b in table {
                out.push_str(&format!("| {} | {} |\n", keys(b), b.does));
            }
        }
    }
    for heading in ["Moving", "Sideways", "Panes", "Everywhere"] {
        out.push_str(&format!(
            "\n### {heading}\n\n| Keys | What it does |\n|---|---|\n"
        ));
        let table = CONTEXTS
            .iter()
            .flat_map(|(c, _)| tables(*c))
            .find(|(h, _)| *h == heading)
            .map(|(_, t)| t)
            .unwrap_or(&[]);
        for b in table {
            out.push_str(&format!("| {} | {} |\n", keys(b), b.does));
        }
    }
    out
}

fn keys(b: &disclose::tui::keymap::Binding) -> String {
    use disclose::tui::keymap::Key::*;
    b.keys
        .iter()
        .map(|k| match k {
            Char(' ') => "Space".to_string(),
            Char('|') => "\\|".to_string(),
            Char(c) => format!("`{c}`"),
            Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            F(n) => format!("F{n}"),
            BackTab => "Shift-Tab".to_string(),
            PageUp => "PgUp".to_string(),
            PageDown => "PgDn".to_string(),
            other => format!("{other:?}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn docs_list_every_key_in_the_keymaps_words() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/tui.md"))
        .expect("docs/tui.md");
    let reference = reference();
    assert!(
        doc.contains(reference.trim()),
        "docs/tui.md's keyboard reference is out of date; replace it with:\n{reference}"
    );
}
