//! A handle on the opened file that reads at a position of its own. Several readers (the
//! package pre-scan, calamine, the sheet reader, the thread that unpacks the sheet) can then
//! read the one opened file at once: a plain clone of the handle shares one cursor, and their
//! seeks and reads would interleave.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

pub(super) struct At {
    file: File,
    pos: u64,
    len: u64,
}

impl At {
    pub(super) fn new(file: &File) -> io::Result<At> {
        Ok(At {
            file: file.try_clone()?,
            pos: 0,
            len: file.metadata()?.len(),
        })
    }
}

impl Read for At {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&self.file, buf, self.pos)?;
        // Reads at the given offset; it moves the handle's cursor too, which no reader uses.
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(&self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for At {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = pos.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )
        })?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn readers_keep_their_own_place() {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(b"0123456789").unwrap();
        let (mut a, mut b) = (At::new(&f).unwrap(), At::new(&f).unwrap());
        let mut two = [0u8; 2];
        a.seek(SeekFrom::Start(4)).unwrap();
        b.read_exact(&mut two).unwrap();
        assert_eq!(&two, b"01");
        a.read_exact(&mut two).unwrap();
        assert_eq!(&two, b"45");
        b.seek(SeekFrom::End(-1)).unwrap();
        b.read_exact(&mut two[..1]).unwrap();
        assert_eq!(two[0], b'9');
        assert!(b.seek(SeekFrom::Current(-20)).is_err());
    }
}
