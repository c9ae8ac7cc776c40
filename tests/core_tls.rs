//! The safe core, without the C layer: a `Connection` built from a config talks to a real
//! `openssl s_server` on loopback.

use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use qlssl::capi::abi::{ql_ssl_config, ql_ssl_config_type_e as T, qlssl_va_args};
use qlssl::capi::config;
use qlssl::tls::settings::TimeoutHook;
use qlssl::tls::connection::Connection;
use qlssl::tls::context::Context;
use qlssl::tls::error::Error;

mod support;
use support::Server;

fn pki(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let ok = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout"])
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

fn start_server(cert: &Path, key: &Path) -> (Server, u16) {
    support::s_server_www(cert, key, &[])
}

fn new_config() -> Box<ql_ssl_config> {
    // SAFETY: all-zero is a valid ql_ssl_config before init.
    let mut c: Box<ql_ssl_config> = Box::new(unsafe { std::mem::zeroed() });
    config::init(&mut c).unwrap();
    c
}

fn set_int(c: &mut ql_ssl_config, t: T, v: i32) {
    let a = qlssl_va_args { i: v, j: 0, u: v as u32, p: [std::ptr::null_mut(); 5], n: [0; 2] };
    unsafe { config::set(c, t as i32, &a) }.unwrap();
}

/// QL_SSL_CONF_CACERT's (char **paths, int count) shape with one path.
fn set_ca_path(c: &mut ql_ssl_config, path: &std::ffi::CStr) {
    let mut paths = [path.as_ptr() as *mut std::ffi::c_char];
    let mut a = qlssl_va_args { i: 1, j: 0, u: 0, p: [std::ptr::null_mut(); 5], n: [0; 2] };
    a.p[0] = paths.as_mut_ptr() as *mut _;
    unsafe { config::set(c, T::QL_SSL_CONF_CACERT as i32, &a) }.unwrap();
}

fn http_get(conn: &Context) -> String {
    support::http_get_page(conn, 120).unwrap_or_else(|e| panic!("GET failed: {e}"))
}

#[test]
fn verified_blocking_handshake_and_http_exchange() {
    let dir = tempdir();
    let (cert, key) = pki(&dir);
    let (_server, port) = start_server(&cert, &key);
    let mut conf = new_config();
    set_int(&mut conf, T::QL_SSL_CONF_AUTHMODE, 1);
    let ca = std::ffi::CString::new(cert.to_str().unwrap()).unwrap();
    set_ca_path(&mut conf, &ca);
    let settings = unsafe { config::settings_of(&mut conf) }.unwrap();

    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut conn = Connection::new();
    conn.set_socket_fd(sock.as_raw_fd()).unwrap();
    conn.set_hostname(b"localhost").unwrap();
    assert_eq!(conn.read(&mut [0u8; 4]).unwrap_err(), Error::WrongState("no handshake has been done"));
    conn.setup(settings.clone()).unwrap();
    // Blocking calls go through the Context: the connection itself never waits for the socket.
    let conn = Context::from(conn);
    let (r, notice) = conn.handshake();
    r.unwrap();
    assert!(notice.is_none());
    assert!(conn.with(|c| Ok(c.handshake_finished())).unwrap());
    assert_eq!(conn.with(|c| Ok(c.verify_flags())).unwrap(), Some(0));
    let page = http_get(&conn);
    assert!(page.starts_with("HTTP/1.0 200"), "unexpected response: {page:.80}");
    conn.close_notify().unwrap();
    config::free(&mut conf).unwrap();
    // s_server serves one connection at a time: finish this one before the next.
    drop(conn);
    drop(sock);

    // The same settings against the wrong name fail verification with a CN/SAN finding.
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut conn = Connection::new();
    conn.set_socket_fd(sock.as_raw_fd()).unwrap();
    conn.set_hostname(b"wrong.example").unwrap();
    let mut settings = settings;
    settings.negotiate_timeout_s = 10;
    conn.setup(settings).unwrap();
    let conn = Context::from(conn);
    let (r, _) = conn.handshake();
    // Typed: the unforgiven findings; the text (what the C API's last error shows) names them.
    assert_eq!(r, Err(Error::VerifyFailed { flags: 0x04 }));
    assert!(r.unwrap_err().to_string().contains("certificate verification failed: CN/SAN mismatch"));
    assert_eq!(conn.with(|c| Ok(c.verify_flags())).unwrap(), Some(0x04));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn silent_peer_hits_the_negotiate_timeout_once() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut conf = new_config();
    set_int(&mut conf, T::QL_SSL_CONF_HS_TIMEOUT, 1);
    let mut settings = unsafe { config::settings_of(&mut conf) }.unwrap();
    unsafe extern "C" fn cb(_: *mut i32, _: *mut std::ffi::c_void) {}
    settings.timeout_hook = Some(TimeoutHook { func: cb as unsafe extern "C" fn(*mut i32, *mut std::ffi::c_void) as usize, arg: 0 });
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let _accepted = listener.accept().unwrap();
    let mut conn = Connection::new();
    conn.set_socket_fd(sock.as_raw_fd()).unwrap();
    conn.setup(settings).unwrap();
    let conn = Context::from(conn);
    let t0 = Instant::now();
    let (r, notice) = conn.handshake();
    assert_eq!(r, Err(Error::HandshakeTimeout(1)));
    assert!(notice.is_some(), "first timeout reports the callback");
    assert!(t0.elapsed() >= Duration::from_millis(900) && t0.elapsed() < Duration::from_secs(10));
    let (r, notice) = conn.handshake();
    assert!(r.is_err());
    assert!(notice.is_none(), "the callback is due only once");
    config::free(&mut conf).unwrap();
}

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("qlssl-core-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A server that speaks first: its greeting follows its Finished at once (a Python `ssl` server,
/// OpenSSL underneath). The handshake's read-ahead (src/tls/engine/transport.rs, `recv_ahead`) must leave the
/// greeting in the socket, so that a non-blocking client's `poll` sees it: read ahead past the
/// Finished, it would sit in the transport and the poll below would time out.
#[test]
fn greeting_right_after_the_handshake_stays_in_the_socket() {
    let dir = tempdir().join("greeting");
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = pki(&dir);
    let port = support::free_port();
    let script = r#"
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", int(sys.argv[1])))
ls.listen(1)
ls.settimeout(20)
print("ready", flush=True)
c, _ = ls.accept()
c.settimeout(20)
s = ctx.wrap_socket(c, server_side=True)
s.sendall(b"220 greeting from the server")
try:
    s.recv(1)
except OSError:
    pass
"#;
    let mut child = Command::new("python3")
        .args(["-c", script, &port.to_string()])
        .arg(&cert)
        .arg(&key)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut ready).unwrap();
    let _server = Server(child);
    assert_eq!(ready.trim(), "ready");

    let mut conf = new_config();
    set_int(&mut conf, T::QL_SSL_CONF_AUTHMODE, 1);
    let ca = std::ffi::CString::new(cert.to_str().unwrap()).unwrap();
    set_ca_path(&mut conf, &ca);
    let settings = unsafe { config::settings_of(&mut conf) }.unwrap();
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.set_nonblocking(true).unwrap();
    let fd = sock.as_raw_fd();
    let wait = |events: i16, ms: i32| -> bool {
        let mut p = libc::pollfd { fd, events, revents: 0 };
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut p, 1, ms) > 0 }
    };
    let mut conn = Connection::new();
    conn.set_socket_fd(fd).unwrap();
    conn.set_hostname(b"localhost").unwrap();
    conn.setup(settings).unwrap();
    let conn = Context::from(conn);
    let mut done = false;
    for _ in 0..1000 {
        match conn.handshake().0 {
            Ok(()) => {
                done = true;
                break;
            }
            Err(Error::WantRead) => {
                assert!(wait(libc::POLLIN, 10_000), "no answer from the server");
                // Let everything the server sends arrive (its last flight and the greeting), so
                // that one read could take both.
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(Error::WantWrite) => assert!(wait(libc::POLLOUT, 10_000), "socket not writable"),
            Err(e) => panic!("handshake failed: {e}"),
        }
    }
    assert!(done, "handshake did not finish");
    assert!(wait(libc::POLLIN, 5_000), "the greeting is not in the socket: the handshake read past the server's Finished");
    let mut buf = [0u8; 64];
    let mut got = Vec::new();
    for _ in 0..100 {
        match conn.read(&mut buf) {
            Ok(n) if n > 0 => {
                got.extend_from_slice(&buf[..n]);
                if got.len() >= 28 {
                    break;
                }
            }
            Err(Error::WantRead) => assert!(wait(libc::POLLIN, 5_000), "greeting incomplete"),
            other => panic!("read: {other:?}"),
        }
    }
    assert_eq!(&got[..], b"220 greeting from the server");
    config::free(&mut conf).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
