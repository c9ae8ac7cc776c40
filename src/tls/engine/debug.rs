//! mbedtls's debug output into the log hook (src/tls/log.rs decides when it is wanted).

#[allow(unused_imports)]
use core::ffi::{c_char, c_int};

#[allow(unused_imports)]
use crate::prelude::*;
#[allow(unused_imports)]
use crate::tls::log::{emit, enabled, QL_SSL_LOG_DEBUG, QL_SSL_LOG_VERBOSE};

/// Install the debug hook on a config being built (where mbedtls has debug output).
///
/// # Safety
/// `cfg` must point to an initialised mbedtls config the caller is building.
#[cfg(any(feature = "std", feature = "tls-debug"))]
pub unsafe fn install(cfg: *mut mbedtls_sys::ssl_config) {
    // SAFETY: plain setter on a config the caller owns and is building; the hook takes no context
    // pointer (NULL), so it is valid for every context that shares the config.
    unsafe { mbedtls_sys::ssl_conf_dbg(cfg, Some(mbedtls_debug), core::ptr::null_mut()) };
}

/// Bare metal without `tls-debug`: no mbedtls debug output (not reached: `mbedtls_debug_wanted`
/// is false).
///
/// # Safety
/// Nothing is done with `_cfg`.
#[cfg(not(any(feature = "std", feature = "tls-debug")))]
pub unsafe fn install(_cfg: *mut mbedtls_sys::ssl_config) {}

/// mbedtls's debug hook: `file:line: text` at DEBUG (mbedtls levels 1-2) or VERBOSE (3-4).
#[cfg(any(feature = "std", feature = "tls-debug"))]
unsafe extern "C" fn mbedtls_debug(
    _ctx: *mut mbedtls_sys::types::raw_types::c_void,
    mbed_level: c_int,
    file: *const c_char,
    line: c_int,
    text: *const c_char,
) {
    let level = if mbed_level <= 2 { QL_SSL_LOG_DEBUG } else { QL_SSL_LOG_VERBOSE };
    if !enabled(level) {
        return;
    }
    let _ = crate::platform::catch(|| {
        // SAFETY: mbedtls passes NUL-terminated strings (__FILE__ and its formatted line), valid
        // for the call; NULL is checked.
        let (file, text) = unsafe {
            let s = |p: *const c_char| if p.is_null() { "" } else { core::ffi::CStr::from_ptr(p).to_str().unwrap_or("?") };
            (s(file), s(text))
        };
        let file = file.rsplit('/').next().unwrap_or(file);
        emit(level, format_args!("mbedtls {file}:{line}: {text}"));
    });
}
