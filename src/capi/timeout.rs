//! The C side of the handshake-timeout hook (`QL_SSL_CONF_HS_TIMEOUT_FUNC`): the core and the
//! contexts service carry the callback as a plain `TimeoutHook` (two addresses); only here does
//! it become the application's `ql_ssl_handshake_timeout_cb` again.

use core::ffi::c_void;

use crate::capi::abi::{timeout_callback, ql_ssl_context};
use crate::tls::settings::TimeoutHook;

/// Call the application's timeout callback of a connection opened through the typed API, with a
/// pointer to the connection's id as its `ql_ssl_context *` (what a C caller's handle holds).
pub fn notify(conn: i32, hook: TimeoutHook) {
    let mut handle: ql_ssl_context = conn;
    // SAFETY: hooks are made only from `ql_ssl_handshake_timeout_cb` values (the C API is the
    // only front end that sets `QL_SSL_CONF_HS_TIMEOUT_FUNC`; a hook's address is never 0); the
    // handle pointer is valid for the call.
    unsafe { timeout_callback(hook.func)(&mut handle, hook.arg as *mut c_void) };
}
