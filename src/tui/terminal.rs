//! Taking over the terminal and always giving it back: raw mode, the alternate screen and
//! bracketed paste are undone when the guard drops (normal exit or error) and by a panic hook
//! (a panic), so the analyst is never left with a broken console.

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use ratatui::DefaultTerminal;
use std::io::stdout;

pub struct Terminal {
    pub inner: DefaultTerminal,
}

/// Enter raw mode and the alternate screen; install the restoring panic hook.
pub fn enter() -> std::io::Result<Terminal> {
    // ratatui's hook restores raw mode and the screen, then calls the previous hook.
    let inner = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            ratatui::restore();
            return Err(e);
        }
    };
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(stdout(), DisableBracketedPaste);
        previous(info);
    }));
    // Not every console supports bracketed paste (the old Windows one does not); pasting then
    // arrives as typed keys, which works too.
    let _ = execute!(stdout(), EnableBracketedPaste);
    Ok(Terminal { inner })
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableBracketedPaste);
        ratatui::restore();
    }
}
