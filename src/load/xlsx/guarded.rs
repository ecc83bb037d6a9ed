//! calamine, guarded: its calls run where a panic becomes an error, and its errors (and the
//! zip crate's) become sentences that say what is wrong with the file and what to do.

use super::OLE_MAGIC;
use super::Workbook;
use super::at::At;
use super::bytes::{find, read_up_to};
use crate::load::LoadError;
use calamine::{Reader, Xlsx, XlsxError};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

pub(super) fn workbook(path: &Path, what: impl Into<String>) -> LoadError {
    LoadError::Workbook {
        path: path.to_path_buf(),
        what: what.into(),
    }
}

pub(super) fn internal_error(path: &Path) -> LoadError {
    workbook(
        path,
        "the spreadsheet reader failed on it (an internal error); the file is probably damaged",
    )
}

/// Run calamine code, turning a panic into an error.
pub(super) fn guarded<T>(
    path: &Path,
    f: impl FnOnce() -> Result<T, LoadError>,
) -> Result<T, LoadError> {
    crate::panics::quietly(|| catch_unwind(AssertUnwindSafe(f)))
        .unwrap_or_else(|_| Err(internal_error(path)))
}

pub(super) fn open_workbook(path: &Path, file: &File) -> Result<Workbook, LoadError> {
    let handle = At::new(file).map_err(|e| LoadError::io(path, e))?;
    guarded(path, || {
        Xlsx::new(BufReader::new(handle)).map_err(|e| match e {
            XlsxError::Password => workbook(path, PASSWORD),
            XlsxError::FileNotFound(ref part) if part == "_rels/.rels" => LoadError::Unsupported {
                path: path.to_path_buf(),
                what: "it is a zip archive, but not an Excel workbook".into(),
            },
            e => workbook(path, xlsx_sentence(&e)),
        })
    })
}

pub(super) const PASSWORD: &str = "it is password-protected (encrypted); open it in Excel with the password and save a copy without one";

pub(super) fn starts_with_ole(path: &Path, file: &File) -> Result<bool, LoadError> {
    let mut f = file;
    f.seek(SeekFrom::Start(0))
        .map_err(|e| LoadError::io(path, e))?;
    let mut magic = [0u8; 8];
    let n = read_up_to(&mut f, &mut magic).map_err(|e| LoadError::io(path, e))?;
    Ok(n == magic.len() && magic == OLE_MAGIC)
}

/// An OLE compound file is either an encrypted OOXML workbook or an old binary Office file.
///
/// They are told apart by the stream an encrypted workbook holds, `EncryptedPackage`, whose
/// name is in the compound file's directory as UTF-16LE; the file is scanned for it with a
/// small buffer. calamine is not asked: its compound-file reader follows sector chains from the
/// file's own tables, and a crafted 5 KB file made it allocate until the process was killed.
pub(super) fn ole_error(path: &Path, file: &File) -> LoadError {
    match holds_utf16le(file, "EncryptedPackage") {
        Err(e) => LoadError::io(path, e),
        Ok(true) => workbook(path, PASSWORD),
        Ok(false) => LoadError::Unsupported {
            path: path.to_path_buf(),
            what: "it is an Excel 97-2003 workbook (.xls) or another older Office file, not an .xlsx workbook".into(),
        },
    }
}

