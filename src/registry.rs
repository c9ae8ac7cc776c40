//! The contexts service: the library-owned configs 0..=5 (`<SSL_ctxID>` of the AT commands, the
//! `ctx_id` of `ql_ssl_conf_set_by_id`) and the live connections, behind one typed Rust API that
//! every front end uses. The C API (`src/capi/`) is one front end; the AT engine is the next one.
//! Both see the same per-id configs: a value set with `ql_ssl_conf_set_by_id` is what `get`
//! returns here, and the other way round, because both go through the same store and the same
//! validation (`capi::config::set`).
//!
//! Layering: this module sits above the core (`src/tls/`) and beside the front ends; it may use
//! the core and the config store, never a front end's exports.

use core::ffi::{c_char, c_int, c_void, CStr};

use alloc::sync::Arc;

#[allow(unused_imports)]
use crate::prelude::*;

use crate::capi::abi::{ql_ssl_config, ql_ssl_context, ql_ssl_handshake_timeout_cb, qlssl_va_args};
use crate::capi::config;
use crate::platform::sync::{Lazy, Mutex};
use crate::tls::ciphers;
use crate::tls::clock::ValidityClock;
use crate::tls::connection::{Connection, TimeoutNotice};
use crate::tls::context::Context;
use crate::tls::error::{Error, Result};
use crate::tls::handle::HandleTable;

/// A live connection's id (the C API's `ql_ssl_context` value). Never reused in a process.
pub type ConnId = i32;

/// Number of library-owned configs (ids 0..=5).
pub const CONFIG_IDS: usize = 6;

/// One config item with its value, the typed form of `ql_ssl_conf_set(conf, type, ...)`.
/// Ranges and rules are the C API's (documented on `ql_ssl_config_type_e` in the header).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigItem {
    /// `QL_SSL_CONF_VERSION`: 0..=3 pin SSL 3.0/TLS 1.0/1.1/1.2, 4 = all.
    Version(i32),
    /// `QL_SSL_CONF_TRANSPORT`: 0 TLS, 1 DTLS.
    Transport(i32),
    /// `QL_SSL_CONF_CIPHERSUITE`: IANA ids; `[0xFFFF]` = all suites.
    Ciphersuites(Vec<u16>),
    /// `QL_SSL_CONF_AUTHMODE`: 0 none, 1 server, 2 client+server, 3 PSK.
    AuthMode(i32),
    /// `QL_SSL_CONF_CACERT`: replaces the CA path list (1..=10 paths; empty clears it).
    CaCertPaths(Vec<String>),
    /// `QL_SSL_CONF_OWNCERT`: client certificate and key files.
    OwnCert { cert: String, key: String, password: Option<String> },
    /// No client certificate files: clears what `OwnCert` set. The typed API's own item (the C API
    /// cannot clear `QL_SSL_CONF_OWNCERT`); the AT engine's erase of `clientcert`/`clientkey`.
    NoOwnCert,
    /// `QL_SSL_CONF_SNI`.
    Sni(bool),
    /// `QL_SSL_CONF_HS_TIMEOUT`: seconds, >= 1.
    HandshakeTimeout(i32),
    /// `QL_SSL_CONF_IGNORE_LOCALTM`.
    IgnoreLocalTime(bool),
    /// `QL_SSL_CONF_HS_TIMEOUT_FUNC`: address of the C callback `void (*)(ql_ssl_context *, void *)`
    /// (0 = none) and its argument. Only meaningful to a C caller.
    TimeoutCallback { cb: usize, arg: usize },
    /// `QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN`.
    IgnoreInvalidCertSign(bool),
    /// `QL_SSL_CONF_IGNORE_CERT_ITEM`: MBEDTLS_X509_BADCERT_* bits to forgive (0..=0xFFFFF).
    IgnoreCertItem(u32),
    /// `QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY`.
    IgnoreMultiCertChainVerify(bool),
    /// `QL_SSL_CONF_SESSION_CACHE`.
    SessionCache(bool),
    /// `QL_SSL_CONF_CACERT_BUFFER`: appends one CA buffer (PEM or DER); `None` clears them (write-only).
    CaCertBuffer(Option<Vec<u8>>),
    /// `QL_SSL_CONF_OWNCERT_BUFFER`: client certificate and key in memory (write-only).
    OwnCertBuffer { cert: Vec<u8>, key: Vec<u8>, password: Option<Vec<u8>> },
    /// `QL_SSL_CONF_DTLSVERSION`: 0 DTLS 1.0, 1 DTLS 1.2.
    DtlsVersion(i32),
    /// `QL_SSL_CONF_PSK_IDENTITY`: 1..=255 bytes, no NUL.
    PskIdentity(Vec<u8>),
    /// `QL_SSL_CONF_PSK_KEY`: the key as hex text, 2..=128 digits.
    PskKeyHex(String),
    /// `QL_SSL_CONF_PSK`: raw key (1..=64 bytes) and identity.
    Psk { key: Vec<u8>, identity: Vec<u8> },
    /// `QL_SSL_CONF_RENEGOTIATION`.
    Renegotiation(bool),
    /// Extension `QL_SSL_CONF_ALPN` (docs/IOT.md): protocol names in order; empty clears.
    Alpn(Vec<String>),
    /// Extension `QL_SSL_CONF_MAX_FRAG_LEN`: 0, 512, 1024, 2048 or 4096.
    MaxFragLen(i32),
    /// Extension `QL_SSL_CONF_PIN_SHA256`: SHA-256 digests of SubjectPublicKeyInfos; empty clears.
    PinSha256(Vec<[u8; 32]>),
    /// Extension `QL_SSL_CONF_CA_BUNDLE`.
    CaBundle(bool),
    /// Extension `QL_SSL_CONF_SESSION_STORE`: the file (`UFS:name` allowed); None clears.
    SessionStore(Option<String>),
}

