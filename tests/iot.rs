//! The IoT extension items (issue 20, docs/IOT.md) through the C API against `openssl s_server` on
//! loopback: ALPN, public-key pinning, the maximum fragment length (record sizes seen on the wire
//! by a relay), and the session store across two processes.

#![cfg(feature = "ext-items")]

use std::ffi::{c_char, c_int, CStr, CString};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use qlssl::capi::abi::{ql_ssl_config, ql_ssl_config_type_e as T, ql_ssl_context, ql_ssl_error_code_e as E};
use qlssl::capi::*;

extern "C" {
    // The exported C-variadic function (src/capi/shim.c), called as an application would.
    fn ql_ssl_conf_set(conf: *mut ql_ssl_config, ty: c_int, ...) -> c_int;
    fn ql_ssl_conf_get(conf: *mut ql_ssl_config, ty: c_int, ...) -> c_int;
}

/// A shell script's standard output (openssl pipelines); panics with its errors on failure.
fn sh(script: &str) -> Vec<u8> {
    let out = Command::new("sh").args(["-c", script]).output().unwrap();
    assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("qlssl-iot-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The P-256 key and localhost certificate options every certificate here is made with.
const EC_LOCALHOST: &str = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost";

/// A self-signed EC certificate for localhost (its own trust anchor) and its key.
fn pki(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join(format!("{name}.pem")), dir.join(format!("{name}.key")));
    sh(&format!(
        "openssl req -x509 {EC_LOCALHOST} -days 2 -addext subjectAltName=DNS:localhost -keyout '{}' -out '{}' 2>/dev/null",
        key.display(),
        cert.display()
    ));
    (cert, key)
}

/// A fresh directory for test `tag` with a self-signed server certificate and key in it.
fn srv_pki(tag: &str) -> (PathBuf, PathBuf, PathBuf) {
    let dir = tempdir(tag);
    let (cert, key) = pki(&dir, "srv");
    (dir, cert, key)
}

/// SHA-256 of the certificate's DER SubjectPublicKeyInfo, computed by openssl
/// (`openssl x509 -pubkey | openssl pkey -pubin -outform der | sha256`).
fn spki_pin(cert: &Path) -> [u8; 32] {
    sh(&format!(
        "openssl x509 -in '{}' -noout -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary",
        cert.display()
    ))
    .try_into()
    .expect("a 32-byte digest")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// An `openssl s_server` (TLS 1.2) this test started: killed and reaped on drop.
struct Peer {
    child: Child,
    port: u16,
}

impl Peer {
    /// `s_server` with `cert`/`key`, its mode (`-www`, `-WWW`) and `extra` arguments, run in `dir`;
    /// returns once it accepts connections (at most 10 s).
    fn start(dir: &Path, cert: &Path, key: &Path, mode: &str, extra: &[&str]) -> Peer {
        Peer::start_version(dir, cert, key, mode, "-tls1_2", extra)
    }

    /// As `start`, speaking only the protocol version `version` (`-tls1_2`, `-tls1_3`).
    fn start_version(dir: &Path, cert: &Path, key: &Path, mode: &str, version: &str, extra: &[&str]) -> Peer {
        let port = free_port();
        let accept = format!("127.0.0.1:{port}");
        let mut args = vec!["s_server", "-quiet", mode, version, "-accept", &accept];
        let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
        args.extend(["-cert", cert, "-key", key]);
        args.extend(extra);
        let child = Command::new("openssl").args(&args).current_dir(dir).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let peer = Peer { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "s_server {args:?} did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        peer
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `openssl s_server -www` with `extra` arguments: the server (stopped on drop) and its port.
fn s_server(cert: &Path, key: &Path, extra: &[&str]) -> (Peer, u16) {
    let peer = Peer::start(cert.parent().unwrap(), cert, key, "-www", extra);
    let port = peer.port;
    (peer, port)
}

/// An initialised config, freed on drop.
struct Conf(Box<ql_ssl_config>);
impl Conf {
    fn new() -> Conf {
        // SAFETY: all-zero is a valid ql_ssl_config before init.
        let mut c: Box<ql_ssl_config> = Box::new(unsafe { std::mem::zeroed() });
        assert_eq!(unsafe { ql_ssl_conf_init(&mut *c) }, 0);
        Conf(c)
    }
    fn ptr(&mut self) -> *mut ql_ssl_config {
        &mut *self.0
    }
    fn int(&mut self, t: T, v: c_int) -> c_int {
        unsafe { ql_ssl_conf_set(self.ptr(), t as c_int, v) }
    }
    fn ca(&mut self, cert: &Path) {
        let path = CString::new(cert.to_str().unwrap()).unwrap();
        let p = path.as_ptr();
        assert_eq!(unsafe { ql_ssl_conf_set(self.ptr(), T::QL_SSL_CONF_CACERT as c_int, &p as *const *const c_char, 1 as c_int) }, 0);
    }
    fn alpn(&mut self, names: &[&str]) -> c_int {
        let owned: Vec<CString> = names.iter().map(|n| CString::new(*n).unwrap()).collect();
        let ptrs: Vec<*const c_char> = owned.iter().map(|n| n.as_ptr()).collect();
        unsafe { ql_ssl_conf_set(self.ptr(), T::QL_SSL_CONF_ALPN as c_int, ptrs.as_ptr(), ptrs.len() as c_int) }
    }
    fn pins(&mut self, pins: &[[u8; 32]]) -> c_int {
        unsafe { ql_ssl_conf_set(self.ptr(), T::QL_SSL_CONF_PIN_SHA256 as c_int, pins.as_ptr() as *const u8, pins.len() as c_int) }
    }
}
impl Drop for Conf {
    fn drop(&mut self) {
        unsafe { ql_ssl_conf_free(self.ptr()) };
    }
}

/// A context, freed on drop (after the socket it uses).
struct Conn {
    ctx: ql_ssl_context,
    _sock: TcpStream,
}
impl Drop for Conn {
    fn drop(&mut self) {
        unsafe { ql_ssl_free(&mut self.ctx) };
    }
}

/// Connect to `port` (through nothing but loopback), set up with `conf`, and run the handshake:
/// the connection and the handshake's result code.
fn connect(conf: &mut Conf, port: u16) -> (Conn, c_int) {
    connect_to(conf, "127.0.0.1", port)
}

/// `connect` to another address (the server end of scripts/netdelay.sh's delayed link).
fn connect_to(conf: &mut Conf, addr: &str, port: u16) -> (Conn, c_int) {
    let sock = TcpStream::connect((addr, port)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut conn = Conn { ctx: 0, _sock: sock };
    unsafe {
        assert_eq!(ql_ssl_new(&mut conn.ctx), 0);
        assert_eq!(ql_ssl_setup(&mut conn.ctx, conf.ptr()), 0);
        assert_eq!(ql_ssl_set_socket_fd(&mut conn.ctx, conn._sock.as_raw_fd()), 0);
        let host = CString::new("localhost").unwrap();
        assert_eq!(ql_ssl_set_hostname(&mut conn.ctx, host.as_ptr()), 0);
    }
    let rc = unsafe { ql_ssl_handshake(&mut conn.ctx) };
    (conn, rc)
}

fn alpn_of(conn: &mut Conn) -> Option<String> {
    let p = unsafe { ql_ssl_get_alpn(&mut conn.ctx) };
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
}

fn last_error() -> String {
    let mut buf = [0 as c_char; 512];
    unsafe { ql_ssl_last_error(buf.as_mut_ptr(), buf.len()) };
    unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
}

/// `GET /` over the connection: s_server -www's status page.
fn status_page(conn: &mut Conn) -> String {
    let req = b"GET / HTTP/1.0\r\n\r\n";
    assert_eq!(unsafe { ql_ssl_write(&mut conn.ctx, req.as_ptr(), req.len()) }, req.len() as c_int);
    let mut out = Vec::new();
    let mut buf = [0u8; 512];
    for _ in 0..1000 {
        let n = unsafe { ql_ssl_read(&mut conn.ctx, buf.as_mut_ptr(), buf.len()) };
        if n <= 0 {
            break;
        }
        out.extend_from_slice(&buf[..n as usize]);
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn alpn_is_negotiated_with_s_server() {
    let (_, cert, key) = srv_pki("alpn");
    let (_server, port) = s_server(&cert, &key, &["-alpn", "h2,x-amzn-mqtt-ca"]);
    let mut conf = Conf::new();
    assert_eq!(conf.alpn(&["x-amzn-mqtt-ca", "http/1.1"]), 0);
    let (mut conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, 0, "{}", last_error());
    assert_eq!(alpn_of(&mut conn).as_deref(), Some("x-amzn-mqtt-ca"));
    let page = status_page(&mut conn);
    assert!(page.contains("HTTP/1.0 200"), "{page:.200}");
    drop(conn);

    // The server's preference decides among protocols both offer (OpenSSL picks its own first).
    assert_eq!(conf.alpn(&["x-amzn-mqtt-ca", "h2"]), 0);
    let (mut conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, 0, "{}", last_error());
    assert_eq!(alpn_of(&mut conn).as_deref(), Some("h2"));
}

#[test]
fn alpn_without_a_common_protocol_is_refused_by_the_server() {
    let (_, cert, key) = srv_pki("alpn-none");
    // OpenSSL 3.0's s_server (TLS 1.2) ends a handshake whose ClientHello offers no protocol it
    // has with the fatal alert no_application_protocol (120): HS_FAILURE, the alert named.
    let (server, port) = s_server(&cert, &key, &["-alpn", "h2"]);
    let mut conf = Conf::new();
    assert_eq!(conf.alpn(&["mqtt"]), 0);
    let (mut conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, E::QL_SSL_ERROR_HS_FAILURE as c_int);
    let text = last_error();
    assert!(text.contains("fatal alert 120 (no_application_protocol)"), "{text}");
    assert_eq!(alpn_of(&mut conn), None);
    drop(conn);
    drop(server);
    // A server without ALPN ignores the extension: the handshake completes, no protocol.
    let (_server, port) = s_server(&cert, &key, &[]);
    let (mut conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, 0, "{}", last_error());
    assert_eq!(alpn_of(&mut conn), None);
    assert!(status_page(&mut conn).contains("HTTP/1.0 200"));
}

#[test]
fn alpn_arguments_are_checked_and_read_back() {
    let mut conf = Conf::new();
    assert_eq!(conf.alpn(&[]), E::QL_SSL_ERROR_INVALID_PARAM as c_int, "count 0");
    assert_eq!(conf.alpn(&[""]), E::QL_SSL_ERROR_INVALID_PARAM as c_int, "empty name");
    let long = "x".repeat(256);
    assert_eq!(conf.alpn(&[&long]), E::QL_SSL_ERROR_INVALID_PARAM as c_int, "256-byte name");
    assert_eq!(conf.alpn(&["h2", "mqtt"]), 0);
    let mut list: *const *const c_char = std::ptr::null();
    let mut count: c_int = 0;
    assert_eq!(unsafe { ql_ssl_conf_get(conf.ptr(), T::QL_SSL_CONF_ALPN as c_int, &mut list, &mut count) }, 0);
    assert_eq!(count, 2);
    let names: Vec<String> =
        (0..2).map(|i| unsafe { CStr::from_ptr(*list.add(i)) }.to_str().unwrap().to_owned()).collect();
    assert_eq!(names, ["h2", "mqtt"]);
    assert!(unsafe { *list.add(2) }.is_null(), "NULL-terminated");
    // NULL clears.
    assert_eq!(unsafe { ql_ssl_conf_set(conf.ptr(), T::QL_SSL_CONF_ALPN as c_int, std::ptr::null::<*const c_char>(), 0 as c_int) }, 0);
    assert_eq!(unsafe { ql_ssl_conf_get(conf.ptr(), T::QL_SSL_CONF_ALPN as c_int, &mut list, &mut count) }, 0);
    assert_eq!(count, 0);
    // A bad handle has no protocol.
    let mut bogus: ql_ssl_context = 12345;
    assert!(unsafe { ql_ssl_get_alpn(&mut bogus) }.is_null());
    assert!(unsafe { ql_ssl_get_alpn(std::ptr::null_mut()) }.is_null());
}

#[test]
fn the_right_pin_is_enough_without_verification() {
    let (_, cert, key) = srv_pki("pin-ok");
    let (_server, port) = s_server(&cert, &key, &[]);
    let mut conf = Conf::new();
    assert_eq!(conf.int(T::QL_SSL_CONF_AUTHMODE, 0), 0);
    assert_eq!(conf.pins(&[[0x55; 32], spki_pin(&cert)]), 0);
    let (mut conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, 0, "{}", last_error());
    let mut flags = u32::MAX;
    assert_eq!(unsafe { ql_ssl_get_verify_result(&mut conn.ctx, &mut flags) }, 0);
    assert_eq!(flags, 0);
    assert!(status_page(&mut conn).contains("HTTP/1.0 200"));
}

#[test]
fn a_wrong_pin_fails_even_with_a_trusted_chain() {
    let (dir, cert, key) = srv_pki("pin-bad");
    let (other, _) = pki(&dir, "other");
    let (_server, port) = s_server(&cert, &key, &[]);
    // The chain alone is trusted: the handshake succeeds without pins.
    let mut conf = Conf::new();
    assert_eq!(conf.int(T::QL_SSL_CONF_AUTHMODE, 1), 0);
    conf.ca(&cert);
    let (conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, 0, "{}", last_error());
    drop(conn);
    // Pinned to another key: refused, with the pin flag and text.
    assert_eq!(conf.pins(&[spki_pin(&other)]), 0);
    let (mut conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, E::QL_SSL_ERROR_HS_FAILURE as c_int);
    let text = last_error();
    assert!(text.contains("pin"), "{text}");
    let mut flags = 0u32;
    assert_eq!(unsafe { ql_ssl_get_verify_result(&mut conn.ctx, &mut flags) }, 0);
    assert_eq!(flags, 0x10_0000, "only the pin finding: the chain itself is fine");
    drop(conn);
    // And under VERIFY_NULL the pin is the check.
    assert_eq!(conf.int(T::QL_SSL_CONF_AUTHMODE, 0), 0);
    let (_conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, E::QL_SSL_ERROR_HS_FAILURE as c_int);
    // Bad arguments.
    assert_eq!(conf.pins(&[]), E::QL_SSL_ERROR_INVALID_PARAM as c_int);
    assert_eq!(conf.pins(&[[0; 32]; 17]), E::QL_SSL_ERROR_INVALID_PARAM as c_int);
}

/// A TCP relay from a local port to `port` that records the length of every TLS record the
/// server sends (the 5-byte record headers of the server-to-client stream). One connection.
fn record_relay(port: u16) -> (u16, std::thread::JoinHandle<Vec<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let relay_port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (client, _) = listener.accept().unwrap();
        let server = TcpStream::connect(("127.0.0.1", port)).unwrap();
        for s in [&client, &server] {
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        }
        let (mut c_in, mut s_out) = (client.try_clone().unwrap(), server.try_clone().unwrap());
        let up = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = c_in.read(&mut buf) {
                if n == 0 || s_out.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            let _ = s_out.shutdown(std::net::Shutdown::Write);
        });
        let (mut s_in, mut c_out) = (server, client);
        let mut stream = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = s_in.read(&mut buf) {
            if n == 0 || c_out.write_all(&buf[..n]).is_err() {
                break;
            }
            stream.extend_from_slice(&buf[..n]);
        }
        let _ = c_out.shutdown(std::net::Shutdown::Write);
        let _ = up.join();
        let mut lens = Vec::new();
        let mut at = 0;
        while at + 5 <= stream.len() {
            let len = u16::from_be_bytes([stream[at + 3], stream[at + 4]]) as usize;
            lens.push(len);
            at += 5 + len;
        }
        lens
    });
    (relay_port, handle)
}

/// Largest record the server sent for a 20 KB file, with `mfl` requested.
fn largest_server_record(mfl: c_int) -> usize {
    let (dir, cert, key) = srv_pki(&format!("mfl{mfl}"));
    std::fs::write(dir.join("big.txt"), "0123456789abcdef".repeat(1280)).unwrap();
    let server = Peer::start(&dir, &cert, &key, "-WWW", &[]);
    let port = server.port;
    let (relay_port, relay) = record_relay(port);
    let mut conf = Conf::new();
    assert_eq!(conf.int(T::QL_SSL_CONF_MAX_FRAG_LEN, mfl), 0);
    let (mut conn, rc) = connect(&mut conf, relay_port);
    assert_eq!(rc, 0, "{}", last_error());
    let req = b"GET /big.txt HTTP/1.0\r\n\r\n";
    assert_eq!(unsafe { ql_ssl_write(&mut conn.ctx, req.as_ptr(), req.len()) }, req.len() as c_int);
    let mut got = 0usize;
    let mut buf = [0u8; 1024];
    for _ in 0..1000 {
        let n = unsafe { ql_ssl_read(&mut conn.ctx, buf.as_mut_ptr(), buf.len()) };
        if n <= 0 {
            break;
        }
        got += n as usize;
    }
    assert!(got > 20480, "the whole file came through ({got} bytes)");
    drop(conn);
    let lens = relay.join().unwrap();
    assert!(lens.len() > 5, "records seen: {lens:?}");
    *lens.iter().max().unwrap()
}

#[test]
fn max_fragment_length_bounds_the_servers_records() {
    // Record length on the wire = plaintext fragment + the suite's expansion (AES-GCM: 24 bytes;
    // at most 256 + a MAC for CBC): bounded by the limit + 300.
    let off = largest_server_record(0);
    assert!(off > 4096 + 300, "without MFL s_server sends large records ({off})");
    for mfl in [512, 1024, 2048, 4096] {
        let largest = largest_server_record(mfl);
        assert!(largest <= mfl as usize + 300, "MFL {mfl}: largest record {largest}");
        assert!(largest > mfl as usize / 2, "MFL {mfl}: records are filled ({largest})");
        eprintln!("MFL {mfl}: largest server record {largest} bytes (off: {off})");
    }
}

#[test]
fn max_fragment_length_values_are_checked() {
    let mut conf = Conf::new();
    for bad in [-1, 1, 256, 513, 8192, 16384] {
        assert_eq!(conf.int(T::QL_SSL_CONF_MAX_FRAG_LEN, bad), E::QL_SSL_ERROR_INVALID_PARAM as c_int, "{bad}");
    }
    assert_eq!(conf.int(T::QL_SSL_CONF_MAX_FRAG_LEN, 2048), 0);
    let mut v: c_int = 0;
    assert_eq!(unsafe { ql_ssl_conf_get(conf.ptr(), T::QL_SSL_CONF_MAX_FRAG_LEN as c_int, &mut v) }, 0);
    assert_eq!(v, 2048);
}

/// glibc's `struct mallinfo2` (ten `size_t`s).
#[repr(C)]
#[derive(Default)]
struct MallInfo2 {
    arena: usize,
    ordblks: usize,
    smblks: usize,
    hblks: usize,
    hblkhd: usize,
    usmblks: usize,
    fsmblks: usize,
    uordblks: usize,
    fordblks: usize,
    keepcost: usize,
}
extern "C" {
    fn mallinfo2() -> MallInfo2;
}

/// Bytes of heap in use (small blocks and mmapped ones).
fn heap_in_use() -> usize {
    // SAFETY: glibc's mallinfo2 reads allocator statistics, no arguments.
    let m = unsafe { mallinfo2() };
    m.uordblks + m.hblkhd
}

/// Run as a child process (`heap_child`): heap of one connection with the MFL of `QLSSL_IOT_MFL`
/// to the `s_server -WWW` on `QLSSL_IOT_PORT`, printed as `heap <mfl> <steady> <peak> <transfer>`:
/// the connection's heap once established, the most seen between the steps of its (non-blocking)
/// handshake, and the most seen while it reads a 20 KB file. Alone in its process, so no other
/// test's allocations are counted.
#[test]
#[ignore = "run by heap_per_connection_shrinks_with_mfl in a process of its own"]
fn heap_child() {
    let Ok(mfl) = std::env::var("QLSSL_IOT_MFL") else { return };
    let port: u16 = std::env::var("QLSSL_IOT_PORT").unwrap().parse().unwrap();
    let mfl: c_int = mfl.parse().unwrap();
    let mut conf = Conf::new();
    assert_eq!(conf.int(T::QL_SSL_CONF_MAX_FRAG_LEN, mfl), 0);
    // TLS 1.2 on the 2.28 engine in every build (with feature tls13 a default config without
    // extension items goes to rustls, whose buffers are another story: docs/ENGINES.md).
    assert_eq!(conf.int(T::QL_SSL_CONF_VERSION, 3), 0);
    // A first connection builds the shared mbedtls config and the library's lazy state.
    let (conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, 0, "{}", last_error());
    drop(conn);
    let before = heap_in_use();
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let fd = sock.as_raw_fd();
    let mut conn = Conn { ctx: 0, _sock: sock };
    let host = CString::new("localhost").unwrap();
    unsafe {
        assert_eq!(ql_ssl_new(&mut conn.ctx), 0);
        assert_eq!(ql_ssl_setup(&mut conn.ctx, conf.ptr()), 0);
        assert_eq!(ql_ssl_set_socket_fd(&mut conn.ctx, fd), 0);
        assert_eq!(ql_ssl_set_hostname(&mut conn.ctx, host.as_ptr()), 0);
    }
    // Non-blocking: the handshake comes back after every flight, and the heap is sampled there.
    conn._sock.set_nonblocking(true).unwrap();
    let mut peak = heap_in_use();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rc = unsafe { ql_ssl_handshake(&mut conn.ctx) };
        peak = peak.max(heap_in_use());
        let want_write = rc == E::QL_SSL_ERROR_WANT_WRITE as c_int;
        if rc != E::QL_SSL_ERROR_WANT_READ as c_int && !want_write {
            assert_eq!(rc, 0, "{}", last_error());
            break;
        }
        assert!(Instant::now() < deadline, "handshake still going after 10 s");
        let mut p = libc::pollfd { fd, events: if want_write { libc::POLLOUT } else { libc::POLLIN }, revents: 0 };
        // SAFETY: one valid pollfd for the duration of the call.
        unsafe { libc::poll(&mut p, 1, 2000) };
    }
    let steady = heap_in_use();
    conn._sock.set_nonblocking(false).unwrap();
    let req = b"GET /big.txt HTTP/1.0\r\n\r\n";
    assert_eq!(unsafe { ql_ssl_write(&mut conn.ctx, req.as_ptr(), req.len()) }, req.len() as c_int);
    let (mut got, mut transfer) = (0usize, heap_in_use());
    let mut buf = [0u8; 1024];
    for _ in 0..1000 {
        let n = unsafe { ql_ssl_read(&mut conn.ctx, buf.as_mut_ptr(), buf.len()) };
        transfer = transfer.max(heap_in_use());
        if n <= 0 {
            break;
        }
        got += n as usize;
    }
    assert!(got > 20480, "the whole file came through ({got} bytes)");
    drop(conn);
    let [steady, peak, transfer] = [steady, peak, transfer].map(|h| h.saturating_sub(before));
    println!("heap {mfl} {steady} {peak} {transfer}");
}

#[test]
fn heap_per_connection_shrinks_with_mfl() {
    let (dir, cert, key) = srv_pki("heap");
    std::fs::write(dir.join("big.txt"), "0123456789abcdef".repeat(1280)).unwrap();
    let server = Peer::start(&dir, &cert, &key, "-WWW", &[]);
    let mut figures = Vec::new();
    for mfl in [0usize, 512, 1024, 2048, 4096] {
        let (mfl_text, port_text) = (mfl.to_string(), server.port.to_string());
        let text = child("heap_child", &[("QLSSL_IOT_MFL", mfl_text.as_ref()), ("QLSSL_IOT_PORT", port_text.as_ref())]);
        let tag = format!("heap {mfl} ");
        let at = text.find(&tag).unwrap_or_else(|| panic!("no figures in: {text}")) + tag.len();
        let f: Vec<usize> = text[at..].split_whitespace().take(3).map(|v| v.parse().unwrap()).collect();
        eprintln!("heap per connection, MFL {mfl}: established {} B, handshake peak {} B, reading 20 KB peak {} B", f[0], f[1], f[2]);
        figures.push((mfl, f[0], f[1]));
    }
    let (_, off, off_peak) = figures[0];
    assert!(off > 2 * 16 * 1024, "without MFL both 16 KiB record buffers stay ({off})");
    for &(mfl, steady, peak) in &figures[1..] {
        // MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH: after the handshake both buffers shrink to the
        // limit (.cargo/config.toml), each by 16 KiB - the limit (their header and expansion room
        // stay); during it they are full size, whatever the limit.
        let saving = 2 * (16384 - mfl);
        assert!(off - steady + 1024 >= saving, "MFL {mfl}: {steady} B established, {off} B without MFL (saving {saving} B expected)");
        assert!(peak + 2048 >= off_peak, "MFL {mfl}: the handshake still has full-size buffers ({peak} B, {off_peak} B without)");
    }
}

/// The library's log, printed as `LOG <level> <message>` lines for the parent to read.
unsafe extern "C" fn print_log(level: c_int, msg: *const c_char, _: *mut std::ffi::c_void) {
    // SAFETY: the library passes a NUL-terminated message.
    println!("LOG {level} {}", unsafe { CStr::from_ptr(msg) }.to_string_lossy());
}

/// Run as a child process (`store_child`): one connection with SESSION_CACHE and
/// SESSION_STORE "UFS:session.bin" (QLSSL_UFS_DIR set by the parent) to port QLSSL_IOT_PORT;
/// prints `resumed <0|1>`, whether s_server's status page says `Reused`, and the log.
#[test]
#[ignore = "run by the session-store tests in processes of their own"]
fn store_child() {
    let Ok(port) = std::env::var("QLSSL_IOT_STORE_PORT") else { return };
    let port: u16 = port.parse().unwrap();
    qlssl::capi::logging::ql_ssl_set_log_callback(Some(print_log), 3, std::ptr::null_mut());
    let mut conf = Conf::new();
    assert_eq!(conf.int(T::QL_SSL_CONF_SESSION_CACHE, 1), 0);
    let path = CString::new("UFS:session.bin").unwrap();
    assert_eq!(unsafe { ql_ssl_conf_set(conf.ptr(), T::QL_SSL_CONF_SESSION_STORE as c_int, path.as_ptr()) }, 0);
    // scripts/netdelay.sh runs this process in a network namespace, the server across a delayed link.
    let addr = std::env::var("QLSSL_IOT_STORE_ADDR").unwrap_or_else(|_| "127.0.0.1".into());
    let start = Instant::now();
    let (mut conn, rc) = connect_to(&mut conf, &addr, port);
    let connect_ms = start.elapsed().as_millis();
    assert_eq!(rc, 0, "{}", last_error());
    println!("connect_ms {connect_ms}");
    let resumed = unsafe { ql_ssl_session_resumed(&mut conn.ctx) };
    let page = status_page(&mut conn);
    assert!(page.contains("HTTP/1.0 200"), "{page:.200}");
    println!("resumed {resumed}");
    println!("server-reused {}", page.contains("Reused,"));
    // The server's own count of resumed sessions (s_server -www: "   N session cache hits").
    if let Some(line) = page.lines().find(|l| l.contains("session cache hits")) {
        println!("server-hits {}", line.split_whitespace().next().unwrap_or("?"));
    }
}

/// Run the ignored test `name` of this binary in a process of its own, with `env` added; its
/// standard output (the test harness prints the test's name on the line of its first output).
fn child(name: &str, env: &[(&str, &std::ffi::OsStr)]) -> String {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([name, "--exact", "--ignored", "--nocapture", "--test-threads=1"]);
    cmd.envs(env.iter().copied());
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{name} failed: {text}{}", String::from_utf8_lossy(&out.stderr));
    text
}

/// One "power cycle": a new process connects with the store in `dir`.
fn store_process(dir: &Path, port: u16) -> (bool, bool, String) {
    let port = port.to_string();
    let text = child("store_child", &[("QLSSL_IOT_STORE_PORT", port.as_ref()), ("QLSSL_UFS_DIR", dir.as_os_str())]);
    (text.contains("resumed 1"), text.contains("server-reused true"), text)
}

#[test]
fn a_new_process_resumes_from_the_session_store() {
    let (dir, cert, key) = srv_pki("store");
    let (_server, port) = s_server(&cert, &key, &[]);
    let store = dir.join("session.bin");
    // Process A: full handshake, the session saved.
    let (resumed, reused, log) = store_process(&dir, port);
    assert!(!resumed && !reused, "{log}");
    let saved = std::fs::read(&store).unwrap();
    assert!(saved.starts_with(b"QLSSLSS1") && saved.len() > 100, "{} bytes", saved.len());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&store).unwrap().permissions().mode() & 0o777, 0o600, "owner-only: it holds the master secret");
    // Process B: resumes (our verdict and the server's own page agree).
    let (resumed, reused, log) = store_process(&dir, port);
    assert!(resumed && reused, "{log}");
    assert_eq!(std::fs::read(&store).unwrap(), saved, "a resumed handshake does not rewrite the file");
    assert!(!dir.read_dir().unwrap().any(|e| e.unwrap().file_name().to_string_lossy().contains(".tmp")), "no temporary left");

    // A damaged file is ignored with a reason, and replaced by the next full handshake.
    let mut bad = saved.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0xFF;
    std::fs::write(&store, &bad).unwrap();
    let (resumed, reused, log) = store_process(&dir, port);
    assert!(!resumed && !reused, "{log}");
    assert!(log.contains("ignored: checksum mismatch"), "{log}");
    let (resumed, reused, log) = store_process(&dir, port);
    assert!(resumed && reused, "the next full handshake saved a good file again: {log}");

    // A file saved for another server (another port) is foreign: ignored, never offered.
    let (_other, other_port) = s_server(&cert, &key, &[]);
    let (resumed, _, log) = store_process(&dir, other_port);
    assert!(!resumed, "{log}");
    assert!(log.contains("saved for another host, port or configuration"), "{log}");

    // Not a store file at all.
    std::fs::write(&store, b"garbage").unwrap();
    let (resumed, _, log) = store_process(&dir, port);
    assert!(!resumed && log.contains("not a session store file"), "{log}");
}

/// A CA (its own root) and a localhost leaf it signed, in `dir` under `name`: (root, leaf, key).
fn ca_and_leaf(dir: &Path, name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let file = |suffix: &str| dir.join(format!("{name}-{suffix}"));
    let (root, leaf, key) = (file("root.pem"), file("leaf.pem"), file("leaf.key"));
    std::fs::write(file("leaf.ext"), "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n").unwrap();
    sh(&format!(
        "cd '{dir}' && \
         openssl req -x509 {EC_LOCALHOST}-root -days 2 -addext basicConstraints=critical,CA:TRUE \
           -addext keyUsage=critical,keyCertSign,cRLSign -keyout {name}-root.key -out {name}-root.pem 2>/dev/null && \
         openssl req {EC_LOCALHOST} -keyout {name}-leaf.key -out {name}-leaf.csr 2>/dev/null && \
         openssl x509 -req -in {name}-leaf.csr -CA {name}-root.pem -CAkey {name}-root.key -CAcreateserial -days 2 \
           -extfile {name}-leaf.ext -out {name}-leaf.pem 2>/dev/null",
        dir = dir.display()
    ));
    (root, leaf, key)
}

/// Run as a child process (`bundle_child`, QLSSL_CA_BUNDLE naming a bundle file): VERIFY_SERVER
/// with CA_BUNDLE on and no CA configured, to QLSSL_IOT_BUNDLE_PORT; prints `rc <code> flags <f>`.
#[test]
#[ignore = "run by the bundle test in processes of their own"]
fn bundle_child() {
    let Ok(port) = std::env::var("QLSSL_IOT_BUNDLE_PORT") else { return };
    let mut conf = Conf::new();
    if let Ok(v) = std::env::var("QLSSL_IOT_BUNDLE_VERSION") {
        assert_eq!(conf.int(T::QL_SSL_CONF_VERSION, v.parse().unwrap()), 0);
    }
    assert_eq!(conf.int(T::QL_SSL_CONF_AUTHMODE, 1), 0);
    assert_eq!(conf.int(T::QL_SSL_CONF_CA_BUNDLE, 1), 0, "{}", last_error());
    let (mut conn, rc) = connect(&mut conf, port.parse().unwrap());
    let mut flags = 0u32;
    unsafe { ql_ssl_get_verify_result(&mut conn.ctx, &mut flags) };
    let suite = unsafe { ql_ssl_get_ciphersuite(&mut conn.ctx) };
    println!("rc {rc} flags {flags:#x} suite {suite:#x} text {}", if rc == 0 { String::new() } else { last_error() });
}

fn bundle_process(bundle: &Path, port: u16) -> String {
    let port = port.to_string();
    child("bundle_child", &[("QLSSL_IOT_BUNDLE_PORT", port.as_ref()), ("QLSSL_CA_BUNDLE", bundle.as_os_str())])
}

/// The bundle in the test root's format: `roots` as DER behind their 2-byte lengths.
fn bundle_of(roots: &[&Path]) -> Vec<u8> {
    let mut blob = Vec::new();
    for pem in roots {
        let out = Command::new("openssl").args(["x509", "-outform", "der", "-in"]).arg(pem).output().unwrap();
        assert!(out.status.success());
        blob.extend_from_slice(&(out.stdout.len() as u16).to_be_bytes());
        blob.extend_from_slice(&out.stdout);
    }
    blob
}

#[test]
fn a_bundle_built_from_a_test_root_verifies_its_servers_only() {
    let dir = tempdir("bundle");
    let (root, leaf, key) = ca_and_leaf(&dir, "trusted");
    let (_, other_leaf, other_key) = ca_and_leaf(&dir, "stranger");
    // The bundle: the test root's DER behind its 2-byte length (the built-in bundle's format),
    // after an unrelated root (another self-signed certificate), so the lookup walks the list.
    let (unrelated, _) = pki(&dir, "unrelated");
    let bundle = dir.join("bundle.bin");
    std::fs::write(&bundle, bundle_of(&[&unrelated, &root])).unwrap();

    let (server, port) = s_server(&leaf, &key, &[]);
    let text = bundle_process(&bundle, port);
    assert!(text.contains("rc 0 flags 0x0"), "{text}");
    drop(server);
    let (_server, port) = s_server(&other_leaf, &other_key, &[]);
    let text = bundle_process(&bundle, port);
    assert!(text.contains("rc -6 flags 0x8 "), "a root outside the bundle is not trusted: {text}");
}

#[cfg(not(feature = "ca-bundle"))]
#[test]
fn without_the_feature_there_is_no_bundle() {
    if std::env::var_os("QLSSL_CA_BUNDLE").is_some() {
        return;
    }
    let mut conf = Conf::new();
    assert_eq!(conf.int(T::QL_SSL_CONF_CA_BUNDLE, 1), E::QL_SSL_ERROR_NOT_SUPPORT as c_int);
    assert_eq!(conf.int(T::QL_SSL_CONF_CA_BUNDLE, 0), 0);
    assert_eq!(conf.int(T::QL_SSL_CONF_CA_BUNDLE, 2), E::QL_SSL_ERROR_INVALID_PARAM as c_int);
}

/// The real bundle (feature `ca-bundle`): every root parses, and a context verifying with it alone
/// sets up (ql_ssl_setup parses the whole list).
#[cfg(feature = "ca-bundle")]
#[test]
fn the_built_in_bundle_parses() {
    let certs = qlssl::tls::bundle::certificates().unwrap();
    assert_eq!(certs.len(), qlssl::tls::bundle::BUNDLE_CERTS);
    assert!(certs.len() > 100, "Debian ships well over 100 roots ({})", certs.len());
    eprintln!(
        "built-in bundle: {} roots, {} bytes (from {})",
        qlssl::tls::bundle::BUNDLE_CERTS,
        qlssl::tls::bundle::BUNDLE_BYTES,
        qlssl::tls::bundle::BUNDLE_SOURCE
    );
    let mut conf = Conf::new();
    assert_eq!(conf.int(T::QL_SSL_CONF_AUTHMODE, 1), 0);
    assert_eq!(conf.int(T::QL_SSL_CONF_CA_BUNDLE, 1), 0);
    let mut ctx: ql_ssl_context = 0;
    unsafe {
        assert_eq!(ql_ssl_new(&mut ctx), 0);
        assert_eq!(ql_ssl_setup(&mut ctx, conf.ptr()), 0, "{}", last_error());
        ql_ssl_free(&mut ctx);
    }
}

extern "C" {
    fn ql_ssl_conf_get_by_id(ctx_id: c_int, ty: c_int, ...) -> c_int;
    fn ql_ssl_conf_set_by_id(ctx_id: c_int, ty: c_int, ...) -> c_int;
}

/// The extension items as `AT+QSSLCFG` names (docs/IOT.md): what AT sets, the C API reads on the
/// same per-id config, and the other way round. Context 5 (no other test of this binary uses
/// the per-id configs).
#[test]
fn the_extension_items_are_qsslcfg_names_too() {
    use qlssl::at::engine::{Engine, Options};
    use qlssl::at::remap::Remap;
    use qlssl::at::service::{LibService, TlsService};
    let (tx, _rx) = std::sync::mpsc::channel();
    let svc: std::sync::Arc<dyn TlsService> = std::sync::Arc::new(LibService::default());
    let opts = Options { ufs: std::env::temp_dir(), map: Remap::default(), prompt_timeout: Duration::from_secs(5) };
    let mut e = Engine::new(svc, tx, opts);
    let mut at = |line: &str| {
        e.feed(format!("{line}\r").as_bytes(), Instant::now());
        String::from_utf8(e.take_output()).unwrap()
    };
    at("ATE0");
    let ok = "\r\nOK\r\n";
    let listing = at("AT+QSSLCFG=?");
    for name in ["alpn", "maxfraglen", "pinsha256", "cabundle", "sessionstore"] {
        assert!(listing.contains(&format!("+QSSLCFG: \"{name}\",(0-5),")), "{name} in {listing}");
    }
    let pin = "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF";
    assert_eq!(at("AT+QSSLCFG=\"alpn\",5,\"x-amzn-mqtt-ca,h2\""), ok);
    assert_eq!(at("AT+QSSLCFG=\"maxfraglen\",5,1024"), ok);
    assert_eq!(at(&format!("AT+QSSLCFG=\"pinsha256\",5,\"{pin}\"")), ok);
    assert_eq!(at("AT+QSSLCFG=\"sessionstore\",5,\"UFS:sess5.bin\""), ok);
    assert_eq!(at("AT+QSSLCFG=\"cabundle\",5,0"), ok);
    // Refused values: the library's checks.
    for bad in ["AT+QSSLCFG=\"maxfraglen\",5,1000", "AT+QSSLCFG=\"alpn\",5,\"h2,,x\"", "AT+QSSLCFG=\"pinsha256\",5,\"00\""] {
        assert!(at(bad).contains("+CME ERROR"), "{bad}");
    }
    // AT → C.
    let (mut list, mut count): (*const *const c_char, c_int) = (std::ptr::null(), 0);
    let (mut mfl, mut pins, mut npins, mut store): (c_int, *const u8, c_int, *const c_char) = (0, std::ptr::null(), 0, std::ptr::null());
    unsafe {
        assert_eq!(ql_ssl_conf_get_by_id(5, T::QL_SSL_CONF_ALPN as c_int, &mut list, &mut count), 0);
        assert_eq!(count, 2);
        assert_eq!(CStr::from_ptr(*list).to_str().unwrap(), "x-amzn-mqtt-ca");
        assert_eq!(CStr::from_ptr(*list.add(1)).to_str().unwrap(), "h2");
        assert_eq!(ql_ssl_conf_get_by_id(5, T::QL_SSL_CONF_MAX_FRAG_LEN as c_int, &mut mfl), 0);
        assert_eq!(ql_ssl_conf_get_by_id(5, T::QL_SSL_CONF_PIN_SHA256 as c_int, &mut pins, &mut npins), 0);
        assert_eq!((mfl, npins), (1024, 1));
        assert_eq!(std::slice::from_raw_parts(pins, 32)[..3], [0x00, 0x11, 0x22]);
        assert_eq!(ql_ssl_conf_get_by_id(5, T::QL_SSL_CONF_SESSION_STORE as c_int, &mut store), 0);
        assert_eq!(CStr::from_ptr(store).to_str().unwrap(), "UFS:sess5.bin");
    }
    // C → AT.
    let names = [CString::new("mqtt").unwrap()];
    let ptrs = [names[0].as_ptr()];
    unsafe {
        assert_eq!(ql_ssl_conf_set_by_id(5, T::QL_SSL_CONF_ALPN as c_int, ptrs.as_ptr(), 1 as c_int), 0);
        assert_eq!(ql_ssl_conf_set_by_id(5, T::QL_SSL_CONF_MAX_FRAG_LEN as c_int, 512 as c_int), 0);
    }
    assert_eq!(at("AT+QSSLCFG=\"alpn\",5"), "\r\n+QSSLCFG: \"alpn\",5,\"mqtt\"\r\n\r\nOK\r\n");
    assert_eq!(at("AT+QSSLCFG=\"maxfraglen\",5"), "\r\n+QSSLCFG: \"maxfraglen\",5,512\r\n\r\nOK\r\n");
    assert_eq!(at("AT+QSSLCFG=\"pinsha256\",5"), format!("\r\n+QSSLCFG: \"pinsha256\",5,\"{pin}\"\r\n\r\nOK\r\n"));
    assert_eq!(at("AT+QSSLCFG=\"sessionstore\",5"), "\r\n+QSSLCFG: \"sessionstore\",5,\"UFS:sess5.bin\"\r\n\r\nOK\r\n");
    assert_eq!(at("AT+QSSLCFG=\"cabundle\",5"), "\r\n+QSSLCFG: \"cabundle\",5,0\r\n\r\nOK\r\n");
    // Empty texts clear the lists.
    assert_eq!(at("AT+QSSLCFG=\"alpn\",5,\"\""), ok);
    assert_eq!(at("AT+QSSLCFG=\"alpn\",5"), "\r\n+QSSLCFG: \"alpn\",5,\"\"\r\n\r\nOK\r\n");
}

/// The linked C mbedtls and the Rust bindings agree on `mbedtls_ssl_context` (the define of
/// .cargo/config.toml reached the C build and bindgen alike), and the C library has
/// MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH. build.rs makes the same comparison at build time.
#[test]
fn mbedtls_context_layout_matches_the_c_library() {
    let layout = qlssl::tls::engine::layout::context_layout();
    eprintln!("{layout:?}");
    assert!(layout.matches(), "C and Rust disagree: {layout:?}");
    assert!(qlssl::tls::engine::layout::c_has_variable_buffers(), "mbedtls was built without MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH: {layout:?}");
}

/// A TLS 1.2 server that does not implement RFC 6066 (rustls ignores max_fragment_length): one
/// connection, answers any request with 20 KB in full-size records. Feature tls13 brings rustls.
#[cfg(feature = "tls13")]
fn rustls_server(cert: &Path, key: &Path) -> (u16, std::thread::JoinHandle<()>) {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use std::io::{Read, Write};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert).unwrap().map(|c| c.unwrap()).collect();
    let key = PrivateKeyDer::from_pem_file(key).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS12])
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let config = std::sync::Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (sock, _) = listener.accept().unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let conn = rustls::ServerConnection::new(config).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, sock);
        let mut req = [0u8; 256];
        // A client that refuses the handshake ends it here (an error is its alert).
        if tls.read(&mut req).unwrap_or(0) > 0 {
            let _ = tls.write_all(&vec![b'x'; 20 * 1024]);
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    });
    (port, handle)
}

