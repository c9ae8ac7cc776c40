//! The record of the last error, so a C caller can ask *why* a call failed (`ql_ssl_last_error()`),
//! not only which code it returned. Per thread on Linux; one slot for the library on bare metal.
//! It belongs to the most recent call that returned an error code: `panic::ffi_guard` records a
//! failure and clears the record on WANT_READ/WANT_WRITE (an error code with nothing to explain).
//!
//! On Linux every failed call can also be appended to a file for an outside observer (the host
//! runner `runtime/qlrt-run` judges a run by it): see `platform::error_log` and `QLSSL_ERROR_LOG`.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::abi::ql_ssl_error_code_e;
use crate::capi::codes::ErrorCode;
use crate::error::Error;
use crate::platform;

/// Remember `e`, returned by exported function `func`, as the last error; with an error log
/// configured (Linux), also append one line for it there.
pub fn record(func: &'static str, e: &Error) {
    // Failed calls are WARN, faults of the library ERROR (`log::failed_call` picks).
    if crate::log::enabled(crate::log::level::ERROR) {
        crate::log::failed_call(func, code_name(e.code()), e);
    }
    let text = e.to_string();
    #[cfg(feature = "std")]
    platform::error_log(func, e.code() as i32, code_name(e.code()), &text);
    #[cfg(not(feature = "std"))]
    let _ = func;
    platform::set_last_error(text);
}

/// The C name of a result code (the error log names codes the way the header does).
pub fn code_name(code: ql_ssl_error_code_e) -> &'static str {
    use ql_ssl_error_code_e as E;
    match code {
        E::QL_SSL_SUCCESS => "QL_SSL_SUCCESS",
        E::QL_SSL_ERROR_UNKOWN => "QL_SSL_ERROR_UNKOWN",
        E::QL_SSL_ERROR_WOUNDBLOCK => "QL_SSL_ERROR_WOUNDBLOCK",
        E::QL_SSL_ERROR_INVALID_PARAM => "QL_SSL_ERROR_INVALID_PARAM",
        E::QL_SSL_ERROR_OUT_OF_MEM => "QL_SSL_ERROR_OUT_OF_MEM",
        E::QL_SSL_ERROR_NOT_SUPPORT => "QL_SSL_ERROR_NOT_SUPPORT",
        E::QL_SSL_ERROR_HS_FAILURE => "QL_SSL_ERROR_HS_FAILURE",
        E::QL_SSL_ERROR_DECRYPT_FAILURE => "QL_SSL_ERROR_DECRYPT_FAILURE",
        E::QL_SSL_ERROR_ENCRYPT_FAILURE => "QL_SSL_ERROR_ENCRYPT_FAILURE",
        E::QL_SSL_ERROR_HS_INPROGRESS => "QL_SSL_ERROR_HS_INPROGRESS",
        E::QL_SSL_ERROR_BAD_REQUEST => "QL_SSL_ERROR_BAD_REQUEST",
        E::QL_SSL_ERROR_WANT_READ => "QL_SSL_ERROR_WANT_READ",
        E::QL_SSL_ERROR_WANT_WRITE => "QL_SSL_ERROR_WANT_WRITE",
        E::QL_SSL_ERROR_SOCKET_RESET => "QL_SSL_ERROR_SOCKET_RESET",
    }
}

/// The most recent error code was WANT_READ/WANT_WRITE: no reason to report. Cheap (no
/// allocation, no system call): it runs on every WANT_* of a non-blocking loop.
pub fn clear() {
    platform::clear_last_error();
}

/// The last error text ("" when the most recent call did not fail).
pub fn last() -> String {
    platform::last_error()
}
