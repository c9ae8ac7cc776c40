//! The engine seam: the only modules of the core that name mbedtls (`mbedtls_sys` and the
//! `mbedtls` wrapper crate). Everything above sees typed outcomes and the core's own types.
//!
//! - `conn`: one connection on the engine that serves it, `EngineSession` (2.28 or, with feature
//!   `tls13`, rustls), picked at setup; `connection.rs` drives it through the typed steps below.
//! - `conn28`: one connection on the 2.28 engine, `Session28`: the mbedtls context behind
//!   typed step outcomes (`HandshakeStep`; `ReadStep`, the bytes written, or `IoStop`).
//! - `mbedtls28`: the mbedtls 2.28 TLS engine: config building and sharing, the context's private
//!   fields (handshake state, alerts, resumption verdict).
//! - `transport`, `timer`: the I/O and timer bridges mbedtls's bio/timer callbacks call.
//! - `rng`: the shared CTR-DRBG over the platform's entropy.
//! - `session`: the session cache (mbedtls session objects).
//! - `ciphers`: the suite facts (the SDK's ids, asked from the linked mbedtls's suite table) and
//!   the one-time fill of mbedtls's lazily built global tables.
//! - `certs`: certificate/key loading and the CA cache (parsed mbedtls certificate lists).
//! - `boundary`: panic containment for the callbacks mbedtls calls.
//! - `errors`: mbedtls error codes as the core's `Error` classes, and their text.
//! - `debug`: mbedtls's debug output into the log hook.
//! - `x509`: reads of parsed certificates (names for the host name check).
//! - `keylog`: the key-export hook (SSLKEYLOGFILE lines).
//! - `layout`: the check that the linked C mbedtls and the Rust bindings agree on the context's size.
//! - `iot` (feature `ext-items`): ALPN, max fragment length, the leaf key's digest for pinning, session (de)serialisation.
//! - `modern` (feature `tls13`): the rustls engine (TLS 1.2 + 1.3), `ModernSession`, same typed steps.
//!
//! tests/layers.rs fails when a core file outside this directory names mbedtls.

pub mod boundary;
pub mod certs;
pub mod ciphers;
pub mod conn;
pub mod conn28;
pub mod debug;
pub mod errors;
#[cfg(feature = "ext-items")]
pub mod iot;
#[cfg(any(feature = "std", feature = "keylog"))]
pub mod keylog;
pub mod layout;
pub mod mbedtls28;
#[cfg(feature = "tls13")]
pub mod modern;
pub mod rng;
pub mod session;
pub mod timer;
pub mod transport;
pub mod x509;

pub(crate) use conn::EngineSession;
pub(crate) use conn28::{flush_flight, HandshakeStep, IoStop, ReadStep};
pub(crate) use mbedtls28::*;

/// Set mbedtls's global debug threshold (here, not in `debug.rs`, which uses the log: the log
/// calls this, so no import circle).
///
/// # Safety
/// Writes mbedtls's global threshold (a plain int); the caller serialises concurrent setters.
#[cfg(any(feature = "std", feature = "tls-debug"))]
pub unsafe fn set_debug_threshold(threshold: core::ffi::c_int) {
    // SAFETY: a plain store into mbedtls's global; serialised by the caller.
    unsafe { mbedtls_sys::debug_set_threshold(threshold) };
}
