//! Applying a profile (to be written).
