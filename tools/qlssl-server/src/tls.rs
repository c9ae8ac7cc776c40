//! What the server configures beyond the `mbedtls` wrapper's API, through the raw `mbedtls-sys`
//! calls: the explicit cipher-suite list (legacy suites included), the PSK table behind a PSK
//! callback, the server-side session cache and session tickets, and telling a resumed handshake
//! from a full one.

use std::cell::Cell;
use std::ffi::CStr;
use std::os::raw::{c_int, c_uchar, c_void};
use std::sync::Arc;

use mbedtls::rng::CtrDrbg;
use mbedtls::ssl::config::Version;
use mbedtls::ssl::ticket::{TicketCallback, TicketContext};
use mbedtls::ssl::{Config, Context};
use mbedtls_sys::types::size_t;

/// The PSK the older SDK demo uses: identity `123`, key ASCII `123456`.
pub const OLD_DEMO_PSK_IDENTITY: &str = "123";
pub const OLD_DEMO_PSK_KEY: &[u8] = b"123456";
/// The PSK of our own `c_examples/ssl_demo.c`.
pub const QLSSL_DEMO_PSK_IDENTITY: &str = "qlssl_demo";
pub const QLSSL_DEMO_PSK_KEY: &[u8] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

/// Identities and keys the server accepts, looked up by the PSK callback.
pub type PskTable = Vec<(Vec<u8>, Vec<u8>)>;

/// Every suite this mbedtls build can serve, in the server's order of preference: mbedtls' own
/// default list first (modern suites), then the suites its defaults leave out but that it still
/// negotiates when listed explicitly (RC4 and 3DES: `MBEDTLS_REMOVE_ARC4_CIPHERSUITES` and
/// `MBEDTLS_REMOVE_3DES_CIPHERSUITES` only trim the default list). SDK apps offer nothing but
/// RC4-MD5/RC4-SHA, so without the explicit list they would get no suite at all. 0-terminated.
pub fn all_suites() -> Vec<c_int> {
    let mut list = Vec::new();
    // SAFETY: mbedtls_ssl_list_ciphersuites returns a pointer to a static, 0-terminated array.
    let defaults = unsafe { mbedtls_sys::ssl_list_ciphersuites() };
    for i in 0..1024 {
        // SAFETY: the array is 0-terminated and has fewer than 1024 entries; we stop at the 0.
        let id = unsafe { *defaults.add(i) };
        if id == 0 {
            break;
        }
        list.push(id);
    }
    // Suite ids are 16-bit: asking mbedtls about each finds the ones its table defines.
    for id in 1..=0xffff {
        // SAFETY: a lookup in mbedtls' static suite table; NULL when the id is unknown.
        if !unsafe { mbedtls_sys::ssl_ciphersuite_from_id(id) }.is_null() && !list.contains(&id) {
            list.push(id);
        }
    }
    list.push(0);
    list
}

/// RC4 suites are also refused by a config switch that defaults to off
/// (`mbedtls_ssl_conf_arc4_support`): turn them on, the SDK demos offer nothing else.
pub fn enable_rc4(cfg: &mut Config) {
    let raw: *mut mbedtls_sys::ssl_config = cfg.into();
    // SAFETY: `raw` is the config `cfg` borrows mutably; this sets one field.
    unsafe { mbedtls_sys::ssl_conf_arc4_support(raw, mbedtls_sys::SSL_ARC4_ENABLED as _) };
}

/// mbedtls' name of a suite id, e.g. `TLS-RSA-WITH-RC4-128-MD5`.
pub fn suite_name(id: c_int) -> String {
    // SAFETY: returns a pointer to a static NUL-terminated string ("unknown" for unknown ids).
    let p = unsafe { mbedtls_sys::ssl_get_ciphersuite_name(id) };
    if p.is_null() {
        return format!("0x{:04x}", id);
    }
    // SAFETY: non-NULL, static and NUL-terminated (see above).
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// The negotiated protocol and suite of an established context, as mbedtls names them
/// (`TLSv1.2`, `DTLSv1.0`, `SSLv3.0`, ...; `TLS-RSA-WITH-RC4-128-MD5`, ...).
pub fn negotiated<T>(ctx: &Context<T>) -> (String, String) {
    let raw: *const mbedtls_sys::ssl_context = ctx.into();
    // SAFETY: `raw` points to the live, set-up context `ctx` borrows; both functions return
    // pointers to static NUL-terminated strings.
    let (v, s) = unsafe { (mbedtls_sys::ssl_get_version(raw), mbedtls_sys::ssl_get_ciphersuite(raw)) };
    let name = |p: *const std::os::raw::c_char| {
        if p.is_null() {
            "unknown".to_string()
        } else {
            // SAFETY: non-NULL, static and NUL-terminated (see above).
            unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
        }
    };
    (name(v), name(s))
}

// ------------------------------------------------------------------ resumption tracking

/// How the handshake running on this thread was resumed, if it was. Each HTTPS connection has a
/// thread of its own and the DTLS sessions run one after the other on one thread, so a
/// thread-local note made by the cache/ticket callbacks belongs to exactly one handshake.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Resumed {
    BySessionId,
    ByTicket,
}

