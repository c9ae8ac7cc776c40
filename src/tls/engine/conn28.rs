//! One connection on the mbedtls 2.28 engine: the mbedtls context (from the shared config, with
//! the connection's verification policy and DTLS timer) behind typed step outcomes, so that
//! `connection.rs` drives the handshake, reads and writes without naming mbedtls. Every mbedtls
//! error is classified here: into a retry (`WantRead`/`WantWrite`), an event (close_notify, a
//! fatal alert, the handshake timer) or a core `Error`.

use alloc::sync::Arc;

use mbedtls::error::codes;
use mbedtls::ssl::io::Io;
use mbedtls::ssl::Context;

#[allow(unused_imports)]
use crate::prelude::*;
use crate::tls::ciphers;
use crate::tls::engine::mbedtls28 as engine;
use crate::tls::error::{Error, Result};
use crate::tls::session::{self, CachedSession, SessionKey};
use crate::tls::settings::Settings;
use crate::tls::timer::{DtlsTimer, TimerState};
use crate::tls::transport::FdTransport;
use crate::tls::verify::VerifyPolicy;

/// What one handshake step found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HandshakeStep {
    /// The handshake is over.
    Done,
    /// The engine needs the socket readable (or, when the transport did not block, only to be
    /// called again).
    WantRead,
    /// As `WantRead`, for writing.
    WantWrite,
    /// The server's certificate chain has been processed (reported once per handshake, before the
    /// next state runs): the engine's verification flags, for the caller's policy to judge.
    CertificateSeen { verify_flags: u32 },
    /// One state further, and the engine's verdict on resumption (true: the server accepted the
    /// offered session); reported after every state once known, the last one is final.
    Resumed(bool),
    /// One state further, nothing to report.
    Advanced,
    /// The peer ended the handshake with a fatal alert (its description byte, when known).
    AlertReceived(Option<u8>),
    /// The engine's handshake timer ran out (DTLS retransmissions, or the transport's deadline).
    TimedOut,
    /// Any other failure, classified.
    Failed(Error),
}

/// What one read step found, when it did not stop (`IoStop`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ReadStep {
    /// `n` > 0 bytes of application data.
    Data(usize),
    /// A record that carries nothing for the caller (an empty record; a DTLS record discarded).
    /// The transport's end of stream tells a closed TCP connection apart.
    Nothing,
    /// The peer sent close_notify.
    ClosedByPeer,
}

/// Why a read or write step stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum IoStop {
    /// The engine needs the socket readable (or, when the transport did not block, only to be
    /// called again: a record that carried nothing, a refused HelloRequest).
    WantRead,
    /// As `WantRead`, for writing.
    WantWrite,
    /// The peer sent a fatal alert (its description byte, when known).
    Alert(Option<u8>),
    Failed(Error),
}

/// One connection's mbedtls context. Must be dropped before the transport it is bound to (or the
/// transport detached first): mbedtls's bio callbacks point at it.
pub(crate) struct Session28 {
    ctx: Context<FdTransport>,
    dtls: bool,
    /// What `engine::advance` keeps between steps: the certificate report, discarded DTLS records.
    progress: engine::Progress,
    /// Must outlive `ctx`: mbedtls's verify callback holds a pointer to it. Declared after it.
    _policy: Option<Arc<VerifyPolicy>>,
}

impl Session28 {
    /// A context from the (shared) mbedtls configuration for `settings`; every certificate and key
    /// is loaded here. `policy` becomes the context's verify callback, `timer` its DTLS timer.
    pub(crate) fn new(settings: &Settings, policy: Option<Arc<VerifyPolicy>>, timer: Option<TimerState>) -> Result<Self> {
        ciphers::init_mbedtls_globals();
        let config = engine::shared_config(settings)?;
        let mut ctx = Context::new(config);
        if let Some(p) = &policy {
            p.install(&mut ctx);
        }
        if let Some(t) = timer {
            ctx.set_timer_callback(Box::new(DtlsTimer(t)));
        }
        Ok(Session28 { ctx, dtls: settings.dtls, progress: engine::Progress::new(settings.dtls), _policy: policy })
    }

    #[inline]
    fn raw(&mut self) -> engine::RawContext {
        (&mut self.ctx).into()
    }

