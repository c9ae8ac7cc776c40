//! Reads of mbedtls's parsed certificates (`mbedtls_x509_crt`) for the core's checks, and the
//! verify callback that runs the verification policy (src/tls/verify.rs) on each certificate.

use core::ffi::c_int;
use alloc::sync::Arc;
// mbedtls-sys's own c_void (not core's on no_std targets): the callback signatures use it.
use mbedtls_sys::types::raw_types::c_void;
use mbedtls::ssl::Context;

#[allow(unused_imports)]
use crate::prelude::*;
use crate::tls::boundary::catch_status_panic;
use crate::tls::clock::CertTime;
use crate::tls::hostname::CertNames;
use crate::tls::verify::{CertView, VerifyPolicy, EXT_KEY_USAGE, KEY_USAGE, OID_SERVER_AUTH};

/// The certificate the engine is verifying, as the verification policy sees it.
pub struct PeerCert<'a>(&'a mbedtls_sys::x509_crt);

impl CertView for PeerCert<'_> {
    fn names(&self) -> CertNames {
        // SAFETY: a certificate mbedtls parsed (the one it is verifying).
        unsafe { CertNames::from_crt(self.0) }
    }

    /// The leaf must be usable for serverAuth, and its keyUsage (if any) must allow some TLS
    /// server use.
    fn validity(&self) -> (CertTime, CertTime) {
        let time = |t: &mbedtls_sys::x509_time| CertTime { year: t.year, mon: t.mon, day: t.day, hour: t.hour, min: t.min, sec: t.sec };
        (time(&self.0.valid_from), time(&self.0.valid_to))
    }

    fn usage_flags(&self) -> u32 {
        let crt = self.0;
        // SAFETY: read-only queries on a parsed certificate.
        unsafe {
            let mut flags = 0;
            let usable = [mbedtls_sys::X509_KU_DIGITAL_SIGNATURE, mbedtls_sys::X509_KU_KEY_ENCIPHERMENT, mbedtls_sys::X509_KU_KEY_AGREEMENT]
                .iter()
                .any(|&ku| mbedtls_sys::x509_crt_check_key_usage(crt, ku as _) == 0);
            if !usable {
                flags |= KEY_USAGE;
            }
            let eku = mbedtls_sys::x509_crt_check_extended_key_usage(crt, OID_SERVER_AUTH.as_ptr() as *const _, OID_SERVER_AUTH.len());
            if eku != 0 {
                flags |= EXT_KEY_USAGE;
            }
            flags
        }
    }
}

impl VerifyPolicy {
    /// Register as the verify callback of one context (not of its config, which contexts may
    /// share). `self` must outlive the context.
    pub fn install<T>(self: &Arc<Self>, ctx: &mut Context<T>) {
        let data = Arc::as_ptr(self) as *mut c_void;
        // SAFETY: the connection keeps the Arc alive as long as its mbedtls context.
        unsafe { mbedtls_sys::ssl_set_verify(ctx.into(), Some(verify_bridge), data) };
    }
}

/// The policy as mbedtls's verify callback (`data` = the `VerifyPolicy`); also used by the TLS
/// 1.3 engine around `x509_crt_verify` (engine/modern.rs).
pub(crate) unsafe extern "C" fn verify_bridge(data: *mut c_void, crt: *mut mbedtls_sys::x509_crt, depth: c_int, flags: *mut u32) -> c_int {
    catch_status_panic(mbedtls_sys::ERR_X509_FATAL_ERROR, || {
        // SAFETY: data is the policy registered in install(); flags is mbedtls's out-parameter.
        let (Some(policy), Some(flags)) = (unsafe { (data as *const VerifyPolicy).as_ref() }, unsafe { flags.as_mut() }) else {
            return mbedtls_sys::ERR_X509_FATAL_ERROR;
        };
        // SAFETY: crt is the certificate mbedtls is verifying (or NULL).
        let crt = unsafe { crt.as_ref() }.map(PeerCert);
        let (remaining, refuse) = policy.on_certificate(depth, crt.as_ref().map(|c| c as &dyn CertView), *flags);
        *flags = remaining;
        // Not X509_CERT_VERIFY_FAILED: under authmode Optional mbedtls would ignore that one.
        if refuse {
            mbedtls_sys::ERR_SSL_PEER_VERIFY_FAILED
        } else {
            0
        }
    })
}

/// ASN.1 context-specific tags of GeneralName in a SubjectAltName.
const SAN_DNS: i32 = 0x82;
const SAN_IP: i32 = 0x87;
/// OID 2.5.4.3 (commonName).
const OID_CN: [u8; 3] = [0x55, 0x04, 0x03];

impl CertNames {
    /// Read the names out of a parsed certificate.
    ///
    /// # Safety
    /// `crt` must be a certificate parsed by mbedtls.
    pub unsafe fn from_crt(crt: &mbedtls_sys::x509_crt) -> CertNames {
        let mut names = CertNames { dns: Vec::new(), ips: Vec::new(), cns: Vec::new() };
        let bytes = |b: &mbedtls_sys::asn1_buf| -> Vec<u8> {
            if b.p.is_null() {
                Vec::new()
            } else {
                // SAFETY: an ASN.1 buffer of a parsed certificate: `len` bytes at `p`.
                unsafe { core::slice::from_raw_parts(b.p, b.len) }.to_vec()
            }
        };
        let mut seq: *const mbedtls_sys::x509_sequence = &crt.subject_alt_names;
        // SAFETY: the SAN list of a parsed certificate: NULL-terminated, owned by `crt`.
        while let Some(s) = unsafe { seq.as_ref() } {
            if s.buf.len > 0 {
                match s.buf.tag {
                    SAN_DNS => names.dns.push(bytes(&s.buf)),
                    SAN_IP => names.ips.push(bytes(&s.buf)),
                    _ => {}
                }
            }
            seq = s.next;
        }
        let mut n: *const mbedtls_sys::x509_name = &crt.subject;
        // SAFETY: the subject name list of a parsed certificate: NULL-terminated, owned by `crt`.
        while let Some(name) = unsafe { n.as_ref() } {
            if bytes(&name.oid) == OID_CN {
                names.cns.push(bytes(&name.val));
            }
            n = name.next;
        }
        names
    }
}