/// Which config item (the `type` of `ql_ssl_conf_get`); `as i32` is the SDK's number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum ConfigKind {
    Version = 1,
    Transport = 2,
    Ciphersuites = 3,
    AuthMode = 4,
    CaCertPaths = 5,
    OwnCert = 6,
    Sni = 7,
    HandshakeTimeout = 8,
    IgnoreLocalTime = 9,
    TimeoutCallback = 10,
    IgnoreInvalidCertSign = 11,
    IgnoreCertItem = 12,
    IgnoreMultiCertChainVerify = 13,
    SessionCache = 14,
    CaCertBuffer = 15,
    OwnCertBuffer = 16,
    DtlsVersion = 17,
    PskIdentity = 18,
    PskKeyHex = 19,
    Renegotiation = 20,
    Psk = 21,
    Alpn = 100,
    MaxFragLen = 101,
    PinSha256 = 102,
    CaBundle = 103,
    SessionStore = 104,
}

impl ConfigItem {
    pub fn kind(&self) -> ConfigKind {
        match self {
            ConfigItem::Version(_) => ConfigKind::Version,
            ConfigItem::Transport(_) => ConfigKind::Transport,
            ConfigItem::Ciphersuites(_) => ConfigKind::Ciphersuites,
            ConfigItem::AuthMode(_) => ConfigKind::AuthMode,
            ConfigItem::CaCertPaths(_) => ConfigKind::CaCertPaths,
            ConfigItem::OwnCert { .. } | ConfigItem::NoOwnCert => ConfigKind::OwnCert,
            ConfigItem::Sni(_) => ConfigKind::Sni,
            ConfigItem::HandshakeTimeout(_) => ConfigKind::HandshakeTimeout,
            ConfigItem::IgnoreLocalTime(_) => ConfigKind::IgnoreLocalTime,
            ConfigItem::TimeoutCallback { .. } => ConfigKind::TimeoutCallback,
            ConfigItem::IgnoreInvalidCertSign(_) => ConfigKind::IgnoreInvalidCertSign,
            ConfigItem::IgnoreCertItem(_) => ConfigKind::IgnoreCertItem,
            ConfigItem::IgnoreMultiCertChainVerify(_) => ConfigKind::IgnoreMultiCertChainVerify,
            ConfigItem::SessionCache(_) => ConfigKind::SessionCache,
            ConfigItem::CaCertBuffer(_) => ConfigKind::CaCertBuffer,
            ConfigItem::OwnCertBuffer { .. } => ConfigKind::OwnCertBuffer,
            ConfigItem::DtlsVersion(_) => ConfigKind::DtlsVersion,
            ConfigItem::PskIdentity(_) => ConfigKind::PskIdentity,
            ConfigItem::PskKeyHex(_) => ConfigKind::PskKeyHex,
            ConfigItem::Psk { .. } => ConfigKind::Psk,
            ConfigItem::Renegotiation(_) => ConfigKind::Renegotiation,
            ConfigItem::Alpn(_) => ConfigKind::Alpn,
            ConfigItem::MaxFragLen(_) => ConfigKind::MaxFragLen,
            ConfigItem::PinSha256(_) => ConfigKind::PinSha256,
            ConfigItem::CaBundle(_) => ConfigKind::CaBundle,
            ConfigItem::SessionStore(_) => ConfigKind::SessionStore,
        }
    }
}

