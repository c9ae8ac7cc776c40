//! qlssl-server: the qlssl host runtime's embedded default peer.
//!
//! * HTTPS on TCP: completes a TLS handshake (SSL 3.0 .. TLS 1.2, every suite this mbedtls can
//!   serve, RC4 and 3DES included, resumption by session id and by ticket), reads one HTTP request,
//!   answers a `GET` with a short `HTTP/1.0 200` response (anything else with 400/405), sends
//!   close_notify, closes.
//! * DTLS echo on UDP: DTLS 1.0/1.2, PSK (a table of identities; by default the older SDK demo's
//!   `123`/`123456` and our demo's) and certificate suites, HelloVerify cookies, resumption;
//!   echoes every record back until the client's close_notify or idle timeout.
//!
//! Loopback only (it refuses any other bind address). Port 0 picks a free port; the chosen
//! ports are printed and optionally written to `--port-file`. Every loop is bounded in time
//! and count; SIGTERM/SIGINT stop it cleanly (it prints its statistics and exits 0).
#![deny(unsafe_op_in_unsafe_fn)]

mod http;
mod stats;
mod tls;

use std::io::{Read, Write};
use std::os::raw::c_int;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mbedtls::error::codes;
use mbedtls::pk::Pk;
use mbedtls::rng::{CtrDrbg, OsEntropy};
use mbedtls::ssl::config::{Endpoint, Preset, Transport};
use mbedtls::ssl::context::Timer;
use mbedtls::ssl::{Config, Context, CookieContext, Io};
use mbedtls::x509::certificate::Builder;
use mbedtls::x509::{Certificate, Time};

use stats::{Service, Stats};

static STOP: AtomicBool = AtomicBool::new(false);
static VERBOSE: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_sig: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

macro_rules! log {
    ($($arg:tt)*) => { eprintln!("qlssl-server: {}", format!($($arg)*)) };
}
macro_rules! vlog {
    ($($arg:tt)*) => { if VERBOSE.load(Ordering::Relaxed) { log!($($arg)*) } };
}

struct Opts {
    bind: IpAddr,
    https_port: Option<u16>,
    dtls_port: Option<u16>,
    psk_identity: Option<String>,
    psk_key: Option<Vec<u8>>,
    psk_extra: tls::PskTable,
    cert: Option<String>,
    key: Option<String>,
    write_ca: Option<String>,
    port_file: Option<String>,
    stats_file: Option<String>,
    max_seconds: u64,
    max_conns: usize,
    body_size: usize,
    verbose: bool,
}

