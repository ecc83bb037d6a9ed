//! The cells of one worksheet, streamed from its XML part, with the workbook's shared strings
//! and number formats.
//!
//! This reads a sheet exactly as calamine's cells reader (`next_cell_with_style_id`) does,
//! value for value and error for error, and is checked against it cell by cell on every
//! workbook of the calamine suite and on random sheets (`same_as_calamine`). It exists for
//! speed: calamine builds an event per tag and a string per attribute, and parsing the sheet
//! was most of the time of packing a workbook. Which part is the sheet comes from the package's
//! links; which date system the workbook uses is still learnt from calamine when the file is
//! opened.
//!
//! Where calamine's rules are odd they are kept, so that a workbook reads the same whichever
//! reader is used: an unreadable style or string index counts as 0, a `<v>` of a number cell
//! is read up to its first entity, text in `<t>` without `xml:space="preserve"` is trimmed of
//! ASCII white space.

use super::number_format::Kind;
use super::parts::{Result, Strings, Style, read_string};
use super::xml::{self, Token};
use calamine::{CellErrorType, XlsxError};
use std::borrow::Cow;
use std::io::Read;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value<'a> {
    Empty,
    Text(Cow<'a, str>),
    Number(f64, Kind),
    Bool(bool),
    Error(CellErrorType),
    /// An ISO 8601 date-time stored as text (`t="d"`).
    Iso(String),
}

/// One cell as the sheet stores it: 0-based (row, column), value, style id.
pub(super) struct Cell<'a> {
    pub(super) pos: (u32, u32),
    pub(super) value: Value<'a>,
    pub(super) style: usize,
}

/// The cells of a worksheet, in file order.
pub(super) struct Cells<'w, R> {
    xml: xml::Reader<R>,
    strings: &'w Strings,
    styles: &'w [Style],
    row: u32,
    col: u32,
    started: bool,
    done: bool,
    /// The last row (0-based) the sheet's `<dimension>` declares, when it declares one.
    declared_last_row: Option<u32>,
    /// Scratch: the text of a `<v>` with references, the name of the element being read.
    text: String,
    name: Vec<u8>,
}

/// What a `<c>` tag says: its style id and type, copied out of the reader's buffer.
struct CellTag {
    style: Option<usize>,
    kind: CellType,
}

/// A cell's `t` attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CellType {
    /// No `t`: a number, or text if it does not read as one.
    Unset,
    Number,
    Shared,
    Bool,
    Error,
    /// `str`: a formula's text result.
    Str,
    /// `d`: an ISO 8601 date-time.
    Date,
    /// `inlineStr` or `is`: the text is in `<is>`.
    Inline,
    Unknown(Box<[u8]>),
}

impl CellType {
    fn of(t: Option<&[u8]>) -> CellType {
        match t {
            None => CellType::Unset,
            Some(b"n") => CellType::Number,
            Some(b"s") => CellType::Shared,
            Some(b"b") => CellType::Bool,
            Some(b"e") => CellType::Error,
            Some(b"str") => CellType::Str,
            Some(b"d") => CellType::Date,
            Some(b"inlineStr" | b"is") => CellType::Inline,
            Some(other) => CellType::Unknown(other.into()),
        }
    }
}

/// The `r`, `s` and `t` attributes of a `<c>` tag, read in one pass.
fn cell_attrs(attrs: &[u8]) -> std::result::Result<[Option<&[u8]>; 3], String> {
    let mut found = [None, None, None];
    let mut s = attrs;
    loop {
        s = s.trim_ascii_start();
        if s.is_empty() {
            return Ok(found);
        }
        let eq = s.iter().position(|&b| b == b'=').ok_or_else(malformed)?;
        let name = s[..eq].trim_ascii_end();
        let rest = s[eq + 1..].trim_ascii_start();
        let quote = *rest.first().ok_or_else(malformed)?;
        if quote != b'"' && quote != b'\'' {
            return Err(malformed());
        }
        let close = rest[1..]
            .iter()
            .position(|&b| b == quote)
            .ok_or_else(malformed)?;
        let value = &rest[1..1 + close];
        match name {
            b"r" => found[0] = found[0].or(Some(value)),
            b"s" => found[1] = found[1].or(Some(value)),
            b"t" => found[2] = found[2].or(Some(value)),
            _ => {}
        }
        s = &rest[close + 2..];
    }
}

