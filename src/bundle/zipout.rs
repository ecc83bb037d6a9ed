//! The zip container, written as a stream (APPNOTE 6.3.10): each entry is a local header, its
//! deflated bytes and a data descriptor; the central directory and end record follow the last.
//!
//! disclose writes the container itself rather than through the zip crate's writer because the
//! payload is deflated in parallel chunks (see `deflate.rs`) and the zip crate can only take
//! pre-compressed bytes held whole in memory. The layout matches what the zip crate wrote
//! before, and `unzip`, 7-Zip, libarchive (Windows' tar.exe) and Python's zipfile read it (see
//! tests/it/bundle.rs): payload entries always carry ZIP64 sizes, because a streamed entry cannot
//! become ZIP64 once started; names are the ASCII names `bag.rs` allows; entries are marked
//! Unix 0600.

use std::io::{self, Write};

const LOCAL_HEADER: u32 = 0x0403_4b50;
const DATA_DESCRIPTOR: u32 = 0x0807_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const ZIP64_END: u32 = 0x0606_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const END: u32 = 0x0605_4b50;
const ZIP64_EXTRA: u16 = 0x0001;
/// Bit 3: sizes and CRC follow the data, in the data descriptor.
const FLAG_DESCRIPTOR: u16 = 0x0008;
const DEFLATED: u16 = 8;
/// Version 2.0 (deflate) and 4.5 (ZIP64), as "made by" and "needed to extract".
const V20: u16 = 20;
const V45: u16 = 45;
/// "Made by" Unix, so the external attributes are read as a Unix mode.
const MADE_BY_UNIX: u16 = 3 << 8;
/// A regular file, read and write for its owner only.
const MODE_0600: u32 = 0o100_600 << 16;
const U32_MAX: u64 = u32::MAX as u64;

/// One entry as the central directory will describe it.
struct Entry {
    name: String,
    zip64_sizes: bool,
    offset: u64,
    crc: u32,
    compressed: u64,
    uncompressed: u64,
}

/// A zip archive being streamed into `W`. Entries are written one at a time:
/// [`ZipOut::start_entry`], [`ZipOut::write_data`] (already deflated), [`ZipOut::end_entry`].
pub(super) struct ZipOut<W: Write> {
    inner: W,
    position: u64,
    time: u16,
    date: u16,
    entries: Vec<Entry>,
    /// The entry being written and the compressed bytes written for it so far.
    open: Option<(Entry, u64)>,
}

impl<W: Write> ZipOut<W> {
    pub(super) fn new(inner: W) -> ZipOut<W> {
        ZipOut {
            inner,
            position: 0,
            // 1980-01-01 00:00, the earliest a zip can say.
            time: 0,
            date: (1 << 5) | 1,
            entries: Vec::new(),
            open: None,
        }
    }

    /// The MS-DOS time and date stored for every entry.
    pub(super) fn set_modified(&mut self, time: u16, date: u16) {
        self.time = time;
        self.date = date;
    }

    /// Writes the local header of `name`. `zip64_sizes`: the entry may exceed 4 GiB.
    pub(super) fn start_entry(&mut self, name: &str, zip64_sizes: bool) -> io::Result<()> {
        if self.open.is_some() {
            return Err(io::Error::other(
                "a zip entry was started before the last ended",
            ));
        }
        let mut h = Vec::with_capacity(30 + name.len() + 20);
        put32(&mut h, LOCAL_HEADER);
        put16(&mut h, if zip64_sizes { V45 } else { V20 });
        put16(&mut h, FLAG_DESCRIPTOR);
        put16(&mut h, DEFLATED);
        put16(&mut h, self.time);
        put16(&mut h, self.date);
        // CRC and sizes are in the data descriptor; a ZIP64 entry says so with a ZIP64 extra
        // field (whose sizes are zero here too), which also makes the descriptor's sizes 8 bytes.
        put32(&mut h, 0);
        put32(&mut h, 0);
        put32(&mut h, 0);
        put16(&mut h, name_len(name)?);
        put16(&mut h, if zip64_sizes { 20 } else { 0 });
        h.extend_from_slice(name.as_bytes());
        if zip64_sizes {
            put16(&mut h, ZIP64_EXTRA);
            put16(&mut h, 16);
            put64(&mut h, 0);
            put64(&mut h, 0);
        }
        let entry = Entry {
            name: name.to_string(),
            zip64_sizes,
            offset: self.position,
            crc: 0,
            compressed: 0,
            uncompressed: 0,
        };
        self.put(&h)?;
        self.open = Some((entry, 0));
        Ok(())
    }

