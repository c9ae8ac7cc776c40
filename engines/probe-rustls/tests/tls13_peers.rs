//! The modern engine's protocol core against real peers: rustls 0.23 + ring client, TLS 1.3 only,
//! against `openssl s_server -tls1_3` and `gnutls-serv` (TLS 1.3-only priority) on 127.0.0.1, for
//! each of the three TLS 1.3 suites the issue names: a verified full handshake, then a resumption
//! with the server's TLS 1.3 ticket, proven by the server ("Reused session-id" /
//! "This is a resumed session" in its output) and by the ticket store our session cache would
//! implement (one TLS 1.3 ticket stored). The PKI comes from tests/hardening/gen_pki.sh.
//! Run: `cd engines/probe-rustls && cargo test --release`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use rustls::client::{ClientSessionMemoryCache, ClientSessionStore, Resumption, Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, HandshakeKind, NamedGroup, RootCertStore};

/// The session store qlssl's session cache would implement (session.rs); counts TLS 1.3 tickets.
#[derive(Debug)]
struct CountingStore {
    inner: ClientSessionMemoryCache,
    tls13_tickets: AtomicUsize,
}
impl ClientSessionStore for CountingStore {
    fn set_kx_hint(&self, s: ServerName<'static>, g: NamedGroup) {
        self.inner.set_kx_hint(s, g)
    }
    fn kx_hint(&self, s: &ServerName<'_>) -> Option<NamedGroup> {
        self.inner.kx_hint(s)
    }
    fn set_tls12_session(&self, s: ServerName<'static>, v: Tls12ClientSessionValue) {
        self.inner.set_tls12_session(s, v)
    }
    fn tls12_session(&self, s: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        self.inner.tls12_session(s)
    }
    fn remove_tls12_session(&self, s: &ServerName<'static>) {
        self.inner.remove_tls12_session(s)
    }
    fn insert_tls13_ticket(&self, s: ServerName<'static>, v: Tls13ClientSessionValue) {
        self.tls13_tickets.fetch_add(1, Ordering::SeqCst);
        self.inner.insert_tls13_ticket(s, v)
    }
    fn take_tls13_ticket(&self, s: &ServerName<'static>) -> Option<Tls13ClientSessionValue> {
        self.inner.take_tls13_ticket(s)
    }
}

struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
    port: u16,
}
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
impl Server {
    /// Waits (bounded) for a server output line containing `what`.
    fn expect(&self, what: &str, within: Duration) -> bool {
        let end = Instant::now() + within;
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(l) if l.contains(what) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    }
}

/// The test PKI, generated once per test process (the tests run in parallel).
fn pki() -> std::path::PathBuf {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let dir = root.join("target/engines/test-pki");
        let ok = Command::new("bash").arg(root.join("tests/hardening/gen_pki.sh")).arg(&dir).stdout(Stdio::null()).status();
        assert!(ok.map(|s| s.success()).unwrap_or(false), "gen_pki.sh failed");
        dir
    })
    .clone()
}

/// The two TLS 1.3 peers of the issue, each with the line that proves a resumption.
#[derive(Clone, Copy)]
enum Peer {
    OpenSsl,
    GnuTls,
}
impl Peer {
    fn resumed_marker(self) -> &'static str {
        match self {
            Peer::OpenSsl => "Reused session-id",
            Peer::GnuTls => "This is a resumed session",
        }
    }
}

/// A free loopback port: bind, read it, release it for the server.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn spawn(mut cmd: Command, ready: &str, port: u16) -> Server {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("server program");
    // Both streams, one channel: gnutls-serv reports on stderr, s_server on stdout.
    let (tx, lines) = mpsc::channel();
    let streams: [Box<dyn Read + Send>; 2] =
        [Box::new(child.stdout.take().unwrap()), Box::new(child.stderr.take().unwrap())];
    for stream in streams {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for l in BufReader::new(stream).lines().map_while(Result::ok) {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
    }
    let server = Server { child, lines, port };
    assert!(server.expect(ready, Duration::from_secs(10)), "server did not start");
    server
}

/// `suite`: the OpenSSL TLS 1.3 suite name, or for gnutls the priority's cipher (e.g. AES-128-GCM).
fn start_server(peer: Peer, pki: &std::path::Path, suite: &str) -> Server {
    let port = free_port();
    let (cert, key) = (pki.join("rsa_server.pem"), pki.join("rsa_server.key"));
    match peer {
        Peer::OpenSsl => {
            let mut c = Command::new("openssl");
            c.args(["s_server", "-tls1_3", "-ciphersuites", suite, "-naccept", "2", "-accept"])
                .arg(format!("127.0.0.1:{port}"))
                .arg("-cert")
                .arg(cert)
                .arg("-key")
                .arg(key);
            spawn(c, "ACCEPT", port)
        }
        Peer::GnuTls => {
            // Line-buffered: its output is a pipe here and would otherwise be held back.
            let mut c = Command::new("stdbuf");
            c.args(["-oL", "-eL", "gnutls-serv", "-p", &port.to_string(), "--echo", "--priority"])
                .arg(format!("NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+{suite}"))
                .arg("--x509certfile")
                .arg(cert)
                .arg("--x509keyfile")
                .arg(key);
            spawn(c, "listening on IPv4", port)
        }
    }
}