fn malformed() -> String {
    xml::MALFORMED.to_string()
}

impl<'w, R: Read> Cells<'w, R> {
    pub(super) fn new(
        part: R,
        strings: &'w Strings,
        styles: &'w [Style],
        cap: usize,
    ) -> Cells<'w, R> {
        Cells {
            xml: xml::Reader::new(part, cap),
            strings,
            styles,
            row: 0,
            col: 0,
            started: false,
            done: false,
            declared_last_row: None,
            text: String::new(),
            name: Vec::new(),
        }
    }

    /// Read up to the sheet's data, as calamine's reader does when it is made.
    fn start(&mut self) -> Result<()> {
        let mut first: Option<String> = None;
        loop {
            match self.xml.next()? {
                Token::Start { name, attrs, empty } => match xml::local(name) {
                    b"dimension" => {
                        let Some(r) = xml::attr(attrs, b"ref")? else {
                            return Err(XlsxError::UnexpectedNode("dimension").into());
                        };
                        let r = std::str::from_utf8(r).map_err(|_| XlsxError::Alphanumeric(0))?;
                        let parts = r
                            .split(':')
                            .map(|p| row_column(p.as_bytes()))
                            .collect::<Result<Vec<_>>>()?;
                        if parts.len() > 2 {
                            return Err(XlsxError::DimensionCount(parts.len()).into());
                        }
                        self.declared_last_row = parts.iter().map(|(r, _)| *r).max();
                    }
                    b"sheetData" => {
                        self.done = empty;
                        return Ok(());
                    }
                    other => {
                        if first.is_none() {
                            first = Some(String::from_utf8_lossy(other).into_owned());
                        }
                    }
                },
                Token::Eof => {
                    return Err(match first {
                        Some(kind) => XlsxError::NotAWorksheet(kind),
                        None => XlsxError::XmlEof("worksheet"),
                    }
                    .into());
                }
                _ => {}
            }
        }
    }

    /// The last row (0-based) the sheet's `<dimension>` declares, once the sheet's start has
    /// been read (by the first [`Cells::next_cell`]).
    pub(super) fn declared_last_row(&self) -> Option<u32> {
        self.declared_last_row
    }

    /// The next cell, empty or not, with its 0-based position and style id.
    pub(super) fn next_cell(&mut self) -> Result<Option<Cell<'w>>> {
        if !self.started {
            self.started = true;
            self.start()?;
        }
        if self.done {
            return Ok(None);
        }
        loop {
            let (tag, pos, empty) = match self.xml.next()? {
                Token::Start { name, attrs, empty } => match xml::local(name) {
                    b"c" => {
                        let [r, s, t] = cell_attrs(attrs)?;
                        let pos = match r {
                            Some(r) => {
                                let (row, col) = row_column(r)?;
                                self.col = col;
                                (row, col)
                            }
                            None => (self.row, self.col),
                        };
                        let tag = CellTag {
                            style: s.map(|s| number(s).unwrap_or(0)),
                            kind: CellType::of(t),
                        };
                        (tag, pos, empty)
                    }
                    b"row" => {
                        if let Some(r) = xml::attr(attrs, b"r")? {
                            self.row = row_column_optional(r)?.0;
                        }
                        if empty {
                            self.end_row();
                        }
                        continue;
                    }
                    _ => continue,
                },
                Token::End { name } => {
                    match xml::local(name) {
                        b"row" => self.end_row(),
                        b"sheetData" => {
                            self.done = true;
                            return Ok(None);
                        }
                        _ => {}
                    }
                    continue;
                }
                Token::Eof => return Err(XlsxError::XmlEof("sheetData").into()),
                _ => continue,
            };
            let mut value = Value::Empty;
            if !empty && let Some(raw) = self.xml.simple_value() {
                // `<v>TEXT</v></c>`: as read_value would read it, without the tokens.
                let text = std::str::from_utf8(raw).map_err(|_| malformed())?;
                value = match tag.kind {
                    CellType::Inline => Value::Empty,
                    CellType::Str | CellType::Date | CellType::Unknown(_) => {
                        read_v(self.strings, self.styles, text, &tag)?
                    }
                    _ if text.is_empty() => Value::Empty,
                    _ => read_v(self.strings, self.styles, text, &tag)?,
                };
            } else if !empty {
                loop {
                    match self.xml.next()? {
                        Token::Start { name, empty, .. } => {
                            self.name.clear();
                            self.name.extend_from_slice(name);
                            value = self.read_value(empty, &tag)?;
                        }
                        Token::End { name } if xml::local(name) == b"c" => break,
                        Token::Eof => return Err(XlsxError::XmlEof("c").into()),
                        _ => {}
                    }
                }
            }
            self.col += 1;
            return Ok(Some(Cell {
                pos,
                value,
                style: tag.style.unwrap_or(0),
            }));
        }
    }

    fn end_row(&mut self) {
        self.row = self.row.wrapping_add(1);
        self.col = 0;
    }

    /// The value of one child of `<c>`, whose start tag (named `self.name`) was just read
    /// (calamine's `read_value`).
    fn read_value(&mut self, empty: bool, tag: &CellTag) -> Result<Value<'w>> {
        let name = self.name.as_slice();
        match (xml::local(name), &tag.kind) {
            (b"is", _) => {
                let mut s = String::new();
                read_string(&mut self.xml, name, empty, &mut s)?;
                Ok(Value::Text(Cow::Owned(s)))
            }
            (b"v", CellType::Inline) => {
                skip(&mut self.xml, name, empty)?;
                Ok(Value::Empty)
            }
            (
                b"v",
                CellType::Unset
                | CellType::Number
                | CellType::Shared
                | CellType::Bool
                | CellType::Error,
            ) => {
                if empty {
                    return Ok(Value::Empty);
                }
                // Only a first run of plain text counts, up to any entity.
                let value = match self.xml.next()? {
                    Token::Text(raw) => {
                        let plain = match memchr::memchr(b'&', raw) {
                            Some(i) => &raw[..i],
                            None => raw,
                        };
                        if plain.is_empty() {
                            Value::Empty
                        } else {
                            let v = std::str::from_utf8(plain).map_err(|_| malformed())?;
                            read_v(self.strings, self.styles, v, tag)?
                        }
                    }
                    Token::End { name: end } if end == name => return Ok(Value::Empty),
                    Token::Eof => return Err(XlsxError::XmlEof("v").into()),
                    _ => Value::Empty,
                };
                skip(&mut self.xml, name, false)?;
                Ok(value)
            }
            (b"v", _) => {
                self.text.clear();
                if !empty {
                    loop {
                        match self.xml.next()? {
                            Token::Text(raw) => xml::decode_text(raw, &mut self.text)?,
                            Token::End { name: end } if end == name => break,
                            Token::Eof => return Err(XlsxError::XmlEof("v").into()),
                            _ => {}
                        }
                    }
                }
                read_v(self.strings, self.styles, &self.text, tag)
            }
            (b"f", _) => {
                skip(&mut self.xml, name, empty)?;
                Ok(Value::Empty)
            }
            _ => Err(XlsxError::UnexpectedNode("v, f, or is").into()),
        }
    }
}

