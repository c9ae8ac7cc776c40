//! The one panic boundary. Every exported function and every callback that mbedtls calls into Rust
//! runs inside `platform::catch` (`catch_unwind` on Linux), so a bug in the library turns into an
//! error code, never an unwind across C frames (which would abort the application). On bare metal
//! there is no unwinding: a panic reaches the integrator's `panic` hook instead.

use core::ffi::c_int;

use crate::abi::ql_ssl_error_code_e;
use crate::capi::codes::ErrorCode;
use crate::error::{Error, Result};
use crate::platform;

/// Run the body of exported function `func` (its C name): `Ok(n)` becomes `n` (a byte count, a flag
/// or 0 for success), `Err(e)` becomes `e.code()`, a panic becomes `QL_SSL_ERROR_UNKOWN`. Every
/// failure except WANT_READ/WANT_WRITE is recorded as the last error and, when `QLSSL_ERROR_LOG`
/// names a file (Linux), logged there under `func`; WANT_READ/WANT_WRITE clear it, so the last
/// error always belongs to the thread's most recent call that returned an error code (see
/// `ql_ssl_last_error`). Success leaves it alone (that path costs nothing).
pub fn ffi_guard<F: FnOnce() -> Result<c_int>>(func: &'static str, f: F) -> c_int {
    if !platform::ready() {
        // Bare metal before ql_ssl_platform_init(): not even the allocator works yet.
        return ql_ssl_error_code_e::QL_SSL_ERROR_UNKOWN as c_int;
    }
    match platform::catch(f) {
        // Success and values do not touch the last error: an application may clean up
        // (ql_ssl_conf_free, ql_ssl_free) before it asks why the call before failed.
        Some(Ok(n)) => n,
        failed => failure(func, failed),
    }
}

/// The failure path of `ffi_guard`, which does not depend on the body: one copy for every export
/// instead of one per export (≈ 150 bytes each in the module build).
#[inline(never)]
fn failure(func: &'static str, failed: Option<Result<c_int>>) -> c_int {
    match failed {
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            // WANT_READ/WANT_WRITE are the normal rhythm of a non-blocking loop, not failures:
            // that path stays free of allocation, system calls and logging. But it is an error
            // code with nothing to explain, so it clears the last error (a thread-local length
            // set to 0): an earlier, unrelated failure must not read as the reason for it.
            if matches!(e, Error::WantRead | Error::WantWrite) {
                crate::diag::clear();
            } else {
                crate::diag::record(func, &e);
            }
            e.code() as c_int
        }
        None => {
            crate::diag::record(func, &Error::Internal("panic caught at the C boundary".into()));
            ql_ssl_error_code_e::QL_SSL_ERROR_UNKOWN as c_int
        }
    }
}
