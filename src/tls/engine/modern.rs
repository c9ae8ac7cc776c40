//! The modern engine (feature `tls13`; docs/ENGINES.md): rustls 0.23 + ring for TLS 1.2 (ECDHE +
//! AEAD suites) and TLS 1.3, beside the mbedtls 2.28 engine (`engine/conn28.rs`). `conn.rs` picks
//! it at setup by the routing rule (`serves`) and `connection.rs` drives its `ModernSession`
//! through the same typed steps, phases, socket transport (`transport.rs`: deadlines,
//! non-blocking) and wait plans as the 2.28 engine. rustls's *unbuffered* client is used (the API
//! that also exists without std): bytes in, bytes out, typed outcomes (`Step`).
//!
//! Server verification is the 2.28 engine's policy, flags and error (`PolicyVerifier`); sessions
//! are kept like `session.rs`'s (`TicketStore`); the client certificate and key are loaded by
//! mbedtls as on the 2.28 engine and handed to rustls as DER (`ClientIdentity`). Limits
//! (docs/ENGINES.md): no PSK, no DTLS.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ffi::c_int;

use mbedtls::error::codes;
use mbedtls::ssl::io::Io;
use mbedtls::x509::Certificate;
use mbedtls::alloc::List as MbedtlsList;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ClientSessionStore, ResolvesClientCert, Tls12ClientSessionValue, Tls13ClientSessionValue, UnbufferedClientConnection};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivateSec1KeyDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::unbuffered::{ConnectionState, EncodeError, EncryptError};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, HandshakeKind, NamedGroup, OtherError, ProtocolVersion, SignatureScheme};

#[allow(unused_imports)]
use crate::prelude::*;
use crate::platform::sync::{Lazy, Mutex};
use crate::tls::certs;
use crate::tls::error::{Error, Result};
use crate::tls::settings::{CipherChoice, Settings};
use crate::tls::engine::conn28::{HandshakeStep, IoStop, ReadStep};
use crate::tls::transport::FdTransport;
use crate::tls::verify::{VerifyPolicy, EXT_KEY_USAGE, KEY_USAGE, OID_SERVER_AUTH};

/// `QL_SSL_CONF_VERSION` values (docs/ENGINES.md, "ABI extension"): the vendor's
/// `QL_SSL_VERSION_ALL` = 4, then `QL_SSL_VERSION_4` = 5 (TLS 1.3 exactly) and
/// `QL_SSL_VERSION_TLS12_TLS13` = 6 (TLS 1.2 or 1.3, one ClientHello).
pub(crate) const VERSION_ALL: c_int = 4;
pub(crate) const VERSION_TLS13: c_int = 5;
pub(crate) const VERSION_TLS12_TLS13: c_int = 6;

/// The routing rule (docs/ENGINES.md, "Routing"), from the configuration alone, before any byte
/// is sent: true when this engine serves the connection. `QL_SSL_VERSION_4` and
/// `QL_SSL_VERSION_TLS12_TLS13` always (a configuration it cannot serve is refused at setup, never
/// handed to 2.28); `QL_SSL_VERSION_ALL` when everything the configuration asks for is served by
/// it: TLS (no DTLS), no PSK, no client certificate, no renegotiation, no maximum fragment length
/// or session store (docs/IOT.md), and every listed suite one of its suites; everything else stays
/// on 2.28.
pub(crate) fn serves(s: &Settings) -> bool {
    match s.version {
        VERSION_TLS13 | VERSION_TLS12_TLS13 => true,
        VERSION_ALL => !s.dtls
            && s.auth_mode != 3
            && s.psk.is_none()
            && !s.renegotiation
            // Of the extension items (docs/IOT.md) the maximum fragment length and the session
            // store are 2.28's only.
            && s.iot.tls13_refusal().is_none()
            && match &s.ciphers {
                CipherChoice::All => true,
                CipherChoice::List(ids) => ids.iter().all(|&id| is_suite(id)),
            },
        _ => false,
    }
}

/// True for a suite id this engine offers (TLS 1.3's three; TLS 1.2 ECDHE with AES-GCM or
/// ChaCha20-Poly1305).
pub(crate) fn is_suite(id: c_int) -> bool {
    rustls::crypto::ring::DEFAULT_CIPHER_SUITES.iter().any(|s| c_int::from(u16::from(s.suite())) == id)
}

/// What a rustls configuration is built from; connections whose settings agree in all of it share
/// one configuration (with the session cache on), because rustls resumes a session only with the
/// very verifier and client-credential objects that made it.
#[derive(PartialEq)]
struct SharedKey {
    config: c_int,
    version: c_int,
    ciphers: CipherChoice,
    auth_mode: c_int,
    sni: bool,
    ca_paths: Vec<alloc::ffi::CString>,
    ca_buffers: Vec<Vec<u8>>,
    ignore: (bool, bool, u32, bool),
    clock: crate::tls::clock::ValidityClock,
    /// The client certificate sources (with auth mode 2): rustls resumes only with the very
    /// credential object (`ClientIdentity`) that made the session.
    own_cert_path: Option<(alloc::ffi::CString, alloc::ffi::CString, Option<alloc::ffi::CString>)>,
    own_cert_buffer: Option<crate::tls::settings::OwnCertBuffer>,
    /// ALPN, pins, the root bundle (docs/IOT.md). Pins live in the verifier, and rustls resumes
    /// a session only with the verifier that checked it: new pins, no ticket of the old ones.
    iot: crate::tls::iot::IotOptions,
}

impl SharedKey {
    fn of(s: &Settings) -> Self {
        SharedKey {
            config: s.config_handle,
            version: s.version,
            ciphers: s.ciphers.clone(),
            auth_mode: s.auth_mode,
            sni: s.sni,
            ca_paths: s.ca_paths.clone(),
            ca_buffers: s.ca_buffers.clone(),
            ignore: (s.ignore_localtime, s.ignore_invalid_certsign, s.ignore_certitem, s.ignore_multi_certchain_verify),
            clock: s.validity_clock,
            own_cert_path: s.own_cert_path.clone().filter(|_| s.auth_mode == 2),
            own_cert_buffer: s.own_cert_buffer.clone().filter(|_| s.auth_mode == 2),
            iot: s.iot.clone(),
        }
    }
}

/// Shared configurations (session cache on), newest first, bounded.
type SharedConfigs = Vec<(SharedKey, Arc<ClientConfig>)>;
static SHARED: Lazy<Mutex<SharedConfigs>> = Lazy::new(|| Mutex::new(Vec::new()));
const SHARED_CONFIGS: usize = 8;