/// One connection: handshake, send a line, then read (bounded) until the server's tickets are in.
fn connect(config: &Arc<ClientConfig>, port: u16, store: &CountingStore, want_tickets: usize) -> (HandshakeKind, u16) {
    let mut sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    let mut conn = ClientConnection::new(config.clone(), ServerName::try_from("localhost").unwrap()).unwrap();
    let end = Instant::now() + Duration::from_secs(10);
    while conn.is_handshaking() {
        assert!(Instant::now() < end, "handshake did not finish in 10 s");
        conn.complete_io(&mut sock).expect("handshake");
    }
    let kind = conn.handshake_kind().unwrap();
    let suite = u16::from(conn.negotiated_cipher_suite().unwrap().suite());
    assert_eq!(conn.protocol_version(), Some(rustls::ProtocolVersion::TLSv1_3));
    conn.writer().write_all(b"qlssl tls13 probe\n").unwrap();
    conn.complete_io(&mut sock).unwrap();
    let mut buf = [0u8; 64];
    let end = Instant::now() + Duration::from_secs(3);
    while store.tls13_tickets.load(Ordering::SeqCst) < want_tickets && Instant::now() < end {
        match conn.complete_io(&mut sock) {
            Ok(_) => {
                let _ = conn.reader().read(&mut buf);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => panic!("after handshake: {e}"),
        }
    }
    conn.send_close_notify();
    let _ = conn.complete_io(&mut sock);
    (kind, suite)
}

fn run(peer: Peer, suite_name: &str, iana: u16) {
    let pki = pki();
    let server = start_server(peer, &pki, suite_name);
    let mut roots = RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(pki.join("rsa_ca.pem")).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let store = Arc::new(CountingStore { inner: ClientSessionMemoryCache::new(8), tls13_tickets: AtomicUsize::new(0) });
    let mut config = ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.resumption = Resumption::store(store.clone());
    let config = Arc::new(config);

    let (kind, suite) = connect(&config, server.port, &store, 1);
    assert_eq!(kind, HandshakeKind::Full);
    assert_eq!(suite, iana, "negotiated suite");
    assert!(store.tls13_tickets.load(Ordering::SeqCst) >= 1, "no TLS 1.3 ticket received");
    assert!(server.expect("qlssl tls13 probe", Duration::from_secs(5)), "server did not get the data");

    let (kind, suite) = connect(&config, server.port, &store, 2);
    assert_eq!(kind, HandshakeKind::Resumed, "second handshake did not resume");
    assert_eq!(suite, iana);
    assert!(server.expect(peer.resumed_marker(), Duration::from_secs(5)), "server does not report the resumption");
}

#[test]
fn tls13_aes_128_gcm_sha256() {
    run(Peer::OpenSsl, "TLS_AES_128_GCM_SHA256", 0x1301);
}

#[test]
fn tls13_aes_256_gcm_sha384() {
    run(Peer::OpenSsl, "TLS_AES_256_GCM_SHA384", 0x1302);
}

#[test]
fn tls13_chacha20_poly1305_sha256() {
    run(Peer::OpenSsl, "TLS_CHACHA20_POLY1305_SHA256", 0x1303);
}

#[test]
fn tls13_gnutls_aes_128_gcm_sha256() {
    run(Peer::GnuTls, "AES-128-GCM", 0x1301);
}

#[test]
fn tls13_gnutls_aes_256_gcm_sha384() {
    run(Peer::GnuTls, "AES-256-GCM", 0x1302);
}

#[test]
fn tls13_gnutls_chacha20_poly1305_sha256() {
    run(Peer::GnuTls, "CHACHA20-POLY1305", 0x1303);
}

/// A server whose chain does not lead to the configured CA is refused (the test can fail).
#[test]
fn tls13_unknown_ca_refused() {
    let pki = pki();
    let server = start_server(Peer::OpenSsl, &pki, "TLS_AES_128_GCM_SHA256");
    let mut roots = RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(pki.join("ec_ca.pem")).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let config = Arc::new(
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_protocol_versions(&[&rustls::version::TLS13])
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    );
    let mut sock = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut conn = ClientConnection::new(config, ServerName::try_from("localhost").unwrap()).unwrap();
    let mut err = None;
    for _ in 0..50 {
        if !conn.is_handshaking() {
            break;
        }
        if let Err(e) = conn.complete_io(&mut sock) {
            err = Some(e);
            break;
        }
    }
    let err = err.expect("handshake with an unknown CA must fail");
    assert!(err.to_string().contains("UnknownIssuer"), "unexpected error: {err}");
}
