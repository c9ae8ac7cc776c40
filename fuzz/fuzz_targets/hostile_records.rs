//! Fuzz target: a hostile server after a real handshake. The client (`ql_ssl_*`, non-blocking) and
//! an in-process mbedtls server (the same mbedtls build) complete a PSK handshake over a socket
//! pair; then the fuzzer drives both sides: the server sends application data, records of any
//! content type with any payload (properly encrypted), alerts, raw unencrypted bytes, close_notify,
//! a FIN; the client reads, writes, asks for bytes available, sends close_notify.
//!
//! Input: byte 0 options: bits 0-1 suite (PSK-AES128-GCM-SHA256, PSK-AES128-CBC-SHA256,
//! PSK-AES128-CBC-SHA, PSK-CHACHA20-POLY1305), bits 2-3 version (TLS 1.2, 1.1, 1.0, 1.2; suites
//! a version cannot carry fall back to PSK-AES128-CBC-SHA), bit 4 server without encrypt-then-MAC,
//! bit 5 client renegotiation on; then operations (see `Op`).
//!
//! Oracles (beyond crash / sanitizers / leaks): while the stream is intact every byte the client
//! reads is exactly what the server sent, in order, and complete records are delivered (no
//! WANT_READ while data is waiting); read returns 0 only after close_notify with all data consumed;
//! a FIN without close_notify ends in SOCKET_RESET; every code is a documented one; once a
//! failure is reported, read/write report the same code again; after the client's close_notify,
//! read/write return INVALID_PARAM; the server receives exactly what the client wrote.
#![no_main]

use core::ffi::{c_int, c_uchar, c_void};
use std::collections::VecDeque;

use libfuzzer_sys::fuzz_target;
use mbedtls_sys as m;
use qlssl::capi::abi::{ql_ssl_config, ql_ssl_context};
use qlssl::capi;

extern "C" {
    fn ql_ssl_conf_set(conf: *mut ql_ssl_config, ty: c_int, ...) -> c_int;
}

const INVALID_PARAM: c_int = -3;
const HS_FAILURE: c_int = -6;
const DECRYPT_FAILURE: c_int = -7;
const ENCRYPT_FAILURE: c_int = -8;
const WANT_READ: c_int = -11;
const WANT_WRITE: c_int = -12;
const SOCKET_RESET: c_int = -13;

const PSK: [u8; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
const PSK_HEX: &core::ffi::CStr = c"0102030405060708090a0b0c0d0e0f10";
const SUITES: [c_int; 4] = [0x00A8, 0x00AE, 0x008C, 0xCCAB];

struct Input<'a>(&'a [u8]);
impl Input<'_> {
    fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, r)) => {
                self.0 = r;
                *b
            }
            None => 0,
        }
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a.to_vec()
    }
}

unsafe extern "C" fn srv_send(p: *mut c_void, buf: *const c_uchar, len: usize) -> c_int {
    let fd = *(p as *const c_int);
    let n = libc::send(fd, buf.cast(), len, libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT);
    if n >= 0 {
        return n as c_int;
    }
    match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::EAGAIN) => m::ERR_SSL_WANT_WRITE,
        _ => m::ERR_NET_SEND_FAILED,
    }
}

unsafe extern "C" fn srv_recv(p: *mut c_void, buf: *mut c_uchar, len: usize) -> c_int {
    let fd = *(p as *const c_int);
    let n = libc::recv(fd, buf.cast(), len, libc::MSG_DONTWAIT);
    if n >= 0 {
        return n as c_int;
    }
    match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::EAGAIN) => m::ERR_SSL_WANT_READ,
        _ => m::ERR_NET_RECV_FAILED,
    }
}

/// Deterministic "entropy" for the server's DRBG (the server's randomness is not under test).
unsafe extern "C" fn fixed_entropy(_: *mut c_void, out: *mut c_uchar, len: usize) -> c_int {
    core::ptr::write_bytes(out, 0x42, len);
    0
}

struct Server {
    conf: Box<m::ssl_config>,
    drbg: Box<m::ctr_drbg_context>,
    ssl: Box<m::ssl_context>,
    fd: Box<c_int>,
    suites: Box<[c_int; 2]>,
}

