//! The prototype engine core (src/modern.rs: rustls's unbuffered client behind typed steps) over a
//! *non-blocking* socket, as qlssl drives its engine: every `WantRead`/`WantWrite` is a bounded
//! wait on the socket, then the same call again. Peer: `openssl s_server -tls1_3 -www` on
//! 127.0.0.1, whose page says "New, TLSv1.3, Cipher is ..." or "Reused, TLSv1.3, ..." — the
//! server's own account of the handshake, read through the engine. Two connections: a full
//! handshake, then a resumption with the TLS 1.3 ticket the engine took in while reading the page.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use probe_rustls::modern::{EngineError, IoError, ModernConnection, Step, Transport};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};

struct NonBlocking(TcpStream);
impl Transport for NonBlocking {
    fn send(&mut self, data: &[u8]) -> Result<usize, IoError> {
        match self.0.write(data) {
            Ok(n) if n > 0 => Ok(n),
            Ok(_) => Err(IoError::Failed),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Err(IoError::WouldBlock),
            Err(_) => Err(IoError::Failed),
        }
    }
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, IoError> {
        match self.0.read(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Err(IoError::WouldBlock),
            Err(_) => Err(IoError::Failed),
        }
    }
}

/// Repeats `op` while it asks to wait (1 ms naps), at most 10 s; counts the waits.
fn until_done<T>(waits: &mut u32, mut op: impl FnMut() -> Result<Step<T>, EngineError>) -> Result<T, EngineError> {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        match op()? {
            Step::Done(v) => return Ok(v),
            Step::WantRead | Step::WantWrite => {
                *waits += 1;
                assert!(Instant::now() < end, "no progress in 10 s");
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }
}

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn pki() -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = root.join("target/engines/test-pki-modern");
    let ok = Command::new("bash").arg(root.join("tests/hardening/gen_pki.sh")).arg(&dir).stdout(Stdio::null()).status();
    assert!(ok.map(|s| s.success()).unwrap_or(false), "gen_pki.sh failed");
    dir
}

/// One connection through the engine: handshake, GET, the whole page, close_notify.
fn fetch(config: &Arc<ClientConfig>, port: u16) -> (String, bool, Option<u16>, u32) {
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.set_nonblocking(true).unwrap();
    let mut io = NonBlocking(sock);
    let mut tls = ModernConnection::new(config.clone(), ServerName::try_from("localhost").unwrap()).unwrap();
    let mut waits = 0;
    until_done(&mut waits, || tls.handshake(&mut io)).expect("handshake");
    assert_eq!(tls.protocol_version(), Some("TLSv1.3"));
    until_done(&mut waits, || tls.write(&mut io, b"GET / HTTP/1.0\r\n\r\n")).expect("write");
    let mut page = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match until_done(&mut waits, || tls.read(&mut io, &mut buf)) {
            Ok(0) => break,
            Ok(n) => page.extend_from_slice(&buf[..n]),
            // s_server -www closes TCP right after its close_notify: both end the page.
            Err(EngineError::Eof) | Err(EngineError::Closed) => break,
            Err(e) => panic!("read: {e:?}"),
        }
        assert!(page.len() < 1 << 20, "page too long");
    }
    let _ = until_done(&mut waits, || tls.close_notify(&mut io));
    (String::from_utf8_lossy(&page).into_owned(), tls.resumed(), tls.ciphersuite(), waits)
}

#[test]
fn modern_engine_tls13_full_then_resumed_through_nonblocking_socket() {
    let pki = pki();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new("openssl")
        .args(["s_server", "-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384", "-www", "-naccept", "2", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(pki.join("rsa_server.pem"))
        .arg("-key")
        .arg(pki.join("rsa_server.key"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_server");
    let out = child.stdout.take().unwrap();
    let server = Server(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    let end = Instant::now() + Duration::from_secs(10);
    while !rx.recv_timeout(Duration::from_millis(100)).map(|l| l.contains("ACCEPT")).unwrap_or(false) {
        assert!(Instant::now() < end, "s_server did not start");
    }

    let mut roots = RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(pki.join("rsa_ca.pem")).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let config = Arc::new(
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_protocol_versions(&[&rustls::version::TLS13])
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    );

    let (page, resumed, suite, waits) = fetch(&config, port);
    assert!(page.contains("New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384"), "server page: {page:.300}");
    assert!(!resumed);
    assert_eq!(suite, Some(0x1302));
    assert!(waits > 0, "a non-blocking socket must have made the engine wait at least once");

    let (page, resumed, suite, _) = fetch(&config, port);
    assert!(page.contains("Reused, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384"), "server page: {page:.300}");
    assert!(resumed, "the engine does not report the resumption the server reports");
    assert_eq!(suite, Some(0x1302));
    drop(server);
}