/// A `<v>` value by the cell's type (calamine's `read_v`).
fn read_v<'w>(strings: &'w Strings, styles: &[Style], v: &str, tag: &CellTag) -> Result<Value<'w>> {
    Ok(match &tag.kind {
        CellType::Shared => {
            if v.is_empty() {
                return Ok(Value::Empty);
            }
            let i = number(v.as_bytes()).unwrap_or(0);
            match strings.get(i) {
                Some(s) => Value::Text(Cow::Borrowed(s)),
                None => {
                    return Err(XlsxError::Unexpected(
                        "Cell string index not found in shared strings table",
                    )
                    .into());
                }
            }
        }
        CellType::Bool => {
            let t = v.trim();
            if t.is_empty() {
                Value::Empty
            } else if t == "0" || t.eq_ignore_ascii_case("false") {
                Value::Bool(false)
            } else if t == "1" || t.eq_ignore_ascii_case("true") {
                Value::Bool(true)
            } else {
                return Err(XlsxError::Unrecognized {
                    typ: "boolean cell value",
                    val: v.to_string(),
                }
                .into());
            }
        }
        CellType::Date => Value::Iso(v.to_string()),
        CellType::Error => Value::Error(v.parse::<CellErrorType>()?),
        CellType::Str => Value::Text(Cow::Owned(xml::unescape_excel(v).into_owned())),
        CellType::Unset | CellType::Number => {
            if v.is_empty() {
                return Ok(Value::Empty);
            }
            let kind = match tag.style {
                Some(id) => styles.get(id).map(|s| s.kind),
                None => Some(Kind::Number),
            };
            match v.parse::<f64>() {
                Ok(n) => Value::Number(n, kind.unwrap_or(Kind::Number)),
                Err(_) if tag.kind == CellType::Unset => Value::Text(Cow::Owned(v.to_string())),
                Err(e) => return Err(XlsxError::ParseFloat(e).into()),
            }
        }
        // `<v>` of an inline string is passed over before it gets here.
        CellType::Inline => Value::Empty,
        CellType::Unknown(t) => {
            return Err(XlsxError::CellTAttribute(String::from_utf8_lossy(t).into()).into());
        }
    })
}

