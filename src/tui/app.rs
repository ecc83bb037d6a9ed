//! The app: the model, and the channel its worker threads report through. Terminal events and
//! worker reports both become messages for `update`; commands `update` leaves in the model's
//! outbox are started here. Tests drive this same type with key events and a `TestBackend`.

use super::keymap;
use super::model::{Model, Options};
use super::msg::Msg;
use super::update::update;
use super::view;
use super::worker;
use crate::profile::Catalog;
use crossterm::event::{Event, KeyEvent};
use ratatui::Frame;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

pub struct App<'c> {
    pub model: Model<'c>,
    tx: Sender<Msg>,
    rx: Receiver<Msg>,
}

impl<'c> App<'c> {
    pub fn new(catalog: &'c Catalog, opts: Options) -> App<'c> {
        let (tx, rx) = channel();
        let mut app = App {
            model: Model::new(catalog, opts),
            tx,
            rx,
        };
        app.start_commands();
        app
    }

    /// Handle one message, then start whatever work it asked for.
    pub fn send(&mut self, msg: Msg) {
        update(&mut self.model, msg);
        self.start_commands();
    }

    fn start_commands(&mut self) {
        for cmd in std::mem::take(&mut self.model.cmds) {
            worker::spawn(cmd, self.tx.clone());
        }
    }

    /// A key press, through the keymap of wherever the keyboard is.
    pub fn key(&mut self, e: KeyEvent) {
        if let Some(msg) = keymap::translate(self.model.context(), e) {
            self.send(msg);
        }
    }

    /// A terminal event.
    pub fn event(&mut self, e: Event) {
        match e {
            Event::Key(k) => self.key(k),
            Event::Paste(text) => self.send(Msg::Paste(text)),
            Event::Resize(w, h) => self.send(Msg::Resize(w, h)),
            _ => {}
        }
    }

    /// Handle every worker report already waiting. Returns whether there was any.
    pub fn pump(&mut self) -> bool {
        let mut any = false;
        // Bounded, so a fast reader cannot starve the keyboard.
        for _ in 0..256 {
            match self.rx.try_recv() {
                Ok(msg) => {
                    self.send(msg);
                    any = true;
                }
                Err(_) => break,
            }
        }
        any
    }

    /// Handle worker reports until no work is under way, or `timeout` has passed. Returns
    /// whether everything finished.
    pub fn settle(&mut self, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        loop {
            self.pump();
            if !self.model.busy() {
                return true;
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            match self.rx.recv_timeout(left.min(Duration::from_millis(50))) {
                Ok(msg) => self.send(msg),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return !self.model.busy(),
            }
        }
    }

    pub fn draw(&self, f: &mut Frame) {
        view::draw(&self.model, f);
    }
}