/// Where a handshake stands after one `handshake` call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandshakeStep {
    Done,
    /// Non-blocking socket: call again when it is readable.
    WantRead,
    /// Non-blocking socket: call again when it is writable.
    WantWrite,
}

/// Where a connection stands (New, Ready, Handshaking, Established, Closed, Failed): the core's
/// connection phase.
pub use crate::tls::connection::Phase as ConnState;

/// What a connection negotiated and found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnInfo {
    pub state: ConnState,
    /// The negotiated suite's IANA id, once established.
    pub ciphersuite: Option<u16>,
    /// The negotiated protocol ("TLSv1.2", "DTLSv1.2", ...), once established.
    pub version: Option<&'static str>,
    /// The handshake resumed a cached session.
    pub resumed: bool,
    /// MBEDTLS_X509_BADCERT_* bits found before any ignore rule; None without verification.
    pub verify_flags: Option<u32>,
}

/// A library-owned config: the SDK's struct, so that `ql_ssl_conf_get_by_id` can hand out
/// pointers into it exactly as `ql_ssl_conf_get` does for an application's struct.
struct OwnedConfig(Box<ql_ssl_config>);
// SAFETY: the raw pointers inside point to memory owned by the config's extension (or, for an
// adopted cipher list, to a block the config owns); access is serialised by the mutex around it.
unsafe impl Send for OwnedConfig {}

/// The service. One per process: `contexts()`.
pub struct Contexts {
    configs: Vec<Mutex<OwnedConfig>>,
    /// The base keeps connection ids apart from small integers and from config handles.
    conns: HandleTable<Connection, Context>,
}

impl OwnedConfig {
    /// A config with the defaults of `ql_ssl_conf_init`. Boxed: the config store knows a config
    /// by its address, so it must not move.
    fn new() -> Result<OwnedConfig> {
        // SAFETY: an all-zero ql_ssl_config is a valid value (NULL pointers, None callback).
        let mut c: Box<ql_ssl_config> = Box::new(unsafe { core::mem::zeroed() });
        config::init(&mut c)?;
        Ok(OwnedConfig(c))
    }
}

static CONTEXTS: Lazy<Contexts> = Lazy::new(|| Contexts {
    configs: (0..CONFIG_IDS)
        .map(|_| Mutex::new(OwnedConfig::new().expect("initialising a library-owned config")))
        .collect(),
    conns: HandleTable::new(0x0100_0000),
});

/// The process's contexts service.
pub fn contexts() -> &'static Contexts {
    &CONTEXTS
}

