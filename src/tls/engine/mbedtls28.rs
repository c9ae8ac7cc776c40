//! The mbedtls 2.28 engine: building and sharing the mbedtls configuration, and every read or
//! write of mbedtls's private context fields the connection needs (handshake state, the alert
//! record, the resumption verdict). `conn28.rs` (`EngineSession`) turns these into the typed steps
//! `connection.rs` drives; a second engine (mbedtls 3.6 for TLS 1.3) would provide a session type
//! with the same steps.

use core::ffi::c_int;
use alloc::ffi::CString;
use alloc::sync::Arc;

use mbedtls::ssl::config::{AuthMode, Endpoint, Preset, Transport, Version};
use mbedtls::ssl::Config;

#[allow(unused_imports)]
use crate::prelude::*;
use crate::platform::sync::{Lazy, Mutex};
use crate::tls::certs;
use crate::tls::ciphers;
use crate::tls::engine::errors::describe;
use crate::tls::error::{Error, Result};
use crate::tls::rng::SharedRng;
use crate::tls::settings::{CipherChoice, Settings};
use crate::tls::transport::{bio_recv, bio_send, FdTransport};

/// The settings that reach the mbedtls configuration. `build_config` is given these and nothing
/// else of `Settings` (the client certificate aside, which is never shared), and the
/// shared-config key is this struct itself: a setting cannot reach mbedtls without being part of
/// the key, so two contexts share a config only when everything mbedtls was told is equal.
#[derive(Clone, PartialEq, Eq)]
struct EngineSettings {
    version: c_int,
    dtls: bool,
    dtls_version: c_int,
    ciphers: CipherChoice,
    auth_mode: c_int,
    psk: Option<(CString, Vec<u8>)>,
    renegotiation: bool,
    negotiate_timeout_s: c_int,
    /// `QL_SSL_CONF_ALPN` and `QL_SSL_CONF_MAX_FRAG_LEN` (src/tls/engine/iot.rs).
    #[cfg(feature = "ext-items")]
    alpn: Vec<CString>,
    #[cfg(feature = "ext-items")]
    max_frag_len: u16,
    /// `QL_SSL_CONF_MIN_VERSION` (0 off, else the lowest `version` offered).
    #[cfg(feature = "ext-items")]
    min_version: u16,
    /// Built with mbedtls's debug hook (the log was at DEBUG or VERBOSE then).
    mbedtls_debug: bool,
}

impl EngineSettings {
    fn of(s: &Settings) -> Self {
        EngineSettings {
            version: s.version,
            dtls: s.dtls,
            dtls_version: s.dtls_version,
            ciphers: s.ciphers.clone(),
            auth_mode: s.auth_mode,
            psk: s.psk.clone(),
            renegotiation: s.renegotiation,
            negotiate_timeout_s: s.negotiate_timeout_s,
            #[cfg(feature = "ext-items")]
            alpn: s.iot.alpn.clone(),
            #[cfg(feature = "ext-items")]
            max_frag_len: s.iot.max_frag_len,
            #[cfg(feature = "ext-items")]
            min_version: s.iot.min_version,
            mbedtls_debug: crate::log::mbedtls_debug_wanted(),
        }
    }
}

/// What decides an mbedtls configuration. Contexts set up from equal keys share one
/// `mbedtls_ssl_config` (read-only once built), as an mbedtls application shares its config: it
/// saves building it and ~650 bytes per connection. The per-connection parts (verification policy,
/// host name, timer, socket) live on the context.
#[derive(PartialEq, Eq)]
struct ConfigKey {
    engine: EngineSettings,
    /// Address of the shared, parsed CA list (the CA cache hands out one per set of sources).
    ca: Option<usize>,
}

/// Most shared configurations kept.
const CONFIG_CACHE_ENTRIES: usize = 8;

/// Shared mbedtls configs, most recently used last.
type ConfigCache = Vec<(ConfigKey, Arc<Config>)>;

static CONFIG_CACHE: Lazy<Mutex<ConfigCache>> = Lazy::new(Default::default);

