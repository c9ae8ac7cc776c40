//! The persistent session store (`QL_SSL_CONF_SESSION_STORE`, docs/IOT.md): the session of a full
//! handshake is written to a file so that the next process (after a sleep or a power cycle)
//! resumes instead of paying a full handshake.
//!
//! File layout (all integers big-endian):
//! `"QLSSLSS1"` | key (32: SHA-256 of host name, port and the config digest) | saved (u64, Unix s)
//! | expires (u64, Unix s) | length (u32) | mbedtls's serialised session | SHA-256 of all before.
//! A file is used only when every part checks out; anything else is ignored with a logged reason
//! (a full handshake follows and replaces it). The checksum catches a torn or damaged file; the key
//! keeps a session from being offered to another server or under another configuration.

use alloc::ffi::CString;

#[allow(unused_imports)]
use crate::prelude::*;
use crate::log::qlog;
use crate::platform;
use crate::tls::engine::iot::sha256;
use crate::tls::settings::Settings;

const MAGIC: &[u8; 8] = b"QLSSLSS1";
const HEADER: usize = 8 + 32 + 8 + 8 + 4;
/// Largest store file read (a session with the peer's certificate chain is a few KiB).
pub const MAX_STORE_FILE: u64 = 64 * 1024;
/// Lifetime of a session without a ticket lifetime hint (a session-id the server keeps): OpenSSL's
/// default session timeout for TLS 1.2 servers.
pub const DEFAULT_LIFETIME_S: u64 = 7200;
/// Longest lifetime honoured (RFC 8446 §4.6.1's bound on tickets, applied to TLS 1.2 as well).
pub const MAX_LIFETIME_S: u64 = 7 * 24 * 3600;

/// The digest of everything in `s` that decides whether a saved session may be offered: the
/// protocol, suites, authentication, trust anchors, pins, ALPN and fragment length. A changed
/// setting makes the saved session foreign.
pub fn config_digest(s: &Settings) -> [u8; 32] {
    let mut text = format!(
        "v{} d{} dv{} c{:?} a{} sni{} ca{:?} psk{:?} alpn{:?} mfl{} pins{:?} bundle{}",
        s.version,
        s.dtls,
        s.dtls_version,
        s.ciphers,
        s.auth_mode,
        s.sni,
        s.ca_paths,
        s.psk.as_ref().map(|(id, _)| id),
        s.iot.alpn,
        s.iot.max_frag_len,
        s.iot.pins,
        s.iot.ca_bundle
    )
    .into_bytes();
    for b in &s.ca_buffers {
        text.extend_from_slice(&sha256(b));
    }
    sha256(&text)
}

/// One connection's view of its store file.
pub struct SessionStore {
    path: CString,
    config: [u8; 32],
    key: Option<[u8; 32]>,
}

impl SessionStore {
    pub fn new(path: CString, config: [u8; 32]) -> Self {
        SessionStore { path, config, key: None }
    }

    fn name(&self) -> &str {
        self.path.to_str().unwrap_or("?")
    }

    /// Tie the store to the peer: the host name (or, without one, the peer's address) and port.
    /// `peer` is the socket address as `getpeername` gives it (the port in bytes 2..4).
    pub fn bind(&mut self, host: Option<&str>, peer: Option<&[u8]>) {
        let port = peer.filter(|p| p.len() >= 4).map_or(0, |p| u16::from_be_bytes([p[2], p[3]]));
        let mut text = Vec::new();
        match host {
            Some(h) => text.extend_from_slice(h.as_bytes()),
            None => text.extend_from_slice(peer.unwrap_or_default()),
        }
        text.extend_from_slice(&port.to_be_bytes());
        text.extend_from_slice(&self.config);
        self.key = Some(sha256(&text));
    }

    /// The saved session for this peer and config, if the file holds a valid, unexpired one.
    pub fn load(&self) -> Option<Vec<u8>> {
        let key = self.key?;
        let file = match platform::read_file(&self.path, MAX_STORE_FILE) {
            Ok(f) => f,
            Err(e) => {
                qlog!(DEBUG, "session store {}: nothing to resume ({e})", self.name());
                return None;
            }
        };
        match decode(&file, &key, platform::unix_time()) {
            Ok(session) => Some(session.to_vec()),
            Err(why) => {
                qlog!(WARN, "session store {}: ignored: {why}", self.name());
                None
            }
        }
    }

