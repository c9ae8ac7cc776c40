//! Certificate verification policy: which MBEDTLS_X509_BADCERT_* findings the configuration tells us
//! to forgive. It runs as mbedtls's per-certificate verify callback, clearing ignored bits, and
//! remembers what it saw so the application can ask why a handshake failed.

use core::ffi::c_int;
// mbedtls-sys's own c_void (not core's on no_std targets): the callback signatures use it.
use mbedtls_sys::types::raw_types::c_void;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicU32, Ordering};

#[allow(unused_imports)]
use crate::prelude::*;

use mbedtls::ssl::Context;

use crate::config::Settings;
use crate::hostname::CertNames;
use crate::panic::catch_status_panic;

/// MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE: the validity period.
pub(crate) const VALIDITY_FLAGS: u32 = 0x01 | 0x200;
/// MBEDTLS_X509_BADCERT_CN_MISMATCH.
pub(crate) const CN_MISMATCH: u32 = 0x04;
/// MBEDTLS_X509_BADCERT_NOT_TRUSTED: the chain does not verify up to a trusted CA (bad or unknown signer).
pub(crate) const SIGNATURE_FLAGS: u32 = 0x08;

pub struct VerifyPolicy {
    ignored: u32,
    /// `ignore_multi_certchain_verify`: only the server's own certificate (depth 0) is judged;
    /// findings on the intermediates and root above it are forgiven.
    leaf_only: bool,
    seen: AtomicU32,
    unforgiven: AtomicU32,
    /// Host name the server certificate must match (set when the handshake starts).
    hostname: crate::platform::sync::Mutex<Option<String>>,
}

impl VerifyPolicy {
    pub fn from_settings(s: &Settings) -> Self {
        let mut ignored = s.ignore_certitem;
        if s.ignore_localtime {
            ignored |= VALIDITY_FLAGS;
        }
        if s.ignore_invalid_certsign {
            ignored |= SIGNATURE_FLAGS;
        }
        VerifyPolicy { ignored, leaf_only: s.ignore_multi_certchain_verify, seen: AtomicU32::new(0), unforgiven: AtomicU32::new(0), hostname: crate::platform::sync::Mutex::new(None) }
    }

    /// The host name to check the server certificate against (None: no name check).
    pub fn set_hostname(&self, host: Option<String>) {
        *self.hostname.lock() = host;
    }

    /// mbedtls's own name finding is replaced by ours (see src/hostname.rs).
    fn name_flags(&self, depth: c_int, crt: Option<&mbedtls_sys::x509_crt>, flags: u32) -> u32 {
        let flags = flags & !CN_MISMATCH;
        match (depth, crt, self.hostname.lock().as_deref()) {
            // SAFETY: crt is the certificate mbedtls is verifying.
            (0, Some(crt), Some(host)) if !unsafe { CertNames::from_crt(crt) }.matches(host) => flags | CN_MISMATCH,
            _ => flags,
        }
    }

    /// The bits this policy forgives.
    pub fn ignored(&self) -> u32 {
        self.ignored
    }

    /// Apply the policy to the flags of the certificate at `depth` (0 = the server's own);
    /// returns the flags that remain.
    pub fn apply(&self, depth: c_int, flags: u32) -> u32 {
        let remaining = if self.leaf_only && depth > 0 { 0 } else { flags & !self.ignored };
        self.seen.fetch_or(flags, Ordering::Relaxed);
        self.unforgiven.fetch_or(remaining, Ordering::Relaxed);
        remaining
    }

    /// Judge the final verification result of a handshake (the callback's findings after
    /// forgiving, plus what mbedtls checks afterwards: keyUsage/extendedKeyUsage of the leaf).
    /// Returns the findings that are not forgiven; non-zero fails the handshake.
    /// The rules are those for the server's own certificate (depth 0).
    pub fn judge(&self, result: u32) -> u32 {
        self.apply(0, result)
    }

    /// Every flag seen on the chain in the last handshake, before ignoring.
    pub fn seen_flags(&self) -> u32 {
        self.seen.load(Ordering::Relaxed)
    }