/// The mbedtls configuration for `s`: shared with earlier contexts of equal settings, except when a
/// client certificate is configured (its key is loaded for each setup, so a changed file is seen).
pub(crate) fn shared_config(s: &Settings) -> Result<Arc<Config>> {
    let engine = EngineSettings::of(s);
    let verify = verifies_server_certificate(engine.auth_mode, &engine.ciphers);
    let cas = if verify { Some(certs::trusted(s)?) } else { None };
    let own_cert = s.auth_mode == 2 && (s.own_cert_path.is_some() || s.own_cert_buffer.is_some());
    let key = ConfigKey { ca: cas.as_ref().map(|a| Arc::as_ptr(a) as usize), engine };
    if !own_cert {
        if let Some((_, cfg)) = CONFIG_CACHE.lock().iter().find(|(k, _)| *k == key) {
            return Ok(cfg.clone());
        }
    }
    let cfg = Arc::new(build_config(&key.engine, cas, || certs::load_own_cert(s))?);
    if !own_cert {
        let mut cache = CONFIG_CACHE.lock();
        cache.insert(0, (key, cfg.clone()));
        cache.truncate(CONFIG_CACHE_ENTRIES);
    }
    Ok(cfg)
}

/// True when the server's certificate is to be verified: VERIFY_SERVER/VERIFY_CLIENT_SERVER,
/// unless every listed suite is one where the server sends no certificate (plain, DHE- and
/// ECDHE-PSK): the SDK's own DTLS-PSK demo asks for VERIFY_SERVER with such a list and no CA.
pub(crate) fn verifies_server_certificate(auth_mode: c_int, ciphers: &CipherChoice) -> bool {
    let cert_suites = match ciphers {
        CipherChoice::All => true,
        CipherChoice::List(ids) => ids.iter().any(|&id| ciphers::uses_server_certificate(id)),
    };
    (auth_mode == 1 || auth_mode == 2) && cert_suites
}

/// The client certificate chain and key, loaded for one config.
type OwnCert = Option<(mbedtls::alloc::List<mbedtls::x509::Certificate>, mbedtls::pk::Pk)>;

