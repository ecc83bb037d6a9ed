//! The parts every sheet's cells refer to, read once when a workbook is opened: the shared
//! strings table and the cell formats, as calamine reads them; and the reading of one string,
//! which a sheet's inline strings share with the shared strings table; and the error that
//! reading these parts and the sheet's cells (`cells`) gives.

use super::number_format::{Kind, builtin_code, builtin_kind, custom_kind};
use super::xml::{self, Token};
use calamine::XlsxError;
use std::collections::HashMap;
use std::io::Read;

/// A failure reading the cells or these parts: one of calamine's own errors where calamine
/// would fail the same way (so the sentences the analyst reads are the same), or a clause
/// about the XML.
#[derive(Debug)]
pub(super) enum CellsError {
    /// Boxed: calamine's error is large, and results pass through every cell.
    Xlsx(Box<XlsxError>),
    Xml(String),
}

impl From<XlsxError> for CellsError {
    fn from(e: XlsxError) -> CellsError {
        CellsError::Xlsx(Box::new(e))
    }
}

impl From<String> for CellsError {
    fn from(e: String) -> CellsError {
        CellsError::Xml(e)
    }
}

pub(super) type Result<T> = std::result::Result<T, CellsError>;

/// A cell format (`<xf>` of `cellXfs`): what its number format makes of a number, and the
/// format's code (`None` when the format has no numeric id).
#[derive(Debug, Clone)]
pub(super) struct Style {
    pub(super) kind: Kind,
    pub(super) code: Option<String>,
}

/// The shared strings, in one buffer.
#[derive(Default)]
pub(super) struct Strings {
    text: String,
    ends: Vec<usize>,
}

impl Strings {
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(super) fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.text[start..end])
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }
}

/// Read the shared strings table (`sst`), as calamine does.
pub(super) fn read_strings(part: impl Read, cap: usize) -> Result<Strings> {
    let mut xml = xml::Reader::new(part, cap);
    let mut strings = Strings::default();
    loop {
        match xml.next()? {
            Token::Start { name, empty, .. } if xml::local(name) == b"sst" => {
                if empty {
                    return Ok(strings);
                }
                break;
            }
            Token::Eof => return Err(XlsxError::XmlEof("sst").into()),
            _ => {}
        }
    }
    let mut one = String::new();
    loop {
        match xml.next()? {
            Token::Start { name, empty, .. } if xml::local(name) == b"si" => {
                let name = name.to_vec();
                one.clear();
                read_string(&mut xml, &name, empty, &mut one)?;
                strings.push(&one);
            }
            Token::End { name } if xml::local(name) == b"sst" => return Ok(strings),
            Token::Eof => return Err(XlsxError::XmlEof("sst").into()),
            _ => {}
        }
    }
}

/// Read the cell formats (`cellXfs`) of the styles part, as calamine does.
pub(super) fn read_styles(part: impl Read, cap: usize) -> Result<Vec<Style>> {
    let mut xml = xml::Reader::new(part, cap);
    let mut custom: HashMap<Vec<u8>, String> = HashMap::new();
    let mut styles = Vec::new();
    let (mut in_formats, mut in_xfs) = (false, false);
    loop {
        match xml.next()? {
            Token::Start { name, attrs, empty } => match xml::local(name) {
                b"numFmts" => in_formats = !empty,
                b"cellXfs" => in_xfs = !empty,
                b"numFmt" if in_formats => {
                    if let (Some(id), Some(code)) = (
                        xml::attr(attrs, b"numFmtId")?,
                        xml::attr(attrs, b"formatCode")?,
                    ) {
                        custom.insert(id.to_vec(), xml::decode_attr(code)?);
                    }
                }
                b"xf" if in_xfs => {
                    let id = xml::attr(attrs, b"numFmtId")?;
                    let kind = match id {
                        None => Kind::Number,
                        Some(id) => match custom.get(id) {
                            Some(code) => custom_kind(code),
                            None => builtin_kind(id),
                        },
                    };
                    let code = id.and_then(|raw| {
                        let n = std::str::from_utf8(raw).ok()?.parse::<u32>().ok()?;
                        Some(match custom.get(raw) {
                            Some(code) => code.clone(),
                            None => builtin_code(n).unwrap_or("General").to_string(),
                        })
                    });
                    styles.push(Style { kind, code });
                }
                _ => {}
            },
            Token::End { name } => match xml::local(name) {
                b"numFmts" => in_formats = false,
                b"cellXfs" => in_xfs = false,
                _ => {}
            },
            Token::Eof => return Ok(styles),
            _ => {}
        }
    }
}

/// A plain or rich text string (`<si>` or `<is>`, whose start tag was just read) into `out`:
/// the text of its `<t>` elements, phonetic runs (`<rPh>`) left out (calamine's
/// `read_string_with_bufs`).
pub(super) fn read_string<R: Read>(
    xml: &mut xml::Reader<R>,
    closing: &[u8],
    empty: bool,
    out: &mut String,
) -> Result<()> {
    if empty {
        return Ok(());
    }
    let mut phonetic = false;
    let mut one = String::new();
    loop {
        match xml.next()? {
            Token::Start { name, empty, .. } if xml::local(name) == b"rPh" => phonetic = !empty,
            Token::End { name } if name == closing => return Ok(()),
            Token::End { name } if xml::local(name) == b"rPh" => phonetic = false,
            Token::Start { name, attrs, empty } if xml::local(name) == b"t" && !phonetic => {
                let preserve = xml::attr(attrs, b"xml:space")? == Some(b"preserve");
                let name = name.to_vec();
                one.clear();
                if !empty {
                    loop {
                        match xml.next()? {
                            Token::Text(raw) => xml::decode_text(raw, &mut one)?,
                            Token::CData(raw) => xml::decode_cdata(raw, &mut one)?,
                            Token::End { name: end } if end == name.as_slice() => break,
                            Token::Eof => return Err(XlsxError::XmlEof("t").into()),
                            _ => {}
                        }
                    }
                }
                let text = if preserve {
                    one.as_str()
                } else {
                    one.trim_matches([' ', '\t', '\r', '\n'])
                };
                out.push_str(&xml::unescape_excel(text));
            }
            Token::Eof => return Err(XlsxError::XmlEof("").into()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_classified_as_calamine_does() {
        assert_eq!(custom_kind("dd/mm/yyyy"), Kind::DateTime);
        assert_eq!(custom_kind("[h]:mm:ss"), Kind::Duration);
        assert_eq!(custom_kind("0.00;[Red]-0.00"), Kind::Number);
        assert_eq!(custom_kind("\"day\" 0"), Kind::Number);
        assert_eq!(builtin_kind(b"14"), Kind::DateTime);
        assert_eq!(builtin_kind(b"2"), Kind::Number);
        let styles = read_styles(
            &b"<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"dd&quot;/&quot;mm\"/></numFmts>\
               <cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs>\
               <cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf/></cellXfs></styleSheet>"[..],
            1 << 20,
        )
        .unwrap();
        let kinds: Vec<_> = styles.iter().map(|s| (s.kind, s.code.clone())).collect();
        assert_eq!(
            kinds,
            vec![
                (Kind::Number, Some("General".into())),
                (Kind::DateTime, Some("dd\"/\"mm".into())),
                (Kind::Number, None),
            ]
        );
    }
}