    /// A readable reason when the chain had findings that were not forgiven.
    pub fn failure_reason(&self) -> Option<String> {
        let left = self.unforgiven.load(Ordering::Relaxed);
        (left != 0).then(|| format!("certificate verification failed: {}", describe_flags(left)))
    }

    /// Register as the verify callback of one context (not of its config, which contexts may
    /// share). `self` must outlive the context.
    pub fn install<T>(self: &Arc<Self>, ctx: &mut Context<T>) {
        let data = Arc::as_ptr(self) as *mut c_void;
        // SAFETY: the connection keeps the Arc alive as long as its mbedtls context.
        unsafe { mbedtls_sys::ssl_set_verify(ctx.into(), Some(verify_bridge), data) };
    }
}

unsafe extern "C" fn verify_bridge(data: *mut c_void, crt: *mut mbedtls_sys::x509_crt, depth: c_int, flags: *mut u32) -> c_int {
    catch_status_panic(mbedtls_sys::ERR_X509_FATAL_ERROR, || {
        // SAFETY: data is the policy registered in install(); flags is mbedtls's out-parameter.
        let (Some(policy), Some(flags)) = (unsafe { (data as *const VerifyPolicy).as_ref() }, unsafe { flags.as_mut() }) else {
            return mbedtls_sys::ERR_X509_FATAL_ERROR;
        };
        let found = policy.name_flags(depth, unsafe { crt.as_ref() }, *flags);
        *flags = policy.apply(depth, found);
        0
    })
}

/// Names of MBEDTLS_X509_BADCERT_* bits.
pub fn describe_flags(flags: u32) -> String {
    const NAMES: [(u32, &str); 20] = [
        (0x01, "expired"),
        (0x02, "revoked"),
        (0x04, "CN/SAN mismatch"),
        (0x08, "not signed by a trusted CA"),
        (0x10, "CRL not trusted"),
        (0x20, "CRL expired"),
        (0x40, "certificate missing"),
        (0x80, "verification skipped"),
        (0x100, "other (verify callback)"),
        (0x200, "not yet valid"),
        (0x400, "CRL not yet valid"),
        (0x800, "keyUsage mismatch"),
        (0x1000, "extendedKeyUsage mismatch"),
        (0x2000, "nsCertType mismatch"),
        (0x4000, "signed with an unacceptable hash"),
        (0x8000, "signed with an unacceptable PK algorithm"),
        (0x10000, "unacceptable key (e.g. too short)"),
        (0x20000, "CRL with unacceptable hash"),
        (0x40000, "CRL with unacceptable PK algorithm"),
        (0x80000, "CRL with unacceptable key"),
    ];
    let names: Vec<&str> = NAMES.iter().filter(|(b, _)| flags & b != 0).map(|(_, n)| *n).collect();
    if names.is_empty() {
        format!("flags 0x{flags:X}")
    } else {
        format!("{} (flags 0x{flags:X})", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_configured_bits_are_forgiven() {
        let p = VerifyPolicy { ignored: 0x04, leaf_only: false, seen: AtomicU32::new(0), unforgiven: AtomicU32::new(0), hostname: crate::platform::sync::Mutex::new(None) };
        assert_eq!(p.apply(0, 0x04), 0);
        assert_eq!(p.apply(0, 0x01 | 0x04), 0x01);
        assert_eq!(p.apply(1, 0x08), 0x08);
        assert_eq!(p.seen_flags(), 0x0D);
        assert!(p.failure_reason().unwrap().contains("expired"));
    }

    #[test]
    fn leaf_only_forgives_the_upper_chain_but_not_the_leaf() {
        let p = VerifyPolicy { ignored: 0, leaf_only: true, seen: AtomicU32::new(0), unforgiven: AtomicU32::new(0), hostname: crate::platform::sync::Mutex::new(None) };
        assert_eq!(p.apply(2, 0x08), 0);
        assert_eq!(p.apply(1, 0x01), 0);
        assert_eq!(p.apply(0, 0x04), 0x04);
    }
}
