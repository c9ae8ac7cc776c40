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
