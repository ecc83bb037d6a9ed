//! Driving the interactive screens in tests: an [`App`] drawn into ratatui's `TestBackend`,
//! keys sent as the keymap would receive them, and the screen read back as text.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use disclose::dates::Date;
use disclose::profile::Catalog;
use disclose::tui::theme::Theme;
use disclose::tui::{App, Options};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Options for a test: a fixed date, config and register inside `dir`, colour and Unicode.
pub fn options(dir: &Path) -> Options {
    Options {
        files: Vec::new(),
        profile: None,
        verify: None,
        today: Date::new(2026, 11, 22).unwrap(),
        config_dir: Some(dir.join("config")),
        register: Some(dir.join("register.jsonl")),
        theme: Theme::plain_unicode(),
        cwd: dir.to_path_buf(),
    }
}

pub struct Screen<'c> {
    pub app: App<'c>,
    pub term: Terminal<TestBackend>,
}

impl<'c> Screen<'c> {
    pub fn new(catalog: &'c Catalog, opts: Options, w: u16, h: u16) -> Screen<'c> {
        let mut app = App::new(catalog, opts);
        app.send(disclose::tui::msg::Msg::Resize(w, h));
        Screen {
            app,
            term: Terminal::new(TestBackend::new(w, h)).unwrap(),
        }
    }

    pub fn resize(&mut self, w: u16, h: u16) {
        self.term.backend_mut().resize(w, h);
        self.app.send(disclose::tui::msg::Msg::Resize(w, h));
    }

    pub fn press(&mut self, code: KeyCode) -> &mut Self {
        self.app.key(KeyEvent::new(code, KeyModifiers::NONE));
        self
    }

    pub fn ctrl(&mut self, c: char) -> &mut Self {
        self.app
            .key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        self
    }

    /// A key release, as Windows sends after every press: it must do nothing.
    pub fn release(&mut self, code: KeyCode) -> &mut Self {
        let mut e = KeyEvent::new(code, KeyModifiers::NONE);
        e.kind = KeyEventKind::Release;
        self.app.key(e);
        self
    }

    /// Type each character as a key press (Shift is implied by the character).
    pub fn typ(&mut self, s: &str) -> &mut Self {
        for c in s.chars() {
            let m = if c.is_ascii_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            self.app.key(KeyEvent::new(KeyCode::Char(c), m));
        }
        self
    }

    pub fn enter(&mut self) -> &mut Self {
        self.press(KeyCode::Enter)
    }

    /// Let the worker threads finish (rows read, bundle written, verified).
    pub fn settle(&mut self) -> &mut Self {
        assert!(
            self.app.settle(Duration::from_secs(60)),
            "work still under way after 60 s"
        );
        self
    }

    /// The screen as text, one line per row, trailing spaces trimmed.
    pub fn text(&mut self) -> String {
        let app = &self.app;
        self.term.draw(|f| app.draw(f)).unwrap();
        let buf = self.term.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let mut line = String::new();
            for x in 0..buf.area.width {
                line.push_str(buf[(x, y)].symbol());
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// insta settings that scrub what changes from run to run: the temp folder, hashes, ids.
pub fn scrubbed(dir: &Path) -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(&regex_escape(&dir.display().to_string()), "[TMP]");
    s.add_filter(r"/tmp/\.tmp[A-Za-z0-9]+", "[TMP]");
    s.add_filter(r"\b[0-9a-f]{64}\b", "[SHA-256]");
    s.add_filter(r"\b[0-9a-f]{16}\b", "[FINGERPRINT]");
    s.add_filter(r"_[0-9A-Za-z]{6,12}\.zip\.age", "_[ID].zip.age");
    s
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The telephone number planted in a victim's statement by [`statements_export`].
pub const PLANTED_PHONE: &str = "07700 900123";
/// The e-mail address planted in a vulnerability note by [`statements_export`].
pub const PLANTED_EMAIL: &str = "j.mills@example.org";

/// A copy of the CRIS fixture in `dir` (as `statements.csv`) with somebody else's details
/// typed into two free-text cells of rows that leave under Bromley: a telephone number in row
/// 2's Victim Personal Statement, an e-mail address in row 4's. Synthetic.
pub fn statements_export(dir: &Path) -> PathBuf {
    statements_export_with(
        dir,
        &format!("He said to ring him on {PLANTED_PHONE} to get it back"),
    )
}

/// [`statements_export`], with row 2's statement as given.
pub fn statements_export_with(dir: &Path, statement: &str) -> PathBuf {
    let csv = std::fs::read_to_string(fixture("cris-victims.csv"))
        .unwrap()
        .replacen(
            ",Stranger,Y,,Kyle Fenwick,",
            &format!(",Stranger,\"{statement}\",,Kyle Fenwick,"),
            1,
        )
        .replacen(
            ",School peer,Y,Child victim,",
            &format!(",School peer,\"Her brother ({PLANTED_EMAIL}) saw it\",Child victim,"),
            1,
        );
    assert!(csv.contains(statement) && csv.contains(PLANTED_EMAIL));
    let path = dir.join("statements.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

/// Open [`statements_export`] under Bromley YOT victims and arrive on Rows, every row decided.
pub fn statements_on_rows<'c>(catalog: &'c Catalog, dir: &Path, w: u16, h: u16) -> Screen<'c> {
    statements_export(dir);
    to_rows(catalog, dir, w, h)
}

/// [`statements_on_rows`] with row 2's statement as given.
pub fn statements_on_rows_with<'c>(
    catalog: &'c Catalog,
    dir: &Path,
    statement: &str,
) -> Screen<'c> {
    statements_export_with(dir, statement);
    to_rows(catalog, dir, 80, 24)
}

fn to_rows<'c>(catalog: &'c Catalog, dir: &Path, w: u16, h: u16) -> Screen<'c> {
    let mut s = Screen::new(catalog, options(dir), w, h);
    s.enter().typ("statements.csv").enter().settle().typ("c");
    let bromley = catalog
        .profiles
        .iter()
        .position(|p| p.id == "bromley-yot-victims")
        .unwrap();
    for _ in 0..bromley {
        s.press(KeyCode::Down);
    }
    s.enter().typ("c").settle();
    let text = s.text();
    assert_eq!(
        s.app.model.screen,
        disclose::tui::model::Screen::Rows,
        "{text}"
    );
    s
}