thread_local! {
    /// A session the callbacks handed to mbedtls during this handshake, and its suite.
    static OFFERED: Cell<Option<(Resumed, c_int)>> = const { Cell::new(None) };
}

/// Call before a handshake starts.
pub fn reset_resumed() {
    OFFERED.with(|r| r.set(None));
}

/// After the handshake: whether it resumed, and how. mbedtls resumes a cached session only when
/// its suite is the one negotiated (ssl_srv.c compares them after the cache lookup), and a
/// resumed handshake always ends with the session's suite; so a session handed over with the
/// suite that was negotiated is the resumed one.
pub fn take_resumed(negotiated_suite: c_int) -> Option<Resumed> {
    match OFFERED.with(|r| r.take()) {
        Some((how, suite)) if suite == negotiated_suite => Some(how),
        _ => None,
    }
}

fn offered(how: Resumed, suite: c_int) {
    OFFERED.with(|r| r.set(Some((how, suite))));
}

// ------------------------------------------------------------------ session cache (by session id)

/// mbedtls' server session cache; locked inside mbedtls (MBEDTLS_THREADING_C is on in the build
/// the `mbedtls` crate links). Leaked: it must outlive every config and context using it, and the
/// process owns it until exit.
fn new_session_cache() -> *mut mbedtls_sys::ssl_cache_context {
    let cache = Box::into_raw(Box::new(mbedtls_sys::ssl_cache_context::default()));
    // SAFETY: `cache` is a valid, exclusively owned allocation; init only sets defaults
    // (50 entries, 1 day) and the mutex.
    unsafe { mbedtls_sys::ssl_cache_init(cache) };
    cache
}

unsafe extern "C" fn cache_get(p_cache: *mut c_void, session: *mut mbedtls_sys::ssl_session) -> c_int {
    // SAFETY: mbedtls passes back the cache pointer registered in `enable_session_cache` and a
    // session it initialised with only the client's session id set; the cache locks itself.
    let r = unsafe { mbedtls_sys::ssl_cache_get(p_cache, session) };
    // This mbedtls' ssl_cache_get also returns 0 on a miss when built with MBEDTLS_THREADING_C
    // (the mutex_lock result is left in `ret`); a hit is told by the copied entry's suite
    // (a miss leaves the session's suite 0, which is no suite).
    // SAFETY: `session` is valid (see above).
    let suite = unsafe { (*session).ciphersuite };
    if r == 0 && suite != 0 {
        offered(Resumed::BySessionId, suite);
    }
    r
}

unsafe extern "C" fn cache_set(p_cache: *mut c_void, session: *const mbedtls_sys::ssl_session) -> c_int {
    // SAFETY: as in cache_get.
    unsafe { mbedtls_sys::ssl_cache_set(p_cache, session) }
}

/// Resumption by session id: every full handshake's session is stored under its id.
pub fn enable_session_cache(cfg: &mut Config) {
    let cache = new_session_cache();
    let raw: *mut mbedtls_sys::ssl_config = cfg.into();
    // SAFETY: `raw` is the config `cfg` borrows mutably; `cache` lives until the process exits.
    unsafe { mbedtls_sys::ssl_conf_session_cache(raw, cache as *mut c_void, Some(cache_get), Some(cache_set)) };
}

// ------------------------------------------------------------------ session tickets

/// mbedtls' ticket context, noting on this thread when a ticket was accepted.
pub struct TrackingTickets(TicketContext);

