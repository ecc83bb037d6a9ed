//! SHA-256 of a stream of buffers on a thread of its own, in the order they are handed over, so
//! that hashing costs the thread doing the real work nothing. Two streams are hashed this way:
//! the input file as it is read (for the record) and each payload file as it is compressed (for
//! the bag's manifest).

use sha2::{Digest, Sha256};
use std::io;
use std::ops::Deref;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

pub(crate) struct HashBehind<B> {
    full: Option<SyncSender<(B, usize)>>,
    /// Buffers hashed and handed back, for a caller that reuses them.
    empty: Receiver<B>,
    worker: Option<JoinHandle<Sha256>>,
}

impl<B: Deref<Target: AsRef<[u8]>> + Send + 'static> HashBehind<B> {
    /// Starts the thread. At most `depth` buffers wait to be hashed; a caller that hands over
    /// more waits. With `give_back`, each buffer comes back through [`HashBehind::spare`] once
    /// hashed, starting with `spares`; without, it is dropped there.
    pub(crate) fn start(
        name: &str,
        depth: usize,
        spares: Vec<B>,
        give_back: bool,
    ) -> io::Result<HashBehind<B>> {
        let (full, to_hash) = mpsc::sync_channel::<(B, usize)>(depth);
        let (back, empty) = mpsc::channel();
        for spare in spares {
            let _ = back.send(spare);
        }
        let back = give_back.then_some(back);
        let worker = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let mut hasher = Sha256::new();
                for (buffer, n) in to_hash {
                    hasher.update((*buffer).as_ref().get(..n).unwrap_or(&[]));
                    if let Some(back) = &back {
                        let _ = back.send(buffer);
                    }
                }
                hasher
            })?;
        Ok(HashBehind {
            full: Some(full),
            empty,
            worker: Some(worker),
        })
    }

    /// A buffer already hashed, to be used again; `None` if none can come back.
    pub(crate) fn spare(&mut self) -> Option<B> {
        self.empty.recv().ok()
    }

    /// Hashes the first `n` bytes of `buffer`, after everything handed over before.
    pub(crate) fn hash(&mut self, buffer: B, n: usize) {
        if let Some(full) = &self.full
            && full.send((buffer, n)).is_err()
        {
            // The thread has gone (it cannot fail short of a panic): `finish` says so.
            self.full = None;
        }
    }

    /// The hash of everything handed over; `None` if the thread failed.
    pub(crate) fn finish(mut self) -> Option<[u8; 32]> {
        let complete = self.full.take().is_some();
        let hasher = self.worker.take()?.join().ok()?;
        complete.then(|| hasher.finalize().into())
    }
}

impl<B> Drop for HashBehind<B> {
    fn drop(&mut self) {
        self.full = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn buffers_are_hashed_in_order_and_only_as_far_as_told() {
        let mut h = HashBehind::start("test", 2, Vec::new(), false).unwrap();
        h.hash(Arc::new(b"abcXXX".to_vec()), 3);
        h.hash(Arc::new(b"def".to_vec()), 3);
        assert!(h.spare().is_none(), "nothing comes back without give_back");
        let expected: [u8; 32] = Sha256::digest(b"abcdef").into();
        assert_eq!(h.finish(), Some(expected));
    }

    #[test]
    fn buffers_come_back_to_be_reused() {
        let mut h = HashBehind::start("test", 2, vec![vec![0u8; 4]], true).unwrap();
        let first = h.spare().unwrap();
        assert_eq!(first.len(), 4);
        h.hash(b"xyz".to_vec(), 3);
        assert_eq!(h.spare().unwrap(), b"xyz");
        let expected: [u8; 32] = Sha256::digest(b"xyz").into();
        assert_eq!(h.finish(), Some(expected));
    }
}