/// A server that ignores the extension would send records larger than the buffers mbedtls
/// shrinks to the configured limit: the handshake is refused at its ServerHello, with the reason.
/// The same server without MFL: 20 KB come through.
#[cfg(feature = "tls13")]
#[test]
fn a_server_that_ignores_max_fragment_length_is_refused() {
    let (_, cert, key) = srv_pki("mfl-ignored");
    let mut conf = Conf::new();
    // TLS 1.2 on the 2.28 engine (the items are its own, docs/IOT.md).
    assert_eq!(conf.int(T::QL_SSL_CONF_VERSION, 3), 0);
    assert_eq!(conf.int(T::QL_SSL_CONF_MAX_FRAG_LEN, 512), 0);
    let (port, server) = rustls_server(&cert, &key);
    let (conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, E::QL_SSL_ERROR_HS_FAILURE as c_int);
    let text = last_error();
    assert!(text.contains("QL_SSL_CONF_MAX_FRAG_LEN"), "{text}");
    drop(conn);
    server.join().unwrap();

    assert_eq!(conf.int(T::QL_SSL_CONF_MAX_FRAG_LEN, 0), 0);
    let (port, server) = rustls_server(&cert, &key);
    let (mut conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, 0, "{}", last_error());
    let req = b"GET / HTTP/1.0\r\n\r\n";
    assert_eq!(unsafe { ql_ssl_write(&mut conn.ctx, req.as_ptr(), req.len()) }, req.len() as c_int);
    let (mut got, mut buf) = (0usize, [0u8; 1024]);
    for _ in 0..1000 {
        let n = unsafe { ql_ssl_read(&mut conn.ctx, buf.as_mut_ptr(), buf.len()) };
        if n <= 0 {
            break;
        }
        got += n as usize;
    }
    assert_eq!(got, 20 * 1024);
    drop(conn);
    server.join().unwrap();
}

