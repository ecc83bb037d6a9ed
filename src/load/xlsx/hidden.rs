//! Hidden rows and columns: what the package pre-scan learns from the tags of each part, and
//! how the sheet being read is found among the parts.
//!
//! Excel hides a row with `<row r="12" hidden="1">` (or a height of zero) and a run of columns
//! with `<col min="6" max="6" hidden="1"/>` (or a width of zero). calamine's cells reader skips
//! both, and every cell in them is read and may be shared like any other, so the analyst is
//! told. The pre-scan already walks every tag of every part to measure it; it hands each whole
//! tag to a [`PartScan`], which learns from the part's first element what the part is:
//!
//! - a worksheet: its hidden rows that hold a value (a `<v>` or `<is>` inside), and its hidden
//!   column ranges;
//! - a relationships part: the links to the workbook and to worksheets;
//! - the workbook: each sheet's name and relationship id.
//!
//! [`sheet_marks`] then follows the links from the sheet's name to its part as calamine does
//! (package relationships → workbook → its relationships → the sheet's part, names compared
//! as calamine compares them), and [`describe`] keeps what lies below the header and within its
//! columns. Known limit: a workbook whose links this cannot follow (calamine found the sheet,
//! so only a crafted one) is reported as hiding nothing.

use super::letters::column_letters;
use super::tag::{Tag, decode, is_true, number};
use crate::load::{HiddenCells, HiddenColumn};
use std::collections::HashMap;

/// Rows listed by number in [`HiddenCells::first_rows`].
const ROWS_LISTED: usize = 5;
/// Runs of hidden rows, and hidden column ranges, kept per sheet; past this many, hidden rows
/// are counted but not placed, and column ranges are dropped (a crafted file; memory stays flat).
const MAX_RUNS: usize = 1 << 16;
/// Links (relationships, or sheets of a workbook) kept per part.
const MAX_LINKS: usize = 1 << 16;
/// Bytes of a tag kept for reading its attributes; real `<row>` and `<col>` tags are far shorter.
pub(super) const TAG_BYTES: usize = 4096;

/// What a part holds that matters here, by its first element.
#[derive(Debug)]
pub(super) enum PartFacts {
    Sheet(SheetMarks),
    Links(Vec<Link>),
    Workbook(Vec<SheetLink>),
}

/// The package's parts (names as the pre-scan lists them: `/` separated, ASCII lower case)
/// that hold something of interest.
pub(super) type Package = HashMap<String, PartFacts>;

/// What a worksheet hides.
#[derive(Debug, Default)]
pub(super) struct SheetMarks {
    /// Hidden rows holding a value, 1-based, as runs `(first, last)` in file order.
    rows: Vec<(u32, u32)>,
    /// Hidden rows holding a value past the last run kept: counted only.
    rows_beyond: u64,
    /// Hidden columns, 1-based ranges `(min, max)`.
    cols: Vec<(u32, u32)>,
}

impl SheetMarks {
    fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.rows_beyond == 0 && self.cols.is_empty()
    }

    fn add_row(&mut self, n: u32) {
        if let Some(last) = self.rows.last_mut()
            && last.1.checked_add(1) == Some(n)
        {
            last.1 = n;
        } else if self.rows.len() < MAX_RUNS {
            self.rows.push((n, n));
        } else {
            self.rows_beyond += 1;
        }
    }
}

/// A relationship to the workbook (`officeDocument`) or to a worksheet.
#[derive(Debug)]
pub(super) struct Link {
    id: String,
    to_workbook: bool,
    target: String,
}

/// A sheet as the workbook lists it.
#[derive(Debug)]
pub(super) struct SheetLink {
    name: String,
    id: String,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Root {
    #[default]
    Unknown,
    Worksheet,
    Relationships,
    Workbook,
    Other,
}

/// Reads the tags of one part, in order, each whole from `<` to `>` (or cut at [`TAG_BYTES`]).
/// Comments, CDATA, processing instructions and DOCTYPEs are not tags here.
#[derive(Debug, Default)]
pub(super) struct PartScan {
    root: Root,
    marks: SheetMarks,
    /// The hidden row being read, until a value in it is seen (then it is counted).
    hidden_row: Option<u32>,
    /// The last row's number, for a row without one (it follows the previous).
    last_row: u32,
    links: Vec<Link>,
    sheets: Vec<SheetLink>,
}

impl PartScan {
    /// Whether more tags could tell anything (not once the part is known to be of no interest).
    pub(super) fn listening(&self) -> bool {
        self.root != Root::Other
    }

