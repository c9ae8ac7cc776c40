//! The virtual module: one AT session. Single-threaded: the session loop feeds it client bytes and
//! events from its helper threads (connection openers and readers) through one channel, and it
//! answers by appending to its output. A command's response is always complete before anything
//! else (a URC) is written, so URCs never land inside a response.

use std::collections::VecDeque;
use std::fs;
use std::io::Write as _;
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::parser::{self, Arg, Cmd, Kind};
use super::remap::{Refusal, Remap};
use super::service::{ConfigItem, ConfigKey, ConfigKind, ConnId, FailKind, TlsService};
use crate::tls::clock::{civil_from_unix, days_from_civil};

/// The Air724 / SIMCom command set (`--dialect air724`): a child module, so it drives this
/// engine's line handling, prompts, URC holding, file store and connections instead of copying them.
mod air724;

/// Which module the engine plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Quectel EC200U: `AT+QSSL*` (seeds 001/003).
    Quectel,
    /// Air724UG / SIMCom SIM800 family: `AT+CIPSSL`, `AT+SSLCFG`, `AT+CIP*`, `AT+FS*` (seed 004).
    Air724,
}

/// Number of SSL sockets (`<clientID>` 0..=11).
pub(crate) const SOCKETS: usize = 12;
/// Number of SSL contexts (`<SSL_ctxID>` 0..=5).
pub(crate) const CONTEXTS: usize = 6;
/// PDP contexts accepted: 1..=15 (001's range; 003's 1..=7 is a subset).
pub(crate) const PDP_MAX: u8 = 15;
/// Largest `AT+QSSLSEND` payload (both seeds).
pub(crate) const SEND_MAX: usize = 1460;
/// Largest `AT+QSSLRECV` read and direct-push chunk.
pub(crate) const RECV_MAX: usize = 1500;
/// Bytes a socket may hold unread before its reader stops taking more from the network.
pub(crate) const BACKLOG_MAX: usize = 256 * 1024;
/// Largest file `AT+QFUPL` accepts.
pub(crate) const FILE_MAX: usize = 1 << 20;
/// Guard time around `+++`.
pub(crate) const GUARD: Duration = Duration::from_secs(1);
/// Longest command line kept; beyond it the line is answered with ERROR when CR arrives.
const LINE_MAX: usize = parser::MAX_LINE + 2;
/// Connect timeout for the TCP part of `AT+QSSLOPEN`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// `AT+QSSLCLOSE=<id>`'s `<close_timeout>` when omitted (both seeds: 10).
const CLOSE_TIMEOUT_DEFAULT: u64 = 10;

/// Result codes of the SSL/TCP command family (003, chapter 5). The whole table is listed; some
/// codes have no cause in a virtual module (docs/AT.md says which).
#[allow(dead_code)]
pub(crate) mod err {
    pub(crate) const UNKNOWN: u16 = 550;
    pub(crate) const BLOCKED: u16 = 551;
    pub(crate) const INVALID_PARAM: u16 = 552;
    pub(crate) const NO_MEMORY: u16 = 553;
    pub(crate) const CREATE_SOCKET: u16 = 554;
    pub(crate) const NOT_SUPPORTED: u16 = 555;
    pub(crate) const WRITE_FAILED: u16 = 558;
    pub(crate) const READ_FAILED: u16 = 559;
    pub(crate) const PDP_OPEN: u16 = 561;
    pub(crate) const PDP_CLOSE: u16 = 562;
    pub(crate) const ID_IN_USE: u16 = 563;
    pub(crate) const DNS_BUSY: u16 = 564;
    pub(crate) const DNS_PARSE: u16 = 565;
    pub(crate) const CONNECT: u16 = 566;
    pub(crate) const CLOSED: u16 = 567;
    pub(crate) const BUSY: u16 = 568;
    pub(crate) const TIMEOUT: u16 = 569;
    pub(crate) const PDP_BROKEN: u16 = 570;
    pub(crate) const CANCEL_SEND: u16 = 571;
    pub(crate) const NOT_ALLOWED: u16 = 572;
    pub(crate) const APN: u16 = 573;
    pub(crate) const PORT_BUSY: u16 = 574;
    pub(crate) const HANDSHAKE: u16 = 579;
    // File commands (the module's FILE application note numbering).
    pub(crate) const F_INVALID_INPUT: u16 = 400;
    pub(crate) const F_NOT_FOUND: u16 = 405;
    pub(crate) const F_BAD_NAME: u16 = 406;
    pub(crate) const F_EXISTS: u16 = 407;
    pub(crate) const F_WRITE: u16 = 409;
    pub(crate) const F_READ: u16 = 411;
    pub(crate) const F_TIMEOUT: u16 = 421;
    pub(crate) const F_TOO_LARGE: u16 = 423;
    // General (3GPP 27.007).
    pub(crate) const CME_NOT_ALLOWED: u16 = 3;
    pub(crate) const CME_NOT_SUPPORTED: u16 = 4;
    pub(crate) const CME_BAD_PARAM: u16 = 50;
}

/// The description of an error code (`AT+QIGETERROR`, `AT+CMEE=2`). The table in docs/AT.md is
/// checked against this function by tests/at/test_at.py.
pub fn err_text(code: u16) -> &'static str {
    match code {
        0 => "Operation successful",
        550 => "Unknown error",
        551 => "Operation blocked",
        552 => "Invalid parameter",
        553 => "Memory not enough",
        554 => "Create socket failed",
        555 => "Operation not supported",
        556 => "Socket bind failed",
        557 => "Socket listen failed",
        558 => "Socket write failed",
        559 => "Socket read failed",
        560 => "Socket accept failed",
        561 => "Open PDP context failed",
        562 => "Close PDP context failed",
        563 => "Socket identity has been used",
        564 => "DNS busy",
        565 => "DNS parse failed",
        566 => "Socket connection failed",
        567 => "Socket has been closed",
        568 => "Operation busy",
        569 => "Operation timeout",
        570 => "PDP context break down",
        571 => "Cancel send",
        572 => "Operation not allowed",
        573 => "APN not configured",
        574 => "Port busy",
        579 => "SSL handshake fail",
        400 => "Invalid input value",
        405 => "File not found",
        406 => "Invalid file name",
        407 => "File already existed",
        409 => "Fail to write the file",
        411 => "Fail to read the file",
        421 => "Time out",
        423 => "File too large",
        50 => "Incorrect parameters",
        3 => "Operation not allowed",
        4 => "Operation not supported",
        _ => "Unknown error",
    }
}

/// Events from the session's helper threads (and the client reader).
pub enum Event {
    Client(Vec<u8>),
    ClientGone,
    Opened { id: usize, gen: u64, result: Result<Established, (u16, String)> },
    Data { id: usize, gen: u64, bytes: Vec<u8> },
    Closed { id: usize, gen: u64, reason: String },
}

/// The socket under an established connection (kept open until the connection is released).
pub enum Sock {
    Tcp(TcpStream),
    Udp(UdpSocket),
}

pub struct Established {
    /// None for a plain TCP link (Air724 with `AT+CIPSSL=0`).
    pub conn: Option<ConnId>,
    pub sock: Sock,
    pub local_port: u16,
}

/// A link a dialect's open command asks for, its arguments checked.
struct OpenRequest {
    /// The host as given: resolved through `--map` and shown by the state commands.
    host: String,
    /// The name the TLS layer sends as SNI and checks the certificate against.
    tls_name: String,
    port: u16,
    ctx: u8,
    /// False: a plain TCP link (Air724 with `AT+CIPSSL=0`), `ctx` unused.
    tls: bool,
    dtls: bool,
    pdp: u8,
    mode: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Free,
    Opening,
    Connected,
    /// The peer closed (or the connection failed); waits for `AT+QSSLCLOSE`.
    Closing,
}

struct Slot {
    state: State,
    gen: u64,
    conn: Option<ConnId>,
    sock: Option<Sock>,
    host: String,
    rport: u16,
    lport: u16,
    pdp: u8,
    ctx: u8,
    mode: u8,
    buf: VecDeque<u8>,
    total_rx: u64,
    total_read: u64,
    total_sent: u64,
    backlog: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    /// The socket an open in progress is using, so closing the id can cut its handshake short.
    opening_fd: Arc<Mutex<Option<RawFd>>>,
}

impl Slot {
    fn new() -> Slot {
        Slot {
            state: State::Free,
            gen: 0,
            conn: None,
            sock: None,
            host: String::new(),
            rport: 0,
            lport: 0,
            pdp: 1,
            ctx: 0,
            mode: 0,
            buf: VecDeque::new(),
            total_rx: 0,
            total_read: 0,
            total_sent: 0,
            backlog: Arc::new(AtomicUsize::new(0)),
            stop: Arc::new(AtomicBool::new(false)),
            opening_fd: Arc::new(Mutex::new(None)),
        }
    }
}

#[derive(Clone, Default)]
struct Pdp {
    active: bool,
    ctx_type: u8,
    apn: String,
    user: String,
    pass: String,
    auth: u8,
    dns: (String, String),
}

/// What became of the data typed at a `>` prompt.
enum SendOutcome {
    Sent(usize),
    /// More than the prompt takes.
    TooLong,
    /// The link is not connected (any more).
    Closed,
    /// The peer reset the connection during the write.
    Reset,
    Failed,
}

/// Socket id, its generation, and the bytes a written URC releases from its backlog.
type Release = (usize, u64, usize);

enum Mode {
    Command,
    /// `>` prompt of `AT+QSSLSEND`.
    Prompt { id: usize, fixed: Option<usize>, buf: Vec<u8>, deadline: Instant, overflow: bool },
    /// Raw bytes of `AT+QFUPL` (`fs_write` None) or Air724's `AT+FSWRITE` (Some(append)).
    Upload { path: PathBuf, size: usize, buf: Vec<u8>, deadline: Instant, fs_write: Option<bool> },
    /// `AT+QSSLOPEN` in transparent mode, waiting for the handshake.
    WaitConnect { id: usize },
    /// Transparent data mode.
    Data { id: usize, last_rx: Instant, plus: usize, plus_at: Instant },
    /// `AT+QSSLCLOSE=<id>,<timeout>`: close_notify sent, waiting for the peer's close until
    /// `deadline`; OK either way, then the socket is free.
    WaitClose { id: usize, gen: u64, deadline: Instant },
}