/// Pass over the rest of the element `name` (whose start tag was just read), and any element
/// of the same name inside it.
fn skip<R: Read>(xml: &mut xml::Reader<R>, name: &[u8], empty: bool) -> Result<()> {
    if empty {
        return Ok(());
    }
    let mut depth = 0usize;
    loop {
        match xml.next()? {
            Token::Start { name: n, empty, .. } if n == name && !empty => depth += 1,
            Token::End { name: n } if n == name => {
                if depth == 0 {
                    return Ok(());
                }
                depth -= 1;
            }
            // quick-xml's read_to_end fails here as ill-formed XML.
            Token::Eof => return Err(malformed().into()),
            _ => {}
        }
    }
}

/// A decimal number of digits only (leading zeros allowed), as calamine reads ids.
fn number(b: &[u8]) -> Option<usize> {
    if b.is_empty() {
        return None;
    }
    b.iter().try_fold(0usize, |n, &d| {
        if d.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(usize::from(d - b'0'))
        } else {
            None
        }
    })
}

/// A cell reference (`B12`) as a 0-based (row, column).
fn row_column(r: &[u8]) -> Result<(u32, u32)> {
    match row_column_optional(r)? {
        (row, Some(col)) => Ok((row, col)),
        (_, None) => Err(XlsxError::RangeWithoutColumnComponent.into()),
    }
}

/// A reference with an optional column (`12` or `B12`), as calamine reads it. Errors are made
/// only on the error path: an `XlsxError` made and not used costs a call to drop it, per cell.
fn row_column_optional(r: &[u8]) -> Result<(u32, Option<u32>)> {
    let mut i = 0;
    let (mut col, mut row) = (0u32, 0u32);
    while i < r.len() {
        let c = r[i];
        let letter = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a',
            b'0'..=b'9' => {
                row = u32::from(c - b'0');
                i += 1;
                break;
            }
            _ => return Err(XlsxError::Alphanumeric(c).into()),
        };
        let Some(next) = col
            .checked_mul(26)
            .and_then(|n| n.checked_add(u32::from(letter) + 1))
        else {
            return Err(XlsxError::ColumnNumberOverflow.into());
        };
        col = next;
        i += 1;
    }
    while i < r.len() {
        let c = r[i];
        if !c.is_ascii_digit() {
            return Err(XlsxError::Alphanumeric(c).into());
        }
        let Some(next) = row
            .checked_mul(10)
            .and_then(|n| n.checked_add(u32::from(c - b'0')))
        else {
            return Err(XlsxError::RowNumberOverflow.into());
        };
        row = next;
        i += 1;
    }
    let Some(row) = row.checked_sub(1) else {
        return Err(XlsxError::RangeWithoutRowComponent.into());
    };
    Ok((row, col.checked_sub(1)))
}