    /// Whether the tag `raw` could tell anything, by a cheap look at its name: a sheet's many
    /// cell tags are then not parsed. In a worksheet only `row` and `col` tags count, and
    /// `v` or `is` while a hidden row is open.
    pub(super) fn wants(&self, raw: &[u8]) -> bool {
        if self.root != Root::Worksheet {
            return true;
        }
        let name = raw.strip_prefix(b"<").unwrap_or(raw);
        let name = name.strip_prefix(b"/").unwrap_or(name);
        let len = name
            .iter()
            .position(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
            .unwrap_or(name.len());
        let name = &name[..len];
        let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
        match local {
            b"row" | b"col" => true,
            b"v" | b"is" => self.hidden_row.is_some(),
            _ => false,
        }
    }

    pub(super) fn tag(&mut self, raw: &[u8]) {
        let Some(tag) = Tag::parse(raw) else {
            return;
        };
        if self.root == Root::Unknown {
            if tag.end {
                return;
            }
            self.root = match tag.local {
                b"worksheet" => Root::Worksheet,
                b"Relationships" => Root::Relationships,
                b"workbook" => Root::Workbook,
                _ => Root::Other,
            };
            return;
        }
        match self.root {
            Root::Worksheet => self.sheet_tag(&tag),
            Root::Relationships if !tag.end && tag.local == b"Relationship" => {
                if self.links.len() >= MAX_LINKS {
                    return;
                }
                let Some(kind) = tag.attr(b"Type") else {
                    return;
                };
                let to_workbook = kind.ends_with(b"/officeDocument");
                if !(to_workbook || kind.ends_with(b"/worksheet")) {
                    return;
                }
                if let (Some(id), Some(target)) = (
                    tag.attr(b"Id").and_then(decode),
                    tag.attr(b"Target").and_then(decode),
                ) {
                    self.links.push(Link {
                        id,
                        to_workbook,
                        target,
                    });
                }
            }
            Root::Workbook if !tag.end && tag.local == b"sheet" => {
                if self.sheets.len() >= MAX_LINKS {
                    return;
                }
                // calamine takes any attribute whose local name is `id` (`r:id`).
                if let (Some(name), Some(id)) = (
                    tag.attr(b"name").and_then(decode),
                    tag.attr_local(b"id").and_then(decode),
                ) {
                    self.sheets.push(SheetLink { name, id });
                }
            }
            _ => {}
        }
    }

    fn sheet_tag(&mut self, tag: &Tag<'_>) {
        match (tag.end, tag.local) {
            (false, b"row") => {
                let row = tag
                    .attr(b"r")
                    .and_then(number::<u32>)
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| self.last_row.saturating_add(1));
                self.last_row = row;
                let zero_height = tag
                    .attr(b"ht")
                    .and_then(number::<f64>)
                    .is_some_and(|h| h == 0.0);
                let hidden = tag.attr(b"hidden").is_some_and(is_true) || zero_height;
                self.hidden_row = (hidden && !tag.empty).then_some(row);
            }
            (true, b"row") => self.hidden_row = None,
            (false, b"v" | b"is") if !tag.empty => {
                if let Some(n) = self.hidden_row.take() {
                    self.marks.add_row(n);
                }
            }
            (false, b"col") => {
                let zero_width = tag
                    .attr(b"width")
                    .and_then(number::<f64>)
                    .is_some_and(|w| w == 0.0);
                if !(tag.attr(b"hidden").is_some_and(is_true) || zero_width) {
                    return;
                }
                let min = tag.attr(b"min").and_then(number::<u32>);
                let max = tag.attr(b"max").and_then(number::<u32>);
                if let (Some(min), Some(max)) = (min, max)
                    && 0 < min
                    && min <= max
                    && self.marks.cols.len() < MAX_RUNS
                {
                    self.marks.cols.push((min, max));
                }
            }
            _ => {}
        }
    }

    /// What the part held, if anything of interest.
    pub(super) fn finish(self) -> Option<PartFacts> {
        match self.root {
            Root::Worksheet if !self.marks.is_empty() => Some(PartFacts::Sheet(self.marks)),
            Root::Relationships if !self.links.is_empty() => Some(PartFacts::Links(self.links)),
            Root::Workbook if !self.sheets.is_empty() => Some(PartFacts::Workbook(self.sheets)),
            _ => None,
        }
    }
}

/// What the sheet named `sheet` hides, found by following the links as calamine does. `None`
/// when it hides nothing (or the links cannot be followed).
pub(super) fn sheet_marks<'a>(package: &'a Package, sheet: &str) -> Option<&'a SheetMarks> {
    let (part, _) = sheet_part(package, sheet)?;
    match package.get(&part) {
        Some(PartFacts::Sheet(marks)) => Some(marks),
        _ => None,
    }
}