/// Build the mbedtls configuration. Every certificate and key is loaded here, so a bad file is
/// reported by `ql_ssl_setup()`, not in the middle of a handshake.
fn build_config(
    s: &EngineSettings,
    cas: Option<Arc<mbedtls::alloc::List<mbedtls::x509::Certificate>>>,
    load_own_cert: impl FnOnce() -> Result<OwnCert>,
) -> Result<Config> {
    let mbedtls_debug = s.mbedtls_debug;
    let transport = if s.dtls { Transport::Datagram } else { Transport::Stream };
    let mut cfg = Config::new(Endpoint::Client, transport, Preset::Default);
    cfg.set_rng(Arc::new(SharedRng));

    let (min, max) = if s.dtls {
        // DTLS 1.0 is built on TLS 1.1, DTLS 1.2 on TLS 1.2 (mbedtls numbers them that way).
        match s.dtls_version {
            0 => (Version::Tls1_1, Version::Tls1_1),
            _ => (Version::Tls1_2, Version::Tls1_2),
        }
    } else {
        match s.version {
            0 => (Version::Ssl3, Version::Ssl3),
            1 => (Version::Tls1_0, Version::Tls1_0),
            2 => (Version::Tls1_1, Version::Tls1_1),
            3 => (Version::Tls1_2, Version::Tls1_2),
            _ => (Version::Tls1_0, Version::Tls1_2),
        }
    };
    #[cfg(feature = "ext-items")]
    let min = match (s.dtls, s.min_version) {
        (true, _) | (false, 0) => min,
        (false, floor) if c_int::from(floor) > s.version && s.version < 4 => {
            return Err(Error::BadRequest("QL_SSL_CONF_MIN_VERSION is above the pinned QL_SSL_CONF_VERSION".into()))
        }
        (false, 1) => min.max(Version::Tls1_0),
        (false, 2) => min.max(Version::Tls1_1),
        (false, _) => min.max(Version::Tls1_2),
    };
    cfg.set_min_version(min).map_err(|e| Error::Internal(describe(&e)))?;
    cfg.set_max_version(max).map_err(|e| Error::Internal(describe(&e)))?;

    let psk_only = s.auth_mode == 3;
    if psk_only && s.psk.is_none() {
        return Err(Error::BadRequest("QL_SSL_VERIFY_PSK needs QL_SSL_CONF_PSK_IDENTITY and QL_SSL_CONF_PSK_KEY".into()));
    }
    if let Some((identity, key)) = &s.psk {
        let identity = identity.to_str().map_err(|_| Error::InvalidParam("PSK identity is not UTF-8"))?;
        cfg.set_psk(key, identity).map_err(|e| Error::BadRequest(describe(&e)))?;
    }
    let list = match &s.ciphers {
        CipherChoice::List(ids) => Some(ids.clone()),
        CipherChoice::All if psk_only => Some(ciphers::psk_suites()),
        CipherChoice::All => None,
    };
    if let Some(ids) = &list {
        // The list was checked when it was set; a list assigned to `conf->ciphersuites` directly
        // is read again by Settings::from_config. Checked once more so no id is ever dropped.
        for &id in ids {
            ciphers::check_supported(id)?;
        }
        // mbedtls would silently leave out every suite the protocol cannot use and might send
        // a ClientHello with none: refuse such a list here, naming why.
        let ctx = ciphers::SuiteContext {
            min_minor: version_minor(min),
            max_minor: version_minor(max),
            dtls: s.dtls,
            has_psk: s.psk.is_some(),
        };
        if !ids.iter().any(|&id| ciphers::usable(id, ctx)) {
            // Appended by hand, not `Vec::join`: one generic instantiation less in a module build.
            let mut psk_suites = String::new();
            for &id in ids.iter().filter(|&&id| ciphers::needs_psk(id) && ciphers::fits_protocol(id, ctx)) {
                if !psk_suites.is_empty() {
                    psk_suites.push_str(", ");
                }
                psk_suites.push_str(&ciphers::describe_suite(id));
            }
            if s.psk.is_none() && !psk_suites.is_empty() {
                // The SDK's current DTLS demo: PSK suites listed, no PSK configured.
                return Err(Error::BadRequest(format!(
                    "the listed cipher suites usable with {} ({}) need a pre-shared key and none is configured: \
                     set QL_SSL_CONF_PSK (key, identity) or QL_SSL_CONF_PSK_IDENTITY and QL_SSL_CONF_PSK_KEY",
                    protocol_name(s.dtls, min, max),
                    psk_suites
                )));
            }
            return Err(Error::BadRequest(format!(
                "none of the listed cipher suites can be used with {}{}",
                protocol_name(s.dtls, min, max),
                if s.psk.is_some() { "" } else { " without a PSK" }
            )));
        }
        if ids.iter().any(|&id| ciphers::is_rc4(id)) {
            // SAFETY: plain setter on the config we own.
            unsafe { mbedtls_sys::ssl_conf_arc4_support((&mut cfg).into(), mbedtls_sys::SSL_ARC4_ENABLED as _) };
        }
        let mut list = ids.clone();
        list.push(0);
        cfg.set_ciphersuites(Arc::new(list));
    }

    // SAFETY: plain setters on the config we own.
    unsafe {
        let raw: *mut mbedtls_sys::ssl_config = (&mut cfg).into();
        let reneg = if s.renegotiation { mbedtls_sys::SSL_RENEGOTIATION_ENABLED } else { mbedtls_sys::SSL_RENEGOTIATION_DISABLED };
        mbedtls_sys::ssl_conf_renegotiation(raw, reneg as c_int);
        if s.dtls {
            // Retransmission starts at 1 s and doubles up to the negotiate timeout.
            let max_ms = (s.negotiate_timeout_s as u32).saturating_mul(1000).max(1000);
            mbedtls_sys::ssl_conf_handshake_timeout(raw, 1000, max_ms);
        }
    }
    #[cfg(feature = "ext-items")]
    crate::tls::engine::iot::apply(&mut cfg, &s.alpn, s.max_frag_len)?;
    // Both hooks take no per-context pointer, so they suit every context sharing this config.
    let raw: *mut mbedtls_sys::ssl_config = (&mut cfg).into();
    if mbedtls_debug {
        // SAFETY: `raw` is the config being built here.
        unsafe { crate::tls::engine::debug::install(raw) };
    }
    // SAFETY: as above. (The key log exists on Linux and in bare-metal builds with `keylog`.)
    #[cfg(any(feature = "std", feature = "keylog"))]
    unsafe {
        crate::keylog::install(raw)
    };

    if let Some(cas) = cas {
        cfg.set_ca_list(cas, None);
        // Optional, not Required: mbedtls checks keyUsage/extendedKeyUsage only after the verify
        // callback and would fail Required handshakes before our policy could forgive those
        // bits. The policy judges the complete result right after the server's certificate
        // (see `step`), so an unforgiven finding still stops the handshake there.
        cfg.set_authmode(AuthMode::Optional);
    } else {
        cfg.set_authmode(AuthMode::None);
    }
    if s.auth_mode == 2 {
        if let Some((chain, key)) = load_own_cert()? {
            cfg.push_cert(Arc::new(chain), Arc::new(key)).map_err(|e| Error::BadRequest(describe(&e)))?;
        }
    }

    Ok(cfg)
}

