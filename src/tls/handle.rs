//! Integer handles for objects the C side refers to. A handle is a number the table issued; it is
//! never issued twice in a process, so a stale, freed or garbage value simply is not found. The table
//! lock is held only to look up or remove an entry, never while an object is in use; each object has
//! its own lock. The stored type `S` is `Mutex<T>` unless a table needs more next to the lock (a
//! context also has its gate, src/tls/gate.rs, which must be reachable without the lock).

use alloc::sync::Arc;
use core::marker::PhantomData;

use crate::platform::sync::Mutex;

use crate::error::{Error, Result};
use crate::tls::vecmap::VecMap;

pub struct HandleTable<T, S = Mutex<T>> {
    inner: Mutex<TableInner<S>>,
    stored: PhantomData<fn(T) -> S>,
}

struct TableInner<S> {
    /// Next handle to issue. Starts well above small integers so that zeroed or small garbage
    /// values are never valid, and only grows.
    next: i64,
    base: i64,
    live: VecMap<i32, Arc<S>>,
}

impl<T, S: From<T>> HandleTable<T, S> {
    /// `base` separates the number ranges of different tables, so a handle of one kind is never a
    /// valid handle of another.
    pub fn new(base: i32) -> Self {
        HandleTable {
            inner: Mutex::new(TableInner { next: 0, base: base as i64, live: VecMap::new() }),
            stored: PhantomData,
        }
    }

    /// Store `value` and return its new handle.
    pub fn insert(&self, value: T) -> Result<i32> {
        let mut t = self.inner.lock();
        let handle = t.base + t.next;
        if handle > i32::MAX as i64 {
            // Handles are never reused, so a process can issue about 2^31 - base of them.
            return Err(Error::OutOfMemory);
        }
        t.next += 1;
        let handle = handle as i32;
        t.live.insert(handle, Arc::new(S::from(value)));
        Ok(handle)
    }

    /// The object behind `handle`, or BadHandle.
    pub fn get(&self, handle: i32) -> Result<Arc<S>> {
        self.inner.lock().live.get(&handle).cloned().ok_or(Error::BadHandle)
    }

    /// Run `f` on the object behind `handle` under the table's lock, without taking a reference
    /// (None: no such handle). Only for `f` that never waits (the lock serialises every lookup):
    /// the read fast path (`Contexts::read_buffered` for `ql_ssl_read`), which saves the reference count's two
    /// atomic operations per call.
    #[inline]
    pub fn peek<R>(&self, handle: i32, f: impl FnOnce(&S) -> R) -> Option<R> {
        self.inner.lock().live.get(&handle).map(|s| f(s))
    }

    /// Forget `handle`; the object is dropped when the last user lets go of it.
    pub fn remove(&self, handle: i32) -> Result<Arc<S>> {
        self.inner.lock().live.remove(&handle).ok_or(Error::BadHandle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_unique_and_stale_ones_fail() {
        let t: HandleTable<u32> = HandleTable::new(0x1000);
        let a = t.insert(1).unwrap();
        let b = t.insert(2).unwrap();
        assert_ne!(a, b);
        assert_eq!(*t.get(a).unwrap().lock(), 1);
        t.remove(a).unwrap();
        assert_eq!(t.remove(a).unwrap_err(), Error::BadHandle, "double remove");
        assert_eq!(t.get(a).unwrap_err(), Error::BadHandle, "stale");
        let c = t.insert(3).unwrap();
        assert!(c != a && c != b, "never reused");
        assert_eq!(*t.get(b).unwrap().lock(), 2, "other entries untouched");
        for garbage in [0, -1, 1, i32::MIN, i32::MAX] {
            assert!(t.get(garbage).is_err());
        }
    }

    #[test]
    fn concurrent_inserts_give_distinct_handles() {
        static T: crate::platform::sync::Lazy<HandleTable<usize>> = crate::platform::sync::Lazy::new(|| HandleTable::new(0x1000));
        let threads: Vec<_> = (0..8)
            .map(|i| std::thread::spawn(move || (0..500).map(|j| T.insert(i * 1000 + j).unwrap()).collect::<Vec<_>>()))
            .collect();
        let mut all: Vec<i32> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n);
    }
}