/// The rustls configuration for a connection's settings (built at `ql_ssl_setup`). With the
/// session cache on, the connections of one `ql_ssl_config` with equal settings share it and
/// its ticket store entries (`TicketStore`).
pub(crate) fn client_config(s: &Settings) -> Result<Arc<ClientConfig>> {
    if !s.session_cache {
        return build_config(s);
    }
    let key = SharedKey::of(s);
    if let Some((_, c)) = SHARED.lock().iter().find(|(k, _)| *k == key) {
        return Ok(c.clone());
    }
    let config = build_config(s)?;
    let mut shared = SHARED.lock();
    shared.insert(0, (key, config.clone()));
    shared.truncate(SHARED_CONFIGS);
    Ok(config)
}

fn build_config(s: &Settings) -> Result<Arc<ClientConfig>> {
    if s.dtls {
        return Err(Error::BadRequest("the TLS 1.3 engine (versions 5 and 6) is TLS only: no DTLS 1.3".into()));
    }
    if s.auth_mode == 3 || s.psk.is_some() {
        return Err(Error::BadRequest("the TLS 1.3 engine has no PSK key exchange: use QL_SSL_VERSION_3 or _ALL for PSK".into()));
    }
    let mut provider = rustls::crypto::ring::default_provider();
    if let CipherChoice::List(ids) = &s.ciphers {
        if let Some(&id) = ids.iter().find(|&&id| !is_suite(id)) {
            return Err(Error::BadRequest(format!("suite 0x{id:04X} is not served with TLS 1.3 / TLS 1.2 + 1.3 (versions 5 and 6): use QL_SSL_VERSION_ALL or 0..=3")));
        }
        provider.cipher_suites.retain(|cs| ids.contains(&c_int::from(u16::from(cs.suite()))));
    }
    let versions: &[&rustls::SupportedProtocolVersion] = match s.version {
        VERSION_TLS13 => &[&rustls::version::TLS13],
        _ => &[&rustls::version::TLS13, &rustls::version::TLS12],
    };
    let provider = Arc::new(provider);
    let verifier = PolicyVerifier::of(s, provider.signature_verification_algorithms)?;
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .map_err(|e| Error::Internal(format!("TLS 1.3 engine: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_client_cert_resolver(Arc::new(ClientIdentity::of(s)?));
    // As on the 2.28 engine: the host name goes out as SNI only with QL_SSL_CONF_SNI.
    config.enable_sni = s.sni;
    if crate::keylog::active() {
        config.key_log = Arc::new(NssKeyLog);
    }
    config.alpn_protocols = s.iot.alpn.iter().map(|n| n.as_bytes().to_vec()).collect();
    config.resumption = if s.session_cache {
        rustls::client::Resumption::store(Arc::new(TicketStore { config: s.config_handle }))
    } else {
        rustls::client::Resumption::disabled()
    };
    Ok(Arc::new(config))
}

/// SSLKEYLOGFILE (docs/ENGINES.md, "Key log"): rustls's secrets, in the NSS format Wireshark
/// reads (TLS 1.3: the handshake and traffic secrets and the exporter secret; TLS 1.2:
/// CLIENT_RANDOM), into the 2.28 engine's sink (`keylog.rs`: the file, or the bare-metal sink).
#[derive(Debug)]
struct NssKeyLog;

impl rustls::KeyLog for NssKeyLog {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        crate::keylog::log_secret(label, client_random, secret);
    }
}

/// The refusal `ClientIdentity::of` gives for a client key the ring provider cannot sign with
/// (RSA under 2048 bits, ECDSA on curves other than P-256 / P-384, ...): with
/// `QL_SSL_VERSION_ALL` the connection is then served by 2.28 (`conn.rs`, at setup, from the
/// key file: before any byte is sent); with versions 5 and 6 it is `ql_ssl_setup`'s error.
pub(crate) const KEY_NOT_FOR_THIS_ENGINE: &str = "the TLS 1.3 engine (ring) cannot sign with this client key (it takes RSA 2048-8192 bits, ECDSA P-256 / P-384, Ed25519): use QL_SSL_VERSION_ALL or 0..=3";

/// The client's certificate for a server that asks for one (`QL_SSL_CONF_OWNCERT` /
/// the certificate buffers, used with `QL_SSL_VERIFY_CLIENT_SERVER` as on the 2.28 engine).
/// The files and buffers are read and parsed by mbedtls exactly as the 2.28 engine does
/// (`certs::load_own_cert`: PEM or DER, the encrypted key forms with their password, the
/// certificate/key pair check), so both engines take and refuse the same inputs with the same
/// errors; rustls gets the chain as DER and the key as mbedtls writes it out (PKCS#1 for RSA,
/// SEC1 for EC), from which ring makes its signing key. Installed on every configuration (with
/// no key when there is none), so that the engine knows when a server asked (`CLIENT_AUTH_ASKED`).
#[derive(Debug)]
struct ClientIdentity {
    key: Option<Arc<CertifiedKey>>,
}

impl ClientIdentity {
    fn of(s: &Settings) -> Result<Self> {
        if s.auth_mode != 2 {
            return Ok(ClientIdentity { key: None });
        }
        let Some((chain, mut key)) = certs::load_own_cert(s)? else {
            return Ok(ClientIdentity { key: None });
        };
        let certs: Vec<CertificateDer<'static>> = chain.iter().map(|c| CertificateDer::from(c.as_der().to_vec())).collect();
        let rsa = key.pk_type() == mbedtls::pk::Type::Rsa;
        // mbedtls writes the key at the end of the buffer; the buffer is wiped before it goes.
        let mut buf = alloc::vec![0u8; 8192];
        let written = key.write_private_der(&mut buf).map(|d| d.map(|d| d.len()));
        let signing = match written {
            Ok(Some(n)) => {
                let at = buf.len() - n;
                let der = &buf[at..];
                let der = if rsa { PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(der)) } else { PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(der)) };
                rustls::crypto::ring::sign::any_supported_type(&der).map_err(|_| Error::NotSupported(KEY_NOT_FOR_THIS_ENGINE))
            }
            _ => Err(Error::NotSupported(KEY_NOT_FOR_THIS_ENGINE)),
        };
        // SAFETY: `buf` is a live, writable buffer of `buf.len()` bytes.
        unsafe { mbedtls_sys::platform_zeroize(buf.as_mut_ptr().cast(), buf.len()) };
        Ok(ClientIdentity { key: Some(Arc::new(CertifiedKey::new(certs, signing?))) })
    }
}