// ---- The extension items on the TLS 1.3 engine (feature tls13, rustls): ALPN, pins and the root
// bundle are served there; the maximum fragment length and the session store are refused.

/// `openssl s_server -www -tls1_3` with `extra` arguments.
#[cfg(feature = "tls13")]
fn s_server13(cert: &Path, key: &Path, extra: &[&str]) -> (Peer, u16) {
    let peer = Peer::start_version(cert.parent().unwrap(), cert, key, "-www", "-tls1_3", extra);
    let port = peer.port;
    (peer, port)
}

/// QL_SSL_VERSION_TLS13 (5) and _ALL (4) with ALPN: the rustls engine negotiates it with a TLS
/// 1.3 server (the server's page says TLSv1.3, which only that engine speaks); no protocol in
/// common: the server's alert 120.
#[cfg(feature = "tls13")]
#[test]
fn alpn_on_the_tls13_engine() {
    let (_, cert, key) = srv_pki("alpn13");
    let (_server, port) = s_server13(&cert, &key, &["-alpn", "h2,x-amzn-mqtt-ca"]);
    for version in [5, 4] {
        let mut conf = Conf::new();
        assert_eq!(conf.int(T::QL_SSL_CONF_VERSION, version), 0);
        assert_eq!(conf.alpn(&["x-amzn-mqtt-ca", "http/1.1"]), 0);
        let (mut conn, rc) = connect(&mut conf, port);
        assert_eq!(rc, 0, "version {version}: {}", last_error());
        assert_eq!(alpn_of(&mut conn).as_deref(), Some("x-amzn-mqtt-ca"), "version {version}");
        let page = status_page(&mut conn);
        assert!(page.contains("TLSv1.3"), "version {version}: {page:.400}");
    }
    let mut conf = Conf::new();
    assert_eq!(conf.int(T::QL_SSL_CONF_VERSION, 5), 0);
    assert_eq!(conf.alpn(&["http/1.1"]), 0);
    let (mut conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, E::QL_SSL_ERROR_HS_FAILURE as c_int);
    let text = last_error();
    assert!(text.contains("120"), "{text}");
    assert!(alpn_of(&mut conn).is_none());
}

