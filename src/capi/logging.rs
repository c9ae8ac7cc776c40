//! `ql_ssl_set_log_callback`: the C API's registration of the log hook (src/tls/log.rs).

use core::ffi::{c_char, c_int, c_void, CStr};

#[allow(unused_imports)]
use crate::prelude::*;

use crate::capi::abi::ql_ssl_error_code_e;
use crate::capi::panic::ffi_guard;
use crate::tls::error::Error;
use crate::tls::log::{set, Sink, QL_SSL_LOG_NONE, QL_SSL_LOG_VERBOSE};

/// The log callback: `level` is a QL_SSL_LOG_* value (1..5), `msg` one NUL-terminated line without
/// a trailing newline (valid only during the call), `arg` what was registered with it.
#[allow(non_camel_case_types)]
pub type ql_ssl_log_cb = Option<unsafe extern "C" fn(level: c_int, msg: *const c_char, arg: *mut c_void)>;

/// The core's sink for a C callback: `ctx` = [the callback's address, its `arg`].
fn deliver_to_c(ctx: [usize; 2], level: c_int, line: &CStr) {
    // SAFETY: ctx[0] is the address of the non-NULL callback ql_ssl_set_log_callback registered
    // (a function pointer stored as usize, converted back to the same type).
    let cb = unsafe { core::mem::transmute::<usize, unsafe extern "C" fn(c_int, *const c_char, *mut c_void)>(ctx[0]) };
    // SAFETY: the application registered `cb` for exactly this call shape; `line` is a
    // NUL-terminated string that lives until the call returns.
    unsafe { cb(level, line.as_ptr(), ctx[1] as *mut c_void) };
}

/// Register the library's log callback. `cb` receives every message of level `max_level` or
/// lower (QL_SSL_LOG_ERROR 1 ... QL_SSL_LOG_VERBOSE 5, the SDK's QL_LOG numbering; a callback may
/// pass them to QL_LOG as they are); `arg` is handed back with each message. `cb` NULL or
/// `max_level` QL_SSL_LOG_NONE (0) switches the log off (the default: then no message is
/// formatted). Returns QL_SSL_SUCCESS, or QL_SSL_ERROR_INVALID_PARAM for a `max_level` outside
/// 0..5 (the registration is unchanged).
/// Messages: WARN each failed call (name, code, the ql_ssl_last_error() text) and timeouts; INFO
/// handshake start and result (protocol version, cipher suite, resumed or not) and close_notify;
/// DEBUG setup details and mbedtls's debug levels 1-2 (bare metal: see below); VERBOSE its levels 3-4
/// (hex dumps) - mbedtls's lines for contexts set up (ql_ssl_setup) while the level is DEBUG or
/// VERBOSE. ERROR only for faults of the library itself. Bare metal: the library's messages as on
/// Linux; mbedtls's debug lines only in a library built with the cargo feature `tls-debug`
/// (mbedtls with MBEDTLS_DEBUG_C; the default bare-metal build has no debug code of mbedtls).
/// Threads: may be called at any time from any thread, also before ql_ssl_platform_init() on
/// bare metal. The callback runs on the thread of the ql_ssl_* call (or mbedtls step) that logs,
/// possibly on several threads at once, and while the library holds that context's lock: it must
/// not call ql_ssl_* functions on that context. A message already being delivered on another
/// thread when the callback is replaced may still reach the old callback with its old `arg`.
#[no_mangle]
pub extern "C" fn ql_ssl_set_log_callback(cb: ql_ssl_log_cb, max_level: c_int, arg: *mut c_void) -> c_int {
    if !(QL_SSL_LOG_NONE..=QL_SSL_LOG_VERBOSE).contains(&max_level) {
        if !crate::platform::ready() {
            // Bare metal before ql_ssl_platform_init(): no allocator to record the reason with.
            return ql_ssl_error_code_e::QL_SSL_ERROR_INVALID_PARAM as c_int;
        }
        return ffi_guard("ql_ssl_set_log_callback", || {
            Err(Error::InvalidParam("max_level must be QL_SSL_LOG_NONE (0) .. QL_SSL_LOG_VERBOSE (5)"))
        });
    }
    set(cb.map(|f| Sink { deliver: deliver_to_c, ctx: [f as usize, arg as usize] }), max_level);
    ql_ssl_error_code_e::QL_SSL_SUCCESS as c_int
}

