//! `QL_SSL_CONF_MIN_VERSION` (extension 105) through the C API against `openssl s_server` on
//! loopback: under `QL_SSL_VERSION_ALL` a TLS 1.1-only server is reached without the item and
//! refused with it at 3 (TLS 1.2), while a TLS 1.2 server is still reached; a pinned version
//! below the floor fails `ql_ssl_setup`; the value is range-checked and read back.

#![cfg(feature = "ext-items")]

mod support;

use std::ffi::{c_int, CString};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use qlssl::capi::abi::{ql_ssl_config, ql_ssl_config_type_e as T, ql_ssl_context, ql_ssl_error_code_e as E};
use qlssl::capi::*;

extern "C" {
    // The exported C-variadic functions (src/capi/shim.c), called as an application would.
    fn ql_ssl_conf_set(conf: *mut ql_ssl_config, ty: c_int, ...) -> c_int;
    fn ql_ssl_conf_get(conf: *mut ql_ssl_config, ty: c_int, ...) -> c_int;
}

/// A self-signed RSA certificate for localhost and its key, in a fresh directory.
fn pki() -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("qlssl-minver-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("srv.pem"), dir.join("srv.key"));
    let ok = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "2", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok, "openssl req");
    (cert, key)
}

/// Run `f` on a fresh config (VERIFY_NULL, version ALL), freed afterwards.
fn with_conf(f: impl FnOnce(*mut ql_ssl_config)) {
    // SAFETY (test): an all-zero struct is what ql_ssl_conf_init expects to overwrite.
    let mut conf: ql_ssl_config = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { ql_ssl_conf_init(&mut conf) }, 0);
    f(&mut conf);
    assert_eq!(unsafe { ql_ssl_conf_free(&mut conf) }, 0);
}

/// `ql_ssl_conf_set` of an `int` item.
fn set(conf: *mut ql_ssl_config, t: T, v: c_int) -> c_int {
    unsafe { ql_ssl_conf_set(conf, t as c_int, v) }
}

/// `ql_ssl_conf_get` of an `int` item (which must succeed).
fn get(conf: *mut ql_ssl_config, t: T) -> c_int {
    let mut v: c_int = -1;
    assert_eq!(unsafe { ql_ssl_conf_get(conf, t as c_int, &mut v as *mut c_int) }, 0);
    v
}

/// Set up a context with `conf`, connect to `port` and run the handshake: (setup rc, handshake
/// rc, the negotiated suite), the handshake not run when the setup failed.
fn handshake(conf: *mut ql_ssl_config, port: u16) -> (c_int, c_int, c_int) {
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut ctx: ql_ssl_context = 0;
    unsafe {
        assert_eq!(ql_ssl_new(&mut ctx), 0);
        let setup = ql_ssl_setup(&mut ctx, conf);
        let mut hs = -1;
        let mut suite = 0;
        if setup == 0 {
            assert_eq!(ql_ssl_set_socket_fd(&mut ctx, sock.as_raw_fd()), 0);
            let host = CString::new("localhost").unwrap();
            assert_eq!(ql_ssl_set_hostname(&mut ctx, host.as_ptr()), 0);
            hs = ql_ssl_handshake(&mut ctx);
            suite = ql_ssl_get_ciphersuite(&mut ctx);
        }
        ql_ssl_free(&mut ctx);
        (setup, hs, suite)
    }
}

#[test]
fn the_floor_refuses_an_older_server_and_keeps_a_current_one() {
    let (cert, key) = pki();
    // TLS 1.1 only (SHA-1 signatures need security level 0 in OpenSSL 3).
    let (_old, old_port) = support::s_server_www(&cert, &key, &["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"]);
    let (_cur, cur_port) = support::s_server_www(&cert, &key, &["-tls1_2"]);

    with_conf(|conf| {
        assert_eq!(get(conf, T::QL_SSL_CONF_MIN_VERSION), 0, "off by default");
        if !cfg!(feature = "tls13") {
            // (A tls13 build serves a config without extension items on rustls: TLS 1.2 and up.)
            let (setup, hs, suite) = handshake(conf, old_port);
            assert_eq!((setup, hs), (0, 0), "without a floor VERSION_ALL reaches the TLS 1.1 server");
            assert_ne!(suite, 0);
        }

        assert_eq!(set(conf, T::QL_SSL_CONF_MIN_VERSION, 2), 0);
        assert_eq!(handshake(conf, old_port).1, 0, "a TLS 1.1 floor still reaches it");

        assert_eq!(set(conf, T::QL_SSL_CONF_MIN_VERSION, 3), 0);
        assert_eq!(get(conf, T::QL_SSL_CONF_MIN_VERSION), 3);
        let (setup, hs, _) = handshake(conf, old_port);
        assert_eq!(setup, 0);
        assert_eq!(hs, E::QL_SSL_ERROR_HS_FAILURE as c_int, "a TLS 1.2 floor refuses the TLS 1.1 server");
        let (setup, hs, suite) = handshake(conf, cur_port);
        assert_eq!((setup, hs), (0, 0), "and still reaches a TLS 1.2 server");
        assert_ne!(suite, 0);

        // A pinned version below the floor cannot be served.
        assert_eq!(set(conf, T::QL_SSL_CONF_VERSION, 2), 0);
        assert_eq!(handshake(conf, cur_port).0, E::QL_SSL_ERROR_BAD_REQUEST as c_int);
        assert_eq!(set(conf, T::QL_SSL_CONF_VERSION, 3), 0);
        assert_eq!(handshake(conf, cur_port).1, 0, "a pinned TLS 1.2 meets the floor");
    });
}

#[test]
fn values_outside_0_to_3_are_refused_and_change_nothing() {
    with_conf(|conf| {
        assert_eq!(set(conf, T::QL_SSL_CONF_MIN_VERSION, 1), 0);
        for bad in [-1, 4, 5, 0x303] {
            assert_eq!(set(conf, T::QL_SSL_CONF_MIN_VERSION, bad), E::QL_SSL_ERROR_INVALID_PARAM as c_int, "{bad}");
        }
        assert_eq!(get(conf, T::QL_SSL_CONF_MIN_VERSION), 1);
    });
}
