//! The AT engine in-process: `AT+QSSLCFG` and the C API's `ql_ssl_conf_set_by_id` /
//! `ql_ssl_conf_get_by_id` see each other's values (contexts 0..=5 are the library's per-id configs).

use std::ffi::{c_char, c_int, CStr, CString};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use qlssl::capi::abi::ql_ssl_config_type_e as T;
use qlssl::at::engine::{Dialect, Engine, Options};
use qlssl::at::remap::Remap;
use qlssl::at::service::{LibService, TlsService};

extern "C" {
    fn ql_ssl_conf_set_by_id(ctx_id: c_int, ty: c_int, ...) -> c_int;
    fn ql_ssl_conf_get_by_id(ctx_id: c_int, ty: c_int, ...) -> c_int;
}

fn engine() -> Engine {
    let (tx, _rx) = mpsc::channel();
    // The receiver is dropped: these tests open no connections.
    let svc: Arc<dyn TlsService> = Arc::new(LibService::default());
    let opts = Options { ufs: std::env::temp_dir(), map: Remap::default(), prompt_timeout: Duration::from_secs(5) };
    let mut e = Engine::new(svc, tx, opts);
    e.feed(b"ATE0\r", Instant::now());
    assert_eq!(e.take_output(), b"ATE0\r\r\nOK\r\n");
    e
}

fn at(e: &mut Engine, line: &str) -> String {
    e.feed(format!("{line}\r").as_bytes(), Instant::now());
    String::from_utf8(e.take_output()).unwrap()
}

#[test]
fn qsslcfg_and_the_c_api_share_contexts() {
    let mut e = engine();
    // AT → C.
    assert_eq!(at(&mut e, "AT+QSSLCFG=\"sslversion\",3,1"), "\r\nOK\r\n");
    assert_eq!(at(&mut e, "AT+QSSLCFG=\"negotiatetime\",3,45"), "\r\nOK\r\n");
    assert_eq!(at(&mut e, "AT+QSSLCFG=\"ignorecertitem\",3,1048575"), "\r\nOK\r\n");
    assert_eq!(at(&mut e, "AT+QSSLCFG=\"clientcert\",3,\"UFS:c.pem\""), "\r\nOK\r\n");
    assert_eq!(at(&mut e, "AT+QSSLCFG=\"clientkey\",3,\"k.pem\""), "\r\nOK\r\n");
    let (mut version, mut timeout, mut items): (c_int, c_int, u32) = (-1, -1, 0);
    let (mut cert, mut key, mut pwd): (*mut c_char, *mut c_char, *mut c_char) =
        (std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut());
    // SAFETY: out-pointers of the types each item documents; strings read while the config is untouched.
    unsafe {
        assert_eq!(ql_ssl_conf_get_by_id(3, T::QL_SSL_CONF_VERSION as c_int, &mut version), 0);
        assert_eq!(ql_ssl_conf_get_by_id(3, T::QL_SSL_CONF_HS_TIMEOUT as c_int, &mut timeout), 0);
        assert_eq!(ql_ssl_conf_get_by_id(3, T::QL_SSL_CONF_IGNORE_CERT_ITEM as c_int, &mut items), 0);
        assert_eq!(ql_ssl_conf_get_by_id(3, T::QL_SSL_CONF_OWNCERT as c_int, &mut cert, &mut key, &mut pwd), 0);
        assert_eq!(CStr::from_ptr(cert).to_str().unwrap(), "UFS:c.pem");
        assert_eq!(CStr::from_ptr(key).to_str().unwrap(), "UFS:k.pem");
    }
    assert_eq!((version, timeout, items), (1, 45, 1_048_575));
    // C → AT.
    let ca = CString::new("UFS:from_c.pem").unwrap();
    let paths = [ca.as_ptr()];
    // SAFETY: the documented argument shapes (int; char **paths, int count).
    unsafe {
        assert_eq!(ql_ssl_conf_set_by_id(3, T::QL_SSL_CONF_AUTHMODE as c_int, 2 as c_int), 0);
        assert_eq!(ql_ssl_conf_set_by_id(3, T::QL_SSL_CONF_SESSION_CACHE as c_int, 1 as c_int), 0);
        assert_eq!(ql_ssl_conf_set_by_id(3, T::QL_SSL_CONF_CACERT as c_int, paths.as_ptr(), 1 as c_int), 0);
    }
    assert_eq!(at(&mut e, "AT+QSSLCFG=\"seclevel\",3"), "\r\n+QSSLCFG: \"seclevel\",3,2\r\n\r\nOK\r\n");
    assert_eq!(at(&mut e, "AT+QSSLCFG=\"session_cache\",3"), "\r\n+QSSLCFG: \"session_cache\",3,1\r\n\r\nOK\r\n");
    assert_eq!(at(&mut e, "AT+QSSLCFG=\"cacert\",3"), "\r\n+QSSLCFG: \"cacert\",3,\"UFS:from_c.pem\"\r\n\r\nOK\r\n");
    // A value the C API allows but AT does not set (negotiate time 5000 s) is still shown as it is.
    // SAFETY: int argument.
    unsafe { assert_eq!(ql_ssl_conf_set_by_id(3, T::QL_SSL_CONF_HS_TIMEOUT as c_int, 5000 as c_int), 0) };
    assert_eq!(at(&mut e, "AT+QSSLCFG=\"negotiatetime\",3"), "\r\n+QSSLCFG: \"negotiatetime\",3,5000\r\n\r\nOK\r\n");
    assert_eq!(at(&mut e, "AT+QSSLCFG=\"negotiatetime\",3,5000"), "\r\n+CME ERROR: 552\r\n");
}