fn version_minor(v: Version) -> c_int {
    match v {
        Version::Ssl3 => 0,
        Version::Tls1_0 => 1,
        Version::Tls1_1 => 2,
        _ => 3,
    }
}

fn protocol_name(dtls: bool, min: Version, max: Version) -> String {
    let name = |v: Version| match (dtls, v) {
        (true, Version::Tls1_1) => "DTLS 1.0",
        (true, _) => "DTLS 1.2",
        (false, Version::Ssl3) => "SSL 3.0",
        (false, Version::Tls1_0) => "TLS 1.0",
        (false, Version::Tls1_1) => "TLS 1.1",
        (false, _) => "TLS 1.2",
    };
    if version_minor(min) == version_minor(max) {
        name(min).to_string()
    } else {
        format!("{}..{}", name(min), name(max))
    }
}

// ---- the handshake state machine ----

/// Most malformed DTLS records discarded in one handshake state (a backstop: every one was read
/// through the transport, which enforces the deadline on each read).
const MAX_DROPPED_DTLS_RECORDS: u32 = 1 << 20;

/// What one `advance` found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// The handshake is over.
    Done,
    /// The server's certificate chain has been processed (reported once per handshake, before
    /// the next state runs): mbedtls's verification flags, for the caller's policy to judge.
    ServerCertificate { verify_flags: u32 },
    /// One state further; mbedtls's resumption verdict once it is known (see `resume_verdict`).
    Advanced { resumed: Option<bool> },
    /// The server's ServerHello did not answer the maximum fragment length the configuration
    /// asks for (`iot::max_frag_len_ignored`); the handshake must not go on.
    #[cfg(feature = "ext-items")]
    MaxFragLenIgnored,
}

/// What `advance` keeps between its calls within one handshake.
pub(crate) struct Progress {
    dtls: bool,
    /// The server's certificate was reported in this handshake.
    certificate_reported: bool,
    /// Malformed DTLS records discarded in the current handshake state.
    dropped: u32,
}

impl Progress {
    pub(crate) fn new(dtls: bool) -> Self {
        Progress { dtls, certificate_reported: false, dropped: 0 }
    }
}

/// Run mbedtls's handshake state machine by one state (or report where it stands). An error is
/// mbedtls's, WANT_READ/WANT_WRITE included.
///
/// # Safety
/// `raw` must be a set-up context bound to its transport.
pub(crate) unsafe fn advance(raw: *mut mbedtls_sys::ssl_context, p: &mut Progress) -> core::result::Result<Step, mbedtls::Error> {
    // SAFETY: the caller's contract.
    if unsafe { handshake_over(raw) } {
        return Ok(Step::Done);
    }
    // SAFETY: as above.
    if !p.certificate_reported && unsafe { past_server_certificate(raw) } {
        p.certificate_reported = true;
        // SAFETY: as above; the result is final once the certificate was processed.
        let verify_flags = unsafe { mbedtls_sys::ssl_get_verify_result(raw) };
        return Ok(Step::ServerCertificate { verify_flags });
    }
    loop {
        #[cfg(feature = "ext-items")]
        // SAFETY: as above.
        let state = unsafe { handshake_state(raw) };
        // SAFETY: as above.
        let r = unsafe { mbedtls_sys::ssl_handshake_step(raw) };
        if r == 0 {
            p.dropped = 0;
            #[cfg(feature = "ext-items")]
            // SAFETY: as above; the step just parsed the ServerHello.
            if state == mbedtls_sys::SSL_SERVER_HELLO as c_int && unsafe { crate::tls::engine::iot::max_frag_len_ignored(raw, p.dtls, resume_verdict(raw)) } {
                return Ok(Step::MaxFragLenIgnored);
            }
            // SAFETY: as above.
            return Ok(Step::Advanced { resumed: unsafe { resume_verdict(raw) } });
        }
        if p.dtls && r == mbedtls_sys::ERR_SSL_INVALID_RECORD && p.dropped < MAX_DROPPED_DTLS_RECORDS {
            // RFC 6347 §4.1.2.7: an invalid DTLS record is discarded and the association goes
            // on. mbedtls 2.28 drops records whose header or MAC is bad itself, but reports a
            // malformed handshake, alert or ChangeCipherSpec body inside a well-formed record
            // (anyone can send those before the keys are agreed) as this error, after parsing
            // only: its handshake state is unchanged and the next step consumes the bad record
            // and reads on.
            p.dropped += 1;
            continue;
        }
        return Err(mbedtls::Error::from(r));
    }
}

