//! `ql_ssl_set_log_callback`: the C API's registration of the log hook (src/tls/log.rs).

use core::ffi::{c_int, c_void};

#[allow(unused_imports)]
use crate::prelude::*;

use crate::capi::abi::ql_ssl_error_code_e;
use crate::capi::panic::ffi_guard;
use crate::tls::error::Error;
use crate::tls::log::{set, ql_ssl_log_cb, QL_SSL_LOG_NONE, QL_SSL_LOG_VERBOSE};

/// Register the library's log callback. `cb` receives every message of level `max_level` or
/// lower (QL_SSL_LOG_ERROR 1 ... QL_SSL_LOG_VERBOSE 5, the SDK's QL_LOG numbering; a callback may
/// pass them to QL_LOG as they are); `arg` is handed back with each message. `cb` NULL or
/// `max_level` QL_SSL_LOG_NONE (0) switches the log off (the default: then no message is
/// formatted). Returns QL_SSL_SUCCESS, or QL_SSL_ERROR_INVALID_PARAM for a `max_level` outside
/// 0..5 (the registration is unchanged).
/// Messages: WARN each failed call (name, code, the ql_ssl_last_error() text) and timeouts; INFO
/// handshake start and result (protocol version, cipher suite, resumed or not) and close_notify;
/// DEBUG setup details and, on Linux, mbedtls's debug levels 1-2; VERBOSE mbedtls's levels 3-4
/// (hex dumps) - mbedtls's lines for contexts set up (ql_ssl_setup) while the level is DEBUG or
/// VERBOSE. ERROR only for faults of the library itself. Bare metal: no mbedtls debug lines
/// (its mbedtls is built without MBEDTLS_DEBUG_C), the library's messages as on Linux.
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
    set(cb, max_level, arg);
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