/// `AT+SSLCFG` (Air724), `AT+QSSLCFG` (Quectel) and the C API change the same six contexts; the
/// Air724 erase (a trailing comma) restores the library's default.
#[test]
fn sslcfg_qsslcfg_and_the_c_api_share_contexts() {
    let (tx, _rx) = mpsc::channel();
    let svc: Arc<dyn TlsService> = Arc::new(LibService::default());
    let opts = Options { ufs: std::env::temp_dir(), map: Remap::default(), prompt_timeout: Duration::from_secs(5) };
    let mut air = Engine::with_dialect(svc, tx, opts, Dialect::Air724);
    assert_eq!(at(&mut air, "ATE0"), "ATE0\r\r\nOK\r\n");
    let mut q = engine();
    assert_eq!(at(&mut air, "AT+SSLCFG=\"negotiatetimeout\",4,45"), "\r\nOK\r\n");
    assert_eq!(at(&mut air, "AT+SSLCFG=\"seclevel\",4,2"), "\r\nOK\r\n");
    assert_eq!(at(&mut air, "AT+SSLCFG=\"cacert\",4,\"ca4.pem\""), "\r\nOK\r\n");
    let (mut timeout, mut auth): (c_int, c_int) = (-1, -1);
    // SAFETY: int out-pointers, as the items document.
    unsafe {
        assert_eq!(ql_ssl_conf_get_by_id(4, T::QL_SSL_CONF_HS_TIMEOUT as c_int, &mut timeout), 0);
        assert_eq!(ql_ssl_conf_get_by_id(4, T::QL_SSL_CONF_AUTHMODE as c_int, &mut auth), 0);
    }
    assert_eq!((timeout, auth), (45, 2));
    assert_eq!(at(&mut q, "AT+QSSLCFG=\"negotiatetime\",4"), "\r\n+QSSLCFG: \"negotiatetime\",4,45\r\n\r\nOK\r\n");
    assert_eq!(at(&mut q, "AT+QSSLCFG=\"cacert\",4"), "\r\n+QSSLCFG: \"cacert\",4,\"UFS:ca4.pem\"\r\n\r\nOK\r\n");
    // C → AT+SSLCFG.
    // SAFETY: int argument.
    unsafe { assert_eq!(ql_ssl_conf_set_by_id(4, T::QL_SSL_CONF_VERSION as c_int, 2 as c_int), 0) };
    assert_eq!(at(&mut air, "AT+SSLCFG=\"sslversion\",4"), "\r\n+SSLCFG: \"sslversion\",4,2\r\n\r\nOK\r\n");
    // Erase: back to the defaults, seen by the C API.
    for name in ["negotiatetimeout", "seclevel", "cacert", "sslversion"] {
        assert_eq!(at(&mut air, &format!("AT+SSLCFG=\"{name}\",4,")), "\r\nOK\r\n", "{name}");
    }
    // SAFETY: as above.
    unsafe {
        assert_eq!(ql_ssl_conf_get_by_id(4, T::QL_SSL_CONF_HS_TIMEOUT as c_int, &mut timeout), 0);
        assert_eq!(ql_ssl_conf_get_by_id(4, T::QL_SSL_CONF_AUTHMODE as c_int, &mut auth), 0);
    }
    assert_eq!((timeout, auth), (300, 0));
    assert_eq!(at(&mut q, "AT+QSSLCFG=\"cacert\",4"), "\r\n+QSSLCFG: \"cacert\",4,\"\"\r\n\r\nOK\r\n");
    assert_eq!(at(&mut q, "AT+QSSLCFG=\"sslversion\",4"), "\r\n+QSSLCFG: \"sslversion\",4,4\r\n\r\nOK\r\n");
}