/// A TLS 1.3 `s_server` (stopped on drop) with a fresh self-signed certificate; its port, that
/// certificate, another one, and a config for version 5 without chain verification.
#[cfg(feature = "tls13")]
fn pin_setup13(tag: &str) -> (Peer, u16, PathBuf, PathBuf, Conf) {
    let (dir, cert, key) = srv_pki(tag);
    let (other, _) = pki(&dir, "other");
    let (server, port) = s_server13(&cert, &key, &[]);
    let mut conf = Conf::new();
    assert_eq!(conf.int(T::QL_SSL_CONF_VERSION, 5), 0);
    assert_eq!(conf.int(T::QL_SSL_CONF_AUTHMODE, 0), 0);
    (server, port, cert, other, conf)
}

/// `ql_ssl_get_verify_result` of a connection.
#[cfg(feature = "tls13")]
fn verify_flags(conn: &mut Conn) -> u32 {
    let mut flags = 0u32;
    assert_eq!(unsafe { ql_ssl_get_verify_result(&mut conn.ctx, &mut flags) }, 0);
    flags
}

/// Pins on the TLS 1.3 engine, checked in its verifier: the right pin alone (VERIFY_NULL)
/// connects, a wrong one fails with a trusted chain (flag 0x100000 and its text) and without one.
#[cfg(feature = "tls13")]
#[test]
fn pins_on_the_tls13_engine() {
    let (_server, port, cert, other, mut conf) = pin_setup13("pin13");
    assert_eq!(conf.pins(&[spki_pin(&other), spki_pin(&cert)]), 0);
    let (mut conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, 0, "{}", last_error());
    assert!(status_page(&mut conn).contains("TLSv1.3"));
    drop(conn);
    assert_eq!(conf.pins(&[spki_pin(&other)]), 0);
    let (_conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, E::QL_SSL_ERROR_HS_FAILURE as c_int, "a wrong pin alone");
    assert_eq!(conf.int(T::QL_SSL_CONF_AUTHMODE, 2), 0);
    conf.ca(&cert);
    let (mut conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, E::QL_SSL_ERROR_HS_FAILURE as c_int, "a wrong pin with a trusted chain");
    let text = last_error();
    assert!(text.contains("pin"), "{text}");
    assert_eq!(verify_flags(&mut conn), 0x10_0000, "only the pin finding: the chain itself is fine");
}

