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

// ---- The 162 suite ids of the SDK header (mbedtls 2.28's whole suite list), IANA values. ----
/// TLS_RSA_WITH_NULL_MD5 (IANA 0x0001).
pub const QL_SSL_TLS_RSA_WITH_NULL_MD5: c_int = 0x0001;
/// TLS_RSA_WITH_NULL_SHA (IANA 0x0002).
pub const QL_SSL_TLS_RSA_WITH_NULL_SHA: c_int = 0x0002;
/// TLS_RSA_WITH_RC4_128_MD5 (IANA 0x0004).
pub const QL_SSL_TLS_RSA_WITH_RC4_128_MD5: c_int = 0x0004;
/// TLS_RSA_WITH_RC4_128_SHA (IANA 0x0005).
pub const QL_SSL_TLS_RSA_WITH_RC4_128_SHA: c_int = 0x0005;
/// TLS_RSA_WITH_DES_CBC_SHA (IANA 0x0009).
pub const QL_SSL_TLS_RSA_WITH_DES_CBC_SHA: c_int = 0x0009;
/// TLS_RSA_WITH_3DES_EDE_CBC_SHA (IANA 0x000A).
pub const QL_SSL_TLS_RSA_WITH_3DES_EDE_CBC_SHA: c_int = 0x000A;
/// TLS_DHE_RSA_WITH_DES_CBC_SHA (IANA 0x0015).
pub const QL_SSL_TLS_DHE_RSA_WITH_DES_CBC_SHA: c_int = 0x0015;
/// TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA (IANA 0x0016).
pub const QL_SSL_TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA: c_int = 0x0016;
/// TLS_PSK_WITH_NULL_SHA (IANA 0x002C).
pub const QL_SSL_TLS_PSK_WITH_NULL_SHA: c_int = 0x002C;
/// TLS_DHE_PSK_WITH_NULL_SHA (IANA 0x002D).
pub const QL_SSL_TLS_DHE_PSK_WITH_NULL_SHA: c_int = 0x002D;
/// TLS_RSA_PSK_WITH_NULL_SHA (IANA 0x002E).
pub const QL_SSL_TLS_RSA_PSK_WITH_NULL_SHA: c_int = 0x002E;
/// TLS_RSA_WITH_AES_128_CBC_SHA (IANA 0x002F).
pub const QL_SSL_TLS_RSA_WITH_AES_128_CBC_SHA: c_int = 0x002F;
/// TLS_DHE_RSA_WITH_AES_128_CBC_SHA (IANA 0x0033).
pub const QL_SSL_TLS_DHE_RSA_WITH_AES_128_CBC_SHA: c_int = 0x0033;
/// TLS_RSA_WITH_AES_256_CBC_SHA (IANA 0x0035).
pub const QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA: c_int = 0x0035;
/// TLS_DHE_RSA_WITH_AES_256_CBC_SHA (IANA 0x0039).
pub const QL_SSL_TLS_DHE_RSA_WITH_AES_256_CBC_SHA: c_int = 0x0039;
/// TLS_RSA_WITH_NULL_SHA256 (IANA 0x003B).
pub const QL_SSL_TLS_RSA_WITH_NULL_SHA256: c_int = 0x003B;
/// TLS_RSA_WITH_AES_128_CBC_SHA256 (IANA 0x003C).
pub const QL_SSL_TLS_RSA_WITH_AES_128_CBC_SHA256: c_int = 0x003C;
/// TLS_RSA_WITH_AES_256_CBC_SHA256 (IANA 0x003D).
pub const QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA256: c_int = 0x003D;
/// TLS_RSA_WITH_CAMELLIA_128_CBC_SHA (IANA 0x0041).
pub const QL_SSL_TLS_RSA_WITH_CAMELLIA_128_CBC_SHA: c_int = 0x0041;
/// TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA (IANA 0x0045).
pub const QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA: c_int = 0x0045;
/// TLS_DHE_RSA_WITH_AES_128_CBC_SHA256 (IANA 0x0067).
pub const QL_SSL_TLS_DHE_RSA_WITH_AES_128_CBC_SHA256: c_int = 0x0067;
/// TLS_DHE_RSA_WITH_AES_256_CBC_SHA256 (IANA 0x006B).
pub const QL_SSL_TLS_DHE_RSA_WITH_AES_256_CBC_SHA256: c_int = 0x006B;
/// TLS_RSA_WITH_CAMELLIA_256_CBC_SHA (IANA 0x0084).
pub const QL_SSL_TLS_RSA_WITH_CAMELLIA_256_CBC_SHA: c_int = 0x0084;
/// TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA (IANA 0x0088).
pub const QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA: c_int = 0x0088;
/// TLS_PSK_WITH_RC4_128_SHA (IANA 0x008A).
pub const QL_SSL_TLS_PSK_WITH_RC4_128_SHA: c_int = 0x008A;
/// TLS_PSK_WITH_3DES_EDE_CBC_SHA (IANA 0x008B).
pub const QL_SSL_TLS_PSK_WITH_3DES_EDE_CBC_SHA: c_int = 0x008B;
/// TLS_PSK_WITH_AES_128_CBC_SHA (IANA 0x008C).
pub const QL_SSL_TLS_PSK_WITH_AES_128_CBC_SHA: c_int = 0x008C;
/// TLS_PSK_WITH_AES_256_CBC_SHA (IANA 0x008D).
pub const QL_SSL_TLS_PSK_WITH_AES_256_CBC_SHA: c_int = 0x008D;
/// TLS_DHE_PSK_WITH_RC4_128_SHA (IANA 0x008E).
pub const QL_SSL_TLS_DHE_PSK_WITH_RC4_128_SHA: c_int = 0x008E;
/// TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA (IANA 0x008F).
pub const QL_SSL_TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA: c_int = 0x008F;
/// TLS_DHE_PSK_WITH_AES_128_CBC_SHA (IANA 0x0090).
pub const QL_SSL_TLS_DHE_PSK_WITH_AES_128_CBC_SHA: c_int = 0x0090;
/// TLS_DHE_PSK_WITH_AES_256_CBC_SHA (IANA 0x0091).
pub const QL_SSL_TLS_DHE_PSK_WITH_AES_256_CBC_SHA: c_int = 0x0091;
/// TLS_RSA_PSK_WITH_RC4_128_SHA (IANA 0x0092).
pub const QL_SSL_TLS_RSA_PSK_WITH_RC4_128_SHA: c_int = 0x0092;
/// TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA (IANA 0x0093).
pub const QL_SSL_TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA: c_int = 0x0093;
/// TLS_RSA_PSK_WITH_AES_128_CBC_SHA (IANA 0x0094).
pub const QL_SSL_TLS_RSA_PSK_WITH_AES_128_CBC_SHA: c_int = 0x0094;
/// TLS_RSA_PSK_WITH_AES_256_CBC_SHA (IANA 0x0095).
pub const QL_SSL_TLS_RSA_PSK_WITH_AES_256_CBC_SHA: c_int = 0x0095;
/// TLS_RSA_WITH_AES_128_GCM_SHA256 (IANA 0x009C).
pub const QL_SSL_TLS_RSA_WITH_AES_128_GCM_SHA256: c_int = 0x009C;
/// TLS_RSA_WITH_AES_256_GCM_SHA384 (IANA 0x009D).
pub const QL_SSL_TLS_RSA_WITH_AES_256_GCM_SHA384: c_int = 0x009D;
/// TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 (IANA 0x009E).
pub const QL_SSL_TLS_DHE_RSA_WITH_AES_128_GCM_SHA256: c_int = 0x009E;
/// TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 (IANA 0x009F).
pub const QL_SSL_TLS_DHE_RSA_WITH_AES_256_GCM_SHA384: c_int = 0x009F;
/// TLS_PSK_WITH_AES_128_GCM_SHA256 (IANA 0x00A8).
pub const QL_SSL_TLS_PSK_WITH_AES_128_GCM_SHA256: c_int = 0x00A8;
/// TLS_PSK_WITH_AES_256_GCM_SHA384 (IANA 0x00A9).
pub const QL_SSL_TLS_PSK_WITH_AES_256_GCM_SHA384: c_int = 0x00A9;
/// TLS_DHE_PSK_WITH_AES_128_GCM_SHA256 (IANA 0x00AA).
pub const QL_SSL_TLS_DHE_PSK_WITH_AES_128_GCM_SHA256: c_int = 0x00AA;
/// TLS_DHE_PSK_WITH_AES_256_GCM_SHA384 (IANA 0x00AB).
pub const QL_SSL_TLS_DHE_PSK_WITH_AES_256_GCM_SHA384: c_int = 0x00AB;
/// TLS_RSA_PSK_WITH_AES_128_GCM_SHA256 (IANA 0x00AC).
pub const QL_SSL_TLS_RSA_PSK_WITH_AES_128_GCM_SHA256: c_int = 0x00AC;
/// TLS_RSA_PSK_WITH_AES_256_GCM_SHA384 (IANA 0x00AD).
pub const QL_SSL_TLS_RSA_PSK_WITH_AES_256_GCM_SHA384: c_int = 0x00AD;
/// TLS_PSK_WITH_AES_128_CBC_SHA256 (IANA 0x00AE).
pub const QL_SSL_TLS_PSK_WITH_AES_128_CBC_SHA256: c_int = 0x00AE;
/// TLS_PSK_WITH_AES_256_CBC_SHA384 (IANA 0x00AF).
pub const QL_SSL_TLS_PSK_WITH_AES_256_CBC_SHA384: c_int = 0x00AF;
/// TLS_PSK_WITH_NULL_SHA256 (IANA 0x00B0).
pub const QL_SSL_TLS_PSK_WITH_NULL_SHA256: c_int = 0x00B0;
/// TLS_PSK_WITH_NULL_SHA384 (IANA 0x00B1).
pub const QL_SSL_TLS_PSK_WITH_NULL_SHA384: c_int = 0x00B1;
/// TLS_DHE_PSK_WITH_AES_128_CBC_SHA256 (IANA 0x00B2).
pub const QL_SSL_TLS_DHE_PSK_WITH_AES_128_CBC_SHA256: c_int = 0x00B2;
/// TLS_DHE_PSK_WITH_AES_256_CBC_SHA384 (IANA 0x00B3).
pub const QL_SSL_TLS_DHE_PSK_WITH_AES_256_CBC_SHA384: c_int = 0x00B3;
/// TLS_DHE_PSK_WITH_NULL_SHA256 (IANA 0x00B4).
pub const QL_SSL_TLS_DHE_PSK_WITH_NULL_SHA256: c_int = 0x00B4;
/// TLS_DHE_PSK_WITH_NULL_SHA384 (IANA 0x00B5).
pub const QL_SSL_TLS_DHE_PSK_WITH_NULL_SHA384: c_int = 0x00B5;
/// TLS_RSA_PSK_WITH_AES_128_CBC_SHA256 (IANA 0x00B6).
pub const QL_SSL_TLS_RSA_PSK_WITH_AES_128_CBC_SHA256: c_int = 0x00B6;
/// TLS_RSA_PSK_WITH_AES_256_CBC_SHA384 (IANA 0x00B7).
pub const QL_SSL_TLS_RSA_PSK_WITH_AES_256_CBC_SHA384: c_int = 0x00B7;
/// TLS_RSA_PSK_WITH_NULL_SHA256 (IANA 0x00B8).
pub const QL_SSL_TLS_RSA_PSK_WITH_NULL_SHA256: c_int = 0x00B8;
/// TLS_RSA_PSK_WITH_NULL_SHA384 (IANA 0x00B9).
pub const QL_SSL_TLS_RSA_PSK_WITH_NULL_SHA384: c_int = 0x00B9;
/// TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256 (IANA 0x00BA).
pub const QL_SSL_TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256: c_int = 0x00BA;
/// TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256 (IANA 0x00BE).
pub const QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256: c_int = 0x00BE;
/// TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256 (IANA 0x00C0).
pub const QL_SSL_TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256: c_int = 0x00C0;
/// TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256 (IANA 0x00C4).
pub const QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256: c_int = 0x00C4;
/// TLS_ECDH_ECDSA_WITH_NULL_SHA (IANA 0xC001).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_NULL_SHA: c_int = 0xC001;
/// TLS_ECDH_ECDSA_WITH_RC4_128_SHA (IANA 0xC002).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_RC4_128_SHA: c_int = 0xC002;
/// TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA (IANA 0xC003).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA: c_int = 0xC003;
/// TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA (IANA 0xC004).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA: c_int = 0xC004;
/// TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA (IANA 0xC005).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA: c_int = 0xC005;
/// TLS_ECDHE_ECDSA_WITH_NULL_SHA (IANA 0xC006).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_NULL_SHA: c_int = 0xC006;
/// TLS_ECDHE_ECDSA_WITH_RC4_128_SHA (IANA 0xC007).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_RC4_128_SHA: c_int = 0xC007;
/// TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA (IANA 0xC008).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA: c_int = 0xC008;
/// TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA (IANA 0xC009).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: c_int = 0xC009;
/// TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA (IANA 0xC00A).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: c_int = 0xC00A;
/// TLS_ECDH_RSA_WITH_NULL_SHA (IANA 0xC00B).
pub const QL_SSL_TLS_ECDH_RSA_WITH_NULL_SHA: c_int = 0xC00B;
/// TLS_ECDH_RSA_WITH_RC4_128_SHA (IANA 0xC00C).
pub const QL_SSL_TLS_ECDH_RSA_WITH_RC4_128_SHA: c_int = 0xC00C;
/// TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA (IANA 0xC00D).
pub const QL_SSL_TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA: c_int = 0xC00D;
/// TLS_ECDH_RSA_WITH_AES_128_CBC_SHA (IANA 0xC00E).
pub const QL_SSL_TLS_ECDH_RSA_WITH_AES_128_CBC_SHA: c_int = 0xC00E;
/// TLS_ECDH_RSA_WITH_AES_256_CBC_SHA (IANA 0xC00F).
pub const QL_SSL_TLS_ECDH_RSA_WITH_AES_256_CBC_SHA: c_int = 0xC00F;
/// TLS_ECDHE_RSA_WITH_NULL_SHA (IANA 0xC010).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_NULL_SHA: c_int = 0xC010;
/// TLS_ECDHE_RSA_WITH_RC4_128_SHA (IANA 0xC011).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_RC4_128_SHA: c_int = 0xC011;
/// TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA (IANA 0xC012).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: c_int = 0xC012;
/// TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA (IANA 0xC013).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: c_int = 0xC013;
/// TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA (IANA 0xC014).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: c_int = 0xC014;
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
/// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (IANA 0xC02B).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: c_int = 0xC02B;
/// TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (IANA 0xC02C).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: c_int = 0xC02C;
/// TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256 (IANA 0xC02D).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256: c_int = 0xC02D;
/// TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384 (IANA 0xC02E).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384: c_int = 0xC02E;
/// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (IANA 0xC02F).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: c_int = 0xC02F;
/// TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (IANA 0xC030).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: c_int = 0xC030;
/// TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256 (IANA 0xC031).
pub const QL_SSL_TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256: c_int = 0xC031;
/// TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384 (IANA 0xC032).
pub const QL_SSL_TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384: c_int = 0xC032;
/// TLS_ECDHE_PSK_WITH_RC4_128_SHA (IANA 0xC033).
pub const QL_SSL_TLS_ECDHE_PSK_WITH_RC4_128_SHA: c_int = 0xC033;
/// TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA (IANA 0xC034).
pub const QL_SSL_TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA: c_int = 0xC034;
/// TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA (IANA 0xC035).
pub const QL_SSL_TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA: c_int = 0xC035;
/// TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA (IANA 0xC036).
pub const QL_SSL_TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA: c_int = 0xC036;
/// TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256 (IANA 0xC037).
pub const QL_SSL_TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256: c_int = 0xC037;
/// TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384 (IANA 0xC038).
pub const QL_SSL_TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384: c_int = 0xC038;
/// TLS_ECDHE_PSK_WITH_NULL_SHA (IANA 0xC039).
pub const QL_SSL_TLS_ECDHE_PSK_WITH_NULL_SHA: c_int = 0xC039;
/// TLS_ECDHE_PSK_WITH_NULL_SHA256 (IANA 0xC03A).
pub const QL_SSL_TLS_ECDHE_PSK_WITH_NULL_SHA256: c_int = 0xC03A;
/// TLS_ECDHE_PSK_WITH_NULL_SHA384 (IANA 0xC03B).
pub const QL_SSL_TLS_ECDHE_PSK_WITH_NULL_SHA384: c_int = 0xC03B;
/// TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256 (IANA 0xC072).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256: c_int = 0xC072;
/// TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384 (IANA 0xC073).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384: c_int = 0xC073;
/// TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256 (IANA 0xC074).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256: c_int = 0xC074;
/// TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384 (IANA 0xC075).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384: c_int = 0xC075;
/// TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256 (IANA 0xC076).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256: c_int = 0xC076;
/// TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384 (IANA 0xC077).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384: c_int = 0xC077;
/// TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256 (IANA 0xC078).
pub const QL_SSL_TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256: c_int = 0xC078;
/// TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384 (IANA 0xC079).
pub const QL_SSL_TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384: c_int = 0xC079;
/// TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256 (IANA 0xC07A).
pub const QL_SSL_TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256: c_int = 0xC07A;
/// TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384 (IANA 0xC07B).
pub const QL_SSL_TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384: c_int = 0xC07B;
/// TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256 (IANA 0xC07C).
pub const QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256: c_int = 0xC07C;
/// TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384 (IANA 0xC07D).
pub const QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384: c_int = 0xC07D;
/// TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256 (IANA 0xC086).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256: c_int = 0xC086;
/// TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384 (IANA 0xC087).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384: c_int = 0xC087;
/// TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256 (IANA 0xC088).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256: c_int = 0xC088;
/// TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384 (IANA 0xC089).
pub const QL_SSL_TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384: c_int = 0xC089;
/// TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256 (IANA 0xC08A).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256: c_int = 0xC08A;
/// TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384 (IANA 0xC08B).
pub const QL_SSL_TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384: c_int = 0xC08B;
/// TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256 (IANA 0xC08C).
pub const QL_SSL_TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256: c_int = 0xC08C;
/// TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384 (IANA 0xC08D).
pub const QL_SSL_TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384: c_int = 0xC08D;
/// TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256 (IANA 0xC08E).
pub const QL_SSL_TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256: c_int = 0xC08E;
/// TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384 (IANA 0xC08F).
pub const QL_SSL_TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384: c_int = 0xC08F;
/// TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256 (IANA 0xC090).
pub const QL_SSL_TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256: c_int = 0xC090;
/// TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384 (IANA 0xC091).
pub const QL_SSL_TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384: c_int = 0xC091;
/// TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256 (IANA 0xC092).
pub const QL_SSL_TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256: c_int = 0xC092;
/// TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384 (IANA 0xC093).
pub const QL_SSL_TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384: c_int = 0xC093;
/// TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256 (IANA 0xC094).
pub const QL_SSL_TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256: c_int = 0xC094;
/// TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384 (IANA 0xC095).
pub const QL_SSL_TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384: c_int = 0xC095;
/// TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256 (IANA 0xC096).
pub const QL_SSL_TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256: c_int = 0xC096;
/// TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384 (IANA 0xC097).
pub const QL_SSL_TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384: c_int = 0xC097;
/// TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256 (IANA 0xC098).
pub const QL_SSL_TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256: c_int = 0xC098;
/// TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384 (IANA 0xC099).
pub const QL_SSL_TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384: c_int = 0xC099;
/// TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256 (IANA 0xC09A).
pub const QL_SSL_TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256: c_int = 0xC09A;
/// TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384 (IANA 0xC09B).
pub const QL_SSL_TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384: c_int = 0xC09B;
/// TLS_RSA_WITH_AES_128_CCM (IANA 0xC09C).
pub const QL_SSL_TLS_RSA_WITH_AES_128_CCM: c_int = 0xC09C;
/// TLS_RSA_WITH_AES_256_CCM (IANA 0xC09D).
pub const QL_SSL_TLS_RSA_WITH_AES_256_CCM: c_int = 0xC09D;
/// TLS_DHE_RSA_WITH_AES_128_CCM (IANA 0xC09E).
pub const QL_SSL_TLS_DHE_RSA_WITH_AES_128_CCM: c_int = 0xC09E;
/// TLS_DHE_RSA_WITH_AES_256_CCM (IANA 0xC09F).
pub const QL_SSL_TLS_DHE_RSA_WITH_AES_256_CCM: c_int = 0xC09F;
/// TLS_RSA_WITH_AES_128_CCM_8 (IANA 0xC0A0).
pub const QL_SSL_TLS_RSA_WITH_AES_128_CCM_8: c_int = 0xC0A0;
/// TLS_RSA_WITH_AES_256_CCM_8 (IANA 0xC0A1).
pub const QL_SSL_TLS_RSA_WITH_AES_256_CCM_8: c_int = 0xC0A1;
/// TLS_DHE_RSA_WITH_AES_128_CCM_8 (IANA 0xC0A2).
pub const QL_SSL_TLS_DHE_RSA_WITH_AES_128_CCM_8: c_int = 0xC0A2;
/// TLS_DHE_RSA_WITH_AES_256_CCM_8 (IANA 0xC0A3).
pub const QL_SSL_TLS_DHE_RSA_WITH_AES_256_CCM_8: c_int = 0xC0A3;
/// TLS_PSK_WITH_AES_128_CCM (IANA 0xC0A4).
pub const QL_SSL_TLS_PSK_WITH_AES_128_CCM: c_int = 0xC0A4;
/// TLS_PSK_WITH_AES_256_CCM (IANA 0xC0A5).
pub const QL_SSL_TLS_PSK_WITH_AES_256_CCM: c_int = 0xC0A5;
/// TLS_DHE_PSK_WITH_AES_128_CCM (IANA 0xC0A6).
pub const QL_SSL_TLS_DHE_PSK_WITH_AES_128_CCM: c_int = 0xC0A6;
/// TLS_DHE_PSK_WITH_AES_256_CCM (IANA 0xC0A7).
pub const QL_SSL_TLS_DHE_PSK_WITH_AES_256_CCM: c_int = 0xC0A7;
/// TLS_PSK_WITH_AES_128_CCM_8 (IANA 0xC0A8).
pub const QL_SSL_TLS_PSK_WITH_AES_128_CCM_8: c_int = 0xC0A8;
/// TLS_PSK_WITH_AES_256_CCM_8 (IANA 0xC0A9).
pub const QL_SSL_TLS_PSK_WITH_AES_256_CCM_8: c_int = 0xC0A9;
/// TLS_DHE_PSK_WITH_AES_128_CCM_8 (IANA 0xC0AA).
pub const QL_SSL_TLS_DHE_PSK_WITH_AES_128_CCM_8: c_int = 0xC0AA;
/// TLS_DHE_PSK_WITH_AES_256_CCM_8 (IANA 0xC0AB).
pub const QL_SSL_TLS_DHE_PSK_WITH_AES_256_CCM_8: c_int = 0xC0AB;
/// TLS_ECDHE_ECDSA_WITH_AES_128_CCM (IANA 0xC0AC).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM: c_int = 0xC0AC;
/// TLS_ECDHE_ECDSA_WITH_AES_256_CCM (IANA 0xC0AD).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CCM: c_int = 0xC0AD;
/// TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 (IANA 0xC0AE).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8: c_int = 0xC0AE;
/// TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8 (IANA 0xC0AF).
pub const QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8: c_int = 0xC0AF;
/// TLS_ECJPAKE_WITH_AES_128_CCM_8 (IANA 0xC0FF).
pub const QL_SSL_TLS_ECJPAKE_WITH_AES_128_CCM_8: c_int = 0xC0FF;

