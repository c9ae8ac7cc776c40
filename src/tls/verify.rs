//! Certificate verification policy: which MBEDTLS_X509_BADCERT_* findings the configuration tells us
//! to forgive. It runs as mbedtls's per-certificate verify callback, clearing ignored bits, and
//! remembers what it saw so the application can ask why a handshake failed.

use core::ffi::c_int;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

#[allow(unused_imports)]
use crate::prelude::*;

use crate::tls::clock::{validity_findings, CertTime, ValidityClock};
use crate::tls::hostname::CertNames;
use crate::tls::settings::Settings;

/// MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE: the validity period.
pub(crate) const VALIDITY_FLAGS: u32 = 0x01 | 0x200;
/// MBEDTLS_X509_BADCERT_CN_MISMATCH.
pub(crate) const CN_MISMATCH: u32 = 0x04;
/// MBEDTLS_X509_BADCERT_NOT_TRUSTED: the chain does not verify up to a trusted CA (bad or unknown signer).
pub(crate) const SIGNATURE_FLAGS: u32 = 0x08;
/// MBEDTLS_X509_BADCERT_KEY_USAGE / _EXT_KEY_USAGE (checked by mbedtls after the verify callback).
pub(crate) const KEY_USAGE: u32 = 0x800;
pub(crate) const EXT_KEY_USAGE: u32 = 0x1000;
/// The findings that say a link of the path from the leaf to a trusted CA is not an acceptable
/// signature: NOT_TRUSTED (unknown or wrong signer, a parent that is not a CA or breaks a path
/// length), BAD_MD, BAD_PK and BAD_KEY (a signature the certificate profile refuses). mbedtls
/// reports each on the certificate whose signature it is, which is above the leaf whenever the
/// server sends certificates of its own making above a leaf they sign. `ignore_multi_certchain_verify`
/// never forgives these: appending certificates must not buy an attacker anything.
pub(crate) const PATH_SIGNATURE_FLAGS: u32 = SIGNATURE_FLAGS | 0x4000 | 0x8000 | 0x10000;
/// DER contents of id-kp-serverAuth (1.3.6.1.5.5.7.3.1).
pub(crate) const OID_SERVER_AUTH: &[u8] = b"\x2b\x06\x01\x05\x05\x07\x03\x01";

/// The certificate being verified, as the policy needs it (the engine's `PeerCert`,
/// src/tls/engine/x509.rs, implements it).
pub trait CertView {
    /// The names the certificate was issued for.
    fn names(&self) -> CertNames;
    /// keyUsage / extendedKeyUsage findings (KEY_USAGE, EXT_KEY_USAGE) for a server leaf whose key
    /// exchange is not known.
    fn usage_flags(&self) -> u32;
    /// The validity period (notBefore, notAfter), for a check against a clock other than the host's.
    fn validity(&self) -> (CertTime, CertTime);
}