std::thread_local! {
    /// Set when a server asked this thread's connection for a certificate (see `ModernSession`'s
    /// `client_auth_asked`).
    static CLIENT_AUTH_ASKED: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

impl ResolvesClientCert for ClientIdentity {
    fn resolve(&self, _root_hint_subjects: &[&[u8]], _sigschemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        CLIENT_AUTH_ASKED.with(|a| a.set(true));
        // As mbedtls 2.28 does: the one configured certificate, whatever CAs the server names
        // (rustls sends an empty Certificate when the key suits none of the server's schemes).
        self.key.clone()
    }

    fn has_certs(&self) -> bool {
        self.key.is_some()
    }
}

/// The server-certificate check of this engine, made the 2.28 engine's by construction
/// (docs/ENGINES.md, plan step 3 (b)): the chain the server sent is verified by mbedtls's
/// `x509_crt_verify` against the same shared CA list (`certs::ca_list`), the same
/// `VerifyPolicy` runs as its per-certificate callback (validity against the policy's clock, our
/// name check, `ignore_multi_certchain_verify`), the leaf's usage findings are added as mbedtls
/// adds them after the callback, and `judge` applies the ignore bits. So every finding has the
/// same `X509_BADCERT_*` bit, every ignore rule the same effect, and a refusal becomes
/// `Error::VerifyFailed` with the same flags as on TLS 1.2. rustls (ring) checks the handshake
/// signature with the leaf's key, which mbedtls's verification does not cover.
struct PolicyVerifier {
    /// None: `QL_SSL_VERIFY_NULL` (auth mode 0) accepts any chain, as the 2.28 engine does.
    /// Else the settings each verification's policy is made from (a fresh `VerifyPolicy` per
    /// handshake, as each 2.28 connection has its own) and its CA sources.
    check: Option<Settings>,
    algorithms: WebPkiSupportedAlgorithms,
    /// `QL_SSL_CONF_PIN_SHA256` (docs/IOT.md): checked with or without `check`.
    pins: Vec<[u8; crate::tls::iot::PIN_LEN]>,
}

impl core::fmt::Debug for PolicyVerifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(if self.check.is_some() { "PolicyVerifier(verify)" } else { "PolicyVerifier(none)" })
    }
}

std::thread_local! {
    /// The verification policy of the connection whose handshake runs on this thread: rustls calls
    /// the (shared, per-configuration) verifier from inside `ModernSession::handshake_step`, and
    /// the verifier must be the configuration's object for resumption, so the connection's policy
    /// comes this way.
    static HANDSHAKE_POLICY: core::cell::RefCell<Option<Arc<VerifyPolicy>>> = const { core::cell::RefCell::new(None) };
    /// The peer address (`getpeername`) of the connection whose engine call runs on this thread:
    /// the ticket store keys by it as `session.rs` does (rustls asks the store by server name only,
    /// and takes in TLS 1.3 tickets during reads, after the handshake).
    static PEER: core::cell::RefCell<Vec<u8>> = const { core::cell::RefCell::new(Vec::new()) };
}

/// The findings a verification did not forgive, carried through rustls's error to `error_of`.
#[derive(Debug)]
struct Unforgiven(u32);

impl core::fmt::Display for Unforgiven {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&crate::tls::verify::describe_flags(self.0))
    }
}

impl std::error::Error for Unforgiven {}

/// A name rustls needs when the application set none; it sends no SNI for an address, and the
/// verifier checks no name for it (as the 2.28 engine does without a host name).
fn no_name() -> ServerName<'static> {
    ServerName::IpAddress(rustls::pki_types::IpAddr::V6(rustls::pki_types::Ipv6Addr::from([0u16; 8])))
}

impl PolicyVerifier {
    fn of(s: &Settings, algorithms: WebPkiSupportedAlgorithms) -> Result<Self> {
        let pins = s.iot.pins.clone();
        if !(s.auth_mode == 1 || s.auth_mode == 2) {
            return Ok(PolicyVerifier { check: None, algorithms, pins });
        }
        crate::tls::ciphers::init_mbedtls_globals();
        // Loaded here so that a bad CA source fails ql_ssl_setup, as on the 2.28 engine.
        certs::trusted(s)?;
        Ok(PolicyVerifier { check: Some(s.clone()), algorithms, pins })
    }

    /// The unforgiven findings on `chain` (leaf first) for a server called `host`.
    fn findings(policy: &Arc<VerifyPolicy>, cas: &MbedtlsList<Certificate>, chain: &MbedtlsList<Certificate>, host: Option<String>) -> core::result::Result<u32, rustls::Error> {
        policy.set_hostname(host);
        let mut flags = 0u32;
        let leaf: *const mbedtls_sys::x509_crt = chain.into();
        let trusted: *const mbedtls_sys::x509_crt = cas.into();
        // SAFETY: both lists are parsed certificates that live across the call, which only reads
        // them (mbedtls 2.28 takes them as non-const pointers); the callback data is the policy,
        // kept alive by `policy` for the call; no CRL, no expected name (the policy checks names).
        let r = unsafe {
            mbedtls_sys::x509_crt_verify(
                leaf as *mut _,
                trusted as *mut _,
                core::ptr::null_mut(),
                core::ptr::null(),
                &mut flags,
                Some(crate::tls::engine::x509::verify_bridge),
                Arc::as_ptr(policy) as *mut _,
            )
        };
        if r != 0 && r != mbedtls_sys::ERR_X509_CERT_VERIFY_FAILED {
            return Err(rustls::Error::General(format!("certificate verification: mbedtls error -0x{:04X}", -r)));
        }
        // What mbedtls's TLS layer checks after the chain (ssl_check_cert_usage): a TLS 1.3
        // server signs with its key (RFC 8446 4.4.2.2), as in TLS 1.2's ECDHE suites, so keyUsage
        // must allow digitalSignature; extendedKeyUsage must allow serverAuth.
        // SAFETY: read-only queries on the parsed leaf.
        unsafe {
            if mbedtls_sys::x509_crt_check_key_usage(leaf, mbedtls_sys::X509_KU_DIGITAL_SIGNATURE as _) != 0 {
                flags |= KEY_USAGE;
            }
            if mbedtls_sys::x509_crt_check_extended_key_usage(leaf, OID_SERVER_AUTH.as_ptr() as *const _, OID_SERVER_AUTH.len()) != 0 {
                flags |= EXT_KEY_USAGE;
            }
        }
        Ok(policy.judge(flags))
    }
}

