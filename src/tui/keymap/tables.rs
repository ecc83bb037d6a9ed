//! The binding tables themselves: one per screen, pane or popup, plus the shared ones for
//! moving and for everywhere. Edit a key here and the footer and help follow.

use super::{Binding, Key, b};
use crate::tui::msg::Action;

use Action as A;
use Key as K;

pub(super) const EVERYWHERE: &[Binding] = &[
    b(
        &[K::Char('?'), K::F(1)],
        "?",
        "show every key (this help)",
        A::Help,
        "help",
    ),
    b(&[K::Esc], "Esc", "go back a step", A::Back, "back"),
    b(
        &[K::Char('q'), K::Ctrl('c')],
        "q",
        "quit (asks first if work would be lost)",
        A::Quit,
        "quit",
    ),
];

/// Once the bundle is written there is no step to go back to: the keys that work everywhere
/// but Esc.
pub(super) const AFTER_WRITING: &[Binding] = &[
    b(
        &[K::Char('?'), K::F(1)],
        "?",
        "show every key (this help)",
        A::Help,
        "help",
    ),
    b(
        &[K::Char('q'), K::Ctrl('c')],
        "q",
        "quit (asks first if work would be lost)",
        A::Quit,
        "quit",
    ),
];

pub(super) const WHILE_TYPING: &[Binding] = &[
    b(&[K::F(1)], "F1", "show every key (this help)", A::Help, ""),
    b(&[K::Esc], "Esc", "cancel typing", A::Back, "cancel"),
    b(
        &[K::Ctrl('c')],
        "Ctrl-C",
        "quit (asks first if work would be lost)",
        A::Quit,
        "",
    ),
];

pub(super) const LIST: &[Binding] = &[
    b(&[K::Up, K::Char('k')], "↑/k", "move up", A::Up, ""),
    b(&[K::Down, K::Char('j')], "↓/j", "move down", A::Down, ""),
    b(&[K::PageUp], "PgUp", "up a page", A::PageUp, ""),
    b(&[K::PageDown], "PgDn", "down a page", A::PageDown, ""),
    b(&[K::Home, K::Char('g')], "Home/g", "to the top", A::Top, ""),
    b(
        &[K::End, K::Char('G')],
        "End/G",
        "to the bottom",
        A::Bottom,
        "",
    ),
];

pub(super) const SIDEWAYS: &[Binding] = &[
    b(
        &[K::Left, K::Char('h')],
        "←/h",
        "column to the left",
        A::Left,
        "",
    ),
    b(
        &[K::Right, K::Char('l')],
        "→/l",
        "column to the right",
        A::Right,
        "",
    ),
];

pub(super) const PANES: &[Binding] = &[
    b(&[K::Tab], "Tab", "next pane", A::NextPane, ""),
    b(&[K::BackTab], "Shift-Tab", "previous pane", A::PrevPane, ""),
];

pub(super) const START: &[Binding] = &[b(&[K::Enter], "Enter", "choose", A::Select, "choose")];

pub(super) const OPEN_PATH: &[Binding] = &[
    b(
        &[K::Enter],
        "Enter",
        "open the file typed, or list the folder typed",
        A::Select,
        "open",
    ),
    b(
        &[K::Tab],
        "Tab",
        "complete the path",
        A::Complete,
        "complete",
    ),
    b(&[K::Down], "↓", "to the folder list", A::NextPane, "list"),
    b(
        &[K::BackTab],
        "Shift-Tab",
        "to the files opened",
        A::PrevPane,
        "",
    ),
];

pub(super) const OPEN_BROWSE: &[Binding] = &[
    b(
        &[K::Enter],
        "Enter",
        "open the file, or go into the folder",
        A::Select,
        "open",
    ),
    b(
        &[K::Backspace, K::Left, K::Char('h')],
        "Bksp/←",
        "up to the parent folder",
        A::Left,
        "parent",
    ),
    b(
        &[K::Char('c')],
        "c",
        "continue to the agreement",
        A::Continue,
        "continue",
    ),
];

pub(super) const OPEN_INPUTS: &[Binding] = &[
    b(
        &[K::Char('s')],
        "s",
        "choose the sheet (XLSX)",
        A::ChooseSheet,
        "sheet",
    ),
    b(
        &[K::Char('+'), K::Char('=')],
        "+",
        "header is one row lower",
        A::HeaderRowDown,
        "lower",
    ),
    b(
        &[K::Char('-')],
        "-",
        "header is one row higher",
        A::HeaderRowUp,
        "higher",
    ),
    b(
        &[K::Char('d'), K::Delete],
        "d",
        "remove this file",
        A::RemoveInput,
        "remove",
    ),
    b(
        &[K::Char('c')],
        "c",
        "continue to the agreement",
        A::Continue,
        "continue",
    ),
];