impl Server {
    unsafe fn new(fd: c_int, suite: c_int, minor: c_int, etm: bool) -> Server {
        let mut s = Server {
            conf: Box::new(core::mem::zeroed()),
            drbg: Box::new(core::mem::zeroed()),
            ssl: Box::new(core::mem::zeroed()),
            fd: Box::new(fd),
            suites: Box::new([suite, 0]),
        };
        m::ctr_drbg_init(&mut *s.drbg);
        assert_eq!(m::ctr_drbg_seed(&mut *s.drbg, Some(fixed_entropy), core::ptr::null_mut(), core::ptr::null(), 0), 0);
        m::ssl_config_init(&mut *s.conf);
        assert_eq!(m::ssl_config_defaults(&mut *s.conf, m::SSL_IS_SERVER, m::SSL_TRANSPORT_STREAM, m::SSL_PRESET_DEFAULT), 0);
        m::ssl_conf_rng(&mut *s.conf, Some(m::ctr_drbg_random), &mut *s.drbg as *mut _ as *mut c_void);
        m::ssl_conf_min_version(&mut *s.conf, m::SSL_MAJOR_VERSION_3, minor);
        m::ssl_conf_max_version(&mut *s.conf, m::SSL_MAJOR_VERSION_3, minor);
        m::ssl_conf_ciphersuites(&mut *s.conf, s.suites.as_ptr());
        let id = b"fuzz";
        assert_eq!(m::ssl_conf_psk(&mut *s.conf, PSK.as_ptr(), PSK.len(), id.as_ptr(), id.len()), 0);
        if !etm {
            m::ssl_conf_encrypt_then_mac(&mut *s.conf, m::SSL_ETM_DISABLED as _);
        }
        m::ssl_init(&mut *s.ssl);
        assert_eq!(m::ssl_setup(&mut *s.ssl, &*s.conf), 0);
        m::ssl_set_bio(&mut *s.ssl, &mut *s.fd as *mut c_int as *mut c_void, Some(srv_send), Some(srv_recv), None);
        s
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        unsafe {
            m::ssl_free(&mut *self.ssl);
            m::ssl_config_free(&mut *self.conf);
            m::ctr_drbg_free(&mut *self.drbg);
        }
    }
}

/// What the client should see.
#[derive(Default)]
struct Model {
    expected: VecDeque<u8>,
    /// Something unpredictable happened (raw bytes, odd record types, alerts): from here on only
    /// "documented code, no crash" is checked.
    corrupted: bool,
    server_notified: bool,
    server_fin: bool,
    client_closed: bool,
    sticky: Option<c_int>,
    to_server: VecDeque<u8>,
    client_sent_total: u64,
    /// A write that returned WANT_WRITE/WANT_READ must be repeated with the same data (ql_ssl.h).
    pending_write: Option<Vec<u8>>,
}

fn documented_io(r: c_int) -> bool {
    r >= 0 || [INVALID_PARAM, HS_FAILURE, DECRYPT_FAILURE, ENCRYPT_FAILURE, WANT_READ, WANT_WRITE, SOCKET_RESET].contains(&r)
}

