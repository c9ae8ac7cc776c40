//! The log hook: one application callback (`ql_ssl_set_log_callback`) receives the library's
//! events (handshake start and result with version and suite, failed calls with their text,
//! resumption, close_notify) and, at DEBUG/VERBOSE, mbedtls's own debug lines.
//!
//! Off is the default and costs one relaxed atomic load per event site: the `qlog!` macro tests
//! the level before it evaluates or formats anything, so no path formats, allocates or locks
//! while no callback is registered. mbedtls's debug hook is installed only on configs built while
//! the level is DEBUG or VERBOSE (`mbedtls_debug_wanted`, part of the shared-config key): with it,
//! mbedtls's debug functions would test one more value at every one of its debug sites.
//!
//! Levels are the SDK's QL_LOG levels (ERROR 1 ... VERBOSE 5), so a callback can hand them to
//! `QL_LOG` unchanged. ERROR is kept for faults of the library itself (an internal error, a
//! caught panic); a failed call is the application's to judge and is reported as WARN.

use core::ffi::{c_char, c_int, c_void};
use core::fmt::Write as _;
use core::sync::atomic::{AtomicI32, Ordering};

#[allow(unused_imports)]
use crate::prelude::*;

use crate::abi::ql_ssl_error_code_e;
use crate::error::Error;
use crate::platform::sync::{Lazy, Mutex};

/// Log level: nothing (`max_level` 0 switches the log off).
pub const QL_SSL_LOG_NONE: c_int = 0;
/// Log level: a fault of the library itself (internal error, caught panic).
pub const QL_SSL_LOG_ERROR: c_int = 1;
/// Log level: a failed call (its result code and text), a peer's fatal alert, a timeout.
pub const QL_SSL_LOG_WARN: c_int = 2;
/// Log level: handshake start and result (protocol version, cipher suite, resumption), close_notify.
pub const QL_SSL_LOG_INFO: c_int = 3;
/// Log level: the library's details (setup, cached session offered) and mbedtls's debug levels 1-2
/// (errors and handshake state changes).
pub const QL_SSL_LOG_DEBUG: c_int = 4;
/// Log level: also mbedtls's debug levels 3-4 (details and hex dumps of every record).
pub const QL_SSL_LOG_VERBOSE: c_int = 5;

/// The log callback: `level` is a QL_SSL_LOG_* value (1..5), `msg` one NUL-terminated line without
/// a trailing newline (valid only during the call), `arg` what was registered with it.
#[allow(non_camel_case_types)]
pub type ql_ssl_log_cb = Option<unsafe extern "C" fn(level: c_int, msg: *const c_char, arg: *mut c_void)>;

/// Highest level delivered; 0 = off. Read without the lock on every event site.
static MAX_LEVEL: AtomicI32 = AtomicI32::new(QL_SSL_LOG_NONE);

#[derive(Clone, Copy)]
struct Sink {
    cb: ql_ssl_log_cb,
    arg: usize,
    max_level: c_int,
}

static SINK: Lazy<Mutex<Sink>> = Lazy::new(|| Mutex::new(Sink { cb: None, arg: 0, max_level: QL_SSL_LOG_NONE }));

/// True when a message of `level` would be delivered. The only cost of a log site while off.
#[inline(always)]
pub fn enabled(level: c_int) -> bool {
    level <= MAX_LEVEL.load(Ordering::Relaxed)
}

/// Deliver one message of `level`, formatted from `args`, to the callback. Call through `qlog!`,
/// which checks `enabled` first.
#[cold]
#[inline(never)]
pub fn emit(level: c_int, args: core::fmt::Arguments<'_>) {
    // Copied out, so the callback runs without the lock (it may register another callback).
    let sink = *SINK.lock();
    let Some(cb) = sink.cb else { return };
    if level > sink.max_level {
        return;
    }
    let mut line = String::new();
    let _ = line.write_fmt(args);
    deliver(cb, sink.arg, level, line);
}

fn deliver(cb: unsafe extern "C" fn(c_int, *const c_char, *mut c_void), arg: usize, level: c_int, mut line: String) {
    // One line for C: no embedded NUL (it would cut the text), no trailing newline.
    while line.ends_with('\n') || line.ends_with('\r') {
        line.pop();
    }
    let mut bytes = line.into_bytes();
    for b in bytes.iter_mut() {
        if *b == 0 {
            *b = b'?';
        }
    }
    bytes.push(0);
    // SAFETY: the application registered `cb` for exactly this call shape; `bytes` is a
    // NUL-terminated buffer that lives until the call returns.
    unsafe { cb(level, bytes.as_ptr().cast(), arg as *mut c_void) };
}