    /// Deflated bytes of the open entry.
    pub(super) fn write_data(&mut self, bytes: &[u8]) -> io::Result<()> {
        let Some((_, written)) = self.open.as_mut() else {
            return Err(io::Error::other("zip data written outside an entry"));
        };
        *written += bytes.len() as u64;
        self.put(bytes)
    }

    /// The compressed bytes written so far for the open entry.
    pub(super) fn open_compressed(&self) -> u64 {
        self.open.as_ref().map_or(0, |(_, n)| *n)
    }

    /// Ends the open entry with its CRC-32 and uncompressed size.
    pub(super) fn end_entry(&mut self, crc: u32, uncompressed: u64) -> io::Result<()> {
        let Some((mut entry, compressed)) = self.open.take() else {
            return Err(io::Error::other(
                "a zip entry was ended that was never started",
            ));
        };
        if !entry.zip64_sizes && (compressed >= U32_MAX || uncompressed >= U32_MAX) {
            return Err(io::Error::other(
                "a file of 4 GiB or more was written without ZIP64 sizes",
            ));
        }
        entry.crc = crc;
        entry.compressed = compressed;
        entry.uncompressed = uncompressed;
        let mut d = Vec::with_capacity(24);
        put32(&mut d, DATA_DESCRIPTOR);
        put32(&mut d, crc);
        if entry.zip64_sizes {
            put64(&mut d, compressed);
            put64(&mut d, uncompressed);
        } else {
            put32(&mut d, compressed as u32);
            put32(&mut d, uncompressed as u32);
        }
        self.put(&d)?;
        self.entries.push(entry);
        Ok(())
    }

    /// Writes the central directory and the end records, and returns the inner writer.
    pub(super) fn finish(mut self) -> io::Result<W> {
        if self.open.is_some() {
            return Err(io::Error::other(
                "the zip was finished with an entry still open",
            ));
        }
        let start = self.position;
        let mut cd = Vec::new();
        for e in &self.entries {
            // The ZIP64 extra holds, in this order, whichever of the sizes and offset do not
            // fit their 32-bit fields (APPNOTE 4.5.3); payload entries always give both sizes.
            let big_offset = e.offset >= U32_MAX;
            let mut extra = Vec::new();
            if e.zip64_sizes {
                put64(&mut extra, e.uncompressed);
                put64(&mut extra, e.compressed);
            }
            if big_offset {
                put64(&mut extra, e.offset);
            }
            let version = if e.zip64_sizes || big_offset {
                V45
            } else {
                V20
            };
            put32(&mut cd, CENTRAL_HEADER);
            put16(&mut cd, MADE_BY_UNIX | version);
            put16(&mut cd, version);
            put16(&mut cd, FLAG_DESCRIPTOR);
            put16(&mut cd, DEFLATED);
            put16(&mut cd, self.time);
            put16(&mut cd, self.date);
            put32(&mut cd, e.crc);
            if e.zip64_sizes {
                put32(&mut cd, u32::MAX);
                put32(&mut cd, u32::MAX);
            } else {
                put32(&mut cd, e.compressed as u32);
                put32(&mut cd, e.uncompressed as u32);
            }
            put16(&mut cd, name_len(&e.name)?);
            let extra_len = if extra.is_empty() { 0 } else { extra.len() + 4 };
            put16(&mut cd, extra_len as u16);
            put16(&mut cd, 0); // comment length
            put16(&mut cd, 0); // disk number
            put16(&mut cd, 0); // internal attributes
            put32(&mut cd, MODE_0600);
            put32(
                &mut cd,
                if big_offset {
                    u32::MAX
                } else {
                    e.offset as u32
                },
            );
            cd.extend_from_slice(e.name.as_bytes());
            if !extra.is_empty() {
                put16(&mut cd, ZIP64_EXTRA);
                put16(&mut cd, extra.len() as u16);
                cd.extend_from_slice(&extra);
            }
        }
        let size = cd.len() as u64;
        let count = self.entries.len() as u64;
        let mut end = Vec::new();
        let zip64_end = start >= U32_MAX || size >= U32_MAX || count >= 0xFFFF;
        if zip64_end {
            let record = start + size;
            put32(&mut end, ZIP64_END);
            put64(&mut end, 44); // size of the rest of this record
            put16(&mut end, MADE_BY_UNIX | V45);
            put16(&mut end, V45);
            put32(&mut end, 0); // this disk
            put32(&mut end, 0); // disk with the central directory
            put64(&mut end, count);
            put64(&mut end, count);
            put64(&mut end, size);
            put64(&mut end, start);
            put32(&mut end, ZIP64_LOCATOR);
            put32(&mut end, 0);
            put64(&mut end, record);
            put32(&mut end, 1); // total disks
        }
        put32(&mut end, END);
        put16(&mut end, 0);
        put16(&mut end, 0);
        put16(&mut end, count.min(0xFFFF) as u16);
        put16(&mut end, count.min(0xFFFF) as u16);
        put32(&mut end, size.min(U32_MAX) as u32);
        put32(&mut end, start.min(U32_MAX) as u32);
        put16(&mut end, 0); // comment length
        self.put(&cd)?;
        self.put(&end)?;
        Ok(self.inner)
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.inner.write_all(bytes)?;
        self.position += bytes.len() as u64;
        Ok(())
    }

