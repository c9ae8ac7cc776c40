//! The modern engine (feature `tls13`, prototype; docs/ENGINES.md): rustls 0.23 + ring for
//! TLS 1.3, beside the mbedtls 2.28 engine (`engine/mbedtls28.rs`). `connection.rs` picks it at setup when
//! the configuration asks for TLS 1.3 (`QL_SSL_CONF_VERSION` = `VERSION_TLS13`) and drives it
//! through the same phases, socket transport (`transport.rs`: deadlines, non-blocking) and wait
//! plans as the 2.28 engine. rustls's *unbuffered* client is used (the API that also exists
//! without std): bytes in, bytes out, typed outcomes (`Step`) like `engine::advance`.
//!
//! Prototype limits (docs/ENGINES.md, "Plan"): server verification against the configured CAs
//! only (no ignore bits, no VERIFY_NULL), no client certificate, session resumption through a
//! shared rustls configuration per `ql_ssl_config` (not yet `session.rs`), TLS only.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ffi::c_int;

use mbedtls::error::codes;
use mbedtls::ssl::io::Io;
use rustls::client::UnbufferedClientConnection;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::unbuffered::{ConnectionState, EncodeError, EncryptError};
use rustls::{ClientConfig, HandshakeKind, ProtocolVersion, RootCertStore};

#[allow(unused_imports)]
use crate::prelude::*;
use crate::platform::sync::{Lazy, Mutex};
use crate::tls::certs;
use crate::tls::error::{Error, Result};
use crate::tls::settings::Settings;
use crate::tls::transport::FdTransport;

/// `QL_SSL_CONF_VERSION` value that selects this engine: TLS 1.3 exactly. The first value after
/// the vendor's `QL_SSL_VERSION_ALL` (4); docs/ENGINES.md, "ABI extension for TLS 1.3".
pub(crate) const VERSION_TLS13: c_int = 5;

/// Configurations kept for session resumption: connections of one `ql_ssl_config` with the
/// session cache on share one rustls configuration, whose in-memory store holds the server's
/// TLS 1.2 sessions and TLS 1.3 tickets (per server name). Keyed by the config's handle and its
/// CA sources, so a changed CA list builds a new one. Bounded (`SHARED_CONFIGS`), newest first.
/// (Prototype: `session.rs`'s cache is the plan's home for this, docs/ENGINES.md step 4.)
type SharedKey = (c_int, Vec<Vec<u8>>, Vec<Vec<u8>>);
static SHARED: Lazy<Mutex<Vec<(SharedKey, Arc<ClientConfig>)>>> = Lazy::new(|| Mutex::new(Vec::new()));
const SHARED_CONFIGS: usize = 8;

/// The rustls configuration for a connection's settings (built at `ql_ssl_setup`).
pub(crate) fn client_config(s: &Settings) -> Result<Arc<ClientConfig>> {
    if !s.session_cache {
        return build_config(s);
    }
    let key: SharedKey = (s.config_handle, s.ca_paths.iter().map(|p| p.as_bytes().to_vec()).collect(), s.ca_buffers.clone());
    if let Some((_, c)) = SHARED.lock().iter().find(|(k, _)| *k == key) {
        return Ok(c.clone());
    }
    let config = build_config(s)?;
    let mut shared = SHARED.lock();
    shared.insert(0, (key, config.clone()));
    shared.truncate(SHARED_CONFIGS);
    Ok(config)
}

fn build_config(s: &Settings) -> Result<Arc<ClientConfig>> {
    if s.dtls {
        return Err(Error::BadRequest("TLS 1.3 (version 5) is TLS only: no DTLS 1.3".into()));
    }
    if s.auth_mode == 0 {
        return Err(Error::BadRequest("the TLS 1.3 engine prototype verifies the server: set QL_SSL_CONF_AUTHMODE and a CA".into()));
    }
    let mut roots = RootCertStore::empty();
    let files = s.ca_paths.iter().map(|p| certs::read_ca_file(p)).collect::<Result<Vec<_>>>()?;
    for data in files.iter().chain(s.ca_buffers.iter()) {
        if data.windows(11).any(|w| w == b"-----BEGIN ") {
            for cert in CertificateDer::pem_slice_iter(data) {
                let cert = cert.map_err(|e| Error::BadRequest(format!("CA certificate: {e}")))?;
                roots.add(cert).map_err(|e| Error::BadRequest(format!("CA certificate: {e}")))?;
            }
        } else {
            roots.add(CertificateDer::from(data.clone())).map_err(|e| Error::BadRequest(format!("CA certificate: {e}")))?;
        }
    }
    if roots.is_empty() {
        return Err(Error::BadRequest("server verification needs a CA certificate (QL_SSL_CONF_CACERT)".into()));
    }
    let mut config = ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|e| Error::Internal(format!("TLS 1.3 engine: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    if !s.session_cache {
        config.resumption = rustls::client::Resumption::disabled();
    }
    Ok(Arc::new(config))
}

/// The server name rustls checks the certificate against and sends as SNI.
pub(crate) fn server_name(host: Option<&str>) -> Result<ServerName<'static>> {
    let host = host.ok_or_else(|| Error::BadRequest("the TLS 1.3 engine needs the server's name (ql_ssl_set_hostname)".into()))?;
    ServerName::try_from(String::from(host)).map_err(|e| Error::BadRequest(format!("server name {host:?}: {e}")))
}

