//! The screens' geometry at a terminal size: what the view lays out and what `update` needs to
//! know of it (how many rows a page holds, how big the viewer is) to move cursors and scroll.
//! Both read it from here, so `update` does not import the view.

/// The smallest window the screens are laid out for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Lines between the title bar and the status and footer lines.
pub fn body_height(size: (u16, u16)) -> u16 {
    size.1.saturating_sub(3)
}

/// The viewer's text area at this terminal size: (columns, lines).
pub fn viewer_size(size: (u16, u16)) -> (u16, u16) {
    let w = size.0.saturating_sub(4).min(90);
    (
        w.saturating_sub(2),
        body_height(size).saturating_sub(2).max(1),
    )
}

/// Lines a bordered list filling the body can show.
pub fn list_height(size: (u16, u16)) -> u16 {
    body_height(size).saturating_sub(2).max(1)
}

/// Data rows the Rows screen's table can show at this terminal size.
pub fn table_rows(size: (u16, u16)) -> usize {
    body_height(size).saturating_sub(4).max(1) as usize
}