/// Log a message when its level is enabled; the arguments are not evaluated otherwise.
/// `qlog!(INFO, "handshake done: {}", suite)`.
macro_rules! qlog {
    ($level:ident, $($fmt:tt)+) => {
        if $crate::log::enabled($crate::log::level::$level) {
            $crate::log::emit($crate::log::level::$level, format_args!($($fmt)+));
        }
    };
}
pub(crate) use qlog;

/// Short names for `qlog!`.
pub mod level {
    pub use super::QL_SSL_LOG_DEBUG as DEBUG;
    pub use super::QL_SSL_LOG_ERROR as ERROR;
    pub use super::QL_SSL_LOG_INFO as INFO;
    pub use super::QL_SSL_LOG_VERBOSE as VERBOSE;
    pub use super::QL_SSL_LOG_WARN as WARN;
}

/// A failed exported call, as `diag::record` sees it (only when WARN/ERROR is on).
pub fn failed_call(func: &str, code_name: &str, e: &Error) {
    let internal = matches!(e, Error::Internal(_)) || e.code() == ql_ssl_error_code_e::QL_SSL_ERROR_UNKOWN;
    if internal {
        qlog!(ERROR, "{func}: {code_name}: {e}");
    } else {
        qlog!(WARN, "{func}: {code_name}: {e}");
    }
}

/// mbedtls's debug threshold for a log level: DEBUG shows its levels 1-2 (errors, state
/// changes), VERBOSE all four; below DEBUG mbedtls returns before formatting anything.
#[cfg(feature = "std")]
fn mbedtls_threshold(max_level: c_int) -> c_int {
    match max_level {
        QL_SSL_LOG_VERBOSE => 4,
        QL_SSL_LOG_DEBUG => 2,
        _ => 0,
    }
}

/// True when configs built now get mbedtls's debug hook: the log is at DEBUG or VERBOSE (Linux;
/// the bare-metal mbedtls is built without MBEDTLS_DEBUG_C). Part of the shared-config key
/// (src/connection.rs), so a config without the hook is never handed to a context set up while
/// debugging, and while the log is below DEBUG no config has it: mbedtls's debug functions, which
/// it calls at every debug site either way, then return at their first test.
pub fn mbedtls_debug_wanted() -> bool {
    cfg!(feature = "std") && enabled(QL_SSL_LOG_DEBUG)
}

/// Install the debug hook on a config being built. Host builds only.
#[cfg(feature = "std")]
pub fn install_mbedtls_debug(cfg: *mut mbedtls_sys::ssl_config) {
    // SAFETY: plain setter on a config the caller owns and is building; the hook takes no context
    // pointer (NULL), so it is valid for every context that shares the config.
    unsafe { mbedtls_sys::ssl_conf_dbg(cfg, Some(mbedtls_debug), core::ptr::null_mut()) };
}

#[cfg(not(feature = "std"))]
pub fn install_mbedtls_debug(_cfg: *mut mbedtls_sys::ssl_config) {}

/// mbedtls's debug hook: `file:line: text` at DEBUG (mbedtls levels 1-2) or VERBOSE (3-4).
#[cfg(feature = "std")]
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

/// Register `cb` (NULL: log off) for every message up to `max_level`.
pub fn set(cb: ql_ssl_log_cb, max_level: c_int, arg: *mut c_void) {
    let max_level = if cb.is_some() { max_level } else { QL_SSL_LOG_NONE };
    let mut sink = SINK.lock();
    *sink = Sink { cb, arg: arg as usize, max_level };
    MAX_LEVEL.store(max_level, Ordering::Relaxed);
    #[cfg(feature = "std")]
    {
        // SAFETY: sets mbedtls's global debug threshold (an int it reads before each debug line);
        // done under the sink's lock so that concurrent registrations leave matching values.
        unsafe { mbedtls_sys::debug_set_threshold(mbedtls_threshold(max_level)) };
    }
    drop(sink);
}

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
        return crate::panic::ffi_guard("ql_ssl_set_log_callback", || {
            Err(Error::InvalidParam("max_level must be QL_SSL_LOG_NONE (0) .. QL_SSL_LOG_VERBOSE (5)"))
        });
    }
    set(cb, max_level, arg);
    ql_ssl_error_code_e::QL_SSL_SUCCESS as c_int
}

#[cfg(test)]
mod tests {
    use super::*;
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