/// What a TLS failure of this engine is, in the core's terms.
pub(crate) fn error_of(e: &EngineError, handshake: bool) -> Error {
    match e {
        EngineError::Tls(e) if handshake => Error::Handshake(format!("TLS 1.3 engine: {e}")),
        EngineError::Tls(e) => Error::Decrypt(format!("TLS 1.3 engine: {e}")),
        EngineError::Io | EngineError::Eof => Error::SocketReset,
        EngineError::Closed => Error::WrongState("the TLS 1.3 connection is closed"),
    }
}

impl Transport for FdTransport {
    fn send(&mut self, data: &[u8]) -> core::result::Result<usize, IoError> {
        match Io::send(self, data) {
            Ok(n) if n > 0 => Ok(n),
            Ok(_) => Err(IoError::Failed),
            Err(e) if matches!(e.high_level(), Some(codes::SslWantRead) | Some(codes::SslWantWrite)) => Err(IoError::WouldBlock),
            Err(_) => Err(IoError::Failed),
        }
    }
    fn recv(&mut self, buf: &mut [u8]) -> core::result::Result<usize, IoError> {
        match Io::recv(self, buf) {
            Ok(n) => Ok(n),
            Err(e) if matches!(e.high_level(), Some(codes::SslWantRead) | Some(codes::SslWantWrite)) => Err(IoError::WouldBlock),
            Err(_) => Err(IoError::Failed),
        }
    }
}

/// What the socket said.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum IoError {
    /// Non-blocking socket, nothing now (mbedtls: WANT_READ / WANT_WRITE).
    WouldBlock,
    /// Any other failure.
    Failed,
}

/// The socket as the engine sees it: `tls/engine/transport.rs` (std) or the hook table (bare metal).
pub(crate) trait Transport {
    /// Bytes taken (> 0), or an error.
    fn send(&mut self, data: &[u8]) -> core::result::Result<usize, IoError>;
    /// Bytes read; 0 = the peer closed TCP.
    fn recv(&mut self, buf: &mut [u8]) -> core::result::Result<usize, IoError>;
}

/// Outcome of a call that may have to wait for the socket.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step<T> {
    Done(T),
    WantRead,
    WantWrite,
}

#[derive(Debug)]
pub(crate) enum EngineError {
    /// TLS said no (alert sent or received, verification failure, decode error, ...).
    Tls(rustls::Error),
    /// The socket failed.
    Io,
    /// TCP closed without close_notify.
    Eof,
    /// close_notify received, or the connection is closed.
    Closed,
}

/// What to pump the state machine for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Goal {
    Handshake,
    /// Application data (or the peer's close).
    Read,
    /// The state in which data may be encrypted.
    Write,
}

enum Action {
    Continue,
    NeedRead,
    Reached,
    Fail(EngineError),
}

pub(crate) struct ModernConnection {
    conn: UnbufferedClientConnection,
    /// Received TLS bytes not yet consumed by rustls.
    incoming: Vec<u8>,
    in_len: usize,
    /// Encoded TLS bytes not yet sent: `outgoing[out_start..out_end]`.
    outgoing: Vec<u8>,
    out_start: usize,
    out_end: usize,
    /// Decrypted application data not yet handed out.
    plaintext: Vec<u8>,
    plain_pos: usize,
    peer_closed: bool,
}

const RECORD: usize = 16 * 1024 + 256;

impl ModernConnection {
    pub(crate) fn new(config: Arc<ClientConfig>, host: ServerName<'static>) -> core::result::Result<Self, rustls::Error> {
        Ok(ModernConnection {
            conn: UnbufferedClientConnection::new(config, host)?,
            incoming: alloc::vec![0; 4096],
            in_len: 0,
            outgoing: alloc::vec![0; 4096],
            out_start: 0,
            out_end: 0,
            plaintext: Vec::new(),
            plain_pos: 0,
            peer_closed: false,
        })
    }

    /// Drives the handshake as far as the socket allows.
    pub(crate) fn handshake(&mut self, io: &mut dyn Transport) -> core::result::Result<Step<()>, EngineError> {
        self.pump(io, Goal::Handshake)
    }