const USAGE: &str = "usage: qlssl-server [options]
  --bind ADDR            loopback address to listen on (default 127.0.0.1; non-loopback is refused)
  --https-port N|off     TCP port for HTTPS (default 0 = pick a free port)
  --dtls-port N|off      UDP port for the DTLS echo (default 0 = pick a free port)
  --psk-identity ID      accept only this PSK identity (with --psk-key, default key 0102..0f10)
  --psk-key HEX          its key as hex (with --psk-identity, default identity qlssl_demo)
  --psk ID:HEX           accept this identity with this key as well (repeatable)
                         Without any of the three, two PSKs are accepted: identity '123' with key
                         ASCII '123456' (the older SDK demo's) and 'qlssl_demo' with
                         0102030405060708090a0b0c0d0e0f10 (c_examples/ssl_demo.c's).
  --cert FILE --key FILE load the server certificate chain and key (PEM) instead of generating
  --write-ca FILE        write the server certificate(s) as PEM (a CA file for verifying clients)
  --port-file FILE       write 'https=PORT' / 'dtls=PORT' lines once listening
  --stats-file FILE      write the final statistics line there on exit
  --max-seconds N        exit by itself after N seconds (default 3600)
  --max-conns N          concurrent HTTPS connections (default 16)
  --body-size N          pad the HTTP response body to N bytes (default 0: a short body, the whole
                         response under 120 bytes; max 65536)
  -v                     log every connection";

fn parse_hex(s: &str) -> Option<Vec<u8>> {
    // mbedtls' MBEDTLS_PSK_MAX_LEN: 32 bytes.
    if s.is_empty() || !s.len().is_multiple_of(2) || s.len() > 64 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

fn parse_port(s: &str) -> Result<Option<u16>, String> {
    if s == "off" {
        return Ok(None);
    }
    s.parse::<u16>().map(Some).map_err(|_| format!("bad port '{}'", s))
}

/// What the command line asks for: run with these options, or print the usage.
enum Command {
    Run(Box<Opts>),
    Help,
}

/// The value of the option just read by `parser`, as UTF-8; `name` is the option as written.
fn value_of(parser: &mut lexopt::Parser, name: &str) -> Result<String, String> {
    let v = parser.value().map_err(|_| format!("{} needs a value", name))?;
    v.into_string().map_err(|v| format!("{}: '{}' is not UTF-8", name, v.to_string_lossy()))
}

/// Parses the arguments after the program name (lexopt: `--opt VALUE` and `--opt=VALUE` alike).
fn parse_args<I>(args: I) -> Result<Command, String>
where
    I: IntoIterator,
    I::Item: Into<std::ffi::OsString>,
{
    use lexopt::Arg::{Long, Short, Value};
    let mut o = Opts {
        bind: IpAddr::from([127, 0, 0, 1]),
        https_port: Some(0),
        dtls_port: Some(0),
        psk_identity: None,
        psk_key: None,
        psk_extra: Vec::new(),
        cert: None,
        key: None,
        write_ca: None,
        port_file: None,
        stats_file: None,
        max_seconds: 3600,
        max_conns: 16,
        body_size: 0,
        verbose: false,
    };
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Short('v') => o.verbose = true,
            Short('h') | Long("help") => return Ok(Command::Help),
            Long("bind") => {
                let v = value_of(&mut parser, "--bind")?;
                o.bind = v.parse().map_err(|_| format!("bad address '{}'", v))?
            }
            Long("https-port") => o.https_port = parse_port(&value_of(&mut parser, "--https-port")?)?,
            Long("dtls-port") => o.dtls_port = parse_port(&value_of(&mut parser, "--dtls-port")?)?,
            Long("psk-identity") => {
                let v = value_of(&mut parser, "--psk-identity")?;
                if v.is_empty() || v.len() > 128 {
                    return Err("PSK identity must be 1..128 bytes".into());
                }
                o.psk_identity = Some(v)
            }
            Long("psk-key") => {
                let v = value_of(&mut parser, "--psk-key")?;
                o.psk_key = Some(parse_hex(&v).ok_or("PSK key must be 1..32 bytes of hex")?)
            }
            Long("psk") => {
                let v = value_of(&mut parser, "--psk")?;
                let (id, hex) = v.split_once(':').ok_or("--psk wants ID:HEX")?;
                if id.is_empty() || id.len() > 128 {
                    return Err("PSK identity must be 1..128 bytes".into());
                }
                let key = parse_hex(hex).ok_or("PSK key must be 1..32 bytes of hex")?;
                if o.psk_extra.len() >= 64 {
                    return Err("at most 64 --psk".into());
                }
                o.psk_extra.push((id.as_bytes().to_vec(), key));
            }
            Long("cert") => o.cert = Some(value_of(&mut parser, "--cert")?),
            Long("key") => o.key = Some(value_of(&mut parser, "--key")?),
            Long("write-ca") => o.write_ca = Some(value_of(&mut parser, "--write-ca")?),
            Long("port-file") => o.port_file = Some(value_of(&mut parser, "--port-file")?),
            Long("stats-file") => o.stats_file = Some(value_of(&mut parser, "--stats-file")?),
            Long("max-seconds") => {
                o.max_seconds = value_of(&mut parser, "--max-seconds")?
                    .parse()
                    .ok()
                    .filter(|n| (1..=86400).contains(n))
                    .ok_or("bad --max-seconds (1..86400)")?
            }
            Long("max-conns") => {
                o.max_conns = value_of(&mut parser, "--max-conns")?
                    .parse()
                    .ok()
                    .filter(|n| (1..=256).contains(n))
                    .ok_or("bad --max-conns (1..256)")?
            }
            Long("body-size") => {
                o.body_size = value_of(&mut parser, "--body-size")?
                    .parse()
                    .ok()
                    .filter(|n| *n <= 65536)
                    .ok_or("bad --body-size (0..65536)")?
            }
            Value(v) => return Err(format!("unexpected argument '{}'", v.to_string_lossy())),
            other => return Err(other.unexpected().to_string()),
        }
    }
    if !o.bind.is_loopback() {
        return Err(format!("refusing to listen on non-loopback address {}", o.bind));
    }
    if o.cert.is_some() != o.key.is_some() {
        return Err("--cert and --key go together".into());
    }
    if o.https_port.is_none() && o.dtls_port.is_none() {
        return Err("both services are off".into());
    }
    Ok(Command::Run(Box::new(o)))
}

type CertKey = (Arc<mbedtls::alloc::List<Certificate>>, Arc<Pk>);

fn self_signed(rng: &mut CtrDrbg, mut key: Pk, cn: &str) -> mbedtls::Result<(String, Pk)> {
    // Self-signed: the subject key is also the issuer key. mbedtls needs two handles.
    let mut issuer = Pk::from_private_key(&key.write_private_der_vec()?, None)?;
    let not_before = Time::new(2024, 1, 1, 0, 0, 0).unwrap();
    let not_after = Time::new(2049, 12, 31, 23, 59, 59).unwrap();
    let subject = format!("CN={},O=qlssl test server", cn);
    let pem = Builder::new()
        .subject(&subject)?
        .issuer(&subject)?
        .subject_key(&mut key)
        .issuer_key(&mut issuer)
        .signature_hash(mbedtls::hash::Type::Sha256)
        .basic_constraints(true, Some(0))?
        .validity(not_before, not_after)?
        .serial(&[0x51, 0x4c])?
        .write_pem_string(rng)?;
    Ok((pem, key))
}

fn server_certs(o: &Opts, rng: &mut CtrDrbg) -> Result<(Vec<CertKey>, String), String> {
    let mut pairs = Vec::new();
    let mut pems = String::new();
    let e = |what: &str, err: mbedtls::Error| format!("{}: {}", what, err);
    if let (Some(c), Some(k)) = (&o.cert, &o.key) {
        let mut cpem = std::fs::read(c).map_err(|err| format!("{}: {}", c, err))?;
        let mut kpem = std::fs::read(k).map_err(|err| format!("{}: {}", k, err))?;
        pems.push_str(&String::from_utf8_lossy(&cpem));
        cpem.push(0);
        kpem.push(0);
        let chain = Certificate::from_pem_multiple(&cpem).map_err(|err| e(c, err))?;
        let key = Pk::from_private_key(&kpem, None).map_err(|err| e(k, err))?;
        pairs.push((Arc::new(chain), Arc::new(key)));
        return Ok((pairs, pems));
    }
    // Generate an ECDSA P-256 and an RSA-2048 certificate so ECDHE-ECDSA, ECDHE-RSA and RSA
    // suites can all be negotiated.
    let ec = Pk::generate_ec(rng, mbedtls::pk::EcGroupId::SecP256R1).map_err(|err| e("EC key", err))?;
    let rsa = Pk::generate_rsa(rng, 2048, 65537).map_err(|err| e("RSA key", err))?;
    for (key, cn) in [(ec, "localhost"), (rsa, "localhost")] {
        let (pem, key) = self_signed(rng, key, cn).map_err(|err| e("certificate", err))?;
        let mut z = pem.clone().into_bytes();
        z.push(0);
        let chain = Certificate::from_pem_multiple(&z).map_err(|err| e("certificate", err))?;
        pems.push_str(&pem);
        pairs.push((Arc::new(chain), Arc::new(key)));
    }
    Ok((pairs, pems))
}

fn is_code(e: &mbedtls::Error, c: mbedtls::error::HiError) -> bool {
    e.high_level() == Some(c)
}

fn would_block(e: &mbedtls::Error) -> bool {
    is_code(e, codes::SslWantRead) || is_code(e, codes::SslWantWrite)
}

// ---------------------------------------------------------------- HTTPS

/// The TCP stream under a TLS context, counting what the client sent: a handshake that fails
/// after the client sent something is a failed handshake (`https_hs_failed`); a connection
/// closed before any byte is not.
/// (Shared: mbedtls' wrapper drops the stream when a handshake fails.)
struct CountingStream {
    tcp: TcpStream,
    received: Arc<AtomicU64>,
}

impl Read for CountingStream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.tcp.read(buf)?;
        self.received.fetch_add(n as u64, Ordering::SeqCst);
        Ok(n)
    }
}