    #[cfg(test)]
    fn start_at(mut self, position: u64) -> Self {
        self.position = position;
        self
    }
}

fn name_len(name: &str) -> io::Result<u16> {
    u16::try_from(name.len()).map_err(|_| io::Error::other("a zip entry name is too long"))
}

fn put16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn put32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn put64(v: &mut Vec<u8>, x: u64) {
    v.extend_from_slice(&x.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(6));
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn archive(files: &[(&str, &[u8], bool)]) -> Vec<u8> {
        let mut z = ZipOut::new(Vec::new());
        z.set_modified(0x6000, 0x5B76);
        for (name, data, zip64) in files {
            z.start_entry(name, *zip64).unwrap();
            z.write_data(&deflate(data)).unwrap();
            z.end_entry(crc32fast::hash(data), data.len() as u64)
                .unwrap();
        }
        z.finish().unwrap()
    }

    #[test]
    fn the_zip_reader_reads_back_every_entry_with_its_mode_and_time() {
        let big = vec![b'x'; 200_000];
        let bytes = archive(&[
            ("data/a.csv", b"URN,Offence\r\n1,Robbery\r\n", true),
            ("bagit.txt", b"BagIt-Version: 1.0\n", false),
            ("data/empty.csv", b"", true),
            ("big.txt", &big, false),
        ]);
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(zip.len(), 4);
        let mut read = |i: usize| {
            let mut f = zip.by_index(i).unwrap();
            assert_eq!(f.unix_mode(), Some(0o100_600));
            let modified = f.last_modified().unwrap();
            assert_eq!((modified.datepart(), modified.timepart()), (0x5B76, 0x6000));
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap();
            (f.name().unwrap().to_string(), out)
        };
        assert_eq!(
            read(0),
            (
                "data/a.csv".into(),
                b"URN,Offence\r\n1,Robbery\r\n".to_vec()
            )
        );
        assert_eq!(read(1).1, b"BagIt-Version: 1.0\n");
        assert_eq!(read(2), ("data/empty.csv".into(), Vec::new()));
        assert_eq!(read(3).1, big);
    }

    #[test]
    fn an_entry_past_4_gib_gets_its_offset_in_a_zip64_extra_and_zip64_end_records() {
        let mut z = ZipOut::new(Vec::new()).start_at(5 << 30);
        z.start_entry("bagit.txt", false).unwrap();
        z.write_data(&deflate(b"x")).unwrap();
        z.end_entry(crc32fast::hash(b"x"), 1).unwrap();
        let bytes = z.finish().unwrap();
        let find = |sig: u32| {
            bytes
                .windows(4)
                .position(|w| w == sig.to_le_bytes())
                .unwrap()
        };
        let cd = find(CENTRAL_HEADER);
        // Offset field says "see the extra", and the extra holds the real offset.
        assert_eq!(bytes[cd + 42..cd + 46], u32::MAX.to_le_bytes());
        let extra = cd + 46 + "bagit.txt".len();
        assert_eq!(bytes[extra..extra + 4], [1, 0, 8, 0]);
        assert_eq!(bytes[extra + 4..extra + 12], (5u64 << 30).to_le_bytes());
        // The ZIP64 end record gives the directory's true offset; the classic one says "see it".
        let z64 = find(ZIP64_END);
        assert_eq!(
            bytes[z64 + 48..z64 + 56],
            ((5u64 << 30) + cd as u64).to_le_bytes()
        );
        let end = find(END);
        assert_eq!(bytes[end + 16..end + 20], u32::MAX.to_le_bytes());
        assert!(find(ZIP64_LOCATOR) < end);
    }

    #[test]
    fn a_large_file_without_zip64_sizes_is_refused() {
        let mut z = ZipOut::new(io::sink());
        z.start_entry("bagit.txt", false).unwrap();
        assert!(z.end_entry(0, 5 << 30).is_err());
    }
}
