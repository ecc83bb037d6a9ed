//! The checksum algorithms BagIt manifests may use, computed side by side in one pass.
//!
//! Supported: md5, sha224, sha256, sha384, sha512 (the ones the BagIt conformance suite's valid
//! bags use, plus the SHA-2 family). Others (e.g. sha1) are reported as not checkable.

use md5::Md5;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

/// A manifest checksum algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Algorithm {
    /// MD5 (weak; still common in older bags).
    Md5,
    /// SHA-224.
    Sha224,
    /// SHA-256 (what disclose writes).
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Algorithm {
    /// The algorithm named in a manifest file name (`manifest-<name>.txt`), if supported.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Some(match name {
            "md5" => Algorithm::Md5,
            "sha224" => Algorithm::Sha224,
            "sha256" => Algorithm::Sha256,
            "sha384" => Algorithm::Sha384,
            "sha512" => Algorithm::Sha512,
            _ => return None,
        })
    }

    /// The name used in manifest file names.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha224 => "sha224",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha384 => "sha384",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// Length of the checksum in hex characters.
    pub fn hex_len(self) -> usize {
        match self {
            Algorithm::Md5 => 32,
            Algorithm::Sha224 => 56,
            Algorithm::Sha256 => 64,
            Algorithm::Sha384 => 96,
            Algorithm::Sha512 => 128,
        }
    }
}

enum One {
    Md5(Md5),
    Sha224(Sha224),
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

/// Several hashes of the same bytes at once.
pub(crate) struct MultiHasher {
    hashers: Vec<(Algorithm, One)>,
}

impl MultiHasher {
    pub(crate) fn new(algorithms: &[Algorithm]) -> MultiHasher {
        let mut algs = algorithms.to_vec();
        algs.sort();
        algs.dedup();
        MultiHasher {
            hashers: algs
                .into_iter()
                .map(|a| {
                    let h = match a {
                        Algorithm::Md5 => One::Md5(Md5::new()),
                        Algorithm::Sha224 => One::Sha224(Sha224::new()),
                        Algorithm::Sha256 => One::Sha256(Sha256::new()),
                        Algorithm::Sha384 => One::Sha384(Sha384::new()),
                        Algorithm::Sha512 => One::Sha512(Sha512::new()),
                    };
                    (a, h)
                })
                .collect(),
        }
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        for (_, h) in &mut self.hashers {
            match h {
                One::Md5(h) => h.update(bytes),
                One::Sha224(h) => h.update(bytes),
                One::Sha256(h) => h.update(bytes),
                One::Sha384(h) => h.update(bytes),
                One::Sha512(h) => h.update(bytes),
            }
        }
    }

    /// Lower-case hex per algorithm.
    pub(crate) fn finish(self) -> Vec<(Algorithm, String)> {
        use crate::hex::hex;
        self.hashers
            .into_iter()
            .map(|(a, h)| {
                let hex = match h {
                    One::Md5(h) => hex(&h.finalize()),
                    One::Sha224(h) => hex(&h.finalize()),
                    One::Sha256(h) => hex(&h.finalize()),
                    One::Sha384(h) => hex(&h.finalize()),
                    One::Sha512(h) => hex(&h.finalize()),
                };
                (a, hex)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        let mut h = MultiHasher::new(&[Algorithm::Sha256, Algorithm::Md5, Algorithm::Sha256]);
        h.update(b"a");
        h.update(b"bc");
        let out = h.finish();
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0],
            (Algorithm::Md5, "900150983cd24fb0d6963f7d28e17f72".into())
        );
        assert_eq!(
            out[1].1,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        for a in [
            Algorithm::Md5,
            Algorithm::Sha224,
            Algorithm::Sha256,
            Algorithm::Sha384,
            Algorithm::Sha512,
        ] {
            let mut h = MultiHasher::new(&[a]);
            h.update(b"x");
            assert_eq!(h.finish()[0].1.len(), a.hex_len());
            assert_eq!(Algorithm::from_name(a.name()), Some(a));
        }
    }
}
