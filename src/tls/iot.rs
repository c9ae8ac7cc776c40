//! The IoT extension settings (issue 20, docs/IOT.md): ALPN, public-key pins, the maximum fragment
//! length, the persistent session store and the built-in root bundle. Plain values here; the
//! engine applies them (src/tls/engine/iot.rs) and the C adapter parses them (src/capi/iot_items.rs).

use alloc::ffi::CString;

#[allow(unused_imports)]
use crate::prelude::*;

/// The extension settings of one config. Empty/zero/false is "not configured".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IotOptions {
    /// `QL_SSL_CONF_ALPN`: protocol names offered, in order of preference.
    pub alpn: Vec<CString>,
    /// `QL_SSL_CONF_PIN_SHA256`: the server's leaf key must hash to one of these.
    pub pins: Vec<[u8; PIN_LEN]>,
    /// `QL_SSL_CONF_MAX_FRAG_LEN`: 0 (off), 512, 1024, 2048 or 4096.
    pub max_frag_len: u16,
    /// `QL_SSL_CONF_CA_BUNDLE`: trust the built-in root bundle (besides any configured CA).
    pub ca_bundle: bool,
    /// `QL_SSL_CONF_SESSION_STORE`: the file a full handshake's session is saved to.
    pub session_store: Option<CString>,
    /// `QL_SSL_CONF_MIN_VERSION`: the lowest TLS version offered under version 4 (all), as
    /// `QL_SSL_CONF_VERSION` numbers it (1..=3); 0 off.
    pub min_version: u16,
}

impl IotOptions {
    /// Why the TLS 1.3 engine (feature `tls13`, docs/IOT.md) cannot serve these settings, or None.
    /// It serves ALPN, pins and the root bundle; rustls implements no RFC 6066 maximum fragment
    /// length, and offers no way to save its sessions (TLS 1.3 tickets) to a file.
    pub fn tls13_refusal(&self) -> Option<&'static str> {
        if self.max_frag_len != 0 {
            return Some("QL_SSL_CONF_MAX_FRAG_LEN is not available with the TLS 1.3 engine (rustls has no RFC 6066 maximum fragment length): use QL_SSL_VERSION_3 or _ALL");
        }
        if self.session_store.is_some() {
            return Some("QL_SSL_CONF_SESSION_STORE is not available with the TLS 1.3 engine (rustls cannot save its sessions): use QL_SSL_VERSION_3 or _ALL");
        }
        None
    }
}

/// Limits of the list items, checked when they are set (src/capi/iot_items.rs).
pub const ALPN_MAX_PROTOCOLS: usize = 16;
/// Longest ALPN protocol name (RFC 7301: 1..=255 bytes).
pub const ALPN_MAX_NAME: usize = 255;
/// Most SHA-256 public-key pins in one list.
pub const PIN_MAX: usize = 16;

/// The MFL extension's code for `bytes` (RFC 6066 §4: 1..=4 for 512..=4096); None for a value
/// the extension cannot express. 0 (off) maps to 0.
pub fn max_frag_len_code(bytes: i32) -> Option<u8> {
    match bytes {
        0 => Some(0),
        512 => Some(1),
        1024 => Some(2),
        2048 => Some(3),
        4096 => Some(4),
        _ => None,
    }
}

/// Does the ServerHello handshake message `hello` (TLS 1.2 or DTLS 1.2, with its header of
/// `header_len` bytes: 4, or 12 in DTLS) carry extension `ext`? None when it is not a
/// well-formed ServerHello.
pub fn server_hello_has_extension(hello: &[u8], header_len: usize, ext: u16) -> Option<bool> {
    // type (1) = 2, length (3), [DTLS: sequence and fragment, 8], then the body: version (2),
    // random (32), session id (1 + n), suite (2), compression (1), optionally the extensions
    // (2 + their bytes): RFC 5246 §7.4.1.3, RFC 6347 §4.2.2.
    if hello.first() != Some(&2) || hello.len() < header_len.max(4) {
        return None;
    }
    let body_len = usize::from(hello[1]) << 16 | usize::from(hello[2]) << 8 | usize::from(hello[3]);
    let body = hello.get(header_len..header_len + body_len)?;
    let sid_len = usize::from(*body.get(34)?);
    let mut exts = body.get(35 + sid_len + 3..)?;
    if exts.is_empty() {
        return Some(false);
    }
    let total = usize::from(u16::from_be_bytes([*exts.first()?, *exts.get(1)?]));
    exts = exts.get(2..2 + total)?;
    while !exts.is_empty() {
        let (ty, len) = (u16::from_be_bytes([*exts.first()?, *exts.get(1)?]), usize::from(u16::from_be_bytes([*exts.get(2)?, *exts.get(3)?])));
        if ty == ext {
            return Some(true);
        }
        exts = exts.get(4 + len..)?;
    }
    Some(false)
}

