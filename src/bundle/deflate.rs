//! Deflate on every core, the way pigz does: the plaintext is cut into chunks, each chunk is
//! compressed by a worker thread with the previous chunk's last 32 KiB as its dictionary, and the
//! results are written in order. Every chunk but the last ends with a sync flush (an empty stored
//! block, which ends on a byte boundary), so the chunks joined are one ordinary deflate stream
//! that any unzip reads, and the dictionary keeps the compression as good as one long stream.
//!
//! Level-6 deflate is the slowest step of writing a bundle; on one core it takes longer than
//! reading and filtering the export. The chunks are also hashed (SHA-256, for the bag's
//! manifest) in order on a thread of their own, so the thread writing the CSV only cuts them.
//! Memory stays flat: at most two chunks per worker are in flight, and the threads only ever
//! hold data in memory.

use crate::hash_behind::HashBehind;
use flate2::{Compress, Compression, FlushCompress, Status};
use std::collections::VecDeque;
use std::io;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Plaintext per chunk. Large enough that the per-chunk costs (a thread hand-off, a 5-byte
/// flush marker, a dictionary load) vanish; small enough to keep memory low.
const CHUNK: usize = 1 << 20;
/// How hard deflate works: the analyst's choice of a smaller bundle or a quicker pack.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Quicker, larger.
    Fast,
    /// Within 5% of `zip -6`'s size on exports shaped like real ones.
    #[default]
    Default,
    /// Smaller, slower.
    Small,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Fast, Level::Default, Level::Small];

    /// The name `--level` takes and the record shows.
    pub fn name(self) -> &'static str {
        match self {
            Level::Fast => "fast",
            Level::Default => "default",
            Level::Small => "small",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(s.trim()))
    }

    /// zlib's level, and the window (as bits): how far back deflate looks for a match, and so
    /// the dictionary each chunk is primed with.
    fn deflate(self) -> (u32, u8) {
        match self {
            Level::Fast => FAST,
            Level::Default => DEFAULT,
            Level::Small => SMALL,
        }
    }
}

/// (level, window bits) for each [`Level`]. Measured on 100 MB of each shape of the benchmark
/// export (`scripts/bench.sh`), bundle size against `zip -6` of the same payload CSV, realistic
/// shape / random shape:
///
/// | level, window | size             | pack time (realistic) |
/// |---------------|------------------|-----------------------|
/// | 2, 32 KiB     | 1.24 / 1.21      | 0.9×                  |
/// | 4, 16 KiB     | 1.16 / 1.04      | 1.0× (the old default) |
/// | 4, 32 KiB     | 1.07 / 1.03      |                       |
/// | 5, 32 KiB     | 1.04 / 1.01      | 1.0×                  |
/// | 6, 32 KiB     | 1.00 / 0.99      | 1.2×                  |
/// | 9, 32 KiB     | 1.00 / 0.98      |                       |
///
/// The full window is what matters on real exports: a repeat victim's address or an
/// officer's name recurs further back than 16 KiB. Level 5 with it is the fastest within 5% of
/// `zip -6`, and no slower than level 4 with half the window (less output to encrypt and hash).
const FAST: (u32, u8) = (2, 15);
const DEFAULT: (u32, u8) = (5, 15);
const SMALL: (u32, u8) = (9, 15);
/// More workers than this gain nothing on the machines analysts have and cost memory.
const MAX_WORKERS: usize = 4;

struct Job {
    level: Level,
    dictionary: Vec<u8>,
    input: Arc<Vec<u8>>,
    last: bool,
    reply: SyncSender<io::Result<Done>>,
}

struct Done {
    deflated: Vec<u8>,
    crc: crc32fast::Hasher,
}

