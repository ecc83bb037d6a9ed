//! The key bindings, as data: each says which keys, what the footer calls it, what the help
//! overlay says it does, and the [`Action`] it sends. This is the only place key events are
//! read; the footer and the help overlay are generated from these same tables, so they cannot
//! drift from what the keys really do.
//!
//! Only key presses count: Windows also reports releases (and repeats), which are ignored.

use super::msg::{Action, Edit, Msg};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

mod tables;
use tables::*;

/// Where the keyboard is: which screen, pane or popup has the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Start,
    /// Typing a path on the Open screen.
    OpenPath,
    OpenBrowse,
    OpenInputs,
    /// The list of agreements.
    Profile,
    /// The highlighted agreement in full, scrolled by the moving keys.
    ProfileDetail,
    Columns,
    Rows,
    Package,
    Writing,
    Done,
    Verify,
    /// A yes/no question.
    Confirm,
    /// A list to choose from (sheet, field, column).
    Pick,
    /// A line of text to type (reason, justification, key, search...).
    Prompt,
    /// Text read in full (a cell, a warning, a verdict), scrolled like `less`.
    View,
    Help,
}

impl Context {
    /// Whether letters type into a text input here (so `q` types a q, and does not quit).
    pub fn typing(self) -> bool {
        matches!(self, Context::OpenPath | Context::Prompt)
    }
}

/// A key as written in the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Backspace,
    Delete,
}

impl Key {
    fn matches(self, e: &KeyEvent) -> bool {
        let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
        match (self, e.code) {
            (Key::Char(k), KeyCode::Char(c)) => !ctrl && c == k,
            (Key::Ctrl(k), KeyCode::Char(c)) => ctrl && c.eq_ignore_ascii_case(&k),
            (Key::F(n), KeyCode::F(m)) => n == m,
            (Key::Enter, KeyCode::Enter) => true,
            (Key::Esc, KeyCode::Esc) => true,
            (Key::Tab, KeyCode::Tab) => !e.modifiers.contains(KeyModifiers::SHIFT),
            // Some terminals send Shift-Tab as Tab with SHIFT, others as BackTab.
            (Key::BackTab, KeyCode::BackTab) => true,
            (Key::BackTab, KeyCode::Tab) => e.modifiers.contains(KeyModifiers::SHIFT),
            (Key::Up, KeyCode::Up) => true,
            (Key::Down, KeyCode::Down) => true,
            (Key::Left, KeyCode::Left) => true,
            (Key::Right, KeyCode::Right) => true,
            (Key::PageUp, KeyCode::PageUp) => true,
            (Key::PageDown, KeyCode::PageDown) => true,
            (Key::Home, KeyCode::Home) => true,
            (Key::End, KeyCode::End) => true,
            (Key::Backspace, KeyCode::Backspace) => true,
            (Key::Delete, KeyCode::Delete) => true,
            _ => false,
        }
    }
}

/// One binding: keys, the short label shown in the footer and help, what it does, the action.
#[derive(Debug)]
pub struct Binding {
    pub keys: &'static [Key],
    pub label: &'static str,
    pub does: &'static str,
    pub action: Action,
    /// The footer's word for it; empty: shown only in the help overlay.
    pub footer: &'static str,
}

pub(super) const fn b(
    keys: &'static [Key],
    label: &'static str,
    does: &'static str,
    action: Action,
    footer: &'static str,
) -> Binding {
    Binding {
        keys,
        label,
        does,
        action,
        footer,
    }
}

/// The binding tables in force in `ctx`, most specific first, each with a heading for help.
pub fn tables(ctx: Context) -> Vec<(&'static str, &'static [Binding])> {
    let here: &[Binding] = match ctx {
        Context::Start => START,
        Context::OpenPath => OPEN_PATH,
        Context::OpenBrowse => OPEN_BROWSE,
        Context::OpenInputs => OPEN_INPUTS,
        Context::Profile => PROFILE,
        Context::ProfileDetail => PROFILE_DETAIL,
        Context::Columns => COLUMNS,
        Context::Rows => ROWS,
        Context::Package => PACKAGE,
        Context::Writing => WRITING,
        Context::Done => DONE,
        Context::Verify => VERIFY,
        Context::Confirm => return vec![("This question", CONFIRM)],
        Context::Pick => return vec![("This list", PICK), ("Moving", LIST)],
        Context::Prompt => return vec![("Typing", PROMPT), ("Everywhere", WHILE_TYPING)],
        Context::View => return vec![("Reading", VIEW), ("Scrolling", SCROLL)],
        Context::Help => return vec![("Help", HELP)],
    };
    let mut out = vec![("This screen", here)];
    // (The footer shows the screen's own keys first, then these; help lists them all.)
    match ctx {
        Context::OpenPath => {
            out.push(("Everywhere", WHILE_TYPING));
            return out;
        }
        Context::Rows => out.extend([("Moving", LIST), ("Sideways", SIDEWAYS)]),
        Context::ProfileDetail => out.push(("Scrolling", SCROLL)),
        Context::Writing | Context::Done => {}
        _ => out.push(("Moving", LIST)),
    }
    if matches!(
        ctx,
        Context::OpenBrowse
            | Context::OpenInputs
            | Context::Columns
            | Context::Package
            | Context::Verify
    ) {
        out.push(("Panes", PANES));
    }
    out.push((
        "Everywhere",
        if ctx == Context::Done {
            AFTER_WRITING
        } else {
            EVERYWHERE
        },
    ));
    out
}