/// A TLS 1.3 ticket does not bypass changed pins: a resumed handshake has no certificate and runs
/// no verifier, and the tickets are kept per `ql_ssl_config`; new pins make a new rustls
/// configuration (the shared configuration's key has them) with a new verifier, and rustls
/// resumes only with the verifier that checked the session.
#[cfg(feature = "tls13")]
#[test]
fn pins_are_checked_again_on_a_resumed_tls13_session() {
    let (_server, port, cert, other, mut conf) = pin_setup13("pin13resume");
    assert_eq!(conf.int(T::QL_SSL_CONF_SESSION_CACHE, 1), 0);
    assert_eq!(conf.pins(&[spki_pin(&cert)]), 0);
    let mut resumed = Vec::new();
    for _ in 0..2 {
        let (mut conn, rc) = connect(&mut conf, port);
        assert_eq!(rc, 0, "{}", last_error());
        // The page's read takes in the server's tickets.
        assert!(status_page(&mut conn).contains("TLSv1.3"));
        resumed.push(unsafe { ql_ssl_session_resumed(&mut conn.ctx) });
    }
    assert_eq!(resumed, [0, 1], "the second connection resumes");
    assert_eq!(conf.pins(&[spki_pin(&other)]), 0);
    let (mut conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, E::QL_SSL_ERROR_HS_FAILURE as c_int, "a ticket does not bypass a changed pin");
    assert_eq!(verify_flags(&mut conn), 0x10_0000);
}

