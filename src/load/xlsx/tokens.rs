//! Measuring the XML tokens of a part as it streams past, for the preflight's token cap, and
//! the first tag of a part, which says what the part is.

use super::{hidden, xml};

/// Measures XML tokens the way a streaming XML parser buffers them: a run of text up to `<`,
/// or one piece of markup: a tag (to a `>` outside quotes), a comment (to `-->`), a CDATA
/// section (to `]]>`), a processing instruction (to `?>`), a DOCTYPE (to its closing `>`).
/// Where it is unsure it runs on, so it may measure a token longer than the parser would,
/// never shorter.
#[derive(Default)]
pub(super) struct TokenScan {
    state: ScanState,
    len: u64,
    max: u64,
    /// Dashes, brackets or a question mark just seen; DOCTYPE nesting depth.
    run: u32,
    /// Keep the first element's start tag (the first tag that is not a comment, CDATA,
    /// processing instruction or DOCTYPE) in `first_tag`, up to [`FIRST_TAG_BYTES`].
    want_first_tag: bool,
    capturing: bool,
    pub(super) first_tag: Option<Vec<u8>>,
    /// The first tag was longer than [`FIRST_TAG_BYTES`] and is cut short.
    pub(super) first_tag_cut: bool,
    /// Hands each tag, whole, to this, while it is listening.
    pub(super) facts: Option<hidden::PartScan>,
    /// The tag being read for `facts`, up to [`hidden::TAG_BYTES`].
    tag: Vec<u8>,
    in_tag: bool,
    /// With `want_first_tag` (the shared strings), the strings counted so far.
    pub(super) strings: u64,
}

pub(super) const FIRST_TAG_BYTES: usize = 64 * 1024;

/// A shared strings count calamine may reserve room for whatever the part holds (96 MiB).
pub(super) const HARMLESS_STRING_COUNT: u64 = 1 << 22;

/// Shared strings any workbook may hold, however small (see [`check_strings_held`]).
pub(super) const HELD_STRINGS: u64 = 1 << 21;

#[derive(Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum ScanState {
    #[default]
    Text,
    /// Just after `<`.
    Open,
    /// Just after `<!`.
    Bang,
    /// Just after `<!-`.
    CommentOpen,
    Comment,
    CData,
    Pi,
    Doctype,
    Tag,
    TagQuote(u8),
}

impl TokenScan {
    /// A scan that keeps the part's first tag if asked, and learns its hidden rows and columns
    /// where given `facts` to fill.
    pub(super) fn new(want_first_tag: bool, facts: Option<hidden::PartScan>) -> TokenScan {
        TokenScan {
            want_first_tag,
            facts,
            ..TokenScan::default()
        }
    }

