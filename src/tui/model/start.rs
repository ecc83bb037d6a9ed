//! The Start screen: its menu, which the view draws and `update` moves through.

/// How many entries the start menu has.
pub const START_ITEMS: usize = 3;

/// The start menu's entries.
pub const START_MENU: [(&str, &str); START_ITEMS] = [
    (
        "Prepare a disclosure",
        "Open the exports, choose the agreement, check columns and rows, write the bundle.",
    ),
    (
        "Verify a received bundle",
        "Check a bundle with your key or the passphrase; read its disclosure record.",
    ),
    ("Quit", ""),
];
