//! The NSS key log: every TLS/DTLS handshake gives one line `CLIENT_RANDOM <client random> <master
//! secret>` (hex), with which Wireshark/tshark decrypts a capture of the application's traffic, as
//! with curl, OpenSSL or rustls. Off by default. Two sinks:
//!
//! * Linux (`std`): SSLKEYLOGFILE. When the environment variable names a file, each line is
//!   appended to it. The variable is read once, when the first mbedtls config is built; unset or
//!   empty means off, and then no config carries the callback.
//! * Bare metal, only with the opt-in cargo feature `keylog`: an RTOS has neither environment nor
//!   files, so the line goes to the integrator's callback (`ql_ssl_set_keylog_callback`, which may
//!   write it to a UART, a file or a debug server). Every config carries the key-export callback,
//!   which does nothing while no sink is registered, so a sink registered later sees the
//!   handshakes of contexts whose config was built before. Without the feature this module is not
//!   compiled into bare-metal builds at all. The secrets never go through the log callback:
//!   integrators forward logs to places where session keys must not end up.
//!
//! mbedtls 2.28 hands the master secret and both randoms to the extended key-export callback
//! (MBEDTLS_SSL_EXPORT_KEYS) each time it derives keys, for full and resumed handshakes. The
//! callback takes no per-context pointer (NULL): one callback fits every context that shares a
//! cached config (src/tls/engine/mbedtls28.rs), and the decision is the same for all configs of a process.

use core::ffi::c_int;

#[allow(unused_imports)]
use crate::prelude::*;

#[cfg(feature = "std")]
use file_sink::keylog_file;
#[cfg(feature = "std")]
mod file_sink {
    use std::fs::File;

    use crate::platform::sync::{Mutex, OnceLock};

    use crate::log::qlog;

    static KEYLOG: OnceLock<Option<Mutex<File>>> = OnceLock::new();

    pub(super) fn keylog_file() -> Option<&'static Mutex<File>> {
        KEYLOG
            .get_or_init(|| {
                let path = std::env::var_os("SSLKEYLOGFILE").filter(|p| !p.is_empty())?;
                use std::os::unix::fs::OpenOptionsExt;
                // The lines are secrets: a new file is readable by its owner only.
                match std::fs::OpenOptions::new().append(true).create(true).mode(0o600).open(&path) {
                    Ok(f) => {
                        qlog!(WARN, "SSLKEYLOGFILE: writing TLS session secrets to {}", path.to_string_lossy());
                        Some(Mutex::new(f))
                    }
                    Err(e) => {
                        qlog!(WARN, "SSLKEYLOGFILE: cannot open {}: {e}", path.to_string_lossy());
                        None
                    }
                }
            })
            .as_ref()
    }
}

/// The integrator's key-log sink (bare metal, feature `keylog`): called with one NUL-terminated
/// NSS key-log line without a newline (valid only during the call) and the registered `arg`.
#[cfg(not(feature = "std"))]
pub type KeylogCallback = unsafe extern "C" fn(line: *const core::ffi::c_char, arg: *mut core::ffi::c_void);

#[cfg(not(feature = "std"))]
#[derive(Clone, Copy)]
struct Sink {
    cb: Option<KeylogCallback>,
    arg: usize,
}

/// The registered sink. A spin lock held only to copy two words: registration works before
/// `ql_ssl_platform_init` (it allocates nothing).
#[cfg(not(feature = "std"))]
static SINK: crate::platform::sync::Mutex<Sink> = crate::platform::sync::Mutex::new(Sink { cb: None, arg: 0 });

/// Register the key-log sink (`None`: off, the default). Handshakes already running may still
/// deliver one line to the previous sink.
#[cfg(not(feature = "std"))]
pub fn set_sink(cb: Option<KeylogCallback>, arg: *mut core::ffi::c_void) {
    *SINK.lock() = Sink { cb, arg: arg as usize };
}

/// Give a config being built the key-export callback when SSLKEYLOGFILE is in use.
///
/// # Safety
/// `cfg` must point to an initialised mbedtls config the caller is building.
pub unsafe fn install(cfg: *mut mbedtls_sys::ssl_config) {
    // Linux: only while SSLKEYLOGFILE is in use. Bare metal: always (the sink may come later).
    #[cfg(feature = "std")]
    if keylog_file().is_none() {
        return;
    }
    // SAFETY: plain setter on the config the caller is building; the callback ignores its
    // context pointer (NULL).
    unsafe { mbedtls_sys::ssl_conf_export_keys_ext_cb(cfg, Some(export_keys), core::ptr::null_mut()) };
}