    pub(super) fn feed(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            if self.state == ScanState::Text && !self.want_first_tag {
                i = self.whole_tags(bytes, i);
                if i == bytes.len() {
                    return;
                }
            }
            // Fast paths (unless the first tag is being kept, byte by byte): inside a tag only
            // quotes and '>' matter, inside a quoted value only its closing quote; a tag being
            // gathered for `facts` takes the run whole. A plain loop over the bytes, not
            // memchr: these runs are a few bytes long.
            if !self.want_first_tag {
                let rest = &bytes[i..];
                let skip = match self.state {
                    ScanState::Tag => {
                        Some(rest.iter().position(|&b| matches!(b, b'"' | b'\'' | b'>')))
                    }
                    ScanState::TagQuote(q) => Some(rest.iter().position(|&b| b == q)),
                    _ => None,
                };
                if let Some(p) = skip {
                    let run = p.unwrap_or(rest.len());
                    if self.in_tag && self.facts.is_some() {
                        let room = hidden::TAG_BYTES.saturating_sub(self.tag.len());
                        self.tag.extend_from_slice(&rest[..run.min(room)]);
                    }
                    self.len += run as u64;
                    i += run;
                    if p.is_none() {
                        return;
                    }
                }
            }
            if self.state == ScanState::Text {
                // Fast path: a text run ends at the next '<'.
                match bytes[i..].iter().position(|&b| b == b'<') {
                    None => {
                        self.len += (bytes.len() - i) as u64;
                        return;
                    }
                    Some(p) => {
                        self.len += p as u64;
                        self.end();
                        self.len = 1;
                        self.state = ScanState::Open;
                        i += p + 1;
                        continue;
                    }
                }
            }
            let b = bytes[i];
            i += 1;
            self.len += 1;
            if self.want_first_tag {
                self.capture(b);
            }
            if self.facts.is_some() {
                self.collect(b);
            }
            self.state = match self.state {
                ScanState::Text => ScanState::Text,
                ScanState::Open => match b {
                    b'!' => ScanState::Bang,
                    b'?' => {
                        self.run = 0;
                        ScanState::Pi
                    }
                    b'>' => self.close(),
                    b'"' | b'\'' => ScanState::TagQuote(b),
                    _ => ScanState::Tag,
                },
                ScanState::Bang => match b {
                    b'-' => ScanState::CommentOpen,
                    b'[' => {
                        self.run = 0;
                        ScanState::CData
                    }
                    b'>' => self.close(),
                    b'<' => {
                        self.run = 1;
                        ScanState::Doctype
                    }
                    _ => {
                        self.run = 0;
                        ScanState::Doctype
                    }
                },
                ScanState::CommentOpen => {
                    self.run = 0;
                    ScanState::Comment
                }
                ScanState::Comment => match b {
                    b'-' => {
                        self.run = self.run.saturating_add(1);
                        ScanState::Comment
                    }
                    b'>' if self.run >= 2 => self.close(),
                    _ => {
                        self.run = 0;
                        ScanState::Comment
                    }
                },
                ScanState::CData => match b {
                    b']' => {
                        self.run = self.run.saturating_add(1);
                        ScanState::CData
                    }
                    b'>' if self.run >= 2 => self.close(),
                    _ => {
                        self.run = 0;
                        ScanState::CData
                    }
                },
                ScanState::Pi => match b {
                    b'?' => {
                        self.run = 1;
                        ScanState::Pi
                    }
                    b'>' if self.run == 1 => self.close(),
                    _ => {
                        self.run = 0;
                        ScanState::Pi
                    }
                },
                ScanState::Doctype => match b {
                    b'<' => {
                        self.run = self.run.saturating_add(1);
                        ScanState::Doctype
                    }
                    b'>' if self.run == 0 => self.close(),
                    b'>' => {
                        self.run -= 1;
                        ScanState::Doctype
                    }
                    _ => ScanState::Doctype,
                },
                ScanState::Tag => match b {
                    b'"' | b'\'' => ScanState::TagQuote(b),
                    b'>' => self.close(),
                    _ => ScanState::Tag,
                },
                ScanState::TagQuote(q) => {
                    if b == q {
                        ScanState::Tag
                    } else {
                        ScanState::TagQuote(q)
                    }
                }
            };
        }
    }

    /// The fastest path, from text: runs of text and whole start and end tags that lie
    /// within `bytes`, measured (and handed to `facts`) without the byte-by-byte state
    /// machine, which sees the same tokens. Returns where it stopped: the end of `bytes`
    /// (inside a run of text), or a `<` the state machine must take (a comment, CDATA,
    /// processing instruction or DOCTYPE, or a tag that runs past `bytes`).
    fn whole_tags(&mut self, bytes: &[u8], mut i: usize) -> usize {
        loop {
            let Some(p) = memchr::memchr(b'<', &bytes[i..]) else {
                self.len += (bytes.len() - i) as u64;
                return bytes.len();
            };
            let lt = i + p;
            self.len += p as u64;
            self.end();
            if matches!(bytes.get(lt + 1), None | Some(b'!' | b'?' | b'>')) {
                return lt;
            }
            let Some(gt) = xml::tag_end(&bytes[lt + 1..]).map(|k| lt + 1 + k) else {
                return lt;
            };
            self.max = self.max.max((gt + 1 - lt) as u64);
            if let Some(facts) = self.facts.as_mut() {
                let tag = &bytes[lt..(gt + 1).min(lt + hidden::TAG_BYTES)];
                if facts.wants(tag) {
                    facts.tag(tag);
                    if !facts.listening() {
                        self.facts = None;
                    }
                }
            }
            i = gt + 1;
        }
    }

    /// Keep `b` if it belongs to the first element's start tag. Called before `b` moves the
    /// state on.
    fn capture(&mut self, b: u8) {
        let starts = self.state == ScanState::Open && !matches!(b, b'!' | b'?' | b'>');
        if starts && self.first_tag.is_none() {
            self.capturing = true;
            self.first_tag = Some(b"<".to_vec());
        }
        if !self.capturing {
            return;
        }
        if let Some(tag) = self.first_tag.as_mut() {
            if tag.len() < FIRST_TAG_BYTES {
                tag.push(b);
            } else {
                self.first_tag_cut = true;
            }
        }
        if self.state == ScanState::Tag && b == b'>' {
            self.capturing = false;
            self.want_first_tag = false;
        }
    }

    /// Gather the tags for `facts`, each from its `<` to its `>`. Called before `b` moves the
    /// state on.
    fn collect(&mut self, b: u8) {
        if self.state == ScanState::Open && !matches!(b, b'!' | b'?' | b'>') {
            self.tag.clear();
            self.tag.push(b'<');
            self.in_tag = true;
        }
        if !self.in_tag {
            return;
        }
        if self.tag.len() < hidden::TAG_BYTES {
            self.tag.push(b);
        }
        if self.state == ScanState::Tag && b == b'>' {
            self.in_tag = false;
            if let Some(facts) = self.facts.as_mut() {
                facts.tag(&self.tag);
                if !facts.listening() {
                    self.facts = None;
                }
            }
        }
    }

    /// The longest token so far, counting the one still open.
    pub(super) fn longest(&self) -> u64 {
        self.max.max(self.len)
    }

    fn end(&mut self) {
        self.max = self.max.max(self.len);
        self.len = 0;
    }

    fn close(&mut self) -> ScanState {
        self.end();
        ScanState::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn longest(xml: &str) -> u64 {
        let mut s = TokenScan::default();
        // Feed in small pieces to exercise state kept across chunks.
        for chunk in xml.as_bytes().chunks(3) {
            s.feed(chunk);
        }
        s.longest()
    }

    #[test]
    fn token_scan_measures_text_and_markup() {
        assert_eq!(longest("<a>hello</a>"), 5);
        assert_eq!(longest(r#"<c r="A1" t="s">"#), 16);
        // A '>' inside quotes does not end the tag.
        assert_eq!(longest(r#"<c x=">>>>">"#), 12);
        // A comment runs to "-->", whatever it holds.
        assert_eq!(longest("<!-- a > b < c -->x"), 18);
        assert_eq!(longest("<!-->-->"), 8);
        assert_eq!(longest("<![CDATA[ <x> ]]>"), 17);
        assert_eq!(longest("<?xml version=\"1.0\"?><a/>"), 21);
        assert_eq!(longest("<!DOCTYPE a [<!ENTITY b \"c\">]><a/>"), 30);
        // An unterminated token counts to the end.
        assert_eq!(longest("<a>xxxxxxxxxxxxxxxxxxxx"), 20);
    }

    #[test]
    fn token_scan_measures_the_same_whole_or_a_byte_at_a_time() {
        // State carried across chunk boundaries anywhere gives the same measure.
        let xml = r#"<?xml version="1.0"?><worksheet a='x"y>z' b="p'q>r"><row r="1"><c r="A1" t="inlineStr"><is><t>a &lt; b</t></is></c></row><!-- >> --><![CDATA[ > ]]><x y=">"/></worksheet>"#;
        let mut whole = TokenScan::default();
        whole.feed(xml.as_bytes());
        for cut in 1..xml.len() {
            let mut split = TokenScan::default();
            split.feed(&xml.as_bytes()[..cut]);
            split.feed(&xml.as_bytes()[cut..]);
            assert_eq!(split.longest(), whole.longest(), "cut at {cut}");
        }
        assert_eq!(longest(xml), whole.longest());
        assert_eq!(
            whole.longest(),
            r#"<worksheet a='x"y>z' b="p'q>r">"#.len() as u64
        );
    }

    #[test]
    fn hidden_rows_and_columns_are_found_wherever_the_chunks_are_cut() {
        let xml = r#"<?xml version="1.0"?><x:worksheet xmlns:x="s"><x:cols><x:col min="3" max="3" width="0" customWidth="1"/></x:cols><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row><x:row r="2" hidden="1" spans="1:3"><x:c r="A2" t="inlineStr"><x:is><x:t>a "quoted" &gt; value</x:t></x:is></x:c></x:row><x:row r="3" ht="0" customHeight="1"><x:c r="B3"><x:v>7</x:v></x:c></x:row></x:sheetData></x:worksheet>"#;
        let facts = |cuts: &[usize]| {
            let mut s = TokenScan {
                facts: Some(hidden::PartScan::default()),
                ..TokenScan::default()
            };
            let mut at = 0;
            for &cut in cuts.iter().chain(std::iter::once(&xml.len())) {
                s.feed(&xml.as_bytes()[at..cut]);
                at = cut;
            }
            format!("{:?}", s.facts.and_then(hidden::PartScan::finish))
        };
        let whole = facts(&[]);
        assert!(whole.contains("rows: [(2, 3)]"), "{whole}");
        assert!(whole.contains("cols: [(3, 3)]"), "{whole}");
        for a in 1..xml.len() {
            assert_eq!(facts(&[a]), whole, "cut at {a}");
        }
        let bytewise: Vec<usize> = (1..xml.len()).collect();
        assert_eq!(facts(&bytewise), whole);
    }

    #[test]
    fn token_scan_keeps_the_first_element_tag() {
        let xml = r#"<?xml version="1.0"?><!-- <sst uniqueCount="1"> --><x:sst a=">" uniqueCount="5"><si/></x:sst>"#;
        let mut s = TokenScan {
            want_first_tag: true,
            ..TokenScan::default()
        };
        for chunk in xml.as_bytes().chunks(2) {
            s.feed(chunk);
        }
        assert_eq!(
            s.first_tag.as_deref(),
            Some(br#"<x:sst a=">" uniqueCount="5">"#.as_slice())
        );
        assert!(!s.first_tag_cut);
    }
}
