//! Opening a workbook: the package checked, the sheet chosen (by name, or the first visible
//! worksheet), the header found, and the first read of the sheet that makes the [`Table`].

use super::bytes::hash_file;
use super::guarded::{
    guarded, internal_error, ole_error, open_workbook, starts_with_ole, workbook,
};
use super::header::{Header, find_header};
use super::hidden;
use super::preflight::{check_parts, is_sheet, preflight_but};
use super::sheet::{Book, Phase, SheetReader, archive, plan, sheet_index, zip_part};
use super::{Checked, Plan};
use crate::load::{Format, LoadError, LoadOptions, SheetInfo, Table};
use calamine::{Reader, SheetType, SheetVisible};
use std::fs::File;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

pub(in crate::load) fn open(path: &Path, options: &LoadOptions) -> Result<Table, LoadError> {
    let file = File::open(path).map_err(|e| LoadError::io(path, e))?;
    let size = file.metadata().map_err(|e| LoadError::io(path, e))?.len();
    if size == 0 {
        return Err(LoadError::Empty {
            path: path.to_path_buf(),
        });
    }
    if starts_with_ole(path, &file)? {
        return Err(ole_error(path, &file));
    }
    let no_cancel = AtomicBool::new(false);
    let sha256 = hash_file(path, &file, &no_cancel)?;
    // The worksheets' parts are the bulk of a workbook, and nothing read at open but the
    // chosen sheet's first rows (by the sheet reader, which bounds its own memory) touches
    // them: their check runs on a thread beside calamine, the shared strings and the header.
    // Only where the package's links show calamine would read none of them.
    let limits = &options.limits;
    let (mut package, later) = preflight_but(path, &file, limits, &no_cancel, true, is_sheet)?;
    let check = || check_parts(path, &file, limits, &no_cancel, true, &later);
    let beside = hidden::workbook_parts(&package)
        .is_some_and(|parts| !later.iter().any(|(_, name)| parts.contains(name)));
    let thread = std::thread::Builder::new().name("disclose-check".into());
    let Opened {
        sheets,
        sheet,
        plan,
        header,
        book,
    } = std::thread::scope(|scope| {
        let checker = if beside {
            thread.spawn_scoped(scope, check).ok()
        } else {
            None
        };
        let Some(checker) = checker else {
            package.extend(check()?);
            return open_sheet(path, &file, options, &package);
        };
        let opened = open_sheet(path, &file, options, &package);
        // A damaged or hostile part is the first thing to report, as when the checks ran first.
        let checked = checker
            .join()
            .unwrap_or_else(|_| Err(internal_error(path)))?;
        package.extend(checked);
        opened
    })?;
    let hidden = hidden::describe(
        hidden::sheet_marks(&package, &sheet),
        header.row,
        &header.names,
    );
    Ok(Table {
        path: path.to_path_buf(),
        format: Format::Xlsx {
            sheet,
            sheets,
            hidden,
        },
        modified: None,
        header_row: header.row,
        headers: header.names,
        size,
        options: options.clone(),
        checked: sha256.map(|sha256| Checked { sha256, plan, book }),
    })
}

/// What opening learns of the sheet to read.
pub(super) struct Opened {
    sheets: Vec<SheetInfo>,
    sheet: String,
    plan: Plan,
    header: Header,
    book: Arc<Book>,
}