pub struct VerifyPolicy {
    ignored: u32,
    /// The time the validity period is judged against: with `At`, mbedtls's host-clock findings
    /// are replaced by findings against that time (before any ignore rule).
    clock: ValidityClock,
    /// `ignore_multi_certchain_verify`: the certificates above the server's own (depth > 0) are
    /// not judged for themselves (validity period, revocation), but every signature of the path
    /// from the leaf to a trusted CA still must verify (PATH_SIGNATURE_FLAGS).
    leaf_only: bool,
    seen: AtomicU32,
    unforgiven: AtomicU32,
    /// Unforgiven findings of the verification in progress (reset after its depth-0 call).
    current: AtomicU32,
    /// The first handshake's result was judged: a later verification is a renegotiation, which
    /// mbedtls runs inside ssl_read without our handshake loop, so the callback decides itself.
    judged: AtomicBool,
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
        let mut p = Self::new(ignored, s.ignore_multi_certchain_verify);
        p.clock = s.validity_clock;
        p
    }

    fn new(ignored: u32, leaf_only: bool) -> Self {
        VerifyPolicy {
            ignored,
            clock: ValidityClock::Host,
            leaf_only,
            seen: AtomicU32::new(0),
            unforgiven: AtomicU32::new(0),
            current: AtomicU32::new(0),
            judged: AtomicBool::new(false),
            hostname: crate::platform::sync::Mutex::new(None),
        }
    }

    /// The host name to check the server certificate against (None: no name check).
    pub fn set_hostname(&self, host: Option<String>) {
        *self.hostname.lock() = host;
    }

    /// mbedtls's own name finding is replaced by ours (see src/tls/hostname.rs; the certificate is a `CertView`).
    fn name_flags(&self, depth: c_int, crt: Option<&dyn CertView>, flags: u32) -> u32 {
        let flags = flags & !CN_MISMATCH;
        match (depth, crt, self.hostname.lock().as_deref()) {
            (0, Some(crt), Some(host)) if !crt.names().matches(host) => flags | CN_MISMATCH,
            _ => flags,
        }
    }

    /// mbedtls's validity findings (against the host clock) replaced by findings against the
    /// policy's clock, when it has one.
    fn clock_flags(&self, crt: Option<&dyn CertView>, flags: u32) -> u32 {
        match (self.clock, crt) {
            (ValidityClock::At(now), Some(crt)) => {
                let (from, to) = crt.validity();
                (flags & !VALIDITY_FLAGS) | validity_findings(now, from, to)
            }
            _ => flags,
        }
    }

    /// Apply the policy to the flags of the certificate at `depth` (0 = the server's own);
    /// returns the flags that remain.
    pub fn apply(&self, depth: c_int, flags: u32) -> u32 {
        let mut considered = flags;
        if self.leaf_only && depth > 0 {
            considered &= PATH_SIGNATURE_FLAGS;
        }
        let remaining = considered & !self.ignored;
        self.seen.fetch_or(flags, Ordering::Relaxed);
        self.unforgiven.fetch_or(remaining, Ordering::Relaxed);
        remaining
    }

    /// Judge the final verification result of a handshake (the callback's findings after
    /// forgiving, plus what mbedtls checks afterwards: keyUsage/extendedKeyUsage of the leaf).
    /// Returns the findings that are not forgiven; non-zero fails the handshake.
    /// The rules are those for the server's own certificate (depth 0).
    pub fn judge(&self, result: u32) -> u32 {
        self.judged.store(true, Ordering::Relaxed);
        self.apply(0, result)
    }

    /// One verify-callback call: the flags that remain for this certificate, and whether the
    /// whole verification must be refused right now (a renegotiation with unforgiven findings).
    pub(crate) fn on_certificate(&self, depth: c_int, crt: Option<&dyn CertView>, flags: u32) -> (u32, bool) {
        let found = self.name_flags(depth, crt, self.clock_flags(crt, flags));
        let remaining = self.apply(depth, found);
        let so_far = self.current.fetch_or(remaining, Ordering::Relaxed) | remaining;
        if depth != 0 {
            return (remaining, false);
        }
        // Depth 0 is the last call of a verification.
        self.current.store(0, Ordering::Relaxed);
        if !self.judged.load(Ordering::Relaxed) {
            // First handshake: `judge` decides with mbedtls's complete result (usage included).
            return (remaining, false);
        }
        // Renegotiation: the usage checks mbedtls makes after this call would be ignored under
        // authmode Optional, so they are made here. mbedtls keeps the leaf byte-identical across
        // renegotiation, so extendedKeyUsage cannot change; keyUsage depends on the new key
        // exchange, which is not known here: the leaf must allow one a TLS server can use.
        let usage = crt.map_or(0, |c| self.apply(0, c.usage_flags()));
        (remaining, so_far | usage != 0)
    }

    /// Every flag seen on the chain in the last handshake, before ignoring.
    pub fn seen_flags(&self) -> u32 {
        self.seen.load(Ordering::Relaxed)
    }

    /// The findings on the chain that were not forgiven (0: the chain passed the policy).
    pub fn unforgiven_flags(&self) -> u32 {
        self.unforgiven.load(Ordering::Relaxed)
    }

    /// A readable reason when the chain had findings that were not forgiven.
    pub fn failure_reason(&self) -> Option<String> {
        let left = self.unforgiven_flags();
        (left != 0).then(|| format!("certificate verification failed: {}", describe_flags(left)))
    }
    // `install` (registering as the engine's verify callback): src/tls/engine/x509.rs.
}

