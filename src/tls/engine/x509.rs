//! Reads of mbedtls's parsed certificates (`mbedtls_x509_crt`) for the core's checks.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::tls::hostname::CertNames;

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