/// The footer's entries for `ctx`: (keys, label), in table order.
pub fn footer(ctx: Context) -> Vec<(&'static str, &'static str)> {
    // The keys that work everywhere come first, so they stay in the same place on every screen
    // and are never cut off at the right edge of a narrow window.
    let mut tables = tables(ctx);
    tables.sort_by_key(|(heading, _)| *heading != "Everywhere");
    tables
        .into_iter()
        .flat_map(|(_, t)| t.iter())
        .filter(|b| !b.footer.is_empty())
        .map(|b| (b.label, b.footer))
        .collect()
}

/// Turn a key event into a message for `ctx`, or nothing (a release, or an unbound key).
pub fn translate(ctx: Context, e: KeyEvent) -> Option<Msg> {
    if e.kind != KeyEventKind::Press {
        return None;
    }
    for (_, table) in tables(ctx) {
        if let Some(bind) = table.iter().find(|b| b.keys.iter().any(|k| k.matches(&e))) {
            return Some(Msg::Action(bind.action));
        }
    }
    if ctx.typing() {
        return typing(e).map(Msg::Edit);
    }
    None
}

/// Editing keys of a text input. Printable characters type, whatever they are bound to
/// elsewhere.
fn typing(e: KeyEvent) -> Option<Edit> {
    let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
    Some(match e.code {
        KeyCode::Char('u') if ctrl => Edit::Clear,
        KeyCode::Char('a') if ctrl => Edit::Home,
        KeyCode::Char('e') if ctrl => Edit::End,
        KeyCode::Char(c) if !ctrl => Edit::Insert(c),
        KeyCode::Backspace => Edit::Backspace,
        KeyCode::Delete => Edit::Delete,
        KeyCode::Left => Edit::Left,
        KeyCode::Right => Edit::Right,
        KeyCode::Home => Edit::Home,
        KeyCode::End => Edit::End,
        _ => return None,
    })
}

/// The key shown for `action` in `ctx` (its label in the footer and help), so a sentence that
/// names a key follows the table when the key changes.
pub fn label(ctx: Context, action: Action) -> &'static str {
    tables(ctx)
        .into_iter()
        .flat_map(|(_, t)| t.iter())
        .find(|b| b.action == action)
        .map_or("?", |b| b.label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn releases_are_ignored() {
        let mut e = press(KeyCode::Char('q'));
        e.kind = KeyEventKind::Release;
        assert!(translate(Context::Profile, e).is_none());
    }

    #[test]
    fn q_types_in_a_text_input_and_quits_elsewhere() {
        let q = press(KeyCode::Char('q'));
        assert!(matches!(
            translate(Context::Prompt, q),
            Some(Msg::Edit(Edit::Insert('q')))
        ));
        assert!(matches!(
            translate(Context::Profile, q),
            Some(Msg::Action(Action::Quit))
        ));
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        use Context::*;
        for ctx in [
            Start,
            OpenPath,
            OpenBrowse,
            OpenInputs,
            Profile,
            ProfileDetail,
            Columns,
            Rows,
            Package,
            Writing,
            Done,
            Verify,
            Confirm,
            Pick,
            Prompt,
            View,
            Help,
        ] {
            let keys: Vec<Key> = tables(ctx)
                .into_iter()
                .flat_map(|(_, t)| t.iter())
                .flat_map(|b| b.keys.iter().copied())
                .collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(!keys[i + 1..].contains(k), "{ctx:?}: {k:?} bound twice");
            }
        }
    }
}
