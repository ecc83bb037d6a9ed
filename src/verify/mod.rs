//! Verifying a bundle on receipt, or a bag already extracted: decrypt as a stream, refuse unsafe
//! zips, validate the BagIt bag, and report every problem in sentences a partner understands.
//!
//! Nothing is written unless asked (`extract`), and then only after everything has passed.

mod bag;
mod digest;
mod dir;
mod report;

pub use digest::Algorithm;
pub use report::{Check, PayloadFile, Report};

use std::path::Path;

/// Validates a bag that is already a folder (e.g. extracted by a partner with stock tools, to
/// re-check later): the same bag checks as [`verify_bundle`], on the file system. Links and
/// special files are reported, never followed.
pub fn verify_bag_dir(dir: &Path) -> Report {
    let mut report = Report::default();
    if let Some(mut bag) = dir::DirBag::open(dir, &mut report) {
        bag::check_bag(&mut bag, &mut report);
    }
    report
}
