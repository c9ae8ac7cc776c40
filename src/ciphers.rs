//! The cipher suites of the AT manual (seeds/003 table 3), as `QL_SSL_TLS_<IANA name>` id macros with
//! IANA values, and the query of what this build can really negotiate.

use core::ffi::c_int;

#[allow(unused_imports)]
use crate::prelude::*;

/// TLS_RSA_WITH_AES_256_CBC_SHA (IANA 0x0035).
pub const QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA: c_int = 0x0035;
/// TLS_RSA_WITH_AES_128_CBC_SHA (IANA 0x002F).
pub const QL_SSL_TLS_RSA_WITH_AES_128_CBC_SHA: c_int = 0x002F;
/// TLS_RSA_WITH_RC4_128_SHA (IANA 0x0005).
pub const QL_SSL_TLS_RSA_WITH_RC4_128_SHA: c_int = 0x0005;
/// TLS_RSA_WITH_RC4_128_MD5 (IANA 0x0004).
pub const QL_SSL_TLS_RSA_WITH_RC4_128_MD5: c_int = 0x0004;
/// TLS_RSA_WITH_3DES_EDE_CBC_SHA (IANA 0x000A).
pub const QL_SSL_TLS_RSA_WITH_3DES_EDE_CBC_SHA: c_int = 0x000A;
/// TLS_RSA_WITH_AES_256_CBC_SHA256 (IANA 0x003D).
pub const QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA256: c_int = 0x003D;
/// TLS_ECDH_ECDSA_WITH_RC4_128_SHA (IANA 0xC002).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_RC4_128_SHA: c_int = 0xC002;
/// TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA (IANA 0xC003).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA: c_int = 0xC003;
/// TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA (IANA 0xC004).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA: c_int = 0xC004;
/// TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA (IANA 0xC005).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA: c_int = 0xC005;
/// TLS_ECDHE_ECDSA_WITH_RC4_128_SHA (IANA 0xC007).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_RC4_128_SHA: c_int = 0xC007;
/// TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA (IANA 0xC008).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA: c_int = 0xC008;
/// TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA (IANA 0xC009).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: c_int = 0xC009;
/// TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA (IANA 0xC00A).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: c_int = 0xC00A;
/// TLS_ECDHE_RSA_WITH_RC4_128_SHA (IANA 0xC011).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_RC4_128_SHA: c_int = 0xC011;
/// TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA (IANA 0xC012).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: c_int = 0xC012;
/// TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA (IANA 0xC013).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: c_int = 0xC013;
/// TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA (IANA 0xC014).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: c_int = 0xC014;
/// TLS_ECDH_RSA_WITH_RC4_128_SHA (IANA 0xC00C).
pub const QL_SSL_TLS_ECDH_RSA_WITH_RC4_128_SHA: c_int = 0xC00C;
/// TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA (IANA 0xC00D).
pub const QL_SSL_TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA: c_int = 0xC00D;
/// TLS_ECDH_RSA_WITH_AES_128_CBC_SHA (IANA 0xC00E).
pub const QL_SSL_TLS_ECDH_RSA_WITH_AES_128_CBC_SHA: c_int = 0xC00E;
/// TLS_ECDH_RSA_WITH_AES_256_CBC_SHA (IANA 0xC00F).
pub const QL_SSL_TLS_ECDH_RSA_WITH_AES_256_CBC_SHA: c_int = 0xC00F;
/// TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 (IANA 0xC023).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: c_int = 0xC023;
/// TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 (IANA 0xC024).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384: c_int = 0xC024;
/// TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256 (IANA 0xC025).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256: c_int = 0xC025;
/// TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384 (IANA 0xC026).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384: c_int = 0xC026;
/// TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 (IANA 0xC027).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: c_int = 0xC027;
/// TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 (IANA 0xC028).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384: c_int = 0xC028;
/// TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256 (IANA 0xC029).
pub const QL_SSL_TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256: c_int = 0xC029;
/// TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384 (IANA 0xC02A).
pub const QL_SSL_TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384: c_int = 0xC02A;
/// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (IANA 0xC02F).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: c_int = 0xC02F;
/// TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (IANA 0xC030).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: c_int = 0xC030;
/// Not a suite: "every suite of the table" in `QL_SSL_CONF_CIPHERSUITE` lists and the AT command.
pub const QL_SSL_CIPHERSUITE_ALL: c_int = 0xFFFF;