/// The NSS key-log line for one handshake, newline included.
pub fn line(client_random: &[u8; 32], master: &[u8; 48]) -> String {
    labelled_line("CLIENT_RANDOM", client_random, master)
}

/// An NSS key-log line `LABEL <client random> <secret>` (hex), newline included. Inlined: the
/// 2.28 engine's line (`line`) compiles to what it was with its fixed label and lengths.
#[inline(always)]
fn labelled_line(label: &str, client_random: &[u8], secret: &[u8]) -> String {
    let mut s = String::with_capacity(label.len() + 2 * (client_random.len() + secret.len()) + 3);
    s.push_str(label);
    s.push(' ');
    hex(&mut s, client_random);
    s.push(' ');
    hex(&mut s, secret);
    s.push('\n');
    s
}

/// True when key-log lines go somewhere (Linux: SSLKEYLOGFILE is in use; bare metal with
/// `keylog`: always, the sink may be registered later).
#[cfg(feature = "tls13")]
pub fn active() -> bool {
    #[cfg(feature = "std")]
    return keylog_file().is_some();
    #[cfg(not(feature = "std"))]
    return true;
}

/// One line of any NSS label to the same sink (the TLS 1.3 engine's secrets: rustls's `KeyLog`
/// hands over CLIENT_HANDSHAKE_TRAFFIC_SECRET, ..., CLIENT_RANDOM for TLS 1.2).
#[cfg(feature = "tls13")]
pub fn log_secret(label: &str, client_random: &[u8], secret: &[u8]) {
    deliver(labelled_line(label, client_random, secret));
}

fn hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
}

/// mbedtls's extended key-export callback: `ms` is the 48-byte master secret, the randoms 32 bytes.
/// Returns 0 always: a key log that cannot be written must not fail the handshake.
unsafe extern "C" fn export_keys(
    _ctx: *mut mbedtls_sys::types::raw_types::c_void,
    ms: *const u8,
    _kb: *const u8,
    _maclen: usize,
    _keylen: usize,
    _ivlen: usize,
    client_random: *const u8,
    _server_random: *const u8,
    _prf: mbedtls_sys::tls_prf_types,
) -> c_int {
    if ms.is_null() || client_random.is_null() {
        return 0;
    }
    // SAFETY: mbedtls passes its 48-byte master secret and 32-byte client random (checked for
    // NULL above), valid during the call.
    let (master, random) = unsafe { (&*(ms as *const [u8; 48]), &*(client_random as *const [u8; 32])) };
    let _ = crate::platform::catch(|| deliver(line(random, master)));
    0
}

/// Linux: append the line to the SSLKEYLOGFILE file.
#[cfg(feature = "std")]
fn deliver(text: String) {
    use std::io::Write;
    if let Some(file) = keylog_file() {
        // One write per line on an O_APPEND file: lines of concurrent handshakes (and of other
        // processes sharing the file) do not interleave.
        if let Err(e) = file.lock().write_all(text.as_bytes()) {
            crate::log::qlog!(WARN, "SSLKEYLOGFILE: write failed: {e}");
        }
    }
}

/// Bare metal: hand the line, NUL-terminated instead of the newline, to the registered sink.
#[cfg(not(feature = "std"))]
fn deliver(text: String) {
    // Copied out, so the sink runs without the lock (it may register another sink).
    let sink = *SINK.lock();
    let Some(cb) = sink.cb else { return };
    let mut text = text.into_bytes();
    if let Some(last) = text.last_mut() {
        *last = 0;
    }
    // SAFETY: the integrator registered `cb` for this call shape; `text` is a NUL-terminated
    // buffer (hex digits and spaces before the NUL) that lives until the call returns.
    unsafe { cb(text.as_ptr().cast(), sink.arg as *mut core::ffi::c_void) };
}

#[cfg(test)]
mod tests {
    #[test]
    fn nss_line_format() {
        let l = super::line(&[0xab; 32], &[0x01; 48]);
        assert_eq!(l, format!("CLIENT_RANDOM {} {}\n", "ab".repeat(32), "01".repeat(48)));
    }
}
