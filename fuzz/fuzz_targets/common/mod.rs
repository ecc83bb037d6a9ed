//! Shared by the fuzz targets: a scratch folder for inputs that must be files, load options
//! taken from the input's first byte, and the invariants every loaded table must keep.
#![allow(dead_code)]

use disclose::load::{Limits, LoadOptions, Table};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A folder for this fuzzing process (in /dev/shm when there is one: files are written for
/// every input).
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("disclose-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch folder");
        dir
    })
}

/// Writes `bytes` to `scratch()/name` and returns the path.
pub fn write_scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let path = scratch().join(name);
    std::fs::write(&path, bytes).expect("scratch file");
    path
}

/// A first byte below 8 chooses options (bit 0: header on row 2; bit 1: tiny limits; bit 2:
/// the sheet "Data") and is not part of the file. Any other first byte is the file's own, so
/// real files are seeds as they are.
pub fn split_options(data: &[u8]) -> (LoadOptions, &[u8]) {
    let mut options = LoadOptions::default();
    match data.split_first() {
        Some((&b, rest)) if b < 8 => {
            if b & 1 != 0 {
                options.header_row = Some(2);
            }
            if b & 2 != 0 {
                options.limits = Limits {
                    max_cell_bytes: 8,
                    max_record_bytes: 32,
                    max_columns: 4,
                };
            }
            if b & 4 != 0 {
                options.sheet = Some("Data".into());
            }
            (options, rest)
        }
        _ => (options, data),
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What every table that opened must satisfy, whatever the input. Returns the rows read when
/// the stream ended without error.
pub fn check_table(
    table: &Table,
    options: &LoadOptions,
    file: &[u8],
) -> Option<Vec<disclose::load::Row>> {
    let limits = options.limits;
    let h = &table.headers;
    assert!(!h.is_empty(), "a table without headers");
    assert!(h.len() <= limits.max_columns, "more headers than the limit");
    let mut seen = std::collections::HashSet::new();
    for name in h {
        assert!(!name.is_empty(), "a blank header name");
        assert_eq!(name.trim(), name, "a header name not trimmed");
        assert!(seen.insert(name.to_lowercase()), "a duplicate header name");
    }
    if let Some(row) = options.header_row {
        assert_eq!(
            table.header_row, row,
            "the header is not on the row asked for"
        );
    }
    assert_eq!(table.size, file.len() as u64, "size is not the file's");
    if let disclose::load::Format::Xlsx { hidden, .. } = &table.format {
        let listed = hidden.first_rows.len() as u64;
        assert!(
            listed <= hidden.rows.min(5),
            "hidden rows listed beyond their count or five"
        );
        assert!(
            hidden.first_rows.windows(2).all(|w| w[0] < w[1]),
            "hidden rows not listed in increasing order"
        );
        assert!(
            hidden
                .first_rows
                .iter()
                .all(|&r| r > u64::from(table.header_row)),
            "a hidden row at or above the header listed"
        );
        assert!(
            hidden.columns.len() <= h.len() && hidden.columns.iter().all(|c| h.contains(&c.header)),
            "a hidden column that is not one of the header's"
        );
    }

    let mut rows = table.rows().expect("rows() of a table that just opened");
    let mut out = Vec::new();
    let mut last = u64::from(table.header_row);
    let mut failed = false;
    for (n, row) in rows.by_ref().enumerate() {
        assert!(n < 1_000_000, "the row stream does not end");
        match row {
            Ok(row) => {
                assert!(!failed, "a row after an error");
                assert_eq!(row.cells.len(), h.len(), "a row not as wide as the header");
                assert!(row.number > last, "row numbers not increasing");
                last = row.number;
                let mut total = 0usize;
                for cell in &row.cells {
                    assert!(cell.len() <= limits.max_cell_bytes, "a cell over the limit");
                    total += cell.len();
                }
                assert!(total <= limits.max_record_bytes, "a record over the limit");
                out.push(row);
            }
            Err(e) => {
                let _ = (e.to_string(), e.hint());
                failed = true;
            }
        }
    }
    match rows.digest() {
        Some(d) => {
            assert!(!failed, "a digest after an error");
            assert_eq!(
                d.sha256,
                sha256_hex(file),
                "the digest is not the file's SHA-256"
            );
            assert_eq!(
                d.rows_read,
                out.len() as u64,
                "rows_read is not the rows streamed"
            );
            assert!(
                !out.is_empty(),
                "a table with no data rows streamed to the end"
            );
            Some(out)
        }
        None => {
            assert!(
                failed,
                "the stream ended without an error and without a digest"
            );
            None
        }
    }
}

/// The XLSX loader runs calamine inside `catch_unwind` and turns a panic there into a clear
/// error (a documented behaviour, tested in tests/load_xlsx.rs). libfuzzer-sys's hook aborts on
/// every panic, caught or not; this one lets a panic raised in a dependency unwind to that
/// guard, printing its location once, and still aborts on any panic in disclose or in the
/// target. A dependency panic nothing catches still ends the run: it cannot unwind out of the
/// fuzzer's entry point.
pub fn let_guards_catch_dependency_panics() {
    use std::collections::HashSet;
    use std::sync::Mutex;
    static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let abort = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        match place {
            Some(place) if place.contains("/.cargo/registry/") => {
                let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
                if seen.get_or_insert_with(HashSet::new).insert(place.clone()) {
                    eprintln!("guarded dependency panic at {place}: {info}");
                }
            }
            _ => abort(info),
        }
    }));
}