    /// Bind the context to its transport and, when given, the host name sent as SNI; offer the
    /// session cached under `cache_key` (true when one was offered).
    ///
    /// # Safety
    /// `transport` must outlive this session, or be detached before it is dropped.
    pub(crate) unsafe fn bind(
        &mut self,
        transport: &mut FdTransport,
        sni: Option<&core::ffi::CStr>,
        cache_key: Option<&SessionKey>,
    ) -> Result<bool> {
        let raw = self.raw();
        // SAFETY: our set-up context; the transport outlives it (the caller's contract).
        unsafe { engine::bind(raw, sni, transport)? };
        // SAFETY: set up, the handshake not started.
        Ok(cache_key.is_some_and(|k| unsafe { session::offer(k, raw) }))
    }

    /// Run the handshake by one state (or report where it stands).
    pub(crate) fn handshake_step(&mut self) -> HandshakeStep {
        let raw = self.raw();
        // SAFETY: our set-up context, bound to its transport (`bind` precedes every step).
        match unsafe { engine::advance(raw, &mut self.progress) } {
            Ok(engine::Step::Done) => HandshakeStep::Done,
            Ok(engine::Step::ServerCertificate { verify_flags }) => HandshakeStep::CertificateSeen { verify_flags },
            Ok(engine::Step::Advanced { resumed: Some(r) }) => HandshakeStep::Resumed(r),
            Ok(engine::Step::Advanced { resumed: None }) => HandshakeStep::Advanced,
            #[cfg(feature = "ext-items")]
            Ok(engine::Step::MaxFragLenIgnored) => {
                // SAFETY: as above.
                unsafe { engine::send_fatal_alert(raw, engine::ALERT_HANDSHAKE_FAILURE) };
                HandshakeStep::Failed(Error::Handshake(
                    "the server did not accept QL_SSL_CONF_MAX_FRAG_LEN (no max_fragment_length in its ServerHello): \
                     its records could exceed the shrunk buffers, docs/IOT.md"
                        .into(),
                ))
            }
            Err(e) => match e.high_level() {
                Some(codes::SslWantRead) => HandshakeStep::WantRead,
                Some(codes::SslWantWrite) => HandshakeStep::WantWrite,
                Some(codes::SslTimeout) => HandshakeStep::TimedOut,
                Some(codes::SslFatalAlertMessage) => HandshakeStep::AlertReceived(self.received_alert()),
                _ => HandshakeStep::Failed(Error::from_handshake(&e)),
            },
        }
    }

    /// The verification policy refused the server's chain: send the bad_certificate alert.
    pub(crate) fn refuse_certificate(&mut self) {
        let raw = self.raw();
        // SAFETY: our set-up context, bound to its transport.
        unsafe { engine::send_fatal_alert(raw, engine::ALERT_BAD_CERTIFICATE) };
    }

    /// After the handshake: keep the session under `key` in the session cache.
    pub(crate) fn store_session(&mut self, key: SessionKey) {
        let raw = self.raw();
        // SAFETY: a context whose handshake completed.
        if let Some(sess) = unsafe { CachedSession::from_context(raw) } {
            session::store(key, sess);
        }
    }

    #[cfg(feature = "ext-items")]
    /// Offer a session the session store saved (docs/IOT.md) instead of a cached one.
    pub(crate) fn offer_saved_session(&mut self, saved: &[u8]) -> core::result::Result<(), String> {
        let raw = self.raw();
        // SAFETY: our set-up context; the handshake not started (called from `bind`'s caller).
        unsafe { crate::tls::engine::iot::offer_saved_session(raw, saved) }
    }

    #[cfg(feature = "ext-items")]
    /// SHA-256 of the server's leaf SubjectPublicKeyInfo, once its certificate has been seen.
    pub(crate) fn leaf_key_digest(&mut self) -> Option<[u8; crate::tls::iot::PIN_LEN]> {
        let raw = self.raw();
        // SAFETY: our context, past the server's Certificate message (or None inside).
        unsafe { crate::tls::engine::iot::leaf_key_digest(raw) }
    }

    #[cfg(feature = "ext-items")]
    /// After a full handshake: the session serialised for the session store, and its ticket
    /// lifetime in seconds (0 = none given).
    pub(crate) fn saved_session(&mut self) -> Option<(Vec<u8>, u32)> {
        let raw = self.raw();
        // SAFETY: a context whose handshake completed.
        unsafe { crate::tls::engine::iot::save_session(raw).map(|s| (s, crate::tls::engine::iot::ticket_lifetime(raw))) }
    }

    #[cfg(feature = "ext-items")]
    /// The ALPN protocol the server selected; the name lives in the shared configuration, which
    /// this session keeps alive.
    pub(crate) fn negotiated_alpn(&mut self) -> Option<&core::ffi::CStr> {
        let raw = self.raw();
        // SAFETY: our context; the returned name borrows from its configuration's ALPN list.
        unsafe { crate::tls::engine::iot::negotiated_alpn(raw) }
    }