impl ServerCertVerifier for PolicyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> core::result::Result<ServerCertVerified, rustls::Error> {
        // Pins are checked in addition to the chain, or alone without verification.
        #[cfg(feature = "ext-items")]
        let pin_flags = crate::tls::engine::iot::pin_findings(&self.pins, end_entity);
        #[cfg(not(feature = "ext-items"))]
        let pin_flags = 0u32;
        let Some(settings) = &self.check else {
            return match pin_flags {
                0 => Ok(ServerCertVerified::assertion()),
                left => Err(rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(Unforgiven(left)))))),
            };
        };
        // The connection's own policy (its flags are what `ql_ssl_get_verify_result` reports), or
        // a fresh one when the connection has none.
        let policy = HANDSHAKE_POLICY.with(|p| p.borrow().clone()).unwrap_or_else(|| Arc::new(VerifyPolicy::from_settings(settings)));
        // From the CA cache at each handshake (a configuration may be shared for long): a CA file
        // replaced on disk is seen as the 2.28 engine sees it at each setup.
        let cas = certs::trusted(settings).map_err(|e| rustls::Error::General(format!("CA certificates: {e}")))?;
        let mut chain = MbedtlsList::<Certificate>::new();
        for der in core::iter::once(end_entity).chain(intermediates) {
            // mbedtls fails a handshake whose Certificate message does not parse; so does this.
            chain.push(Certificate::from_der(der).map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?);
        }
        let host = match server_name {
            n if *n == no_name() => None,
            n => Some(String::from(&*n.to_str())),
        };
        match Self::findings(&policy, &cas, &chain, host)? | pin_flags {
            0 => Ok(ServerCertVerified::assertion()),
            left => Err(rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(Unforgiven(left)))))),
        }
    }

    fn verify_tls12_signature(&self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct) -> core::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(&self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct) -> core::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Sessions kept for `QL_SSL_CONF_SESSION_CACHE`, like `session.rs`'s for the 2.28 engine:
/// under (config handle, peer address, server name), bounded, least recently stored out first,
/// dropped with the config (`forget_config`). TLS 1.3 tickets are single-use (RFC 8446 C.4):
/// each is taken once; the newest few of a server are kept.
#[derive(Debug)]
struct TicketStore {
    config: c_int,
}

#[derive(Default)]
struct TicketEntry {
    tls13: Vec<Tls13ClientSessionValue>,
    tls12: Option<Tls12ClientSessionValue>,
    kx_hint: Option<NamedGroup>,
}

/// Most servers kept in the process (session.rs keeps as many sessions) and tickets per server.
const MAX_TICKET_ENTRIES: usize = 64;
const TICKETS_PER_SERVER: usize = 4;

/// (config, peer address, server name) and its sessions, most recently stored first.
type TicketKey = (c_int, Vec<u8>, String);
static TICKETS: Lazy<Mutex<Vec<(TicketKey, TicketEntry)>>> = Lazy::new(|| Mutex::new(Vec::new()));

impl TicketStore {
    fn key(&self, name: &ServerName<'_>) -> TicketKey {
        (self.config, PEER.with(|p| p.borrow().clone()), String::from(&*name.to_str()))
    }

    /// Runs `f` on the entry of `name` (made if absent), which becomes the most recent one; the
    /// least recently stored server goes when the store is full.
    fn update(&self, name: &ServerName<'_>, f: impl FnOnce(&mut TicketEntry)) {
        let key = self.key(name);
        let mut t = TICKETS.lock();
        let mut entry = match t.iter().position(|(k, _)| *k == key) {
            Some(i) => t.remove(i),
            None => (key, TicketEntry::default()),
        };
        f(&mut entry.1);
        t.insert(0, entry);
        t.truncate(MAX_TICKET_ENTRIES);
    }

    fn read<T>(&self, name: &ServerName<'_>, f: impl FnOnce(&mut TicketEntry) -> Option<T>) -> Option<T> {
        let key = self.key(name);
        TICKETS.lock().iter_mut().find(|(k, _)| *k == key).and_then(|(_, e)| f(e))
    }
}

impl ClientSessionStore for TicketStore {
    fn set_kx_hint(&self, server_name: ServerName<'static>, group: NamedGroup) {
        self.update(&server_name, |e| e.kx_hint = Some(group));
    }
    fn kx_hint(&self, server_name: &ServerName<'_>) -> Option<NamedGroup> {
        self.read(server_name, |e| e.kx_hint)
    }
    fn set_tls12_session(&self, server_name: ServerName<'static>, value: Tls12ClientSessionValue) {
        self.update(&server_name, |e| e.tls12 = Some(value));
    }
    fn tls12_session(&self, server_name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        self.read(server_name, |e| e.tls12.clone())
    }
    fn remove_tls12_session(&self, server_name: &ServerName<'static>) {
        self.read(server_name, |e| e.tls12.take());
    }
    fn insert_tls13_ticket(&self, server_name: ServerName<'static>, value: Tls13ClientSessionValue) {
        self.update(&server_name, |e| {
            if e.tls13.len() >= TICKETS_PER_SERVER {
                e.tls13.remove(0);
            }
            e.tls13.push(value);
        });
    }
    fn take_tls13_ticket(&self, server_name: &ServerName<'static>) -> Option<Tls13ClientSessionValue> {
        self.read(server_name, |e| e.tls13.pop())
    }
}

/// Drop every session of config `config` (when the config is freed), as `session::forget_config`.
pub fn forget_config(config: c_int) {
    TICKETS.lock().retain(|(k, _)| k.0 != config);
    SHARED.lock().retain(|(k, _)| k.config != config);
}


/// The server name rustls sends as SNI (with `QL_SSL_CONF_SNI`) and hands to the verifier, which
/// checks the certificate against it. Without a host name the handshake goes on with no name
/// check, as on the 2.28 engine.
pub(crate) fn server_name(host: Option<&str>) -> Result<ServerName<'static>> {
    let Some(host) = host else { return Ok(no_name()) };
    let name = ServerName::try_from(String::from(host)).map_err(|e| Error::BadRequest(format!("server name {host:?}: {e}")))?;
    if name == no_name() {
        return Err(Error::BadRequest(format!("server name {host:?}: the unspecified address names no server")));
    }
    Ok(name)
}

