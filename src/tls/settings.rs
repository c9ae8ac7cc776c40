//! The core's settings: everything a connection is built from, validated, in Rust types. A front
//! end (the C API's `ql_ssl_config`, the per-id configs of the registry) produces a `Settings`;
//! the core never sees where it came from.

use core::ffi::c_int;

use alloc::ffi::CString;

#[allow(unused_imports)]
use crate::prelude::*;

// The vendor API's limits (QL_MAX_CA_CERT_CNT, QL_SSL_NEGOTIATE_TIME_DEF, QL_SSL_TLS_CERT_ITEM_NUM,
// QL_SSL_PSK_*_LENGTH_MAX, QUEC_*): src/c_values.txt, which also writes them into the header.
include!(concat!(env!("OUT_DIR"), "/sdk_limits.rs"));

/// Shortest negotiate timeout in seconds. There is no upper bound: SDK code passes 5000, and the
/// deadline arithmetic saturates (`c_int::MAX` seconds is about 68 years).
pub const HS_TIMEOUT_MIN: c_int = 1;
/// Default negotiate timeout.
pub const HS_TIMEOUT_DEFAULT: c_int = QL_SSL_NEGOTIATE_TIME_DEF;
/// Longest raw PSK key accepted by QL_SSL_CONF_PSK (the hex form of QL_SSL_CONF_PSK_KEY allows
/// the same 64 bytes; mbedtls refuses more than its MBEDTLS_PSK_MAX_LEN at setup).
pub const PSK_KEY_MAX: usize = 64;
/// Every `ignore_certitem` bit the SDK documents (1048575 = "ignore all").
pub const CERTITEM_ALL: u32 = (1 << QL_SSL_TLS_CERT_ITEM_NUM) - 1;
/// Longest host name accepted (the SDK struct's `session_hostname[256]` with its terminator).
pub const MAX_HOSTNAME: usize = 255;

/// An application's handshake-timeout callback, opaque to the core: the front end that registered
/// it knows its type (the C API: `ql_ssl_handshake_timeout_cb`) and calls it with its own handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutHook {
    /// The callback's address.
    pub func: usize,
    /// The argument registered with it.
    pub arg: usize,
}

/// A client certificate and key given as data (`QL_SSL_CONF_OWNCERT_BUFFER`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnCertBuffer {
    pub cert: Vec<u8>,
    pub key: Vec<u8>,
    pub pwd: Option<Vec<u8>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CipherChoice {
    All,
    List(Vec<c_int>),
}

/// Everything a connection needs, copied out of a config at `ql_ssl_setup()` time.
#[derive(Clone)]
pub struct Settings {
    /// Handle of the config's extension: the session cache key.
    pub config_handle: c_int,
    pub version: c_int,
    pub dtls: bool,
    pub dtls_version: c_int,
    pub ciphers: CipherChoice,
    pub auth_mode: c_int,
    pub sni: bool,
    pub ca_paths: Vec<CString>,
    pub ca_buffers: Vec<Vec<u8>>,
    pub own_cert_path: Option<(CString, CString, Option<CString>)>,
    pub own_cert_buffer: Option<OwnCertBuffer>,
    pub negotiate_timeout_s: c_int,
    /// The application's handshake-timeout callback, called once when the timeout expires.
    pub timeout_hook: Option<TimeoutHook>,
    pub ignore_localtime: bool,
    /// The clock the validity period is judged against when `ignore_localtime` is off.
    pub validity_clock: crate::tls::clock::ValidityClock,
    pub ignore_invalid_certsign: bool,
    pub ignore_certitem: u32,
    pub ignore_multi_certchain_verify: bool,
    pub session_cache: bool,
    pub psk: Option<(CString, Vec<u8>)>,
    pub renegotiation: bool,
    /// The IoT extension items (ALPN, pins, MFL, session store, root bundle).
    pub iot: crate::tls::iot::IotOptions,
}

/// Most CA paths and most CA buffers of one config.
pub(crate) const MAX_CA_CERTS: usize = QL_MAX_CA_CERT_CNT;
/// Longest PSK identity in bytes.
pub(crate) const PSK_IDENTITY_MAX: usize = QL_SSL_PSK_IDENTITY_LENGTH_MAX as usize;
/// Longest certificate data (a CA buffer, a client certificate or key) accepted.
pub(crate) const MAX_CERT_DATA: usize = 1 << 20;
/// Longest string argument (paths, passwords) accepted.
pub(crate) const MAX_STRING: usize = 4096;
/// The version values after the vendor's 0..=4 (`QL_SSL_VERSION_4`, `QL_SSL_VERSION_TLS12_TLS13`
/// of the C API: docs/ENGINES.md, "ABI extension for TLS 1.3").
pub(crate) const VERSION_TLS13: c_int = 5;
pub(crate) const VERSION_TLS12_TLS13: c_int = 6;

/// Lower-case hex text of `bytes` (how a raw PSK key reads back as QL_SSL_CONF_PSK_KEY).
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes.iter().flat_map(|b| [DIGITS[(b >> 4) as usize] as char, DIGITS[(b & 15) as usize] as char]).collect()
}

/// Longest cipher list accepted: every suite id of the SDK header and 0xFFFF.
pub(crate) const MAX_CIPHER_IDS: usize = 163;
