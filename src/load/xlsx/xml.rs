//! A pull reader for the few XML parts the sheet reader needs (a worksheet, the shared strings,
//! the styles), over a part as it unpacks. It hands out one token at a time, borrowed from its
//! buffer: start tags with their raw attributes, end tags, runs of raw text, CDATA. Comments,
//! processing instructions and DOCTYPEs are passed over.
//!
//! It reads as calamine's XML reader is set up to (quick-xml with end names unchecked, text
//! untrimmed): the same tokens in the same order, so the sheet reads the same. It is written
//! here because parsing the sheet is most of the time of reading a workbook, and a reader that
//! knows it needs nothing but these tokens is several times faster.
//!
//! Memory is bounded: a token must fit in `cap` bytes, or reading stops with an error. The
//! package pre-scan already refuses parts with a longer token, so this is a second guard.

use super::bytes::read_up_to;
use super::guarded::damaged_part;
use std::borrow::Cow;
use std::io::Read;

const START_BUFFER: usize = 256 * 1024;

pub(super) enum Token<'a> {
    /// `empty` for `<name .../>`, which stands for a start and an end tag.
    Start {
        name: &'a [u8],
        attrs: &'a [u8],
        empty: bool,
    },
    End {
        name: &'a [u8],
    },
    /// Raw text up to the next markup: entities undecoded, line ends as in the file.
    Text(&'a [u8]),
    CData(&'a [u8]),
    Eof,
}

pub(super) struct Reader<R> {
    src: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
    cap: usize,
    started: bool,
}

impl<R: Read> Reader<R> {
    pub(super) fn new(src: R, cap: usize) -> Reader<R> {
        Reader {
            src,
            buf: vec![0; START_BUFFER.min(cap.max(16))],
            pos: 0,
            end: 0,
            eof: false,
            cap: cap.max(16),
            started: false,
        }
    }

    /// Read more into the buffer, keeping what is not yet taken. `false` at the end of input.
    fn fill(&mut self) -> Result<bool, String> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
        }
        if self.end == self.buf.len() {
            if self.buf.len() >= self.cap {
                return Err(format!(
                    "it holds a single run of text or markup longer than {} MiB",
                    self.cap / (1024 * 1024)
                ));
            }
            let grown = (self.buf.len() * 2).min(self.cap);
            self.buf.resize(grown, 0);
        }
        // Fill the buffer (a token that did not fit is looked for again from its start, so
        // each refill must at least double what is there, or a long token costs quadratic time).
        let space = self.buf.len() - self.end;
        let n =
            read_up_to(&mut self.src, &mut self.buf[self.end..]).map_err(|e| damaged_part(&e))?;
        self.end += n;
        self.eof = n < space;
        Ok(n > 0)
    }

    /// The offset (from `pos`) of the first match of `find` at or after `from` in the unread
    /// bytes, reading more as needed; `None` at the end of input. `find` is run again from
    /// `from` after a refill: it may keep state (being inside quotes, say).
    fn seek(
        &mut self,
        from: usize,
        find: impl Fn(&[u8]) -> Option<usize>,
    ) -> Result<Option<usize>, String> {
        loop {
            if self.pos + from <= self.end
                && let Some(i) = find(&self.buf[self.pos + from..self.end])
            {
                return Ok(Some(from + i));
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    pub(super) fn next(&mut self) -> Result<Token<'_>, String> {
        loop {
            if self.pos == self.end && !self.fill()? {
                return Ok(Token::Eof);
            }
            if !self.started {
                self.started = true;
                while self.end - self.pos < 3 && self.fill()? {}
                if self.buf[self.pos..self.end].starts_with(b"\xEF\xBB\xBF") {
                    self.pos += 3;
                }
                continue;
            }
            if self.buf[self.pos] != b'<' {
                let len = match self.seek(0, text_end)? {
                    Some(i) => i,
                    None => self.end - self.pos,
                };
                let start = self.pos;
                self.pos += len;
                return Ok(Token::Text(&self.buf[start..start + len]));
            }
            if self.end - self.pos < 2 {
                self.fill()?;
            }
            match self.buf.get(self.pos + 1) {
                Some(b'!' | b'?') => {}
                Some(_) => return self.tag(),
                None => return Err(malformed()),
            }
            // A comment, CDATA, processing instruction or declaration: make sure the first
            // bytes are there to tell which.
            while self.end - self.pos < 9 && self.fill()? {}
            let head = &self.buf[self.pos..self.end];
            if head.starts_with(b"<!--") {
                let Some(i) = self.seek(4, |b| memchr::memmem::find(b, b"-->"))? else {
                    return Err(malformed());
                };
                self.pos += i + 3;
            } else if head.starts_with(b"<![CDATA[") {
                let Some(i) = self.seek(9, |b| memchr::memmem::find(b, b"]]>"))? else {
                    return Err(malformed());
                };
                let start = self.pos;
                self.pos += i + 3;
                return Ok(Token::CData(&self.buf[start + 9..start + i]));
            } else if head.starts_with(b"<?") {
                let Some(i) = self.seek(2, |b| memchr::memmem::find(b, b"?>"))? else {
                    return Err(malformed());
                };
                self.pos += i + 2;
            } else {
                let Some(i) = self.seek(2, doctype_end)? else {
                    return Err(malformed());
                };
                self.pos += i + 1;
            }
        }
    }

    /// The commonest cell's value, read at once: if what comes next in the buffer is exactly
    /// `<v>TEXT</v></c>`, with no reference or carriage return in TEXT, the reader moves past
    /// `</c>` and TEXT is returned raw. Otherwise nothing is read. The tokens read one by one
    /// would give the same.
    pub(super) fn simple_value(&mut self) -> Option<&[u8]> {
        let rest = self.buf[self.pos..self.end].strip_prefix(b"<v>")?;
        let stop = rest
            .iter()
            .position(|&c| c == b'<' || c == b'&' || c == b'\r')?;
        if !rest[stop..].starts_with(b"</v></c>") {
            return None;
        }
        let start = self.pos + 3;
        self.pos = start + stop + b"</v></c>".len();
        Some(&self.buf[start..start + stop])
    }

    /// A start or end tag, at `pos`.
    fn tag(&mut self) -> Result<Token<'_>, String> {
        let Some(close) = self.seek(1, tag_end)? else {
            return Err(malformed());
        };
        if close == 1 {
            return Err(malformed());
        }
        let start = self.pos;
        self.pos += close + 1;
        let tag = &self.buf[start..start + close];
        let name_end = tag
            .iter()
            .position(u8::is_ascii_whitespace)
            .unwrap_or(close);
        if tag[1] == b'/' {
            return Ok(Token::End {
                name: &tag[2..name_end],
            });
        }
        if name_end == 1 {
            return Err(malformed());
        }
        let empty = tag[close - 1] == b'/';
        let attrs_end = if empty { close - 1 } else { close };
        let name_end = name_end.min(attrs_end);
        Ok(Token::Start {
            name: &tag[1..name_end],
            attrs: &tag[name_end..attrs_end],
            empty,
        })
    }
}

