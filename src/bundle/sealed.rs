//! A bundle written whole and flushed, still under its temporary name: the last step before
//! it is renamed into place (with its checksum and signature files beside it).

use super::*;

/// A bundle whose every byte is written and flushed to disk, still in its temporary file (see
/// [`BundleWriter::seal`]). Dropping it removes the temporary file and leaves nothing behind.
pub struct Sealed {
    pub(super) tmp: NamedTempFile,
    pub(super) dir: PathBuf,
    pub(super) target: PathBuf,
    pub(super) checksum_target: PathBuf,
    pub(super) signer: Option<(crate::sign::SigningKey, PathBuf)>,
    pub(super) file_name: String,
    /// The bundle's SHA-256: the checksum file's, and what the signature is made over.
    pub(super) sha256: [u8; 32],
    pub(super) size: u64,
    pub(super) payload: Vec<BagFile>,
}

impl Sealed {
    /// Lower-case hex SHA-256 of the bundle file.
    pub fn sha256(&self) -> String {
        crate::hex::hex(&self.sha256)
    }

    /// Size of the bundle file in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Where the bundle goes (`<out_dir>/<name>`).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The temporary file that holds it until [`Sealed::commit`].
    pub fn temp_path(&self) -> &Path {
        self.tmp.path()
    }

    /// The files [`Sealed::commit`] writes beside the bundle: `<bundle>.sha256`, and
    /// `<bundle>.sig` when signing.
    pub fn sidecars(&self) -> Vec<PathBuf> {
        std::iter::once(self.checksum_target.clone())
            .chain(self.signer.as_ref().map(|(_, p)| p.clone()))
            .collect()
    }

    /// The second half of [`BundleWriter::finish`]: writes `<bundle>.sha256` (and `<bundle>.sig`,
    /// when signing) beside the bundle, then renames it into place, never over an existing
    /// file. If the rename fails the checksum and signature just written are removed.
    pub fn commit(self) -> Result<Written, BundleError> {
        let Sealed {
            tmp,
            dir,
            target,
            checksum_target,
            signer,
            file_name,
            sha256,
            size,
            payload,
        } = self;
        let sha256_hex = crate::hex::hex(&sha256);
        let io_err = |what| {
            let dir = dir.clone();
            move |source| BundleError::Io { what, dir, source }
        };
        let mut sum_tmp = persist::temp_in(&dir).map_err(io_err("create the checksum file"))?;
        sum_tmp
            .write_all(format!("{sha256_hex}  {file_name}\n").as_bytes())
            .map_err(io_err("write the checksum file"))?;
        persist::persist_noclobber(sum_tmp, &checksum_target)
            .map_err(|e| exists_or(e, &checksum_target, io_err("save the checksum file")))?;
        let signature_path = match signer {
            Some((key, sig_target)) => {
                let written = write_signature(&dir, &key, &sha256, &sig_target, io_err);
                if let Err(e) = written {
                    let _ = std::fs::remove_file(&checksum_target);
                    return Err(e);
                }
                Some(sig_target)
            }
            None => None,
        };
        if let Err(e) = persist::persist_noclobber(tmp, &target) {
            let _ = std::fs::remove_file(&checksum_target);
            if let Some(p) = &signature_path {
                let _ = std::fs::remove_file(p);
            }
            return Err(exists_or(e, &target, io_err("save the bundle")));
        }
        Ok(Written {
            path: target,
            checksum_path: checksum_target,
            signature_path,
            sha256: sha256_hex,
            size,
            payload,
        })
    }
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealed")
            .field("target", &self.target)
            .field("sha256", &self.sha256())
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// Signs the bundle's SHA-256 and writes `<bundle>.sig` (a temporary file, then a rename that
/// never replaces an existing file).
fn write_signature<F: FnOnce(io::Error) -> BundleError>(
    dir: &Path,
    key: &crate::sign::SigningKey,
    sha256: &[u8; 32],
    target: &Path,
    io_err: impl Fn(&'static str) -> F,
) -> Result<(), BundleError> {
    let pem =
        crate::sign::sign_sha256(key, sha256).map_err(|e| BundleError::Internal(e.to_string()))?;
    let mut tmp = persist::temp_in(dir).map_err(io_err("create the signature file"))?;
    tmp.write_all(pem.as_bytes())
        .map_err(io_err("write the signature file"))?;
    persist::persist_noclobber(tmp, target)
        .map_err(|e| exists_or(e, target, io_err("save the signature file")))
}

fn exists_or(
    e: io::Error,
    path: &Path,
    other: impl FnOnce(io::Error) -> BundleError,
) -> BundleError {
    if e.kind() == io::ErrorKind::AlreadyExists {
        BundleError::Exists {
            path: path.to_path_buf(),
        }
    } else {
        other(e)
    }
}
