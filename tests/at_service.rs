//! The AT engine's library seam (`qlssl::at::service::LibService`, a mapping onto the contexts
//! service) against real peers on loopback (`openssl s_server`, a silent TCP listener):
//! failure kinds from the core's typed errors (verification with its flags, a peer alert, the
//! negotiate timeout, a reset), a read that waits while another thread writes, `close` waking a
//! blocked read, the client certificate/key pairing and the all-or-nothing PSK setting.
//! Each test uses its own per-id config (tests of one binary run in parallel).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use qlssl::capi::abi::ql_ssl_error_code_e as E;
use qlssl::at::service::{ConfigItem, ConfigKey, FailKind, LibService, TlsService};
use qlssl::registry::{self, contexts, ConfigKind};
use qlssl::tls::error::Error;

/// The C API's result codes `ServiceError::code` carries.
const HS_FAILURE: i32 = E::QL_SSL_ERROR_HS_FAILURE as i32;
const NOT_SUPPORT: i32 = E::QL_SSL_ERROR_NOT_SUPPORT as i32;

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qlssl-at-service-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A self-signed EC certificate for "localhost" and its key.
fn pki(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let ok = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"])
        .args(["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok, "openssl req failed");
    (cert, key)
}

/// The module time the engine passes when AT+CCLK was never set: the host's.
fn host_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_listening(port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(10), "server on port {port} did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `openssl s_server` (TLS 1.2) with `extra` arguments; stdin and stdout piped: what the client
/// sends appears on stdout, what is written to stdin goes to the client.
fn s_server(cert: &Path, key: &Path, extra: &[&str]) -> (Server, u16, ChildStdin, Arc<Mutex<Vec<u8>>>) {
    let port = free_port();
    let mut child = Command::new("openssl")
        .args(["s_server", "-quiet", "-tls1_2", "-naccept", "4", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(cert)
        .arg("-key")
        .arg(key)
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    // Ends when the server exits (Drop kills it).
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let server = Server(child);
    wait_listening(port);
    (server, port, stdin, seen)
}

/// Config `ctx`: verify the server against `ca`, one suite, a short negotiate time.
fn verifying_config(ctx: u8, ca: &Path) {
    let reg = contexts();
    let id = i32::from(ctx);
    reg.set(id, registry::ConfigItem::AuthMode(1)).unwrap();
    reg.set(id, registry::ConfigItem::CaCertPaths(vec![ca.to_str().unwrap().into()])).unwrap();
    reg.set(id, registry::ConfigItem::Ciphersuites(vec![0xC02B])).unwrap(); // ECDHE-ECDSA-AES128-GCM-SHA256
    reg.set(id, registry::ConfigItem::HandshakeTimeout(10)).unwrap();
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn verification_failure_is_typed_with_its_flags() {
    let dir = scratch_dir("verify");
    let (cert, key) = pki(&dir);
    let (_server, port, _stdin, _seen) = s_server(&cert, &key, &[]);
    verifying_config(0, &cert);
    let svc = LibService::default();

    // The registry: the unforgiven findings, typed (CN/SAN mismatch = 0x04).
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let id = contexts().open(0, sock.as_raw_fd(), Some("wrong.example")).unwrap();
    assert_eq!(contexts().handshake(id), Err(Error::VerifyFailed { flags: 0x04 }));
    assert_eq!(contexts().info(id).unwrap().verify_flags, Some(0x04));
    contexts().close(id).unwrap();
    drop(sock);

    // The AT seam: kind Verify, the C API's code, the reason in the text.
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let conn = svc.open(0, sock.as_raw_fd(), "wrong.example", host_now()).unwrap();
    let e = svc.handshake(conn).unwrap_err();
    assert_eq!((e.kind, e.code), (FailKind::Verify, HS_FAILURE), "{e:?}");
    assert!(e.text.contains("certificate verification failed: CN/SAN mismatch"), "{}", e.text);
    assert_eq!(svc.info(conn).verify_flags, Some(0x04));
    svc.close(conn);
    drop(sock);

    // The right name passes: the failure above was the name, nothing else.
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let conn = svc.open(0, sock.as_raw_fd(), "localhost", host_now()).unwrap();
    svc.handshake(conn).unwrap();
    let info = svc.info(conn);
    assert_eq!((info.ciphersuite, info.verify_flags), (0xC02B, Some(0)));
    svc.close(conn);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn peer_alert_and_reset_are_typed() {
    let dir = scratch_dir("alert");
    let (cert, key) = pki(&dir);
    // The server allows only a suite the client does not offer: it answers handshake_failure (40).
    let (_server, port, _stdin, _seen) = s_server(&cert, &key, &["-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384"]);
    verifying_config(1, &cert);
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let id = contexts().open(1, sock.as_raw_fd(), Some("localhost")).unwrap();
    let e = contexts().handshake(id).unwrap_err();
    assert_eq!(e, Error::HandshakeAlert(Some(40)));
    assert_eq!(e.to_string(), "handshake failed: the server sent fatal alert 40 (handshake_failure)");
    contexts().close(id).unwrap();
    drop(sock);

    let svc = LibService::default();
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let conn = svc.open(1, sock.as_raw_fd(), "localhost", host_now()).unwrap();
    let e = svc.handshake(conn).unwrap_err();
    assert_eq!((e.kind, e.code), (FailKind::Handshake, HS_FAILURE), "{e:?}");
    svc.close(conn);
    drop(sock);

    // A peer that closes the TCP connection on the ClientHello: a reset.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let rport = listener.local_addr().unwrap().port();
    let closer = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut hello = [0u8; 5];
        let _ = s.read(&mut hello);
        drop(s);
    });
    let sock = TcpStream::connect(("127.0.0.1", rport)).unwrap();
    let conn = svc.open(1, sock.as_raw_fd(), "localhost", host_now()).unwrap();
    let e = svc.handshake(conn).unwrap_err();
    assert_eq!(e.kind, FailKind::Reset, "{e:?}");
    svc.close(conn);
    closer.join().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn silent_peer_times_out_with_kind_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    contexts().set(2, registry::ConfigItem::HandshakeTimeout(1)).unwrap();
    let svc = LibService::default();
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    // Accepted (so the ClientHello is taken) and never answered.
    let (_peer, _) = listener.accept().unwrap();
    let conn = svc.open(2, sock.as_raw_fd(), "", host_now()).unwrap();
    let start = Instant::now();
    let e = svc.handshake(conn).unwrap_err();
    let took = start.elapsed();
    assert_eq!(e.kind, FailKind::Timeout, "{e:?}");
    assert_eq!(e.code, HS_FAILURE);
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(5), "took {took:?}");
    svc.close(conn);
    assert_eq!(
        contexts().open(2, sock.as_raw_fd(), None).and_then(|id| {
            let r = contexts().handshake(id);
            contexts().close(id)?;
            r
        }),
        Err(Error::HandshakeTimeout(1))
    );
    contexts().set(2, registry::ConfigItem::HandshakeTimeout(300)).unwrap();
}

#[test]
fn read_waits_while_another_thread_writes_and_close_wakes_it() {
    let dir = scratch_dir("rw");
    let (cert, key) = pki(&dir);
    let (server, port, mut server_stdin, seen) = s_server(&cert, &key, &[]);
    verifying_config(3, &cert);
    let svc: Arc<dyn TlsService> = Arc::new(LibService::default());
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let conn = svc.open(3, sock.as_raw_fd(), "localhost", host_now()).unwrap();
    svc.handshake(conn).unwrap();

    // The reader blocks in `read` and reports each result.
    let (tx, rx) = mpsc::channel();
    let reader_svc = svc.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 256];
        for _ in 0..100 {
            let r = reader_svc.read(conn, &mut buf).map(|n| buf[..n].to_vec());
            let end = r.is_err();
            tx.send((r, Instant::now())).unwrap();
            if end {
                return;
            }
        }
    });
    std::thread::sleep(Duration::from_millis(200));
    assert!(rx.try_recv().is_err(), "read returned with nothing sent");

    // Writes go through while the reader waits; the server's stdout is the evidence.
    for i in 0..5 {
        svc.write(conn, format!("ping {i}\n").as_bytes()).unwrap();
    }
    wait_for("the server to receive 5 pings", Duration::from_secs(5), || {
        String::from_utf8_lossy(&seen.lock().unwrap()).matches("ping ").count() == 5
    });
    assert!(rx.try_recv().is_err(), "the reader returned during the writes");

    // The server answers: the waiting read gets it.
    server_stdin.write_all(b"pong\n").unwrap();
    server_stdin.flush().unwrap();
    let mut got = Vec::new();
    while got != b"pong\n" {
        let (r, _) = rx.recv_timeout(Duration::from_secs(5)).expect("the reader got nothing");
        got.extend(r.unwrap());
    }

    // The reader waits again. The server is stopped, so nothing can answer the close_notify
    // `close` sends: only `close` itself can wake the reader, with an error, promptly.
    std::thread::sleep(Duration::from_millis(100));
    assert!(rx.try_recv().is_err());
    // SAFETY: signalling the child this test spawned and still owns (not yet reaped).
    assert_eq!(unsafe { libc::kill(server.0.id() as libc::pid_t, libc::SIGSTOP) }, 0);
    let closed_at = Instant::now();
    svc.close(conn);
    let (r, woke_at) = rx.recv_timeout(Duration::from_secs(5)).expect("close did not wake the reader");
    let e = r.unwrap_err();
    assert!(e.text.contains("freed"), "{e:?}");
    assert_eq!(e.kind, FailKind::Other);
    assert!(woke_at.duration_since(closed_at) < Duration::from_secs(3), "woke after {:?}", woke_at - closed_at);
    reader.join().unwrap();
    assert!(contexts().info(conn).is_err(), "the connection was released");
    drop(sock);
    drop(server); // SIGKILL ends a stopped process too.
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn client_cert_and_key_pair_up_and_psk_is_all_or_nothing() {
    let svc = LibService::default();
    let reg = contexts();
    let owncert = || match reg.get(4, ConfigKind::OwnCert).unwrap() {
        registry::ConfigItem::OwnCert { cert, key, .. } => (cert, key),
        other => panic!("{other:?}"),
    };
    // A key alone waits for its certificate: the config is untouched, AT shows the pending path.
    let path = |p: &str| ConfigItem::Path(ConfigKey::ClientKey, Some(p.into()));
    svc.set(4, &path("UFS:k1.pem")).unwrap();
    assert_eq!(owncert(), (String::new(), String::new()));
    assert_eq!(svc.get(4, ConfigKey::ClientKey).unwrap(), path("UFS:k1.pem"));
    assert_eq!(svc.get(4, ConfigKey::ClientCert).unwrap(), ConfigItem::Path(ConfigKey::ClientCert, None));
    // The certificate completes the pair: both reach the per-id config.
    svc.set(4, &ConfigItem::Path(ConfigKey::ClientCert, Some("UFS:c1.pem".into()))).unwrap();
    assert_eq!(owncert(), ("UFS:c1.pem".into(), "UFS:k1.pem".into()));
    // Later, one half alone is paired with the other half the config holds.
    svc.set(4, &ConfigItem::Path(ConfigKey::ClientCert, Some("UFS:c2.pem".into()))).unwrap();
    assert_eq!(owncert(), ("UFS:c2.pem".into(), "UFS:k1.pem".into()));
    // Erasing a half clears the pair in the config (nothing is presented); the other half waits,
    // shown by AT, and pairs again with the next partner.
    svc.set(4, &ConfigItem::Path(ConfigKey::ClientKey, None)).unwrap();
    assert_eq!(owncert(), (String::new(), String::new()));
    assert_eq!(svc.get(4, ConfigKey::ClientCert).unwrap(), ConfigItem::Path(ConfigKey::ClientCert, Some("UFS:c2.pem".into())));
    assert_eq!(svc.get(4, ConfigKey::ClientKey).unwrap(), ConfigItem::Path(ConfigKey::ClientKey, None));
    svc.set(4, &path("UFS:k2.pem")).unwrap();
    assert_eq!(owncert(), ("UFS:c2.pem".into(), "UFS:k2.pem".into()));

    // Cipher lists: the registry keeps its own copy of the engine's vector.
    svc.set(4, &ConfigItem::Ciphersuites(vec![0xC02F, 0x009C])).unwrap();
    assert_eq!(svc.get(4, ConfigKey::Ciphersuite).unwrap(), ConfigItem::Ciphersuites(vec![0xC02F, 0x009C]));
    assert_eq!(reg.get(4, ConfigKind::Ciphersuites).unwrap(), registry::ConfigItem::Ciphersuites(vec![0xC02F, 0x009C]));
    let e = svc.set(4, &ConfigItem::Ciphersuites(vec![0x0001])).unwrap_err();
    assert_eq!(e.code, NOT_SUPPORT, "a suite this build cannot negotiate: {e:?}");
    assert_eq!(svc.get(4, ConfigKey::Ciphersuite).unwrap(), ConfigItem::Ciphersuites(vec![0xC02F, 0x009C]));
    svc.set(4, &ConfigItem::Ciphersuites(vec![0xFFFF])).unwrap();

    // Flags are 0 or 1; integers keep the registry's ranges.
    assert!(svc.set(4, &ConfigItem::Int(ConfigKey::Sni, 2)).is_err());
    svc.set(4, &ConfigItem::Int(ConfigKey::Sni, 1)).unwrap();
    assert_eq!(reg.get(4, ConfigKind::Sni).unwrap(), registry::ConfigItem::Sni(true));
    assert_eq!(svc.get(4, ConfigKey::Sni).unwrap(), ConfigItem::Int(ConfigKey::Sni, 1));
    assert!(svc.set(4, &ConfigItem::Int(ConfigKey::NegotiateTime, i64::from(i32::MAX) + 1)).is_err());

    // PSK: identity and key together; a bad key leaves both as they were.
    let psk = |i: &str, k: &str| ConfigItem::Psk(Some((i.into(), k.into())));
    svc.set(4, &psk("dev-1", "0A0b")).unwrap();
    assert_eq!(svc.get(4, ConfigKey::Psk).unwrap(), psk("dev-1", "0A0b"));
    assert!(svc.set(4, &psk("dev-2", "xyz")).is_err());
    assert_eq!(svc.get(4, ConfigKey::Psk).unwrap(), psk("dev-1", "0A0b"));
    assert_eq!(reg.get(4, ConfigKind::PskIdentity).unwrap(), registry::ConfigItem::PskIdentity(b"dev-1".to_vec()));
}
