//! `disclose keygen`: a new age key pair for a partner without age-keygen.

use super::{Exit, fail};
use age::secrecy::ExposeSecret;
use std::io::Write;
use std::path::Path;

pub(super) fn run(output: Option<&Path>) -> Exit {
    match crate::keys::keygen(output) {
        Err(e) => fail(&e.to_string(), None),
        Ok(key) => {
            let mut out = std::io::stdout().lock();
            match (&key.identity_text, output) {
                (Some(text), _) => {
                    let _ = out.write_all(text.expose_secret().as_bytes());
                }
                (None, Some(path)) => {
                    let _ = writeln!(
                        out,
                        "Secret key written to {} (keep it private; back it up securely).",
                        path.display()
                    );
                }
                (None, None) => {}
            }
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "Public key: {}", key.public_key);
            let _ = writeln!(err, "Give the public key to whoever will send you bundles.");
            Exit::Ok
        }
    }
}