impl TicketCallback for TrackingTickets {
    unsafe extern "C" fn call_write(
        p_ticket: *mut c_void,
        session: *const mbedtls_sys::ssl_session,
        start: *mut c_uchar,
        end: *const c_uchar,
        tlen: *mut size_t,
        lifetime: *mut u32,
    ) -> c_int {
        // SAFETY: mbedtls passes back `data_ptr()` (the inner ticket context) and its own buffers.
        unsafe { <TicketContext as TicketCallback>::call_write(p_ticket, session, start, end, tlen, lifetime) }
    }

    unsafe extern "C" fn call_parse(
        p_ticket: *mut c_void,
        session: *mut mbedtls_sys::ssl_session,
        buf: *mut c_uchar,
        len: size_t,
    ) -> c_int {
        // SAFETY: as in call_write.
        let r = unsafe { <TicketContext as TicketCallback>::call_parse(p_ticket, session, buf, len) };
        if r == 0 {
            // SAFETY: on success `session` holds the session the ticket carried.
            offered(Resumed::ByTicket, unsafe { (*session).ciphersuite });
        }
        r
    }

    fn data_ptr(&self) -> *mut c_void {
        self.0.data_ptr()
    }
}

/// Resumption by session ticket (RFC 5077), tickets sealed with AES-256-GCM, valid one day.
pub fn enable_tickets(cfg: &mut Config, rng: Arc<CtrDrbg>) -> mbedtls::Result<()> {
    let ctx = TicketContext::new(rng, mbedtls::cipher::raw::CipherType::Aes256Gcm, 86400)?;
    cfg.set_session_tickets_callback(Arc::new(TrackingTickets(ctx)));
    Ok(())
}

// ------------------------------------------------------------------ PSK

unsafe extern "C" fn psk_lookup(
    p_table: *mut c_void,
    ssl: *mut mbedtls_sys::ssl_context,
    identity: *const c_uchar,
    identity_len: size_t,
) -> c_int {
    // SAFETY: `p_table` is the leaked, never-mutated table registered in `set_psk_table`.
    let table = unsafe { &*(p_table as *const PskTable) };
    if identity.is_null() || identity_len > 1024 {
        return -1;
    }
    // SAFETY: mbedtls passes the identity it parsed from the ClientKeyExchange, identity_len bytes.
    let id = unsafe { std::slice::from_raw_parts(identity, identity_len) };
    match table.iter().find(|(i, _)| i.as_slice() == id) {
        // SAFETY: `ssl` is the context in handshake that called us; the key is copied by mbedtls.
        Some((_, key)) => unsafe { mbedtls_sys::ssl_set_hs_psk(ssl, key.as_ptr(), key.len()) },
        None => -1, // mbedtls answers with an unknown_psk_identity alert
    }
}

/// PSK suites accept any identity in `table` with its key.
pub fn set_psk_table(cfg: &mut Config, table: &'static PskTable) {
    let raw: *mut mbedtls_sys::ssl_config = cfg.into();
    // SAFETY: `raw` is the config `cfg` borrows mutably; the table is 'static and never mutated.
    unsafe { mbedtls_sys::ssl_conf_psk_cb(raw, Some(psk_lookup), table as *const PskTable as *mut c_void) };
}

/// Protocol range: SSL 3.0 .. TLS 1.2 on TCP, DTLS 1.0 (built on TLS 1.1) .. DTLS 1.2 on UDP.
pub fn set_versions(cfg: &mut Config, datagram: bool) -> mbedtls::Result<()> {
    cfg.set_min_version(if datagram { Version::Tls1_1 } else { Version::Ssl3 })?;
    cfg.set_max_version(Version::Tls1_2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_explicit_list_has_the_sdk_demos_legacy_suites_and_the_modern_ones() {
        let l = all_suites();
        assert_eq!(l.last(), Some(&0));
        for id in [0x0004, 0x0005, 0x000a, 0x008a, 0x008c, 0xc02f, 0xc02b] {
            assert!(l.contains(&id), "suite 0x{:04x} missing", id);
        }
        // Modern suites are preferred: the first is not a legacy one.
        assert!(l[0] != 0x0004 && l[0] != 0x0005);
        assert_eq!(suite_name(0x0004), "TLS-RSA-WITH-RC4-128-MD5");
        assert_eq!(suite_name(0x0005), "TLS-RSA-WITH-RC4-128-SHA");
    }
}