    /// Up to `buf.len()` bytes of application data; `Done(0)` after the peer's close_notify.
    pub(crate) fn read(&mut self, io: &mut dyn Transport, buf: &mut [u8]) -> core::result::Result<Step<usize>, EngineError> {
        loop {
            if self.plain_pos < self.plaintext.len() {
                let n = buf.len().min(self.plaintext.len() - self.plain_pos);
                buf[..n].copy_from_slice(&self.plaintext[self.plain_pos..self.plain_pos + n]);
                self.plain_pos += n;
                if self.plain_pos == self.plaintext.len() {
                    self.plaintext.clear();
                    self.plain_pos = 0;
                }
                return Ok(Step::Done(n));
            }
            if self.peer_closed {
                return Ok(Step::Done(0));
            }
            match self.pump(io, Goal::Read)? {
                Step::Done(()) => continue,
                other => return Ok(map_step(other)),
            }
        }
    }

    /// Encrypts all of `data` (one call = one or more records) and sends what the socket takes;
    /// the rest goes with the next call (`flush`).
    pub(crate) fn write(&mut self, io: &mut dyn Transport, data: &[u8]) -> core::result::Result<Step<usize>, EngineError> {
        if self.out_start < self.out_end {
            match self.flush(io)? {
                Step::Done(()) => {}
                other => return Ok(map_step(other)),
            }
        }
        match self.pump(io, Goal::Write)? {
            Step::Done(()) => {}
            other => return Ok(map_step(other)),
        }
        self.with_write_traffic(|w, out| w.encrypt(data, out))?;
        // The bytes are ours now: a blocked send is finished by the next call.
        let _ = self.flush(io)?;
        Ok(Step::Done(data.len()))
    }

    /// Queues and sends close_notify.
    pub(crate) fn close_notify(&mut self, io: &mut dyn Transport) -> core::result::Result<Step<()>, EngineError> {
        match self.pump(io, Goal::Write)? {
            Step::Done(()) => {}
            other => return Ok(map_step(other)),
        }
        self.with_write_traffic(|w, out| w.queue_close_notify(out))?;
        self.flush(io)
    }

    /// Decrypted bytes waiting for `read` (`ql_ssl_get_bytes_avail`).
    pub(crate) fn buffered(&self) -> usize {
        self.plaintext.len() - self.plain_pos
    }

    pub(crate) fn resumed(&self) -> bool {
        self.conn.handshake_kind() == Some(HandshakeKind::Resumed)
    }

    /// IANA id of the negotiated suite (what `ql_ssl_get_ciphersuite` reports).
    pub(crate) fn ciphersuite(&self) -> Option<u16> {
        self.conn.negotiated_cipher_suite().map(|s| u16::from(s.suite()))
    }

