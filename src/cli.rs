//! The headless commands (to be written).