/// Send a fatal alert (`desc`, an SSL_ALERT_MSG_* value).
///
/// # Safety
/// `raw` must be a set-up context bound to its transport.
pub(crate) unsafe fn send_fatal_alert(raw: *mut mbedtls_sys::ssl_context, desc: u8) {
    // SAFETY: the caller's contract.
    unsafe { mbedtls_sys::ssl_send_alert_message(raw, mbedtls_sys::SSL_ALERT_LEVEL_FATAL as u8, desc) };
}

// ---- mbedtls's private context fields, read and written only here ----

/// The handshake state (`ssl->state`).
///
/// # Safety
/// `raw` must be a set-up context.
pub(crate) unsafe fn handshake_state(raw: *const mbedtls_sys::ssl_context) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { (*raw).state }
}

/// True once the handshake is over.
///
/// # Safety
/// As for `handshake_state`.
pub(crate) unsafe fn handshake_over(raw: *const mbedtls_sys::ssl_context) -> bool {
    // SAFETY: the caller's contract.
    unsafe { handshake_state(raw) == mbedtls_sys::SSL_HANDSHAKE_OVER as c_int }
}

/// True once the state machine is past the server's Certificate message.
///
/// # Safety
/// As for `handshake_state`.
pub(crate) unsafe fn past_server_certificate(raw: *const mbedtls_sys::ssl_context) -> bool {
    // SAFETY: the caller's contract.
    unsafe { handshake_state(raw) > mbedtls_sys::SSL_SERVER_CERTIFICATE as c_int }
}

/// mbedtls's verdict on resumption, once the ServerHello was parsed and while the handshake
/// parameters exist (they are freed in the wrap-up): `handshake->resume` is set when a session is
/// offered and cleared unless the server accepted it (session id or ticket alike). None before
/// the ServerHello and after the wrap-up.
///
/// # Safety
/// As for `handshake_state`.
pub(crate) unsafe fn resume_verdict(raw: *const mbedtls_sys::ssl_context) -> Option<bool> {
    // SAFETY: the caller's contract; `handshake` is NULL or mbedtls's live parameters.
    unsafe {
        let hs = (*raw).handshake;
        (!hs.is_null() && (*raw).state > mbedtls_sys::SSL_SERVER_HELLO as c_int).then(|| (*hs).resume != 0)
    }
}

/// The description byte of the fatal alert just received (after
/// MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, `in_msg` holds the alert record's two bytes).
///
/// # Safety
/// `raw` must be a set-up context whose last call returned MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE.
pub(crate) unsafe fn received_alert(raw: *const mbedtls_sys::ssl_context) -> Option<u8> {
    // SAFETY: the caller's contract.
    unsafe {
        let msg = (*raw).in_msg;
        (!msg.is_null()).then(|| *msg.add(1))
    }
}

/// Make mbedtls_ssl_free skip the close_notify the wrapper's Drop would encrypt: mbedtls writes
/// that alert only in the HANDSHAKE_OVER state, and mbedtls_ssl_free does not look at the state.
///
/// # Safety
/// `raw` must be a context that is freed right after this, nothing reading its state in between.
pub(crate) unsafe fn skip_close_notify_on_free(raw: *mut mbedtls_sys::ssl_context) {
    // SAFETY: the caller's contract.
    unsafe { (*raw).state = mbedtls_sys::SSL_HELLO_REQUEST as c_int };
}

/// Serve a read from the record mbedtls has already decrypted, touching no socket: None unless
/// that is all `mbedtls_ssl_read` would do (the handshake is over and unread application data is
/// held: `in_offt` set, `in_msglen` > 0). The caller has checked the rest of that condition: an
/// established TLS (stream) connection with renegotiation off (mbedtls 2.28's `mbedtls_ssl_read`
/// may otherwise start a handshake or resend a DTLS flight first). Small reads (the SDK demo reads
/// 120 bytes) get most of their bytes here without the full read path (docs/PERFORMANCE.md).
///
/// # Safety
/// `raw` must be an established context, not used elsewhere during the call.
pub(crate) unsafe fn read_decrypted(raw: *mut mbedtls_sys::ssl_context, buf: &mut [u8]) -> Option<usize> {
    // SAFETY: the caller's contract; buf is writable for its length.
    unsafe {
        let ssl = &mut *raw;
        if ssl.in_offt.is_null() || ssl.in_msglen == 0 || ssl.state != mbedtls_sys::SSL_HANDSHAKE_OVER as c_int {
            return None;
        }
        if buf.len() < ssl.in_msglen && (*ssl.conf).f_dbg.is_none() {
            // Part of the record, more stays: what mbedtls_ssl_read (ssl_msg.c, 2.28.15, the
            // pinned version) does in this case, without its two debug-hook calls and its
            // renegotiation check, which with renegotiation off and no debug hook do nothing:
            // copy, wipe the copied plaintext, advance. Draining the record (in_offt = NULL,
            // keep_current_message = 0) stays mbedtls's own, below.
            let n = buf.len();
            core::ptr::copy_nonoverlapping(ssl.in_offt, buf.as_mut_ptr(), n);
            mbedtls_sys::platform_zeroize(ssl.in_offt.cast(), n);
            ssl.in_msglen -= n;
            ssl.in_offt = ssl.in_offt.add(n);
            return Some(n);
        }
        let n = mbedtls_sys::ssl_read(raw, buf.as_mut_ptr(), buf.len());
        (n > 0).then_some(n as usize)
    }
}