/// The part holding the cells of the sheet named `sheet`, and the workbook's folder (where
/// calamine looks for the shared strings and styles), found by following the links as
/// calamine does: package relationships → workbook → its relationships → the sheet's part.
/// Names as [`Package`] keys them (ASCII lower case). `None` if the links cannot be followed.
pub(super) fn sheet_part(package: &Package, sheet: &str) -> Option<(String, String)> {
    let links = |part: &str| match package.get(&part.to_ascii_lowercase()) {
        Some(PartFacts::Links(links)) => Some(links),
        _ => None,
    };
    let (dir, name) = workbook_link(package)?;
    let (dir, name) = (dir.as_str(), name.as_str());
    let Some(PartFacts::Workbook(sheets)) =
        package.get(&format!("{dir}{name}").to_ascii_lowercase())
    else {
        return None;
    };
    let id = &sheets.iter().find(|s| s.name == sheet)?.id;
    let target = &links(&format!("{dir}_rels/{name}.rels"))?
        .iter()
        .find(|l| !l.to_workbook && &l.id == id)?
        .target;
    let part = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("{dir}{target}"),
    };
    Some((part.to_ascii_lowercase(), dir.to_ascii_lowercase()))
}

/// The workbook part's folder and name, from the package's link to it (`_rels/.rels`).
fn workbook_link(package: &Package) -> Option<(String, String)> {
    let Some(PartFacts::Links(links)) = package.get("_rels/.rels") else {
        return None;
    };
    let target = &links.iter().find(|l| l.to_workbook)?.target;
    let (dir, name) = match target.rfind('/') {
        Some(i) => target.split_at(i + 1),
        None => ("", target.as_str()),
    };
    let dir = dir.strip_prefix('/').unwrap_or(dir);
    let name = if name.is_empty() {
        "workbook.xml"
    } else {
        name
    };
    Some((dir.to_string(), name.to_string()))
}

/// The parts calamine reads when it opens the workbook (the package and workbook links, the
/// workbook, shared strings, styles and theme), where it finds them; names as [`Package`]
/// keys them. `None` if the package's link to the workbook cannot be read.
pub(super) fn workbook_parts(package: &Package) -> Option<Vec<String>> {
    let (dir, name) = workbook_link(package)?;
    Some(
        [
            "_rels/.rels".to_string(),
            format!("{dir}{name}"),
            format!("{dir}_rels/{name}.rels"),
            format!("{dir}sharedstrings.xml"),
            format!("{dir}styles.xml"),
            format!("{dir}theme/theme1.xml"),
        ]
        .into_iter()
        .map(|p| p.to_ascii_lowercase())
        .collect(),
    )
}

/// The hidden rows below the header row (1-based) and the hidden columns among the headers.
pub(super) fn describe(
    marks: Option<&SheetMarks>,
    header_row: u32,
    headers: &[String],
) -> HiddenCells {
    let Some(marks) = marks else {
        return HiddenCells::default();
    };
    let mut hidden = HiddenCells::default();
    for (first, last) in merged(&marks.rows) {
        let first = first.max(header_row.saturating_add(1));
        if first > last {
            continue;
        }
        hidden.rows += u64::from(last - first) + 1;
        let room = ROWS_LISTED - hidden.first_rows.len();
        hidden
            .first_rows
            .extend((first..=last).take(room).map(u64::from));
    }
    hidden.rows += marks.rows_beyond;

    let cols = merged(&marks.cols);
    let mut ranges = cols.iter().peekable();
    for (i, header) in headers.iter().enumerate() {
        let col = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
        while ranges.next_if(|&&(_, max)| max < col).is_some() {}
        if ranges.peek().is_some_and(|&&(min, _)| min <= col) {
            hidden.columns.push(HiddenColumn {
                letters: column_letters(col - 1),
                header: header.clone(),
            });
        }
    }
    hidden
}