/// The ids of the seed table, in the seed's order.
pub const SEED_SUITES: [c_int; 32] = [
    QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA,
    QL_SSL_TLS_RSA_WITH_AES_128_CBC_SHA,
    QL_SSL_TLS_RSA_WITH_RC4_128_SHA,
    QL_SSL_TLS_RSA_WITH_RC4_128_MD5,
    QL_SSL_TLS_RSA_WITH_3DES_EDE_CBC_SHA,
    QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA256,
    QL_SSL_TLS_ECDH_ECDSA_WITH_RC4_128_SHA,
    QL_SSL_TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA,
    QL_SSL_TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA,
    QL_SSL_TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA,
    QL_SSL_TLS_ECDHE_ECDSA_WITH_RC4_128_SHA,
    QL_SSL_TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA,
    QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    QL_SSL_TLS_ECDHE_RSA_WITH_RC4_128_SHA,
    QL_SSL_TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,
    QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
    QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
    QL_SSL_TLS_ECDH_RSA_WITH_RC4_128_SHA,
    QL_SSL_TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA,
    QL_SSL_TLS_ECDH_RSA_WITH_AES_128_CBC_SHA,
    QL_SSL_TLS_ECDH_RSA_WITH_AES_256_CBC_SHA,
    QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
    QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
    QL_SSL_TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256,
    QL_SSL_TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384,
    QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
    QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
    QL_SSL_TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256,
    QL_SSL_TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384,
    QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
];

/// True when this mbedtls build has an implementation of suite `id` (whether or not it is in the
/// default list: RC4 and 3DES suites are only offered when listed explicitly).
pub fn build_supports(id: c_int) -> bool {
    // SAFETY: a pure table lookup; returns NULL for unknown ids.
    id > 0 && id <= 0xFFFF && unsafe { !mbedtls_sys::ssl_ciphersuite_from_id(id).is_null() }
}

/// `ql_ssl_ciphersuit_is_valid`: 0xFFFF ("all"), or a suite this build can negotiate. That covers
/// every id of the seed table and also mbedtls's other TLS 1.0-1.2 suites (PSK suites among them).
pub fn is_valid(id: c_int) -> bool {
    id == QL_SSL_CIPHERSUITE_ALL || build_supports(id)
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
    // SAFETY: mbedtls_ssl_list_ciphersuites returns a static zero-terminated list; each lookup
    // returns a pointer into a static table.
    unsafe {
        let mut out = Vec::new();
        let mut p = mbedtls_sys::ssl_list_ciphersuites();
        while !p.is_null() && *p != 0 {
            let info = mbedtls_sys::ssl_ciphersuite_from_id(*p);
            if !info.is_null() && (*info).key_exchange as u32 == mbedtls_sys::KEY_EXCHANGE_PSK as u32 {
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

/// True when mbedtls would offer suite `id` in a ClientHello for `ctx` (the same rules as its
/// client: version range, no stream ciphers over DTLS, PSK suites only with a PSK).
pub fn usable(id: c_int, ctx: SuiteContext) -> bool {
    // SAFETY: a pure table lookup; returns NULL for unknown ids or a pointer to a static entry.
    let Some(info) = (unsafe { mbedtls_sys::ssl_ciphersuite_from_id(id).as_ref() }) else {
        return false;
    };
    let versions_overlap = info.min_minor_ver <= ctx.max_minor && info.max_minor_ver >= ctx.min_minor;
    let dtls_ok = !ctx.dtls || (info.flags as c_int & mbedtls_sys::CIPHERSUITE_NODTLS) == 0;
    let kx = info.key_exchange as u32;
    let uses_psk = [
        mbedtls_sys::KEY_EXCHANGE_PSK,
        mbedtls_sys::KEY_EXCHANGE_DHE_PSK,
        mbedtls_sys::KEY_EXCHANGE_RSA_PSK,
        mbedtls_sys::KEY_EXCHANGE_ECDHE_PSK,
    ]
    .iter()
    .any(|&k| k as u32 == kx);
    versions_overlap && dtls_ok && (!uses_psk || ctx.has_psk)
}

/// True when `id` needs mbedtls's RC4 switch (`mbedtls_ssl_conf_arc4_support`).
pub fn is_rc4(id: c_int) -> bool {
    matches!(id, 0x0004 | 0x0005 | 0xC002 | 0xC007 | 0xC00C | 0xC011)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_seed_suites_are_in_this_build() {
        for id in SEED_SUITES {
            assert!(build_supports(id), "suite 0x{id:04X} missing from the mbedtls build");
            assert!(is_valid(id));
        }
        assert!(is_valid(0xFFFF));
        assert!(!is_valid(0));
        assert!(!is_valid(0x1301), "TLS 1.3 suites are not offered");
        assert!(!is_valid(-1));
    }
}
