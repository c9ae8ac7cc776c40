//! One connection on whichever engine serves it: the typed step API `connection.rs` drives
//! (`HandshakeStep`; `ReadStep`, the bytes written, or `IoStop`). The engine is picked once, at
//! setup, from the configuration alone (docs/ENGINES.md, "Routing"): mbedtls 2.28 (`conn28.rs`)
//! or, with feature `tls13`, rustls (`modern.rs`). A two-variant enum, the rustls variant boxed:
//! the 2.28 session stays inline and each call costs it one discriminant test (none without the
//! feature, where the enum has one variant).

use alloc::sync::Arc;
use core::ffi::CStr;

#[allow(unused_imports)]
use crate::prelude::*;
use crate::tls::engine::conn28::{HandshakeStep, IoStop, ReadStep, Session28};
#[cfg(feature = "tls13")]
use crate::tls::engine::modern::{self, ModernSession};
use crate::tls::error::Result;
use crate::tls::session::SessionKey;
use crate::tls::settings::Settings;
use crate::tls::timer::TimerState;
use crate::tls::transport::FdTransport;
use crate::tls::verify::VerifyPolicy;

/// One connection's engine session. Must be dropped before the transport it is bound to (or the
/// transport detached first).
// The 2.28 variant is large on purpose: inline, so the 2.28 path pays no allocation or
// indirection for the second engine (the small variant is the boxed one).
#[allow(clippy::large_enum_variant)]
pub(crate) enum EngineSession {
    /// mbedtls 2.28.
    Legacy(Session28),
    /// rustls (TLS 1.2 + 1.3).
    #[cfg(feature = "tls13")]
    Modern(Box<ModernSession>),
}

/// Dispatch one call to the engine of the session (the same method name and arguments on both).
macro_rules! on_engine {
    ($self:expr, $s:ident => $call:expr) => {
        match $self {
            EngineSession::Legacy($s) => $call,
            #[cfg(feature = "tls13")]
            EngineSession::Modern($s) => $call,
        }
    };
}

impl EngineSession {
    /// The session for `settings` on the engine the routing rule picks; every certificate and key
    /// is loaded here. `policy` judges the server's chain (on either engine), `timer` is the DTLS
    /// timer (2.28 only: rustls has no DTLS).
    pub(crate) fn new(settings: &Settings, policy: Option<Arc<VerifyPolicy>>, timer: Option<TimerState>) -> Result<Self> {
        #[cfg(feature = "tls13")]
        if modern::serves(settings) {
            if let Some(why) = settings.iot.tls13_refusal() {
                // Only versions 5 and 6 get here with them (`serves` leaves an _ALL config that
                // sets them on 2.28): refused rather than connecting without them.
                return Err(crate::tls::error::Error::NotSupported(why));
            }
            match ModernSession::new(settings, policy.clone()) {
                // A client key rustls cannot sign with, found while loading it: an `_ALL`
                // configuration is then 2.28's, as one naming a legacy suite is (decided here,
                // from the configuration's key, before any byte is sent).
                Err(crate::tls::error::Error::NotSupported(why)) if why == modern::KEY_NOT_FOR_THIS_ENGINE && settings.version == modern::VERSION_ALL => {}
                r => return Ok(EngineSession::Modern(Box::new(r?))),
            }
        }
        Session28::new(settings, policy, timer).map(EngineSession::Legacy)
    }

    /// True on the rustls engine.
    pub(crate) fn is_modern(&self) -> bool {
        !matches!(self, EngineSession::Legacy(_))
    }