/// Command-line options the engine needs.
#[derive(Clone)]
pub struct Options {
    pub ufs: PathBuf,
    pub map: Remap,
    /// How long a `>` prompt waits for its data.
    pub prompt_timeout: Duration,
}

enum Final {
    Ok,
    /// Plain ERROR (unknown command, syntax).
    Error,
    /// `+CME ERROR: <code>` (or ERROR / text per AT+CMEE).
    Cme(u16),
    /// The command produced its own final result (CONNECT, prompt...) or none yet.
    None,
    /// The command answered without a final result and the line goes on (SIMCom's `AT+CIFSR`,
    /// which hosts chain as `AT+CIFSR;E0` to get an `OK`); alone on its line it ends it silently.
    Quiet,
}

pub struct Engine {
    dialect: Dialect,
    /// The Air724 dialect's session state (unused by Quectel).
    air: air724::AirState,
    svc: Arc<dyn TlsService>,
    tx: Sender<Event>,
    opts: Options,
    out: Vec<u8>,
    /// Held URCs; a direct-push URC also names the socket whose backlog it releases when written.
    urcs: VecDeque<(Vec<u8>, Option<Release>)>,
    echo: bool,
    cmee: u8,
    line: Vec<u8>,
    line_overflow: bool,
    mode: Mode,
    slots: Vec<Slot>,
    pdp: Vec<Pdp>,
    closetimemode: [u8; CONTEXTS],
    last_error: u16,
    last_transparent: Option<usize>,
    clock_offset_s: i64,
    gen: u64,
}