pub(super) const PROFILE: &[Binding] = &[
    b(
        &[K::Enter, K::Char('c')],
        "Enter",
        "use this agreement",
        A::Continue,
        "continue",
    ),
    b(
        &[K::Tab, K::BackTab],
        "Tab",
        "read the highlighted agreement in full (scroll it)",
        A::NextPane,
        "read in full",
    ),
    b(
        &[K::Char('p')],
        "p",
        "choose the reporting period (it decides ages, and so which rows leave)",
        A::Period,
        "period",
    ),
];

pub(super) const PROFILE_DETAIL: &[Binding] = &[
    b(
        &[K::Enter, K::Char('c')],
        "Enter",
        "use this agreement",
        A::Continue,
        "continue",
    ),
    b(
        &[K::Tab, K::BackTab],
        "Tab",
        "back to the list of agreements",
        A::NextPane,
        "list",
    ),
];

/// Scrolling a pane of text (an agreement in full) rather than moving a cursor.
pub(super) const SCROLL: &[Binding] = &[
    b(&[K::Up, K::Char('k')], "↑/k", "scroll up a line", A::Up, ""),
    b(
        &[K::Down, K::Char('j')],
        "↓/j",
        "scroll down a line",
        A::Down,
        "scroll",
    ),
    b(&[K::PageUp], "PgUp", "scroll up a page", A::PageUp, ""),
    b(
        &[K::PageDown],
        "PgDn",
        "scroll down a page",
        A::PageDown,
        "",
    ),
    b(
        &[K::Home, K::Char('g')],
        "Home/g",
        "to the start",
        A::Top,
        "",
    ),
    b(
        &[K::End, K::Char('G')],
        "End/G",
        "to the end",
        A::Bottom,
        "",
    ),
];

pub(super) const COLUMNS: &[Binding] = &[
    b(
        &[K::Char('m'), K::Enter],
        "m",
        "map to an agreed field",
        A::Map,
        "map",
    ),
    b(
        &[K::Char('s')],
        "s",
        "accept the suggested field (maps it as m would)",
        A::AcceptSuggestion,
        "accept",
    ),
    b(
        &[K::Char('w')],
        "w",
        "withhold the column",
        A::Withhold,
        "withhold",
    ),
    b(
        &[K::Char('e')],
        "e",
        "write the justification",
        A::Justify,
        "justify",
    ),
    b(&[K::Char('[')], "[", "previous file", A::PrevInput, ""),
    b(&[K::Char(']')], "]", "next file", A::NextInput, ""),
    b(
        &[K::Char('c')],
        "c",
        "continue to the rows",
        A::Continue,
        "continue",
    ),
];

/// The viewer: like `less`, q or Esc closes it.
pub(super) const VIEW: &[Binding] = &[
    b(
        &[K::Esc, K::Char('q'), K::Char('o'), K::Enter],
        "Esc/q",
        "close the text",
        A::Back,
        "close",
    ),
    b(
        &[K::Ctrl('c')],
        "Ctrl-C",
        "quit (asks first if work would be lost)",
        A::Quit,
        "",
    ),
    // A cell read from Rows is decided from here as on Rows, the viewer closing first.
    b(
        &[K::Char('d')],
        "d",
        "a cell from Rows: redact the details found in its free text",
        A::RedactDetails,
        "",
    ),
    b(
        &[K::Char('a')],
        "a",
        "a cell from Rows: keep its free text as it is",
        A::KeepDetails,
        "",
    ),
    b(
        &[K::Char('r')],
        "r",
        "a cell from Rows: redact the whole cell",
        A::RedactCell,
        "",
    ),
];

