//! The C adapter: the exported C functions. Each one only converts its arguments (`ffi`), calls
//! the contexts service (src/registry.rs) or the config store (`config`), and maps the result to a
//! code (`codes`), inside the panic boundary (`panic`).
//! `ql_ssl_conf_set`, `ql_ssl_conf_get` and their `_by_id` variants are C-variadic and live in
//! src/capi/shim.c, which calls `qlssl_conf_set_args` / `qlssl_conf_get_args` below.

pub mod abi;
pub mod cipherlist;
pub mod codes;
pub mod logging;
pub mod config;
pub mod diag;
pub mod ffi;
pub mod iot_items;
pub mod items;
pub mod panic;
pub mod timeout;
pub mod variadic;
pub mod version;

use core::ffi::{c_char, c_int, c_uchar, c_void};

#[allow(unused_imports)]
use crate::prelude::*;

use crate::abi::*;
use crate::ciphers;
use crate::connection::Connection;
use crate::error::{Error, Result};
use crate::ffi::{try_config, try_cstr, try_handle, try_slice, try_slice_mut, write_text};
use crate::panic::ffi_guard;
use crate::registry::{contexts, ConnId};

fn ok() -> Result<c_int> {
    Ok(ql_ssl_error_code_e::QL_SSL_SUCCESS as c_int)
}

/// What the body of an export on one context gives on success, as the export's C result: a count
/// or flag as it is, `()` as `QL_SSL_SUCCESS`.
trait ExportResult {
    fn code(self) -> c_int;
}

impl ExportResult for c_int {
    fn code(self) -> c_int {
        self
    }
}

impl ExportResult for () {
    fn code(self) -> c_int {
        ql_ssl_error_code_e::QL_SSL_SUCCESS as c_int
    }
}

/// The body of export `func` on one context: the handle behind `ssl` is read once, and `f` runs
/// on it inside the export's panic boundary (which also reports a bad handle).
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
unsafe fn on_context<R: ExportResult>(func: &'static str, ssl: *const ql_ssl_context, f: impl FnOnce(ConnId) -> Result<R>) -> c_int {
    // SAFETY: the caller's contract is `try_handle`'s.
    let handle = unsafe { try_handle(ssl) };
    ffi_guard(func, || f(handle?).map(R::code))
}

/// `on_context` for calls that never wait for the socket: `f` runs on the connection itself.
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
unsafe fn on_conn<R: ExportResult>(func: &'static str, ssl: *const ql_ssl_context, f: impl FnOnce(&mut Connection) -> Result<R>) -> c_int {
    // SAFETY: the caller's contract is `on_context`'s.
    unsafe { on_context(func, ssl, |h| contexts().with_conn(h, f)) }
}

/// Initialise `conf` with the defaults of the AT manual: version ALL, TLS, all cipher suites
/// (0xFFFF), no verification, SNI off, ignore local time on, negotiate timeout 300 s, session cache
/// off. Every initialised config must be released with `ql_ssl_conf_free()`. Calling it again on a
/// still-initialised config releases what the first call allocated.
///
/// # Safety
/// `conf` must be NULL or point to writable memory of `sizeof(ql_ssl_config)` bytes.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_conf_init(conf: *mut ql_ssl_config) -> c_int {
    ffi_guard("ql_ssl_conf_init", || {
        // SAFETY: NULL or the application's config (this function's contract).
        config::init(unsafe { try_config(conf) }?)?;
        ok()
    })
}

/// Run one typed config operation for the variadic shim (src/capi/shim.c): `op` gets the shim's
/// record of the variadic arguments; `func` is the exported function's name. The four entry
/// points below are separate functions so that a program that never calls the `_by_id` ones does
/// not link the per-id configs (docs/PERFORMANCE.md, "Size").
///
/// # Safety
/// `args` must be NULL or point to the shim's record of the variadic arguments.
unsafe fn conf_call(func: &'static str, args: *const qlssl_va_args, op: impl FnOnce(&qlssl_va_args) -> Result<()>) -> c_int {
    ffi_guard(func, || {
        // SAFETY: NULL or the shim's argument record (contract).
        let args = unsafe { args.as_ref() }.ok_or(Error::Internal("shim passed no arguments".into()))?;
        op(args)?;
        ok()
    })
}