/// An IANA suite name of the SDK header, stored as its three parts (key exchange, cipher, MAC)
/// and spelled out on demand: 162 stored names were ≈ 9 KiB of text and string pointers in a
/// module build (docs/PERFORMANCE.md, "Size").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SuiteName(u16);

/// `TLS_<KEY_EXCHANGE[kx]>_WITH_<CIPHER[cipher]>[_<MAC[mac]>]`.
const fn name(kx: u16, cipher: u16, mac: u16) -> SuiteName {
    SuiteName(kx << 8 | cipher << 4 | mac)
}

const KEY_EXCHANGE: [&str; 11] = ["RSA", "DHE_RSA", "PSK", "DHE_PSK", "RSA_PSK", "ECDH_ECDSA", "ECDHE_ECDSA", "ECDH_RSA", "ECDHE_RSA", "ECDHE_PSK", "ECJPAKE"];
const CIPHER: [&str; 16] = ["NULL", "RC4_128", "DES_CBC", "3DES_EDE_CBC", "AES_128_CBC", "AES_256_CBC", "CAMELLIA_128_CBC", "CAMELLIA_256_CBC", "AES_128_GCM", "AES_256_GCM", "CAMELLIA_128_GCM", "CAMELLIA_256_GCM", "AES_128_CCM", "AES_256_CCM", "AES_128_CCM_8", "AES_256_CCM_8"];
/// The last is none (CCM suites).
const MAC: [&str; 5] = ["MD5", "SHA", "SHA256", "SHA384", ""];