fuzz_target!(|data: &[u8]| {
    let mut inp = Input(data);
    let opt = inp.u8();
    let minor = [3, 2, 1, 3][((opt >> 2) & 3) as usize];
    let mut suite = SUITES[(opt & 3) as usize];
    if minor < 3 {
        suite = 0x008C; // the only one of the four TLS 1.0/1.1 can carry
    }
    unsafe {
        let mut sv = [0 as c_int; 2];
        assert_eq!(libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, sv.as_mut_ptr()), 0);
        for fd in sv {
            let fl = libc::fcntl(fd, libc::F_GETFL);
            libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK);
        }
        let mut srv = Server::new(sv[1], suite, minor, opt & 0x10 == 0);

        let mut conf: ql_ssl_config = core::mem::zeroed();
        assert_eq!(capi::ql_ssl_conf_init(&mut conf), 0);
        assert_eq!(ql_ssl_conf_set(&mut conf, 1, [0, 1, 2, 3][minor as usize]), 0);
        assert_eq!(ql_ssl_conf_set(&mut conf, 4, 3), 0);
        assert_eq!(ql_ssl_conf_set(&mut conf, 18, c"fuzz".as_ptr()), 0);
        assert_eq!(ql_ssl_conf_set(&mut conf, 19, PSK_HEX.as_ptr()), 0);
        let list = [suite, 0];
        assert_eq!(ql_ssl_conf_set(&mut conf, 3, list.as_ptr()), 0);
        assert_eq!(ql_ssl_conf_set(&mut conf, 20, ((opt >> 5) & 1) as c_int), 0);
        let mut ctx: ql_ssl_context = 0;
        assert_eq!(capi::ql_ssl_new(&mut ctx), 0);
        assert_eq!(capi::ql_ssl_setup(&mut ctx, &mut conf), 0);
        assert_eq!(capi::ql_ssl_set_socket_fd(&mut ctx, sv[0]), 0);

        // The real handshake, both sides pumped in turn.
        let mut done = false;
        for _ in 0..100 {
            let c = capi::ql_ssl_handshake(&mut ctx);
            let s = m::ssl_handshake(&mut *srv.ssl);
            assert!(c == 0 || c == WANT_READ || c == WANT_WRITE, "client handshake: {c}");
            assert!(s == 0 || s == m::ERR_SSL_WANT_READ || s == m::ERR_SSL_WANT_WRITE, "server handshake: {s}");
            if c == 0 && s == 0 {
                done = true;
                break;
            }
        }
        assert!(done, "the PSK handshake did not complete");
        assert_eq!(capi::ql_ssl_get_ciphersuite(&mut ctx), suite);

        let mut md = Model::default();
        let mut ops = 0;
        while !inp.0.is_empty() && ops < 100 {
            ops += 1;
            let op = inp.u8() % 12;
            if op <= 5 && md.server_notified {
                // Anything the server sends after its close_notify is beyond what the client reads.
                md.corrupted = true;
            }
            match op {
                // Server: application data.
                0 => {
                    let n = 1 + inp.u16() as usize % 20000;
                    if md.server_fin || md.expected.len() + n > 100_000 {
                        continue;
                    }
                    let payload: Vec<u8> = (0..n).map(|i| (i * 7 + ops) as u8).collect();
                    let mut off = 0;
                    while off < n {
                        let w = m::ssl_write(&mut *srv.ssl, payload[off..].as_ptr(), n - off);
                        if w <= 0 {
                            break;
                        }
                        off += w as usize;
                    }
                    md.expected.extend(&payload[..off]);
                    if off < n {
                        md.corrupted = true; // a partial record may be stuck in the server's buffer
                    }
                }
                // Server: a record of any type with any payload, properly protected.
                1 | 2 => {
                    let ty = match inp.u8() % 6 {
                        0 => 20,
                        1 => 21,
                        2 => 22,
                        3 | 4 => 23,
                        _ => inp.u8() as c_int,
                    };
                    let payload = match inp.u8() % 4 {
                        0 => vec![0, 0, 0, 0], // HelloRequest when ty = 22
                        _ => {
                            let n = inp.u16() as usize % 600;
                            inp.bytes(n)
                        }
                    };
                    if md.server_fin {
                        continue;
                    }
                    let ssl = &mut *srv.ssl;
                    ssl.out_msgtype = ty;
                    ssl.out_msglen = payload.len();
                    core::ptr::copy_nonoverlapping(payload.as_ptr(), ssl.out_msg, payload.len());
                    let r = m::ssl_write_record(ssl, 1);
                    if ty == 23 && !payload.is_empty() && r == 0 {
                        md.expected.extend(&payload);
                    } else {
                        md.corrupted = true;
                    }
                }
                // Server: alert.
                3 => {
                    let level = 1 + (inp.u8() % 2);
                    let desc = inp.u8();
                    if md.server_fin {
                        continue;
                    }
                    m::ssl_send_alert_message(&mut *srv.ssl, level, desc);
                    if level == 1 && desc == 0 {
                        md.server_notified = true;
                    } else {
                        md.corrupted = true;
                    }
                }
                // Server: raw bytes straight onto the wire.
                4 => {
                    let n = inp.u8() as usize;
                    let raw = inp.bytes(n);
                    if !md.server_fin && !raw.is_empty() {
                        libc::send(sv[1], raw.as_ptr().cast(), raw.len(), libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT);
                        md.corrupted = true;
                    }
                }
                // Server: close_notify, or FIN.
                5 => {
                    if !md.server_fin {
                        if inp.u8() % 2 == 0 {
                            m::ssl_close_notify(&mut *srv.ssl);
                            md.server_notified = true;
                        } else {
                            libc::shutdown(sv[1], libc::SHUT_WR);
                            md.server_fin = true;
                        }
                    }
                }
                // Client: read.
                6 | 7 => {
                    let n = 1 + inp.u16() as usize % 20000;
                    let mut buf = vec![0u8; n];
                    let r = capi::ql_ssl_read(&mut ctx, buf.as_mut_ptr(), n);
                    assert!(documented_io(r), "read: undocumented {r}");
                    if md.client_closed {
                        assert_eq!(r, INVALID_PARAM, "read after the client's close_notify");
                        continue;
                    }
                    if let Some(code) = md.sticky {
                        assert_eq!(r, code, "a failed connection must keep reporting its failure");
                        continue;
                    }
                    if r > 0 {
                        if !md.corrupted {
                            assert!(r as usize <= md.expected.len(), "read more than the server sent");
                            for (k, b) in buf[..r as usize].iter().enumerate() {
                                assert_eq!(Some(*b), md.expected.pop_front(), "byte {k} of the read differs");
                            }
                        }
                    } else if r == 0 {
                        if !md.corrupted {
                            assert!(md.server_notified && md.expected.is_empty(), "read 0 without close_notify");
                        }
                    } else if r == WANT_READ {
                        if !md.corrupted {
                            assert!(md.expected.is_empty(), "WANT_READ with {} bytes waiting", md.expected.len());
                            assert!(!md.server_notified && !md.server_fin, "WANT_READ after the server closed");
                        }
                    } else if r != WANT_WRITE {
                        if !md.corrupted {
                            assert!(
                                md.expected.is_empty() && md.server_fin && r == SOCKET_RESET,
                                "read failed with {r} on an intact stream"
                            );
                        }
                        md.sticky = Some(r);
                    }
                }
                // Client: write (a write that wanted to be repeated is repeated with the same data).
                8 => {
                    let n = 1 + inp.u16() as usize % 20000;
                    let payload = match md.pending_write.take() {
                        Some(p) => p,
                        None => {
                            if md.to_server.len() + n > 60_000 {
                                continue;
                            }
                            (0..n).map(|i| (md.client_sent_total as usize + i) as u8 ^ 0x5a).collect()
                        }
                    };
                    let n = payload.len();
                    let r = capi::ql_ssl_write(&mut ctx, payload.as_ptr(), n);
                    assert!(documented_io(r), "write: undocumented {r}");
                    if md.client_closed {
                        assert_eq!(r, INVALID_PARAM, "write after the client's close_notify");
                    } else if let Some(code) = md.sticky {
                        assert_eq!(r, code, "a failed connection must keep reporting its failure");
                    } else if r > 0 {
                        // One record of 16 KiB per call; TLS 1.0 CBC record splitting (1/n-1) adds one byte.
                        assert!(r as usize <= n.min(16385), "write({n}) took {r} bytes: more than one 16 KiB record");
                        md.to_server.extend(&payload[..r as usize]);
                        md.client_sent_total += r as u64;
                    } else if r == WANT_WRITE || r == WANT_READ {
                        md.pending_write = Some(payload);
                    } else {
                        md.sticky = Some(r);
                    }
                }
                // Server: read what the client wrote.
                9 => {
                    let mut buf = vec![0u8; 20000];
                    loop {
                        let r = m::ssl_read(&mut *srv.ssl, buf.as_mut_ptr(), buf.len());
                        if r <= 0 {
                            break;
                        }
                        if !md.corrupted {
                            for b in &buf[..r as usize] {
                                assert_eq!(Some(*b), md.to_server.pop_front(), "the server received other bytes");
                            }
                        }
                    }
                }
                // Client: bytes available, handshake state.
                10 => {
                    let r = capi::ql_ssl_get_bytes_avail(&mut ctx);
                    assert!(documented_io(r), "bytes_avail: undocumented {r}");
                    if r >= 0 && !md.corrupted {
                        assert!(r as usize <= md.expected.len(), "bytes_avail {r} > bytes sent");
                    }
                    let f = capi::ql_ssl_handshake_finished(&mut ctx);
                    assert!(f == 0 || f == 1);
                }
                // Client: close_notify.
                _ => {
                    if md.client_closed {
                        continue;
                    }
                    let r = capi::ql_ssl_close_notify(&mut ctx);
                    assert!(documented_io(r), "close_notify: undocumented {r}");
                    if r == 0 {
                        md.client_closed = true;
                    } else if let Some(code) = md.sticky {
                        assert_eq!(r, code);
                    }
                }
            }
        }
        assert_eq!(capi::ql_ssl_free(&mut ctx), 0);
        assert_eq!(capi::ql_ssl_conf_free(&mut conf), 0);
        drop(srv);
        libc::close(sv[0]);
        libc::close(sv[1]);
    }
    assert_eq!(qlssl::registry::contexts().live_connections(), 0);
});