/// Internal: typed half of `ql_ssl_conf_set` (called by the C shim).
///
/// # Safety
/// `conf` must be NULL or point to an initialised `ql_ssl_config`. Called only by the variadic
/// shim: `args` points to its record of the variadic arguments, which have the shape the
/// documentation of `type` gives.
#[no_mangle]
pub unsafe extern "C" fn qlssl_conf_set_args(conf: *mut ql_ssl_config, _by_id: c_int, _ctx_id: c_int, r#type: c_int, args: *const qlssl_va_args) -> c_int {
    // SAFETY: the config and arguments as the contract says.
    unsafe { conf_call("ql_ssl_conf_set", args, |a| config::set(try_config(conf)?, r#type, a)) }
}

/// Internal: typed half of `ql_ssl_conf_get` (called by the C shim).
///
/// # Safety
/// As for `qlssl_conf_set_args`.
#[no_mangle]
pub unsafe extern "C" fn qlssl_conf_get_args(conf: *mut ql_ssl_config, _by_id: c_int, _ctx_id: c_int, r#type: c_int, args: *const qlssl_va_args) -> c_int {
    // SAFETY: the config and arguments as the contract says.
    unsafe { conf_call("ql_ssl_conf_get", args, |a| config::get(try_config(conf)?, r#type, a)) }
}

/// Internal: typed half of `ql_ssl_conf_set_by_id` (called by the C shim; `conf` is unused).
///
/// # Safety
/// As for `qlssl_conf_set_args`, for library-owned config `ctx_id`.
#[no_mangle]
pub unsafe extern "C" fn qlssl_conf_set_by_id_args(_conf: *mut ql_ssl_config, _by_id: c_int, ctx_id: c_int, r#type: c_int, args: *const qlssl_va_args) -> c_int {
    // SAFETY: the arguments as the contract says.
    unsafe { conf_call("ql_ssl_conf_set_by_id", args, |a| config::set_by_id(ctx_id, r#type, a)) }
}

/// Internal: typed half of `ql_ssl_conf_get_by_id` (called by the C shim; `conf` is unused).
///
/// # Safety
/// As for `qlssl_conf_set_by_id_args`.
#[no_mangle]
pub unsafe extern "C" fn qlssl_conf_get_by_id_args(_conf: *mut ql_ssl_config, _by_id: c_int, ctx_id: c_int, r#type: c_int, args: *const qlssl_va_args) -> c_int {
    // SAFETY: the arguments as the contract says.
    unsafe { conf_call("ql_ssl_conf_get_by_id", args, |a| config::get_by_id(ctx_id, r#type, a)) }
}

/// Release everything `conf` owns: the library's copies of paths and cipher list, and a
/// malloc'd cipher list the config adopted (see `ql_ssl_conf_set`). Afterwards the config is
/// uninitialised; freeing it again returns `QL_SSL_ERROR_INVALID_PARAM` and does nothing.
/// Contexts already set up from this config are not affected.
///
/// # Safety
/// `conf` must be NULL or point to a `ql_ssl_config`, whose pointer members are NULL or what their documentation says, and no other call may use it at the same time.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_conf_free(conf: *mut ql_ssl_config) -> c_int {
    ffi_guard("ql_ssl_conf_free", || {
        // SAFETY: NULL or the application's config (contract).
        config::free(unsafe { try_config(conf) }?)?;
        ok()
    })
}

/// Create a context and write its handle to `*ssl` (only on success). Handles are never reused.
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context` that receives the handle.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_new(ssl: *mut ql_ssl_context) -> c_int {
    ffi_guard("ql_ssl_new", || {
        // SAFETY: NULL or a writable ql_ssl_context (contract).
        let out = unsafe { ssl.as_mut() }.ok_or(Error::InvalidParam("ssl is NULL"))?;
        *out = contexts().create()?;
        ok()
    })
}

/// Configure the context from `conf` (copied: later changes to `conf` do not affect it). Loads
/// every certificate and key now: an unreadable or malformed file gives
/// `QL_SSL_ERROR_BAD_REQUEST` (parsed CA lists are cached: a CA file changed or removed on disk is
/// seen by the first setup that starts at least 1 s after the previous check of it); out-of-range config members give `QL_SSL_ERROR_INVALID_PARAM`;
/// features this build lacks give `QL_SSL_ERROR_NOT_SUPPORT`. May be called before or after
/// `ql_ssl_set_socket_fd()` / `ql_ssl_set_hostname()`, once per context.
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
/// `conf` must be NULL or point to a `ql_ssl_config`, whose pointer members are NULL or what their documentation says, and no other call may use it at the same time.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_setup(ssl: *mut ql_ssl_context, conf: *mut ql_ssl_config) -> c_int {
    let body = |h: ConnId| {
        // SAFETY: `conf` as the contract says; the config's pointer members are NULL or
        // what the struct's documentation says.
        let settings = unsafe { config::settings_of(try_config(conf)?) }?;
        contexts().with_conn(h, |c| c.setup(settings))
    };
    // SAFETY: NULL or a readable ql_ssl_context (contract).
    unsafe { on_context("ql_ssl_setup", ssl, body) }
}

/// Bind the application's connected socket: a connected TCP (stream) socket for TLS, a connected
/// UDP (datagram) socket for DTLS (`connect()` it first: the library sends with `send()`). The
/// library never closes it. Blocking and `O_NONBLOCK` sockets both work; the mode is read at every
/// operation. The descriptor is checked once, here, and nothing is ever written to one that is
/// refused: a negative or closed descriptor, one that is not a socket (file, pipe, eventfd), a
/// listening, unconnected or shut-down socket, or a socket that is neither stream nor datagram
/// return `QL_SSL_ERROR_INVALID_PARAM`, and so does a socket of the wrong kind for the transport
/// when the context is already set up. Bound before `ql_ssl_setup()` (the transport is not known
/// yet), a socket of the wrong kind makes that setup fail with `QL_SSL_ERROR_BAD_REQUEST`
/// (the context stays new). `ql_ssl_last_error()` names the reason. A refused descriptor is not
/// bound; an earlier binding stays. A non-blocking TCP `connect()` still in progress is accepted.
/// Bare metal: only "not open" can be checked (the platform hooks have no descriptor-kind query).
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_set_socket_fd(ssl: *mut ql_ssl_context, sock_fd: c_int) -> c_int {
    // SAFETY: NULL or a readable ql_ssl_context (contract).
    unsafe { on_conn("ql_ssl_set_socket_fd", ssl, |c| c.set_socket_fd(sock_fd)) }
}

/// Set the server's host name (1..255 bytes): sent as SNI only when `sni_enable` is 1, and checked
/// against the server certificate's subjectAltNames (DNS and IP) or CN whenever verification is on.
/// Without a host name no name check is made. May be called before or after `ql_ssl_setup()` (the
/// SDK's current header calls it after): the name is applied when the handshake starts; once the
/// handshake has started it cannot change (`QL_SSL_ERROR_INVALID_PARAM`).
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
/// `hostname` must be NULL or point to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_set_hostname(ssl: *mut ql_ssl_context, hostname: *const c_char) -> c_int {
    let body = |h: ConnId| {
        // SAFETY: NULL or a C string (contract); no more than MAX_HOSTNAME + 1 bytes are read.
        let name = unsafe { try_cstr(hostname, config::MAX_HOSTNAME + 1) }?;
        contexts().with_conn(h, |c| c.set_hostname(name))
    };
    // SAFETY: NULL or a readable ql_ssl_context (contract).
    unsafe { on_context("ql_ssl_set_hostname", ssl, body) }
}

/// Run the handshake. Blocking socket: returns when done, failed, or after `ssl_negotiate_timeout`
/// seconds. Non-blocking socket: returns `QL_SSL_ERROR_WANT_READ`/`WANT_WRITE`; call again when
/// the socket is ready. When the negotiate timeout expires the handshake fails with
/// `QL_SSL_ERROR_HS_FAILURE` and `negotiate_timeout_cb(ssl, arg)` is called once (the context
/// may be freed from inside the callback). Calling it after success returns `QL_SSL_SUCCESS`.
/// Threads: see `ql_ssl_read` (a second concurrent handshake on one context: `INVALID_PARAM`).
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_handshake(ssl: *mut ql_ssl_context) -> c_int {
    let body = |h: ConnId| {
        let (result, notice) = contexts().handshake_step(h)?;
        // The context's lock and gate are released: the callback may free the context.
        if let Some(n) = notice {
            // SAFETY: the hook's address is a `ql_ssl_handshake_timeout_cb` (only `settings_of`
            // makes hooks), and the application registered it for exactly this call.
            unsafe { timeout_callback(n.hook.func)(ssl, n.hook.arg as *mut c_void) };
        }
        result
    };
    // SAFETY: NULL or a readable ql_ssl_context (contract).
    unsafe { on_context("ql_ssl_handshake", ssl, body) }
}

/// Historic spelling of `ql_ssl_handshake` kept as a symbol so objects built against old SDK
/// headers link (new code gets the macro of the same name).
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_handshark(ssl: *mut ql_ssl_context) -> c_int {
    // SAFETY: the same contract.
    unsafe { ql_ssl_handshake(ssl) }
}

/// Send a close_notify alert. Afterwards reads and writes return `QL_SSL_ERROR_INVALID_PARAM`.
/// Before the handshake has completed there is nothing to close: `QL_SSL_ERROR_INVALID_PARAM`.
/// Non-blocking socket: may return `QL_SSL_ERROR_WANT_WRITE`; call again.
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_close_notify(ssl: *mut ql_ssl_context) -> c_int {
    // SAFETY: NULL or a readable ql_ssl_context (contract).
    unsafe { on_context("ql_ssl_close_notify", ssl, |h| contexts().close_notify(h)) }
}

/// Number of decrypted bytes ready to be read without touching the socket (>= 0), or an error
/// (`QL_SSL_ERROR_HS_INPROGRESS` before the handshake is done).
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_get_bytes_avail(ssl: *mut ql_ssl_context) -> c_int {
    // SAFETY: NULL or a readable ql_ssl_context (contract).
    unsafe { on_conn("ql_ssl_get_bytes_avail", ssl, |c| c.bytes_avail().map(|n| n.min(i32::MAX as usize) as c_int)) }
}

/// Read up to `len` bytes into `buf`. Returns the count (> 0); 0 once the peer has closed the
/// connection with close_notify; `QL_SSL_ERROR_WANT_READ` on a non-blocking socket with no data;
/// `QL_SSL_ERROR_SOCKET_RESET` when the peer reset the connection, closed TCP without
/// close_notify or ended it with a fatal alert (named by `ql_ssl_last_error`); `QL_SSL_ERROR_DECRYPT_FAILURE` for a bad record; `QL_SSL_ERROR_HS_INPROGRESS`
/// before the handshake is done. Once a connection has failed, later reads and writes return the
/// same failure code again.
/// Threads: while one task waits here, another may `ql_ssl_write` on the same context (the
/// context is locked only while TLS runs, never while waiting for the socket). A second
/// concurrent `ql_ssl_read` on one context returns `QL_SSL_ERROR_INVALID_PARAM` at once. When
/// another task frees the context, a waiting call returns `QL_SSL_ERROR_INVALID_PARAM` promptly.
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
/// `buf` must be NULL or point to `len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_read(ssl: *mut ql_ssl_context, buf: *mut c_uchar, len: usize) -> c_int {
    // Fast path: bytes mbedtls has already decrypted (Contexts::read_buffered). Success only, so
    // the last error is left alone as ffi_guard would; anything else takes the full path.
    let fast = crate::platform::ready().then(|| crate::platform::catch(|| {
        // SAFETY: NULL or a readable ql_ssl_context (contract).
        let handle = unsafe { try_handle(ssl) }.ok()?;
        // SAFETY: NULL or `len` writable bytes, lent for this call (contract).
        let buf = unsafe { try_slice_mut(buf, len) }.ok()?;
        contexts().read_buffered(handle, buf)
    }));
    if let Some(Some(Some(n))) = fast {
        return n.min(c_int::MAX as usize) as c_int;
    }
    let body = |h: ConnId| {
        // SAFETY: NULL or `len` writable bytes, lent for this call (contract).
        let buf = unsafe { try_slice_mut(buf, len) }?;
        contexts().read(h, buf).map(|n| n as c_int)
    };
    // SAFETY: NULL or a readable ql_ssl_context (contract).
    unsafe { on_context("ql_ssl_read", ssl, body) }
}

/// Write up to `len` bytes from `buf`; returns how many were taken (may be fewer than `len`: at
/// most one record of 16 KiB per call). After `QL_SSL_ERROR_WANT_WRITE`/`WANT_READ` call again
/// with the same data. `QL_SSL_ERROR_SOCKET_RESET` when the peer is gone.
/// Threads: as for `ql_ssl_read`; a second concurrent write (or close_notify) on one context
/// returns `QL_SSL_ERROR_INVALID_PARAM` (records of two writes must not interleave).
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
/// `buf` must be NULL or point to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_write(ssl: *mut ql_ssl_context, buf: *const c_uchar, len: usize) -> c_int {
    let body = |h: ConnId| {
        // SAFETY: NULL or `len` readable bytes (contract).
        let buf = unsafe { try_slice(buf, len) }?;
        contexts().write(h, buf).map(|n| n as c_int)
    };
    // SAFETY: NULL or a readable ql_ssl_context (contract).
    unsafe { on_context("ql_ssl_write", ssl, body) }
}

/// Release the context. The socket is left open and nothing more is sent on it. NULL, garbage,
/// stale or already-freed handles return `QL_SSL_ERROR_INVALID_PARAM` and touch nothing.
/// Another task blocked in `ql_ssl_read`/`ql_ssl_write`/`ql_ssl_handshake` on this context is
/// woken and returns `QL_SSL_ERROR_INVALID_PARAM`; free returns once it has left (within ~20 ms;
/// at most 2 s), and after free returns the library never touches the socket again, so the
/// application may close it at once. The memory is released when the last task has left.
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_free(ssl: *mut ql_ssl_context) -> c_int {
    // Tasks inside the context (one waiting for its socket, say) are woken and leave with
    // FREED_DURING_CALL; free waits for them, so nothing touches the descriptor once it returns.
    // SAFETY: NULL or a readable ql_ssl_context (contract).
    unsafe { on_context("ql_ssl_free", ssl, |h| contexts().close(h)) }
}

/// 1 when the handshake has completed, 0 when not (yet), < 0 for a bad handle.
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_handshake_finished(ssl: *mut ql_ssl_context) -> c_int {
    // SAFETY: NULL or a readable ql_ssl_context (contract).
    unsafe { on_conn("ql_ssl_handshake_finished", ssl, |c| Ok(c.handshake_finished() as c_int)) }
}

/// Historic spelling of `ql_ssl_handshake_finished` (see `ql_ssl_handshark`).
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_handshark_finished(ssl: *mut ql_ssl_context) -> c_int {
    // SAFETY: the same contract.
    unsafe { ql_ssl_handshake_finished(ssl) }
}

/// 1 when this build can negotiate cipher suite `cs_id`, as its mbedtls reports it (140 of the 162
/// `QL_SSL_TLS_*` ids: all but the NULL, single-DES and EC J-PAKE suites; also mbedtls's other
/// TLS 1.2 suites such as ChaCha20 and ARIA ones), or for 0xFFFF ("all"); else 0. A suite listed in
/// `QL_SSL_CONF_CIPHERSUITE` for which this answers 0 makes the set fail with
/// `QL_SSL_ERROR_NOT_SUPPORT`, and `ql_ssl_last_error()` names it.
#[no_mangle]
pub extern "C" fn ql_ssl_ciphersuit_is_valid(cs_id: c_int) -> c_int {
    ffi_guard("ql_ssl_ciphersuit_is_valid", || Ok(ciphers::is_valid(cs_id) as c_int))
}

/// Extension: the negotiated cipher-suite id (> 0) once the handshake is done, else an error.
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_get_ciphersuite(ssl: *mut ql_ssl_context) -> c_int {
    // SAFETY: NULL or a readable ql_ssl_context (contract).
    unsafe {
        on_conn("ql_ssl_get_ciphersuite", ssl, |c| {
            c.ciphersuite().map(c_int::from).ok_or(Error::WrongState("no handshake has completed"))
        })
    }
}

/// Extension: 1 when the completed handshake resumed a session from the session cache
/// (`QL_SSL_CONF_SESSION_CACHE`), 0 when it was a full handshake, < 0 for a bad handle.
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_session_resumed(ssl: *mut ql_ssl_context) -> c_int {
    // SAFETY: NULL or a readable ql_ssl_context (contract).
    unsafe { on_conn("ql_ssl_session_resumed", ssl, |c| Ok(c.resumed() as c_int)) }
}

/// Extension (docs/IOT.md): the ALPN protocol the server selected in the completed handshake
/// (`QL_SSL_CONF_ALPN`), or NULL: no handshake yet, no ALPN configured, the server answered none,
/// or a bad handle. The string belongs to the context and stays valid until `ql_ssl_free()`.
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_get_alpn(ssl: *mut ql_ssl_context) -> *const c_char {
    // SAFETY: NULL or a readable ql_ssl_context (contract).
    unsafe { negotiated_alpn(ssl) }
}

/// The body of `ql_ssl_get_alpn`.
///
/// # Safety
/// As `ql_ssl_get_alpn`.
#[cfg(feature = "ext-items")]
unsafe fn negotiated_alpn(ssl: *mut ql_ssl_context) -> *const c_char {
    // SAFETY: NULL or a readable ql_ssl_context (contract).
    let Ok(handle) = (unsafe { try_handle(ssl) }) else { return core::ptr::null() };
    if !crate::platform::ready() {
        return core::ptr::null();
    }
    // A pointer is no result code: a failure (bad handle, caught panic) is NULL.
    let name = crate::platform::catch(|| contexts().with_conn(handle, |c| Ok(c.alpn().map_or(0, |n| n.as_ptr() as usize))));
    name.and_then(|r| r.ok()).unwrap_or(0) as *const c_char
}

/// Without the extension items no ALPN can be configured (docs/IOT.md): always NULL.
#[cfg(not(feature = "ext-items"))]
unsafe fn negotiated_alpn(_: *mut ql_ssl_context) -> *const c_char {
    core::ptr::null()
}

/// Extension: write the certificate verification findings of the last handshake to `*flags`
/// (MBEDTLS_X509_BADCERT_* bits as found, before `ignore_*` settings forgave any; 0 = clean).
/// `QL_SSL_ERROR_INVALID_PARAM` when verification was not configured.
///
/// # Safety
/// `ssl` must be NULL or point to a readable `ql_ssl_context`.
/// `flags` must be NULL or point to a writable `uint32_t`.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_get_verify_result(ssl: *mut ql_ssl_context, flags: *mut u32) -> c_int {
    let body = |h: ConnId| {
        // SAFETY: NULL or a writable u32 (contract).
        let out = unsafe { flags.as_mut() }.ok_or(Error::InvalidParam("flags is NULL"))?;
        *out = contexts()
            .with_conn(h, |c| c.verify_flags().ok_or(Error::WrongState("verification is not configured")))?;
        ok()
    };
    // SAFETY: NULL or a readable ql_ssl_context (contract).
    unsafe { on_context("ql_ssl_get_verify_result", ssl, body) }
}

/// Extension: write a description of result code `code` into `buf` (`len` bytes, always
/// NUL-terminated, truncated if needed).
///
/// # Safety
/// `buf` must be NULL or point to `len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_strerror(code: c_int, buf: *mut c_char, len: usize) -> c_int {
    ffi_guard("ql_ssl_strerror", || {
        // SAFETY: `len` writable bytes at `buf` (contract).
        unsafe { write_text(code_text(code), buf, len) }?;
        ok()
    })
}

/// Extension: write the reason for the calling thread's most recent `ql_ssl_*` call that returned
/// an error code (for example which file could not be loaded, or which certificate check failed)
/// into `buf` (`len` bytes, always NUL-terminated, truncated if needed). When that code was
/// `QL_SSL_ERROR_WANT_READ`/`WANT_WRITE` (nothing failed) the text is empty (""), never an
/// earlier failure's. Calls that return `QL_SSL_SUCCESS` or a value (a byte count, a flag, a
/// cipher-suite id) leave the text as it is, so cleaning up first (`ql_ssl_conf_free`,
/// `ql_ssl_free`) and asking afterwards works, and asking twice gives the same text. Other
/// threads' calls do not change it. Bare metal: one text for the whole library (no thread-local
/// storage), so another task's failing or WANT_* call in between replaces it.
///
/// # Safety
/// `buf` must be NULL or point to `len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_last_error(buf: *mut c_char, len: usize) -> c_int {
    let text = crate::diag::last();
    ffi_guard("ql_ssl_last_error", || {
        // SAFETY: `len` writable bytes at `buf` (contract).
        unsafe { write_text(&text, buf, len) }?;
        ok()
    })
}

fn code_text(code: c_int) -> &'static str {
    match code {
        0 => "success",
        -1 => "unknown error",
        -2 => "operation pending",
        -3 => "invalid parameter, handle or state",
        -4 => "out of memory",
        -5 => "not supported",
        -6 => "handshake failed",
        -7 => "decryption failed",
        -8 => "encryption failed",
        -9 => "handshake in progress",
        -10 => "bad request (setup)",
        -11 => "want read",
        -12 => "want write",
        -13 => "socket reset by peer",
        _ => "not a ql_ssl result code",
    }
}

/// Bare metal only: register the platform services (copied; see `ql_ssl_platform_hooks`). Call once,
/// before any other `ql_ssl_*` function, which until then return `QL_SSL_ERROR_UNKOWN` without
/// doing anything. Takes a table of `QL_SSL_PLATFORM_HOOKS_VERSION` (2) or of
/// `QL_SSL_PLATFORM_HOOKS_VERSION_1` (only its version-1 members are read). Returns
/// `QL_SSL_ERROR_INVALID_PARAM` for NULL, another `version` or a missing
/// required hook, and when hooks are already registered (memory from the first allocator must go
/// back to it, so the table cannot be replaced).
///
/// # Safety
/// `hooks` must be NULL or point to a readable, aligned `ql_ssl_platform_hooks` of the version it
/// names.
#[cfg(feature = "baremetal")]
#[no_mangle]
pub unsafe extern "C" fn ql_ssl_platform_init(hooks: *const ql_ssl_platform_hooks) -> c_int {
    use crate::capi::codes::ErrorCode;
    // No ffi_guard: it refuses every call until this one succeeded. Nothing here allocates or panics.
    let result = match core::ptr::NonNull::new(hooks.cast_mut()) {
        None => Err(Error::InvalidParam("hooks is NULL")),
        // SAFETY: a readable, aligned hook table of the version it names (contract).
        Some(h) => unsafe { crate::platform::hooks::install_from(h) }.map_err(Error::from),
    };
    match result {
        Ok(()) => ql_ssl_error_code_e::QL_SSL_SUCCESS as c_int,
        Err(e) => e.code() as c_int,
    }
}