/// Open the workbook in calamine (its sheets, the date system), choose the sheet, read the
/// shared strings and formats, and find the header. `package` holds what the pre-scan has
/// learnt of the links between parts.
pub(super) fn open_sheet(
    path: &Path,
    file: &File,
    options: &LoadOptions,
    package: &hidden::Package,
) -> Result<Opened, LoadError> {
    let wb = open_workbook(path, file)?;
    let meta = wb.sheets_metadata().to_vec();
    let sheets: Vec<SheetInfo> = meta
        .iter()
        .map(|s| SheetInfo {
            name: s.name.clone(),
            visibility: visibility(s.visible),
        })
        .collect();
    let index = choose_sheet(path, &meta, options.sheet.as_deref())?;
    let sheet = meta[index].name.clone();
    let plan = plan(path, package, &sheet, wb.has_1904_epoch())?;
    drop(wb);

    let (header, book) = guarded(path, || {
        let mut zip = archive(path, file)?;
        let book = Arc::new(Book::read(path, &mut zip, &plan, &options.limits)?);
        // Only the first rows are read here: the part is unpacked as it is parsed.
        let index = sheet_index(path, &zip, &plan, &sheet)?;
        let part = Box::new(zip_part(path, &mut zip, index)?);
        let mut reader = SheetReader::new(path, &book, part, &plan, &options.limits);
        let header = find_header(&mut reader, options.header_row, &sheet)?;
        if !header.more_rows
            && reader
                .next_row(Phase::Data {
                    width: header.names.len(),
                })?
                .is_none()
        {
            return Err(LoadError::HeaderOnly {
                path: path.to_path_buf(),
            });
        }
        drop(reader);
        Ok((header, book))
    })?;
    Ok(Opened {
        sheets,
        sheet,
        plan,
        header,
        book,
    })
}

pub(super) fn visibility(v: SheetVisible) -> &'static str {
    match v {
        SheetVisible::Visible => "visible",
        SheetVisible::Hidden => "hidden",
        SheetVisible::VeryHidden => "very hidden",
    }
}

/// The sheets for a message: `"Data", "Lookup" (hidden), "Chart1" (chart)`.
pub(super) fn sheet_list(sheets: &[calamine::Sheet]) -> String {
    if sheets.is_empty() {
        return "no sheets".into();
    }
    sheets
        .iter()
        .map(|s| {
            let mut notes = Vec::new();
            if s.visible != SheetVisible::Visible {
                notes.push(visibility(s.visible));
            }
            if s.typ != SheetType::WorkSheet {
                notes.push("chart or other non-worksheet");
            }
            if notes.is_empty() {
                format!("{:?}", s.name)
            } else {
                format!("{:?} ({})", s.name, notes.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn choose_sheet(
    path: &Path,
    sheets: &[calamine::Sheet],
    wanted: Option<&str>,
) -> Result<usize, LoadError> {
    let index = match wanted {
        Some(wanted) => {
            let exact: Vec<usize> = (0..sheets.len())
                .filter(|&i| sheets[i].name == wanted)
                .collect();
            let folded: Vec<usize> = (0..sheets.len())
                .filter(|&i| sheets[i].name.to_lowercase() == wanted.to_lowercase())
                .collect();
            match (exact.as_slice(), folded.as_slice()) {
                ([i], _) | ([], [i]) => *i,
                _ => {
                    return Err(LoadError::NoSuchSheet {
                        path: path.to_path_buf(),
                        sheet: wanted.to_string(),
                        available: sheet_list(sheets),
                    });
                }
            }
        }
        None => {
            let first = sheets
                .iter()
                .position(|s| s.visible == SheetVisible::Visible && s.typ == SheetType::WorkSheet);
            match first {
                Some(i) => i,
                None if sheets.is_empty() => {
                    return Err(workbook(path, "it has no sheets"));
                }
                None => {
                    return Err(workbook(
                        path,
                        format!(
                            "none of its sheets is a visible worksheet; choose one of them by name (the workbook has: {})",
                            sheet_list(sheets)
                        ),
                    ));
                }
            }
        }
    };
    let chosen = &sheets[index];
    if chosen.typ != SheetType::WorkSheet {
        return Err(workbook(
            path,
            format!(
                "the sheet {:?} is a chart or other sheet without cells (the workbook has: {})",
                chosen.name,
                sheet_list(sheets)
            ),
        ));
    }
    // calamine finds a sheet by name: two sheets of one name would be read as the first.
    if sheets.iter().filter(|s| s.name == chosen.name).count() > 1 {
        return Err(workbook(
            path,
            format!(
                "two sheets are both named {:?}; rename one in Excel",
                chosen.name
            ),
        ));
    }
    Ok(index)
}
