//! Cipher suites: the 162 `QL_SSL_TLS_<IANA name>` id macros of the SDK header (mbedtls 2.28's
//! whole suite list, IANA values) and what this build can really negotiate.
//!
//! Which ids work is asked from the linked mbedtls (`mbedtls_ssl_ciphersuite_from_id`), never
//! listed by hand: this build (mbedtls-sys-auto 2.28.15's configuration) leaves out the NULL
//! (unencrypted) suites, the single-DES suites and EC J-PAKE, and has everything else, RC4 and
//! 3DES included (mbedtls only keeps those two out of its *default* list).

// bindgen gives mbedtls's enums a different integer type per target, so the `as u32` below are
// needed on some targets and redundant on others.
#![allow(clippy::unnecessary_cast)]

use core::ffi::c_int;

use crate::error::{Error, Result};

#[allow(unused_imports)]
use crate::prelude::*;

// The suite ids (the SDK header's 162, TLS 1.3's three, QL_SSL_CIPHERSUITE_ALL) with `SDK_SUITES`
// and `TLS13_SUITES`, their tables: src/c_values.txt.
include!(concat!(env!("OUT_DIR"), "/suite_ids.rs"));

/// An IANA suite name of the SDK header, stored as its three parts (key exchange, cipher, MAC)
/// and spelled out on demand: 162 stored names were ≈ 9 KiB of text and string pointers in a
/// module build (docs/PERFORMANCE.md, "Size").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SuiteName(u16);

const KEY_EXCHANGE: [&str; 11] = ["RSA", "DHE_RSA", "PSK", "DHE_PSK", "RSA_PSK", "ECDH_ECDSA", "ECDHE_ECDSA", "ECDH_RSA", "ECDHE_RSA", "ECDHE_PSK", "ECJPAKE"];
const CIPHER: [&str; 16] = ["NULL", "RC4_128", "DES_CBC", "3DES_EDE_CBC", "AES_128_CBC", "AES_256_CBC", "CAMELLIA_128_CBC", "CAMELLIA_256_CBC", "AES_128_GCM", "AES_256_GCM", "CAMELLIA_128_GCM", "CAMELLIA_256_GCM", "AES_128_CCM", "AES_256_CCM", "AES_128_CCM_8", "AES_256_CCM_8"];
/// The last is none (CCM suites).
const MAC: [&str; 5] = ["MD5", "SHA", "SHA256", "SHA384", ""];