/// Bare metal, only in a library built with the cargo feature `keylog` (C: define QLSSL_KEYLOG as
/// well as QLSSL_BAREMETAL): the key-log sink. `line` is one NSS key-log line, `CLIENT_RANDOM
/// <client random> <master secret>` (lowercase hex, 175 characters), NUL-terminated, no newline,
/// valid only during the call; `arg` is what was registered with it.
#[cfg(all(feature = "baremetal", feature = "keylog"))]
#[allow(non_camel_case_types)]
pub type ql_ssl_keylog_cb = Option<unsafe extern "C" fn(line: *const core::ffi::c_char, arg: *mut c_void)>;

/// Bare metal, only in a library built with the cargo feature `keylog` (QLSSL_KEYLOG): register
/// the key-log sink, the bare-metal counterpart of SSLKEYLOGFILE on Linux. From then on every
/// TLS/DTLS handshake (full or resumed) that derives keys calls `cb` once with its NSS key-log
/// line; written to a file, one line each, Wireshark decrypts a capture of the traffic with it
/// (Preferences, TLS, "(Pre)-Master-Secret log filename"). `cb` NULL switches it off (the
/// default). Always returns QL_SSL_SUCCESS.
/// These lines are the session secrets: whoever has one reads that connection. For debugging
/// builds only, never in a product. The log callback never carries them.
/// Threads: may be called at any time from any task, also before ql_ssl_platform_init(). `cb`
/// runs on the task whose handshake derived the keys, while the library holds that context's lock
/// (it must not call ql_ssl_* on that context); a handshake already running when the sink is
/// replaced may still deliver its line to the old one.
#[cfg(all(feature = "baremetal", feature = "keylog"))]
#[no_mangle]
pub extern "C" fn ql_ssl_set_keylog_callback(cb: ql_ssl_keylog_cb, arg: *mut c_void) -> c_int {
    crate::tls::keylog::set_sink(cb, arg);
    ql_ssl_error_code_e::QL_SSL_SUCCESS as c_int
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::log::{qlog, QL_SSL_LOG_INFO, QL_SSL_LOG_WARN};
    use core::ffi::c_char;
    use std::sync::Mutex as StdMutex;

    static LINES: StdMutex<Vec<(c_int, String)>> = StdMutex::new(Vec::new());

    unsafe extern "C" fn collect(level: c_int, msg: *const c_char, arg: *mut c_void) {
        assert_eq!(arg as usize, 7);
        // SAFETY: the log hook passes one NUL-terminated line, valid during this call.
        let text = unsafe { core::ffi::CStr::from_ptr(msg) }.to_str().unwrap().to_owned();
        LINES.lock().unwrap().push((level, text));
    }

    #[test]
    fn levels_filter_and_off_evaluates_nothing() {
        ql_ssl_set_log_callback(Some(collect), QL_SSL_LOG_INFO, 7 as *mut c_void);
        qlog!(INFO, "one {}", 1);
        qlog!(DEBUG, "hidden");
        assert_eq!(ql_ssl_set_log_callback(Some(collect), 6, 7 as *mut c_void), -3);
        qlog!(WARN, "two\nlines\n");
        ql_ssl_set_log_callback(None, QL_SSL_LOG_VERBOSE, core::ptr::null_mut());
        let mut evaluated = false;
        qlog!(ERROR, "{}", {
            evaluated = true;
            "x"
        });
        assert!(!evaluated, "arguments were evaluated with the log off");
        // Other tests of this binary may log failed calls meanwhile: look for ours.
        let lines = LINES.lock().unwrap().clone();
        assert!(lines.contains(&(QL_SSL_LOG_INFO, "one 1".to_owned())), "{lines:?}");
        assert!(lines.contains(&(QL_SSL_LOG_WARN, "two\nlines".to_owned())), "{lines:?}");
        assert!(lines.iter().any(|(l, t)| *l == QL_SSL_LOG_WARN && t.starts_with("ql_ssl_set_log_callback: QL_SSL_ERROR_INVALID_PARAM")));
        assert!(lines.iter().all(|(l, t)| *l <= QL_SSL_LOG_INFO && t != "hidden" && t != "x"), "{lines:?}");
    }
}