/// A C string of ours (NULL → None), copied out.
///
/// # Safety
/// `p` must be NULL or a NUL-terminated string that stays valid during the call.
unsafe fn owned_str(p: *const c_char) -> Option<String> {
    // SAFETY: the caller's contract.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

impl Contexts {
    // ---- per-id configs --------------------------------------------------------------------

    /// Run `f` on library-owned config `ctx_id` (0..=5), locked. For the C adapter, which reads
    /// and writes it with the shim's argument records.
    pub fn with_config<R>(&self, ctx_id: i32, f: impl FnOnce(&mut ql_ssl_config) -> Result<R>) -> Result<R> {
        let slot = usize::try_from(ctx_id)
            .ok()
            .filter(|&i| i < CONFIG_IDS)
            .ok_or(Error::InvalidParam("ctx_id must be 0..=5"))?;
        let mut g = self.configs[slot].lock();
        f(&mut g.0)
    }

    /// Set one item of config `ctx_id`. Validated exactly as `ql_ssl_conf_set_by_id` validates
    /// it (same code); on error the config is unchanged.
    pub fn set(&self, ctx_id: i32, item: ConfigItem) -> Result<()> {
        self.with_config(ctx_id, |c| config::set_item(c, item))
    }

    /// Set several items of config `ctx_id` as one change: all of them, or none when one is
    /// refused. For a front end whose one command carries several items (AT's
    /// `AT+QSSLCFG="psk",<ctx>,<identity>,<key>`). The items are first applied, in order, to a
    /// scratch config with the defaults (the same validation `set` runs), then to config `ctx_id`
    /// under its lock.
    pub fn set_all(&self, ctx_id: i32, items: Vec<ConfigItem>) -> Result<()> {
        self.with_config(ctx_id, |c| {
            let mut scratch = OwnedConfig::new()?;
            let tried = items.iter().try_for_each(|item| config::set_item(&mut scratch.0, item.clone()));
            config::free(&mut scratch.0)?;
            tried?;
            items.into_iter().try_for_each(|item| config::set_item(c, item))
        })
    }

    /// Read one item of config `ctx_id`. The certificate buffers are write-only (NotSupported).
    pub fn get(&self, ctx_id: i32, kind: ConfigKind) -> Result<ConfigItem> {
        self.with_config(ctx_id, |c| {
            // The get runs through the same `config::get` as the C API; the values it points to
            // belong to this locked config and are copied out before the lock is released.
            let mut a = config::empty_args();
            let mut ints = [0 as c_int; 4];
            let mut ptrs: [*mut c_void; 4] = [core::ptr::null_mut(); 4];
            // `kind as c_int` is the SDK's config type (ConfigKind's discriminants are its numbers).
            let mut getp = |kind: ConfigKind, a: &mut qlssl_va_args| -> Result<()> {
                // SAFETY: every output pointer points to a local of the type `config::get` writes
                // for `kind` (an int, an unsigned int or a pointer).
                unsafe { config::get(c, kind as c_int, a) }
            };
            let item = match kind {
                ConfigKind::Version | ConfigKind::Transport | ConfigKind::AuthMode | ConfigKind::Sni
                | ConfigKind::HandshakeTimeout | ConfigKind::IgnoreLocalTime | ConfigKind::IgnoreInvalidCertSign
                | ConfigKind::IgnoreMultiCertChainVerify | ConfigKind::SessionCache | ConfigKind::DtlsVersion
                | ConfigKind::Renegotiation | ConfigKind::IgnoreCertItem => {
                    a.p[0] = &mut ints[0] as *mut c_int as *mut c_void;
                    getp(kind, &mut a)?;
                    let v = ints[0];
                    match kind {
                        ConfigKind::Version => ConfigItem::Version(v),
                        ConfigKind::Transport => ConfigItem::Transport(v),
                        ConfigKind::AuthMode => ConfigItem::AuthMode(v),
                        ConfigKind::Sni => ConfigItem::Sni(v != 0),
                        ConfigKind::HandshakeTimeout => ConfigItem::HandshakeTimeout(v),
                        ConfigKind::IgnoreLocalTime => ConfigItem::IgnoreLocalTime(v != 0),
                        ConfigKind::IgnoreInvalidCertSign => ConfigItem::IgnoreInvalidCertSign(v != 0),
                        ConfigKind::IgnoreMultiCertChainVerify => ConfigItem::IgnoreMultiCertChainVerify(v != 0),
                        ConfigKind::SessionCache => ConfigItem::SessionCache(v != 0),
                        ConfigKind::DtlsVersion => ConfigItem::DtlsVersion(v),
                        ConfigKind::Renegotiation => ConfigItem::Renegotiation(v != 0),
                        _ => ConfigItem::IgnoreCertItem(v as u32),
                    }
                }
                ConfigKind::Ciphersuites => {
                    a.p[0] = &mut ptrs[0] as *mut *mut c_void as *mut c_void;
                    getp(kind, &mut a)?;
                    let mut ids = Vec::new();
                    let mut p = ptrs[0] as *const c_int;
                    // SAFETY: the config's own zero-terminated copy (every set makes one), at
                    // most MAX_LIST entries long.
                    while !p.is_null() && ids.len() < crate::capi::cipherlist::MAX_LIST && unsafe { *p } != 0 {
                        ids.push(unsafe { *p } as u16);
                        // SAFETY: still inside the terminated list.
                        p = unsafe { p.add(1) };
                    }
                    if ids.is_empty() {
                        ids.push(ciphers::QL_SSL_CIPHERSUITE_ALL as u16);
                    }
                    ConfigItem::Ciphersuites(ids)
                }
                ConfigKind::CaCertPaths => {
                    a.p[0] = &mut ptrs[0] as *mut *mut c_void as *mut c_void;
                    a.p[1] = &mut ints[0] as *mut c_int as *mut c_void;
                    getp(kind, &mut a)?;
                    let arr = ptrs[0] as *const *const c_char;
                    let paths = (0..ints[0].max(0) as usize)
                        // SAFETY: the config's own ca_cert_path array; `ints[0]` <= its length.
                        .filter_map(|i| unsafe { owned_str(*arr.add(i)) })
                        .collect();
                    ConfigItem::CaCertPaths(paths)
                }
                ConfigKind::OwnCert => {
                    for (arg, out) in a.p.iter_mut().zip(ptrs.iter_mut()).take(3) {
                        *arg = out as *mut *mut c_void as *mut c_void;
                    }
                    getp(kind, &mut a)?;
                    // SAFETY: NULL or strings the locked config owns.
                    let (cert, key, password) = unsafe {
                        (owned_str(ptrs[0] as _), owned_str(ptrs[1] as _), owned_str(ptrs[2] as _))
                    };
                    ConfigItem::OwnCert { cert: cert.unwrap_or_default(), key: key.unwrap_or_default(), password }
                }
                ConfigKind::TimeoutCallback => {
                    let mut cb: ql_ssl_handshake_timeout_cb = None;
                    a.p[0] = &mut cb as *mut ql_ssl_handshake_timeout_cb as *mut c_void;
                    a.p[1] = &mut ptrs[0] as *mut *mut c_void as *mut c_void;
                    getp(kind, &mut a)?;
                    ConfigItem::TimeoutCallback { cb: cb.map_or(0, |f| f as usize), arg: ptrs[0] as usize }
                }
                ConfigKind::PskIdentity | ConfigKind::PskKeyHex => {
                    a.p[0] = &mut ptrs[0] as *mut *mut c_void as *mut c_void;
                    getp(kind, &mut a)?;
                    // SAFETY: NULL or a string the locked config owns.
                    let s = unsafe { owned_str(ptrs[0] as _) }.unwrap_or_default();
                    if kind == ConfigKind::PskIdentity {
                        ConfigItem::PskIdentity(s.into_bytes())
                    } else {
                        ConfigItem::PskKeyHex(s)
                    }
                }
                ConfigKind::Psk => {
                    a.p[0] = &mut ptrs[0] as *mut *mut c_void as *mut c_void;
                    a.p[1] = &mut ints[0] as *mut c_int as *mut c_void;
                    a.p[2] = &mut ptrs[1] as *mut *mut c_void as *mut c_void;
                    a.p[3] = &mut ints[1] as *mut c_int as *mut c_void;
                    getp(kind, &mut a)?;
                    let bytes = |p: *mut c_void, n: c_int| -> Vec<u8> {
                        if p.is_null() || n <= 0 {
                            Vec::new()
                        } else {
                            // SAFETY: `n` bytes the locked config owns.
                            unsafe { core::slice::from_raw_parts(p as *const u8, n as usize) }.to_vec()
                        }
                    };
                    ConfigItem::Psk { key: bytes(ptrs[0], ints[0]), identity: bytes(ptrs[1], ints[1]) }
                }
                ConfigKind::CaCertBuffer | ConfigKind::OwnCertBuffer => {
                    return Err(Error::NotSupported("certificate buffers are write-only"))
                }
                ConfigKind::Alpn | ConfigKind::MaxFragLen | ConfigKind::PinSha256 | ConfigKind::CaBundle | ConfigKind::SessionStore => {
                    let iot = config::iot_of(c)?;
                    match kind {
                        ConfigKind::Alpn => ConfigItem::Alpn(iot.alpn.iter().map(|n| n.to_string_lossy().into_owned()).collect()),
                        ConfigKind::MaxFragLen => ConfigItem::MaxFragLen(i32::from(iot.max_frag_len)),
                        ConfigKind::PinSha256 => ConfigItem::PinSha256(iot.pins),
                        ConfigKind::CaBundle => ConfigItem::CaBundle(iot.ca_bundle),
                        _ => ConfigItem::SessionStore(iot.session_store.map(|p| p.to_string_lossy().into_owned())),
                    }
                }
            };
            Ok(item)
        })
    }

    // ---- connections -----------------------------------------------------------------------

    /// A new connection, not set up (the C API's `ql_ssl_new`).
    pub fn create(&self) -> Result<ConnId> {
        self.conns.insert(Connection::new())
    }

    /// Run `f` on connection `id`, locked (calls that never wait for the socket).
    pub fn with_conn<R>(&self, id: ConnId, f: impl FnOnce(&mut Connection) -> Result<R>) -> Result<R> {
        self.conns.get(id)?.with(f)
    }

    /// Connection `id`, for the calls that may wait for the socket (src/tls/context.rs).
    pub fn context(&self, id: ConnId) -> Result<Arc<Context>> {
        self.conns.get(id)
    }

    /// A connection set up from config `ctx_id` on the application's connected socket, with the
    /// host name for SNI and the name check. The handshake has not started.
    pub fn open(&self, ctx_id: i32, socket_fd: i32, hostname: Option<&str>) -> Result<ConnId> {
        self.open_with_clock(ctx_id, socket_fd, hostname, ValidityClock::Host)
    }

    /// `open`, with the certificate validity period judged against `clock` when the config does
    /// not ignore the local time (a front end modelling a device clock: AT's `AT+CCLK`).
    pub fn open_with_clock(&self, ctx_id: i32, socket_fd: i32, hostname: Option<&str>, clock: ValidityClock) -> Result<ConnId> {
        // SAFETY: a library-owned config's pointer members point only into its own extension.
        let mut settings = self.with_config(ctx_id, |c| unsafe { config::settings_of(c) })?;
        settings.validity_clock = clock;
        let mut conn = Connection::new();
        conn.setup(settings)?;
        conn.set_socket_fd(socket_fd)?;
        if let Some(name) = hostname {
            if name.is_empty() || name.len() > config::MAX_HOSTNAME || name.as_bytes().contains(&0) {
                return Err(Error::InvalidParam("host name must be 1..=255 bytes without NUL"));
            }
            conn.set_hostname(name.as_bytes())?;
        }
        self.conns.insert(conn)
    }

    /// Run (or continue) the handshake; the raw form the C API uses: the timeout callback to
    /// call (with every lock released) comes back with the result.
    pub fn handshake_step(&self, id: ConnId) -> Result<(Result<()>, Option<TimeoutNotice>)> {
        Ok(self.context(id)?.handshake())
    }

    /// Run (or continue) the handshake. Blocking socket: returns when done or failed.
    /// A timeout callback set with `QL_SSL_CONF_HS_TIMEOUT_FUNC` is called with a pointer to the
    /// connection id, as the C API calls it with the application's `ql_ssl_context *`.
    pub fn handshake(&self, id: ConnId) -> Result<HandshakeStep> {
        let (result, notice) = self.handshake_step(id)?;
        if let Some(n) = notice {
            let mut handle: ql_ssl_context = id;
            // SAFETY: hooks are made only from `ql_ssl_handshake_timeout_cb` values (the C API
            // is the only front end with callbacks); the handle pointer is valid for the call.
            unsafe { config::timeout_callback(n.hook.func)(&mut handle, n.hook.arg as *mut c_void) };
        }
        match result {
            Ok(()) => Ok(HandshakeStep::Done),
            Err(Error::WantRead) => Ok(HandshakeStep::WantRead),
            Err(Error::WantWrite) => Ok(HandshakeStep::WantWrite),
            Err(e) => Err(e),
        }
    }

    /// Read decrypted bytes; 0 once the peer sent close_notify. WantRead on a non-blocking socket.
    pub fn read(&self, id: ConnId, buf: &mut [u8]) -> Result<usize> {
        self.context(id)?.read(buf)
    }

    /// Bytes mbedtls has already decrypted, served without a socket call or the read path's
    /// waiting machinery; None (nothing done) when `read` must decide (see
    /// `Context::read_buffered`). The C API's fast path for small reads.
    #[inline]
    pub fn read_buffered(&self, id: ConnId, buf: &mut [u8]) -> Option<usize> {
        self.conns.peek(id, |c| c.read_buffered(buf)).flatten()
    }

    /// Write at most one record; returns the bytes taken.
    pub fn write(&self, id: ConnId, buf: &[u8]) -> Result<usize> {
        self.context(id)?.write(buf)
    }

    /// Decrypted bytes readable without touching the socket.
    pub fn bytes_available(&self, id: ConnId) -> Result<usize> {
        self.with_conn(id, |c| c.bytes_avail())
    }

    /// State and negotiated parameters of connection `id`.
    pub fn info(&self, id: ConnId) -> Result<ConnInfo> {
        self.with_conn(id, |c| {
            Ok(ConnInfo {
                state: c.phase(),
                ciphersuite: c.ciphersuite(),
                version: c.protocol_version(),
                resumed: c.resumed(),
                verify_flags: c.verify_flags(),
            })
        })
    }

    /// Send close_notify (the connection stays until `close`).
    pub fn close_notify(&self, id: ConnId) -> Result<()> {
        self.context(id)?.close_notify()
    }

    /// Release connection `id` (the socket stays the application's and is not touched again).
    /// Tasks inside the connection are woken and leave with InvalidParam; returns after they left.
    pub fn close(&self, id: ConnId) -> Result<()> {
        let ctx = self.conns.remove(id)?;
        ctx.free();
        // The memory goes with the last reference (normally this one).
        drop(ctx);
        Ok(())
    }

    /// Number of live connections (leak checks in tests).
    pub fn live_connections(&self) -> usize {
        self.conns.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_the_sdk_numbers() {
        use crate::capi::abi::ql_ssl_config_type_e as T;
        let pairs = [
            (ConfigKind::Version as i32, T::QL_SSL_CONF_VERSION as i32),
            (ConfigKind::Transport as i32, T::QL_SSL_CONF_TRANSPORT as i32),
            (ConfigKind::Ciphersuites as i32, T::QL_SSL_CONF_CIPHERSUITE as i32),
            (ConfigKind::AuthMode as i32, T::QL_SSL_CONF_AUTHMODE as i32),
            (ConfigKind::CaCertPaths as i32, T::QL_SSL_CONF_CACERT as i32),
            (ConfigKind::OwnCert as i32, T::QL_SSL_CONF_OWNCERT as i32),
            (ConfigKind::Sni as i32, T::QL_SSL_CONF_SNI as i32),
            (ConfigKind::HandshakeTimeout as i32, T::QL_SSL_CONF_HS_TIMEOUT as i32),
            (ConfigKind::IgnoreLocalTime as i32, T::QL_SSL_CONF_IGNORE_LOCALTM as i32),
            (ConfigKind::TimeoutCallback as i32, T::QL_SSL_CONF_HS_TIMEOUT_FUNC as i32),
            (ConfigKind::IgnoreInvalidCertSign as i32, T::QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN as i32),
            (ConfigKind::IgnoreCertItem as i32, T::QL_SSL_CONF_IGNORE_CERT_ITEM as i32),
            (ConfigKind::IgnoreMultiCertChainVerify as i32, T::QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY as i32),
            (ConfigKind::SessionCache as i32, T::QL_SSL_CONF_SESSION_CACHE as i32),
            (ConfigKind::CaCertBuffer as i32, T::QL_SSL_CONF_CACERT_BUFFER as i32),
            (ConfigKind::OwnCertBuffer as i32, T::QL_SSL_CONF_OWNCERT_BUFFER as i32),
            (ConfigKind::DtlsVersion as i32, T::QL_SSL_CONF_DTLSVERSION as i32),
            (ConfigKind::PskIdentity as i32, T::QL_SSL_CONF_PSK_IDENTITY as i32),
            (ConfigKind::PskKeyHex as i32, T::QL_SSL_CONF_PSK_KEY as i32),
            (ConfigKind::Renegotiation as i32, T::QL_SSL_CONF_RENEGOTIATION as i32),
            (ConfigKind::Psk as i32, T::QL_SSL_CONF_PSK as i32),
        ];
        for (kind, sdk) in pairs {
            assert_eq!(kind, sdk);
        }
    }

    #[test]
    fn typed_items_round_trip_and_are_checked() {
        let c = contexts();
        // Config 5 is not touched by the C API tests of this crate.
        c.set(5, ConfigItem::HandshakeTimeout(42)).unwrap();
        assert_eq!(c.get(5, ConfigKind::HandshakeTimeout).unwrap(), ConfigItem::HandshakeTimeout(42));
        assert!(c.set(5, ConfigItem::HandshakeTimeout(0)).is_err());
        assert_eq!(c.get(5, ConfigKind::HandshakeTimeout).unwrap(), ConfigItem::HandshakeTimeout(42));
        c.set(5, ConfigItem::CaCertPaths(vec!["a.pem".into(), "b.pem".into()])).unwrap();
        assert_eq!(
            c.get(5, ConfigKind::CaCertPaths).unwrap(),
            ConfigItem::CaCertPaths(vec!["a.pem".into(), "b.pem".into()])
        );
        c.set(5, ConfigItem::Ciphersuites(vec![0xC02F, 0x009C])).unwrap();
        assert_eq!(c.get(5, ConfigKind::Ciphersuites).unwrap(), ConfigItem::Ciphersuites(vec![0xC02F, 0x009C]));
        assert!(c.set(5, ConfigItem::Ciphersuites(vec![0x0001])).is_err(), "NULL suite: not in this build");
        c.set(5, ConfigItem::Psk { key: vec![1, 2, 3], identity: b"id".to_vec() }).unwrap();
        assert_eq!(c.get(5, ConfigKind::PskKeyHex).unwrap(), ConfigItem::PskKeyHex("010203".into()));
        assert_eq!(c.get(5, ConfigKind::PskIdentity).unwrap(), ConfigItem::PskIdentity(b"id".to_vec()));
        assert!(c.set(6, ConfigItem::Sni(true)).is_err());
        assert!(c.get(-1, ConfigKind::Sni).is_err());
        assert!(c.get(5, ConfigKind::CaCertBuffer).is_err());
        // Back to the defaults for other tests.
        c.set(5, ConfigItem::HandshakeTimeout(300)).unwrap();
        c.set(5, ConfigItem::CaCertPaths(Vec::new())).unwrap();
        c.set(5, ConfigItem::Ciphersuites(vec![0xFFFF])).unwrap();
    }

    #[test]
    fn set_all_changes_all_items_or_none() {
        let c = contexts();
        // Config 4: no other test of this binary uses it.
        c.set_all(4, vec![ConfigItem::PskIdentity(b"first".to_vec()), ConfigItem::PskKeyHex("0A0b".into())]).unwrap();
        assert_eq!(c.get(4, ConfigKind::PskIdentity).unwrap(), ConfigItem::PskIdentity(b"first".to_vec()));
        assert_eq!(c.get(4, ConfigKind::PskKeyHex).unwrap(), ConfigItem::PskKeyHex("0A0b".into()));
        // The second item is refused (odd digit count): the first is not applied either.
        let bad = vec![ConfigItem::PskIdentity(b"second".to_vec()), ConfigItem::PskKeyHex("abc".into())];
        assert!(matches!(c.set_all(4, bad), Err(Error::InvalidParam(_))));
        assert_eq!(c.get(4, ConfigKind::PskIdentity).unwrap(), ConfigItem::PskIdentity(b"first".to_vec()));
        assert_eq!(c.get(4, ConfigKind::PskKeyHex).unwrap(), ConfigItem::PskKeyHex("0A0b".into()));
        // The first refused: nothing changes.
        let bad = vec![ConfigItem::PskIdentity(Vec::new()), ConfigItem::PskKeyHex("0102".into())];
        assert!(c.set_all(4, bad).is_err());
        assert_eq!(c.get(4, ConfigKind::PskKeyHex).unwrap(), ConfigItem::PskKeyHex("0A0b".into()));
        assert!(c.set_all(6, vec![ConfigItem::Sni(true)]).is_err());
    }

    #[test]
    fn unknown_connection_ids_fail() {
        let c = contexts();
        for id in [0, -1, 1, i32::MAX] {
            assert_eq!(c.info(id).unwrap_err(), Error::BadHandle);
            assert!(c.close(id).is_err());
        }
    }
}
