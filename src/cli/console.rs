//! Where the human-readable text goes, and which marks it may use there.
//!
//! The text marks checks with ✓ and ✗, mappings with →, and elisions (`age1…`) with …. On Windows
//! these are often not shown: the classic console (conhost, as on locked-down workstations)
//! draws with fonts that have no ✓ or ✗ (Consolas, Lucida Console) or only the OEM code page's
//! characters (the raster fonts), and output redirected to a file or a pipe is read back by
//! PowerShell 5.1 in the OEM code page (437/850), which turns UTF-8 into `âœ“`. Switching the
//! console to UTF-8 (`SetConsoleOutputCP`) needs `unsafe`, which this crate forbids, and would
//! not help with the font or with redirection. So on Windows these four marks are written as
//! ASCII (`[ok]`, `[x]`, `->`, `...`) unless the text goes straight to Windows Terminal, which
//! draws them. Everything else (file names, headers, the odd — or §) is left as it is: when the
//! output is a console, the standard library writes it as UTF-16, which shows correctly in any
//! code page wherever the font has the character; dashes are common in file names, and a path
//! shown with its dash changed could not be found.
//!
//! JSON and CSV output does not pass through here: it is always exact UTF-8.

use std::io::{self, IsTerminal, Write};

/// Standard output for human-readable text (see the module docs).
pub(crate) fn stdout() -> Console<io::StdoutLock<'static>> {
    let out = io::stdout();
    let ascii = ascii_marks(out.is_terminal());
    Console::new(out.lock(), ascii)
}

/// Standard error for human-readable text (see the module docs).
pub(crate) fn stderr() -> Console<io::StderrLock<'static>> {
    let err = io::stderr();
    let ascii = ascii_marks(err.is_terminal());
    Console::new(err.lock(), ascii)
}

/// Whether the marks must be written as ASCII: on Windows, unless the stream is Windows
/// Terminal (which sets `WT_SESSION` for the programs it runs); never elsewhere.
fn ascii_marks(is_terminal: bool) -> bool {
    cfg!(windows) && !(is_terminal && std::env::var_os("WT_SESSION").is_some())
}

/// The ASCII for each mark the text uses. Everything else passes through unchanged.
fn ascii_for(c: char) -> Option<&'static str> {
    Some(match c {
        '✓' => "[ok]",
        '✗' => "[x]",
        '→' => "->",
        '…' => "...",
        _ => return None,
    })
}

/// A writer that, when `ascii` is set, replaces the marks with their ASCII (see [`ascii_for`]).
/// A character split across two writes is held back until it is complete.
pub(crate) struct Console<W: Write> {
    inner: W,
    ascii: bool,
    pending: Vec<u8>,
}

impl<W: Write> Console<W> {
    pub(crate) fn new(inner: W, ascii: bool) -> Self {
        Console {
            inner,
            ascii,
            pending: Vec::new(),
        }
    }

    fn write_converted(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut rest = bytes;
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => return self.write_str_converted(s),
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    // Checked valid just above.
                    self.write_str_converted(std::str::from_utf8(good).unwrap_or_default())?;
                    match e.error_len() {
                        // Not UTF-8 at all: pass the bytes on as they are.
                        Some(n) => {
                            self.inner.write_all(&bad[..n])?;
                            rest = &bad[n..];
                        }
                        // A character cut short by the end of this write: wait for the rest.
                        None => {
                            self.pending.extend_from_slice(bad);
                            return Ok(());
                        }
                    }
                }
            }
        }
    }

    fn write_str_converted(&mut self, s: &str) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in s.char_indices() {
            if let Some(a) = ascii_for(c) {
                self.inner.write_all(&s.as_bytes()[start..i])?;
                self.inner.write_all(a.as_bytes())?;
                start = i + c.len_utf8();
            }
        }
        self.inner.write_all(&s.as_bytes()[start..])
    }
}

impl<W: Write> Write for Console<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.ascii {
            return self.inner.write(buf);
        }
        if self.pending.is_empty() {
            self.write_converted(buf)?;
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(buf);
            self.write_converted(&joined)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let cut = std::mem::take(&mut self.pending);
            self.inner.write_all(&cut)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for Console<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(ascii: bool, pieces: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut c = Console::new(&mut out, ascii);
            for p in pieces {
                c.write_all(p).unwrap();
            }
        }
        out
    }

    #[test]
    fn marks_become_ascii_and_the_rest_is_untouched() {
        let text = "✓ pass  Zoë → field [§2.2] — age1… ✗ FAIL · Oct – Nov.csv\n";
        assert_eq!(
            String::from_utf8(through(true, &[text.as_bytes()])).unwrap(),
            "[ok] pass  Zoë -> field [§2.2] — age1... [x] FAIL · Oct – Nov.csv\n"
        );
        assert_eq!(through(false, &[text.as_bytes()]), text.as_bytes());
    }

    #[test]
    fn a_mark_split_across_writes_is_still_replaced() {
        let b = "a✓b".as_bytes();
        assert_eq!(through(true, &[&b[..2], &b[2..3], &b[3..]]), b"a[ok]b");
    }

    #[test]
    fn bytes_that_are_not_utf8_pass_through() {
        assert_eq!(through(true, &[b"a\xffb\xe2\x9c"]), b"a\xffb\xe2\x9c");
    }

    #[test]
    fn only_windows_uses_ascii() {
        // WT_SESSION is not read off Windows; on Windows, a redirected stream is always ASCII.
        assert_eq!(ascii_marks(false), cfg!(windows));
    }
}