    pub(crate) fn protocol_version(&self) -> Option<&'static str> {
        match self.conn.protocol_version()? {
            ProtocolVersion::TLSv1_3 => Some("TLSv1.3"),
            ProtocolVersion::TLSv1_2 => Some("TLSv1.2"),
            _ => Some("unknown"),
        }
    }

    /// Runs `f` on the write-traffic state, growing the output buffer until the records fit.
    fn with_write_traffic(
        &mut self,
        mut f: impl FnMut(&mut rustls::unbuffered::WriteTraffic<'_, rustls::client::ClientConnectionData>, &mut [u8]) -> core::result::Result<usize, EncryptError>,
    ) -> core::result::Result<(), EngineError> {
        loop {
            let status = self.conn.process_tls_records(&mut self.incoming[..self.in_len]);
            let discard = status.discard;
            let result = match status.state {
                Ok(ConnectionState::WriteTraffic(mut w)) => f(&mut w, &mut self.outgoing[self.out_end..]),
                Ok(_) => return Err(EngineError::Closed),
                Err(e) => return Err(EngineError::Tls(e)),
            };
            self.discard(discard);
            match result {
                Ok(n) => {
                    self.out_end += n;
                    return Ok(());
                }
                Err(EncryptError::InsufficientSize(s)) => {
                    let need = self.out_end + s.required_size;
                    self.outgoing.resize(need, 0);
                }
                Err(EncryptError::EncryptExhausted) => return Err(EngineError::Closed),
            }
        }
    }

    /// Collects what rustls still has to send after a failure (its fatal alert), a few turns at most.
    fn queue_alert(&mut self) {
        for _ in 0..4 {
            let status = self.conn.process_tls_records(&mut self.incoming[..0]);
            match status.state {
                Ok(ConnectionState::EncodeTlsData(mut e)) => {
                    if self.outgoing.len() < self.out_end + 64 {
                        self.outgoing.resize(self.out_end + 64, 0);
                    }
                    match e.encode(&mut self.outgoing[self.out_end..]) {
                        Ok(n) => self.out_end += n,
                        Err(_) => return,
                    }
                }
                Ok(ConnectionState::TransmitTlsData(t)) => t.done(),
                _ => return,
            }
        }
    }

    fn discard(&mut self, n: usize) {
        if n > 0 {
            self.incoming.copy_within(n..self.in_len, 0);
            self.in_len -= n;
        }
    }

    /// Sends pending output; `WantWrite` while the socket takes nothing.
    fn flush(&mut self, io: &mut dyn Transport) -> core::result::Result<Step<()>, EngineError> {
        while self.out_start < self.out_end {
            match io.send(&self.outgoing[self.out_start..self.out_end]) {
                Ok(n) => self.out_start += n,
                Err(IoError::WouldBlock) => return Ok(Step::WantWrite),
                Err(IoError::Failed) => return Err(EngineError::Io),
            }
        }
        self.out_start = 0;
        self.out_end = 0;
        Ok(Step::Done(()))
    }

    /// The state machine until `goal` is reached or the socket would block.
    fn pump(&mut self, io: &mut dyn Transport, goal: Goal) -> core::result::Result<Step<()>, EngineError> {
        // Bounded: every turn either consumes input, produces output or returns.
        for _ in 0..10_000 {
            if let Step::WantWrite = self.flush(io)? {
                return Ok(Step::WantWrite);
            }
            let status = self.conn.process_tls_records(&mut self.incoming[..self.in_len]);
            let discard = status.discard;
            let action = match status.state {
                Err(e) => Action::Fail(EngineError::Tls(e)),
                Ok(ConnectionState::EncodeTlsData(mut e)) => match e.encode(&mut self.outgoing[self.out_end..]) {
                    Ok(n) => {
                        self.out_end += n;
                        Action::Continue
                    }
                    Err(EncodeError::InsufficientSize(s)) => {
                        let need = self.out_end + s.required_size;
                        self.outgoing.resize(need, 0);
                        Action::Continue
                    }
                    Err(_) => Action::Continue,
                },
                // The bytes are in `outgoing`; they leave at the top of the next turn, before any read.
                Ok(ConnectionState::TransmitTlsData(t)) => {
                    t.done();
                    Action::Continue
                }
                Ok(ConnectionState::BlockedHandshake) => Action::NeedRead,
                Ok(ConnectionState::ReadTraffic(mut r)) => {
                    let mut failed = None;
                    while let Some(rec) = r.next_record() {
                        match rec {
                            Ok(rec) => self.plaintext.extend_from_slice(rec.payload),
                            Err(e) => {
                                failed = Some(e);
                                break;
                            }
                        }
                    }
                    match failed {
                        Some(e) => Action::Fail(EngineError::Tls(e)),
                        None if goal == Goal::Read => Action::Reached,
                        None => Action::Continue,
                    }
                }
                Ok(ConnectionState::WriteTraffic(_)) => match goal {
                    Goal::Read if self.plain_pos >= self.plaintext.len() => Action::NeedRead,
                    _ => Action::Reached,
                },
                Ok(ConnectionState::PeerClosed) | Ok(ConnectionState::Closed) => {
                    self.peer_closed = true;
                    match goal {
                        Goal::Read => Action::Reached,
                        _ => Action::Fail(EngineError::Closed),
                    }
                }
                Ok(_) => Action::Continue,
            };
            self.discard(discard);
            match action {
                Action::Continue => {}
                Action::Reached => return Ok(Step::Done(())),
                Action::Fail(e) => {
                    // The fatal alert rustls queued for this failure (bad_certificate, ...) is
                    // handed out by the next call(s); it goes out best effort, then the error.
                    self.queue_alert();
                    let _ = self.flush(io);
                    return Err(e);
                }
                Action::NeedRead => {
                    if let Step::WantWrite = self.flush(io)? {
                        return Ok(Step::WantWrite);
                    }
                    if self.in_len == self.incoming.len() {
                        let grown = (self.incoming.len() * 2).min(2 * RECORD).max(self.in_len + 1);
                        self.incoming.resize(grown, 0);
                    }
                    match io.recv(&mut self.incoming[self.in_len..]) {
                        Ok(0) => return Err(EngineError::Eof),
                        Ok(n) => self.in_len += n,
                        Err(IoError::WouldBlock) => return Ok(Step::WantRead),
                        Err(IoError::Failed) => return Err(EngineError::Io),
                    }
                }
            }
        }
        Err(EngineError::Io)
    }
}

fn map_step<T, U>(s: Step<T>) -> Step<U> {
    match s {
        Step::Done(_) => unreachable!("only waits are mapped"),
        Step::WantRead => Step::WantRead,
        Step::WantWrite => Step::WantWrite,
    }
}
