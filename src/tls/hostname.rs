//! Checking the server certificate against the host name the application set. Done here rather
//! than by mbedtls because mbedtls 2.28 only checks a name it also sends as SNI (we must honour
//! `sni_enable` = 0) and ignores iPAddress subjectAltNames (so "127.0.0.1" never matched).
//!
//! Rules (RFC 6125): if the certificate has DNS or IP subjectAltNames, only those count; otherwise
//! the subject CN. DNS names compare case-insensitively; a wildcard "*." covers exactly one
//! leftmost label. An IP-literal host name matches only an iPAddress SAN with the same bytes (or,
//! without SANs, a CN spelling the same literal).

use core::net::IpAddr;

#[allow(unused_imports)]
use crate::prelude::*;

fn dns_matches(pattern: &[u8], host: &str) -> bool {
    let Ok(pattern) = core::str::from_utf8(pattern) else { return false };
    let (p, h) = (pattern.to_ascii_lowercase(), host.trim_end_matches('.').to_ascii_lowercase());
    if let Some(suffix) = p.strip_prefix("*.") {
        // The wildcard stands for one whole, non-empty label.
        match h.split_once('.') {
            Some((first, rest)) => !first.is_empty() && rest == suffix && suffix.contains('.'),
            None => false,
        }
    } else {
        p == h
    }
}

fn ip_bytes(ip: &IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => v6.octets().to_vec(),
    }
}

/// The name entries of a certificate, as (kind, bytes). The engine reads them out of its parsed
/// certificate (`CertNames::from_crt`, src/tls/engine/x509.rs).
pub struct CertNames {
    pub dns: Vec<Vec<u8>>,
    pub ips: Vec<Vec<u8>>,
    pub cns: Vec<Vec<u8>>,
}

impl CertNames {
    /// True when `host` is a name this certificate was issued for.
    pub fn matches(&self, host: &str) -> bool {
        let host_ip = host.parse::<IpAddr>().ok();
        if !self.dns.is_empty() || !self.ips.is_empty() {
            return match &host_ip {
                Some(ip) => self.ips.iter().any(|b| *b == ip_bytes(ip)),
                None => self.dns.iter().any(|p| dns_matches(p, host)),
            };
        }
        match &host_ip {
            Some(_) => self.cns.iter().any(|cn| cn.as_slice() == host.as_bytes()),
            None => self.cns.iter().any(|cn| dns_matches(cn, host)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dns: &[&str], ips: &[&[u8]], cns: &[&str]) -> CertNames {
        CertNames {
            dns: dns.iter().map(|s| s.as_bytes().to_vec()).collect(),
            ips: ips.iter().map(|s| s.to_vec()).collect(),
            cns: cns.iter().map(|s| s.as_bytes().to_vec()).collect(),
        }
    }

    #[test]
    fn san_rules() {
        let n = names(&["localhost", "*.example.com"], &[&[127, 0, 0, 1]], &["ignored.test"]);
        assert!(n.matches("localhost"));
        assert!(n.matches("LOCALHOST"));
        assert!(n.matches("a.example.com"));
        assert!(!n.matches("example.com"));
        assert!(!n.matches("a.b.example.com"));
        assert!(n.matches("127.0.0.1"));
        assert!(!n.matches("127.0.0.2"));
        assert!(!n.matches("ignored.test"), "CN does not count when SANs exist");
    }

    #[test]
    fn cn_fallback() {
        let n = names(&[], &[], &["www.test"]);
        assert!(n.matches("www.test"));
        assert!(!n.matches("other.test"));
        let n = names(&[], &[], &["*.com"]);
        assert!(!n.matches("a.com"), "a wildcard needs at least two labels after it");
    }
}
