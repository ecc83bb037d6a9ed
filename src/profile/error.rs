//! A profile that cannot be used, and where in its file the problem is.

use crate::advice::{Advice, Setting};

/// A profile that cannot be used, with where the problem is.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {what}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct ProfileError {
    pub file: String,
    pub line: Option<usize>,
    pub what: String,
}

/// The largest profile file read from `--profiles`: the biggest built-in one is a few dozen
/// KiB.
pub const MAX_PROFILE_BYTES: u64 = 1 << 20;

impl ProfileError {
    /// What the analyst can do about it.
    pub fn advice(&self) -> Advice {
        Advice::text("Fix the profile file at that line (see profiles/README.md for the format), or remove it from the ")
            .then(Setting::Profiles)
            .and(".")
    }
}

pub(super) struct Ctx<'a> {
    pub(super) file: &'a str,
    pub(super) text: &'a str,
}

impl Ctx<'_> {
    pub(super) fn err<T>(
        &self,
        span: Option<std::ops::Range<usize>>,
        what: impl Into<String>,
    ) -> Result<T, ProfileError> {
        Err(ProfileError {
            file: self.file.to_string(),
            line: span.map(|s| line_of(self.text, s.start)),
            what: what.into(),
        })
    }
}

pub(super) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