/// Whether `name`, encoded as UTF-16LE, occurs anywhere in the file. Memory stays flat.
pub(super) fn holds_utf16le(file: &File, name: &str) -> std::io::Result<bool> {
    let needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut f = file;
    f.seek(SeekFrom::Start(0))?;
    let mut buf = vec![0u8; 64 * 1024 + needle.len()];
    let mut kept = 0;
    loop {
        let n = match f.read(&mut buf[kept..]) {
            Ok(0) => return Ok(false),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let filled = kept + n;
        if find(&buf[..filled], &needle).is_some() {
            return Ok(true);
        }
        // Keep the tail, in case the name straddles two reads.
        kept = (needle.len() - 1).min(filled);
        buf.copy_within(filled - kept..filled, 0);
    }
}

/// A calamine error as a clause for "the workbook could not be read: ...". Never quotes a cell
/// value: variants that carry one are described without it.
pub(super) fn xlsx_sentence(e: &XlsxError) -> String {
    match e {
        XlsxError::Io(e) => format!("reading it failed ({e})"),
        XlsxError::Zip(e) => zip_sentence(e),
        XlsxError::Xml(_) | XlsxError::XmlAttr(_) | XlsxError::Encoding(_) => {
            "its XML is malformed: the file is damaged, or was not written by a spreadsheet program"
                .into()
        }
        XlsxError::XmlEof(_) => {
            "a part of it ends too soon: the file is damaged or incomplete".into()
        }
        XlsxError::UnexpectedNode(what) => {
            format!("its XML is not laid out as a workbook's should be (expected {what})")
        }
        XlsxError::FileNotFound(part) => format!("the part {part:?} is missing from it"),
        XlsxError::RelationshipNotFound => {
            "a sheet's link to its cells is missing (a relationship was not found)".into()
        }
        XlsxError::Alphanumeric(_)
        | XlsxError::NumericColumn(_)
        | XlsxError::RangeWithoutColumnComponent
        | XlsxError::RangeWithoutRowComponent
        | XlsxError::ColumnNumberOverflow
        | XlsxError::RowNumberOverflow
        | XlsxError::DimensionCount(_) => "a cell reference in it is malformed".into(),
        XlsxError::ParseFloat(_) | XlsxError::ParseInt(_) | XlsxError::Parse(_) => {
            "a number cell holds something that is not a number".into()
        }
        XlsxError::CellTAttribute(_) => "a cell has a type this program does not know".into(),
        XlsxError::CellError(token) => {
            let token = token.trim();
            let safe = token.len() <= 20
                && token.starts_with('#')
                && token
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"#/!?_".contains(&b));
            if safe {
                format!(
                    "a cell holds the error value {token}, which this program does not know; \
                     replace the formula's results with values in Excel, or fix the formula"
                )
            } else {
                "a cell holds an error value this program does not know".into()
            }
        }
        XlsxError::Password => PASSWORD.into(),
        XlsxError::Unrecognized { typ, .. } => format!("it holds an unrecognised {typ}"),
        XlsxError::Unexpected(what) => format!("it is not laid out as expected ({what})"),
        XlsxError::WorksheetNotFound(name) => format!("the sheet {name:?} is missing from it"),
        XlsxError::NotAWorksheet(_) => "the sheet is not a worksheet with cells".into(),
        _ => "its structure is not understood".into(),
    }
}

pub(super) fn zip_sentence(e: &zip::result::ZipError) -> String {
    use zip::result::ZipError;
    match e {
        ZipError::Io(e) => {
            format!("it is damaged or incomplete: its zip container cannot be unpacked ({e})")
        }
        ZipError::InvalidArchive(why) => format!(
            "it is damaged or incomplete: it is not a readable zip archive ({why}); was a copy or download cut short?"
        ),
        ZipError::UnsupportedArchive(why) if *why == ZipError::PASSWORD_REQUIRED => {
            "its parts are encrypted with a zip password".into()
        }
        ZipError::UnsupportedArchive(why) => {
            format!("its zip container uses a feature that is not supported ({why})")
        }
        ZipError::CompressionMethodNotSupported(m) => {
            format!("its zip container uses a compression method that is not supported ({m})")
        }
        ZipError::FileNotFound => "a part of it is missing".into(),
        ZipError::InvalidPassword => "its parts are encrypted with a zip password".into(),
        e => format!("its zip container cannot be read ({e})"),
    }
}

/// What a part whose unpacking failed is told.
pub(super) fn damaged_part(e: &std::io::Error) -> String {
    format!("it is damaged: a part of it does not unpack as it should ({e})")
}