fn line(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(s.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// The module's 16-bit XOR checksum of a file (`+QFUPL` / `+QFDWL`).
pub fn checksum(data: &[u8]) -> u16 {
    data.chunks(2).fold(0u16, |acc, w| acc ^ (u16::from(w[0]) << 8 | u16::from(*w.get(1).unwrap_or(&0))))
}

fn int_in(a: Option<&Arg>, lo: i64, hi: i64) -> Option<i64> {
    a?.int().filter(|v| (lo..=hi).contains(v))
}

/// `AT+QSSLCFG` integer items: name, library key (None = kept by the engine), range.
const INT_ITEMS: &[(&str, Option<ConfigKey>, i64, i64)] = &[
    ("sslversion", Some(ConfigKey::SslVersion), 0, 4),
    ("dtls", Some(ConfigKey::Dtls), 0, 1),
    ("dtlsversion", Some(ConfigKey::DtlsVersion), 0, 1),
    ("seclevel", Some(ConfigKey::SecLevel), 0, 2),
    ("sni", Some(ConfigKey::Sni), 0, 1),
    ("ignorelocaltime", Some(ConfigKey::IgnoreLocalTime), 0, 1),
    ("negotiatetime", Some(ConfigKey::NegotiateTime), 10, 300),
    ("ignoreinvalidcertsign", Some(ConfigKey::IgnoreInvalidCertSign), 0, 1),
    ("ignorecertitem", Some(ConfigKey::IgnoreCertItem), 0, 1_048_575),
    ("ignoremulticertchainverify", Some(ConfigKey::IgnoreMultiCertChainVerify), 0, 1),
    ("session_cache", Some(ConfigKey::SessionCache), 0, 1),
    ("closetimemode", None, 0, 1),
    // This library's extension items (docs/IOT.md); the library checks the values.
    ("maxfraglen", Some(ConfigKey::Ext(ConfigKind::MaxFragLen)), 0, 4096),
    ("cabundle", Some(ConfigKey::Ext(ConfigKind::CaBundle)), 0, 1),
];

/// Commands whose answer is one fixed line and OK: the command as typed after `AT` (`?` the
/// read form, `=?` the test form, neither the execute form), and the line.
const FIXED_ANSWERS: &[(&str, &str)] = &[
    ("+CMEE=?", "+CMEE: (0-2)"),
    ("+GSN", "866000000000009"),
    ("+CGSN", "866000000000009"),
    ("+CPIN?", "+CPIN: READY"),
    ("+CSQ", "+CSQ: 28,99"),
    ("+CGATT?", "+CGATT: 1"),
    ("+CFUN?", "+CFUN: 1"),
    ("+IPR?", "+IPR: 115200"),
    ("+QICSGP=?", "+QICSGP: (1-15),(1-3),\"APN\",\"USERNAME\",\"PASSWORD\",(0-3)"),
    ("+QIACT=?", "+QIACT: (1-15)"),
    ("+QSSLOPEN=?", "+QSSLOPEN: (1-15),(0-5),(0-11),\"<serveraddr>\",(1-65535),(0-2)"),
    ("+QSSLSEND=?", "+QSSLSEND: (0-11),(1-1460)"),
    ("+QSSLRECV=?", "+QSSLRECV: (0-11),(1-1500)"),
    ("+QSSLCLOSE=?", "+QSSLCLOSE: (0-11),(0-65535)"),
];

/// The fixed answer `table` has for command `c`, if any.
fn fixed_answer(table: &[(&str, &'static str)], c: &Cmd) -> Option<&'static str> {
    let form = match c.kind {
        Kind::Exec => "",
        Kind::Read => "?",
        Kind::Test => "=?",
        Kind::Set(_) => return None,
    };
    table.iter().find(|(typed, _)| typed.strip_prefix(c.name.as_str()) == Some(form)).map(|&(_, line)| line)
}

/// A context's cipher suites as both dialects show them: `0XFFFF` for all, else the ids joined
/// by ':' (the form `AT+QSSLCFG` accepts).
fn suites_text(ids: &[u16]) -> String {
    if ids.contains(&0xFFFF) {
        "0XFFFF".to_string()
    } else {
        ids.iter().map(|i| format!("0X{i:04X}")).collect::<Vec<_>>().join(":")
    }
}

/// `AT+QSSLCFG` path items.
const PATH_ITEMS: &[(&str, ConfigKey)] = &[
    ("cacert", ConfigKey::CaCert),
    ("cacertex", ConfigKey::CaCert),
    ("clientcert", ConfigKey::ClientCert),
    ("clientkey", ConfigKey::ClientKey),
    // Extension (docs/IOT.md): the session store file.
    ("sessionstore", ConfigKey::Ext(ConfigKind::SessionStore)),
];

/// `AT+QSSLCFG` extension items whose value is a list in one string (docs/IOT.md).
const TEXT_ITEMS: &[(&str, ConfigKey)] = &[("alpn", ConfigKey::Ext(ConfigKind::Alpn)), ("pinsha256", ConfigKey::Ext(ConfigKind::PinSha256))];

/// Every command the engine answers (docs/AT.md's table is checked against this list by
/// tests/at/test_at.py, and the engine against it by `every_listed_command_is_answered`).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const COMMANDS: &[&str] = &[
    "AT", "ATE", "ATI", "ATO", "ATZ", "ATQ", "ATV", "AT&F", "AT&W", "AT&D", "AT+CMEE", "AT+CGMI", "AT+CGMM",
    "AT+CGMR", "AT+GMI", "AT+GMM", "AT+GMR", "AT+GSN", "AT+CGSN", "AT+CPIN", "AT+CREG", "AT+CGREG", "AT+CEREG",
    "AT+CSQ", "AT+CGATT", "AT+CFUN", "AT+CCLK", "AT+IPR", "AT+QICSGP", "AT+QIACT", "AT+QIDEACT", "AT+QIDNSCFG",
    "AT+QIGETERROR", "AT+QFUPL", "AT+QFLST", "AT+QFDEL", "AT+QFDWL", "AT+QSSLCFG", "AT+QSSLOPEN", "AT+QSSLSEND",
    "AT+QSSLRECV", "AT+QSSLSTATE", "AT+QSSLCLOSE", "AT+QISWTMD",
];

impl Engine {
    /// A Quectel session.
    pub fn new(svc: Arc<dyn TlsService>, tx: Sender<Event>, opts: Options) -> Engine {
        Engine::with_dialect(svc, tx, opts, Dialect::Quectel)
    }

    pub fn with_dialect(svc: Arc<dyn TlsService>, tx: Sender<Event>, opts: Options, dialect: Dialect) -> Engine {
        Engine {
            dialect,
            air: air724::AirState::default(),
            svc,
            tx,
            opts,
            out: Vec::new(),
            urcs: VecDeque::new(),
            echo: true,
            cmee: Self::default_cmee(dialect),
            line: Vec::new(),
            line_overflow: false,
            mode: Mode::Command,
            slots: (0..SOCKETS).map(|_| Slot::new()).collect(),
            pdp: vec![Pdp { ctx_type: 1, ..Pdp::default() }; usize::from(PDP_MAX) + 1],
            closetimemode: [0; CONTEXTS],
            last_error: 0,
            last_transparent: None,
            clock_offset_s: 0,
            gen: 0,
        }
    }

    /// `AT+CMEE`'s power-on value: Quectel reports numbers, SIMCom modules plain `ERROR`.
    fn default_cmee(dialect: Dialect) -> u8 {
        match dialect {
            Dialect::Quectel => 1,
            Dialect::Air724 => 0,
        }
    }

    /// Everything to send to the client now (URCs are released only in command mode).
    pub fn take_output(&mut self) -> Vec<u8> {
        if matches!(self.mode, Mode::Command) {
            while let Some((u, release)) = self.urcs.pop_front() {
                self.out.extend_from_slice(&u);
                if let Some((id, gen, n)) = release {
                    if self.slots[id].gen == gen {
                        self.slots[id].backlog.fetch_sub(n, Ordering::SeqCst);
                    }
                }
            }
        }
        std::mem::take(&mut self.out)
    }

    /// When `tick` must run next.
    pub fn next_deadline(&self) -> Option<Instant> {
        match &self.mode {
            Mode::Prompt { deadline, .. } | Mode::Upload { deadline, .. } | Mode::WaitClose { deadline, .. } => {
                Some(*deadline)
            }
            Mode::Data { plus, last_rx, plus_at, .. } if *plus > 0 => {
                Some(if *plus == 3 { *last_rx + GUARD } else { *plus_at + GUARD })
            }
            _ => None,
        }
    }

    pub fn tick(&mut self, now: Instant) {
        match &mut self.mode {
            Mode::Prompt { deadline, .. } if now >= *deadline => {
                // The host never finished its data: the send is cancelled.
                self.cancel_send();
            }
            Mode::Upload { deadline, fs_write, .. } if now >= *deadline => {
                let code = if fs_write.is_some() { err::CME_BAD_PARAM } else { err::F_TIMEOUT };
                self.mode = Mode::Command;
                self.final_result(Final::Cme(code), false);
            }
            Mode::WaitClose { id, deadline, .. } if now >= *deadline => {
                // The peer did not close in time: closed anyway (the module's behaviour: the
                // timeout bounds the command, it does not fail it).
                let id = *id;
                self.finish_close(id);
            }
            Mode::Data { id, plus, last_rx, plus_at } => {
                let id = *id;
                if *plus == 3 && now >= *last_rx + GUARD {
                    // `+++` with silence on both sides: back to command mode.
                    self.mode = Mode::Command;
                    self.last_transparent = Some(id);
                    line(&mut self.out, "OK");
                } else if *plus > 0 && *plus < 3 && now >= *plus_at + GUARD {
                    // Too slow to be an escape: the pluses were data.
                    let n = *plus;
                    *plus = 0;
                    self.send_transparent(id, &b"+++"[..n]);
                }
            }
            _ => {}
        }
    }

    /// Close every connection (client gone or shutdown).
    pub fn shutdown(&mut self) {
        for id in 0..SOCKETS {
            self.release(id);
        }
    }

    // ----------------------------------------------------------------------------- input

    pub fn event(&mut self, ev: Event, now: Instant) {
        match ev {
            Event::Client(bytes) => self.feed(&bytes, now),
            Event::ClientGone => {}
            Event::Opened { id, gen, result } => self.on_opened(id, gen, result),
            Event::Data { id, gen, bytes } => self.on_data(id, gen, bytes),
            Event::Closed { id, gen, reason } => self.on_closed(id, gen, &reason),
        }
    }

    pub fn feed(&mut self, bytes: &[u8], now: Instant) {
        let mut i = 0;
        // Bounded by the input length: every branch consumes at least one byte.
        while i < bytes.len() {
            match &mut self.mode {
                Mode::Command => {
                    let b = bytes[i];
                    i += 1;
                    self.command_byte(b, now);
                }
                Mode::Prompt { fixed, buf, overflow, .. } => {
                    let b = bytes[i];
                    i += 1;
                    match fixed {
                        Some(n) => {
                            buf.push(b);
                            if self.echo {
                                self.out.push(b);
                            }
                            if buf.len() == *n {
                                self.finish_send();
                            }
                        }
                        None => match b {
                            0x1A => self.finish_send(),
                            0x1B => self.cancel_send(),
                            _ => {
                                if buf.len() < SEND_MAX {
                                    buf.push(b);
                                } else {
                                    *overflow = true;
                                }
                                if self.echo {
                                    self.out.push(b);
                                }
                            }
                        },
                    }
                }
                Mode::Upload { size, buf, .. } => {
                    let take = (*size - buf.len()).min(bytes.len() - i);
                    buf.extend_from_slice(&bytes[i..i + take]);
                    i += take;
                    if buf.len() == *size {
                        self.finish_upload();
                    }
                }
                Mode::WaitConnect { .. } | Mode::WaitClose { .. } => {
                    // Nothing is accepted until CONNECT (or the error) is out, nor while a close
                    // waits for the peer: the command has not finished.
                    i = bytes.len();
                }
                Mode::Data { .. } => {
                    let rest = &bytes[i..];
                    i = bytes.len();
                    self.data_input(rest, now);
                }
            }
        }
    }

    fn command_byte(&mut self, b: u8, now: Instant) {
        if self.echo {
            self.out.push(b);
        }
        match b {
            b'\r' => {
                let l = std::mem::take(&mut self.line);
                let overflow = std::mem::replace(&mut self.line_overflow, false);
                if overflow {
                    self.final_result(Final::Error, false);
                } else if !l.iter().all(|c| c.is_ascii_whitespace()) {
                    self.run_line(&l, now);
                }
            }
            b'\n' | 0 => {}
            0x08 | 0x7F => {
                self.line.pop();
            }
            _ => {
                if self.line.len() < LINE_MAX {
                    self.line.push(b);
                } else {
                    self.line_overflow = true;
                }
            }
        }
    }

    fn data_input(&mut self, bytes: &[u8], now: Instant) {
        let Mode::Data { id, last_rx, plus, plus_at } = &mut self.mode else { return };
        let id = *id;
        let quiet_before = now.duration_since(*last_rx) >= GUARD;
        let mut data = Vec::with_capacity(bytes.len() + 3);
        for (k, &b) in bytes.iter().enumerate() {
            if *plus > 0 {
                if b == b'+' && *plus < 3 {
                    *plus += 1;
                    continue;
                }
                data.extend_from_slice(&b"+++"[..*plus]);
                *plus = 0;
            }
            if b == b'+' && k == 0 && quiet_before {
                *plus = 1;
                *plus_at = now;
                continue;
            }
            data.push(b);
        }
        *last_rx = now;
        if !data.is_empty() {
            self.send_transparent(id, &data);
        }
    }

    fn send_transparent(&mut self, id: usize, data: &[u8]) {
        if self.link_write(id, data).is_ok() {
            self.slots[id].total_sent += data.len() as u64;
        }
    }

    /// Write to a connected link: through the library (TLS) or straight to the socket (plain TCP).
    fn link_write(&mut self, id: usize, data: &[u8]) -> Result<(), FailKind> {
        let slot = &mut self.slots[id];
        if slot.state != State::Connected {
            return Err(FailKind::PeerClosed);
        }
        match (slot.conn, &mut slot.sock) {
            (Some(conn), _) => self.svc.write(conn, data).map_err(|e| e.kind),
            (None, Some(Sock::Tcp(s))) => s.write_all(data).map_err(|e| match e.kind() {
                std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset => FailKind::Reset,
                _ => FailKind::Other,
            }),
            _ => Err(FailKind::Other),
        }
    }

    /// ESC at a `>` prompt, or the prompt timed out: nothing is sent.
    fn cancel_send(&mut self) {
        let Mode::Prompt { id, .. } = std::mem::replace(&mut self.mode, Mode::Command) else { return };
        match self.dialect {
            Dialect::Quectel => self.final_result(Final::Cme(err::CANCEL_SEND), true),
            Dialect::Air724 => self.air_send_cancelled(id),
        }
    }

    // ----------------------------------------------------------------------------- output

    fn urc(&mut self, s: &str) {
        let mut v = Vec::new();
        line(&mut v, s);
        self.urcs.push_back((v, None));
    }

    /// Write a final result code. `ssl` commands record their code for `AT+QIGETERROR`.
    fn final_result(&mut self, f: Final, ssl: bool) {
        match f {
            Final::Ok => {
                if ssl {
                    self.last_error = 0;
                }
                line(&mut self.out, "OK");
            }
            Final::Error => line(&mut self.out, "ERROR"),
            Final::Cme(code) => {
                if ssl {
                    self.last_error = code;
                }
                let text = match self.cmee {
                    0 => "ERROR".to_string(),
                    1 => format!("+CME ERROR: {code}"),
                    _ => format!("+CME ERROR: {}", err_text(code)),
                };
                line(&mut self.out, &text);
            }
            Final::None | Final::Quiet => {}
        }
    }

    // ----------------------------------------------------------------------------- commands

    fn run_line(&mut self, l: &[u8], now: Instant) {
        let cmds = match parser::parse_line(l) {
            Ok(c) => c,
            Err(_) => return self.final_result(Final::Error, false),
        };
        let n = cmds.len();
        for (k, c) in cmds.into_iter().enumerate() {
            // AT+QIGETERROR reports the latest SSL/TCP command's code, so only those record one.
            let ssl = c.name.starts_with("+QSSL") || (c.name.starts_with("+QI") && c.name != "+QIGETERROR");
            let f = self.command(&c, now);
            match f {
                Final::Ok | Final::Quiet if k + 1 < n => continue,
                Final::Ok => return self.final_result(Final::Ok, ssl),
                // A command that switched modes (prompt, CONNECT) ends the line.
                other => return self.final_result(other, ssl),
            }
        }
        self.final_result(Final::Ok, false)
    }

    fn info(&mut self, s: &str) {
        line(&mut self.out, s);
    }

    fn command(&mut self, c: &Cmd, now: Instant) -> Final {
        if self.dialect == Dialect::Air724 {
            if let Some(f) = self.air_command(c, now) {
                return f;
            }
            // The Quectel command set does not exist on this module.
            if c.name.starts_with("+Q") {
                return Final::Error;
            }
        }
        if let Some(text) = fixed_answer(FIXED_ANSWERS, c) {
            self.info(text);
            return Final::Ok;
        }
        let set = |c: &Cmd| match &c.kind {
            Kind::Set(a) => Some(a.clone()),
            _ => None,
        };
        let (maker, model) = match self.dialect {
            Dialect::Quectel => ("Quectel", "EC200U"),
            Dialect::Air724 => ("AirM2M", "Air724UG"),
        };
        match (c.name.as_str(), &c.kind) {
            ("E", _) => match c.num.unwrap_or(0) {
                0 => {
                    self.echo = false;
                    Final::Ok
                }
                1 => {
                    self.echo = true;
                    Final::Ok
                }
                _ => Final::Error,
            },
            ("Q", _) if c.num.unwrap_or(0) == 0 => Final::Ok,
            ("V", _) if c.num.unwrap_or(1) == 1 => Final::Ok,
            ("Z", _) | ("&F", _) => {
                self.echo = true;
                self.cmee = Self::default_cmee(self.dialect);
                Final::Ok
            }
            ("&W", _) => Final::Ok,
            ("&D", _) if c.num.unwrap_or(0) <= 2 => Final::Ok,
            ("I", _) => {
                self.info(&format!("{maker}\r\n{model}\r\nRevision: QLSSLAT_{}", env!("CARGO_PKG_VERSION")));
                Final::Ok
            }
            ("O", _) => self.ato(),
            ("+CMEE", Kind::Read) => {
                let v = self.cmee;
                self.info(&format!("+CMEE: {v}"));
                Final::Ok
            }
            ("+CMEE", Kind::Set(a)) => match int_in(a.first(), 0, 2) {
                Some(v) if a.len() == 1 => {
                    self.cmee = v as u8;
                    Final::Ok
                }
                _ => Final::Cme(err::CME_BAD_PARAM),
            },
            ("+CGMI" | "+GMI", Kind::Exec) => {
                self.info(maker);
                Final::Ok
            }
            ("+CGMM" | "+GMM", Kind::Exec) => {
                self.info(model);
                Final::Ok
            }
            ("+CGMR" | "+GMR", Kind::Exec) => {
                self.info(&format!("QLSSLAT_{}", env!("CARGO_PKG_VERSION")));
                Final::Ok
            }
            ("+CREG" | "+CGREG" | "+CEREG", Kind::Read) => {
                self.info(&format!("{}: 0,1", c.name));
                Final::Ok
            }
            ("+CREG" | "+CGREG" | "+CEREG", Kind::Set(a)) if int_in(a.first(), 0, 2).is_some() => Final::Ok,
            ("+CFUN", Kind::Set(a)) if int_in(a.first(), 0, 1).is_some() || a.first().and_then(Arg::int) == Some(4) => {
                Final::Ok
            }
            ("+IPR", Kind::Set(a)) if a.first().and_then(Arg::int).is_some() => Final::Ok,
            ("+CCLK", Kind::Read) => {
                let t = self.clock_text();
                self.info(&format!("+CCLK: \"{t}\""));
                Final::Ok
            }
            ("+CCLK", Kind::Set(a)) => match a.first().and_then(Arg::text).and_then(|t| parse_cclk(&t)) {
                Some(secs) => {
                    self.clock_offset_s = secs - unix_now();
                    Final::Ok
                }
                None => Final::Cme(err::CME_BAD_PARAM),
            },
            ("+QICSGP", _) => self.qicsgp(c),
            ("+QIACT", _) => self.qiact(c),
            ("+QIDEACT", Kind::Set(a)) => match int_in(a.first(), 1, i64::from(PDP_MAX)) {
                Some(p) => {
                    let p = p as u8;
                    for id in 0..SOCKETS {
                        if self.slots[id].state != State::Free && self.slots[id].pdp == p {
                            self.release(id);
                            self.urc(&format!("+QSSLURC: \"closed\",{id}"));
                        }
                    }
                    self.pdp[usize::from(p)].active = false;
                    Final::Ok
                }
                None => Final::Cme(err::INVALID_PARAM),
            },
            ("+QIDNSCFG", Kind::Set(a)) => match int_in(a.first(), 1, i64::from(PDP_MAX)) {
                Some(p) if a.len() == 1 => {
                    let (x, y) = self.pdp[p as usize].dns.clone();
                    self.info(&format!("+QIDNSCFG: {p},\"{x}\",\"{y}\""));
                    Final::Ok
                }
                Some(p) => {
                    let pri = a.get(1).and_then(Arg::text).unwrap_or_default();
                    let sec = a.get(2).and_then(Arg::text).unwrap_or_default();
                    self.pdp[p as usize].dns = (pri, sec);
                    Final::Ok
                }
                None => Final::Cme(err::INVALID_PARAM),
            },
            ("+QIGETERROR", Kind::Exec) => {
                let e = self.last_error;
                self.info(&format!("+QIGETERROR: {e},{}", err_text(e)));
                Final::Ok
            }
            ("+QFUPL", Kind::Set(a)) => self.qfupl(a, now),
            ("+QFLST", _) => self.qflst(set(c)),
            ("+QFDEL", Kind::Set(a)) => self.qfdel(a),
            ("+QFDWL", Kind::Set(a)) => self.qfdwl(a),
            ("+QSSLCFG", _) => self.qsslcfg(c),
            ("+QSSLOPEN", Kind::Set(a)) => self.qsslopen(a),
            ("+QSSLSEND", Kind::Set(a)) => self.qsslsend(a, now),
            ("+QSSLRECV", Kind::Set(a)) => self.qsslrecv(a),
            ("+QSSLSTATE", Kind::Test) => Final::Ok,
            ("+QSSLSTATE", Kind::Exec) => {
                for id in 0..SOCKETS {
                    self.state_line(id);
                }
                Final::Ok
            }
            ("+QSSLSTATE", Kind::Set(a)) => self.qsslstate(a),
            ("+QSSLCLOSE", Kind::Set(a)) => {
                match (int_in(a.first(), 0, SOCKETS as i64 - 1), a.get(1).map(|t| int_in(Some(t), 0, 65535))) {
                    (Some(id), None) if a.len() == 1 => self.qsslclose(id as usize, CLOSE_TIMEOUT_DEFAULT, now),
                    (Some(id), Some(Some(t))) if a.len() == 2 => self.qsslclose(id as usize, t as u64, now),
                    _ => Final::Cme(err::INVALID_PARAM),
                }
            }
            ("+QISWTMD", Kind::Set(a)) => self.qiswtmd(a),
            _ => Final::Error,
        }
    }

    /// The module clock (`AT+CCLK`), seconds since the epoch. Certificate validity periods are
    /// judged against it when `ignorelocaltime` is 0.
    pub(crate) fn module_time(&self) -> i64 {
        unix_now() + self.clock_offset_s
    }

    fn clock_text(&self) -> String {
        let t = self.module_time();
        let (y, mo, d, h, mi, s) = civil_from_unix(t);
        format!("{:02}/{:02}/{:02},{:02}:{:02}:{:02}+00", y % 100, mo, d, h, mi, s)
    }

    fn ato(&mut self) -> Final {
        match self.last_transparent {
            Some(id) if self.slots[id].state == State::Connected && self.slots[id].mode == 2 => {
                self.enter_data(id);
                Final::None
            }
            _ => {
                line(&mut self.out, "NO CARRIER");
                Final::None
            }
        }
    }

    fn enter_data(&mut self, id: usize) {
        line(&mut self.out, "CONNECT");
        // Data that arrived while in command mode comes first.
        let pending = self.take_held(id, usize::MAX);
        self.out.extend_from_slice(&pending);
        let now = Instant::now();
        self.mode = Mode::Data { id, last_rx: now, plus: 0, plus_at: now };
        self.last_transparent = Some(id);
    }

    fn qicsgp(&mut self, c: &Cmd) -> Final {
        // The test form is one of the FIXED_ANSWERS.
        let Kind::Set(a) = &c.kind else { return Final::Error };
        let Some(p) = int_in(a.first(), 1, i64::from(PDP_MAX)) else { return Final::Cme(err::INVALID_PARAM) };
        let p = p as usize;
        if a.len() == 1 {
            let d = self.pdp[p].clone();
            self.info(&format!("+QICSGP: {},\"{}\",\"{}\",\"{}\",{}", d.ctx_type, d.apn, d.user, d.pass, d.auth));
            return Final::Ok;
        }
        let Some(t) = int_in(a.get(1), 1, 3) else { return Final::Cme(err::INVALID_PARAM) };
        let text = |k: usize| a.get(k).map(|x| x.text().unwrap_or_default()).unwrap_or_default();
        let auth = match a.get(5) {
            None | Some(Arg::Empty) => 0,
            Some(x) => match int_in(Some(x), 0, 3) {
                Some(v) => v,
                None => return Final::Cme(err::INVALID_PARAM),
            },
        };
        let d = &mut self.pdp[p];
        d.ctx_type = t as u8;
        d.apn = text(2);
        d.user = text(3);
        d.pass = text(4);
        d.auth = auth as u8;
        Final::Ok
    }

    fn qiact(&mut self, c: &Cmd) -> Final {
        match &c.kind {
            Kind::Read => {
                for p in 1..=usize::from(PDP_MAX) {
                    if self.pdp[p].active {
                        let t = self.pdp[p].ctx_type;
                        self.info(&format!("+QIACT: {p},1,{t},\"127.0.0.1\""));
                    }
                }
                Final::Ok
            }
            Kind::Set(a) => match int_in(a.first(), 1, i64::from(PDP_MAX)) {
                Some(p) if a.len() == 1 => {
                    self.pdp[p as usize].active = true;
                    Final::Ok
                }
                _ => Final::Cme(err::INVALID_PARAM),
            },
            // The test form is one of the FIXED_ANSWERS.
            Kind::Test | Kind::Exec => Final::Error,
        }
    }

    // ------------------------------------------------------------------------------ files

    fn ufs_name(a: Option<&Arg>) -> Result<String, u16> {
        let t = a.and_then(Arg::text).ok_or(err::F_INVALID_INPUT)?;
        let name = t.strip_prefix("UFS:").or_else(|| t.strip_prefix("ufs:")).unwrap_or(&t);
        let ok = !name.is_empty()
            && name.len() <= 80
            && name != "."
            && name != ".."
            && name.bytes().all(|b| b.is_ascii_graphic() && b != b'/' && b != b'\\' && b != b'*');
        if ok {
            Ok(name.to_string())
        } else {
            Err(err::F_BAD_NAME)
        }
    }

    fn qfupl(&mut self, a: &[Arg], now: Instant) -> Final {
        let name = match Self::ufs_name(a.first()) {
            Ok(n) => n,
            Err(e) => return Final::Cme(e),
        };
        let Some(size) = int_in(a.get(1), 1, FILE_MAX as i64) else {
            return Final::Cme(if a.get(1).and_then(Arg::int).is_some() { err::F_TOO_LARGE } else { err::F_INVALID_INPUT });
        };
        let timeout = match a.get(2) {
            None | Some(Arg::Empty) => 5,
            Some(x) => match int_in(Some(x), 1, 65535) {
                Some(v) => v as u64,
                None => return Final::Cme(err::F_INVALID_INPUT),
            },
        };
        let path = self.opts.ufs.join(&name);
        if path.exists() {
            return Final::Cme(err::F_EXISTS);
        }
        line(&mut self.out, "CONNECT");
        self.start_upload(path, size as usize, timeout, now, None)
    }

    /// Take exactly `size` raw bytes for the file at `path` within `timeout_s` seconds (`fs_write`:
    /// see `Mode::Upload`).
    fn start_upload(&mut self, path: PathBuf, size: usize, timeout_s: u64, now: Instant, fs_write: Option<bool>) -> Final {
        let deadline = now + Duration::from_secs(timeout_s);
        self.mode = Mode::Upload { path, size, buf: Vec::with_capacity(size), deadline, fs_write };
        Final::None
    }

    fn finish_upload(&mut self) {
        let Mode::Upload { path, buf, fs_write, .. } = std::mem::replace(&mut self.mode, Mode::Command) else { return };
        if let Some(append) = fs_write {
            return self.air_fswrite_done(&path, &buf, append);
        }
        let written = fs::File::create_new(&path).and_then(|mut f| f.write_all(&buf));
        match written {
            Ok(()) => {
                self.info(&format!("+QFUPL: {},{:x}", buf.len(), checksum(&buf)));
                self.final_result(Final::Ok, false);
            }
            Err(_) => {
                let _ = fs::remove_file(&path);
                self.final_result(Final::Cme(err::F_WRITE), false);
            }
        }
    }

    fn list_files(&self) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = fs::read_dir(&self.opts.ufs)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .take(1000)
                    .map(|e| (e.file_name().to_string_lossy().into_owned(), e.metadata().map_or(0, |m| m.len())))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    fn qflst(&mut self, a: Option<Vec<Arg>>) -> Final {
        let pattern = a.as_ref().and_then(|a| a.first()).and_then(Arg::text);
        let all = match pattern.as_deref() {
            None | Some("*") | Some("UFS:*") | Some("UFS:") => true,
            Some(_) => false,
        };
        if all {
            for (n, s) in self.list_files() {
                self.info(&format!("+QFLST: \"UFS:{n}\",{s}"));
            }
            return Final::Ok;
        }
        let name = match Self::ufs_name(a.as_ref().and_then(|a| a.first())) {
            Ok(n) => n,
            Err(e) => return Final::Cme(e),
        };
        match fs::metadata(self.opts.ufs.join(&name)) {
            Ok(m) if m.is_file() => {
                self.info(&format!("+QFLST: \"UFS:{name}\",{}", m.len()));
                Final::Ok
            }
            _ => Final::Cme(err::F_NOT_FOUND),
        }
    }

    fn qfdel(&mut self, a: &[Arg]) -> Final {
        if matches!(a.first().and_then(Arg::text).as_deref(), Some("*") | Some("UFS:*")) {
            for (n, _) in self.list_files() {
                let _ = fs::remove_file(self.opts.ufs.join(n));
            }
            return Final::Ok;
        }
        let name = match Self::ufs_name(a.first()) {
            Ok(n) => n,
            Err(e) => return Final::Cme(e),
        };
        match fs::remove_file(self.opts.ufs.join(name)) {
            Ok(()) => Final::Ok,
            Err(_) => Final::Cme(err::F_NOT_FOUND),
        }
    }

    fn qfdwl(&mut self, a: &[Arg]) -> Final {
        let name = match Self::ufs_name(a.first()) {
            Ok(n) => n,
            Err(e) => return Final::Cme(e),
        };
        let path = self.opts.ufs.join(name);
        match fs::metadata(&path) {
            Ok(m) if m.is_file() && m.len() <= FILE_MAX as u64 => {}
            Ok(m) if m.is_file() => return Final::Cme(err::F_TOO_LARGE),
            _ => return Final::Cme(err::F_NOT_FOUND),
        }
        match fs::read(&path) {
            Ok(data) => {
                line(&mut self.out, "CONNECT");
                self.out.extend_from_slice(&data);
                self.info(&format!("+QFDWL: {},{:x}", data.len(), checksum(&data)));
                Final::Ok
            }
            Err(_) => Final::Cme(err::F_READ),
        }
    }

    // ------------------------------------------------------------------------------ QSSLCFG

    fn qsslcfg(&mut self, c: &Cmd) -> Final {
        let a = match &c.kind {
            Kind::Test => {
                let mut lines = vec![
                    "+QSSLCFG: \"sslversion\",(0-5),(0-4)".to_string(),
                    "+QSSLCFG: \"dtls\",(0-5),(0,1)".into(),
                    "+QSSLCFG: \"ciphersuite\",(0-5),(0X0035,0X002F,0X0005,0X0004,0X000A,0X003D,0XC002,0XC003,0XC004,0XC005,0XC007,0XC008,0XC009,0XC00A,0XC011,0XC012,0XC013,0XC014,0XC00C,0XC00D,0XC00E,0XC00F,0XC023,0XC024,0XC025,0XC026,0XC027,0XC028,0XC029,0XC02A,0XC02F,0XC030,0XFFFF)".into(),
                    "+QSSLCFG: \"seclevel\",(0-5),(0-2)".into(),
                    "+QSSLCFG: \"cacert\",(0-5),<cacertpath>".into(),
                    "+QSSLCFG: \"cacertex\",(0-5),<cacertpath>".into(),
                    "+QSSLCFG: \"clientcert\",(0-5),<client_cert_path>".into(),
                    "+QSSLCFG: \"clientkey\",(0-5),<client_key_path>".into(),
                    "+QSSLCFG: \"sni\",(0-5),(0,1)".into(),
                    "+QSSLCFG: \"ignorelocaltime\",(0-5),(0,1)".into(),
                    "+QSSLCFG: \"negotiatetime\",(0-5),(10-300)".into(),
                    "+QSSLCFG: \"closetimemode\",(0-5),(0,1)".into(),
                    "+QSSLCFG: \"ignoreinvalidcertsign\",(0-5),(0,1)".into(),
                    "+QSSLCFG: \"ignorecertitem\",(0-5),(0-1048575)".into(),
                    "+QSSLCFG: \"ignoremulticertchainverify\",(0-5),(0,1)".into(),
                    "+QSSLCFG: \"session_cache\",(0-5),(0,1)".into(),
                    "+QSSLCFG: \"dtlsversion\",(0-5),(0,1)".into(),
                ];
                lines.push("+QSSLCFG: \"psk\",(0-5),<identity>,<hexkey>".into());
                // This library's extension items (docs/IOT.md).
                lines.push("+QSSLCFG: \"alpn\",(0-5),\"<protocol>[,<protocol>...]\"".into());
                lines.push("+QSSLCFG: \"maxfraglen\",(0-5),(0,512,1024,2048,4096)".into());
                lines.push("+QSSLCFG: \"pinsha256\",(0-5),\"<sha256 hex>[:<sha256 hex>...]\"".into());
                lines.push("+QSSLCFG: \"cabundle\",(0-5),(0,1)".into());
                lines.push("+QSSLCFG: \"sessionstore\",(0-5),<store_path>".into());
                for l in lines {
                    self.info(&l);
                }
                return Final::Ok;
            }
            Kind::Set(a) => a,
            _ => return Final::Error,
        };
        let Some(item) = a.first().and_then(Arg::text).map(|t| t.to_ascii_lowercase()) else {
            return Final::Cme(err::INVALID_PARAM);
        };
        // `cacertex` without a context lists all six.
        if item == "cacertex" && a.len() == 1 {
            for ctx in 0..CONTEXTS as u8 {
                if !self.show_cfg(&item, ctx) {
                    return Final::Cme(err::INVALID_PARAM);
                }
            }
            return Final::Ok;
        }
        let Some(ctx) = int_in(a.get(1), 0, CONTEXTS as i64 - 1).map(|v| v as u8) else {
            return Final::Cme(err::INVALID_PARAM);
        };
        let value = a.get(2).filter(|v| !v.is_empty());
        let Some(value) = value else {
            if a.len() > 2 && item != "sni" {
                // An explicit empty value is not a query (Air724 erases; here it is refused).
                return Final::Cme(err::INVALID_PARAM);
            }
            return if self.show_cfg(&item, ctx) { Final::Ok } else { Final::Cme(err::INVALID_PARAM) };
        };
        if let Some(&(_, key, lo, hi)) = INT_ITEMS.iter().find(|i| i.0 == item) {
            let Some(v) = int_in(Some(value), lo, hi) else { return Final::Cme(err::INVALID_PARAM) };
            if a.len() != 3 {
                return Final::Cme(err::INVALID_PARAM);
            }
            return match key {
                None => {
                    self.closetimemode[usize::from(ctx)] = v as u8;
                    Final::Ok
                }
                Some(k) => self.set_item(ctx, ConfigItem::Int(k, v), err::NOT_SUPPORTED, err::INVALID_PARAM),
            };
        }
        if item == "ciphersuite" {
            // One suite (the seeds' form) or several separated by ':' as an extension.
            let text = value.text().unwrap_or_default();
            let mut ids = Vec::new();
            for part in text.split(':').take(64) {
                match parser::parse_hex_suite(&Arg::Tok(part.trim().to_string())) {
                    Some(id) => ids.push(id),
                    None => return Final::Cme(err::INVALID_PARAM),
                }
            }
            if ids.is_empty() || a.len() != 3 {
                return Final::Cme(err::INVALID_PARAM);
            }
            return self.set_item(ctx, ConfigItem::Ciphersuites(ids), err::NOT_SUPPORTED, err::INVALID_PARAM);
        }
        if let Some(&(_, key)) = PATH_ITEMS.iter().find(|i| i.0 == item) {
            let Arg::Str(_) = value else { return Final::Cme(err::INVALID_PARAM) };
            let name = match Self::ufs_name(Some(value)) {
                Ok(n) => n,
                Err(_) => return Final::Cme(err::INVALID_PARAM),
            };
            if a.len() != 3 {
                return Final::Cme(err::INVALID_PARAM);
            }
            let path = ConfigItem::Path(key, Some(format!("UFS:{name}")));
            return self.set_item(ctx, path, err::INVALID_PARAM, err::INVALID_PARAM);
        }
        if let Some(&(_, key)) = TEXT_ITEMS.iter().find(|i| i.0 == item) {
            let (Arg::Str(_), Some(text), 3) = (value, value.text(), a.len()) else { return Final::Cme(err::INVALID_PARAM) };
            return match self.svc.set(ctx, &ConfigItem::Text(key, text)) {
                Ok(()) => Final::Ok,
                Err(e) if e.code == -5 => Final::Cme(err::NOT_SUPPORTED),
                Err(_) => Final::Cme(err::INVALID_PARAM),
            };
        }
        if item == "psk" {
            let (Some(id), Some(key)) = (value.text(), a.get(3).and_then(Arg::text)) else {
                return Final::Cme(err::INVALID_PARAM);
            };
            return self.set_item(ctx, ConfigItem::Psk(Some((id, key))), err::INVALID_PARAM, err::INVALID_PARAM);
        }
        Final::Cme(err::INVALID_PARAM)
    }

    /// Set `item` of context `ctx` in the library: OK, `unsupported` for a feature this build
    /// lacks (the library's NOT_SUPPORT), `invalid` for anything else it refuses.
    fn set_item(&self, ctx: u8, item: ConfigItem, unsupported: u16, invalid: u16) -> Final {
        match self.svc.set(ctx, &item) {
            Ok(()) => Final::Ok,
            Err(e) if e.code == -5 => Final::Cme(unsupported),
            Err(_) => Final::Cme(invalid),
        }
    }

    /// Print one `+QSSLCFG:` query line; false for an unknown item.
    fn show_cfg(&mut self, item: &str, ctx: u8) -> bool {
        let text = if let Some(&(name, key, _, _)) = INT_ITEMS.iter().find(|i| i.0 == item) {
            let v = match key {
                None => i64::from(self.closetimemode[usize::from(ctx)]),
                Some(k) => match self.svc.get(ctx, k) {
                    Ok(ConfigItem::Int(_, v)) => v,
                    _ => return false,
                },
            };
            format!("+QSSLCFG: \"{name}\",{ctx},{v}")
        } else if item == "ciphersuite" {
            match self.svc.get(ctx, ConfigKey::Ciphersuite) {
                Ok(ConfigItem::Ciphersuites(ids)) => format!("+QSSLCFG: \"ciphersuite\",{ctx},{}", suites_text(&ids)),
                _ => return false,
            }
        } else if let Some(&(name, key)) = PATH_ITEMS.iter().find(|i| i.0 == item) {
            match self.svc.get(ctx, key) {
                Ok(ConfigItem::Path(_, p)) => format!("+QSSLCFG: \"{name}\",{ctx},\"{}\"", p.unwrap_or_default()),
                _ => return false,
            }
        } else if let Some(&(name, key)) = TEXT_ITEMS.iter().find(|i| i.0 == item) {
            match self.svc.get(ctx, key) {
                Ok(ConfigItem::Text(_, t)) => format!("+QSSLCFG: \"{name}\",{ctx},\"{t}\""),
                _ => return false,
            }
        } else if item == "psk" {
            match self.svc.get(ctx, ConfigKey::Psk) {
                Ok(ConfigItem::Psk(p)) => {
                    let (i, k) = p.unwrap_or_default();
                    format!("+QSSLCFG: \"psk\",{ctx},\"{i}\",\"{k}\"")
                }
                _ => return false,
            }
        } else {
            return false;
        };
        self.info(&text);
        true
    }

    // ------------------------------------------------------------------------------ sockets

    fn qsslopen(&mut self, a: &[Arg]) -> Final {
        let pdp = int_in(a.first(), 1, i64::from(PDP_MAX));
        let ctx = int_in(a.get(1), 0, CONTEXTS as i64 - 1);
        let id = int_in(a.get(2), 0, SOCKETS as i64 - 1);
        let host = match a.get(3) {
            Some(Arg::Str(s)) if !s.is_empty() && s.len() <= 255 => String::from_utf8(s.clone()).ok(),
            _ => None,
        };
        let port = int_in(a.get(4), 1, 65535);
        let mode = match a.get(5) {
            None | Some(Arg::Empty) => Some(0),
            x => int_in(x, 0, 2),
        };
        let (Some(pdp), Some(ctx), Some(id), Some(host), Some(port), Some(mode)) = (pdp, ctx, id, host, port, mode) else {
            return Final::Cme(err::INVALID_PARAM);
        };
        if a.len() > 6 {
            return Final::Cme(err::INVALID_PARAM);
        }
        let (pdp, ctx, id, port, mode) = (pdp as u8, ctx as u8, id as usize, port as u16, mode as u8);
        if self.slots[id].state != State::Free {
            return Final::Cme(err::ID_IN_USE);
        }
        if !self.pdp[usize::from(pdp)].active {
            return Final::Cme(err::PDP_OPEN);
        }
        let dtls = matches!(self.svc.get(ctx, ConfigKey::Dtls), Ok(ConfigItem::Int(_, 1)));
        let req = OpenRequest { tls_name: host.clone(), host, port, ctx, tls: true, dtls, pdp, mode };
        if !self.start_open(id, req) {
            return Final::Cme(err::NO_MEMORY);
        }
        if mode == 2 {
            self.mode = Mode::WaitConnect { id };
            Final::None
        } else {
            Final::Ok
        }
    }

    /// Claim socket `id` for `req` and start its opener thread (its verdict comes back as
    /// `Event::Opened`). False when no thread could be started: the socket is free again.
    fn start_open(&mut self, id: usize, req: OpenRequest) -> bool {
        let OpenRequest { host, tls_name, port, ctx, tls, dtls, pdp, mode } = req;
        let dest = self.opts.map.resolve(&host, port).map_err(|r| match r {
            Refusal::UnknownName => err::DNS_PARSE,
            Refusal::NotLoopback => err::CONNECT,
        });
        self.gen += 1;
        let gen = self.gen;
        let slot = &mut self.slots[id];
        *slot = Slot::new();
        slot.state = State::Opening;
        slot.gen = gen;
        slot.host = host;
        slot.rport = port;
        slot.pdp = pdp;
        slot.ctx = ctx;
        slot.mode = mode;
        let (svc, tx, opening_fd) = (self.svc.clone(), self.tx.clone(), slot.opening_fd.clone());
        let module_time = self.module_time();
        let spawned = std::thread::Builder::new().name(format!("at-open-{id}")).spawn(move || {
            let result = open_connection(&*svc, tls.then_some(ctx), dtls, &tls_name, dest, &opening_fd, module_time);
            // The session may be gone (client vanished): then nobody else can release it.
            if let Err(std::sync::mpsc::SendError(Event::Opened { result: Ok(Established { conn: Some(c), .. }), .. })) =
                tx.send(Event::Opened { id, gen, result })
            {
                svc.close(c);
            }
        });
        if spawned.is_err() {
            self.slots[id] = Slot::new();
        }
        spawned.is_ok()
    }

    fn on_opened(&mut self, id: usize, gen: u64, result: Result<Established, (u16, String)>) {
        let current = id < SOCKETS && self.slots[id].gen == gen && self.slots[id].state == State::Opening;
        if !current {
            // Closed while opening: release what the opener made.
            if let Ok(Established { conn: Some(c), .. }) = result {
                self.svc.close(c);
            }
            return;
        }
        let waiting = matches!(self.mode, Mode::WaitConnect { id: w } if w == id);
        match result {
            Ok(est) => {
                let slot = &mut self.slots[id];
                slot.state = State::Connected;
                slot.conn = est.conn;
                slot.lport = est.local_port;
                let (svc, tx, stop, backlog) = (self.svc.clone(), self.tx.clone(), slot.stop.clone(), slot.backlog.clone());
                let source = match (est.conn, &est.sock) {
                    (Some(conn), _) => Some(Source::Tls(svc, conn)),
                    (None, Sock::Tcp(s)) => s.try_clone().ok().map(Source::Plain),
                    (None, Sock::Udp(_)) => None,
                };
                slot.sock = Some(est.sock);
                if let Some(source) = source {
                    let _ = std::thread::Builder::new()
                        .name(format!("at-read-{id}"))
                        .spawn(move || reader(source, id, gen, &tx, &stop, &backlog));
                }
                self.last_error = 0;
                if self.dialect == Dialect::Air724 {
                    self.air_opened(id, None);
                } else if waiting {
                    self.enter_data(id);
                } else {
                    self.urc(&format!("+QSSLOPEN: {id},0"));
                }
            }
            Err((code, _why)) => {
                self.slots[id] = Slot::new();
                self.last_error = code;
                if self.dialect == Dialect::Air724 {
                    self.air_opened(id, Some(code));
                } else if waiting {
                    self.mode = Mode::Command;
                    self.final_result(Final::Cme(code), true);
                } else {
                    self.urc(&format!("+QSSLOPEN: {id},{code}"));
                }
            }
        }
    }

    fn on_data(&mut self, id: usize, gen: u64, bytes: Vec<u8>) {
        if id >= SOCKETS || self.slots[id].gen != gen || self.slots[id].state != State::Connected {
            return;
        }
        if matches!(self.mode, Mode::WaitClose { id: w, .. } if w == id) {
            // The host is closing this socket: what the peer still sends is dropped, and the
            // reader keeps reading so it sees the peer's close.
            self.slots[id].backlog.store(0, Ordering::SeqCst);
            return;
        }
        self.slots[id].total_rx += bytes.len() as u64;
        if matches!(self.mode, Mode::Data { id: d, .. } if d == id) {
            self.note_read(id, bytes.len());
            self.out.extend_from_slice(&bytes);
            return;
        }
        if self.dialect == Dialect::Air724 {
            return self.air_data(id, gen, bytes);
        }
        match self.slots[id].mode {
            1 => self.push_data(id, gen, &bytes, RECV_MAX, |n| format!("\r\n+QSSLURC: \"recv\",{id},{n}\r\n"), b"\r\n"),
            0 => {
                if self.hold(id, bytes) {
                    self.urc(&format!("+QSSLURC: \"recv\",{id}"));
                }
            }
            // Transparent connection while in command mode: kept for ATO (or AT+QSSLRECV).
            _ => {
                self.hold(id, bytes);
            }
        }
    }

    /// `n` bytes of socket `id` reached the host: counted as read and released from its backlog.
    fn note_read(&mut self, id: usize, n: usize) {
        let slot = &mut self.slots[id];
        slot.total_read += n as u64;
        slot.backlog.fetch_sub(n, Ordering::SeqCst);
    }

    /// Up to `max` of the bytes socket `id` holds for the host, taken out and counted as read.
    fn take_held(&mut self, id: usize, max: usize) -> Vec<u8> {
        let n = max.min(self.slots[id].buf.len());
        let data: Vec<u8> = self.slots[id].buf.drain(..n).collect();
        self.note_read(id, n);
        data
    }

    /// Keep `bytes` of socket `id` until the host asks for them; true when it held nothing before
    /// (the moment both dialects announce data).
    fn hold(&mut self, id: usize, bytes: Vec<u8>) -> bool {
        let buf = &mut self.slots[id].buf;
        let was_empty = buf.is_empty();
        buf.extend(bytes);
        was_empty
    }

    /// Push `bytes` of socket `id` to the host as URCs of at most `chunk` bytes each, every one
    /// framed as `head(len)`, the bytes, `tail`. The backlog is released as each URC is written
    /// (held URCs keep the reader back).
    fn push_data(&mut self, id: usize, gen: u64, bytes: &[u8], chunk: usize, head: impl Fn(usize) -> String, tail: &[u8]) {
        self.slots[id].total_read += bytes.len() as u64;
        for part in bytes.chunks(chunk) {
            let mut v = head(part.len()).into_bytes();
            v.extend_from_slice(part);
            v.extend_from_slice(tail);
            self.urcs.push_back((v, Some((id, gen, part.len()))));
        }
    }

    fn on_closed(&mut self, id: usize, gen: u64, _reason: &str) {
        if id >= SOCKETS || self.slots[id].gen != gen || self.slots[id].state != State::Connected {
            return;
        }
        if matches!(self.mode, Mode::WaitClose { id: w, gen: g, .. } if w == id && g == gen) {
            // The peer answered the close: the command ends now, without a "closed" URC.
            return self.finish_close(id);
        }
        self.slots[id].state = State::Closing;
        if self.dialect == Dialect::Air724 {
            self.air_closed(id);
        } else if matches!(self.mode, Mode::Data { id: d, .. } if d == id) {
            self.mode = Mode::Command;
            line(&mut self.out, "NO CARRIER");
        } else {
            self.urc(&format!("+QSSLURC: \"closed\",{id}"));
        }
    }

    /// `AT+QSSLCLOSE=<id>,<timeout>`: an established connection sends close_notify and waits up
    /// to `timeout` (seconds, or milliseconds with the context's `closetimemode` 1) for the peer
    /// to close; 0, or a socket that is not established, closes at once.
    fn qsslclose(&mut self, id: usize, timeout: u64, now: Instant) -> Final {
        let slot = &mut self.slots[id];
        if timeout == 0 || slot.state != State::Connected {
            self.release(id);
            return Final::Ok;
        }
        let wait = match self.closetimemode[usize::from(slot.ctx)] {
            1 => Duration::from_millis(timeout),
            _ => Duration::from_secs(timeout),
        };
        match (slot.conn, &slot.sock) {
            (Some(conn), _) => self.svc.close_notify(conn),
            (None, Some(Sock::Tcp(s))) => {
                let _ = s.shutdown(std::net::Shutdown::Write);
            }
            // A datagram link has no close to wait for.
            _ => {
                self.release(id);
                return Final::Ok;
            }
        }
        let slot = &mut self.slots[id];
        slot.buf.clear();
        slot.backlog.store(0, Ordering::SeqCst);
        if self.last_transparent == Some(id) {
            self.last_transparent = None;
        }
        self.mode = Mode::WaitClose { id, gen: slot.gen, deadline: now + wait };
        Final::None
    }

    /// The end of a waiting `AT+QSSLCLOSE`: the socket is freed and the command answers OK.
    fn finish_close(&mut self, id: usize) {
        self.release(id);
        self.mode = Mode::Command;
        self.final_result(Final::Ok, true);
    }

    /// Free socket `id` and everything under it.
    fn release(&mut self, id: usize) {
        let slot = std::mem::replace(&mut self.slots[id], Slot::new());
        slot.stop.store(true, Ordering::SeqCst);
        if let Some(fd) = *slot.opening_fd.lock().unwrap_or_else(|e| e.into_inner()) {
            // An open still in its handshake: end it now instead of after `negotiatetime`. The
            // opener holds the socket (and this lock) until it has stopped using the descriptor.
            // SAFETY: fd is the opener's live socket (checked under the lock); shutdown only
            // changes its state, it does not close it.
            unsafe { libc::shutdown(fd, libc::SHUT_RDWR) };
        }
        if let Some(conn) = slot.conn {
            self.svc.close(conn);
        } else if let Some(Sock::Tcp(s)) = &slot.sock {
            // A plain link's reader blocks on its own handle of the socket: wake it.
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        drop(slot.sock);
        if self.last_transparent == Some(id) {
            self.last_transparent = None;
        }
        if matches!(self.mode, Mode::Data { id: d, .. } if d == id) {
            self.mode = Mode::Command;
        }
        // Keep generations increasing so late events of the old connection are ignored.
        self.gen += 1;
        self.slots[id].gen = self.gen;
    }

    fn qsslsend(&mut self, a: &[Arg], now: Instant) -> Final {
        let Some(id) = int_in(a.first(), 0, SOCKETS as i64 - 1).map(|v| v as usize) else {
            return Final::Cme(err::INVALID_PARAM);
        };
        let fixed = match a.get(1) {
            None => None,
            Some(x) => match int_in(Some(x), 0, SEND_MAX as i64) {
                // `=<id>,0`: the TCP manual's query of sent bytes (accepted form).
                Some(0) => {
                    let s = &self.slots[id];
                    if s.state == State::Free {
                        return Final::Cme(err::NOT_ALLOWED);
                    }
                    let t = s.total_sent;
                    self.info(&format!("+QSSLSEND: {t},{t},0"));
                    return Final::Ok;
                }
                Some(n) => Some(n as usize),
                None => return Final::Cme(err::INVALID_PARAM),
            },
        };
        if a.len() > 2 {
            return Final::Cme(err::INVALID_PARAM);
        }
        match self.slots[id].state {
            State::Connected if self.slots[id].mode != 2 => {}
            State::Closing => return Final::Cme(err::CLOSED),
            _ => return Final::Cme(err::NOT_ALLOWED),
        }
        self.out.extend_from_slice(b"\r\n> ");
        self.start_prompt(id, fixed, now)
    }

    /// Take the data of a send to socket `id` (`fixed` bytes, or up to Ctrl-Z) until the prompt
    /// timeout.
    fn start_prompt(&mut self, id: usize, fixed: Option<usize>, now: Instant) -> Final {
        self.mode = Mode::Prompt { id, fixed, buf: Vec::new(), deadline: now + self.opts.prompt_timeout, overflow: false };
        Final::None
    }

    fn finish_send(&mut self) {
        let Mode::Prompt { id, buf, overflow, .. } = std::mem::replace(&mut self.mode, Mode::Command) else { return };
        let outcome = if overflow {
            SendOutcome::TooLong
        } else if self.slots[id].state != State::Connected {
            SendOutcome::Closed
        } else if buf.is_empty() {
            SendOutcome::Sent(0)
        } else {
            match self.link_write(id, &buf) {
                Ok(()) => {
                    self.slots[id].total_sent += buf.len() as u64;
                    SendOutcome::Sent(buf.len())
                }
                Err(FailKind::Reset) => SendOutcome::Reset,
                Err(FailKind::PeerClosed) => SendOutcome::Closed,
                Err(_) => SendOutcome::Failed,
            }
        };
        match self.dialect {
            Dialect::Quectel => self.qsslsend_result(outcome),
            Dialect::Air724 => self.air_send_result(id, outcome),
        }
    }

    fn qsslsend_result(&mut self, outcome: SendOutcome) {
        match outcome {
            SendOutcome::TooLong => self.final_result(Final::Cme(err::INVALID_PARAM), true),
            SendOutcome::Closed => self.final_result(Final::Cme(err::CLOSED), true),
            SendOutcome::Sent(_) => {
                self.last_error = 0;
                line(&mut self.out, "SEND OK");
            }
            SendOutcome::Reset => {
                self.last_error = err::CLOSED;
                line(&mut self.out, "ERROR");
            }
            SendOutcome::Failed => {
                self.last_error = err::WRITE_FAILED;
                line(&mut self.out, "SEND FAIL");
            }
        }
    }

    fn qsslrecv(&mut self, a: &[Arg]) -> Final {
        let (Some(id), Some(len)) = (int_in(a.first(), 0, SOCKETS as i64 - 1), int_in(a.get(1), 0, RECV_MAX as i64)) else {
            return Final::Cme(err::INVALID_PARAM);
        };
        if a.len() != 2 {
            return Final::Cme(err::INVALID_PARAM);
        }
        let id = id as usize;
        let slot = &self.slots[id];
        if matches!(slot.state, State::Free | State::Opening) {
            return Final::Cme(err::NOT_ALLOWED);
        }
        if len == 0 {
            let (t, r) = (slot.total_rx, slot.total_read);
            self.info(&format!("+QSSLRECV: {t},{r},{}", t - r));
            return Final::Ok;
        }
        let data = self.take_held(id, len as usize);
        let n = data.len();
        let mut v = format!("\r\n+QSSLRECV: {n}\r\n").into_bytes();
        if n > 0 {
            v.extend_from_slice(&data);
            v.extend_from_slice(b"\r\n");
        }
        self.out.extend_from_slice(&v);
        Final::Ok
    }

    fn state_line(&mut self, id: usize) {
        let s = &self.slots[id];
        let state = match s.state {
            State::Free => return,
            State::Opening => 1,
            State::Connected => 2,
            State::Closing => 4,
        };
        let text = format!(
            "+QSSLSTATE: {id},\"SSLClient\",\"{}\",{},{},{state},{},{id},{},\"usbmodem\",{}",
            s.host, s.rport, s.lport, s.pdp, s.mode, s.ctx
        );
        self.info(&text);
    }

    fn qsslstate(&mut self, a: &[Arg]) -> Final {
        match a.len() {
            1 => match int_in(a.first(), 0, SOCKETS as i64 - 1) {
                Some(id) => {
                    self.state_line(id as usize);
                    Final::Ok
                }
                None => Final::Cme(err::INVALID_PARAM),
            },
            // The TCP manual's forms: `=1,<id>` (one socket) and `=0,<pdp>` (a PDP context's).
            2 => match (int_in(a.first(), 0, 1), a.get(1).and_then(Arg::int)) {
                (Some(1), Some(id)) if (0..SOCKETS as i64).contains(&id) => {
                    self.state_line(id as usize);
                    Final::Ok
                }
                (Some(0), Some(p)) if (1..=i64::from(PDP_MAX)).contains(&p) => {
                    for id in 0..SOCKETS {
                        if i64::from(self.slots[id].pdp) == p {
                            self.state_line(id);
                        }
                    }
                    Final::Ok
                }
                _ => Final::Cme(err::INVALID_PARAM),
            },
            _ => Final::Cme(err::INVALID_PARAM),
        }
    }

    fn qiswtmd(&mut self, a: &[Arg]) -> Final {
        let (Some(id), Some(mode)) = (int_in(a.first(), 0, SOCKETS as i64 - 1), int_in(a.get(1), 0, 2)) else {
            return Final::Cme(err::INVALID_PARAM);
        };
        let id = id as usize;
        if self.slots[id].state != State::Connected {
            return Final::Cme(err::NOT_ALLOWED);
        }
        self.slots[id].mode = mode as u8;
        if mode == 2 {
            self.enter_data(id);
            return Final::None;
        }
        if !self.slots[id].buf.is_empty() {
            // Buffered data becomes visible in the new mode's way.
            let data: Vec<u8> = self.slots[id].buf.drain(..).collect();
            let gen = self.slots[id].gen;
            // Counted once already when it arrived.
            self.slots[id].total_rx -= data.len() as u64;
            self.on_data(id, gen, data);
        }
        Final::Ok
    }
}

/// Resolve, connect and handshake (runs on a helper thread).
/// `ctx` None: a plain TCP link (Air724 with `AT+CIPSSL=0`), no TLS.
fn open_connection(
    svc: &dyn TlsService,
    ctx: Option<u8>,
    dtls: bool,
    host: &str,
    dest: Result<SocketAddr, u16>,
    opening_fd: &Mutex<Option<RawFd>>,
    module_time: i64,
) -> Result<Established, (u16, String)> {
    let addr = dest.map_err(|c| (c, "refused by --map".to_string()))?;
    let (sock, fd, local_port) = if dtls {
        let bind = if addr.is_ipv4() { "127.0.0.1:0" } else { "[::1]:0" };
        let s = UdpSocket::bind(bind).map_err(|e| (err::CREATE_SOCKET, e.to_string()))?;
        s.connect(addr).map_err(|e| (err::CONNECT, e.to_string()))?;
        let lp = s.local_addr().map(|a| a.port()).unwrap_or(0);
        let fd = s.as_raw_fd();
        (Sock::Udp(s), fd, lp)
    } else {
        let s = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT).map_err(|e| {
            let code = if e.kind() == std::io::ErrorKind::TimedOut { err::TIMEOUT } else { err::CONNECT };
            (code, e.to_string())
        })?;
        let _ = s.set_nodelay(true);
        let lp = s.local_addr().map(|a| a.port()).unwrap_or(0);
        let fd = s.as_raw_fd();
        (Sock::Tcp(s), fd, lp)
    };
    let Some(ctx) = ctx else { return Ok(Established { conn: None, sock, local_port }) };
    let conn = svc.open(ctx, fd, host, module_time).map_err(|e| (err::INVALID_PARAM, e.text))?;
    *opening_fd.lock().unwrap_or_else(|e| e.into_inner()) = Some(fd);
    let shaken = svc.handshake(conn);
    // From here on `sock` may be closed: nobody may shut the descriptor down any more.
    *opening_fd.lock().unwrap_or_else(|e| e.into_inner()) = None;
    if let Err(e) = shaken {
        svc.close(conn);
        let code = if e.kind == FailKind::Timeout { err::TIMEOUT } else { err::HANDSHAKE };
        return Err((code, e.text));
    }
    Ok(Established { conn: Some(conn), sock, local_port })
}

/// Where a reader thread takes a link's data from.
enum Source {
    Tls(Arc<dyn TlsService>, ConnId),
    Plain(TcpStream),
}

impl Source {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, String> {
        match self {
            Source::Tls(svc, conn) => svc.read(*conn, buf).map_err(|e| e.text),
            Source::Plain(s) => {
                use std::io::Read as _;
                match s.read(buf) {
                    Ok(0) => Err("peer closed".into()),
                    Ok(n) => Ok(n),
                    Err(e) => Err(e.to_string()),
                }
            }
        }
    }
}

/// Read a connection until it ends (runs on a helper thread).
fn reader(
    mut source: Source,
    id: usize,
    gen: u64,
    tx: &Sender<Event>,
    stop: &AtomicBool,
    backlog: &AtomicUsize,
) {
    let mut buf = vec![0u8; RECV_MAX];
    while !stop.load(Ordering::SeqCst) {
        // The host is not reading: stop taking data from the network (TCP flow control pushes
        // back to the server). Ends when the host reads or the connection is released.
        if backlog.load(Ordering::SeqCst) >= BACKLOG_MAX {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        match source.read(&mut buf) {
            Ok(n) => {
                backlog.fetch_add(n, Ordering::SeqCst);
                if tx.send(Event::Data { id, gen, bytes: buf[..n].to_vec() }).is_err() {
                    return;
                }
            }
            Err(reason) => {
                let _ = tx.send(Event::Closed { id, gen, reason });
                return;
            }
        }
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// `"yy/MM/dd,hh:mm:ss±zz"` (zz in quarter hours) → seconds since the epoch.
fn parse_cclk(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20 || b[2] != b'/' || b[5] != b'/' || b[8] != b',' || b[11] != b':' || b[14] != b':' {
        return None;
    }
    let n = |r: core::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d, h, mi, se) = (n(0..2)?, n(3..5)?, n(6..8)?, n(9..11)?, n(12..14)?, n(15..17)?);
    let sign = match b[17] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let q = n(18..20)?;
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 59 || q > 96 {
        return None;
    }
    Some(days_from_civil(2000 + y, mo, d) * 86400 + h * 3600 + mi * 60 + se - sign * q * 900)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::at::service::{ConnInfo, ServiceError, SvcResult};

    struct Stub;
    impl TlsService for Stub {
        fn set(&self, _: u8, _: &ConfigItem) -> SvcResult<()> {
            Ok(())
        }
        fn get(&self, _: u8, key: ConfigKey) -> SvcResult<ConfigItem> {
            Ok(ConfigItem::Int(key, 0))
        }
        fn open(&self, _: u8, _: std::os::fd::RawFd, _: &str, _: i64) -> SvcResult<ConnId> {
            Err(ServiceError { kind: FailKind::Other, code: -1, text: String::new() })
        }
        fn handshake(&self, _: ConnId) -> SvcResult<()> {
            Ok(())
        }
        fn read(&self, _: ConnId, _: &mut [u8]) -> SvcResult<usize> {
            Ok(0)
        }
        fn write(&self, _: ConnId, _: &[u8]) -> SvcResult<()> {
            Ok(())
        }
        fn info(&self, _: ConnId) -> ConnInfo {
            ConnInfo::default()
        }
        fn close(&self, _: ConnId) {}
        fn close_notify(&self, _: ConnId) {}
    }

    /// Every command in COMMANDS (the list docs/AT.md is checked against) is known to the engine:
    /// one of its forms gets an answer other than the unknown-command `ERROR`.
    #[test]
    fn every_listed_command_is_answered() {
        let (tx, _rx) = std::sync::mpsc::channel();
        let opts = Options { ufs: std::env::temp_dir(), map: Remap::default(), prompt_timeout: Duration::from_secs(1) };
        let mut e = Engine::new(Arc::new(Stub), tx, opts);
        e.echo = false;
        for name in COMMANDS {
            let forms: Vec<String> = if name.starts_with("AT+") {
                ["=?", "?", "", "="].iter().map(|f| format!("{name}{f}")).collect()
            } else {
                vec![name.to_string()]
            };
            let answered = forms.iter().any(|f| {
                e.feed(format!("{f}\r").as_bytes(), Instant::now());
                let out = e.take_output();
                // Leave any mode a form entered (a prompt, an upload).
                e.mode = Mode::Command;
                out != b"\r\nERROR\r\n"
            });
            assert!(answered, "{name} is not answered");
        }
    }

    /// The same for the Air724 dialect's own commands, and its Quectel commands are gone.
    #[test]
    fn every_air724_command_is_answered() {
        let (tx, _rx) = std::sync::mpsc::channel();
        let opts = Options { ufs: std::env::temp_dir(), map: Remap::default(), prompt_timeout: Duration::from_secs(1) };
        let mut e = Engine::with_dialect(Arc::new(Stub), tx, opts, Dialect::Air724);
        e.echo = false;
        // Numbered errors: a known command refused in this state is not the unknown-command ERROR.
        e.cmee = 1;
        for name in air724::AIR_COMMANDS {
            let answered = ["=?", "?", "", "=", "=0", "=\"x\",0"].iter().any(|f| {
                e.feed(format!("{name}{f}\r").as_bytes(), Instant::now());
                let out = e.take_output();
                e.mode = Mode::Command;
                out != b"\r\nERROR\r\n"
            });
            assert!(answered, "{name} is not answered");
        }
        e.feed(b"AT+QSSLCFG=\"sslversion\",0\r", Instant::now());
        assert_eq!(e.take_output(), b"\r\nERROR\r\n");
    }

    #[test]
    fn checksum_is_16_bit_xor() {
        assert_eq!(checksum(b""), 0);
        assert_eq!(checksum(b"\x12\x34\x56\x78"), 0x1234 ^ 0x5678);
        assert_eq!(checksum(b"\x12\x34\x56"), 0x1234 ^ 0x5600);
    }

    #[test]
    fn clock() {
        let t = parse_cclk("24/02/29,12:34:56+00").unwrap();
        assert_eq!(civil_from_unix(t), (2024, 2, 29, 12, 34, 56));
        assert_eq!(parse_cclk("24/02/29,12:34:56+08").unwrap(), t - 2 * 3600);
        assert!(parse_cclk("24/13/29,12:34:56+00").is_none());
    }
}