/// What a TLS failure of this engine is, in the core's terms: a chain the verification policy
/// refused is `Error::VerifyFailed` with the unforgiven flags, exactly as on the 2.28 engine.
pub(crate) fn error_of(e: &EngineError, handshake: bool) -> Error {
    match e {
        EngineError::Tls(rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(why)))) => match why.downcast_ref::<Unforgiven>() {
            Some(Unforgiven(flags)) => Error::VerifyFailed { flags: *flags },
            None => Error::Handshake(format!("TLS 1.3 engine: {why}")),
        },
        // RFC 8446 4.1.3: a server that speaks TLS 1.3 answered 1.2 to a hello offering 1.3 (the
        // sentinel in ServerHello.random): somebody took 1.3 out of the hello on its way.
        EngineError::Tls(rustls::Error::PeerMisbehaved(rustls::PeerMisbehaved::AttemptedDowngradeToTls12WhenTls13IsSupported)) => Error::Handshake(
            "TLS 1.3 engine: downgrade to TLS 1.2 refused: the server supports TLS 1.3 but answered TLS 1.2 (RFC 8446 downgrade sentinel in ServerHello.random): a man in the middle changed the ClientHello".into(),
        ),
        // A fatal alert from the server, named as the 2.28 engine names it.
        EngineError::Tls(rustls::Error::AlertReceived(a)) if handshake => Error::HandshakeAlert(Some(u8::from(*a))),
        EngineError::Tls(rustls::Error::AlertReceived(a)) => Error::PeerAlert(crate::tls::error::alert_text(Some(u8::from(*a)))),
        EngineError::Tls(e) if handshake => Error::Handshake(format!("TLS 1.3 engine: {e}")),
        EngineError::Tls(e) => Error::Decrypt(format!("TLS 1.3 engine: {e}")),
        EngineError::Io | EngineError::Eof => Error::SocketReset,
        EngineError::Closed => Error::WrongState("the TLS 1.3 connection is closed"),
    }
}

impl Transport for FdTransport {
    fn send(&mut self, data: &[u8]) -> core::result::Result<usize, IoError> {
        match Io::send(self, data) {
            Ok(n) if n > 0 => Ok(n),
            Ok(_) => Err(IoError::Failed),
            Err(e) if matches!(e.high_level(), Some(codes::SslWantRead) | Some(codes::SslWantWrite)) => Err(IoError::WouldBlock),
            Err(_) => Err(IoError::Failed),
        }
    }
    fn recv(&mut self, buf: &mut [u8]) -> core::result::Result<usize, IoError> {
        match Io::recv(self, buf) {
            Ok(n) => Ok(n),
            Err(e) if matches!(e.high_level(), Some(codes::SslWantRead) | Some(codes::SslWantWrite)) => Err(IoError::WouldBlock),
            Err(_) => Err(IoError::Failed),
        }
    }
}

/// What the socket said.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum IoError {
    /// Non-blocking socket, nothing now (mbedtls: WANT_READ / WANT_WRITE).
    WouldBlock,
    /// Any other failure.
    Failed,
}

/// The socket as the engine sees it: `tls/engine/transport.rs` (std) or the hook table (bare metal).
pub(crate) trait Transport {
    /// Bytes taken (> 0), or an error.
    fn send(&mut self, data: &[u8]) -> core::result::Result<usize, IoError>;
    /// Bytes read; 0 = the peer closed TCP.
    fn recv(&mut self, buf: &mut [u8]) -> core::result::Result<usize, IoError>;
}

/// Outcome of a call that may have to wait for the socket.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step<T> {
    Done(T),
    WantRead,
    WantWrite,
}

#[derive(Debug)]
pub(crate) enum EngineError {
    /// TLS said no (alert sent or received, verification failure, decode error, ...).
    Tls(rustls::Error),
    /// The socket failed.
    Io,
    /// TCP closed without close_notify.
    Eof,
    /// close_notify received, or the connection is closed.
    Closed,
}

/// What to pump the state machine for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Goal {
    Handshake,
    /// Application data (or the peer's close).
    Read,
    /// The state in which data may be encrypted.
    Write,
}

enum Action {
    Continue,
    NeedRead,
    Reached,
    Fail(EngineError),
}

pub(crate) struct ModernConnection {
    conn: UnbufferedClientConnection,
    /// Received TLS bytes not yet consumed by rustls.
    incoming: Vec<u8>,
    in_len: usize,
    /// Encoded TLS bytes not yet sent: `outgoing[out_start..out_end]`.
    outgoing: Vec<u8>,
    out_start: usize,
    out_end: usize,
    /// Decrypted application data not yet handed out.
    plaintext: Vec<u8>,
    plain_pos: usize,
    peer_closed: bool,
    /// A write said `WantWrite` with its records partly sent: the count its repeat returns.
    write_pending: Option<usize>,
}

const RECORD: usize = 16 * 1024 + 256;

impl ModernConnection {
    pub(crate) fn new(config: Arc<ClientConfig>, host: ServerName<'static>) -> core::result::Result<Self, rustls::Error> {
        Ok(ModernConnection {
            conn: UnbufferedClientConnection::new(config, host)?,
            incoming: alloc::vec![0; 4096],
            in_len: 0,
            outgoing: alloc::vec![0; 4096],
            out_start: 0,
            out_end: 0,
            plaintext: Vec::new(),
            plain_pos: 0,
            peer_closed: false,
            write_pending: None,
        })
    }

    /// Drives the handshake as far as the socket allows.
    pub(crate) fn handshake(&mut self, io: &mut dyn Transport) -> core::result::Result<Step<()>, EngineError> {
        self.pump(io, Goal::Handshake)
    }

    /// Up to `buf.len()` bytes of application data; `Done(0)` after the peer's close_notify.
    pub(crate) fn read(&mut self, io: &mut dyn Transport, buf: &mut [u8]) -> core::result::Result<Step<usize>, EngineError> {
        loop {
            if self.plain_pos < self.plaintext.len() {
                return Ok(Step::Done(self.take_plaintext(buf)));
            }
            if self.peer_closed {
                return Ok(Step::Done(0));
            }
            match self.pump(io, Goal::Read)? {
                Step::Done(()) => continue,
                other => return Ok(map_step(other)),
            }
        }
    }

    /// Encrypts all of `data` (one call = one or more records) and sends it. The SDK's write
    /// semantics, as mbedtls 2.28 has them (`mbedtls_ssl_write`): a count means every byte of it
    /// has left for the socket; when the socket takes only part of the records, the call says
    /// `WantWrite` and the application calls again (with the same data, as mbedtls requires) once
    /// the socket is writable: that call sends the rest and returns the count of the first one.
    pub(crate) fn write(&mut self, io: &mut dyn Transport, data: &[u8]) -> core::result::Result<Step<usize>, EngineError> {
        if let Some(n) = self.write_pending {
            return Ok(match self.flush(io)? {
                Step::Done(()) => {
                    self.write_pending = None;
                    Step::Done(n)
                }
                other => map_step(other),
            });
        }
        match self.pump(io, Goal::Write)? {
            Step::Done(()) => {}
            other => return Ok(map_step(other)),
        }
        self.with_write_traffic(|w, out| w.encrypt(data, out))?;
        Ok(match self.flush(io)? {
            Step::Done(()) => Step::Done(data.len()),
            other => {
                self.write_pending = Some(data.len());
                map_step(other)
            }
        })
    }

    /// Queues and sends close_notify.
    pub(crate) fn close_notify(&mut self, io: &mut dyn Transport) -> core::result::Result<Step<()>, EngineError> {
        match self.pump(io, Goal::Write)? {
            Step::Done(()) => {}
            other => return Ok(map_step(other)),
        }
        self.with_write_traffic(|w, out| w.queue_close_notify(out))?;
        self.flush(io)
    }