#[cfg(test)]
mod tests {
    use super::super::parts::read_strings;
    use super::*;

    fn cells(
        sheet: &str,
        strings: &Strings,
        styles: &[Style],
    ) -> Vec<((u32, u32), Value<'static>)> {
        let mut c = Cells::new(sheet.as_bytes(), strings, styles, 1 << 20);
        let mut out = Vec::new();
        while let Some(Cell { pos, value, .. }) = c.next_cell().unwrap() {
            let v = match value {
                Value::Text(t) => Value::Text(Cow::Owned(t.into_owned())),
                Value::Empty => Value::Empty,
                Value::Number(n, k) => Value::Number(n, k),
                Value::Bool(b) => Value::Bool(b),
                Value::Error(e) => Value::Error(e),
                Value::Iso(s) => Value::Iso(s),
            };
            out.push((pos, v));
        }
        out
    }

    #[test]
    fn positions_follow_references_or_count_on() {
        let strings = read_strings(
            &b"<sst><si><t>a</t></si><si><r><t>b</t></r><r><t xml:space=\"preserve\"> c </t></r><rPh><t>x</t></rPh></si></sst>"[..],
            1 << 20,
        )
        .unwrap();
        let sheet = "<worksheet><dimension ref=\"A1:C3\"/><sheetData>\
            <row r=\"2\"><c t=\"s\"><v>1</v></c><c><v>2.5</v></c></row>\
            <row><c r=\"C3\" t=\"inlineStr\"><is><t> d_x000D_ </t></is></c><c t=\"b\"><v>1</v></c><c/></row>\
            </sheetData></worksheet>";
        let t = |s: &str| Value::Text(Cow::Owned(s.to_string()));
        assert_eq!(
            cells(sheet, &strings, &[]),
            vec![
                ((1, 0), t("b c ")),
                ((1, 1), Value::Number(2.5, Kind::Number)),
                ((2, 2), t("d\r")),
                ((2, 3), Value::Bool(true)),
                ((2, 4), Value::Empty),
            ]
        );
    }

    #[test]
    fn broken_cells_fail_as_calamine_fails() {
        let strings = Strings::default();
        let run = |sheet: &str| {
            let mut c = Cells::new(sheet.as_bytes(), &strings, &[], 1 << 20);
            loop {
                match c.next_cell() {
                    Ok(Some(_)) => {}
                    Ok(None) => return None,
                    Err(e) => return Some(format!("{e:?}")),
                }
            }
        };
        assert!(
            run("<worksheet><sheetData><c t=\"s\"><v>0</v></c></sheetData></worksheet>")
                .unwrap()
                .contains("string index")
        );
        assert!(
            run("<worksheet><sheetData><c t=\"e\"><v>#SPILL!</v></c></sheetData></worksheet>")
                .unwrap()
                .contains("CellError")
        );
        assert!(
            run("<worksheet><sheetData><c r=\"A0\"/></sheetData></worksheet>")
                .unwrap()
                .contains("RangeWithoutRowComponent")
        );
        assert!(
            run("<worksheet><sheetData><c><v>1</v>")
                .unwrap()
                .contains("XmlEof")
        );
        assert!(run("<chartsheet/>").unwrap().contains("NotAWorksheet"));
        assert_eq!(run("<worksheet><sheetData/></worksheet>"), None);
    }
}