#[test]
fn urcs_wait_while_a_prompt_or_response_is_open() {
    let mut e = engine();
    // Half a command line typed: responses only come after CR; nothing is interleaved.
    e.feed(b"AT+CS", Instant::now());
    assert_eq!(e.take_output(), b"");
    e.feed(b"Q;+CPIN?\r", Instant::now());
    assert_eq!(e.take_output(), b"\r\n+CSQ: 28,99\r\n\r\n+CPIN: READY\r\n\r\nOK\r\n");
}

/// The fuzz target's oracle (fuzz/fuzz_targets/at_parser.rs) on stable Rust, for pseudo-random
/// inputs biased towards AT syntax: no panic, and `AT` is answered afterwards.
#[test]
fn garbage_never_wedges_the_engine() {
    use qlssl::at::parser;
    let alphabet: &[u8] = b"AT+QSSLCFGRECVSENDFUPLIACTE01=?,\";\r\n\x1a\x1b\x08+ \xff\x00\"sslversion\"0xCIPRXGETMUXFSWRITE234";
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let ufs = std::env::temp_dir().join(format!("qlssl-at-garbage-{}", std::process::id()));
    std::fs::create_dir_all(&ufs).unwrap();
    for round in 0..1500 {
        let len = (next() % 300) as usize;
        let mut data: Vec<u8> = (0..len)
            .map(|_| if round % 3 == 0 { next() as u8 } else { alphabet[(next() % alphabet.len() as u64) as usize] })
            .collect();
        // No network and no deletions (as in the fuzz target).
        for w in [b"QSSLOPEN".as_slice(), b"QFDEL", b"CIPSTART", b"FSDEL"] {
            for i in 0..data.len().saturating_sub(w.len() - 1) {
                if data[i..i + w.len()].eq_ignore_ascii_case(w) {
                    data[i] = b'#';
                }
            }
        }
        let _ = parser::parse_line(&data);
        let (tx, _rx) = mpsc::channel();
        // A service that changes nothing: the other tests of this binary use the shared contexts.
        let svc: Arc<dyn TlsService> = Arc::new(Refuse);
        let opts = Options { ufs: ufs.clone(), map: Remap::default(), prompt_timeout: Duration::from_millis(1) };
        // Odd rounds play the Air724 dialect.
        let dialect = if round % 2 == 1 { Dialect::Air724 } else { Dialect::Quectel };
        let mut e = Engine::with_dialect(svc, tx, opts, dialect);
        let mut now = Instant::now();
        for chunk in data.chunks(1 + (next() % 40) as usize) {
            e.feed(chunk, now);
            now += Duration::from_millis(300);
            e.tick(now);
            let _ = e.take_output();
        }
        // Past every timeout: prompts (1 ms here) and uploads (up to 65535 s).
        now += Duration::from_secs(70_000);
        e.tick(now);
        e.feed(b"\x1b\rATE0\r", now);
        let _ = e.take_output();
        e.feed(b"AT\r", now);
        assert_eq!(e.take_output(), b"\r\nOK\r\n", "after {data:?}");
        e.shutdown();
        for entry in std::fs::read_dir(&ufs).into_iter().flatten().flatten() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let _ = std::fs::remove_dir_all(&ufs);
}

struct Refuse;

fn no<T>() -> qlssl::at::service::SvcResult<T> {
    use qlssl::at::service::{FailKind, ServiceError};
    Err(ServiceError { kind: FailKind::InvalidParam, code: -3, text: "refused".into() })
}

impl TlsService for Refuse {
    fn set(&self, _: u8, _: &qlssl::at::service::ConfigItem) -> qlssl::at::service::SvcResult<()> {
        no()
    }
    fn get(&self, _: u8, key: qlssl::at::service::ConfigKey) -> qlssl::at::service::SvcResult<qlssl::at::service::ConfigItem> {
        Ok(qlssl::at::service::ConfigItem::Int(key, 0))
    }
    fn open(&self, _: u8, _: std::os::fd::RawFd, _: &str, _: i64) -> qlssl::at::service::SvcResult<c_int> {
        no()
    }
    fn handshake(&self, _: c_int) -> qlssl::at::service::SvcResult<()> {
        no()
    }
    fn read(&self, _: c_int, _: &mut [u8]) -> qlssl::at::service::SvcResult<usize> {
        no()
    }
    fn write(&self, _: c_int, _: &[u8]) -> qlssl::at::service::SvcResult<()> {
        no()
    }
    fn info(&self, _: c_int) -> qlssl::at::service::ConnInfo {
        Default::default()
    }
    fn close(&self, _: c_int) {}
    fn close_notify(&self, _: c_int) {}
}