    fn received_alert(&mut self) -> Option<u8> {
        let raw = self.raw();
        // SAFETY: our context, whose last call returned MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE.
        unsafe { engine::received_alert(raw) }
    }

    /// A read served from the record already decrypted, touching no socket (`read_decrypted`):
    /// the caller has checked that the connection is established, open, TLS (stream) and without
    /// renegotiation.
    #[inline]
    pub(crate) fn read_decrypted(&mut self, buf: &mut [u8]) -> Option<usize> {
        let raw = self.raw();
        // SAFETY: our established context (the caller's check), under the connection's lock.
        unsafe { engine::read_decrypted(raw, buf) }
    }

    /// One read of application data.
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> core::result::Result<ReadStep, IoStop> {
        match Io::recv(&mut self.ctx, buf) {
            Ok(0) => Ok(ReadStep::Nothing),
            Ok(n) => Ok(ReadStep::Data(n)),
            Err(e) => match e.high_level() {
                Some(codes::SslPeerCloseNotify) => Ok(ReadStep::ClosedByPeer),
                // RFC 6347 §4.1.2.7, as in `engine::advance`: the record is discarded, the
                // association goes on.
                Some(codes::SslInvalidRecord) if self.dtls => Ok(ReadStep::Nothing),
                _ => Err(self.io_stop(&e, Error::from_read)),
            },
        }
    }

    /// One write of at most one record's plaintext: the bytes taken.
    pub(crate) fn write(&mut self, buf: &[u8]) -> core::result::Result<usize, IoStop> {
        Io::send(&mut self.ctx, buf).map_err(|e| self.io_stop(&e, Error::from_write))
    }

    /// An mbedtls error of a read or write as an `IoStop`; `classify` names the other failures.
    fn io_stop(&mut self, e: &mbedtls::Error, classify: fn(&mbedtls::Error) -> Error) -> IoStop {
        match e.high_level() {
            Some(codes::SslWantRead) => IoStop::WantRead,
            Some(codes::SslWantWrite) => IoStop::WantWrite,
            Some(codes::SslFatalAlertMessage) => IoStop::Alert(self.received_alert()),
            _ => IoStop::Failed(classify(e)),
        }
    }

    /// Send close_notify (WantRead/WantWrite: not yet out).
    pub(crate) fn close_notify(&mut self) -> Result<()> {
        let raw = self.raw();
        // SAFETY: our set-up context, bound to its transport.
        unsafe { engine::close_notify(raw) }.map_err(|e| Error::from_write(&e))
    }

    /// Decrypted bytes held for the next reads.
    pub(crate) fn bytes_available(&self) -> usize {
        self.ctx.bytes_available()
    }

    /// The negotiated protocol ("TLSv1.2", "DTLSv1.2", ...), once established.
    pub(crate) fn version_name(&mut self) -> Option<&'static str> {
        let raw = self.raw();
        // SAFETY: an established context (the caller's check).
        unsafe { engine::version_name(raw) }
    }

    /// The negotiated suite's name, once established.
    pub(crate) fn suite_name(&mut self) -> Option<&'static str> {
        let raw = self.raw();
        // SAFETY: as above.
        unsafe { engine::suite_name(raw) }
    }

    /// The negotiated suite's id, once established.
    pub(crate) fn ciphersuite(&self) -> Option<u16> {
        self.ctx.ciphersuite().ok()
    }
}

/// Send what the transport collected of the last flight: `Done` once it is out, otherwise how
/// the send stopped, in handshake terms.
pub(crate) fn flush_flight(transport: &mut FdTransport) -> HandshakeStep {
    match transport.flush() {
        Ok(()) => HandshakeStep::Done,
        Err(e) => match e.high_level() {
            Some(codes::SslWantRead) => HandshakeStep::WantRead,
            Some(codes::SslWantWrite) => HandshakeStep::WantWrite,
            Some(codes::SslTimeout) => HandshakeStep::TimedOut,
            _ => HandshakeStep::Failed(Error::from_handshake(&e)),
        },
    }
}

impl Drop for Session28 {
    fn drop(&mut self) {
        // The wrapper's Drop calls mbedtls_ssl_close_notify, which would encrypt an alert record
        // (~3 K instructions, as much as the application's own close_notify) only for the
        // detached transport to refuse it. `skip_close_notify_on_free` skips the wasted record.
        let raw = self.raw();
        // SAFETY: our context, freed right after this (the field drops); nothing reads its state
        // in between.
        unsafe { engine::skip_close_notify_on_free(raw) };
    }
}
