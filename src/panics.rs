//! What a panic prints. A panic message can hold anything the code had in hand, cell values
//! included, so the hook prints only where it happened; and panics that the loaders catch and
//! turn into a clear error (a crafted workbook tripping calamine) print nothing at all.

use std::cell::Cell;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Run `f` with panic messages silenced on this thread: for code whose panics the caller
/// catches and reports as an error of its own.
pub fn quietly<R>(f: impl FnOnce() -> R) -> R {
    let before = QUIET.with(|q| q.replace(true));
    let out = f();
    QUIET.with(|q| q.set(before));
    out
}

/// Replace the default panic message with one that shows no data.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        if QUIET.with(Cell::get) {
            return;
        }
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "disclose: internal error{at}. Nothing from your files is shown here. Nothing was \
             written. Please report the command you ran (not the data) to whoever supports the tool."
        );
    }));
}