/// Compresses the entries of one zip, one entry at a time.
pub(super) struct ParallelDeflate {
    jobs: Option<SyncSender<Job>>,
    workers: Vec<JoinHandle<()>>,
    /// Results in the order the chunks were sent.
    pending: VecDeque<Receiver<io::Result<Done>>>,
    in_flight: usize,
    buffer: Vec<u8>,
    dictionary: Vec<u8>,
    level: Level,
    crc: crc32fast::Hasher,
    /// The open entry's SHA-256, started with its first chunk.
    sha256: Option<HashBehind<Arc<Vec<u8>>>>,
    total: u64,
}

/// What is known of an entry once all of it is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct EntryEnd {
    pub(super) crc: u32,
    pub(super) len: u64,
    pub(super) sha256: [u8; 32],
}

impl ParallelDeflate {
    /// Starts the workers: one per core, at most [`MAX_WORKERS`]. Fails only if the system
    /// cannot start a thread at all.
    pub(super) fn new(level: Level) -> io::Result<ParallelDeflate> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let count = cores.clamp(1, MAX_WORKERS);
        let (jobs, queue) = mpsc::sync_channel::<Job>(count);
        let queue = Arc::new(Mutex::new(queue));
        let mut workers = Vec::with_capacity(count);
        for _ in 0..count {
            let queue = Arc::clone(&queue);
            match std::thread::Builder::new()
                .name("deflate".into())
                .spawn(move || work(&queue))
            {
                Ok(worker) => workers.push(worker),
                // Fewer workers are slower, not wrong.
                Err(_) if !workers.is_empty() => break,
                Err(e) => return Err(e),
            }
        }
        let count = workers.len();
        Ok(ParallelDeflate {
            jobs: Some(jobs),
            workers,
            pending: VecDeque::new(),
            in_flight: 2 * count,
            buffer: Vec::with_capacity(CHUNK),
            dictionary: Vec::new(),
            level,
            crc: crc32fast::Hasher::new(),
            sha256: None,
            total: 0,
        })
    }

    /// Adds plaintext of the open entry; finished chunks are handed to `out` in order.
    pub(super) fn write(
        &mut self,
        mut bytes: &[u8],
        out: &mut impl FnMut(&[u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        while !bytes.is_empty() {
            let room = CHUNK - self.buffer.len();
            let (now, later) = bytes.split_at(room.min(bytes.len()));
            self.buffer.extend_from_slice(now);
            bytes = later;
            if self.buffer.len() == CHUNK {
                self.send(false)?;
                while self.pending.len() >= self.in_flight {
                    self.receive(out)?;
                }
            }
        }
        Ok(())
    }

    /// Ends the open entry: its last deflated bytes go to `out`. Returns the CRC-32, length and
    /// SHA-256 of the entry's plaintext, and makes ready for the next entry.
    pub(super) fn finish_entry(
        &mut self,
        out: &mut impl FnMut(&[u8]) -> io::Result<()>,
    ) -> io::Result<EntryEnd> {
        self.send(true)?;
        while !self.pending.is_empty() {
            self.receive(out)?;
        }
        let crc = std::mem::replace(&mut self.crc, crc32fast::Hasher::new()).finalize();
        let len = std::mem::take(&mut self.total);
        self.dictionary.clear();
        let sha256 = self
            .sha256
            .take()
            .and_then(HashBehind::finish)
            .ok_or_else(stopped)?;
        Ok(EntryEnd { crc, len, sha256 })
    }

    fn send(&mut self, last: bool) -> io::Result<()> {
        let input = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK));
        let dictionary = std::mem::take(&mut self.dictionary);
        if !last {
            let window = 1usize << self.level.deflate().1;
            self.dictionary = input[input.len().saturating_sub(window)..].to_vec();
        }
        self.total += input.len() as u64;
        let input = Arc::new(input);
        let sha256 = match &mut self.sha256 {
            Some(hasher) => hasher,
            None => self.sha256.insert(HashBehind::start(
                "hash payload",
                self.in_flight,
                Vec::new(),
                false,
            )?),
        };
        sha256.hash(Arc::clone(&input), input.len());
        let (reply, result) = mpsc::sync_channel(1);
        let job = Job {
            level: self.level,
            dictionary,
            input,
            last,
            reply,
        };
        self.jobs
            .as_ref()
            .ok_or_else(stopped)?
            .send(job)
            .map_err(|_| stopped())?;
        self.pending.push_back(result);
        Ok(())
    }

    fn receive(&mut self, out: &mut impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        let Some(result) = self.pending.pop_front() else {
            return Ok(());
        };
        let done = result.recv().map_err(|_| stopped())??;
        self.crc.combine(&done.crc);
        out(&done.deflated)
    }
}

