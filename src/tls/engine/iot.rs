//! The IoT extension items on mbedtls 2.28 (docs/IOT.md): ALPN and the maximum fragment length on
//! the shared configuration, the negotiated protocol, the digest of the server's leaf key for
//! pinning, and a session's serialised form for the session store.

use core::ffi::{c_char, CStr};
use alloc::ffi::CString;

use mbedtls::ssl::Config;

#[allow(unused_imports)]
use crate::prelude::*;
use crate::tls::engine::errors::describe;
use crate::tls::error::{Error, Result};
use crate::tls::iot::{max_frag_len_code, PIN_LEN};

/// Offer `alpn` (in order) and ask for fragments of at most `max_frag_len` bytes (0: do not ask).
/// The protocol list is owned by the configuration (mbedtls keeps pointers into it).
pub(crate) fn apply(cfg: &mut Config, alpn: &[CString], max_frag_len: u16) -> Result<()> {
    if !alpn.is_empty() {
        set_alpn(cfg, alpn)?;
    }
    let code = max_frag_len_code(i32::from(max_frag_len)).ok_or(Error::InvalidParam("max fragment length must be 0, 512, 1024, 2048 or 4096"))?;
    if code != 0 {
        // SAFETY: a plain setter on the config being built (owned by the caller).
        let r = unsafe { mbedtls_sys::ssl_conf_max_frag_len((&mut *cfg).into(), code) };
        if r != 0 {
            return Err(Error::BadRequest(describe(&mbedtls::Error::from(r))));
        }
    }
    Ok(())
}

#[cfg(feature = "std")]
fn set_alpn(cfg: &mut Config, alpn: &[CString]) -> Result<()> {
    let names: Vec<&str> = alpn.iter().filter_map(|n| n.to_str().ok()).collect();
    if names.len() != alpn.len() {
        return Err(Error::InvalidParam("an ALPN protocol name is not UTF-8"));
    }
    let list = mbedtls::ssl::config::NullTerminatedStrList::new(&names).map_err(|e| Error::BadRequest(describe(&e)))?;
    cfg.set_alpn_protocols(alloc::sync::Arc::new(list)).map_err(|e| Error::BadRequest(describe(&e)))
}

#[cfg(not(feature = "std"))]
fn set_alpn(_: &mut Config, _: &[CString]) -> Result<()> {
    // The wrapper builds its owned protocol list only with std.
    Err(Error::NotSupported("ALPN needs the std build"))
}

/// The protocol the server selected (None: no ALPN, or the server did not answer it). The string
/// lives in the configuration's protocol list, as long as the connection's configuration.
///
/// # Safety
/// `raw` is a set-up context.
pub(crate) unsafe fn negotiated_alpn<'a>(raw: *const mbedtls_sys::ssl_context) -> Option<&'a CStr> {
    // SAFETY: the caller's contract; mbedtls returns NULL or a pointer into the config's list.
    let p: *const c_char = unsafe { mbedtls_sys::ssl_get_alpn_protocol(raw) };
    // SAFETY: non-NULL: a NUL-terminated string of the config's list.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) })
}

/// SHA-256 of the DER SubjectPublicKeyInfo of the server's certificate in the handshake in
/// progress (or of the resumed session's). None when the server sent none.
///
/// # Safety
/// `raw` is a set-up context past the server's Certificate message.
pub(crate) unsafe fn leaf_key_digest(raw: *const mbedtls_sys::ssl_context) -> Option<[u8; PIN_LEN]> {
    // SAFETY: the caller's contract: `session_negotiate` is the session being negotiated; its
    // `peer_cert` is NULL or the parsed chain (MBEDTLS_SSL_KEEP_PEER_CERTIFICATE is on).
    unsafe {
        let sess = (*raw).session_negotiate;
        if sess.is_null() {
            return None;
        }
        crt_key_digest((*sess).peer_cert)
    }
}

/// SHA-256 of the DER SubjectPublicKeyInfo of the parsed certificate `crt` (its `pk_raw`, which
/// spans it inside the certificate's DER). None for NULL or a certificate without one.
///
/// # Safety
/// `crt` is NULL or a parsed certificate that lives across the call.
unsafe fn crt_key_digest(crt: *const mbedtls_sys::x509_crt) -> Option<[u8; PIN_LEN]> {
    if crt.is_null() {
        return None;
    }
    // SAFETY: the caller's contract; `pk_raw` points into the certificate's own DER copy.
    let spki = unsafe {
        let pk = &(*crt).pk_raw;
        if pk.p.is_null() || pk.len == 0 {
            return None;
        }
        core::slice::from_raw_parts(pk.p, pk.len)
    };
    Some(sha256(spki))
}

/// The TLS 1.3 engine's pin check (its verifier, `modern.rs`): 0 when there are no pins or the
/// DER certificate `leaf`'s key matches one, else `iot::PIN_MISMATCH` (an unparsable leaf
/// matches nothing).
#[cfg(feature = "tls13")]
pub(crate) fn pin_findings(pins: &[[u8; PIN_LEN]], leaf: &[u8]) -> u32 {
    if pins.is_empty() {
        return 0;
    }
    let Ok(cert) = mbedtls::x509::Certificate::from_der(leaf) else { return crate::tls::iot::PIN_MISMATCH };
    let crt: *const mbedtls_sys::x509_crt = (&*cert).into();
    // SAFETY: `cert` is parsed and lives until the end of this function.
    match unsafe { crt_key_digest(crt) } {
        Some(d) if crate::tls::iot::pin_matches(pins, &d) => 0,
        _ => crate::tls::iot::PIN_MISMATCH,
    }
}