pub(super) const ROWS: &[Binding] = &[
    b(
        &[K::Enter, K::Char('o')],
        "o",
        "read the cell in full (Enter too; an excluded row: why, and the values the rule read)",
        A::Open,
        "read",
    ),
    b(&[K::Char('/')], "/", "search", A::Search, "search"),
    b(&[K::Char('n')], "n", "next match", A::SearchNext, ""),
    b(&[K::Char('N')], "N", "previous match", A::SearchPrev, ""),
    b(
        &[K::Char('v')],
        "v",
        "show or hide excluded rows",
        A::ToggleExcluded,
        "all",
    ),
    b(
        &[K::Char('x')],
        "x",
        "exclude the row by hand (again: include it)",
        A::ExcludeRow,
        "exclude",
    ),
    b(
        &[K::Char('r')],
        "r",
        "redact the cell (again: undo)",
        A::RedactCell,
        "redact",
    ),
    b(
        &[K::Char(']')],
        "]",
        "next free-text cell holding somebody's details",
        A::NextFlagged,
        "",
    ),
    b(
        &[K::Char('[')],
        "[",
        "previous free-text cell holding somebody's details",
        A::PrevFlagged,
        "",
    ),
    b(
        &[K::Char('d')],
        "d",
        "redact the details found in the free text, as [REDACTED: kind] (again: undo)",
        A::RedactDetails,
        "",
    ),
    b(
        &[K::Char('a')],
        "a",
        "keep the free text as it is, details and all (again: undo)",
        A::KeepDetails,
        "",
    ),
    b(&[K::Char('{')], "{", "previous file", A::PrevInput, ""),
    b(&[K::Char('}')], "}", "next file", A::NextInput, ""),
    b(
        &[K::Char('c')],
        "c",
        "continue to packaging",
        A::Continue,
        "next",
    ),
];

pub(super) const PACKAGE: &[Binding] = &[
    b(
        &[K::Enter],
        "Enter",
        "edit the highlighted item (a checklist question: answer it; a warning: read it)",
        A::Select,
        "edit",
    ),
    b(
        &[K::Char(' ')],
        "Space",
        "acknowledge a warning / tick",
        A::Toggle,
        "",
    ),
    b(
        &[K::Char('a')],
        "a",
        "add a recipient's key (age1…)",
        A::AddKey,
        "key",
    ),
    b(
        &[K::Char('f')],
        "f",
        "add keys from a recipients file",
        A::AddKeyFile,
        "",
    ),
    b(
        &[K::Char('p')],
        "p",
        "use a passphrase instead",
        A::UsePassphrase,
        "",
    ),
    b(
        &[K::Char('d'), K::Delete],
        "d",
        "remove the highlighted recipient",
        A::Remove,
        "",
    ),
    b(
        &[K::Char('o')],
        "o",
        "read the highlighted line in full, with what stops the bundle",
        A::Open,
        "read",
    ),
    b(&[K::Char('w')], "w", "write the bundle", A::Write, "write"),
    b(
        &[K::Char('y')],
        "y/n",
        "answer yes to the highlighted checklist question",
        A::Yes,
        "answer",
    ),
    b(
        &[K::Char('n')],
        "n",
        "answer no to the highlighted checklist question",
        A::No,
        "",
    ),
    b(
        &[K::Char('t')],
        "t",
        "fill in the time now (Authorised at)",
        A::Now,
        "now",
    ),
];

pub(super) const WRITING: &[Binding] = &[];

pub(super) const DONE: &[Binding] = &[b(
    &[K::Char('v')],
    "v",
    "verify the bundle now",
    A::VerifyNow,
    "verify",
)];

pub(super) const VERIFY: &[Binding] = &[
    b(
        &[K::Enter],
        "Enter",
        "edit the highlighted item",
        A::Select,
        "edit",
    ),
    b(
        &[K::Char('t')],
        "t",
        "key file or passphrase",
        A::SwitchKeyKind,
        "key/passphrase",
    ),
    b(&[K::Char('v')], "v", "verify", A::VerifyNow, "verify"),
];

pub(super) const CONFIRM: &[Binding] = &[
    b(&[K::Char('y')], "y", "yes", A::Yes, "yes"),
    b(&[K::Char('n'), K::Esc], "n", "no", A::No, "no"),
    b(&[K::Ctrl('c')], "Ctrl-C", "quit", A::Quit, ""),
];

pub(super) const PICK: &[Binding] = &[
    b(&[K::Enter], "Enter", "choose", A::Select, "choose"),
    b(&[K::Esc], "Esc", "cancel", A::Back, "cancel"),
    b(&[K::Ctrl('c')], "Ctrl-C", "quit", A::Quit, ""),
];

pub(super) const PROMPT: &[Binding] = &[
    b(&[K::Enter], "Enter", "done", A::Select, "done"),
    b(&[K::Tab], "Tab", "complete a path", A::Complete, ""),
];

pub(super) const HELP: &[Binding] = &[
    b(
        &[K::Esc, K::Char('?'), K::Char('q'), K::F(1)],
        "Esc",
        "close the help",
        A::Back,
        "close",
    ),
    b(&[K::Up, K::Char('k')], "↑/k", "scroll up", A::Up, ""),
    b(&[K::Down, K::Char('j')], "↓/j", "scroll down", A::Down, ""),
];