impl Drop for ParallelDeflate {
    fn drop(&mut self) {
        // Closing the queue ends the workers once they finish what they hold.
        self.jobs = None;
        self.pending.clear();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

fn stopped() -> io::Error {
    io::Error::other("a compression or hashing worker stopped unexpectedly")
}

fn work(queue: &Mutex<Receiver<Job>>) {
    // Made for the first job's level, and again only if a later job asks for another.
    let mut compress: Option<(Level, Compress)> = None;
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else {
            return;
        };
        let compress = match &mut compress {
            Some((level, c)) if *level == job.level => c,
            slot => {
                let (level, bits) = job.level.deflate();
                let c = Compress::new_with_window_bits(Compression::new(level), false, bits);
                &mut slot.insert((job.level, c)).1
            }
        };
        let result =
            deflate_chunk(compress, &job.dictionary, &job.input, job.last).map(|deflated| {
                let mut crc = crc32fast::Hasher::new();
                crc.update(&job.input);
                Done { deflated, crc }
            });
        // The writer may have given up (an error elsewhere); nothing to do then.
        let _ = job.reply.send(result);
    }
}

/// Raw deflate of one chunk: primed with `dictionary`, ended with a sync flush, or with the
/// final block when `last`.
fn deflate_chunk(
    compress: &mut Compress,
    dictionary: &[u8],
    input: &[u8],
    last: bool,
) -> io::Result<Vec<u8>> {
    compress.reset();
    if !dictionary.is_empty() {
        compress
            .set_dictionary(dictionary)
            .map_err(io::Error::other)?;
    }
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    let start = compress.total_in();
    let mut out = Vec::with_capacity(input.len() / 2 + 1024);
    loop {
        if out.capacity() - out.len() < 1024 {
            out.reserve(out.capacity().max(64 * 1024));
        }
        let consumed = usize::try_from(compress.total_in() - start).unwrap_or(input.len());
        let status = compress
            .compress_vec(input.get(consumed..).unwrap_or(&[]), &mut out, flush)
            .map_err(io::Error::other)?;
        let consumed = usize::try_from(compress.total_in() - start).unwrap_or(input.len());
        // A flush is complete when deflate stops with output space to spare (zlib's rule).
        let flushed = consumed == input.len() && out.len() < out.capacity();
        match status {
            Status::StreamEnd => return Ok(out),
            _ if !last && flushed => return Ok(out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;
    use std::io::Read;

    fn deflate_all(pieces: &[&[u8]]) -> (Vec<u8>, EntryEnd) {
        deflate_at(Level::Default, pieces)
    }

    fn deflate_at(level: Level, pieces: &[&[u8]]) -> (Vec<u8>, EntryEnd) {
        let mut d = ParallelDeflate::new(level).unwrap();
        let mut out = Vec::new();
        let mut sink = |b: &[u8]| {
            out.extend_from_slice(b);
            Ok(())
        };
        for p in pieces {
            d.write(p, &mut sink).unwrap();
        }
        let end = d.finish_entry(&mut sink).unwrap();
        (out, end)
    }

    fn end_of(data: &[u8]) -> EntryEnd {
        EntryEnd {
            crc: crc32fast::hash(data),
            len: data.len() as u64,
            sha256: sha2::Sha256::digest(data).into(),
        }
    }

    fn inflate(deflated: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(deflated)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    /// Several chunks of text with repeats far apart, as an export has.
    fn text(len: usize) -> Vec<u8> {
        let mut t = Vec::with_capacity(len);
        let mut i = 0u64;
        while t.len() < len {
            t.extend_from_slice(
                format!(
                    "{i:07}/26,Robbery,Ward {},Beat {}\r\n",
                    i % 17,
                    (i * 7919) % 101
                )
                .as_bytes(),
            );
            i += 1;
        }
        t.truncate(len);
        t
    }

    #[test]
    fn chunks_joined_are_one_deflate_stream_with_the_right_crc_length_and_hash() {
        let data = text(3 * CHUNK + 12_345);
        let pieces: Vec<&[u8]> = data.chunks(70_001).collect();
        let (deflated, end) = deflate_all(&pieces);
        assert_eq!(inflate(&deflated), data);
        assert_eq!(end, end_of(&data));
    }

    #[test]
    fn each_chunk_can_refer_back_into_the_previous_one() {
        // Half a window of bytes that do not compress, repeated: one stream stores them once
        // and then only refers back. A chunk compressed without the previous chunk's tail as
        // its dictionary would have to store them again (16 KiB more per chunk).
        let (level, bits) = Level::Default.deflate();
        let window = 1usize << bits;
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let noise: Vec<u8> = (0..window / 2)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        let data = noise.repeat(8 * CHUNK / window);
        let (ours, ..) = deflate_all(&[&data]);
        // One stream with the same level and window.
        let mut c = Compress::new_with_window_bits(Compression::new(level), false, bits);
        let mut one = Vec::with_capacity(2 * data.len());
        c.compress_vec(&data, &mut one, FlushCompress::Finish)
            .unwrap();
        assert!(
            ours.len() < one.len() + 4096,
            "{} bytes in chunks vs {} in one stream",
            ours.len(),
            one.len()
        );
        assert_eq!(inflate(&ours), data);
    }

    #[test]
    fn each_level_round_trips_and_small_is_smaller_than_fast() {
        let data = text(3 * CHUNK + 17);
        let sizes: Vec<usize> = Level::ALL
            .into_iter()
            .map(|level| {
                let (out, end) = deflate_at(level, &[&data]);
                assert_eq!(inflate(&out), data, "{}", level.name());
                assert_eq!(end, end_of(&data));
                out.len()
            })
            .collect();
        assert!(
            sizes[0] > sizes[1] && sizes[1] >= sizes[2],
            "fast, default, small: {sizes:?}"
        );
        for l in Level::ALL {
            assert_eq!(Level::parse(l.name()), Some(l));
        }
        assert_eq!(Level::parse("SMALL"), Some(Level::Small));
        assert_eq!(Level::parse("best"), None);
    }

    #[test]
    fn empty_and_exact_chunk_entries_round_trip_and_the_writer_is_reusable() {
        let mut d = ParallelDeflate::new(Level::Default).unwrap();
        for data in [Vec::new(), text(CHUNK), text(2 * CHUNK), b"x".to_vec()] {
            let mut out = Vec::new();
            let mut sink = |b: &[u8]| {
                out.extend_from_slice(b);
                Ok(())
            };
            d.write(&data, &mut sink).unwrap();
            let end = d.finish_entry(&mut sink).unwrap();
            assert_eq!(inflate(&out), data);
            assert_eq!(end, end_of(&data));
        }
    }

    #[test]
    fn a_failing_sink_stops_the_entry_with_its_error() {
        let mut d = ParallelDeflate::new(Level::Default).unwrap();
        let mut sink = |_: &[u8]| Err(io::Error::other("disk full"));
        let data = text(20 * CHUNK);
        let err = d
            .write(&data, &mut sink)
            .and_then(|()| d.finish_entry(&mut sink).map(|_| ()))
            .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
    }
}
