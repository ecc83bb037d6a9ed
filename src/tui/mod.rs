//! The interactive screens (`disclose` with no command): open the exports, choose the
//! agreement, check columns and rows, write the bundle; or verify a received one.
//!
//! Elm-style: one [`model::Model`], one [`msg::Msg`] enum, [`update::update`] the only place
//! state changes, [`view::draw`] a pure function of the model. Keys become messages only
//! through [`keymap`], whose tables also generate the footer and the help overlay. Long work
//! runs on threads ([`worker`]) that report back through a channel, so the screen never
//! freezes. The core (load, apply, job, pack, verify) does all the deciding; nothing here
//! writes a cell value anywhere.

pub mod app;
mod browse;
mod fate;
mod init;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod memory;
pub mod model;
pub mod msg;
pub mod readiness;
pub mod store;
pub mod terminal;
pub mod text_input;
pub mod theme;
pub mod update;
pub mod view;
pub mod words;
pub mod worker;

pub use app::App;
pub use model::Options;

use crate::dates::Date;
use crate::profile::Catalog;
use std::path::PathBuf;
use std::time::Duration;

impl Options {
    /// Options for a real run: the environment's config folder, theme and current folder.
    pub fn from_env(today: Date) -> Options {
        Options {
            files: Vec::new(),
            profile: None,
            verify: None,
            today,
            config_dir: memory::config_dir(),
            register: None,
            theme: theme::Theme::from_env(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        }
    }
}

/// Run the screens until the analyst quits. The terminal is restored however this ends.
pub fn run(catalog: &Catalog, opts: Options) -> std::io::Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(std::io::Error::other(
            "the interactive screens need a terminal (a console window); for scripts, use the commands: disclose --help",
        ));
    }
    let mut term = terminal::enter()?;
    let mut app = App::new(catalog, opts);
    let size = term.inner.size()?;
    app.send(msg::Msg::Resize(size.width, size.height));
    while !app.model.quit {
        term.inner.draw(|f| app.draw(f))?;
        // Poll with a timeout so worker reports (rows read, progress) are drawn promptly.
        if crossterm::event::poll(Duration::from_millis(50))? {
            app.event(crossterm::event::read()?);
            while crossterm::event::poll(Duration::ZERO)? {
                app.event(crossterm::event::read()?);
            }
        }
        app.pump();
    }
    // Quitting while a bundle is being written cancelled it: let the writer remove its
    // temporary file before the process ends.
    if app.model.writing.is_some() {
        app.settle(Duration::from_secs(10));
    }
    Ok(())
}
