//! The contexts service (`qlssl::registry`) as a front end other than C uses it: typed config
//! items on a library-owned config, then open / handshake / write / read / info / close against a
//! real `openssl s_server` on loopback. Also: the C API's `ql_ssl_conf_get_by_id` sees what the
//! typed API set, and the other way round.

use std::ffi::{c_int, c_void, CStr};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use qlssl::registry::{contexts, ConfigItem, ConfigKind, ConnState, HandshakeStep};
use qlssl::tls::clock::ValidityClock;

extern "C" {
    // The exported C-variadic functions (src/capi/shim.c), called as an application would.
    fn ql_ssl_conf_set_by_id(ctx_id: c_int, ty: c_int, ...) -> c_int;
    fn ql_ssl_conf_get_by_id(ctx_id: c_int, ty: c_int, ...) -> c_int;
}

mod support;
use support::Server;

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

fn start_server(cert: &Path, key: &Path) -> (Server, u16) {
    support::s_server_www(cert, key, &["-tls1_2"])
}

#[test]
fn typed_front_end_runs_a_verified_exchange() {
    let dir = std::env::temp_dir().join(format!("qlssl-registry-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = pki(&dir);
    let (_server, port) = start_server(&cert, &key);

    // Config 3: verify the server against its own certificate, one suite only.
    let reg = contexts();
    reg.set(3, ConfigItem::AuthMode(1)).unwrap();
    reg.set(3, ConfigItem::CaCertPaths(vec![cert.to_str().unwrap().into()])).unwrap();
    reg.set(3, ConfigItem::Ciphersuites(vec![0xC02B])).unwrap(); // ECDHE-ECDSA-AES128-GCM-SHA256
    reg.set(3, ConfigItem::HandshakeTimeout(10)).unwrap();

    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let id = reg.open(3, sock.as_raw_fd(), Some("localhost")).unwrap();
    assert_eq!(reg.info(id).unwrap().state, ConnState::Ready);
    assert_eq!(reg.handshake(id).unwrap(), HandshakeStep::Done);
    let info = reg.info(id).unwrap();
    assert_eq!(info.state, ConnState::Established);
    assert_eq!(info.ciphersuite, Some(0xC02B));
    assert_eq!(info.version, Some("TLSv1.2"));
    assert!(!info.resumed);
    assert_eq!(info.verify_flags, Some(0));

    let req = b"GET / HTTP/1.0\r\n\r\n";
    assert_eq!(reg.write(id, req).unwrap(), req.len());
    let mut page = Vec::new();
    let mut buf = [0u8; 512];
    for _ in 0..10_000 {
        match reg.read(id, &mut buf).unwrap() {
            0 => break,
            n => page.extend_from_slice(&buf[..n]),
        }
    }
    let page = String::from_utf8_lossy(&page);
    assert!(page.starts_with("HTTP/1.0 200"), "unexpected response: {page:.80}");
    // s_server -www names the negotiated suite in its page: evidence from the peer's side.
    assert!(page.contains("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"), "server saw another suite: {page}");
    assert_eq!(reg.bytes_available(id).unwrap(), 0);
    reg.close(id).unwrap();
    assert!(reg.info(id).is_err(), "a closed id is gone");
    drop(sock);

    // A wrong host name fails verification through the same API.
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let id = reg.open(3, sock.as_raw_fd(), Some("wrong.example")).unwrap();
    assert!(reg.handshake(id).is_err());
    assert_eq!(reg.info(id).unwrap().state, ConnState::Failed);
    reg.close(id).unwrap();

    reg.set(3, ConfigItem::AuthMode(0)).unwrap();
    reg.set(3, ConfigItem::CaCertPaths(Vec::new())).unwrap();
    reg.set(3, ConfigItem::Ciphersuites(vec![0xFFFF])).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// `open_with_clock` (the AT engine's module clock): with `ignore_localtime` off the validity
/// period is judged against the given time, not the host's; `open` keeps the host clock.
#[test]
fn validity_clock_judges_the_period_when_local_time_is_not_ignored() {
    let dir = std::env::temp_dir().join(format!("qlssl-registry-clock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = pki(&dir); // valid from now to now + 2 days
    let (_server, port) = start_server(&cert, &key);
    let reg = contexts();
    reg.set(5, ConfigItem::AuthMode(1)).unwrap();
    reg.set(5, ConfigItem::CaCertPaths(vec![cert.to_str().unwrap().into()])).unwrap();
    reg.set(5, ConfigItem::HandshakeTimeout(10)).unwrap();
    let host_now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let year_2000 = 946_684_800;
    let in_ten_days = host_now + 10 * 86_400;
    // (ignore_localtime, clock, expected handshake success, expected unforgiven-or-seen flags)
    let cases = [
        (false, ValidityClock::Host, true, 0),
        (false, ValidityClock::At(host_now), true, 0),
        (false, ValidityClock::At(year_2000), false, 0x200), // not yet valid
        (false, ValidityClock::At(in_ten_days), false, 0x01), // expired
        (true, ValidityClock::At(year_2000), true, 0x200),   // found, forgiven
        (true, ValidityClock::At(in_ten_days), true, 0x01),
    ];
    for (ignore, clock, ok, flags) in cases {
        reg.set(5, ConfigItem::IgnoreLocalTime(ignore)).unwrap();
        let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let id = reg.open_with_clock(5, sock.as_raw_fd(), Some("localhost"), clock).unwrap();
        let shaken = reg.handshake(id);
        assert_eq!(shaken.is_ok(), ok, "ignore_localtime {ignore}, {clock:?}: {shaken:?}");
        assert_eq!(reg.info(id).unwrap().verify_flags, Some(flags), "ignore_localtime {ignore}, {clock:?}");
        reg.close(id).unwrap();
    }
    reg.set(5, ConfigItem::AuthMode(0)).unwrap();
    reg.set(5, ConfigItem::CaCertPaths(Vec::new())).unwrap();
    reg.set(5, ConfigItem::IgnoreLocalTime(true)).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn c_api_and_typed_api_share_the_per_id_configs() {
    const HS_TIMEOUT: c_int = 8;
    const PSK_IDENTITY: c_int = 18;
    let reg = contexts();
    // C sets, the typed API reads.
    assert_eq!(unsafe { ql_ssl_conf_set_by_id(4, HS_TIMEOUT, 77 as c_int) }, 0);
    assert_eq!(reg.get(4, ConfigKind::HandshakeTimeout).unwrap(), ConfigItem::HandshakeTimeout(77));
    // The typed API sets, C reads.
    reg.set(4, ConfigItem::HandshakeTimeout(33)).unwrap();
    let mut t: c_int = 0;
    assert_eq!(unsafe { ql_ssl_conf_get_by_id(4, HS_TIMEOUT, &mut t as *mut c_int) }, 0);
    assert_eq!(t, 33);
    reg.set(4, ConfigItem::PskIdentity(b"device-7".to_vec())).unwrap();
    let mut p: *const i8 = std::ptr::null();
    assert_eq!(unsafe { ql_ssl_conf_get_by_id(4, PSK_IDENTITY, &mut p as *mut *const i8 as *mut c_void) }, 0);
    assert_eq!(unsafe { CStr::from_ptr(p) }.to_bytes(), b"device-7");
    // The same range rules on both sides.
    assert_ne!(unsafe { ql_ssl_conf_set_by_id(4, HS_TIMEOUT, 0 as c_int) }, 0);
    assert!(reg.set(4, ConfigItem::HandshakeTimeout(0)).is_err());
    reg.set(4, ConfigItem::HandshakeTimeout(300)).unwrap();
}

#[test]
fn c_pointers_into_a_per_id_config_stay_valid_across_typed_changes() {
    const CIPHERSUITE: c_int = 3;
    const CACERT: c_int = 5;
    const HS_TIMEOUT: c_int = 8;
    let reg = contexts();
    // Config 3: no other test of this binary uses it.
    let path = std::ffi::CString::new("UFS:first.pem").unwrap();
    let paths = [path.as_ptr()];
    assert_eq!(unsafe { ql_ssl_conf_set_by_id(3, CACERT, paths.as_ptr(), 1 as c_int) }, 0);
    let list: [c_int; 3] = [0xC02F, 0x009C, 0];
    assert_eq!(unsafe { ql_ssl_conf_set_by_id(3, CIPHERSUITE, list.as_ptr()) }, 0);
    assert_eq!(reg.get(3, ConfigKind::CaCertPaths).unwrap(), ConfigItem::CaCertPaths(vec!["UFS:first.pem".into()]));
    assert_eq!(reg.get(3, ConfigKind::Ciphersuites).unwrap(), ConfigItem::Ciphersuites(vec![0xC02F, 0x009C]));
    let read = |ty: c_int| {
        let (mut p, mut n): (*mut c_void, c_int) = (std::ptr::null_mut(), 0);
        let rc = if ty == CACERT {
            unsafe { ql_ssl_conf_get_by_id(3, ty, &mut p as *mut *mut c_void, &mut n as *mut c_int) }
        } else {
            unsafe { ql_ssl_conf_get_by_id(3, ty, &mut p as *mut *mut c_void) }
        };
        assert_eq!(rc, 0);
        (p, n)
    };
    let (ca, n) = read(CACERT);
    assert_eq!(n, 1);
    let first = unsafe { *(ca as *const *const i8) };
    let (suites, _) = read(CIPHERSUITE);
    // An unrelated typed change: the C side's pointers are the same ones.
    reg.set(3, ConfigItem::HandshakeTimeout(45)).unwrap();
    let mut t: c_int = 0;
    assert_eq!(unsafe { ql_ssl_conf_get_by_id(3, HS_TIMEOUT, &mut t as *mut c_int) }, 0);
    assert_eq!(t, 45);
    assert_eq!(read(CIPHERSUITE).0, suites);
    assert_eq!(unsafe { *(read(CACERT).0 as *const *const i8) }, first);
    // The typed API replaces the CA list: C sees the new path, and the string it was handed
    // before is still readable.
    reg.set(3, ConfigItem::CaCertPaths(vec!["UFS:second.pem".into()])).unwrap();
    let (ca, n) = read(CACERT);
    assert_eq!(n, 1);
    assert_eq!(unsafe { CStr::from_ptr(*(ca as *const *const i8)) }.to_bytes(), b"UFS:second.pem");
    assert_eq!(unsafe { CStr::from_ptr(first) }.to_bytes(), b"UFS:first.pem");
    reg.set(3, ConfigItem::Ciphersuites(vec![0xFFFF])).unwrap();
    let (suites, _) = read(CIPHERSUITE);
    assert_eq!(unsafe { *(suites as *const c_int) }, 0xFFFF);
    // Back to the defaults.
    reg.set(3, ConfigItem::CaCertPaths(Vec::new())).unwrap();
    reg.set(3, ConfigItem::HandshakeTimeout(300)).unwrap();
}
