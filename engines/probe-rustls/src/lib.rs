//! rustls 0.23 (ring provider) behind the benchmark driver's backend interface (bench/backend.h):
//! linked with bench/bench_client.c it does exactly the work the qlssl, raw-mbedtls and OpenSSL
//! clients do (verify against the CA file and the host name, SNI, default suites, session of the
//! previous connection offered when asked, close_notify before closing).
//!
//! `BE_TLS_VERSION` = `1.2` or `1.3` pins the protocol version (default: both offered).
//! Measurement code only: on any error it prints the cause and returns the failure value the
//! driver expects.
#![deny(unsafe_op_in_unsafe_fn)]

use std::ffi::{c_char, c_int, c_void, CStr};
use std::io::{Read, Write};
use std::mem::ManuallyDrop;
use std::net::TcpStream;
use std::os::fd::FromRawFd;
use std::sync::{Arc, OnceLock};

use rustls::client::Resumption;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, HandshakeKind, RootCertStore, StreamOwned};

/// The driver's name for this backend (`extern const char *const be_name`).
#[repr(transparent)]
pub struct Name(*const c_char);
// SAFETY: points at a 'static, immutable C string literal.
unsafe impl Sync for Name {}
#[no_mangle]
pub static be_name: Name = Name(c"rustls".as_ptr());

struct Global {
    config: Arc<ClientConfig>,
    host: ServerName<'static>,
}
static GLOBAL: OnceLock<Global> = OnceLock::new();

/// The driver's socket, borrowed: the driver closes it after `be_close`.
struct BorrowedSocket(ManuallyDrop<TcpStream>);
impl Read for BorrowedSocket {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}
impl Write for BorrowedSocket {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

pub struct BeConn {
    tls: StreamOwned<ClientConnection, BorrowedSocket>,
}

fn versions() -> Vec<&'static rustls::SupportedProtocolVersion> {
    match std::env::var("BE_TLS_VERSION").as_deref() {
        Ok("1.2") => vec![&rustls::version::TLS12],
        Ok("1.3") => vec![&rustls::version::TLS13],
        _ => vec![&rustls::version::TLS13, &rustls::version::TLS12],
    }
}

fn init(ca_file: &str, host: &str, session_cache: bool) -> Result<Global, String> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca_file).map_err(|e| format!("{ca_file}: {e}"))? {
        roots.add(cert.map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&versions())
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    if !session_cache {
        config.resumption = Resumption::disabled();
    }
    let host = ServerName::try_from(host.to_owned()).map_err(|e| e.to_string())?;
    Ok(Global { config: Arc::new(config), host })
}

/// # Safety
/// `ca_file` and `hostname` are NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn be_global_init(ca_file: *const c_char, hostname: *const c_char, session_cache: c_int) -> c_int {
    // SAFETY: the driver passes two valid C strings (argv and a literal).
    let (ca, host) = unsafe { (CStr::from_ptr(ca_file), CStr::from_ptr(hostname)) };
    match init(&ca.to_string_lossy(), &host.to_string_lossy(), session_cache != 0) {
        Ok(g) => {
            let _ = GLOBAL.set(g);
            0
        }
        Err(e) => {
            eprintln!("rustls: init failed: {e}");
            -1
        }
    }
}

#[no_mangle]
pub extern "C" fn be_open(fd: c_int) -> *mut BeConn {
    let Some(g) = GLOBAL.get() else { return std::ptr::null_mut() };
    let conn = match ClientConnection::new(g.config.clone(), g.host.clone()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("rustls: new connection: {e}");
            return std::ptr::null_mut();
        }
    };
    // SAFETY: fd is the driver's connected socket; ManuallyDrop keeps it open when we are done.
    let sock = BorrowedSocket(ManuallyDrop::new(unsafe { TcpStream::from_raw_fd(fd) }));
    let mut tls = StreamOwned::new(conn, sock);
    while tls.conn.is_handshaking() {
        if let Err(e) = tls.conn.complete_io(&mut tls.sock) {
            eprintln!("rustls: handshake: {e}");
            return std::ptr::null_mut();
        }
    }
    Box::into_raw(Box::new(BeConn { tls }))
}

/// The driver's `count-rotate` mode (one config per CA file) is qlssl's CA-cache measurement;
/// not measured here.
#[no_mangle]
pub extern "C" fn be_ca_rotation(_ca_pattern: *const c_char, _n: c_int) -> c_int {
    eprintln!("rustls: count-rotate is not measured for this backend");
    -1
}

/// # Safety
/// `c` comes from `be_open`.
#[no_mangle]
pub unsafe extern "C" fn be_resumed(c: *mut BeConn) -> c_int {
    // SAFETY: live connection from be_open.
    let c = unsafe { &*c };
    (c.tls.conn.handshake_kind() == Some(HandshakeKind::Resumed)) as c_int
}

/// # Safety
/// `c` comes from `be_open`; `buf` has `len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn be_read(c: *mut BeConn, buf: *mut c_void, len: usize) -> c_int {
    // SAFETY: live connection; buf/len describe the driver's buffer.
    let (c, buf) = unsafe { (&mut *c, std::slice::from_raw_parts_mut(buf.cast::<u8>(), len)) };
    match c.tls.read(buf) {
        Ok(n) => n as c_int,
        Err(e) => {
            eprintln!("rustls: read: {e}");
            -1
        }
    }
}

/// # Safety
/// `c` comes from `be_open`; `buf` has `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn be_write(c: *mut BeConn, buf: *const c_void, len: usize) -> c_int {
    // SAFETY: live connection; buf/len describe the driver's data.
    let (c, buf) = unsafe { (&mut *c, std::slice::from_raw_parts(buf.cast::<u8>(), len)) };
    match c.tls.write(buf).and_then(|n| c.tls.flush().map(|_| n)) {
        Ok(n) => n as c_int,
        Err(e) => {
            eprintln!("rustls: write: {e}");
            -1
        }
    }
}

/// # Safety
/// `c` comes from `be_open` and is not used again.
#[no_mangle]
pub unsafe extern "C" fn be_close(c: *mut BeConn) {
    // SAFETY: ownership returns from the driver.
    let mut c = unsafe { Box::from_raw(c) };
    c.tls.conn.send_close_notify();
    let _ = c.tls.conn.complete_io(&mut c.tls.sock);
}

#[no_mangle]
pub extern "C" fn be_global_free() {}
