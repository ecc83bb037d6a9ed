//! Writing a disclosure bundle: CSV bytes → zip entry (a BagIt bag, RFC 8493) → age encryption
//! → a temporary file in the output folder → renamed into place, never over an existing file.
//!
//! Everything is streamed and hashed on the way: the payload SHA-256s come from the plaintext as
//! it is written (they feed `manifest-sha256.txt`), the bundle SHA-256 from the ciphertext (it
//! feeds `<bundle>.sha256`). Memory stays flat whatever the payload size, and no plaintext byte
//! reaches the disk: the zip is written in streaming mode (data descriptors, no seeking) straight
//! into the age encryptor, and only ciphertext is written to the temporary file.
//!
//! ```no_run
//! use disclose::bundle::{BundleWriter, BundleId};
//! use disclose::keys::{Encryption, read_recipients_file};
//! use std::io::Write;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let enc = Encryption::new(read_recipients_file("yot.txt".as_ref())?, None)?;
//! let id = BundleId::random()?;
//! let name = format!("bromley-yot_2025-01_{}.zip.age", id.short());
//! let mut w = BundleWriter::create("out".as_ref(), &name, &enc)?;
//! {
//!     let mut p = w.payload("data/cris.csv")?;
//!     p.write_all(b"URN,Offence\r\n")?;
//! }
//! let written = w.finish(
//!     &[("External-Identifier".into(), id.to_string())],
//!     vec![("disclosure-record.json".into(), b"{}".to_vec())],
//! )?;
//! println!("{} {}", written.path.display(), written.sha256);
//! # Ok(()) }
//! ```

mod bag;
mod csv_out;
mod deflate;
mod error;
mod id;
mod persist;
mod sealed;
mod zipout;

pub use bag::{BAGIT_TXT, BagFile, check_payload_path};
pub use csv_out::CsvOut;
pub use error::BundleError;
pub use id::BundleId;
pub use persist::{TEMP_PREFIX, clean_stale_temp_files};
pub use sealed::Sealed;

pub use crate::keys::Encryption;
use crate::keys::PASSPHRASE_WORK_FACTOR;
pub use deflate::Level;
use deflate::ParallelDeflate;
use persist::HashingWriter;
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;
use zipout::ZipOut;

/// What [`BundleWriter::finish`] wrote.
#[derive(Clone, Debug)]
pub struct Written {
    /// The bundle (`<out_dir>/<name>`).
    pub path: PathBuf,
    /// The checksum file beside it (`<bundle>.sha256`).
    pub checksum_path: PathBuf,
    /// The detached OpenSSH signature beside it (`<bundle>.sig`), when the bundle was signed.
    pub signature_path: Option<PathBuf>,
    /// Lower-case hex SHA-256 of the bundle file.
    pub sha256: String,
    /// Size of the bundle file in bytes.
    pub size: u64,
    /// The payload files, with the SHA-256s in `manifest-sha256.txt`.
    pub payload: Vec<BagFile>,
}

type CipherSink = HashingWriter<NamedTempFile>;
type AgeOut = age::stream::StreamWriter<CipherSink>;

/// Writes one bundle. Dropping it without [`BundleWriter::finish`] (or any failure) removes the
/// temporary file and leaves nothing behind.
pub struct BundleWriter {
    zip: ZipOut<AgeOut>,
    deflate: ParallelDeflate,
    dir: PathBuf,
    target: PathBuf,
    checksum_target: PathBuf,
    /// The key that signs the finished file, and where its signature goes.
    signer: Option<(crate::sign::SigningKey, PathBuf)>,
    file_name: String,
    payload: Vec<BagFile>,
    /// The path of the payload file being written, if one is open.
    open: Option<String>,
    failed: bool,
}

impl BundleWriter {
    /// Starts a bundle called `file_name` in `out_dir`, encrypted as `encryption` says.
    ///
    /// Fails at once if the bundle or its `.sha256` already exists. The temporary file
    /// (`.disclose-tmp-…`) is made in `out_dir`, so the final rename never crosses disks.
    pub fn create(
        out_dir: &Path,
        file_name: &str,
        encryption: &Encryption,
    ) -> Result<BundleWriter, BundleError> {
        BundleWriter::create_signed(out_dir, file_name, encryption, None)
    }

    /// [`BundleWriter::create`], and when `signer` is given, [`BundleWriter::finish`] also
    /// writes `<bundle>.sig`: an OpenSSH signature (SSHSIG, namespace `disclose`) over the
    /// bundle file, made over the SHA-256 taken as the ciphertext is written.
    pub fn create_signed(
        out_dir: &Path,
        file_name: &str,
        encryption: &Encryption,
        signer: Option<&crate::sign::SigningKey>,
    ) -> Result<BundleWriter, BundleError> {
        BundleWriter::create_with(out_dir, file_name, encryption, signer, Level::Default)
    }

