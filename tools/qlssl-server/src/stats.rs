//! The server's counts, printed as one line of space-separated `key=value` at exit (and written
//! to `--stats-file`). `runtime/qlrt-run` parses them: keep the key names stable.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

#[derive(Default)]
pub struct Stats {
    pub https_accepted: AtomicU64,
    pub https_handshakes: AtomicU64,
    pub http_200: AtomicU64,
    pub http_other: AtomicU64,
    /// Every HTTPS connection that ended in an error (handshake or after).
    pub https_errors: AtomicU64,
    pub https_rejected_busy: AtomicU64,
    pub dtls_hello_verify: AtomicU64,
    pub dtls_handshakes: AtomicU64,
    pub dtls_echoes: AtomicU64,
    pub dtls_close_notify: AtomicU64,
    /// Every DTLS session that ended in an error (handshake or after).
    pub dtls_errors: AtomicU64,
    /// Handshakes (counted in *_handshakes) that resumed a session, by id or by ticket.
    pub https_resumed: AtomicU64,
    pub https_resumed_by_ticket: AtomicU64,
    pub dtls_resumed: AtomicU64,
    pub dtls_resumed_by_ticket: AtomicU64,
    /// Handshakes that started (the client sent something) and did not complete.
    pub https_hs_failed: AtomicU64,
    pub dtls_hs_failed: AtomicU64,
    /// `https_version.TLSv1.2`, `https_suite.TLS-RSA-WITH-RC4-128-MD5`, `dtls_version.DTLSv1.2`, ...
    per_kind: Mutex<BTreeMap<String, u64>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Https,
    Dtls,
}

impl Service {
    fn prefix(self) -> &'static str {
        match self {
            Service::Https => "https",
            Service::Dtls => "dtls",
        }
    }
}

impl Stats {
    /// A completed handshake: its version and suite (mbedtls' names) and whether it resumed.
    pub fn handshake(&self, svc: Service, version: &str, suite: &str, resumed: Option<crate::tls::Resumed>) {
        let (hs, res, by_ticket) = match svc {
            Service::Https => (&self.https_handshakes, &self.https_resumed, &self.https_resumed_by_ticket),
            Service::Dtls => (&self.dtls_handshakes, &self.dtls_resumed, &self.dtls_resumed_by_ticket),
        };
        hs.fetch_add(1, Ordering::SeqCst);
        if let Some(how) = resumed {
            res.fetch_add(1, Ordering::SeqCst);
            if how == crate::tls::Resumed::ByTicket {
                by_ticket.fetch_add(1, Ordering::SeqCst);
            }
        }
        // Names are mbedtls' own ("TLSv1.2", "TLS-PSK-WITH-AES-128-CBC-SHA"): no spaces or '='.
        let clean = |s: &str| s.replace(|c: char| c.is_whitespace() || c == '=', "_");
        let mut m = self.per_kind.lock().unwrap_or_else(|e| e.into_inner());
        *m.entry(format!("{}_version.{}", svc.prefix(), clean(version))).or_insert(0) += 1;
        *m.entry(format!("{}_suite.{}", svc.prefix(), clean(suite))).or_insert(0) += 1;
    }

    pub fn line(&self) -> String {
        let g = |a: &AtomicU64| a.load(Ordering::SeqCst);
        let mut s = format!(
            "https_accepted={} https_handshakes={} http_200={} http_other={} https_errors={} https_rejected_busy={} \
             dtls_hello_verify={} dtls_handshakes={} dtls_echoes={} dtls_close_notify={} dtls_errors={} \
             https_resumed={} https_resumed_by_ticket={} https_hs_failed={} \
             dtls_resumed={} dtls_resumed_by_ticket={} dtls_hs_failed={}",
            g(&self.https_accepted),
            g(&self.https_handshakes),
            g(&self.http_200),
            g(&self.http_other),
            g(&self.https_errors),
            g(&self.https_rejected_busy),
            g(&self.dtls_hello_verify),
            g(&self.dtls_handshakes),
            g(&self.dtls_echoes),
            g(&self.dtls_close_notify),
            g(&self.dtls_errors),
            g(&self.https_resumed),
            g(&self.https_resumed_by_ticket),
            g(&self.https_hs_failed),
            g(&self.dtls_resumed),
            g(&self.dtls_resumed_by_ticket),
            g(&self.dtls_hs_failed),
        );
        // Only non-zero ones exist; https_* before dtls_*, versions before suites, by name within.
        let m = self.per_kind.lock().unwrap_or_else(|e| e.into_inner());
        for prefix in ["https_version.", "https_suite.", "dtls_version.", "dtls_suite."] {
            for (k, v) in m.iter().filter(|(k, _)| k.starts_with(prefix)) {
                s.push_str(&format!(" {}={}", k, v));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::Resumed;

    #[test]
    fn the_line_has_every_key_and_the_per_version_and_suite_counts() {
        let s = Stats::default();
        s.handshake(Service::Https, "TLSv1.2", "TLS-RSA-WITH-RC4-128-MD5", None);
        s.handshake(Service::Https, "TLSv1.2", "TLS-RSA-WITH-RC4-128-MD5", Some(Resumed::BySessionId));
        s.handshake(Service::Https, "TLSv1.0", "TLS-RSA-WITH-RC4-128-SHA", Some(Resumed::ByTicket));
        s.handshake(Service::Dtls, "DTLSv1.2", "TLS-PSK-WITH-AES-128-CBC-SHA", None);
        let l = s.line();
        assert!(l.starts_with("https_accepted=0 https_handshakes=3 http_200=0 "), "{}", l);
        for kv in [
            "https_resumed=2",
            "https_resumed_by_ticket=1",
            "https_hs_failed=0",
            "dtls_handshakes=1",
            "dtls_resumed=0",
            "dtls_hs_failed=0",
        ] {
            assert!(l.split(' ').any(|w| w == kv), "{} missing in {}", kv, l);
        }
        assert!(l.ends_with(
            " https_version.TLSv1.0=1 https_version.TLSv1.2=2 https_suite.TLS-RSA-WITH-RC4-128-MD5=2 \
             https_suite.TLS-RSA-WITH-RC4-128-SHA=1 dtls_version.DTLSv1.2=1 dtls_suite.TLS-PSK-WITH-AES-128-CBC-SHA=1"
        ), "{}", l);
        assert!(!l.contains("dtls_version.DTLSv1.0"));
    }
}
