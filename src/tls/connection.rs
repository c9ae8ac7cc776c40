//! One TLS connection: the state machine behind a `ql_ssl_context` handle.
//!
//! New --setup--> Ready --handshake--> Handshaking --(done)--> Established --close_notify--> Closed
//!                                          \--(error/timeout)--> Failed
//! `set_socket_fd` and `set_hostname` are accepted in New and Ready (the SDK demo calls them before
//! setup, the newer header after); the socket and name are bound when the handshake starts.

use core::ffi::c_int;
use alloc::ffi::CString;
use alloc::sync::Arc;
use core::time::Duration;

#[allow(unused_imports)]
use crate::prelude::*;
use crate::platform::{self, Dir, Instant};
use crate::tls::engine::{self, EngineSession, HandshakeStep, IoStop, ReadStep};
use crate::tls::settings::{Settings, TimeoutHook, MAX_HOSTNAME};
use crate::error::{alert_text, Error, Result};
use crate::gate::WaitPlan;
use crate::log::qlog;
use crate::session::SessionKey;
use crate::sockcheck;
use crate::timer::TimerState;
use crate::transport::{FdTransport, SocketEvent};
use crate::verify::VerifyPolicy;

/// Most bytes one `ql_ssl_write` takes: one TLS record's plaintext.
pub const MAX_WRITE: usize = 16384;

/// Most records without application data (empty records, warning alerts mbedtls passes up,
/// refused HelloRequests, dropped DTLS records) one `ql_ssl_read` consumes before it gives up on
/// the peer. Only a blocking socket can get here: a non-blocking one answers WANT_READ after its
/// slice (`transport::NONBLOCKING_READ_SLICE`).
const MAX_RECORDS_WITHOUT_DATA: u32 = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    New,
    Ready,
    Handshaking,
    Established,
    Closed,
    Failed,
}

/// The application's timeout callback, to be called once with the lock released.
#[derive(Clone, Copy)]
pub struct TimeoutNotice {
    pub hook: TimeoutHook,
}

/// What a connection still needs from its `Settings` once set up: certificates, keys, cipher list
/// and verification rules live in the mbedtls config and the verification policy by then. Keeping
/// the whole snapshot cost ~250 bytes per connection and a clone per handshake call.
#[derive(Clone, Copy)]
struct HandshakeSettings {
    config_handle: c_int,
    dtls: bool,
    sni: bool,
    session_cache: bool,
    negotiate_timeout_s: c_int,
    timeout_hook: Option<TimeoutHook>,
    /// Renegotiation allowed: a read may then start a handshake (see `read_buffered`).
    renegotiation: bool,
}

impl HandshakeSettings {
    fn of(s: &Settings) -> Self {
        HandshakeSettings {
            config_handle: s.config_handle,
            dtls: s.dtls,
            sni: s.sni,
            session_cache: s.session_cache,
            negotiate_timeout_s: s.negotiate_timeout_s,
            timeout_hook: s.timeout_hook,
            renegotiation: s.renegotiation,
        }
    }
}

pub struct Connection {
    phase: Phase,
    fd: Option<c_int>,
    /// What `fd` is, found when it was bound (checked against the transport once both are known).
    socket_kind: platform::SocketKind,
    hostname: Option<CString>,
    settings: Option<HandshakeSettings>,
    /// The engine's side of the connection (the mbedtls context).
    tls: Option<EngineSession>,
    /// The socket transport the engine's I/O callbacks point at. Declared after `tls` so it is
    /// dropped after it.
    transport: Option<Box<FdTransport>>,
    /// The verification policy (the engine session holds it as its verify callback too).
    policy: Option<Arc<VerifyPolicy>>,
    /// DTLS retransmission timer shared by the context and the transport (DTLS only: a TLS
    /// connection does not allocate one).
    timer: Option<TimerState>,
    timeout_reported: bool,
    peer_closed: bool,
    /// A cached session was offered in this handshake (resumption is then mbedtls's verdict, see `step`).
    offered_session: bool,
    resumed: bool,
    /// Why the connection failed; every later operation reports it again.
    failure: Option<Error>,
    /// Where this connection's session goes in the session cache (computed when the handshake starts).
    cache_key: Option<SessionKey>,
    /// `QL_SSL_CONF_PIN_SHA256`: the server's leaf key must hash to one of these (docs/IOT.md).
    pins: Vec<[u8; crate::tls::iot::PIN_LEN]>,
    /// `iot::PIN_MISMATCH` once the server's key matched no pin.
    pin_flags: u32,
    /// `QL_SSL_CONF_SESSION_STORE`: the file sessions are resumed from and saved to.
    #[cfg(feature = "ext-items")]
    store: Option<crate::tls::store::SessionStore>,
}