impl Write for CountingStream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tcp.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.tcp.flush()
    }
}

/// Seconds one HTTPS connection may take from accept to close: generous, because an app under
/// AddressSanitizer may handshake two connections and only then send on the first.
const HTTPS_CONN_SECONDS: u64 = 30;

fn https_conn(cfg: Arc<Config>, stream: TcpStream, stats: &Stats, id: u64, body_size: usize) -> Result<(), String> {
    let peer = stream.peer_addr().map(|a| a.to_string()).unwrap_or_default();
    stream.set_read_timeout(Some(Duration::from_millis(100))).map_err(|e| e.to_string())?;
    stream.set_write_timeout(Some(Duration::from_secs(5))).map_err(|e| e.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(HTTPS_CONN_SECONDS);
    let mut ctx = Context::new(cfg);
    tls::reset_resumed();
    let received = Arc::new(AtomicU64::new(0));
    let mut r = ctx.establish(CountingStream { tcp: stream, received: received.clone() }, None);
    let mut rounds = 0u32;
    while let Err(e) = &r {
        let why = if !would_block(e) {
            Some(e.to_string())
        } else if Instant::now() > deadline || rounds > 1_000_000 || STOP.load(Ordering::SeqCst) {
            Some("timed out".to_string())
        } else {
            None
        };
        if let Some(why) = why {
            let received = received.load(Ordering::SeqCst);
            if received > 0 {
                stats.https_hs_failed.fetch_add(1, Ordering::SeqCst);
            }
            return Err(format!("https #{}: handshake with {} failed after {} bytes from it: {}", id, peer, received, why));
        }
        rounds += 1;
        r = ctx.handshake();
    }
    let (version, suite) = tls::negotiated(&ctx);
    let resumed = tls::take_resumed(ctx.ciphersuite().map(c_int::from).unwrap_or(0));
    stats.handshake(Service::Https, &version, &suite, resumed);
    vlog!("https #{}: handshake with {} done: {} {}{}", id, peer, version, suite, resumed.map(|h| format!(" (resumed {:?})", h)).unwrap_or_default());

    let mut req = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    while !http::head_complete(&req) {
        if req.len() > http::MAX_REQUEST {
            return Err(format!("https #{}: request head longer than {} bytes", id, http::MAX_REQUEST));
        }
        if Instant::now() > deadline || STOP.load(Ordering::SeqCst) {
            return Err(format!("https #{}: timed out waiting for the request", id));
        }
        match ctx.read(&mut buf) {
            Ok(0) => return Err(format!("https #{}: peer closed before sending a request", id)),
            Ok(n) => req.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => return Err(format!("https #{}: read: {}", id, e)),
        }
    }
    let first = http::request_line(&req);
    let verdict = http::judge(&first);
    match verdict {
        http::Verdict::Ok => stats.http_200.fetch_add(1, Ordering::SeqCst),
        _ => stats.http_other.fetch_add(1, Ordering::SeqCst),
    };
    let resp = http::response(&verdict, body_size);
    let mut off = 0;
    let mut rounds = 0u32;
    while off < resp.len() {
        rounds += 1;
        if Instant::now() > deadline || rounds > 100_000 {
            return Err(format!("https #{}: timed out writing the response", id));
        }
        match ctx.write(&resp[off..]) {
            Ok(0) => return Err(format!("https #{}: peer closed during the response", id)),
            Ok(n) => off += n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(1)),
            Err(e) => return Err(format!("https #{}: write: {}", id, e)),
        }
    }
    vlog!("https #{}: '{}' -> {:?}", id, first, verdict);
    ctx.close(); // close_notify, then the TCP socket is dropped
    Ok(())
}