    /// [`BundleWriter::create_signed`], compressing at `level`.
    pub fn create_with(
        out_dir: &Path,
        file_name: &str,
        encryption: &Encryption,
        signer: Option<&crate::sign::SigningKey>,
        level: Level,
    ) -> Result<BundleWriter, BundleError> {
        bag::check_bundle_name(file_name)?;
        let target = out_dir.join(file_name);
        let checksum_target = out_dir.join(format!("{file_name}.sha256"));
        let signer = signer.map(|k| (k.clone(), crate::sign::signature_path(&target)));
        for path in [&target, &checksum_target]
            .into_iter()
            .chain(signer.as_ref().map(|(_, p)| p))
        {
            if path.symlink_metadata().is_ok() {
                return Err(BundleError::Exists { path: path.clone() });
            }
        }
        let encryptor = encryptor(encryption)?;
        let io_err = |what| {
            move |source| BundleError::Io {
                what,
                dir: out_dir.to_path_buf(),
                source,
            }
        };
        // Threads first, so a failure to start them leaves nothing in the folder.
        let deflate = ParallelDeflate::new(level).map_err(BundleError::Threads)?;
        let tmp = persist::temp_in(out_dir).map_err(io_err("create the temporary file"))?;
        let sink = HashingWriter::new(tmp);
        let age_out = encryptor
            .wrap_output(sink)
            .map_err(io_err("write the temporary file"))?;
        Ok(BundleWriter {
            zip: ZipOut::new(age_out),
            deflate,
            dir: out_dir.to_path_buf(),
            target,
            checksum_target,
            signer,
            file_name: file_name.to_string(),
            payload: Vec::new(),
            open: None,
            failed: false,
        })
    }

    /// Sets the modification time stored for the files in the zip (default 1980-01-01, the
    /// zip format's earliest). Zip times have no time zone: pass local time if partners should
    /// see local times. Times outside 1980–2107 are ignored.
    pub fn set_timestamp(&mut self, t: time::PrimitiveDateTime) {
        if let Ok(year) = u16::try_from(t.year())
            && let Ok(dt) = zip::DateTime::from_date_and_time(
                year,
                t.month() as u8,
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
            )
        {
            self.zip.set_modified(dt.timepart(), dt.datepart());
        }
    }

