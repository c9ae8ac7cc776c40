//! Prototype of the modern engine's core as plan step 2 of docs/ENGINES.md puts it behind
//! `src/tls/engine.rs`: rustls's *unbuffered* client (the API that also exists without std) driven
//! over a transport we own, with typed outcomes like the 2.28 engine's `advance`:
//! `Step::Done`, or `WantRead` / `WantWrite` when the socket would block (the caller waits with its
//! own deadlines, as `connection.rs` does with `wait_plan`, and calls again). Only `alloc` is used
//! here; the transport is a trait, so the same code runs over `tls/transport.rs` on Linux and over
//! the hook table on bare metal.

extern crate alloc;

use alloc::sync::Arc;
use alloc::vec::Vec;

use rustls::client::UnbufferedClientConnection;
use rustls::pki_types::ServerName;
use rustls::unbuffered::{ConnectionState, EncodeError, EncryptError};
use rustls::{ClientConfig, HandshakeKind, ProtocolVersion};



/// What the socket said.
#[derive(Debug, PartialEq, Eq)]
pub enum IoError {
    /// Non-blocking socket, nothing now (mbedtls: WANT_READ / WANT_WRITE).
    WouldBlock,
    /// Any other failure.
    Failed,
}

/// The socket as the engine sees it: `tls/transport.rs` (std) or the hook table (bare metal).
pub trait Transport {
    /// Bytes taken (> 0), or an error.
    fn send(&mut self, data: &[u8]) -> Result<usize, IoError>;
    /// Bytes read; 0 = the peer closed TCP.
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, IoError>;
}

/// Outcome of a call that may have to wait for the socket.
#[derive(Debug, PartialEq, Eq)]
pub enum Step<T> {
    Done(T),
    WantRead,
    WantWrite,
}

#[derive(Debug)]
pub enum EngineError {
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

pub struct ModernConnection {
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
    pub fn new(config: Arc<ClientConfig>, host: ServerName<'static>) -> Result<Self, rustls::Error> {
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
    pub fn handshake(&mut self, io: &mut dyn Transport) -> Result<Step<()>, EngineError> {
        self.pump(io, Goal::Handshake)
    }

    /// Up to `buf.len()` bytes of application data; `Done(0)` after the peer's close_notify.
    pub fn read(&mut self, io: &mut dyn Transport, buf: &mut [u8]) -> Result<Step<usize>, EngineError> {
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
    pub fn write(&mut self, io: &mut dyn Transport, data: &[u8]) -> Result<Step<usize>, EngineError> {
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
    pub fn close_notify(&mut self, io: &mut dyn Transport) -> Result<Step<()>, EngineError> {
        match self.pump(io, Goal::Write)? {
            Step::Done(()) => {}
            other => return Ok(map_step(other)),
        }
        self.with_write_traffic(|w, out| w.queue_close_notify(out))?;
        self.flush(io)
    }

    pub fn resumed(&self) -> bool {
        self.conn.handshake_kind() == Some(HandshakeKind::Resumed)
    }

    /// IANA id of the negotiated suite (what `ql_ssl_get_ciphersuite` reports).
    pub fn ciphersuite(&self) -> Option<u16> {
        self.conn.negotiated_cipher_suite().map(|s| u16::from(s.suite()))
    }

    pub fn protocol_version(&self) -> Option<&'static str> {
        match self.conn.protocol_version()? {
            ProtocolVersion::TLSv1_3 => Some("TLSv1.3"),
            ProtocolVersion::TLSv1_2 => Some("TLSv1.2"),
            _ => Some("unknown"),
        }
    }

    /// Runs `f` on the write-traffic state, growing the output buffer until the records fit.
    fn with_write_traffic(
        &mut self,
        mut f: impl FnMut(&mut rustls::unbuffered::WriteTraffic<'_, rustls::client::ClientConnectionData>, &mut [u8]) -> Result<usize, EncryptError>,
    ) -> Result<(), EngineError> {
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
    fn flush(&mut self, io: &mut dyn Transport) -> Result<Step<()>, EngineError> {
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
    fn pump(&mut self, io: &mut dyn Transport, goal: Goal) -> Result<Step<()>, EngineError> {
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