    /// Save `session` (mbedtls's serialised form) with `lifetime_s` (0: the default).
    pub fn save(&self, session: &[u8], lifetime_s: u32) {
        let (Some(key), Some(now)) = (self.key, platform::unix_time()) else {
            qlog!(WARN, "session store {}: not saved (no peer key or no calendar clock)", self.name());
            return;
        };
        let lifetime = match u64::from(lifetime_s) {
            0 => DEFAULT_LIFETIME_S,
            l => l.min(MAX_LIFETIME_S),
        };
        let data = encode(&key, now, now + lifetime, session);
        match platform::write_file_atomic(&self.path, &data) {
            Ok(()) => qlog!(DEBUG, "session store {}: saved {} bytes, valid {lifetime} s", self.name(), data.len()),
            Err(e) => qlog!(WARN, "session store {}: not saved: {e}", self.name()),
        }
    }
}

/// The file's bytes for `session`.
pub fn encode(key: &[u8; 32], saved: u64, expires: u64, session: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + session.len() + 32);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(key);
    out.extend_from_slice(&saved.to_be_bytes());
    out.extend_from_slice(&expires.to_be_bytes());
    out.extend_from_slice(&(session.len() as u32).to_be_bytes());
    out.extend_from_slice(session);
    let sum = sha256(&out);
    out.extend_from_slice(&sum);
    out
}

/// The session inside `file`, or why it is not to be used. `now`: Unix seconds (None: no clock,
/// the expiry cannot be judged and the file is not trusted).
pub fn decode<'a>(file: &'a [u8], key: &[u8; 32], now: Option<u64>) -> Result<&'a [u8], &'static str> {
    if file.len() < HEADER + 32 || &file[..8] != MAGIC {
        return Err("not a session store file (bad magic or too short)");
    }
    let (body, sum) = file.split_at(file.len() - 32);
    if sha256(body) != sum {
        return Err("checksum mismatch (damaged or partly written file)");
    }
    let u64_at = |i: usize| u64::from_be_bytes(body[i..i + 8].try_into().unwrap_or([0; 8]));
    let len = u32::from_be_bytes(body[56..60].try_into().unwrap_or([0; 4])) as usize;
    if body.len() != HEADER + len || len == 0 {
        return Err("length field does not match the file");
    }
    if &body[8..40] != key {
        return Err("saved for another host, port or configuration");
    }
    let (saved, expires) = (u64_at(40), u64_at(48));
    let now = now.ok_or("no calendar clock to judge the expiry")?;
    if now >= expires {
        return Err("expired");
    }
    if now + 300 < saved {
        return Err("saved in the future (clock went back)");
    }
    Ok(&body[HEADER..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_sha256() {
        // FIPS 180-2's "abc" vector: the digest is computed, not a constant (a failing hash call
        // once left all-zero digests on bare metal).
        let d = sha256(b"abc");
        assert_eq!(d[..4], [0xba, 0x78, 0x16, 0xbf]);
        assert_eq!(d[28..], [0xf2, 0x00, 0x15, 0xad]);
    }

    #[test]
    fn a_file_round_trips_and_every_damage_is_refused() {
        let key = [7u8; 32];
        let file = encode(&key, 1000, 2000, b"session bytes");
        assert_eq!(decode(&file, &key, Some(1500)), Ok(&b"session bytes"[..]));
        assert_eq!(decode(&file, &[8u8; 32], Some(1500)), Err("saved for another host, port or configuration"));
        assert_eq!(decode(&file, &key, Some(2000)), Err("expired"));
        assert_eq!(decode(&file, &key, None), Err("no calendar clock to judge the expiry"));
        for i in [0, 20, 45, 60, file.len() - 1] {
            let mut bad = file.clone();
            bad[i] ^= 1;
            assert!(decode(&bad, &key, Some(1500)).is_err(), "byte {i} flipped");
        }
        assert!(decode(&file[..file.len() - 5], &key, Some(1500)).is_err());
        assert!(decode(b"", &key, Some(1500)).is_err());
    }
}