/// The session of an established connection in mbedtls's serialised form (mbedtls_ssl_session_save:
/// version and build-options header, master secret, ticket or id, peer certificate).
///
/// # Safety
/// `raw` is an established context.
pub(crate) unsafe fn save_session(raw: *const mbedtls_sys::ssl_context) -> Option<Vec<u8>> {
    // SAFETY: the caller's contract; `raw->session` is the established session.
    let sess = unsafe { (*raw).session };
    if sess.is_null() {
        return None;
    }
    let mut len = 0usize;
    // SAFETY: a size query (NULL buffer, 0 bytes) on a valid session.
    let r = unsafe { mbedtls_sys::ssl_session_save(sess, core::ptr::null_mut(), 0, &mut len) };
    if r != mbedtls_sys::ERR_SSL_BUFFER_TOO_SMALL || len == 0 || len > 64 * 1024 {
        return None;
    }
    let mut buf = vec![0u8; len];
    // SAFETY: `buf` has the `len` bytes just asked for.
    let r = unsafe { mbedtls_sys::ssl_session_save(sess, buf.as_mut_ptr(), buf.len(), &mut len) };
    (r == 0).then(|| {
        buf.truncate(len);
        buf
    })
}

/// Parse a serialised session and offer it on `raw` (before its handshake). mbedtls checks the
/// header (its version and build options) and every length; an error names why it was refused.
///
/// # Safety
/// `raw` is a set-up context whose handshake has not started.
pub(crate) unsafe fn offer_saved_session(raw: *mut mbedtls_sys::ssl_context, data: &[u8]) -> core::result::Result<(), String> {
    // SAFETY: an all-zero session is what ssl_session_init expects; the load reads `data` within
    // its length; ssl_set_session deep-copies the session, which is freed here either way.
    unsafe {
        let mut s: Box<mbedtls_sys::ssl_session> = Box::new(core::mem::zeroed());
        mbedtls_sys::ssl_session_init(&mut *s);
        let mut r = mbedtls_sys::ssl_session_load(&mut *s, data.as_ptr(), data.len());
        if r == 0 {
            r = mbedtls_sys::ssl_set_session(raw, &*s);
        }
        mbedtls_sys::ssl_session_free(&mut *s);
        if r == 0 {
            Ok(())
        } else {
            Err(describe(&mbedtls::Error::from(r)))
        }
    }
}

/// The session's ticket lifetime in seconds (0: no ticket, the server keeps it by id).
///
/// # Safety
/// `raw` is an established context.
pub(crate) unsafe fn ticket_lifetime(raw: *const mbedtls_sys::ssl_context) -> u32 {
    // SAFETY: the caller's contract.
    unsafe {
        let sess = (*raw).session;
        if sess.is_null() || (*sess).ticket.is_null() {
            0
        } else {
            (*sess).ticket_lifetime
        }
    }
}

/// SHA-256 of `data` (mbedtls's implementation; the session store's digests and the pins).
/// mbedtls's one-shot function, not the `mbedtls` crate's `Md::hash`: in the bare-metal build that
/// call fails, and its ignored error left an all-zero digest (every store key and checksum equal,
/// every pin digest zero). The software SHA-256 (no `MBEDTLS_SHA256_ALT`) only fails for a NULL
/// output, which this is not.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: `data` is readable for its length, `out` writable for the 32 bytes SHA-256 writes.
    let _cannot_fail = unsafe { mbedtls_sys::sha256_ret(data.as_ptr(), data.len(), out.as_mut_ptr(), 0) };
    out
}

/// The max_fragment_length extension's type (RFC 6066 §4).
const EXT_MAX_FRAGMENT_LENGTH: u16 = 1;

/// Right after the step that parsed the ServerHello of a full handshake (its message is still in
/// `in_msg`, `in_hslen` bytes, until the next step consumes it): true when the configuration asks
/// for a maximum fragment length and the server did not answer the extension. Such a server may
/// send records of up to 16 KiB, and mbedtls, built with MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH,
/// shrinks its input buffer to the configured limit when the handshake ends whatever the server
/// said (`mbedtls_ssl_get_input_max_frag_len` takes the client's configured value): the first
/// larger record would fail. A resumed session keeps the limit it was negotiated with
/// (`resumed`: mbedtls's verdict, `mbedtls28::resume_verdict`).
///
/// # Safety
/// `raw` is a set-up context, the handshake not over.
pub(crate) unsafe fn max_frag_len_ignored(raw: *const mbedtls_sys::ssl_context, dtls: bool, resumed: Option<bool>) -> bool {
    // SAFETY: the caller's contract: `conf` is the context's live configuration, `in_msg` points
    // into the input buffer with at least `in_hslen` bytes of the last handshake message.
    unsafe {
        let conf = (*raw).conf;
        if conf.is_null() || (*conf).mfl_code == 0 || resumed != Some(false) {
            return false;
        }
        let (msg, len) = ((*raw).in_msg, (*raw).in_hslen);
        if msg.is_null() || len == 0 {
            return false;
        }
        let hello = core::slice::from_raw_parts(msg, len);
        let header = if dtls { 12 } else { 4 };
        crate::tls::iot::server_hello_has_extension(hello, header, EXT_MAX_FRAGMENT_LENGTH) == Some(false)
    }
}
