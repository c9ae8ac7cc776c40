//! Fuzz target: a hostile server. The fuzzer's bytes are everything the server sends in reply to
//! the client's ClientHello (then EOF), through an in-memory socket pair; the client is a real
//! `ql_ssl_*` context configured from the first byte.
//!
//! Input format (shared with tests/hardening/hostile_replay.c, which replays the corpus through the
//! C API in ctest; keep both in sync):
//!   byte 0   options: bits 0-1 version (ALL, TLS1.2, TLS1.1, TLS1.0); bit 2 VERIFY_SERVER with
//!            fuzz/seed_ca.pem as CA buffer; bit 3 explicit suite list {C02F C02B C013 009C 002F 003D};
//!            bit 4 session cache; bit 5 SNI; bit 6 non-blocking socket; bit 7 PSK (overrides bit 2)
//!   rest     the server's bytes
//! Seeds in fuzz/corpus/hostile_handshake are real server flights recorded against the library
//! (fuzz/record_seeds.sh).
//!
//! Oracles: no crash / sanitizer report / leak; the handshake ends with HS_FAILURE or SOCKET_RESET
//! (SUCCESS would need the keys: tolerated, then the record layer is exercised too) and never waits
//! for the negotiate timeout once the peer has closed; nothing is left allocated afterwards.
#![no_main]

use core::ffi::c_int;

use libfuzzer_sys::fuzz_target;
use qlssl::capi::abi::{ql_ssl_config, ql_ssl_context};
use qlssl::capi;

extern "C" {
    fn ql_ssl_conf_set(conf: *mut ql_ssl_config, ty: c_int, ...) -> c_int;
}

const HS_FAILURE: c_int = -6;
const SOCKET_RESET: c_int = -13;
const WANT_READ: c_int = -11;
const WANT_WRITE: c_int = -12;
static SUITES: [c_int; 7] = [0xC02F, 0xC02B, 0xC013, 0x009C, 0x002F, 0x003D, 0];
static CA: &[u8] = include_bytes!("../seed_ca.pem");

unsafe fn set_int(conf: *mut ql_ssl_config, ty: c_int, v: c_int) {
    assert_eq!(ql_ssl_conf_set(conf, ty, v), 0, "config type {ty}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&opt, server_bytes)) = data.split_first() else { return };
    if server_bytes.len() > 100_000 {
        return;
    }
    unsafe {
        let mut sv = [0 as c_int; 2];
        assert_eq!(libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, sv.as_mut_ptr()), 0);
        let big: c_int = 512 * 1024;
        libc::setsockopt(sv[1], libc::SOL_SOCKET, libc::SO_SNDBUF, &big as *const c_int as *const _, 4);
        // Everything the server says, then EOF: the client can never wait for more.
        let mut off = 0;
        while off < server_bytes.len() {
            let n = libc::send(sv[1], server_bytes[off..].as_ptr().cast(), server_bytes.len() - off, libc::MSG_NOSIGNAL);
            assert!(n > 0, "socketpair send");
            off += n as usize;
        }
        libc::shutdown(sv[1], libc::SHUT_WR);

        let mut conf: ql_ssl_config = core::mem::zeroed();
        assert_eq!(capi::ql_ssl_conf_init(&mut conf), 0);
        set_int(&mut conf, 1, [4, 3, 2, 1][(opt & 3) as usize]);
        set_int(&mut conf, 8, 2);
        if opt & 0x80 != 0 {
            set_int(&mut conf, 4, 3);
            assert_eq!(ql_ssl_conf_set(&mut conf, 18, c"fuzz".as_ptr()), 0);
            assert_eq!(ql_ssl_conf_set(&mut conf, 19, c"0102030405060708090a0b0c0d0e0f10".as_ptr()), 0);
        } else if opt & 0x04 != 0 {
            set_int(&mut conf, 4, 1);
            assert_eq!(ql_ssl_conf_set(&mut conf, 15, CA.as_ptr(), CA.len()), 0);
        }
        if opt & 0x08 != 0 {
            assert_eq!(ql_ssl_conf_set(&mut conf, 3, SUITES.as_ptr()), 0);
        }
        set_int(&mut conf, 14, ((opt >> 4) & 1) as c_int);
        set_int(&mut conf, 7, ((opt >> 5) & 1) as c_int);
        if opt & 0x40 != 0 {
            let fl = libc::fcntl(sv[0], libc::F_GETFL);
            libc::fcntl(sv[0], libc::F_SETFL, fl | libc::O_NONBLOCK);
        }

        let mut ctx: ql_ssl_context = 0;
        assert_eq!(capi::ql_ssl_new(&mut ctx), 0);
        assert_eq!(capi::ql_ssl_setup(&mut ctx, &mut conf), 0);
        assert_eq!(capi::ql_ssl_set_socket_fd(&mut ctx, sv[0]), 0);
        assert_eq!(capi::ql_ssl_set_hostname(&mut ctx, c"localhost".as_ptr()), 0);
        let t0 = std::time::Instant::now();
        let mut rc = capi::ql_ssl_handshake(&mut ctx);
        let mut spins = 0;
        while (rc == WANT_READ || rc == WANT_WRITE) && spins < 1000 {
            spins += 1;
            rc = capi::ql_ssl_handshake(&mut ctx);
        }
        assert!(
            t0.elapsed().as_secs_f64() < 1.5,
            "the handshake took {:?} although the peer had closed",
            t0.elapsed()
        );
        if rc == 0 {
            let mut buf = [0u8; 512];
            let r = capi::ql_ssl_read(&mut ctx, buf.as_mut_ptr(), buf.len());
            assert!(r >= 0 || [SOCKET_RESET, -7, WANT_READ].contains(&r), "read after handshake: {r}");
        } else {
            assert!(rc == HS_FAILURE || rc == SOCKET_RESET, "handshake returned {rc} (options {opt:#04x})");
            assert_eq!(capi::ql_ssl_handshake_finished(&mut ctx), 0);
        }
        assert_eq!(capi::ql_ssl_free(&mut ctx), 0);
        assert_eq!(capi::ql_ssl_conf_free(&mut conf), 0);
        libc::close(sv[0]);
        libc::close(sv[1]);
    }
    assert_eq!(qlssl::registry::contexts().live_connections(), 0);
});