/// True when `text` has `part` at byte `at`.
const fn has_at(text: &[u8], at: usize, part: &[u8]) -> bool {
    if at + part.len() > text.len() {
        return false;
    }
    let mut i = 0;
    while i < part.len() {
        if text[at + i] != part[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl SuiteName {
    /// The stored form of IANA name `text`, `TLS_<KEY_EXCHANGE[kx]>_WITH_<CIPHER[cipher]>[_<MAC[mac]>]`.
    /// Evaluated when the library is compiled (`SDK_SUITES` is a constant): a name of the table
    /// that does not split into those parts fails the build.
    const fn parse(text: &str) -> SuiteName {
        let b = text.as_bytes();
        assert!(has_at(b, 0, b"TLS_"), "a suite name starts with TLS_");
        let mut kx = 0;
        while kx < KEY_EXCHANGE.len() {
            let k = KEY_EXCHANGE[kx].as_bytes();
            if has_at(b, 4, k) && has_at(b, 4 + k.len(), b"_WITH_") {
                let at = 4 + k.len() + 6;
                let mut cipher = 0;
                while cipher < CIPHER.len() {
                    let c = CIPHER[cipher].as_bytes();
                    let mut mac = 0;
                    while has_at(b, at, c) && mac < MAC.len() {
                        let m = MAC[mac].as_bytes();
                        let end = at + c.len();
                        let exact = if m.is_empty() {
                            end == b.len()
                        } else {
                            end + 1 + m.len() == b.len() && b[end] == b'_' && has_at(b, end + 1, m)
                        };
                        if exact {
                            return SuiteName((kx as u16) << 8 | (cipher as u16) << 4 | mac as u16);
                        }
                        mac += 1;
                    }
                    cipher += 1;
                }
            }
            kx += 1;
        }
        panic!("a suite name of src/c_values.txt does not split into key exchange, cipher and MAC")
    }

    /// "TLS_PSK_WITH_AES_128_CBC_SHA".
    pub(crate) fn text(self) -> String {
        let mut text = String::from("TLS_");
        text.push_str(KEY_EXCHANGE[usize::from(self.0 >> 8)]);
        text.push_str("_WITH_");
        text.push_str(CIPHER[usize::from(self.0 >> 4 & 0xF)]);
        let mac = MAC[usize::from(self.0 & 0xF)];
        if !mac.is_empty() {
            text.push('_');
            text.push_str(mac);
        }
        text
    }
}

/// True for one of TLS 1.3's suites (which mbedtls 2.28 does not have).
pub fn is_tls13_suite(id: c_int) -> bool {
    TLS13_SUITES.iter().any(|(v, _)| *v == id)
}

/// The static description mbedtls has of suite `id`, if this build can negotiate it.
fn info(id: c_int) -> Option<&'static mbedtls_sys::ssl_ciphersuite_t> {
    if id <= 0 || id > 0xFFFF {
        return None;
    }
    // SAFETY: a pure lookup in mbedtls's static suite table; NULL for ids it does not have.
    unsafe { mbedtls_sys::ssl_ciphersuite_from_id(id).as_ref() }
}

/// True when this mbedtls build has an implementation of suite `id` (whether or not it is in the
/// default list: RC4 and 3DES suites are only offered when listed explicitly).
pub fn build_supports(id: c_int) -> bool {
    info(id).is_some()
}

/// `ql_ssl_ciphersuit_is_valid`: 0xFFFF ("all"), or a suite this build can negotiate (the SDK's
/// ids and mbedtls's other TLS 1.0-1.2 suites, ChaCha20 and ARIA among them; TLS 1.3's three with
/// the TLS 1.3 engine).
pub fn is_valid(id: c_int) -> bool {
    id == QL_SSL_CIPHERSUITE_ALL || build_supports(id) || (cfg!(feature = "tls13") && is_tls13_suite(id))
}

/// True for an id a cipher list may name: 0xFFFF, one of the SDK header's 162 suites or TLS 1.3's
/// three (supported here or not) or any other suite this build has.
pub fn is_known(id: c_int) -> bool {
    is_valid(id) || header_name(id).is_some()
}

/// The IANA name of one of the SDK header's suites.
pub fn sdk_name(id: c_int) -> Option<String> {
    SDK_SUITES.iter().find(|(v, _)| *v == id).map(|(_, n)| n.text())
}

/// The IANA name of one of the SDK header's suites or of TLS 1.3's (the ids the header names).
fn header_name(id: c_int) -> Option<String> {
    sdk_name(id).or_else(|| TLS13_SUITES.iter().find(|(v, _)| *v == id).map(|(_, n)| String::from(*n)))
}

/// "TLS_PSK_WITH_AES_128_CBC_SHA (0x008C)": the suite's IANA name (from the SDK table, else from
/// mbedtls) and id, for error texts.
pub fn describe_suite(id: c_int) -> String {
    let name = header_name(id).or_else(|| {
        let info = info(id)?;
        // SAFETY: `name` points to a static NUL-terminated string in mbedtls's table.
        let name = unsafe { core::ffi::CStr::from_ptr(info.name as *const core::ffi::c_char) };
        Some(name.to_string_lossy().replace('-', "_"))
    });
    match name {
        Some(n) => format!("{n} (0x{id:04X})"),
        None => format!("0x{id:04X}"),
    }
}

/// Why a suite of the SDK header is missing from this build (for the error text; which suites
/// are missing is decided by mbedtls itself, see `build_supports`). By the name's parts, not by
/// searching its text (no substring search code in a module build).
fn missing_reason(name: SuiteName) -> &'static str {
    let (kx, cipher) = (usize::from(name.0 >> 8), usize::from(name.0 >> 4 & 0xF));
    if CIPHER[cipher] == "NULL" {
        "mbedtls is built without NULL (unencrypted) suites, MBEDTLS_CIPHER_NULL_CIPHER"
    } else if CIPHER[cipher] == "DES_CBC" {
        "mbedtls is built without single-DES suites, MBEDTLS_ENABLE_WEAK_CIPHERSUITES"
    } else if KEY_EXCHANGE[kx] == "ECJPAKE" {
        "mbedtls is built without EC J-PAKE, MBEDTLS_KEY_EXCHANGE_ECJPAKE_ENABLED"
    } else {
        "mbedtls is built without it"
    }
}

/// `Ok` when this build can negotiate `id` (or `id` is 0xFFFF); otherwise the NOT_SUPPORT error
/// naming the suite.
pub fn check_supported(id: c_int) -> Result<()> {
    if is_valid(id) {
        return Ok(());
    }
    let why = if is_tls13_suite(id) {
        "TLS 1.3 suites need the TLS 1.3 engine, cargo feature tls13"
    } else {
        SDK_SUITES.iter().find(|(v, _)| *v == id).map_or("unknown suite id", |(_, n)| missing_reason(*n))
    };
    Err(Error::SuiteNotSupported(format!("cipher suite {} is not supported by this build ({why})", describe_suite(id))))
}

/// mbedtls fills some tables on first use without a lock (the supported-suite list, the curve
/// list, the AES tables and the AES-NI probe). Two threads setting up their first connections at
/// once raced there (ThreadSanitizer, docs/HARDENING.md); doing it once, under a `Once`, before
/// any mbedtls configuration is made removes the race.
pub fn init_mbedtls_globals() {
    static ONCE: crate::platform::sync::RunOnce = crate::platform::sync::RunOnce::new();
    ONCE.call_once(|| {
        // SAFETY: these only fill mbedtls's static tables; the AES context is ours and freed.
        unsafe {
            mbedtls_sys::ssl_list_ciphersuites();
            mbedtls_sys::ecp_grp_id_list();
            mbedtls_sys::ecp_curve_list();
            let mut aes: mbedtls_sys::aes_context = core::mem::zeroed();
            mbedtls_sys::aes_init(&mut aes);
            // A fixed 128-bit key is always accepted; only the side effect (the tables) matters.
            let _ = mbedtls_sys::aes_setkey_enc(&mut aes, [0u8; 16].as_ptr(), 128);
            mbedtls_sys::aes_free(&mut aes);
        }
    });
}

/// Every plain-PSK suite this build offers (for QL_SSL_VERIFY_PSK with the default list).
pub fn psk_suites() -> Vec<c_int> {
    init_mbedtls_globals();
    // SAFETY: mbedtls_ssl_list_ciphersuites returns a static zero-terminated list.
    unsafe {
        let mut out = Vec::new();
        let mut p = mbedtls_sys::ssl_list_ciphersuites();
        while !p.is_null() && *p != 0 {
            if info(*p).is_some_and(|i| i.key_exchange as u32 == mbedtls_sys::KEY_EXCHANGE_PSK as u32) {
                out.push(*p);
            }
            p = p.add(1);
        }
        out
    }
}

/// The protocol a connection will speak, as far as choosing cipher suites is concerned.
#[derive(Clone, Copy, Debug)]
pub struct SuiteContext {
    /// Lowest and highest minor version (3.x) allowed: 0 SSL 3.0 .. 3 TLS 1.2 (DTLS 1.0 is 2).
    pub min_minor: c_int,
    pub max_minor: c_int,
    pub dtls: bool,
    pub has_psk: bool,
}

fn kx_of(info: &mbedtls_sys::ssl_ciphersuite_t) -> u32 {
    info.key_exchange as u32
}

/// True when suite `id` needs a pre-shared key (PSK, DHE-PSK, ECDHE-PSK, RSA-PSK key exchange).
pub fn needs_psk(id: c_int) -> bool {
    let Some(info) = info(id) else { return false };
    [
        mbedtls_sys::KEY_EXCHANGE_PSK,
        mbedtls_sys::KEY_EXCHANGE_DHE_PSK,
        mbedtls_sys::KEY_EXCHANGE_RSA_PSK,
        mbedtls_sys::KEY_EXCHANGE_ECDHE_PSK,
    ]
    .iter()
    .any(|&k| k as u32 == kx_of(info))
}

/// True when the server authenticates with a certificate under suite `id` (every key exchange
/// but PSK, DHE-PSK, ECDHE-PSK and EC J-PAKE: RSA-PSK does send one).
pub fn uses_server_certificate(id: c_int) -> bool {
    // TLS 1.3 (no PSK on the TLS 1.3 engine): always a certificate.
    if is_tls13_suite(id) {
        return true;
    }
    let Some(info) = info(id) else { return false };
    ![
        mbedtls_sys::KEY_EXCHANGE_PSK,
        mbedtls_sys::KEY_EXCHANGE_DHE_PSK,
        mbedtls_sys::KEY_EXCHANGE_ECDHE_PSK,
        mbedtls_sys::KEY_EXCHANGE_ECJPAKE,
    ]
    .iter()
    .any(|&k| k as u32 == kx_of(info))
}

/// True when mbedtls would offer suite `id` in a ClientHello for `ctx` ignoring the PSK: the
/// version range and no stream ciphers over DTLS (the same rules as its client).
pub fn fits_protocol(id: c_int, ctx: SuiteContext) -> bool {
    let Some(info) = info(id) else { return false };
    let versions_overlap = info.min_minor_ver <= ctx.max_minor && info.max_minor_ver >= ctx.min_minor;
    let dtls_ok = !ctx.dtls || (info.flags as c_int & mbedtls_sys::CIPHERSUITE_NODTLS) == 0;
    versions_overlap && dtls_ok
}

/// True when mbedtls would offer suite `id` in a ClientHello for `ctx` (the same rules as its
/// client: version range, no stream ciphers over DTLS, PSK suites only with a PSK).
pub fn usable(id: c_int, ctx: SuiteContext) -> bool {
    fits_protocol(id, ctx) && (!needs_psk(id) || ctx.has_psk)
}

/// True when `id` needs mbedtls's RC4 switch (`mbedtls_ssl_conf_arc4_support`).
pub fn is_rc4(id: c_int) -> bool {
    info(id).is_some_and(|i| {
        [mbedtls_sys::CIPHER_ARC4_128].iter().any(|&c| c as u32 == i.cipher as u32)
    })
}

/// The 32 suites of the module AT manual's cipher-suite table, in its order: all in this build
/// (tested below). The interop runner reads them from scripts/interop/suite_facts.tsv (its
/// `at_table` column, written from this list by tests/suite_facts.rs).
pub const AT_MANUAL_SUITES: &[c_int] = &[
    0x0035, 0x002F, 0x0005, 0x0004, 0x000A, 0x003D, 0xC002, 0xC003, 0xC004, 0xC005, 0xC007, 0xC008,
    0xC009, 0xC00A, 0xC011, 0xC012, 0xC013, 0xC014, 0xC00C, 0xC00D, 0xC00E, 0xC00F, 0xC023, 0xC024,
    0xC025, 0xC026, 0xC027, 0xC028, 0xC029, 0xC02A, 0xC02F, 0xC030,
];

#[cfg(test)]
mod tests {
    use super::*;


    #[test]
    fn all_seed_suites_are_in_this_build() {
        for &id in AT_MANUAL_SUITES {
            assert!(build_supports(id), "suite 0x{id:04X} missing from the mbedtls build");
            assert!(is_valid(id));
        }
        assert!(is_valid(0xFFFF));
        assert!(!is_valid(0));
        // TLS 1.3's suites: served by the TLS 1.3 engine only.
        assert_eq!(is_valid(0x1301), cfg!(feature = "tls13"));
        assert!(!is_valid(-1));
    }

    #[test]
    fn sdk_table_is_complete_and_sorted() {
        assert_eq!(SDK_SUITES.len(), 162);
        assert!(SDK_SUITES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(sdk_name(0x008A).as_deref(), Some("TLS_PSK_WITH_RC4_128_SHA"));
        assert_eq!(sdk_name(0xC0AE).as_deref(), Some("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"));
        assert_eq!(sdk_name(0xC09C).as_deref(), Some("TLS_RSA_WITH_AES_128_CCM"));
        assert_eq!(sdk_name(0xC0FF).as_deref(), Some("TLS_ECJPAKE_WITH_AES_128_CCM_8"));
        // Every name this build's mbedtls also has is spelled as mbedtls spells it ('-' for '_').
        let mut compared = 0;
        for (id, n) in SDK_SUITES {
            if let Some(info) = info(id) {
                // SAFETY: `name` points to a static NUL-terminated string in mbedtls's table.
                let theirs = unsafe { core::ffi::CStr::from_ptr(info.name as *const core::ffi::c_char) };
                assert_eq!(n.text(), theirs.to_str().unwrap().replace('-', "_"), "0x{id:04X}");
                compared += 1;
            }
        }
        assert_eq!(compared, 162 - 22);
    }

    /// What this build leaves out, as asked from mbedtls: exactly the NULL, single-DES and EC
    /// J-PAKE suites (mbedtls-sys-auto's configuration); everything else negotiates.
    #[test]
    fn unsupported_sdk_suites_are_null_des_ecjpake() {
        let missing: Vec<String> = SDK_SUITES.iter().filter(|(id, _)| !build_supports(*id)).map(|(_, n)| n.text()).collect();
        for n in &missing {
            assert!(n.contains("_NULL_") || n.contains("_WITH_DES_") || n.contains("ECJPAKE"), "{n} unexpectedly missing");
        }
        for (id, n) in SDK_SUITES {
            let n = n.text();
            if n.contains("_NULL_") || n.contains("_WITH_DES_") || n.contains("ECJPAKE") {
                assert!(!build_supports(id), "{n} unexpectedly present");
            }
        }
        assert_eq!(missing.len(), 22, "{missing:?}");
    }

    #[test]
    fn unsupported_suite_error_names_it() {
        let e = check_supported(0x0001).unwrap_err();
        assert!(matches!(e, Error::SuiteNotSupported(_)), "{e:?}");
        let text = e.to_string();
        assert!(text.contains("TLS_RSA_WITH_NULL_MD5 (0x0001)"), "{text}");
        assert!(check_supported(0x008C).is_ok());
        assert!(check_supported(0xFFFF).is_ok());
        assert!(is_known(0xC0FF) && !is_valid(0xC0FF));
        assert!(!is_known(0x1234));
    }

    #[test]
    fn suite_properties_come_from_mbedtls() {
        assert!(is_rc4(0x0004) && is_rc4(0x008A) && is_rc4(0xC033) && !is_rc4(0x000A));
        assert!(needs_psk(0x008C) && needs_psk(0x0094) && needs_psk(0xC035) && !needs_psk(0x002F));
        assert!(!uses_server_certificate(0x008C) && uses_server_certificate(0x0094) && uses_server_certificate(0x002F));
        assert!(!uses_server_certificate(0xC035) && !uses_server_certificate(0x0090));
    }
}