/// Names of MBEDTLS_X509_BADCERT_* bits.
pub fn describe_flags(flags: u32) -> String {
    const NAMES: [(u32, &str); 21] = [
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
        (crate::tls::iot::PIN_MISMATCH, "public key matches no QL_SSL_CONF_PIN_SHA256 pin"),
    ];
    // Appended by hand, not `Vec::join`: one generic instantiation less in a module build.
    let mut text = String::new();
    for (_, name) in NAMES.iter().filter(|(b, _)| flags & b != 0) {
        if !text.is_empty() {
            text.push_str(", ");
        }
        text.push_str(name);
    }
    if text.is_empty() {
        format!("flags 0x{flags:X}")
    } else {
        format!("{text} (flags 0x{flags:X})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_configured_bits_are_forgiven() {
        let p = VerifyPolicy::new(0x04, false);
        assert_eq!(p.apply(0, 0x04), 0);
        assert_eq!(p.apply(0, 0x01 | 0x04), 0x01);
        assert_eq!(p.apply(1, 0x08), 0x08);
        assert_eq!(p.seen_flags(), 0x0D);
        assert!(p.failure_reason().unwrap().contains("expired"));
    }

    #[test]
    fn leaf_only_forgives_the_upper_chain_but_not_the_leaf() {
        let p = VerifyPolicy::new(0, true);
        assert_eq!(p.apply(2, 0x01 | 0x200), 0);
        assert_eq!(p.apply(1, 0x01), 0);
        assert_eq!(p.apply(0, 0x04), 0x04);
        assert_eq!(p.apply(0, 0x01), 0x01);
    }

    #[test]
    fn leaf_only_never_forgives_a_bad_signature_on_the_path() {
        // A server-made CA above the leaf: NOT_TRUSTED is reported on that CA (depth 1).
        let p = VerifyPolicy::new(0, true);
        assert_eq!(p.apply(1, 0x08), 0x08);
        assert_eq!(p.apply(2, 0x08 | 0x01), 0x08);
        for weak in [0x4000, 0x8000, 0x10000] {
            assert_eq!(p.apply(1, weak), weak);
        }
        // Only the settings that name the finding forgive it.
        let p = VerifyPolicy::new(SIGNATURE_FLAGS, true);
        assert_eq!(p.apply(1, 0x08 | 0x01), 0);
    }

    #[test]
    fn a_renegotiation_is_refused_in_the_callback_when_findings_remain() {
        let p = VerifyPolicy::new(0, false);
        // First handshake: the callback leaves the decision to judge().
        assert_eq!(p.on_certificate(1, None, 0x08), (0x08, false));
        assert_eq!(p.on_certificate(0, None, 0), (0, false));
        assert_eq!(p.judge(0x08), 0x08);
        // Renegotiation: a finding at any depth refuses at depth 0; a clean chain passes.
        assert_eq!(p.on_certificate(1, None, 0x01), (0x01, false));
        assert_eq!(p.on_certificate(0, None, 0), (0, true));
        assert_eq!(p.on_certificate(1, None, 0), (0, false));
        assert_eq!(p.on_certificate(0, None, 0), (0, false));
        // Forgiven findings stay forgiven.
        let p = VerifyPolicy::new(VALIDITY_FLAGS, false);
        p.judge(0);
        assert_eq!(p.on_certificate(0, None, 0x01), (0, false));
    }
}