    /// Starts the payload file `path` (`data/…`, letters, digits, `.`, `_`, `-`) and returns a
    /// writer for its bytes. The file ends when the writer is dropped and the next file is
    /// started or the bundle finished.
    pub fn payload(&mut self, path: &str) -> Result<PayloadWriter<'_>, BundleError> {
        self.usable()?;
        bag::check_payload_path(path)?;
        self.close_open()?;
        // In any case or Unicode form: one file on Windows or macOS.
        let key = crate::names::folded(path);
        if self
            .payload
            .iter()
            .any(|f| crate::names::folded(&f.path) == key)
        {
            return Err(BundleError::Duplicate {
                name: path.to_string(),
            });
        }
        // Payloads may exceed 4 GiB, and a streamed entry cannot be switched to ZIP64 once
        // started, so payloads always carry ZIP64 sizes (20 bytes each; every current unzip
        // reads them).
        if let Err(e) = self.zip.start_entry(path, true) {
            self.failed = true;
            return Err(self.io(e));
        }
        self.open = Some(path.to_string());
        Ok(PayloadWriter { bundle: self })
    }

    /// Writes the tag files and manifests, finishes the encryption, flushes the file to disk,
    /// writes `<bundle>.sha256` (and `<bundle>.sig`, when signing) beside it, then renames the
    /// bundle into place: [`BundleWriter::seal`] then [`Sealed::commit`].
    ///
    /// `bag_info` is written to `bag-info.txt` in order, followed by the `Payload-Oxum`
    /// disclose computes. `tag_files` (e.g. `disclosure-record.json`) go at the top of the bag
    /// and are listed in `tagmanifest-sha256.txt`.
    ///
    /// Either all the files appear or none does: if the bundle cannot be renamed into place
    /// (e.g. another run created it meanwhile) the checksum and signature just written are
    /// removed.
    pub fn finish(
        self,
        bag_info: &[(String, String)],
        tag_files: Vec<(String, Vec<u8>)>,
    ) -> Result<Written, BundleError> {
        self.seal(bag_info, tag_files)?.commit()
    }

    /// The first half of [`BundleWriter::finish`]: writes the tag files and manifests, finishes
    /// the encryption and flushes the temporary file to disk, but leaves it where it is. The
    /// [`Sealed`] bundle knows its SHA-256 and where it will go; nothing appears under the
    /// bundle's name until [`Sealed::commit`]. Dropping it removes the temporary file.
    pub fn seal(
        mut self,
        bag_info: &[(String, String)],
        tag_files: Vec<(String, Vec<u8>)>,
    ) -> Result<Sealed, BundleError> {
        self.usable()?;
        self.close_open()?;
        for (i, (name, _)) in tag_files.iter().enumerate() {
            bag::check_tag_name(name)?;
            if tag_files[..i]
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                return Err(BundleError::Duplicate { name: name.clone() });
            }
        }
        let info = bag::bag_info(bag_info, &self.payload)?;
        let manifest = bag::manifest(&self.payload);
        let mut tags = vec![
            ("bagit.txt".to_string(), BAGIT_TXT.as_bytes().to_vec()),
            ("bag-info.txt".to_string(), info.into_bytes()),
            ("manifest-sha256.txt".to_string(), manifest.into_bytes()),
        ];
        tags.extend(tag_files);
        let mut listed = Vec::new();
        for (name, bytes) in &tags {
            self.put_tag(name, bytes)?;
            listed.push(BagFile {
                path: name.clone(),
                sha256: crate::hex::hex(&Sha256::digest(bytes)),
                bytes: bytes.len() as u64,
            });
        }
        self.put_tag("tagmanifest-sha256.txt", bag::manifest(&listed).as_bytes())?;

        let BundleWriter {
            zip,
            dir,
            target,
            checksum_target,
            signer,
            file_name,
            payload,
            ..
        } = self;
        let io_err = |what| {
            let dir = dir.clone();
            move |source| BundleError::Io { what, dir, source }
        };
        let age_out = zip.finish().map_err(io_err("write the bundle"))?;
        let sink = age_out
            .finish()
            .map_err(io_err("finish writing the bundle"))?;
        let (tmp, sha256, size) = sink
            .into_parts()
            .map_err(io_err("finish writing the bundle"))?;
        tmp.as_file()
            .sync_all()
            .map_err(io_err("finish writing the bundle"))?;
        Ok(Sealed {
            tmp,
            dir,
            target,
            checksum_target,
            signer,
            file_name,
            sha256,
            size,
            payload,
        })
    }

    fn put_tag(&mut self, name: &str, bytes: &[u8]) -> Result<(), BundleError> {
        let zip = &mut self.zip;
        let deflate = &mut self.deflate;
        let result = zip.start_entry(name, false).and_then(|()| {
            let mut out = |b: &[u8]| zip.write_data(b);
            deflate.write(bytes, &mut out)?;
            let end = deflate.finish_entry(&mut out)?;
            zip.end_entry(end.crc, end.len)
        });
        result.map_err(|e| {
            self.failed = true;
            self.io(e)
        })
    }

    fn usable(&self) -> Result<(), BundleError> {
        if self.failed {
            Err(BundleError::Abandoned)
        } else {
            Ok(())
        }
    }

    /// Ends the payload file being written, if any, and records its SHA-256 and size.
    fn close_open(&mut self) -> Result<(), BundleError> {
        let Some(path) = self.open.take() else {
            return Ok(());
        };
        let zip = &mut self.zip;
        let result = self
            .deflate
            .finish_entry(&mut |b| zip.write_data(b))
            .map(|end| (end, zip.open_compressed()));
        if let Ok((end, packed)) = &result
            && crate::verify::inflates_too_far(end.len, *packed)
        {
            self.failed = true;
            return Err(BundleError::InflatesTooFar {
                path,
                size: end.len,
                packed: *packed,
            });
        }
        let result = result.and_then(|(end, _)| zip.end_entry(end.crc, end.len).map(|()| end));
        let end = match result {
            Ok(end) => end,
            Err(e) => {
                self.failed = true;
                return Err(self.io(e));
            }
        };
        self.payload.push(BagFile {
            path,
            sha256: crate::hex::hex(&end.sha256),
            bytes: end.len,
        });
        Ok(())
    }

    fn io(&self, source: io::Error) -> BundleError {
        BundleError::Io {
            what: "write the bundle",
            dir: self.dir.clone(),
            source,
        }
    }
}

impl fmt::Debug for BundleWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BundleWriter")
            .field("target", &self.target)
            .field("payload", &self.payload)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

/// The bytes of one payload file. The compressor hashes and counts exactly what it accepts.
pub struct PayloadWriter<'a> {
    bundle: &'a mut BundleWriter,
}

impl Write for PayloadWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.bundle.failed {
            return Err(io::Error::other(BundleError::Abandoned.to_string()));
        }
        let bundle = &mut *self.bundle;
        let zip = &mut bundle.zip;
        match bundle.deflate.write(buf, &mut |b| zip.write_data(b)) {
            Ok(()) => Ok(buf.len()),
            Err(e) => {
                bundle.failed = true;
                Err(e)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        // The zip and age layers buffer by design (deflate blocks, 64 KiB age chunks); the data
        // reaches the disk when the bundle is finished.
        Ok(())
    }
}

fn encryptor(encryption: &Encryption) -> Result<age::Encryptor, BundleError> {
    let internal = |e: age::EncryptError| BundleError::Internal(e.to_string());
    match encryption {
        Encryption::Recipients(rs) if rs.is_empty() => Err(BundleError::NoRecipients),
        Encryption::Recipients(rs) if rs.len() > crate::keys::MAX_RECIPIENTS => {
            Err(BundleError::TooManyRecipients { count: rs.len() })
        }
        Encryption::Recipients(rs) => {
            age::Encryptor::with_recipients(rs.iter().map(|r| r.age() as &dyn age::Recipient))
                .map_err(internal)
        }
        Encryption::Passphrase(p) => {
            let mut r = age::scrypt::Recipient::new(p.clone());
            r.set_work_factor(PASSPHRASE_WORK_FACTOR);
            age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
                .map_err(internal)
        }
    }
}