impl SuiteName {
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

/// Every `QL_SSL_TLS_*` id of the SDK header with its IANA name, in IANA order.
pub(crate) const SDK_SUITES: [(c_int, SuiteName); 162] = [
    (QL_SSL_TLS_RSA_WITH_NULL_MD5, name(0, 0, 0)),
    (QL_SSL_TLS_RSA_WITH_NULL_SHA, name(0, 0, 1)),
    (QL_SSL_TLS_RSA_WITH_RC4_128_MD5, name(0, 1, 0)),
    (QL_SSL_TLS_RSA_WITH_RC4_128_SHA, name(0, 1, 1)),
    (QL_SSL_TLS_RSA_WITH_DES_CBC_SHA, name(0, 2, 1)),
    (QL_SSL_TLS_RSA_WITH_3DES_EDE_CBC_SHA, name(0, 3, 1)),
    (QL_SSL_TLS_DHE_RSA_WITH_DES_CBC_SHA, name(1, 2, 1)),
    (QL_SSL_TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA, name(1, 3, 1)),
    (QL_SSL_TLS_PSK_WITH_NULL_SHA, name(2, 0, 1)),
    (QL_SSL_TLS_DHE_PSK_WITH_NULL_SHA, name(3, 0, 1)),
    (QL_SSL_TLS_RSA_PSK_WITH_NULL_SHA, name(4, 0, 1)),
    (QL_SSL_TLS_RSA_WITH_AES_128_CBC_SHA, name(0, 4, 1)),
    (QL_SSL_TLS_DHE_RSA_WITH_AES_128_CBC_SHA, name(1, 4, 1)),
    (QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA, name(0, 5, 1)),
    (QL_SSL_TLS_DHE_RSA_WITH_AES_256_CBC_SHA, name(1, 5, 1)),
    (QL_SSL_TLS_RSA_WITH_NULL_SHA256, name(0, 0, 2)),
    (QL_SSL_TLS_RSA_WITH_AES_128_CBC_SHA256, name(0, 4, 2)),
    (QL_SSL_TLS_RSA_WITH_AES_256_CBC_SHA256, name(0, 5, 2)),
    (QL_SSL_TLS_RSA_WITH_CAMELLIA_128_CBC_SHA, name(0, 6, 1)),
    (QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA, name(1, 6, 1)),
    (QL_SSL_TLS_DHE_RSA_WITH_AES_128_CBC_SHA256, name(1, 4, 2)),
    (QL_SSL_TLS_DHE_RSA_WITH_AES_256_CBC_SHA256, name(1, 5, 2)),
    (QL_SSL_TLS_RSA_WITH_CAMELLIA_256_CBC_SHA, name(0, 7, 1)),
    (QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA, name(1, 7, 1)),
    (QL_SSL_TLS_PSK_WITH_RC4_128_SHA, name(2, 1, 1)),
    (QL_SSL_TLS_PSK_WITH_3DES_EDE_CBC_SHA, name(2, 3, 1)),
    (QL_SSL_TLS_PSK_WITH_AES_128_CBC_SHA, name(2, 4, 1)),
    (QL_SSL_TLS_PSK_WITH_AES_256_CBC_SHA, name(2, 5, 1)),
    (QL_SSL_TLS_DHE_PSK_WITH_RC4_128_SHA, name(3, 1, 1)),
    (QL_SSL_TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA, name(3, 3, 1)),
    (QL_SSL_TLS_DHE_PSK_WITH_AES_128_CBC_SHA, name(3, 4, 1)),
    (QL_SSL_TLS_DHE_PSK_WITH_AES_256_CBC_SHA, name(3, 5, 1)),
    (QL_SSL_TLS_RSA_PSK_WITH_RC4_128_SHA, name(4, 1, 1)),
    (QL_SSL_TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA, name(4, 3, 1)),
    (QL_SSL_TLS_RSA_PSK_WITH_AES_128_CBC_SHA, name(4, 4, 1)),
    (QL_SSL_TLS_RSA_PSK_WITH_AES_256_CBC_SHA, name(4, 5, 1)),
    (QL_SSL_TLS_RSA_WITH_AES_128_GCM_SHA256, name(0, 8, 2)),
    (QL_SSL_TLS_RSA_WITH_AES_256_GCM_SHA384, name(0, 9, 3)),
    (QL_SSL_TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, name(1, 8, 2)),
    (QL_SSL_TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, name(1, 9, 3)),
    (QL_SSL_TLS_PSK_WITH_AES_128_GCM_SHA256, name(2, 8, 2)),
    (QL_SSL_TLS_PSK_WITH_AES_256_GCM_SHA384, name(2, 9, 3)),
    (QL_SSL_TLS_DHE_PSK_WITH_AES_128_GCM_SHA256, name(3, 8, 2)),
    (QL_SSL_TLS_DHE_PSK_WITH_AES_256_GCM_SHA384, name(3, 9, 3)),
    (QL_SSL_TLS_RSA_PSK_WITH_AES_128_GCM_SHA256, name(4, 8, 2)),
    (QL_SSL_TLS_RSA_PSK_WITH_AES_256_GCM_SHA384, name(4, 9, 3)),
    (QL_SSL_TLS_PSK_WITH_AES_128_CBC_SHA256, name(2, 4, 2)),
    (QL_SSL_TLS_PSK_WITH_AES_256_CBC_SHA384, name(2, 5, 3)),
    (QL_SSL_TLS_PSK_WITH_NULL_SHA256, name(2, 0, 2)),
    (QL_SSL_TLS_PSK_WITH_NULL_SHA384, name(2, 0, 3)),
    (QL_SSL_TLS_DHE_PSK_WITH_AES_128_CBC_SHA256, name(3, 4, 2)),
    (QL_SSL_TLS_DHE_PSK_WITH_AES_256_CBC_SHA384, name(3, 5, 3)),
    (QL_SSL_TLS_DHE_PSK_WITH_NULL_SHA256, name(3, 0, 2)),
    (QL_SSL_TLS_DHE_PSK_WITH_NULL_SHA384, name(3, 0, 3)),
    (QL_SSL_TLS_RSA_PSK_WITH_AES_128_CBC_SHA256, name(4, 4, 2)),
    (QL_SSL_TLS_RSA_PSK_WITH_AES_256_CBC_SHA384, name(4, 5, 3)),
    (QL_SSL_TLS_RSA_PSK_WITH_NULL_SHA256, name(4, 0, 2)),
    (QL_SSL_TLS_RSA_PSK_WITH_NULL_SHA384, name(4, 0, 3)),
    (QL_SSL_TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256, name(0, 6, 2)),
    (QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256, name(1, 6, 2)),
    (QL_SSL_TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256, name(0, 7, 2)),
    (QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256, name(1, 7, 2)),
    (QL_SSL_TLS_ECDH_ECDSA_WITH_NULL_SHA, name(5, 0, 1)),
    (QL_SSL_TLS_ECDH_ECDSA_WITH_RC4_128_SHA, name(5, 1, 1)),
    (QL_SSL_TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA, name(5, 3, 1)),
    (QL_SSL_TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA, name(5, 4, 1)),
    (QL_SSL_TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA, name(5, 5, 1)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_NULL_SHA, name(6, 0, 1)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_RC4_128_SHA, name(6, 1, 1)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA, name(6, 3, 1)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, name(6, 4, 1)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, name(6, 5, 1)),
    (QL_SSL_TLS_ECDH_RSA_WITH_NULL_SHA, name(7, 0, 1)),
    (QL_SSL_TLS_ECDH_RSA_WITH_RC4_128_SHA, name(7, 1, 1)),
    (QL_SSL_TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA, name(7, 3, 1)),
    (QL_SSL_TLS_ECDH_RSA_WITH_AES_128_CBC_SHA, name(7, 4, 1)),
    (QL_SSL_TLS_ECDH_RSA_WITH_AES_256_CBC_SHA, name(7, 5, 1)),
    (QL_SSL_TLS_ECDHE_RSA_WITH_NULL_SHA, name(8, 0, 1)),
    (QL_SSL_TLS_ECDHE_RSA_WITH_RC4_128_SHA, name(8, 1, 1)),
    (QL_SSL_TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA, name(8, 3, 1)),
    (QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, name(8, 4, 1)),
    (QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, name(8, 5, 1)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, name(6, 4, 2)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, name(6, 5, 3)),
    (QL_SSL_TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256, name(5, 4, 2)),
    (QL_SSL_TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384, name(5, 5, 3)),
    (QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, name(8, 4, 2)),
    (QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, name(8, 5, 3)),
    (QL_SSL_TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256, name(7, 4, 2)),
    (QL_SSL_TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384, name(7, 5, 3)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, name(6, 8, 2)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, name(6, 9, 3)),
    (QL_SSL_TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256, name(5, 8, 2)),
    (QL_SSL_TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384, name(5, 9, 3)),
    (QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, name(8, 8, 2)),
    (QL_SSL_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, name(8, 9, 3)),
    (QL_SSL_TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256, name(7, 8, 2)),
    (QL_SSL_TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384, name(7, 9, 3)),
    (QL_SSL_TLS_ECDHE_PSK_WITH_RC4_128_SHA, name(9, 1, 1)),
    (QL_SSL_TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA, name(9, 3, 1)),
    (QL_SSL_TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA, name(9, 4, 1)),
    (QL_SSL_TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA, name(9, 5, 1)),
    (QL_SSL_TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256, name(9, 4, 2)),
    (QL_SSL_TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384, name(9, 5, 3)),
    (QL_SSL_TLS_ECDHE_PSK_WITH_NULL_SHA, name(9, 0, 1)),
    (QL_SSL_TLS_ECDHE_PSK_WITH_NULL_SHA256, name(9, 0, 2)),
    (QL_SSL_TLS_ECDHE_PSK_WITH_NULL_SHA384, name(9, 0, 3)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256, name(6, 6, 2)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384, name(6, 7, 3)),
    (QL_SSL_TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256, name(5, 6, 2)),
    (QL_SSL_TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384, name(5, 7, 3)),
    (QL_SSL_TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256, name(8, 6, 2)),
    (QL_SSL_TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384, name(8, 7, 3)),
    (QL_SSL_TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256, name(7, 6, 2)),
    (QL_SSL_TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384, name(7, 7, 3)),
    (QL_SSL_TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256, name(0, 10, 2)),
    (QL_SSL_TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384, name(0, 11, 3)),
    (QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256, name(1, 10, 2)),
    (QL_SSL_TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384, name(1, 11, 3)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256, name(6, 10, 2)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384, name(6, 11, 3)),
    (QL_SSL_TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256, name(5, 10, 2)),
    (QL_SSL_TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384, name(5, 11, 3)),
    (QL_SSL_TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256, name(8, 10, 2)),
    (QL_SSL_TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384, name(8, 11, 3)),
    (QL_SSL_TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256, name(7, 10, 2)),
    (QL_SSL_TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384, name(7, 11, 3)),
    (QL_SSL_TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256, name(2, 10, 2)),
    (QL_SSL_TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384, name(2, 11, 3)),
    (QL_SSL_TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256, name(3, 10, 2)),
    (QL_SSL_TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384, name(3, 11, 3)),
    (QL_SSL_TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256, name(4, 10, 2)),
    (QL_SSL_TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384, name(4, 11, 3)),
    (QL_SSL_TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256, name(2, 6, 2)),
    (QL_SSL_TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384, name(2, 7, 3)),
    (QL_SSL_TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256, name(3, 6, 2)),
    (QL_SSL_TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384, name(3, 7, 3)),
    (QL_SSL_TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256, name(4, 6, 2)),
    (QL_SSL_TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384, name(4, 7, 3)),
    (QL_SSL_TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256, name(9, 6, 2)),
    (QL_SSL_TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384, name(9, 7, 3)),
    (QL_SSL_TLS_RSA_WITH_AES_128_CCM, name(0, 12, 4)),
    (QL_SSL_TLS_RSA_WITH_AES_256_CCM, name(0, 13, 4)),
    (QL_SSL_TLS_DHE_RSA_WITH_AES_128_CCM, name(1, 12, 4)),
    (QL_SSL_TLS_DHE_RSA_WITH_AES_256_CCM, name(1, 13, 4)),
    (QL_SSL_TLS_RSA_WITH_AES_128_CCM_8, name(0, 14, 4)),
    (QL_SSL_TLS_RSA_WITH_AES_256_CCM_8, name(0, 15, 4)),
    (QL_SSL_TLS_DHE_RSA_WITH_AES_128_CCM_8, name(1, 14, 4)),
    (QL_SSL_TLS_DHE_RSA_WITH_AES_256_CCM_8, name(1, 15, 4)),
    (QL_SSL_TLS_PSK_WITH_AES_128_CCM, name(2, 12, 4)),
    (QL_SSL_TLS_PSK_WITH_AES_256_CCM, name(2, 13, 4)),
    (QL_SSL_TLS_DHE_PSK_WITH_AES_128_CCM, name(3, 12, 4)),
    (QL_SSL_TLS_DHE_PSK_WITH_AES_256_CCM, name(3, 13, 4)),
    (QL_SSL_TLS_PSK_WITH_AES_128_CCM_8, name(2, 14, 4)),
    (QL_SSL_TLS_PSK_WITH_AES_256_CCM_8, name(2, 15, 4)),
    (QL_SSL_TLS_DHE_PSK_WITH_AES_128_CCM_8, name(3, 14, 4)),
    (QL_SSL_TLS_DHE_PSK_WITH_AES_256_CCM_8, name(3, 15, 4)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM, name(6, 12, 4)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CCM, name(6, 13, 4)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, name(6, 14, 4)),
    (QL_SSL_TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8, name(6, 15, 4)),
    (QL_SSL_TLS_ECJPAKE_WITH_AES_128_CCM_8, name(10, 14, 4)),
];

// ---- TLS 1.3's suites (RFC 8446 B.4), qlssl's addition to the SDK's ids: served by the TLS 1.3
// engine (feature `tls13`, docs/ENGINES.md), refused with NOT_SUPPORT by a build without it. ----
/// TLS_AES_128_GCM_SHA256 (IANA 0x1301), TLS 1.3 only.
pub const QL_SSL_TLS1_3_AES_128_GCM_SHA256: c_int = 0x1301;
/// TLS_AES_256_GCM_SHA384 (IANA 0x1302), TLS 1.3 only.
pub const QL_SSL_TLS1_3_AES_256_GCM_SHA384: c_int = 0x1302;
/// TLS_CHACHA20_POLY1305_SHA256 (IANA 0x1303), TLS 1.3 only.
pub const QL_SSL_TLS1_3_CHACHA20_POLY1305_SHA256: c_int = 0x1303;

const TLS13_SUITES: [(c_int, &str); 3] = [
    (QL_SSL_TLS1_3_AES_128_GCM_SHA256, "TLS_AES_128_GCM_SHA256"),
    (QL_SSL_TLS1_3_AES_256_GCM_SHA384, "TLS_AES_256_GCM_SHA384"),
    (QL_SSL_TLS1_3_CHACHA20_POLY1305_SHA256, "TLS_CHACHA20_POLY1305_SHA256"),
];

/// True for one of TLS 1.3's suites (which mbedtls 2.28 does not have).
pub fn is_tls13_suite(id: c_int) -> bool {
    TLS13_SUITES.iter().any(|(v, _)| *v == id)
}

/// Not a suite: "every suite this build offers by default" in `QL_SSL_CONF_CIPHERSUITE` lists.
pub const QL_SSL_CIPHERSUITE_ALL: c_int = 0xFFFF;

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The 32 suites of the module AT manual's cipher suite table: all in this build.
    const SEED_SUITES: [c_int; 32] = [
        0x0035, 0x002F, 0x0005, 0x0004, 0x000A, 0x003D, 0xC002, 0xC003, 0xC004, 0xC005, 0xC007, 0xC008,
        0xC009, 0xC00A, 0xC011, 0xC012, 0xC013, 0xC014, 0xC00C, 0xC00D, 0xC00E, 0xC00F, 0xC023, 0xC024,
        0xC025, 0xC026, 0xC027, 0xC028, 0xC029, 0xC02A, 0xC02F, 0xC030,
    ];

    #[test]
    fn all_seed_suites_are_in_this_build() {
        for id in SEED_SUITES {
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