    /// Bind the session to its transport, the host name (sent as SNI when `sni`; the name the
    /// certificate is checked against either way) and the session cached under `cache_key` (true
    /// when one may be offered).
    ///
    /// # Safety
    /// `transport` must outlive this session, or be detached before it is dropped.
    pub(crate) unsafe fn bind(&mut self, transport: &mut FdTransport, host: Option<&CStr>, sni: bool, cache_key: Option<&SessionKey>) -> Result<bool> {
        match self {
            // SAFETY: the caller's contract, passed on.
            EngineSession::Legacy(s) => unsafe { s.bind(transport, host.filter(|_| sni), cache_key) },
            // SAFETY: as above.
            #[cfg(feature = "tls13")]
            EngineSession::Modern(s) => unsafe { s.bind(transport, host, cache_key) },
        }
    }

    #[inline]
    pub(crate) fn handshake_step(&mut self) -> HandshakeStep {
        on_engine!(self, s => s.handshake_step())
    }

    pub(crate) fn refuse_certificate(&mut self) {
        on_engine!(self, s => s.refuse_certificate())
    }

    pub(crate) fn store_session(&mut self, key: SessionKey) {
        on_engine!(self, s => s.store_session(key))
    }

    // The session store runs on the 2.28 engine only (`new` never routes a config with one to
    // rustls); rustls checks pins in its verifier (modern.rs `PolicyVerifier`), so the rustls
    // arms of the store and the leaf digest below are never taken.

    /// Offer a session the session store saved.
    #[cfg(feature = "ext-items")]
    pub(crate) fn offer_saved_session(&mut self, saved: &[u8]) -> core::result::Result<(), String> {
        match self {
            EngineSession::Legacy(s) => s.offer_saved_session(saved),
            #[cfg(feature = "tls13")]
            EngineSession::Modern(_) => Err("the session store is not available on the TLS 1.3 engine".into()),
        }
    }

    /// SHA-256 of the server's leaf SubjectPublicKeyInfo (pinning).
    #[cfg(feature = "ext-items")]
    pub(crate) fn leaf_key_digest(&mut self) -> Option<[u8; crate::tls::iot::PIN_LEN]> {
        match self {
            EngineSession::Legacy(s) => s.leaf_key_digest(),
            #[cfg(feature = "tls13")]
            EngineSession::Modern(_) => None,
        }
    }

    /// The session serialised for the session store, and its ticket lifetime.
    #[cfg(feature = "ext-items")]
    pub(crate) fn saved_session(&mut self) -> Option<(Vec<u8>, u32)> {
        match self {
            EngineSession::Legacy(s) => s.saved_session(),
            #[cfg(feature = "tls13")]
            EngineSession::Modern(_) => None,
        }
    }

    /// The ALPN protocol the server selected.
    #[cfg(feature = "ext-items")]
    pub(crate) fn negotiated_alpn(&mut self) -> Option<&CStr> {
        match self {
            EngineSession::Legacy(s) => s.negotiated_alpn(),
            #[cfg(feature = "tls13")]
            EngineSession::Modern(s) => s.negotiated_alpn(),
        }
    }

    #[inline]
    pub(crate) fn read_decrypted(&mut self, buf: &mut [u8]) -> Option<usize> {
        on_engine!(self, s => s.read_decrypted(buf))
    }

    #[inline]
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> core::result::Result<ReadStep, IoStop> {
        on_engine!(self, s => s.read(buf))
    }

    #[inline]
    pub(crate) fn write(&mut self, buf: &[u8]) -> core::result::Result<usize, IoStop> {
        on_engine!(self, s => s.write(buf))
    }

    pub(crate) fn close_notify(&mut self) -> Result<()> {
        on_engine!(self, s => s.close_notify())
    }

    pub(crate) fn bytes_available(&self) -> usize {
        on_engine!(self, s => s.bytes_available())
    }

    pub(crate) fn version_name(&mut self) -> Option<&'static str> {
        on_engine!(self, s => s.version_name())
    }

    pub(crate) fn suite_name(&mut self) -> Option<&'static str> {
        on_engine!(self, s => s.suite_name())
    }

    pub(crate) fn ciphersuite(&self) -> Option<u16> {
        on_engine!(self, s => s.ciphersuite())
    }
}