impl Default for Connection {
    fn default() -> Self {
        Self::new()
    }
}

impl Connection {
    pub fn new() -> Self {
        Connection {
            phase: Phase::New,
            fd: None,
            socket_kind: platform::SocketKind::Unknown,
            hostname: None,
            settings: None,
            tls: None,
            transport: None,
            policy: None,
            timer: None,
            timeout_reported: false,
            peer_closed: false,
            offered_session: false,
            resumed: false,
            failure: None,
            cache_key: None,
            pins: Vec::new(),
            pin_flags: 0,
            #[cfg(feature = "ext-items")]
            store: None,
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Enter the Failed phase with `err` (retry codes never fail a connection); returns `err`.
    fn fail(&mut self, err: Error) -> Error {
        if !matches!(err, Error::WantRead | Error::WantWrite) {
            self.phase = Phase::Failed;
            self.failure = Some(err.clone());
        }
        err
    }

    fn before_handshake(&self, what: &'static str) -> Result<()> {
        match self.phase {
            Phase::New | Phase::Ready => Ok(()),
            _ => Err(Error::WrongState(what)),
        }
    }

    /// A new API call on this connection: facts about the socket read during an earlier call
    /// (its blocking mode) are read again.
    pub fn begin_call(&self) {
        if let Some(t) = &self.transport {
            t.begin_call();
        }
    }

    pub fn set_socket_fd(&mut self, fd: c_int) -> Result<()> {
        self.before_handshake("the socket cannot change once the handshake has started")?;
        // Asked once per binding; a refused descriptor leaves an earlier binding as it was.
        let kind = sockcheck::descriptor_kind(fd)?;
        if let Some(why) = self.settings.and_then(|s| sockcheck::transport_mismatch(kind, s.dtls)) {
            return Err(Error::InvalidParam(why));
        }
        self.fd = Some(fd);
        self.socket_kind = kind;
        Ok(())
    }

    pub fn set_hostname(&mut self, name: &[u8]) -> Result<()> {
        self.before_handshake("the host name cannot change once the handshake has started")?;
        if name.is_empty() || name.len() > MAX_HOSTNAME {
            return Err(Error::InvalidParam("host name must be 1..=255 bytes"));
        }
        if core::str::from_utf8(name).is_err() {
            return Err(Error::InvalidParam("host name is not valid UTF-8"));
        }
        self.hostname = Some(CString::new(name).map_err(|_| Error::InvalidParam("host name contains NUL"))?);
        Ok(())
    }

    /// Build the mbedtls configuration from `settings`. Every certificate and key is loaded here, so
    /// a bad file is reported by `ql_ssl_setup()`, not in the middle of a handshake.
    pub fn setup(&mut self, settings: Settings) -> Result<()> {
        if self.phase != Phase::New {
            return Err(Error::WrongState("ql_ssl_setup() was already called on this context"));
        }
        // A socket bound before setup (the SDK's demo order) meets its transport here.
        if let Some(why) = self.fd.and_then(|_| sockcheck::transport_mismatch(self.socket_kind, settings.dtls)) {
            return Err(Error::BadRequest(format!("{why} (bound by ql_ssl_set_socket_fd() before ql_ssl_setup())")));
        }
        let policy = engine::verifies_server_certificate(settings.auth_mode, &settings.ciphers)
            .then(|| Arc::new(VerifyPolicy::from_settings(&settings)));
        let timer = settings.dtls.then(TimerState::default);
        // The engine is chosen here, from the configuration alone (docs/ENGINES.md, "Routing").
        let tls = EngineSession::new(&settings, policy.clone(), timer.clone())?;
        self.policy = policy;
        self.timer = timer;
        qlog!(
            DEBUG,
            "setup: {} on {}, verify server {}, SNI {}, session cache {}",
            if settings.dtls { "DTLS" } else { "TLS" },
            if tls.is_modern() { "rustls" } else { "mbedtls 2.28" },
            if self.policy.is_some() { "on" } else { "off" },
            if settings.sni { "on" } else { "off" },
            if settings.session_cache { "on" } else { "off" }
        );
        // The extension items (docs/IOT.md): without the feature they cannot be configured.
        #[cfg(feature = "ext-items")]
        {
            self.pins = settings.iot.pins.clone();
            self.store = match &settings.iot.session_store {
                Some(path) if settings.session_cache => {
                    Some(crate::tls::store::SessionStore::new(path.clone(), crate::tls::store::config_digest(&settings)))
                }
                Some(_) => {
                    qlog!(WARN, "setup: QL_SSL_CONF_SESSION_STORE is unused: QL_SSL_CONF_SESSION_CACHE is off");
                    None
                }
                None => None,
            };
        }
        self.tls = Some(tls);
        // Certificates and keys now live in the mbedtls config: keep only what the handshake needs.
        self.settings = Some(HandshakeSettings::of(&settings));
        self.phase = Phase::Ready;
        Ok(())
    }

    /// Drive the handshake as far as it goes without waiting for the socket. Returns the result
    /// and, when the negotiate timeout expired for the first time, the callback the caller must
    /// invoke after releasing the context lock. WANT_READ/WANT_WRITE on a blocking socket too: the
    /// caller waits (`wait_plan`) without the lock and calls `handshake_resume`.
    pub fn handshake(&mut self) -> (Result<()>, Option<TimeoutNotice>) {
        self.begin_call();
        self.handshake_resume()
    }

    /// `handshake` again within the same API call (the socket's mode is not read again).
    pub fn handshake_resume(&mut self) -> (Result<()>, Option<TimeoutNotice>) {
        match self.phase {
            Phase::New => return (Err(Error::WrongState("call ql_ssl_setup() before the handshake")), None),
            Phase::Established | Phase::Closed => return (Ok(()), None),
            Phase::Failed => {
                let err = self.failure.clone().unwrap_or(Error::Handshake("the handshake already failed".into()));
                return (Err(err), None);
            }
            Phase::Ready | Phase::Handshaking => {}
        }
        let settings = self.settings.expect("settings exist after setup");
        let result = if self.phase == Phase::Ready {
            let Some(fd) = self.fd else {
                return (Err(Error::BadRequest("call ql_ssl_set_socket_fd() before the handshake".into())), None);
            };
            let deadline = Instant::now() + Duration::from_secs(settings.negotiate_timeout_s as u64);
            self.phase = Phase::Handshaking;
            qlog!(
                INFO,
                "fd {fd}: handshake started (host {}, timeout {} s)",
                self.hostname.as_ref().and_then(|h| h.to_str().ok()).unwrap_or("not set"),
                settings.negotiate_timeout_s
            );
            match self.start(fd, deadline, &settings) {
                Ok(()) => self.drive(),
                Err(e) => return (Err(self.fail(e)), None),
            }
        } else {
            // Checked at every entry: a blocking socket's wait ends at the deadline (src/tls/gate.rs)
            // and comes back here; a non-blocking socket's application calls again.
            if self.transport.as_ref().is_some_and(|t| t.deadline_passed()) {
                return self.fail_timeout(&settings);
            }
            self.drive()
        };
        // The last flight may still sit in the transport: it leaves before the handshake counts as
        // done (a fatal alert after a failure is sent on a best-effort basis).
        let result = match (result, self.transport.as_mut()) {
            (HandshakeStep::Done, Some(t)) => engine::flush_flight(t),
            (r, Some(t)) => {
                let _ = engine::flush_flight(t);
                r
            }
            (r, None) => r,
        };
        match result {
            HandshakeStep::Done => {
                if let Some(t) = self.transport.as_mut() {
                    t.set_coalescing(false);
                    t.set_deadline(None);
                }
                self.phase = Phase::Established;
                self.after_established();
                (Ok(()), None)
            }
            end => {
                let event = self.transport.as_mut().map(|io| io.take_event());
                if event == Some(SocketEvent::DeadlineExpired) || end == HandshakeStep::TimedOut {
                    return self.fail_timeout(&settings);
                }
                let mut err = match end {
                    HandshakeStep::WantRead => Error::WantRead,
                    HandshakeStep::WantWrite => Error::WantWrite,
                    HandshakeStep::AlertReceived(alert) => Error::HandshakeAlert(alert),
                    HandshakeStep::Failed(e) => e,
                    // `drive` ends on none of the others.
                    // (A fixed text: formatting the step would link `Debug` of it and `Error`.)
                    _ => Error::Internal("the handshake stopped at an intermediate step".into()),
                };
                // Unforgiven certificate findings explain the failure better than the alert or
                // error they caused.
                let unforgiven = self.policy.as_ref().map_or(0, |p| p.unforgiven_flags()) | self.pin_flags;
                if matches!(err, Error::Handshake(_) | Error::HandshakeAlert(_)) && unforgiven != 0 {
                    err = Error::VerifyFailed { flags: unforgiven };
                }
                (Err(self.fail(err)), None)
            }
        }
    }

    fn session_key(&self, s: &HandshakeSettings) -> Option<SessionKey> {
        if !s.session_cache {
            return None;
        }
        let fd = self.fd?;
        let peer = platform::peer_addr(fd)?;
        Some(SessionKey {
            config: s.config_handle,
            peer,
            hostname: self.hostname.as_ref().and_then(|h| h.to_str().ok()).map(str::to_owned),
        })
    }

    /// Bind the socket, host name and cached session to the mbedtls context.
    fn start(&mut self, fd: c_int, deadline: Instant, s: &HandshakeSettings) -> Result<()> {
        if let Some(p) = &self.policy {
            // set_hostname() accepted only UTF-8.
            p.set_hostname(self.hostname.as_ref().and_then(|h| h.to_str().ok()).map(str::to_owned));
        }
        // Kept in place (offered below by reference, stored in the cache when the handshake is done).
        self.cache_key = self.session_key(s);
        let timer = self.timer.clone();
        let mut transport = Box::new(FdTransport::new(fd, Some(deadline), timer));
        // Datagrams must keep their boundaries; only a stream's flights are collected.
        transport.set_coalescing(!s.dtls);
        transport.set_datagram(s.dtls);
        // The engine sends the name as SNI only with `sni_enable`. The certificate name check is
        // ours (VerifyPolicy), with or without SNI. `set_hostname` already checked that it is
        // UTF-8 without NUL, so it is handed over as it is, without a copy.
        let host = self.hostname.as_deref();
        let tls = self.tls.as_mut().expect("context exists after setup");
        // SAFETY: the transport box lives in `self` next to the engine session and is only
        // dropped after it (field order, and Drop detaches it first).
        self.offered_session = unsafe { tls.bind(&mut transport, host, s.sni, self.cache_key.as_ref())? };
        if self.cache_key.is_some() {
            qlog!(DEBUG, "fd {fd}: {}", if self.offered_session { "offering a cached session" } else { "no cached session" });
        }
        #[cfg(feature = "ext-items")]
        if let (false, Some(store)) = (self.offered_session, self.store.as_mut()) {
            let peer = platform::peer_addr(fd);
            store.bind(self.hostname.as_ref().and_then(|h| h.to_str().ok()), peer.as_deref());
            if let Some(saved) = store.load() {
                match tls.offer_saved_session(&saved) {
                    Ok(()) => {
                        self.offered_session = true;
                        qlog!(DEBUG, "fd {fd}: offering the session from the session store");
                    }
                    Err(why) => qlog!(WARN, "fd {fd}: session store: saved session refused by mbedtls: {why}"),
                }
            }
        }
        self.transport = Some(transport);
        Ok(())
    }

    /// Run the handshake as far as this call may: to the end, to a failure, or (non-blocking socket)
    /// until the socket would block or the call's slice of work is spent. A WANT_* that did not come
    /// from the socket is mbedtls asking to be called again (a DTLS retransmission went out, a
    /// record that carries nothing was consumed): the handshake goes on, so a blocking call never
    /// returns WANT_*. The transport never waits: a WANT_* from the socket goes to the caller, which
    /// waits for a blocking socket without the context's lock (src/tls/context.rs, src/tls/gate.rs) until it
    /// is ready, the DTLS timer fires or the deadline passes, and calls again.
    fn drive(&mut self) -> HandshakeStep {
        // Each round consumed peer data or sent a retransmission, and every socket read checks the
        // deadline; the count is a second bound.
        for _ in 0..64 {
            if let Some(t) = self.transport.as_mut() {
                t.clear_would_block();
            }
            match self.step() {
                HandshakeStep::WantRead | HandshakeStep::WantWrite if !self.want_from_socket() => {
                    if self.transport.as_ref().is_some_and(|t| t.deadline_passed()) {
                        return HandshakeStep::TimedOut;
                    }
                }
                r => return r,
            }
        }
        HandshakeStep::TimedOut
    }

    /// After the engine answered WANT_READ/WANT_WRITE: true when the socket caused it (non-blocking
    /// and nothing to read / no room, or the call's slice is spent), so the application must wait
    /// for the socket. False when the engine only asks to be called again.
    fn want_from_socket(&self) -> bool {
        self.transport.as_ref().is_some_and(|t| t.would_block())
    }

    /// After a read or write step stopped: None when the engine only asks to be called again (a
    /// WANT_* the socket did not cause), otherwise the call's error. A fatal alert from the peer
    /// ends the connection like a reset, with the alert named.
    fn io_stopped(&mut self, stop: IoStop) -> Option<Error> {
        match stop {
            IoStop::WantRead | IoStop::WantWrite if !self.want_from_socket() => None,
            IoStop::WantRead => Some(Error::WantRead),
            IoStop::WantWrite => Some(Error::WantWrite),
            IoStop::Alert(alert) => Some(self.fail(Error::PeerAlert(alert_text(alert)))),
            IoStop::Failed(e) => Some(self.fail(e)),
        }
    }

    /// Run the engine's handshake until it is over, blocks, or fails. When the server's
    /// certificate has been processed the verification policy judges the chain once.
    fn step(&mut self) -> HandshakeStep {
        let tls = self.tls.as_mut().expect("context exists after setup");
        // Bounded: a TLS 1.2 handshake has fewer than 20 states; each outcome but the one
        // certificate report advances at least one. Dropped DTLS records do not count here: each
        // one is peer input, read through the transport (which enforces the deadline and slice).
        for _ in 0..64 {
            match tls.handshake_step() {
                HandshakeStep::CertificateSeen { verify_flags } => {
                    if let Some(policy) = &self.policy {
                        if policy.judge(verify_flags) != 0 {
                            tls.refuse_certificate();
                            return HandshakeStep::Failed(Error::VerifyFailed { flags: policy.unforgiven_flags() });
                        }
                    }
                    // Pins are checked in addition to the chain (or alone without verification).
                    #[cfg(feature = "ext-items")]
                    if !self.pins.is_empty() && !tls.leaf_key_digest().is_some_and(|d| crate::tls::iot::pin_matches(&self.pins, &d)) {
                        self.pin_flags = crate::tls::iot::PIN_MISMATCH;
                        tls.refuse_certificate();
                        let chain = self.policy.as_ref().map_or(0, |p| p.unforgiven_flags());
                        return HandshakeStep::Failed(Error::VerifyFailed { flags: chain | self.pin_flags });
                    }
                }
                // The engine's verdict on resumption; the last one (before the wrap-up frees the
                // handshake parameters) is final.
                HandshakeStep::Resumed(resumed) => self.resumed = self.offered_session && resumed,
                HandshakeStep::Advanced => {}
                // The TLS 1.3 engine checks pins in its verifier: its refusal carries the flag.
                #[cfg(feature = "ext-items")]
                HandshakeStep::Failed(Error::VerifyFailed { flags }) if flags & crate::tls::iot::PIN_MISMATCH != 0 => {
                    self.pin_flags = crate::tls::iot::PIN_MISMATCH;
                    return HandshakeStep::Failed(Error::VerifyFailed { flags });
                }
                end => return end,
            }
        }
        HandshakeStep::Failed(Error::Handshake("the handshake did not end within 64 states".into()))
    }

    fn after_established(&mut self) {
        let tls = self.tls.as_mut().expect("context exists when established");
        qlog!(INFO, "fd {}: handshake done: {}", self.fd.unwrap_or(-1), {
            let text = |n: Option<&'static str>| n.unwrap_or("?");
            let how = if self.resumed { "session resumed" } else { "full handshake" };
            format!("{}, {}, {how}", text(tls.version_name()), text(tls.suite_name()))
        });
        self.offered_session = false;
        if let Some(key) = self.cache_key.take() {
            tls.store_session(key);
        }
        #[cfg(feature = "ext-items")]
        if let (false, Some(store)) = (self.resumed, self.store.as_ref()) {
            match tls.saved_session() {
                Some((saved, lifetime)) => store.save(&saved, lifetime),
                None => qlog!(WARN, "fd {}: session store: the session could not be serialised", self.fd.unwrap_or(-1)),
            }
        }
    }

    /// The ALPN protocol the server selected (None before the handshake, without ALPN, or when the
    /// server answered none). Valid as long as the connection.
    #[cfg(feature = "ext-items")]
    pub fn alpn(&mut self) -> Option<&core::ffi::CStr> {
        if self.phase != Phase::Established {
            return None;
        }
        self.tls.as_mut()?.negotiated_alpn()
    }
    /// True when the completed handshake resumed a cached session.
    pub fn resumed(&self) -> bool {
        self.resumed
    }

    fn fail_timeout(&mut self, s: &HandshakeSettings) -> (Result<()>, Option<TimeoutNotice>) {
        self.fail(Error::HandshakeTimeout(s.negotiate_timeout_s));
        let notice = if !self.timeout_reported && s.timeout_hook.is_some() {
            self.timeout_reported = true;
            s.timeout_hook.map(|hook| TimeoutNotice { hook })
        } else {
            None
        };
        (Err(Error::HandshakeTimeout(s.negotiate_timeout_s)), notice)
    }

    /// After WANT_READ/WANT_WRITE from a call on this connection: what a blocking socket must be
    /// waited for before the call is tried again; None when `err` is no retry code or the socket
    /// is non-blocking (then `err` goes to the application).
    pub fn wait_plan(&self, err: &Error) -> Option<WaitPlan> {
        let dir = match err {
            Error::WantRead => Dir::Read,
            Error::WantWrite => Dir::Write,
            _ => return None,
        };
        self.transport.as_ref()?.wait_plan(dir)
    }

    /// Stop using the socket for good (`ql_ssl_free`): no later operation touches the descriptor.
    pub fn detach(&mut self) {
        if let Some(io) = self.transport.as_mut() {
            io.detach();
        }
    }

    pub fn handshake_finished(&self) -> bool {
        matches!(self.phase, Phase::Established | Phase::Closed)
    }

    fn established(&mut self) -> Result<&mut EngineSession> {
        match self.phase {
            Phase::Established => Ok(self.tls.as_mut().expect("context exists when established")),
            Phase::Ready | Phase::Handshaking => Err(Error::HandshakeInProgress),
            Phase::New => Err(Error::WrongState("no handshake has been done")),
            Phase::Closed => Err(Error::WrongState("the connection was closed with ql_ssl_close_notify()")),
            Phase::Failed => Err(self.failure.clone().unwrap_or(Error::WrongState("the connection failed"))),
        }
    }

    /// A read that mbedtls can serve from the record it has already decrypted: None unless that is
    /// all it will do, and then `read` does the work. That is the case when the connection is
    /// established and open, a TLS (stream) connection without renegotiation (mbedtls 2.28's
    /// `mbedtls_ssl_read` may otherwise start a handshake or resend a DTLS flight first) and
    /// mbedtls holds unread application data (`in_offt` set, `in_msglen` > 0): `mbedtls_ssl_read`
    /// then only copies, touches no socket and cannot fail. An application that reads in small
    /// pieces (the SDK demo reads 120 bytes) gets most of its bytes this way, without the call
    /// machinery of `read`.
    #[inline]
    pub fn read_buffered(&mut self, buf: &mut [u8]) -> Option<usize> {
        let s = self.settings.as_ref()?;
        if self.phase != Phase::Established || self.peer_closed || s.dtls || s.renegotiation || buf.is_empty() {
            return None;
        }
        self.tls.as_mut()?.read_decrypted(buf)
    }

    /// One step of a read. The API call's start (`begin_call`) is the caller's (src/tls/context.rs):
    /// a blocking read that waits several times is still one call, whose socket mode is read once.
    pub fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        if self.peer_closed && self.phase == Phase::Established {
            return Ok(0);
        }
        self.established()?;
        if buf.is_empty() {
            return Ok(0);
        }
        // mbedtls_ssl_read answers 0 or WANT_READ after a record that carries no data for the
        // caller; only a close_notify or the transport's end of stream end the read stream, and
        // only the socket makes a WANT_READ. Bounded: each round consumed at least one record,
        // and a non-blocking socket's reads are limited to a slice per call by the transport.
        for _ in 0..MAX_RECORDS_WITHOUT_DATA {
            if let Some(t) = self.transport.as_mut() {
                t.clear_would_block();
            }
            let tls = self.tls.as_mut().expect("context exists when established");
            let stop = match tls.read(buf) {
                Ok(ReadStep::Data(n)) => return Ok(n),
                Ok(ReadStep::Nothing) if self.transport.as_ref().is_some_and(|t| t.saw_eof()) => {
                    // The peer closed TCP without close_notify (mbedtls: 0 for MBEDTLS_ERR_SSL_CONN_EOF).
                    return Err(self.fail(Error::SocketReset));
                }
                // Empty application-data records (TLS allows them; OpenSSL sends them before CBC
                // records, 1/n-1 splitting makes them); a malformed DTLS record discarded (RFC
                // 6347 §4.1.2.7, as in the handshake). mbedtls itself refuses a fourth empty
                // record in a row.
                Ok(ReadStep::Nothing) => continue,
                Ok(ReadStep::ClosedByPeer) => {
                    qlog!(INFO, "fd {}: the peer sent close_notify", self.fd.unwrap_or(-1));
                    self.peer_closed = true;
                    return Ok(0);
                }
                Err(stop) => stop,
            };
            // A WANT_* without the socket: a warning alert mbedtls passes up (no_renegotiation)
            // or a refused HelloRequest.
            if let Some(err) = self.io_stopped(stop) {
                return Err(err);
            }
        }
        Err(self.fail(Error::Decrypt(format!(
            "the peer sent more than {MAX_RECORDS_WITHOUT_DATA} records in a row that carry no data"
        ))))
    }

    /// One step of a write (the call's start is the caller's, as for `read`).
    pub fn write(&mut self, buf: &[u8]) -> Result<usize> {
        self.established()?;
        if buf.is_empty() {
            return Ok(0);
        }
        // One record's worth per call. mbedtls alone may take one byte more: with TLS 1.0 CBC it
        // splits records 1/n-1 and reports both.
        let buf = &buf[..buf.len().min(MAX_WRITE)];
        // As in `read`: a WANT_* reaches the application only when the socket caused it.
        for _ in 0..MAX_RECORDS_WITHOUT_DATA {
            if let Some(t) = self.transport.as_mut() {
                t.clear_would_block();
            }
            let tls = self.tls.as_mut().expect("context exists when established");
            match tls.write(buf) {
                Ok(n) => return Ok(n),
                Err(stop) => {
                    if let Some(err) = self.io_stopped(stop) {
                        return Err(err);
                    }
                }
            }
        }
        Err(self.fail(Error::Encrypt(format!("no progress after {MAX_RECORDS_WITHOUT_DATA} attempts"))))
    }

    pub fn bytes_avail(&mut self) -> Result<usize> {
        if self.phase == Phase::Closed {
            return Ok(0);
        }
        Ok(self.established()?.bytes_available())
    }

    pub fn close_notify(&mut self) -> Result<()> {
        // Only an established connection can be closed with an alert; before that there is no
        // TLS session to end (free the context instead).
        if matches!(self.phase, Phase::Ready | Phase::Handshaking) {
            return Err(Error::WrongState("no TLS session to close: the handshake has not completed"));
        }
        let err = match self.established()?.close_notify() {
            Ok(()) => {
                qlog!(INFO, "fd {}: close_notify sent", self.fd.unwrap_or(-1));
                self.phase = Phase::Closed;
                return Ok(());
            }
            Err(e) => e,
        };
        if !matches!(err, Error::WantRead | Error::WantWrite) {
            self.phase = Phase::Closed;
        }
        Err(err)
    }

    /// The negotiated protocol ("TLSv1.2", "DTLSv1.2", ...), once established.
    pub fn protocol_version(&mut self) -> Option<&'static str> {
        if !self.handshake_finished() {
            return None;
        }
        self.tls.as_mut()?.version_name()
    }

    /// The negotiated cipher-suite id, once established.
    pub fn ciphersuite(&self) -> Option<u16> {
        if self.handshake_finished() {
            self.tls.as_ref()?.ciphersuite()
        } else {
            None
        }
    }

    /// Verification flags of the last handshake (MBEDTLS_X509_BADCERT_* bits before any ignore
    /// rule), if verification ran.
    pub fn verify_flags(&self) -> Option<u32> {
        match (&self.policy, self.pins.is_empty()) {
            (Some(p), _) => Some(p.seen_flags() | self.pin_flags),
            (None, false) => Some(self.pin_flags),
            (None, true) => None,
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // The descriptor belongs to the application and may already be closed (and its number
        // reused), so dropping the engine's context must not send a close_notify through it
        // (the engine session also skips encrypting the alert, see its Drop).
        if let Some(io) = self.transport.as_mut() {
            io.detach();
        }
        // The context goes first.
        self.tls = None;
    }
}
