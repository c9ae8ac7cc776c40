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
//! mbedtls's debug output exists where mbedtls is built with MBEDTLS_DEBUG_C: always on Linux
//! (`std`), on bare metal only with the opt-in feature `tls-debug`. Without it the debug items
//! below are compiled out, and no debug code or format string of mbedtls is in the image.
//!
//! Levels are the SDK's QL_LOG levels (ERROR 1 ... VERBOSE 5), so a callback can hand them to
//! `QL_LOG` unchanged. ERROR is kept for faults of the library itself (an internal error, a
//! caught panic); a failed call is the application's to judge and is reported as WARN.

use core::ffi::{c_int, CStr};
use core::fmt::Write as _;
use core::sync::atomic::{AtomicI32, Ordering};

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::Error;
use crate::platform::sync::{Lazy, Mutex};

// The levels QL_SSL_LOG_NONE (0) ... QL_SSL_LOG_VERBOSE (5): src/c_values.txt.
include!(concat!(env!("OUT_DIR"), "/log_levels.rs"));

/// Where the messages go: a front end's delivery function and two words of its own (the C API:
/// the application's callback and its argument, src/capi/logging.rs). `deliver` gets one line
/// without a trailing newline and without embedded NULs, valid only during the call. The core
/// holds no C type: what a line becomes is the front end's business.
#[derive(Clone, Copy)]
pub struct Sink {
    pub deliver: fn(ctx: [usize; 2], level: c_int, line: &CStr),
    pub ctx: [usize; 2],
}

/// Highest level delivered; 0 = off. Read without the lock on every event site.
static MAX_LEVEL: AtomicI32 = AtomicI32::new(QL_SSL_LOG_NONE);

#[derive(Clone, Copy)]
struct Registered {
    sink: Option<Sink>,
    max_level: c_int,
}

static SINK: Lazy<Mutex<Registered>> = Lazy::new(|| Mutex::new(Registered { sink: None, max_level: QL_SSL_LOG_NONE }));

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
    let registered = *SINK.lock();
    let Some(sink) = registered.sink else { return };
    if level > registered.max_level {
        return;
    }
    let mut line = String::new();
    let _ = line.write_fmt(args);
    deliver(sink, level, line);
}

fn deliver(sink: Sink, level: c_int, mut line: String) {
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
    // SAFETY: every NUL of the text was replaced above and one was pushed at the end.
    let line = unsafe { CStr::from_bytes_with_nul_unchecked(&bytes) };
    (sink.deliver)(sink.ctx, level, line);
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
    // Internal errors are the only ones the C API reports as QL_SSL_ERROR_UNKOWN.
    if matches!(e, Error::Internal(_)) {
        qlog!(ERROR, "{func}: {code_name}: {e}");
    } else {
        qlog!(WARN, "{func}: {code_name}: {e}");
    }
}

/// mbedtls's debug threshold for a log level: DEBUG shows its levels 1-2 (errors, state
/// changes), VERBOSE all four; below DEBUG mbedtls returns before formatting anything.
#[cfg(any(feature = "std", feature = "tls-debug"))]
fn mbedtls_threshold(max_level: c_int) -> c_int {
    match max_level {
        QL_SSL_LOG_VERBOSE => 4,
        QL_SSL_LOG_DEBUG => 2,
        _ => 0,
    }
}

/// True when configs built now get mbedtls's debug hook: the log is at DEBUG or VERBOSE and mbedtls
/// has debug output (Linux; bare metal with `tls-debug`). Part of the shared-config key
/// (src/tls/engine/mbedtls28.rs), so a config without the hook is never handed to a context set up while
/// debugging, and while the log is below DEBUG no config has it: mbedtls's debug functions, which
/// it calls at every debug site either way, then return at their first test.
pub fn mbedtls_debug_wanted() -> bool {
    cfg!(any(feature = "std", feature = "tls-debug")) && enabled(QL_SSL_LOG_DEBUG)
}

/// Register `sink` (None: log off) for every message up to `max_level`.
pub fn set(sink: Option<Sink>, max_level: c_int) {
    let max_level = if sink.is_some() { max_level } else { QL_SSL_LOG_NONE };
    let mut registered = SINK.lock();
    *registered = Registered { sink, max_level };
    MAX_LEVEL.store(max_level, Ordering::Relaxed);
    #[cfg(any(feature = "std", feature = "tls-debug"))]
    {
        // SAFETY: sets mbedtls's global debug threshold (an int it reads before each debug line);
        // done under the sink's lock so that concurrent registrations leave matching values.
        unsafe { crate::tls::engine::set_debug_threshold(mbedtls_threshold(max_level)) };
    }
    drop(registered);
}