/// The `>` that ends a tag, outside quoted attribute values, in `b` (which starts inside the
/// tag). Tags are short: a plain loop finds the end sooner than a vector search per quote. The
/// package pre-scan measures tags with it too.
pub(super) fn tag_end(b: &[u8]) -> Option<usize> {
    let mut quote = 0u8;
    for (i, &c) in b.iter().enumerate() {
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'>' {
            return Some(i);
        } else if c == b'"' || c == b'\'' {
            quote = c;
        }
    }
    None
}

/// The `<` that ends a run of text. Most runs in a sheet are a few bytes (a number, a string
/// index): a plain loop finds those sooner than a vector search, which takes the long ones.
fn text_end(b: &[u8]) -> Option<usize> {
    let head = b.len().min(32);
    match b[..head].iter().position(|&c| c == b'<') {
        Some(i) => Some(i),
        None => memchr::memchr(b'<', &b[head..]).map(|i| head + i),
    }
}

/// The `>` that ends a `<!...>` declaration, past any `[...]` internal subset.
fn doctype_end(b: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b'>' if depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// A name without its namespace prefix.
pub(super) fn local(name: &[u8]) -> &[u8] {
    match memchr::memrchr(b':', name) {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// The raw value of the attribute named exactly `key`.
pub(super) fn attr<'a>(attrs: &'a [u8], key: &[u8]) -> Result<Option<&'a [u8]>, String> {
    let mut s = attrs;
    loop {
        s = s.trim_ascii_start();
        if s.is_empty() {
            return Ok(None);
        }
        let eq = memchr::memchr(b'=', s).ok_or_else(malformed)?;
        let name = s[..eq].trim_ascii_end();
        let rest = s[eq + 1..].trim_ascii_start();
        let quote = *rest.first().ok_or_else(malformed)?;
        if quote != b'"' && quote != b'\'' {
            return Err(malformed());
        }
        let close = memchr::memchr(quote, &rest[1..]).ok_or_else(malformed)?;
        if name == key {
            return Ok(Some(&rest[1..1 + close]));
        }
        s = &rest[close + 2..];
    }
}

/// The clause for any XML that cannot be read. It never quotes the file: what is near a fault
/// may be a cell value.
pub(super) const MALFORMED: &str =
    "its XML is malformed: the file is damaged, or was not written by a spreadsheet program";

fn malformed() -> String {
    MALFORMED.into()
}

/// Append raw XML text to `out` as its characters: entities and character references decoded,
/// line ends normalised to `\n` as XML 1.0 requires.
pub(super) fn decode_text(raw: &[u8], out: &mut String) -> Result<(), String> {
    let text = std::str::from_utf8(raw).map_err(|_| malformed())?;
    let mut rest = text;
    while let Some(i) = rest.find(['&', '\r']) {
        out.push_str(&rest[..i]);
        if rest.as_bytes()[i] == b'\r' {
            out.push('\n');
            rest = &rest[i + 1..];
            if let Some(after) = rest.strip_prefix('\n') {
                rest = after;
            }
            continue;
        }
        let after = &rest[i + 1..];
        let semi = after.find(';').ok_or_else(malformed)?;
        decode_entity(&after[..semi], out)?;
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(())
}

/// Append CDATA as its characters: only line ends are normalised.
pub(super) fn decode_cdata(raw: &[u8], out: &mut String) -> Result<(), String> {
    let text = std::str::from_utf8(raw).map_err(|_| malformed())?;
    let mut rest = text;
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix('\n') {
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(())
}

/// An attribute value as its characters (entities decoded).
pub(super) fn decode_attr(raw: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(raw).map_err(|_| malformed())?;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let semi = after.find(';').ok_or_else(malformed)?;
        decode_entity(&after[..semi], &mut out)?;
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn decode_entity(name: &str, out: &mut String) -> Result<(), String> {
    let c = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => {
            let code = if let Some(hex) = name.strip_prefix("#x") {
                u32::from_str_radix(hex, 16).ok()
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse::<u32>().ok()
            } else {
                None
            };
            match code.filter(|&c| c != 0).and_then(char::from_u32) {
                Some(c) => c,
                None => return Err(malformed()),
            }
        }
    };
    out.push(c);
    Ok(())
}

/// Excel's own escapes in text: `_xHHHH_` is the UTF-16 code unit HHHH (`_x000D_` is `\r`;
/// `_x005F_` is `_`, so a literal `_x000D_` is written `_x005F_x000D_`). A lone surrogate
/// becomes U+FFFD. As calamine decodes them.
pub(super) fn unescape_excel(s: &str) -> Cow<'_, str> {
    let Some((mut index, mut unit)) = find_escape(s, 0) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    loop {
        out.push_str(&s[copied..index]);
        index += 7;
        match unit {
            0xD800..=0xDBFF => match parse_escape(s, index) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let code =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                    index += 7;
                }
                _ => out.push(char::REPLACEMENT_CHARACTER),
            },
            0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
            _ => out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        copied = index;
        match find_escape(s, index) {
            Some(next) => (index, unit) = next,
            None => break,
        }
    }
    out.push_str(&s[copied..]);
    Cow::Owned(out)
}

fn find_escape(s: &str, mut start: usize) -> Option<(usize, u16)> {
    while let Some(offset) = s[start..].find('_') {
        let index = start + offset;
        if let Some(unit) = parse_escape(s, index) {
            return Some((index, unit));
        }
        start = index + 1;
    }
    None
}

fn parse_escape(s: &str, index: usize) -> Option<u16> {
    let b = s.as_bytes().get(index..index + 7)?;
    if b[0] != b'_' || b[1] != b'x' || b[6] != b'_' || !b[2..6].iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(xml: &str, cap: usize) -> Vec<String> {
        let mut r = Reader::new(xml.as_bytes(), cap);
        let mut out = Vec::new();
        loop {
            let t = match r.next().unwrap() {
                Token::Start { name, attrs, empty } => format!(
                    "S{}{}[{}]",
                    if empty { "/" } else { "" },
                    String::from_utf8_lossy(name),
                    String::from_utf8_lossy(attrs).trim()
                ),
                Token::End { name } => format!("E{}", String::from_utf8_lossy(name)),
                Token::Text(t) => format!("T{}", String::from_utf8_lossy(t)),
                Token::CData(t) => format!("C{}", String::from_utf8_lossy(t)),
                Token::Eof => break,
            };
            out.push(t);
        }
        out
    }

    #[test]
    fn tokens_are_the_same_however_small_the_buffer() {
        let xml = "\u{feff}<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><a x=\"1>2\" y='\"'>\
                   one<!-- <b> --><b/>two<![CDATA[<c>]]></a >";
        let want = [
            "Sa[x=\"1>2\" y='\"']",
            "Tone",
            "S/b[]",
            "Ttwo",
            "C<c>",
            "Ea",
        ];
        assert_eq!(tokens(xml, 1 << 20), want);
        assert_eq!(tokens(xml, 40), want);
    }

    #[test]
    fn a_token_longer_than_the_cap_is_an_error() {
        let xml = format!("<a>{}</a>", "x".repeat(100));
        let mut r = Reader::new(xml.as_bytes(), 32);
        assert!(matches!(r.next(), Ok(Token::Start { .. })));
        let e = r.next().err().expect("too long");
        assert!(e.contains("longer than"), "{e}");
    }

    #[test]
    fn text_and_attributes_are_decoded() {
        let mut s = String::new();
        decode_text(b"a&amp;b&#13;c\r\nd\re&#x41;", &mut s).unwrap();
        assert_eq!(s, "a&b\rc\nd\neA");
        assert!(decode_text(b"a&nbsp;", &mut String::new()).is_err());
        assert!(decode_text(b"a & b", &mut String::new()).is_err());
        assert_eq!(decode_attr(b"x&lt;y").unwrap(), "x<y");
        assert_eq!(attr(b" r=\"A1\" s = '3'", b"s").unwrap(), Some(&b"3"[..]));
        assert_eq!(attr(b" r=\"A1\"", b"t").unwrap(), None);
        assert!(attr(b" r=A1", b"r").is_err());
    }

    #[test]
    fn excel_escapes_are_decoded() {
        assert_eq!(unescape_excel("a_x000D_b"), "a\rb");
        assert_eq!(unescape_excel("_x005F_x000D_"), "_x000D_");
        assert_eq!(unescape_excel("_xD83D__xDCF7_"), "\u{1F4F7}");
        assert_eq!(unescape_excel("_xD83D_"), "\u{FFFD}");
        assert_eq!(unescape_excel("_x00G0_"), "_x00G0_");
    }
}