/// The root bundle on the TLS 1.3 engine: a bundle from a test root verifies its TLS 1.3 server
/// (a TLS 1.3 suite, 0x13xx, so rustls served it) and refuses another root's.
#[cfg(feature = "tls13")]
#[test]
fn the_bundle_on_the_tls13_engine() {
    let dir = tempdir("bundle13");
    let (root, leaf, key) = ca_and_leaf(&dir, "trusted");
    let (_, other_leaf, other_key) = ca_and_leaf(&dir, "stranger");
    let bundle = dir.join("bundle.bin");
    std::fs::write(&bundle, bundle_of(&[&root])).unwrap();
    let run = |port: u16| {
        let port = port.to_string();
        child("bundle_child", &[("QLSSL_IOT_BUNDLE_PORT", port.as_ref()), ("QLSSL_CA_BUNDLE", bundle.as_os_str()), ("QLSSL_IOT_BUNDLE_VERSION", "5".as_ref())])
    };
    let (server, port) = s_server13(&leaf, &key, &[]);
    let text = run(port);
    assert!(text.contains("rc 0 flags 0x0 suite 0x13"), "{text}");
    drop(server);
    let (_server, port) = s_server13(&other_leaf, &other_key, &[]);
    let text = run(port);
    assert!(text.contains("rc -6 flags 0x8 "), "a root outside the bundle is not trusted: {text}");
}