/// Ranges sorted, with overlapping and adjacent ones joined.
fn merged(ranges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut sorted = ranges.to_vec();
    sorted.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(sorted.len());
    for (a, b) in sorted {
        match out.last_mut() {
            Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(xml: &str) -> Option<PartFacts> {
        let mut s = PartScan::default();
        // Tags only, as the pre-scan hands them over.
        let mut rest = xml;
        while let Some(start) = rest.find('<') {
            let end = rest[start..]
                .find('>')
                .map_or(rest.len(), |e| start + e + 1);
            s.tag(&rest.as_bytes()[start..end]);
            rest = &rest[end..];
        }
        s.finish()
    }

    fn marks(xml: &str) -> SheetMarks {
        match scan(xml) {
            Some(PartFacts::Sheet(m)) => m,
            other => panic!("not a sheet with marks: {other:?}"),
        }
    }

    #[test]
    fn hidden_rows_count_only_when_they_hold_a_value() {
        let m = marks(
            r#"<worksheet><sheetData>
            <row r="1"><c r="A1"><v>1</v></c></row>
            <row r="2" hidden="1"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row>
            <row r="3" hidden="1"/>
            <row r="4" hidden="1"><c r="A4" s="1"/></row>
            <row hidden="1"><c><is><t>x</t></is></c></row>
            <row r="9" ht="0" customHeight="1"><c r="A9"><v>1</v></c></row>
            <row r="10" hidden="0"><c r="A10"><v>1</v></c></row>
            </sheetData></worksheet>"#,
        );
        // Row 5 (no number: after row 4) and row 9 (height zero) join row 2.
        assert_eq!(m.rows, [(2, 2), (5, 5), (9, 9)]);
        assert!(m.cols.is_empty());
    }

    #[test]
    fn hidden_and_zero_width_columns_are_ranges() {
        let m = marks(
            r#"<worksheet><cols><col min="1" max="1" width="9"/><col min="2" max="3" width="0" customWidth="1"/>
            <col min="6" max="6" hidden="1" width="12"/><col min="0" max="4" hidden="1"/><col min="9" max="8" hidden="1"/></cols>
            <sheetData/></worksheet>"#,
        );
        assert_eq!(m.cols, [(2, 3), (6, 6)]);
    }

    #[test]
    fn other_parts_hold_nothing_of_interest() {
        assert!(scan(r#"<sst><si><t>row</t></si></sst>"#).is_none());
        assert!(
            scan(
                r#"<worksheet><sheetData><row r="1"><c><v>1</v></c></row></sheetData></worksheet>"#
            )
            .is_none()
        );
        // A row tag in another part is not a sheet's row.
        assert!(scan(r#"<other><row r="2" hidden="1"><v>1</v></row></other>"#).is_none());
    }

    #[test]
    fn described_below_the_header_and_within_its_columns() {
        let m = SheetMarks {
            rows: vec![(1, 2), (12, 12), (15, 15), (40, 42), (3, 3)],
            rows_beyond: 0,
            cols: vec![(6, 6), (2, 2), (10, 16_384)],
        };
        let headers: Vec<String> = ["Id", "Name", "C", "D", "E", "Notes"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let h = describe(Some(&m), 2, &headers);
        assert_eq!(h.rows, 6);
        assert_eq!(h.first_rows, [3, 12, 15, 40, 41]);
        let cols: Vec<(&str, &str)> = h
            .columns
            .iter()
            .map(|c| (c.letters.as_str(), c.header.as_str()))
            .collect();
        assert_eq!(cols, [("B", "Name"), ("F", "Notes")]);
        assert!(describe(None, 1, &headers).is_empty());
    }

    #[test]
    fn the_sheet_is_found_through_the_links() {
        let mut package = Package::new();
        let rels = |xml: &str| scan(xml).unwrap();
        package.insert(
            "_rels/.rels".into(),
            rels(r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/Book/main.xml"/></Relationships>"#),
        );
        package.insert(
            "book/_rels/main.xml.rels".into(),
            rels(r#"<Relationships><Relationship Id="a" Type=".../relationships/worksheet" Target="sheets/one.xml"/><Relationship Id="b" Type=".../relationships/worksheet" Target="/Book/Sheets/Two.xml"/></Relationships>"#),
        );
        package.insert(
            "book/main.xml".into(),
            rels(r#"<workbook><sheets><sheet name="One" r:id="a"/><sheet name="R&amp;D" sheetId="2" r:id="b"/></sheets></workbook>"#),
        );
        package.insert(
            "book/sheets/two.xml".into(),
            rels(r#"<worksheet><cols><col min="1" max="1" hidden="1"/></cols></worksheet>"#),
        );
        assert!(sheet_marks(&package, "One").is_none());
        assert_eq!(sheet_marks(&package, "R&D").unwrap().cols, [(1, 1)]);
        assert!(sheet_marks(&package, "Missing").is_none());
    }
}
