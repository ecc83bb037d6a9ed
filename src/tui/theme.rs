//! How status looks: styles that honour `NO_COLOR`, and the symbols that always go with a
//! colour (so status is never carried by colour alone). ASCII symbols are available for the old
//! Windows console, whose raster fonts lack ✓ and ✗.

use ratatui::style::{Color, Modifier, Style};

/// Styles and symbols for one run, fixed at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
}

impl Theme {
    /// From the environment: `NO_COLOR` (any non-empty value) turns colour off; `DISCLOSE_ASCII`
    /// (any non-empty value) asks for ASCII symbols. On Windows, ASCII is also chosen outside
    /// Windows Terminal (no `WT_SESSION`), i.e. on the old console host.
    pub fn from_env() -> Theme {
        let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        Theme {
            color: !set("NO_COLOR"),
            ascii: set("DISCLOSE_ASCII") || (cfg!(windows) && !set("WT_SESSION")),
        }
    }

    /// Colour and Unicode symbols: what tests use unless they say otherwise.
    pub fn plain_unicode() -> Theme {
        Theme {
            color: true,
            ascii: false,
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn shared(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn withheld(&self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn rule_only(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn bad(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    pub fn good(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }
    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    /// The selected line of the focused list: reverse video reads without colour too.
    pub fn cursor(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    /// The selected line of a list that does not have the focus.
    pub fn cursor_unfocused(&self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }
    /// A detail found in free text, highlighted in the viewer: reverse video reads without
    /// colour too.
    pub fn found(&self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }
    pub fn focus_border(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// ✓ shared (or passed).
    pub fn ok_mark(&self) -> &'static str {
        if self.ascii { "+" } else { "✓" }
    }
    /// ✗ withheld (or failed, or excluded).
    pub fn no_mark(&self) -> &'static str {
        if self.ascii { "x" } else { "✗" }
    }
    /// · read by rules only.
    pub fn rule_mark(&self) -> &'static str {
        if self.ascii { "~" } else { "·" }
    }
    /// ! a warning.
    pub fn warn_mark(&self) -> &'static str {
        "!"
    }
    /// A gap in the frozen column divider.
    pub fn divider(&self) -> &'static str {
        if self.ascii { "|" } else { "│" }
    }
}