    /// Hands out decrypted bytes already held (as many as fit).
    fn take_plaintext(&mut self, buf: &mut [u8]) -> usize {
        let n = buf.len().min(self.plaintext.len() - self.plain_pos);
        buf[..n].copy_from_slice(&self.plaintext[self.plain_pos..self.plain_pos + n]);
        self.plain_pos += n;
        if self.plain_pos == self.plaintext.len() {
            self.plaintext.clear();
            self.plain_pos = 0;
        }
        n
    }

    /// Decrypted bytes waiting for `read` (`ql_ssl_get_bytes_avail`).
    pub(crate) fn buffered(&self) -> usize {
        self.plaintext.len() - self.plain_pos
    }

    pub(crate) fn resumed(&self) -> bool {
        self.conn.handshake_kind() == Some(HandshakeKind::Resumed)
    }

    /// IANA id of the negotiated suite (what `ql_ssl_get_ciphersuite` reports).
    pub(crate) fn ciphersuite(&self) -> Option<u16> {
        self.conn.negotiated_cipher_suite().map(|s| u16::from(s.suite()))
    }

    pub(crate) fn protocol_version(&self) -> Option<&'static str> {
        match self.conn.protocol_version()? {
            ProtocolVersion::TLSv1_3 => Some("TLSv1.3"),
            ProtocolVersion::TLSv1_2 => Some("TLSv1.2"),
            _ => Some("unknown"),
        }
    }

    /// Runs `f` on the write-traffic state, growing the output buffer until the records fit.
    fn with_write_traffic(
        &mut self,
        mut f: impl FnMut(&mut rustls::unbuffered::WriteTraffic<'_, rustls::client::ClientConnectionData>, &mut [u8]) -> core::result::Result<usize, EncryptError>,
    ) -> core::result::Result<(), EngineError> {
        loop {
            let status = self.conn.process_tls_records(&mut self.incoming[..self.in_len]);
            let discard = status.discard;
            let result = match status.state {
                Ok(ConnectionState::WriteTraffic(mut w)) => f(&mut w, &mut self.outgoing[self.out_end..]),
                Ok(_) => return Err(EngineError::Closed),
                Err(e) => return Err(EngineError::Tls(e)),
            };
            self.discard(discard);
            match result {
                Ok(n) => {
                    self.out_end += n;
                    return Ok(());
                }
                Err(EncryptError::InsufficientSize(s)) => {
                    let need = self.out_end + s.required_size;
                    self.outgoing.resize(need, 0);
                }
                Err(EncryptError::EncryptExhausted) => return Err(EngineError::Closed),
            }
        }
    }

    /// Collects what rustls still has to send after a failure (its fatal alert), a few turns at most.
    fn queue_alert(&mut self) {
        for _ in 0..4 {
            let status = self.conn.process_tls_records(&mut self.incoming[..0]);
            match status.state {
                Ok(ConnectionState::EncodeTlsData(mut e)) => {
                    if self.outgoing.len() < self.out_end + 64 {
                        self.outgoing.resize(self.out_end + 64, 0);
                    }
                    match e.encode(&mut self.outgoing[self.out_end..]) {
                        Ok(n) => self.out_end += n,
                        Err(_) => return,
                    }
                }
                Ok(ConnectionState::TransmitTlsData(t)) => t.done(),
                _ => return,
            }
        }
    }

    fn discard(&mut self, n: usize) {
        if n > 0 {
            self.incoming.copy_within(n..self.in_len, 0);
            self.in_len -= n;
        }
    }

    /// Sends pending output; `WantWrite` while the socket takes nothing.
    fn flush(&mut self, io: &mut dyn Transport) -> core::result::Result<Step<()>, EngineError> {
        while self.out_start < self.out_end {
            match io.send(&self.outgoing[self.out_start..self.out_end]) {
                Ok(n) => self.out_start += n,
                Err(IoError::WouldBlock) => return Ok(Step::WantWrite),
                Err(IoError::Failed) => return Err(EngineError::Io),
            }
        }
        self.out_start = 0;
        self.out_end = 0;
        Ok(Step::Done(()))
    }

    /// The state machine until `goal` is reached or the socket would block.
    fn pump(&mut self, io: &mut dyn Transport, goal: Goal) -> core::result::Result<Step<()>, EngineError> {
        // Bounded: every turn either consumes input, produces output or returns.
        for _ in 0..10_000 {
            if let Step::WantWrite = self.flush(io)? {
                return Ok(Step::WantWrite);
            }
            let status = self.conn.process_tls_records(&mut self.incoming[..self.in_len]);
            let discard = status.discard;
            let action = match status.state {
                Err(e) => Action::Fail(EngineError::Tls(e)),
                Ok(ConnectionState::EncodeTlsData(mut e)) => match e.encode(&mut self.outgoing[self.out_end..]) {
                    Ok(n) => {
                        self.out_end += n;
                        Action::Continue
                    }
                    Err(EncodeError::InsufficientSize(s)) => {
                        let need = self.out_end + s.required_size;
                        self.outgoing.resize(need, 0);
                        Action::Continue
                    }
                    Err(_) => Action::Continue,
                },
                // The bytes are in `outgoing`; they leave at the top of the next turn, before any read.
                Ok(ConnectionState::TransmitTlsData(t)) => {
                    t.done();
                    Action::Continue
                }
                Ok(ConnectionState::BlockedHandshake) => Action::NeedRead,
                Ok(ConnectionState::ReadTraffic(mut r)) => {
                    let mut failed = None;
                    while let Some(rec) = r.next_record() {
                        match rec {
                            Ok(rec) => self.plaintext.extend_from_slice(rec.payload),
                            Err(e) => {
                                failed = Some(e);
                                break;
                            }
                        }
                    }
                    match failed {
                        Some(e) => Action::Fail(EngineError::Tls(e)),
                        None if goal == Goal::Read => Action::Reached,
                        None => Action::Continue,
                    }
                }
                Ok(ConnectionState::WriteTraffic(_)) => match goal {
                    Goal::Read if self.plain_pos >= self.plaintext.len() => Action::NeedRead,
                    _ => Action::Reached,
                },
                Ok(ConnectionState::PeerClosed) | Ok(ConnectionState::Closed) => {
                    self.peer_closed = true;
                    match goal {
                        Goal::Read => Action::Reached,
                        _ => Action::Fail(EngineError::Closed),
                    }
                }
                Ok(_) => Action::Continue,
            };
            self.discard(discard);
            match action {
                Action::Continue => {}
                Action::Reached => return Ok(Step::Done(())),
                Action::Fail(e) => {
                    // The fatal alert rustls queued for this failure (bad_certificate, ...) is
                    // handed out by the next call(s); it goes out best effort, then the error.
                    self.queue_alert();
                    let _ = self.flush(io);
                    return Err(e);
                }
                Action::NeedRead => {
                    if let Step::WantWrite = self.flush(io)? {
                        return Ok(Step::WantWrite);
                    }
                    if self.in_len == self.incoming.len() {
                        let grown = (self.incoming.len() * 2).min(2 * RECORD).max(self.in_len + 1);
                        self.incoming.resize(grown, 0);
                    }
                    // During the handshake, never read past the record being completed: what the
                    // server sends right after its Finished (a greeting) stays in the socket, where
                    // an application waiting in select()/poll() sees it (as on the 2.28 engine).
                    let end = match goal {
                        Goal::Handshake => self.in_len + record_bytes_missing(&self.incoming[..self.in_len]),
                        _ => self.incoming.len(),
                    }
                    .min(self.incoming.len());
                    match io.recv(&mut self.incoming[self.in_len..end]) {
                        Ok(0) => return Err(EngineError::Eof),
                        Ok(n) => self.in_len += n,
                        Err(IoError::WouldBlock) => return Ok(Step::WantRead),
                        Err(IoError::Failed) => return Err(EngineError::Io),
                    }
                }
            }
        }
        Err(EngineError::Io)
    }
}

