//! What can stop a bundle being written.

use std::io;
use std::path::PathBuf;

/// Something that stopped a bundle being written. The temporary file is always removed; an
/// existing file is never touched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The bundle or its checksum file already exists.
    #[error(
        "{} already exists. disclose never overwrites a bundle: move the old one away or choose \
         another name.",
        .path.display()
    )]
    Exists {
        /// The existing file.
        path: PathBuf,
    },
    /// A bundle, payload or tag file name that is not allowed.
    #[error("The name \"{name}\" cannot be used: {reason}.")]
    BadName {
        /// The name, made printable.
        name: String,
        /// Why, and what is allowed.
        reason: String,
    },
    /// The same name twice in one bundle.
    #[error("\"{name}\" was added to the bundle twice; each file needs its own name.")]
    Duplicate {
        /// The name.
        name: String,
    },
    /// A bag-info label or value that cannot be written.
    #[error("The bag-info entry \"{label}\" cannot be written: {reason}.")]
    BadBagInfo {
        /// The label, made printable.
        label: String,
        /// Why.
        reason: String,
    },
    /// More recipients than a bundle may have: its own verify would refuse the header.
    #[error(
        "{count} recipients were given; a bundle is encrypted to at most {max}. Remove some, or \
         send separate bundles.",
        max = crate::keys::MAX_RECIPIENTS
    )]
    TooManyRecipients {
        /// How many were given.
        count: usize,
    },
    /// A payload file that compresses so far that a partner's verify would take it for a zip
    /// bomb (see [`crate::verify::inflates_too_far`]).
    #[error(
        "{path} is {}, and compresses to {}: more than {}-fold, which partners' verify refuses as \
         a zip bomb. The shared columns are almost all the same text: check the mapping and the \
         export.",
        crate::files::size_text(*.size),
        crate::files::size_text(*.packed),
        crate::verify::MAX_INFLATION
    )]
    InflatesTooFar {
        /// The payload path.
        path: String,
        /// Its size.
        size: u64,
        /// Its compressed size.
        packed: u64,
    },
    /// No recipients were given.
    #[error("No recipient was given: say whose public key(s) the bundle is encrypted to.")]
    NoRecipients,
    /// Reading or writing the file system failed.
    #[error("Could not {what} in {}: {source}. Check the folder exists, is writable and has space.", .dir.display())]
    Io {
        /// What was being done ("create the temporary file").
        what: &'static str,
        /// The output folder.
        dir: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The system would not start the threads that compress the bundle (nothing was written).
    #[error(
        "Could not start the threads that compress the bundle: {0}. The computer may be short \
         of memory or of threads: close other programs and try again."
    )]
    Threads(io::Error),
    /// An earlier write failed, so the bundle was abandoned.
    #[error(
        "An earlier write to this bundle failed, so it was abandoned and its temporary file will \
         be removed. Start the bundle again."
    )]
    Abandoned,
    /// A failure inside the zip or age libraries (not expected in normal use).
    #[error("Could not build the bundle: {0}.")]
    Internal(String),
}
