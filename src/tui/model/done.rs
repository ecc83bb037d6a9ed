//! The Done screen: what was written and where.

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct DoneInfo {
    pub bundle: PathBuf,
    pub checksum: PathBuf,
    pub sha256: String,
    pub register: PathBuf,
    pub register_seq: u64,
    pub rows_shared: u64,
    pub recipients: Vec<String>,
    /// Why the bundle was made, as recorded.
    pub reason: String,
    /// What the agreement says to do with the bundle (how it travels).
    pub transfer_advice: String,
    /// The signing key's fingerprint, and the public key to publish when it was just made.
    pub signing_key: Option<String>,
    pub key_to_publish: Option<PathBuf>,
}
