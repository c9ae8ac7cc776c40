//! The one panic boundary. Every exported function and every callback that mbedtls calls into Rust
//! runs inside `catch_unwind`, so a bug in the library turns into an error code, never an unwind
//! across C frames (which would abort the application).

use std::panic::{catch_unwind, AssertUnwindSafe};

use core::ffi::c_int;

use crate::abi::ql_ssl_error_code_e;
use crate::error::{Error, Result};

/// Run the body of an exported function: `Ok(n)` becomes `n` (a byte count, a flag or 0 for
/// success), `Err(e)` becomes `e.code()`, a panic becomes `QL_SSL_ERROR_UNKOWN`.
pub fn ffi_guard<F: FnOnce() -> Result<c_int>>(f: F) -> c_int {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(n)) => n,
        Ok(Err(e)) => {
            // WANT_READ/WANT_WRITE are the normal rhythm of a non-blocking loop, not failures:
            // keep that path free of allocation and keep the last real reason.
            if !matches!(e, Error::WantRead | Error::WantWrite) {
                crate::diag::record(&e);
            }
            e.code() as c_int
        }
        Err(_) => {
            crate::diag::record(&Error::Internal("panic caught at the C boundary".into()));
            ql_ssl_error_code_e::QL_SSL_ERROR_UNKOWN as c_int
        }
    }
}

/// Boundary for the socket callbacks mbedtls calls: a panic becomes a receive/send failure.
pub fn catch_io_panic<F: FnOnce() -> mbedtls::Result<usize>>(f: F) -> mbedtls::Result<usize> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(mbedtls::error::codes::NetRecvFailed.into()))
}

/// Boundary for other mbedtls callbacks that return an int status: a panic becomes `on_panic`.
pub fn catch_status_panic<F: FnOnce() -> c_int>(on_panic: c_int, f: F) -> c_int {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(on_panic)
}