/// Accepts connections and serves each on a thread of its own, so connections that are open at
/// the same time (the SDK demo opens two, then handshakes them one after the other) never wait
/// for each other.
fn https_loop(listener: TcpListener, cfg: Arc<Config>, stats: Arc<Stats>, o_max_conns: usize, body_size: usize, deadline: Instant) {
    let active = Arc::new(AtomicUsize::new(0));
    let mut next_id = 0u64;
    while !STOP.load(Ordering::SeqCst) && Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                next_id += 1;
                stats.https_accepted.fetch_add(1, Ordering::SeqCst);
                let _ = stream.set_nonblocking(false);
                let _ = stream.set_nodelay(true); // one TLS record per write: no Nagle delays
                if active.load(Ordering::SeqCst) >= o_max_conns {
                    stats.https_rejected_busy.fetch_add(1, Ordering::SeqCst);
                    log!("https: too many connections, dropping one");
                    continue;
                }
                active.fetch_add(1, Ordering::SeqCst);
                let (cfg, st, act, id) = (cfg.clone(), stats.clone(), active.clone(), next_id);
                let spawned = std::thread::Builder::new().name(format!("https-{}", id)).spawn(move || {
                    if let Err(e) = https_conn(cfg, stream, &st, id, body_size) {
                        st.https_errors.fetch_add(1, Ordering::SeqCst);
                        log!("{}", e);
                    }
                    act.fetch_sub(1, Ordering::SeqCst);
                });
                if spawned.is_err() {
                    active.fetch_sub(1, Ordering::SeqCst);
                    stats.https_errors.fetch_add(1, Ordering::SeqCst);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => {
                log!("https accept: {}", e);
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
    // Let running connections finish (bounded).
    let until = Instant::now() + Duration::from_secs(3);
    while active.load(Ordering::SeqCst) > 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
    }
}

// ---------------------------------------------------------------- DTLS

/// One DTLS client on the shared UDP socket: sends to `peer`, receives only `peer`'s datagrams.
struct PeerIo {
    sock: UdpSocket,
    peer: SocketAddr,
}

impl Io for PeerIo {
    fn recv(&mut self, buf: &mut [u8]) -> mbedtls::Result<usize> {
        for _ in 0..64 {
            match self.sock.recv_from(buf) {
                Ok((n, from)) if from == self.peer => return Ok(n),
                Ok((_, from)) => vlog!("dtls: dropping a datagram from {} (busy with {})", from, self.peer),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut => {
                    return Err(codes::SslWantRead.into())
                }
                Err(_) => return Err(codes::NetRecvFailed.into()),
            }
        }
        Err(codes::SslWantRead.into())
    }

    fn send(&mut self, buf: &[u8]) -> mbedtls::Result<usize> {
        self.sock.send_to(buf, self.peer).map_err(|_| codes::NetSendFailed.into())
    }
}

/// A datagram that opens a DTLS handshake: a handshake record (22) of epoch 0 whose first
/// message is a ClientHello (1). Anything else arriving between sessions (a late record of an
/// ended session) is dropped instead of being taken for a handshake that then fails.
fn is_client_hello(d: &[u8]) -> bool {
    d.len() >= 14 && d[0] == 22 && d[1] == 0xfe && d[3] == 0 && d[4] == 0 && d[13] == 1
}

fn dtls_session(sock: &UdpSocket, peer: SocketAddr, cfg: Arc<Config>, stats: &Stats) -> Result<(), String> {
    let io = PeerIo { sock: sock.try_clone().map_err(|e| e.to_string())?, peer };
    let mut ctx = Context::new(cfg);
    ctx.set_timer_callback(Box::new(Timer::new()));
    ctx.set_client_transport_id_once(peer.to_string().as_bytes());
    let deadline = Instant::now() + Duration::from_secs(15);
    tls::reset_resumed();
    let mut r = ctx.establish(io, None);
    let mut rounds = 0u32;
    while let Err(e) = &r {
        if is_code(e, codes::SslHelloVerifyRequired) {
            stats.dtls_hello_verify.fetch_add(1, Ordering::SeqCst);
            vlog!("dtls: HelloVerifyRequest sent to {}", peer);
        } else if !would_block(e) {
            stats.dtls_hs_failed.fetch_add(1, Ordering::SeqCst);
            return Err(format!("dtls handshake with {}: {}", peer, e));
        }
        rounds += 1;
        if Instant::now() > deadline || rounds > 1_000_000 || STOP.load(Ordering::SeqCst) {
            stats.dtls_hs_failed.fetch_add(1, Ordering::SeqCst);
            return Err(format!("dtls handshake with {}: timed out", peer));
        }
        r = ctx.handshake();
    }
    let (version, suite) = tls::negotiated(&ctx);
    let resumed = tls::take_resumed(ctx.ciphersuite().map(c_int::from).unwrap_or(0));
    stats.handshake(Service::Dtls, &version, &suite, resumed);
    vlog!("dtls: handshake with {} done: {} {}{}", peer, version, suite, resumed.map(|h| format!(" (resumed {:?})", h)).unwrap_or_default());
    let mut buf = vec![0u8; 4096];
    let mut idle_until = Instant::now() + Duration::from_secs(10);
    for _ in 0..100_000 {
        if Instant::now() > idle_until || STOP.load(Ordering::SeqCst) {
            vlog!("dtls: {} idle, ending the session", peer);
            break;
        }
        match Io::recv(&mut ctx, &mut buf) {
            Ok(0) => {}
            Ok(n) => {
                idle_until = Instant::now() + Duration::from_secs(10);
                let mut sent = false;
                for _ in 0..1000 {
                    match Io::send(&mut ctx, &buf[..n]) {
                        Ok(_) => {
                            sent = true;
                            break;
                        }
                        Err(e) if would_block(&e) => std::thread::sleep(Duration::from_millis(1)),
                        Err(e) => return Err(format!("dtls send to {}: {}", peer, e)),
                    }
                }
                if !sent {
                    return Err(format!("dtls send to {}: timed out", peer));
                }
                stats.dtls_echoes.fetch_add(1, Ordering::SeqCst);
                vlog!("dtls: echoed {} bytes to {}", n, peer);
            }
            Err(e) if would_block(&e) || is_code(&e, codes::SslTimeout) => {}
            Err(e) if is_code(&e, codes::SslPeerCloseNotify) => {
                stats.dtls_close_notify.fetch_add(1, Ordering::SeqCst);
                vlog!("dtls: close_notify from {}", peer);
                break;
            }
            Err(e) => return Err(format!("dtls recv from {}: {}", peer, e)),
        }
    }
    ctx.close();
    Ok(())
}

/// Serves DTLS clients one at a time (a session ends with close_notify or 10 s idle).
fn dtls_loop(sock: UdpSocket, cfg: Arc<Config>, stats: Arc<Stats>, deadline: Instant) {
    let mut peek = [0u8; 64];
    let mut junk = [0u8; 2048];
    while !STOP.load(Ordering::SeqCst) && Instant::now() < deadline {
        match sock.peek_from(&mut peek) {
            Ok((n, peer)) if !is_client_hello(&peek[..n.min(peek.len())]) => {
                vlog!("dtls: dropping a {}-byte datagram from {} that does not start a handshake", n, peer);
                let _ = sock.recv_from(&mut junk);
            }
            Ok((_, peer)) => {
                if let Err(e) = dtls_session(&sock, peer, cfg.clone(), &stats) {
                    stats.dtls_errors.fetch_add(1, Ordering::SeqCst);
                    log!("{}", e);
                    // Drop whatever that peer still had queued so the loop does not spin on it.
                    for _ in 0..64 {
                        if sock.recv_from(&mut junk).is_err() {
                            break;
                        }
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => {
                // e.g. ECONNREFUSED reported for an earlier datagram: drop and go on.
                vlog!("dtls peek: {}", e);
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

// ---------------------------------------------------------------- main

fn write_file_atomic(path: &str, text: &str) -> std::io::Result<()> {
    let tmp = format!("{}.tmp{}", path, std::process::id());
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// The PSKs to accept: the ones the options name, else the two demos'.
fn psk_table(o: &Opts) -> tls::PskTable {
    let mut t = Vec::new();
    if o.psk_identity.is_some() || o.psk_key.is_some() {
        let id = o.psk_identity.clone().unwrap_or_else(|| tls::QLSSL_DEMO_PSK_IDENTITY.into());
        t.push((id.into_bytes(), o.psk_key.clone().unwrap_or_else(|| tls::QLSSL_DEMO_PSK_KEY.to_vec())));
    }
    t.extend(o.psk_extra.iter().cloned());
    if t.is_empty() {
        t.push((tls::OLD_DEMO_PSK_IDENTITY.as_bytes().to_vec(), tls::OLD_DEMO_PSK_KEY.to_vec()));
        t.push((tls::QLSSL_DEMO_PSK_IDENTITY.as_bytes().to_vec(), tls::QLSSL_DEMO_PSK_KEY.to_vec()));
    }
    t
}

fn run(o: Opts) -> Result<(), String> {
    let entropy = Arc::new(OsEntropy::new());
    let rng = Arc::new(CtrDrbg::new(entropy.clone(), None).map_err(|e| e.to_string())?);
    let mut keygen_rng = CtrDrbg::new(entropy, None).map_err(|e| e.to_string())?;
    let (certs, pems) = server_certs(&o, &mut keygen_rng)?;
    if let Some(p) = &o.write_ca {
        write_file_atomic(p, &pems).map_err(|e| format!("{}: {}", p, e))?;
    }
    let psk_table: &'static tls::PskTable = Box::leak(Box::new(psk_table(&o)));
    let psk_names = psk_table.iter().map(|(i, _)| format!("'{}'", String::from_utf8_lossy(i))).collect::<Vec<_>>().join(", ");
    // The suite list outlives every config (mbedtls keeps a pointer to it).
    let suites = Arc::new(tls::all_suites());
    vlog!("{} suites, in order of preference: {}", suites.len() - 1,
        suites.iter().take_while(|id| **id != 0).map(|id| tls::suite_name(*id)).collect::<Vec<_>>().join(" "));
    let make_cfg = |t: Transport| -> Result<Config, String> {
        let e = |err: mbedtls::Error| err.to_string();
        let datagram = matches!(t, Transport::Datagram);
        let mut c = Config::new(Endpoint::Server, t, Preset::Default);
        c.set_rng(rng.clone());
        for (chain, key) in &certs {
            c.push_cert(chain.clone(), key.clone()).map_err(e)?;
        }
        tls::set_versions(&mut c, datagram).map_err(e)?;
        c.set_ciphersuites(suites.clone());
        tls::enable_rc4(&mut c);
        tls::set_psk_table(&mut c, psk_table);
        tls::enable_session_cache(&mut c);
        tls::enable_tickets(&mut c, rng.clone()).map_err(e)?;
        Ok(c)
    };
    let stats = Arc::new(Stats::default());
    let deadline = Instant::now() + Duration::from_secs(o.max_seconds);
    let mut ports = String::new();
    let mut threads = Vec::new();

    if let Some(port) = o.https_port {
        let l = TcpListener::bind((o.bind, port)).map_err(|e| format!("https bind {}:{}: {}", o.bind, port, e))?;
        l.set_nonblocking(true).map_err(|e| e.to_string())?;
        let p = l.local_addr().map_err(|e| e.to_string())?.port();
        println!("qlssl-server: https listening on {}", SocketAddr::new(o.bind, p));
        ports.push_str(&format!("https={}\n", p));
        let cfg = Arc::new(make_cfg(Transport::Stream)?);
        let (stats, mc, bs) = (stats.clone(), o.max_conns, o.body_size);
        threads.push(std::thread::spawn(move || https_loop(l, cfg, stats, mc, bs, deadline)));
    }
    if let Some(port) = o.dtls_port {
        let s = UdpSocket::bind((o.bind, port)).map_err(|e| format!("dtls bind {}:{}: {}", o.bind, port, e))?;
        s.set_read_timeout(Some(Duration::from_millis(100))).map_err(|e| e.to_string())?;
        let p = s.local_addr().map_err(|e| e.to_string())?.port();
        println!("qlssl-server: dtls listening on {} (psk identities {})", SocketAddr::new(o.bind, p), psk_names);
        ports.push_str(&format!("dtls={}\n", p));
        let mut c = make_cfg(Transport::Datagram)?;
        c.set_dtls_cookies(Arc::new(CookieContext::new(rng.clone()).map_err(|e| e.to_string())?));
        let cfg = Arc::new(c);
        let stats = stats.clone();
        threads.push(std::thread::spawn(move || dtls_loop(s, cfg, stats, deadline)));
    }
    let _ = std::io::stdout().flush();
    if let Some(p) = &o.port_file {
        write_file_atomic(p, &ports).map_err(|e| format!("{}: {}", p, e))?;
    }
    for t in threads {
        let _ = t.join();
    }
    let line = stats.line();
    println!("qlssl-server: stats {}", line);
    if let Some(p) = &o.stats_file {
        write_file_atomic(p, &format!("{}\n", line)).map_err(|e| format!("{}: {}", p, e))?;
    }
    if !STOP.load(Ordering::SeqCst) {
        log!("--max-seconds reached, exiting");
    }
    Ok(())
}

fn main() {
    // SAFETY: installing async-signal-safe handlers (an atomic store) and ignoring SIGPIPE, before
    // any other thread exists.
    unsafe {
        libc::signal(libc::SIGTERM, on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t);
        libc::signal(libc::SIGINT, on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t);
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    let o = match parse_args(std::env::args_os().skip(1)) {
        Ok(Command::Run(o)) => *o,
        Ok(Command::Help) => {
            println!("{}", USAGE);
            return;
        }
        Err(e) => {
            eprintln!("qlssl-server: {}\n{}", e, USAGE);
            std::process::exit(2);
        }
    };
    VERBOSE.store(o.verbose, Ordering::Relaxed);
    if let Err(e) = run(o) {
        eprintln!("qlssl-server: {}", e);
        std::process::exit(1);
    }
}

#[cfg(test)]
mod args_tests {
    use super::{parse_args, Command, Opts};

    fn run(args: &[&str]) -> Result<Opts, String> {
        match parse_args(args.iter().copied())? {
            Command::Run(o) => Ok(*o),
            Command::Help => Err("help".into()),
        }
    }

    #[test]
    fn the_options_the_scripts_pass() {
        let o = run(&["--https-port", "0", "--dtls-port", "off", "--port-file", "p", "--stats-file", "s",
                      "--max-seconds", "55", "--write-ca", "ca.pem", "--psk-identity", "id", "-v"])
            .unwrap();
        assert_eq!((o.https_port, o.dtls_port, o.max_seconds, o.verbose), (Some(0), None, 55, true));
        assert_eq!(o.port_file.as_deref(), Some("p"));
        assert_eq!(o.write_ca.as_deref(), Some("ca.pem"));
        // The `=` form, as qlrt-run's --server-arg=--psk-identity passes it through.
        let o = run(&["--psk=abc:0102", "--body-size=100"]).unwrap();
        assert_eq!(o.psk_extra, vec![(b"abc".to_vec(), vec![1, 2])]);
        assert_eq!(o.body_size, 100);
        assert!(matches!(parse_args(["--help"]), Ok(Command::Help)));
        assert!(matches!(parse_args(["-h"]), Ok(Command::Help)));
    }

    #[test]
    fn bad_arguments_are_named() {
        let cases: &[(&[&str], &str)] = &[
            (&["--nope"], "invalid option '--nope'"),
            (&["-x"], "invalid option '-x'"),
            (&["stray"], "unexpected argument 'stray'"),
            (&["--https-port"], "--https-port needs a value"),
            (&["--https-port", "70000"], "bad port '70000'"),
            (&["--bind", "10.0.0.1"], "refusing to listen on non-loopback address 10.0.0.1"),
            (&["--bind", "nowhere"], "bad address 'nowhere'"),
            (&["--psk-key", "0g"], "PSK key must be 1..32 bytes of hex"),
            (&["--psk", "nocolon"], "--psk wants ID:HEX"),
            (&["--max-seconds", "0"], "bad --max-seconds (1..86400)"),
            (&["--max-conns", "257"], "bad --max-conns (1..256)"),
            (&["--body-size", "65537"], "bad --body-size (0..65536)"),
            (&["--cert", "c.pem"], "--cert and --key go together"),
            (&["--https-port", "off", "--dtls-port", "off"], "both services are off"),
            (&["-v=1"], "unexpected argument for option '-v'"),
        ];
        for (args, want) in cases {
            let got = run(args).err().unwrap_or_default();
            assert!(got.contains(want), "{:?}: got '{}', want '{}'", args, got, want);
        }
    }
}