/// How many bytes complete the first incomplete TLS record in `data` (whole records first, then
/// a part of one): the rest of its 5-byte header, else the rest of its body; 5 (the next header)
/// when every record in `data` is whole.
fn record_bytes_missing(data: &[u8]) -> usize {
    let mut at = 0;
    loop {
        let rest = &data[at..];
        if rest.len() < 5 {
            return 5 - rest.len();
        }
        let whole = 5 + usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        if rest.len() < whole {
            return whole - rest.len();
        }
        at += whole;
    }
}

fn map_step<T, U>(s: Step<T>) -> Step<U> {
    match s {
        Step::Done(_) => unreachable!("only waits are mapped"),
        Step::WantRead => Step::WantRead,
        Step::WantWrite => Step::WantWrite,
    }
}

/// One connection on this engine behind the typed step API of `conn28.rs` (`HandshakeStep`,
/// `ReadStep`, `IoStop`), so that `connection.rs` drives both engines alike.
pub(crate) struct ModernSession {
    /// Until `bind`: the configuration the connection is made from.
    config: Option<Arc<ClientConfig>>,
    conn: Option<ModernConnection>,
    /// The transport the session reads and writes (set by `bind`; the caller keeps it alive).
    transport: Option<core::ptr::NonNull<FdTransport>>,
    /// The connection's verification policy (see `HANDSHAKE_POLICY`).
    policy: Option<Arc<VerifyPolicy>>,
    /// The resumption verdict was reported (`HandshakeStep::Resumed` precedes `Done` once).
    verdict_reported: bool,
    /// `QL_SSL_CONF_SESSION_CACHE`: rustls offers a stored ticket, if it has one.
    session_cache: bool,
    /// The peer's address, part of the ticket key (`PEER`); empty when unknown.
    peer: Vec<u8>,
    /// The server asked for a client certificate (`CLIENT_AUTH_ASKED`) and no application data
    /// has arrived since: in TLS 1.3 the server judges the client's certificate after the
    /// client's handshake is over (RFC 8446 4.4.2.4), so its refusal (certificate_required,
    /// unknown_ca, bad_certificate, ...) reaches the first read, not the handshake as in TLS 1.2.
    /// Such an alert is reported as the handshake failure it is (`read`).
    client_auth_pending: bool,
    /// The ALPN protocol the server selected, once the handshake is over (`ql_ssl_get_alpn`).
    alpn: Option<alloc::ffi::CString>,
}

// SAFETY: the transport pointer is only dereferenced by the session's own methods, which run
// under the connection's lock like the 2.28 session's bio callbacks on the same transport.
unsafe impl Send for ModernSession {}

impl ModernSession {
    pub(crate) fn new(settings: &Settings, policy: Option<Arc<VerifyPolicy>>) -> Result<Self> {
        Ok(ModernSession { config: Some(client_config(settings)?), conn: None, transport: None, policy, verdict_reported: false, session_cache: settings.session_cache, peer: Vec::new(), client_auth_pending: false, alpn: None })
    }

    /// As `Session28::bind`; the host name is the verifier's, and goes out as SNI when the
    /// configuration enables it. Sessions are rustls's own (`TicketStore`): true when the
    /// configuration resumes.
    ///
    /// # Safety
    /// `transport` must outlive this session, or be detached before it is dropped.
    pub(crate) unsafe fn bind(&mut self, transport: &mut FdTransport, host: Option<&core::ffi::CStr>, cache_key: Option<&crate::tls::session::SessionKey>) -> Result<bool> {
        self.peer = cache_key.map(|k| k.peer.clone()).unwrap_or_default();
        let config = self.config.take().ok_or_else(|| Error::Internal("TLS 1.3 engine bound twice".into()))?;
        let name = server_name(host.and_then(|h| h.to_str().ok()))?;
        // rustls builds the ClientHello here, asking the ticket store (by this peer) for a ticket.
        PEER.with(|p| p.borrow_mut().clone_from(&self.peer));
        let conn = ModernConnection::new(config, name);
        PEER.with(|p| p.borrow_mut().clear());
        self.conn = Some(conn.map_err(|e| Error::Internal(format!("TLS 1.3 engine: {e}")))?);
        // rustls hands over whole flights; the transport's collecting is for mbedtls's records.
        transport.set_coalescing(false);
        self.transport = Some(core::ptr::NonNull::from(transport));
        Ok(self.session_cache)
    }

    /// Runs one engine call with the connection's policy and peer as this thread's (`PEER`,
    /// `HANDSHAKE_POLICY`); None before `bind`.
    fn run<R>(&mut self, f: impl FnOnce(&mut ModernConnection, &mut FdTransport) -> R) -> Option<R> {
        let t = self.transport?;
        let m = self.conn.as_mut()?;
        HANDSHAKE_POLICY.with(|p| p.borrow_mut().clone_from(&self.policy));
        PEER.with(|p| p.borrow_mut().clone_from(&self.peer));
        // SAFETY: the transport outlives the session (`bind`'s contract) and nothing else
        // borrows it during a session call (the connection's lock).
        let r = f(m, unsafe { &mut *t.as_ptr() });
        HANDSHAKE_POLICY.with(|p| *p.borrow_mut() = None);
        PEER.with(|p| p.borrow_mut().clear());
        Some(r)
    }

