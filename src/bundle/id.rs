//! Bundle ids: random, 128-bit, hex; the first 8 characters go in file names.

use super::BundleError;
use std::fmt;

/// A random 128-bit bundle id, as 32 lower-case hex characters.
///
/// disclose leaves the id to the caller: make one with [`BundleId::random`], put
/// [`BundleId::short`] in the file name and the full id in `bag-info.txt`
/// (`External-Identifier`), the disclosure record and the register.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BundleId(String);

impl BundleId {
    /// A new id from the operating system's random source.
    pub fn random() -> Result<BundleId, BundleError> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| BundleError::Internal(e.to_string()))?;
        Ok(BundleId(crate::hex::hex(&bytes)))
    }

    /// The full id (32 hex characters).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 8 hex characters, for file names.
    pub fn short(&self) -> &str {
        &self.0[..8]
    }
}

impl fmt::Display for BundleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_ids_are_random_128_bit_hex_with_an_8_character_short_form() {
        let a = BundleId::random().unwrap();
        let b = BundleId::random().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 32);
        assert!(
            a.as_str()
                .bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(a.short(), &a.as_str()[..8]);
        assert_eq!(a.to_string(), a.as_str());
    }
}
