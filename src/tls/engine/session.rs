//! Client-side session cache for `QL_SSL_CONF_SESSION_CACHE`: after a full handshake the session
//! (id or ticket, master secret) is kept under (config, peer address, host name); the next
//! connection made from the same config to the same peer offers it, and the server decides whether
//! to resume. Entries go away with their config (`ql_ssl_conf_free`) and the cache is bounded.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::platform::sync::{Lazy, Mutex};
use crate::tls::vecmap::VecMap;

/// Most sessions kept in the process.
const MAX_ENTRIES: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SessionKey {
    pub config: i32,
    /// The peer's socket address as `getpeername` returns it.
    pub peer: Vec<u8>,
    pub hostname: Option<String>,
}

/// An mbedtls session owned by the cache (deep copy, freed on drop).
pub struct CachedSession(Box<mbedtls_sys::ssl_session>);

// SAFETY: the session is a self-contained deep copy; access is serialised by the cache mutex.
unsafe impl Send for CachedSession {}

impl CachedSession {
    /// Copy the current session out of `ssl`.
    ///
    /// # Safety
    /// `ssl` must be a context whose handshake completed.
    pub unsafe fn from_context(ssl: *const mbedtls_sys::ssl_context) -> Option<CachedSession> {
        // SAFETY: an all-zero ssl_session is what ssl_session_init expects; `ssl` completed its
        // handshake (contract), and ssl_get_session deep-copies its session into `s`.
        let (s, r) = unsafe {
            let mut s: Box<mbedtls_sys::ssl_session> = Box::new(core::mem::zeroed());
            mbedtls_sys::ssl_session_init(&mut *s);
            let r = mbedtls_sys::ssl_get_session(ssl, &mut *s);
            (s, r)
        };
        let copied = CachedSession(s); // freed on drop whether or not the copy succeeded
        (r == 0).then_some(copied)
    }

    /// Offer this session on `ssl` (before its handshake).
    ///
    /// # Safety
    /// `ssl` must be a set-up context whose handshake has not started.
    pub unsafe fn offer(&self, ssl: *mut mbedtls_sys::ssl_context) -> bool {
        // SAFETY: `ssl` is set up and not yet handshaking (contract); the session is a valid copy.
        unsafe { mbedtls_sys::ssl_set_session(ssl, &*self.0) == 0 }
    }
}

impl Drop for CachedSession {
    fn drop(&mut self) {
        // SAFETY: initialised with ssl_session_init and only freed here.
        unsafe { mbedtls_sys::ssl_session_free(&mut *self.0) }
    }
}

struct Entry {
    session: CachedSession,
    stamp: u64,
}

struct Cache {
    entries: VecMap<SessionKey, Entry>,
    clock: u64,
}

static CACHE: Lazy<Mutex<Cache>> = Lazy::new(|| Mutex::new(Cache { entries: VecMap::new(), clock: 0 }));

/// Store `session` under `key`, evicting the least recently stored entry when full.
pub fn store(key: SessionKey, session: CachedSession) {
    let mut c = CACHE.lock();
    c.clock += 1;
    let stamp = c.clock;
    if c.entries.len() >= MAX_ENTRIES && !c.entries.contains_key(&key) {
        if let Some(oldest) = c.entries.iter().min_by_key(|(_, e)| e.stamp).map(|(k, _)| k.clone()) {
            c.entries.remove(&oldest);
        }
    }
    c.entries.insert(key, Entry { session, stamp });
}

/// Offer the session stored under `key` on `ssl`; true when one was offered.
///
/// # Safety
/// As for `CachedSession::offer`.
pub unsafe fn offer(key: &SessionKey, ssl: *mut mbedtls_sys::ssl_context) -> bool {
    let c = CACHE.lock();
    let Some(e) = c.entries.get(key) else { return false };
    // SAFETY: as for `CachedSession::offer` (this function's contract).
    unsafe { e.session.offer(ssl) }
}

/// Drop every session of config `config` (when the config is freed).
pub fn forget_config(config: i32) {
    CACHE.lock().entries.retain(|k, _| k.config != config);
}
