//! Turning C arguments into Rust values. Every exported function goes through these, so NULL and
//! out-of-range arguments are rejected the same way everywhere.

use core::ffi::{c_char, c_void, CStr};

use crate::abi::{ql_ssl_config, ql_ssl_context};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::error::{Error, Result};

/// Read the handle behind `ssl` (the API passes `ql_ssl_context *`).
///
/// # Safety
/// `ssl` must be NULL or point to a readable `int`.
pub unsafe fn try_handle(ssl: *const ql_ssl_context) -> Result<i32> {
    // SAFETY: `ssl` is NULL or points to a readable int (contract).
    unsafe { ssl.as_ref() }.copied().ok_or(Error::BadHandle)
}

/// # Safety
/// `conf` must be NULL or point to a `ql_ssl_config`.
pub unsafe fn try_config<'a>(conf: *mut ql_ssl_config) -> Result<&'a mut ql_ssl_config> {
    // SAFETY: `conf` is NULL or points to a ql_ssl_config the caller lends us (contract).
    unsafe { conf.as_mut() }.ok_or(Error::InvalidParam("config pointer is NULL"))
}

/// A C string argument of at most `max` bytes where NULL means "none", as a `CStr` (terminator
/// included): the one bounded string reader of the adapter (`try_cstr` is it with NULL refused).
///
/// # Safety
/// `s` must be NULL or point to a readable C string (or to at least `max + 1` readable bytes).
pub unsafe fn try_opt_cstr<'a>(s: *const c_char, max: usize) -> Result<Option<&'a CStr>> {
    if s.is_null() {
        return Ok(None);
    }
    let mut len = 0usize;
    // SAFETY: a readable C string or `max + 1` readable bytes (contract); the loop stops at the
    // first NUL or after byte `max`, so no byte after the terminator is read.
    while unsafe { *s.add(len) } != 0 {
        if len == max {
            return Err(Error::InvalidParam("string argument is too long"));
        }
        len += 1;
    }
    // SAFETY: bytes 0..=len were just read and byte `len` is the only NUL among them.
    Ok(Some(unsafe { CStr::from_bytes_with_nul_unchecked(core::slice::from_raw_parts(s as *const u8, len + 1)) }))
}

/// A NUL-terminated string of at most `max` bytes (the terminator is searched no further).
///
/// # Safety
/// As for `try_opt_cstr`.
pub unsafe fn try_cstr<'a>(s: *const c_char, max: usize) -> Result<&'a [u8]> {
    // SAFETY: this function's contract is `try_opt_cstr`'s.
    unsafe { try_opt_cstr(s, max) }?.map(CStr::to_bytes).ok_or(Error::InvalidParam("string argument is NULL"))
}

/// An output argument of a `get`, checked for NULL (writing through it is the caller's business,
/// under the item's documented type).
pub fn try_out<T>(p: *mut c_void) -> Result<*mut T> {
    if p.is_null() {
        Err(Error::InvalidParam("output pointer is NULL"))
    } else {
        Ok(p.cast())
    }
}

/// A readable byte buffer; `len` is clamped to `i32::MAX` because results are returned as `int`.
///
/// # Safety
/// `buf` must be NULL or point to `len` readable bytes.
pub unsafe fn try_slice<'a>(buf: *const u8, len: usize) -> Result<&'a [u8]> {
    if buf.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(Error::InvalidParam("buffer is NULL")) };
    }
    // SAFETY: `len` readable bytes at `buf` (contract); clamping only shortens the slice.
    Ok(unsafe { core::slice::from_raw_parts(buf, len.min(i32::MAX as usize)) })
}

/// A writable byte buffer; `len` is clamped to `i32::MAX`.
///
/// # Safety
/// `buf` must be NULL or point to `len` writable bytes.
pub unsafe fn try_slice_mut<'a>(buf: *mut u8, len: usize) -> Result<&'a mut [u8]> {
    if buf.is_null() {
        return if len == 0 { Ok(&mut []) } else { Err(Error::InvalidParam("buffer is NULL")) };
    }
    // SAFETY: `len` writable bytes at `buf` (contract), lent to us for this call only.
    Ok(unsafe { core::slice::from_raw_parts_mut(buf, len.min(i32::MAX as usize)) })
}

/// Copy `text` into a caller buffer of `len` bytes, truncated and always NUL-terminated.
///
/// # Safety
/// `buf` must point to `len` writable bytes.
pub unsafe fn write_text(text: &str, buf: *mut c_char, len: usize) -> Result<()> {
    if buf.is_null() || len == 0 {
        return Err(Error::InvalidParam("message buffer is NULL or empty"));
    }
    let n = text.len().min(len - 1);
    // SAFETY: `n + 1 <= len` writable bytes at `buf` (contract); `text` is our own memory.
    unsafe {
        core::ptr::copy_nonoverlapping(text.as_ptr(), buf as *mut u8, n);
        *buf.add(n) = 0;
    }
    Ok(())
}