/// The engine's handle on one connection's context, as the functions above and below take it
/// (`Context::into()`).
pub(crate) type RawContext = *mut mbedtls_sys::ssl_context;

/// The bad_certificate alert (sent when the verification policy refuses the chain).
pub(crate) const ALERT_BAD_CERTIFICATE: u8 = mbedtls_sys::SSL_ALERT_MSG_BAD_CERT as u8;
/// The fatal alert sent when the client refuses the server's handshake parameters.
#[cfg(feature = "ext-items")]
pub(crate) const ALERT_HANDSHAKE_FAILURE: u8 = mbedtls_sys::SSL_ALERT_MSG_HANDSHAKE_FAILURE as u8;

/// Bind a set-up context to its transport (mbedtls's bio callbacks) and, when given, the host
/// name mbedtls sends as SNI (it copies the name).
///
/// # Safety
/// `raw` is a set-up context; `transport` must outlive it, or be detached before it is freed.
pub(crate) unsafe fn bind(raw: RawContext, sni: Option<&core::ffi::CStr>, transport: &mut FdTransport) -> Result<()> {
    if let Some(h) = sni {
        // SAFETY: a set-up context (the caller's contract); `h` is NUL-terminated, copied.
        let r = unsafe { mbedtls_sys::ssl_set_hostname(raw, h.as_ptr()) };
        if r != 0 {
            return Err(Error::Internal(describe(&mbedtls::Error::from(r))));
        }
    }
    // SAFETY: as above; the transport outlives the context (the caller's contract).
    unsafe {
        mbedtls_sys::ssl_set_bio(
            raw,
            transport as *mut FdTransport as *mut mbedtls_sys::types::raw_types::c_void,
            Some(bio_send),
            Some(bio_recv),
            None,
        )
    };
    Ok(())
}

/// One of mbedtls's static strings (None for NULL or non-UTF-8).
///
/// # Safety
/// `p` is NULL or a NUL-terminated string that lives for the whole program.
unsafe fn static_str(p: *const core::ffi::c_char) -> Option<&'static str> {
    // SAFETY: NULL is checked; otherwise a static NUL-terminated string (the caller's contract).
    (!p.is_null()).then(|| unsafe { core::ffi::CStr::from_ptr(p) }.to_str().ok()).flatten()
}

/// The protocol version's name ("TLSv1.2", "DTLSv1.2", ...).
///
/// # Safety
/// `raw` is an established context.
pub(crate) unsafe fn version_name(raw: RawContext) -> Option<&'static str> {
    // SAFETY: the caller's contract; mbedtls's getter returns one of its static strings.
    unsafe { static_str(mbedtls_sys::ssl_get_version(raw)) }
}

/// The negotiated suite's name.
///
/// # Safety
/// `raw` is an established context.
pub(crate) unsafe fn suite_name(raw: RawContext) -> Option<&'static str> {
    // SAFETY: the caller's contract; mbedtls's getter returns one of its static strings.
    unsafe { static_str(mbedtls_sys::ssl_get_ciphersuite(raw)) }
}

/// Send close_notify.
///
/// # Safety
/// `raw` is a set-up context bound to its transport.
pub(crate) unsafe fn close_notify(raw: RawContext) -> core::result::Result<(), mbedtls::Error> {
    // SAFETY: the caller's contract.
    let r = unsafe { mbedtls_sys::ssl_close_notify(raw) };
    if r == 0 {
        Ok(())
    } else {
        Err(mbedtls::Error::from(r))
    }
}