/// The maximum fragment length and the session store are not served by the TLS 1.3 engine:
/// versions 5 and 6 refuse them at setup, naming the item; _ALL with them stays on 2.28.
#[cfg(feature = "tls13")]
#[test]
fn mfl_and_the_session_store_are_refused_on_the_tls13_engine() {
    let (dir, cert, key) = srv_pki("refuse13");
    let store = CString::new(dir.join("s.bin").to_str().unwrap()).unwrap();
    for version in [5, 6] {
        for item in ["QL_SSL_CONF_MAX_FRAG_LEN", "QL_SSL_CONF_SESSION_STORE"] {
            let mut conf = Conf::new();
            assert_eq!(conf.int(T::QL_SSL_CONF_VERSION, version), 0);
            if item == "QL_SSL_CONF_MAX_FRAG_LEN" {
                assert_eq!(conf.int(T::QL_SSL_CONF_MAX_FRAG_LEN, 1024), 0);
            } else {
                assert_eq!(unsafe { ql_ssl_conf_set(conf.ptr(), T::QL_SSL_CONF_SESSION_STORE as c_int, store.as_ptr()) }, 0);
            }
            let mut ctx: ql_ssl_context = 0;
            assert_eq!(unsafe { ql_ssl_new(&mut ctx) }, 0);
            assert_eq!(unsafe { ql_ssl_setup(&mut ctx, conf.ptr()) }, E::QL_SSL_ERROR_NOT_SUPPORT as c_int, "version {version}, {item}");
            let text = last_error();
            assert!(text.contains(item), "{text}");
            unsafe { ql_ssl_free(&mut ctx) };
        }
    }
    // _ALL with MFL: TLS 1.2 on 2.28 (a TLS 1.2 server; the limit is honoured as ever).
    let (_server, port) = s_server(&cert, &key, &[]);
    let mut conf = Conf::new();
    assert_eq!(conf.int(T::QL_SSL_CONF_VERSION, 4), 0);
    assert_eq!(conf.int(T::QL_SSL_CONF_MAX_FRAG_LEN, 1024), 0);
    let (mut conn, rc) = connect(&mut conf, port);
    assert_eq!(rc, 0, "{}", last_error());
    assert!(status_page(&mut conn).contains("TLSv1.2"));
}
