//! The panic boundary of the callbacks mbedtls calls into Rust (socket send/recv, DTLS timer,
//! certificate verification, entropy): a panic there must not unwind through mbedtls's C frames,
//! so it becomes an error status mbedtls understands. (The exported functions have their own
//! boundary in the C adapter, `capi::panic::ffi_guard`.)

use core::ffi::c_int;

use crate::platform;

/// Boundary for the socket callbacks mbedtls calls: a panic becomes a receive/send failure.
pub fn catch_io_panic<F: FnOnce() -> mbedtls::Result<usize>>(f: F) -> mbedtls::Result<usize> {
    platform::catch(f).unwrap_or_else(|| Err(mbedtls::error::codes::NetRecvFailed.into()))
}

/// Boundary for other mbedtls callbacks that return an int status: a panic becomes `on_panic`.
pub fn catch_status_panic<F: FnOnce() -> c_int>(on_panic: c_int, f: F) -> c_int {
    platform::catch(f).unwrap_or(on_panic)
}