    pub(crate) fn handshake_step(&mut self) -> HandshakeStep {
        CLIENT_AUTH_ASKED.with(|a| a.set(false));
        let Some((r, resumed)) = self.run(|m, t| (m.handshake(t), m.resumed())) else {
            return HandshakeStep::Failed(unbound());
        };
        self.client_auth_pending |= CLIENT_AUTH_ASKED.with(|a| a.take());
        match r {
            Ok(Step::Done(())) if !self.verdict_reported => {
                self.verdict_reported = true;
                self.alpn = self.conn.as_ref().and_then(|m| m.conn.alpn_protocol()).and_then(|p| alloc::ffi::CString::new(p).ok());
                HandshakeStep::Resumed(resumed)
            }
            Ok(Step::Done(())) => HandshakeStep::Done,
            Ok(Step::WantRead) => HandshakeStep::WantRead,
            Ok(Step::WantWrite) => HandshakeStep::WantWrite,
            Err(EngineError::Tls(rustls::Error::AlertReceived(a))) => HandshakeStep::AlertReceived(Some(u8::from(a))),
            Err(e) => HandshakeStep::Failed(error_of(&e, true)),
        }
    }

    /// rustls sends its own bad_certificate alert when the verifier refuses.
    pub(crate) fn refuse_certificate(&mut self) {}

    /// rustls keeps its sessions itself (`TicketStore`).
    pub(crate) fn store_session(&mut self, _key: crate::tls::session::SessionKey) {}

    pub(crate) fn read_decrypted(&mut self, buf: &mut [u8]) -> Option<usize> {
        let m = self.conn.as_mut()?;
        (m.buffered() > 0).then(|| m.take_plaintext(buf))
    }

    pub(crate) fn read(&mut self, buf: &mut [u8]) -> core::result::Result<ReadStep, IoStop> {
        let Some(r) = self.run(|m, t| m.read(t, buf)) else { return Err(IoStop::Failed(unbound())) };
        if core::mem::take(&mut self.client_auth_pending) {
            let tls13 = self.conn.as_ref().and_then(|m| m.protocol_version()) == Some("TLSv1.3");
            match &r {
                // The server's verdict on the client certificate: the code a refused certificate
                // has on TLS 1.2 (QL_SSL_ERROR_HS_FAILURE), with the server's alert named.
                Err(EngineError::Tls(rustls::Error::AlertReceived(a))) if tls13 => return Err(IoStop::Failed(Error::HandshakeAlert(Some(u8::from(*a))))),
                Ok(Step::WantRead) | Ok(Step::WantWrite) => self.client_auth_pending = true,
                _ => {}
            }
        }
        match r {
            Ok(Step::Done(0)) => Ok(ReadStep::ClosedByPeer),
            Ok(Step::Done(n)) => Ok(ReadStep::Data(n)),
            Ok(Step::WantRead) => Err(IoStop::WantRead),
            Ok(Step::WantWrite) => Err(IoStop::WantWrite),
            Err(e) => Err(io_stop(e)),
        }
    }

    pub(crate) fn write(&mut self, buf: &[u8]) -> core::result::Result<usize, IoStop> {
        let Some(r) = self.run(|m, t| m.write(t, buf)) else { return Err(IoStop::Failed(unbound())) };
        match r {
            Ok(Step::Done(n)) => Ok(n),
            Ok(Step::WantRead) => Err(IoStop::WantRead),
            Ok(Step::WantWrite) => Err(IoStop::WantWrite),
            Err(e) => Err(io_stop(e)),
        }
    }

    pub(crate) fn close_notify(&mut self) -> Result<()> {
        let Some(r) = self.run(|m, t| m.close_notify(t)) else { return Err(unbound()) };
        match r {
            Ok(Step::Done(())) => Ok(()),
            Ok(Step::WantRead) => Err(Error::WantRead),
            Ok(Step::WantWrite) => Err(Error::WantWrite),
            Err(e) => Err(error_of(&e, false)),
        }
    }

    pub(crate) fn bytes_available(&self) -> usize {
        self.conn.as_ref().map_or(0, |m| m.buffered())
    }

    pub(crate) fn version_name(&mut self) -> Option<&'static str> {
        self.conn.as_ref()?.protocol_version()
    }

    /// The negotiated suite's name as the 2.28 engine spells it (the log's "handshake done"
    /// line): mbedtls's own name of a TLS 1.2 suite, mbedtls 3's for TLS 1.3's three.
    pub(crate) fn suite_name(&mut self) -> Option<&'static str> {
        match self.ciphersuite()? {
            0x1301 => Some("TLS1-3-AES-128-GCM-SHA256"),
            0x1302 => Some("TLS1-3-AES-256-GCM-SHA384"),
            0x1303 => Some("TLS1-3-CHACHA20-POLY1305-SHA256"),
            // SAFETY: a lookup in mbedtls's static suite table; a static string ("unknown" for an
            // id it does not have), never NULL.
            id => unsafe { core::ffi::CStr::from_ptr(mbedtls_sys::ssl_get_ciphersuite_name(c_int::from(id))) }.to_str().ok(),
        }
    }

    pub(crate) fn ciphersuite(&self) -> Option<u16> {
        self.conn.as_ref()?.ciphersuite()
    }

    /// The ALPN protocol the server selected (None: none offered or answered, or not yet).
    pub(crate) fn negotiated_alpn(&self) -> Option<&core::ffi::CStr> {
        self.alpn.as_deref()
    }
}

fn unbound() -> Error {
    Error::Internal("TLS 1.3 engine without its connection".into())
}

/// A read or write failure as the typed step's stop: a fatal alert from the peer is named.
fn io_stop(e: EngineError) -> IoStop {
    match e {
        EngineError::Tls(rustls::Error::AlertReceived(a)) => IoStop::Alert(Some(u8::from(a))),
        e => IoStop::Failed(error_of(&e, false)),
    }
}

#[cfg(test)]
mod tests {
    use super::record_bytes_missing;

    #[test]
    fn handshake_reads_stop_at_the_record_being_completed() {
        assert_eq!(record_bytes_missing(&[]), 5);
        assert_eq!(record_bytes_missing(&[22, 3, 3]), 2);
        // A header announcing 4 bytes, 1 of them here.
        assert_eq!(record_bytes_missing(&[22, 3, 3, 0, 4, 9]), 3);
        // One whole record: the next header.
        assert_eq!(record_bytes_missing(&[22, 3, 3, 0, 1, 9]), 5);
        // A whole record, then a part of the next one's header.
        assert_eq!(record_bytes_missing(&[22, 3, 3, 0, 1, 9, 23, 3]), 3);
    }
}
