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

/// docs/tui.md's pictures of the screens at 80×24 are the snapshot tests' captures, so they
/// show today's layouts (issue 18 item 4): each heading below, then its snapshot.
#[test]
fn docs_pictures_are_the_snapshots() {
    const PICTURES: [(&str, &str); 13] = [
        ("### Start", "start_screen"),
        ("### Files", "open_screen_with_a_csv_read"),
        (
            "### Agreement",
            "profile_screen_shows_the_overdue_review_and_warnings_plainly",
        ),
        ("### Columns", "columns_screen"),
        (
            "### Columns, with suggestions",
            "columns_screen_with_suggestions",
        ),
        ("### Rows (rows that leave)", "rows_shared"),
        (
            "### Rows (`v`: excluded rows in view, with their reason)",
            "rows_all",
        ),
        (
            "### Rows (`]`: a free-text cell holding somebody's details)",
            "rows_flagged_cell",
        ),
        (
            "### The viewer on that cell (Enter; the number is highlighted)",
            "viewer_flagged_cell",
        ),
        ("### Package", "package_screen_lists_what_stops_the_bundle"),
        (
            "### Done",
            "done_screen_says_how_the_bundle_travels_and_why_it_was_made",
        ),
        ("### Verify", "verify_screen_before_a_bundle_is_chosen"),
        (
            "### Help (`?` on the Columns screen)",
            "help_overlay_lists_the_keys_of_the_screen_below",
        ),
    ];
    let root = env!("CARGO_MANIFEST_DIR");
    let doc = std::fs::read_to_string(format!("{root}/docs/tui.md")).expect("docs/tui.md");
    let pictures = &doc[doc.find("## The screens at 80×24").expect("the pictures")..];
    for (heading, snap) in PICTURES {
        let at = pictures
            .find(&format!("\n{heading}\n"))
            .unwrap_or_else(|| panic!("no {heading}"));
        let from = at + pictures[at..].find("```text\n").unwrap() + "```text\n".len();
        let to = from + pictures[from..].find("```").unwrap();
        let shown = &pictures[from..to];
        let file = std::fs::read_to_string(format!(
            "{root}/tests/it/snapshots/it__tui_screens__{snap}.snap"
        ))
        .unwrap();
        let captured = file.splitn(3, "---\n").nth(2).unwrap();
        assert_eq!(
            shown.trim_end(),
            captured.trim_end(),
            "docs/tui.md {heading} is not the snapshot {snap}"
        );
    }
}