/// Length of one pin (a SHA-256 digest of a DER SubjectPublicKeyInfo).
pub const PIN_LEN: usize = 32;
/// The verify flag a pin mismatch sets: one bit above the 20 MBEDTLS_X509_BADCERT_* bits, so no
/// `ignore_certitem` mask can forgive it.
pub const PIN_MISMATCH: u32 = 0x10_0000;

/// True when `digest` is one of `pins`; compared without early exit on the first differing byte.
pub fn pin_matches(pins: &[[u8; PIN_LEN]], digest: &[u8; PIN_LEN]) -> bool {
    pins.iter().fold(false, |found, pin| {
        let diff = pin.iter().zip(digest.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
        found | (diff == 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_rfc_lengths_have_codes() {
        assert_eq!(max_frag_len_code(0), Some(0));
        assert_eq!(max_frag_len_code(512), Some(1));
        assert_eq!(max_frag_len_code(4096), Some(4));
        for bad in [-1, 1, 511, 513, 8192, 16384] {
            assert_eq!(max_frag_len_code(bad), None, "{bad}");
        }
    }

    /// A ServerHello (header included) with session id `sid` bytes long and `exts` as its
    /// extension block's content (None: no extension block at all).
    fn hello_msg(sid: u8, exts: Option<&[u8]>) -> Vec<u8> {
        let mut body = vec![3, 3];
        body.extend([7u8; 32]);
        body.push(sid);
        body.extend(vec![9u8; usize::from(sid)]);
        body.extend([0xc0, 0x2b, 0]);
        if let Some(e) = exts {
            body.extend((e.len() as u16).to_be_bytes());
            body.extend(e);
        }
        let mut m = vec![2, 0, (body.len() >> 8) as u8, body.len() as u8];
        m.extend(body);
        m
    }

    #[test]
    fn the_server_hellos_extensions_are_found() {
        let mfl = 1; // max_fragment_length
        // renegotiation_info, then max_fragment_length = 1.
        let both: &[u8] = &[0xff, 0x01, 0, 1, 0, 0, 1, 0, 1, 1];
        assert_eq!(server_hello_has_extension(&hello_msg(32, Some(both)), 4, mfl), Some(true));
        assert_eq!(server_hello_has_extension(&hello_msg(0, Some(&both[..5])), 4, mfl), Some(false));
        assert_eq!(server_hello_has_extension(&hello_msg(0, None), 4, mfl), Some(false));
        // Not a ServerHello, cut short, an extension running past its block.
        assert_eq!(server_hello_has_extension(&[11, 0, 0, 0], 4, mfl), None);
        let whole = hello_msg(32, Some(both));
        for cut in [0, 3, 20, whole.len() - 1] {
            assert_eq!(server_hello_has_extension(&whole[..cut], 4, mfl), None, "{cut}");
        }
        assert_eq!(server_hello_has_extension(&hello_msg(0, Some(&[0xff, 0x01, 0, 9, 0])), 4, mfl), None);
    }

    #[test]
    fn a_pin_matches_only_its_digest() {
        let pins = [[1u8; PIN_LEN], [2u8; PIN_LEN]];
        assert!(pin_matches(&pins, &[2u8; PIN_LEN]));
        let mut other = [2u8; PIN_LEN];
        other[31] = 3;
        assert!(!pin_matches(&pins, &other));
        assert!(!pin_matches(&[], &[1u8; PIN_LEN]));
    }
}
