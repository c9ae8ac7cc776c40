//! The typed config vocabulary: one config item with its value (`ConfigItem`) and which item
//! (`ConfigKind`; the C adapter's item table gives each its `ql_ssl_config_type_e` number). The
//! contexts service takes and returns these; the C adapter turns its argument records into them.
//! Part of the core so that both can import it without an import circle (tests/layers.rs).

use core::ffi::c_int;

use alloc::ffi::CString;

#[allow(unused_imports)]
use crate::prelude::*;
use crate::tls::ciphers;
use crate::tls::error::{Error, Result};
use crate::tls::settings::*;
use crate::tls::iot::IotOptions;
#[cfg(feature = "ext-items")]
use crate::tls::iot::{max_frag_len_code, ALPN_MAX_NAME, ALPN_MAX_PROTOCOLS, PIN_LEN, PIN_MAX};

// ---- the checks of single values, shared with the C adapter's struct checks ----

/// A version value (`what` names the item or the struct field): the vendor's 0..=4, or one of the
/// TLS 1.3 values, refused with NotSupported where this build cannot serve them (never mapped to
/// an older version).
pub fn check_version(v: c_int, what: &'static str) -> Result<c_int> {
    match v {
        0..=4 => Ok(v),
        VERSION_TLS13 | VERSION_TLS12_TLS13 if cfg!(feature = "tls13") => Ok(v),
        VERSION_TLS13 => Err(Error::NotSupported("QL_SSL_VERSION_4 (TLS 1.3) needs a build with the TLS 1.3 engine (cargo feature tls13)")),
        VERSION_TLS12_TLS13 => Err(Error::NotSupported("QL_SSL_VERSION_TLS12_TLS13 needs a build with the TLS 1.3 engine (cargo feature tls13)")),
        _ => Err(Error::InvalidParam(what)),
    }
}

/// A 0/1 switch.
pub fn check_flag(v: c_int) -> Result<c_int> {
    match v {
        0 | 1 => Ok(v),
        _ => Err(Error::InvalidParam("value must be 0 or 1")),
    }
}

/// `v` within `lo..=hi`, else InvalidParam naming `what`.
pub fn check_range(v: c_int, lo: c_int, hi: c_int, what: &'static str) -> Result<c_int> {
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(Error::InvalidParam(what))
    }
}

/// A PSK identity: 1..=255 bytes without NUL.
pub fn check_psk_identity(id: &[u8]) -> Result<()> {
    if id.is_empty() || id.len() > PSK_IDENTITY_MAX || id.contains(&0) {
        return Err(Error::InvalidParam("PSK identity must be 1..=255 bytes without NUL"));
    }
    Ok(())
}

/// The PSK key is given as a hex string (as the AT command does): 2..=128 hex digits, even count.
pub fn parse_psk_hex(s: &[u8]) -> Result<Vec<u8>> {
    if s.is_empty() || !s.len().is_multiple_of(2) || s.len() > 128 {
        return Err(Error::InvalidParam("PSK key must be an even number (2..=128) of hex digits"));
    }
    s.chunks(2)
        .map(|pair| {
            let txt = core::str::from_utf8(pair).map_err(|_| Error::InvalidParam("PSK key is not hex"))?;
            u8::from_str_radix(txt, 16).map_err(|_| Error::InvalidParam("PSK key is not hex"))
        })
        .collect()
}

// ---- the rules that span several values, shared by the typed config and the C struct path ----

/// A CA path list of `n` entries: 1..=QL_MAX_CA_CERT_CNT (10). (An empty list clears: not checked.)
pub fn check_ca_count(n: usize) -> Result<()> {
    if n == 0 || n > MAX_CA_CERTS {
        return Err(Error::InvalidParam("CA path count must be 1..=QL_MAX_CA_CERT_CNT (10)"));
    }
    Ok(())
}

/// One more CA buffer after `n` of them.
pub fn check_ca_buffer_room(n: usize) -> Result<()> {
    if n >= MAX_CA_CERTS {
        return Err(Error::InvalidParam("already QL_MAX_CA_CERT_CNT CA buffers; set NULL to clear"));
    }
    Ok(())
}

/// An `ignore_certitem` mask: only the MBEDTLS_X509_BADCERT_* bits (0..=0xFFFFF).
pub fn check_certitem(v: u32) -> Result<u32> {
    if v > CERTITEM_ALL {
        return Err(Error::InvalidParam("ignore_certitem must be 0..=1048575"));
    }
    Ok(v)
}

/// An explicit cipher-suite list: 1..=every suite, each a known id this build can negotiate.
pub fn check_cipher_list(ids: &[u16]) -> Result<()> {
    if ids.is_empty() || ids.len() > MAX_CIPHER_IDS {
        return Err(Error::InvalidParam("cipher list is empty or longer than every suite"));
    }
    for &id in ids {
        let id = c_int::from(id);
        if !ciphers::is_known(id) {
            return Err(Error::InvalidParam("unknown cipher-suite id in list"));
        }
        ciphers::check_supported(id)?;
    }
    Ok(())
}

/// The lengths of a raw PSK (`QL_SSL_CONF_PSK`): key 1..=64 bytes, identity 1..=255 bytes (then
/// `check_psk_identity`).
pub fn check_raw_psk(key_len: usize, identity_len: usize) -> Result<()> {
    if key_len == 0 || key_len > PSK_KEY_MAX {
        return Err(Error::InvalidParam("PSK key length must be 1..=64 bytes"));
    }
    if identity_len == 0 || identity_len > PSK_IDENTITY_MAX {
        return Err(Error::InvalidParam("PSK identity length must be 1..=255 bytes"));
    }
    Ok(())
}

/// Two settings that go together: both set, or neither (`rule` names them).
#[inline]
pub fn both_or_neither<A, B>(a: Option<A>, b: Option<B>, rule: &'static str) -> Result<Option<(A, B)>> {
    match (a, b) {
        (Some(a), Some(b)) => Ok(Some((a, b))),
        (None, None) => Ok(None),
        _ => Err(Error::InvalidParam(rule)),
    }
}

/// The PSK's rule for `both_or_neither`.
pub const PSK_PAIR: &str = "PSK identity and key must be set together";
/// The client certificate files' rule for `both_or_neither`.
pub const CERT_FILES_PAIR: &str = "own_cert_path and own_key_path must be set together";

/// Certificate file, key file, key password.
pub type CertFiles = (CString, CString, Option<CString>);

/// The client certificate a connection presents: the source set last (`from_buffer`, the SDK's
/// `client_cert_type`), the other one only a fallback when that one is not configured.
#[inline]
pub fn client_cert_choice(
    mut files: Option<CertFiles>,
    mut buffer: Option<OwnCertBuffer>,
    from_buffer: bool,
) -> (Option<CertFiles>, Option<OwnCertBuffer>) {
    if from_buffer {
        if buffer.is_some() {
            files = None;
        }
    } else if files.is_some() {
        buffer = None;
    }
    (files, buffer)
}

/// The core's half of the item table (src/tls/item_table.rs): `ConfigItem`, `ConfigKind` and the
/// extension items' typed set/get. The C columns are the adapter's.
macro_rules! core_items {
    ($( {$(#[$doc:meta])*} $id:literal $name:ident $kind:ident $payload:tt $set:ident $get:ident $c:tt $set_doc:literal $more:tt $notes:tt $get_doc:literal [$($field:ident $setter:ident $max:literal)?]; )*) => {
        /// One config item with its value, the typed form of `ql_ssl_conf_set(conf, type, ...)`.
        /// Ranges and rules are the C API's (documented on `ql_ssl_config_type_e` in the header).
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum ConfigItem {
            $( $(#[$doc])* $kind $payload, )*
            /// No client certificate files: clears what `OwnCert` set. The typed API's own item (the C API
            /// cannot clear `QL_SSL_CONF_OWNCERT`); the AT engine's erase of `clientcert`/`clientkey`.
            NoOwnCert,
        }

        /// Which config item (the `type` of `ql_ssl_conf_get`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum ConfigKind {
            $( $kind, )*
        }

        impl ConfigItem {
            pub fn kind(&self) -> ConfigKind {
                match self {
                    $( ConfigItem::$kind { .. } => ConfigKind::$kind, )*
                    ConfigItem::NoOwnCert => ConfigKind::OwnCert,
                }
            }
        }

        impl ConfigKind {
            /// Every kind, in the table's order.
            pub const ALL: &'static [ConfigKind] = &[$( ConfigKind::$kind, )*];

            /// The item's number: the SDK's `ql_ssl_config_type_e` value, or ours from 100.
            pub const fn id(self) -> i32 {
                match self {
                    $( ConfigKind::$kind => $id, )*
                }
            }

            /// The kind of item number `id`.
            pub const fn from_id(id: i32) -> Option<ConfigKind> {
                match id {
                    $( $id => Some(ConfigKind::$kind), )*
                    _ => None,
                }
            }
        }

        impl IotOptions {
            /// Set one extension item (the typed front ends' path; the C adapter reads its arguments
            /// into the same setters). Not an extension item: None.
            pub fn set_item(&mut self, item: ConfigItem) -> Option<Result<()>> {
                if !item.kind().is_extension() {
                    return None;
                }
                #[cfg(not(feature = "ext-items"))]
                {
                    // A vendor-API-only build: refused, never stored and silently not applied.
                    let _ = item;
                    Some(Err(EXT_ITEMS_NOT_BUILT))
                }
                #[cfg(feature = "ext-items")]
                {
                    Some(match item {
                        $($( ConfigItem::$kind(v) => self.$setter(v), )?)*
                        _ => return None,
                    })
                }
            }

            /// Read one extension item back; None for another kind.
            pub fn item(&self, kind: ConfigKind) -> Option<ConfigItem> {
                match kind {
                    $($( ConfigKind::$kind => Some(ConfigItem::$kind(ItemValue::item_value(&self.$field))), )?)*
                    _ => None,
                }
            }
        }
    };
}

crate::tls::item_table::with_config_items!(core_items);

/// The first extension item's number (after the vendor's range).
const EXTENSION_BASE: i32 = 100;

impl ConfigKind {
    /// One of this library's extension items (docs/IOT.md), not the vendor's.
    pub const fn is_extension(self) -> bool {
        self.id() >= EXTENSION_BASE
    }
}

/// A stored extension setting as its typed item's payload.
trait ItemValue<P> {
    fn item_value(&self) -> P;
}

impl<T: Clone> ItemValue<T> for T {
    fn item_value(&self) -> T {
        self.clone()
    }
}

impl ItemValue<Vec<String>> for Vec<CString> {
    fn item_value(&self) -> Vec<String> {
        self.iter().map(|n| n.to_string_lossy().into_owned()).collect()
    }
}

impl ItemValue<Option<String>> for Option<CString> {
    fn item_value(&self) -> Option<String> {
        self.as_ref().map(|p| p.to_string_lossy().into_owned())
    }
}

impl ItemValue<i32> for u16 {
    fn item_value(&self) -> i32 {
        i32::from(*self)
    }
}

/// One config as typed values: what the contexts service keeps for each of the per-id configs
/// 0..=5 (`ql_ssl_conf_set_by_id`'s `ctx_id`, AT's `<SSL_ctxID>`). `Clone`, no pointers: a front
/// end reads and writes it only in `ConfigItem`s (`set`, `get`) and sets connections up from
/// `settings`. The defaults are the module AT manual's, as `ql_ssl_conf_init`'s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedConfig {
    pub version: i32,
    pub transport: i32,
    /// IANA ids; `[0xFFFF]` = all suites.
    pub ciphers: Vec<u16>,
    pub auth_mode: i32,
    pub ca_paths: Vec<String>,
    /// Client certificate and key files, key password.
    pub own_cert: Option<(String, String, Option<String>)>,
    pub sni: bool,
    pub hs_timeout: i32,
    pub ignore_localtime: bool,
    /// The C callback's address (0 = none) and its argument.
    pub timeout_callback: (usize, usize),
    pub ignore_invalid_certsign: bool,
    pub ignore_certitem: u32,
    pub ignore_multi_certchain_verify: bool,
    pub session_cache: bool,
    pub ca_buffers: Vec<Vec<u8>>,
    pub own_cert_buffer: Option<OwnCertBuffer>,
    /// Which client certificate source was set last (the SDK's `client_cert_type`): the buffer
    /// (true) or the files; the other one is the fallback.
    pub cert_from_buffer: bool,
    pub dtls_version: i32,
    pub psk_identity: Option<Vec<u8>>,
    /// The PSK key: raw bytes and the hex text `PskKeyHex` reads back.
    pub psk_key: Option<(Vec<u8>, String)>,
    pub renegotiation: bool,
    /// The extension items (docs/IOT.md).
    pub iot: crate::tls::iot::IotOptions,
}

impl Default for TypedConfig {
    fn default() -> Self {
        TypedConfig {
            version: 4,
            transport: 0,
            ciphers: vec![CIPHERSUITE_ALL],
            auth_mode: 0,
            ca_paths: Vec::new(),
            own_cert: None,
            sni: false,
            hs_timeout: HS_TIMEOUT_DEFAULT,
            ignore_localtime: true,
            timeout_callback: (0, 0),
            ignore_invalid_certsign: false,
            ignore_certitem: 0,
            ignore_multi_certchain_verify: false,
            session_cache: false,
            ca_buffers: Vec::new(),
            own_cert_buffer: None,
            cert_from_buffer: false,
            dtls_version: 1,
            psk_identity: None,
            psk_key: None,
            renegotiation: false,
            iot: Default::default(),
        }
    }
}

/// The "all suites" id.
const CIPHERSUITE_ALL: u16 = 0xFFFF;

/// A string value: no NUL, at most `MAX_STRING` bytes.
fn check_string(s: &[u8]) -> Result<()> {
    if s.contains(&0) {
        return Err(Error::InvalidParam("string contains a NUL byte"));
    }
    if s.len() > MAX_STRING {
        return Err(Error::InvalidParam("string argument longer than 4096 bytes"));
    }
    Ok(())
}

/// Certificate data: 1..=1 MiB bytes.
fn check_data(d: &[u8]) -> Result<()> {
    if d.is_empty() || d.len() > MAX_CERT_DATA {
        return Err(Error::InvalidParam("buffer is NULL, empty or larger than 1 MiB"));
    }
    Ok(())
}

fn cstring(s: &[u8]) -> Result<CString> {
    CString::new(s).map_err(|_| Error::InvalidParam("string contains a NUL byte"))
}

impl TypedConfig {
    /// Set one item, with the checks `ql_ssl_conf_set` makes; on error nothing changes.
    pub fn set(&mut self, item: ConfigItem) -> Result<()> {
        match item {
            ConfigItem::Version(v) => {
                self.version = check_version(v, "version must be 0..=4, QL_SSL_VERSION_4 or QL_SSL_VERSION_TLS12_TLS13")?
            }
            ConfigItem::Transport(v) => self.transport = check_flag(v)?,
            ConfigItem::Ciphersuites(ids) => {
                check_cipher_list(&ids)?;
                self.ciphers = ids;
            }
            ConfigItem::AuthMode(v) => self.auth_mode = check_range(v, 0, 3, "auth mode must be 0..=3")?,
            ConfigItem::CaCertPaths(paths) => {
                if !paths.is_empty() {
                    check_ca_count(paths.len())?;
                }
                for p in &paths {
                    check_string(p.as_bytes())?;
                    if p.is_empty() {
                        return Err(Error::InvalidParam("a CA path in the array is empty"));
                    }
                }
                self.ca_paths = paths;
            }
            ConfigItem::OwnCert { cert, key, password } => {
                for s in [Some(&cert), Some(&key), password.as_ref()].into_iter().flatten() {
                    check_string(s.as_bytes())?;
                }
                self.own_cert = Some((cert, key, password));
                self.cert_from_buffer = false;
            }
            ConfigItem::NoOwnCert => self.own_cert = None,
            ConfigItem::Sni(v) => self.sni = v,
            ConfigItem::HandshakeTimeout(v) => {
                self.hs_timeout = check_range(v, HS_TIMEOUT_MIN, c_int::MAX, "timeout must be at least 1 s")?
            }
            ConfigItem::IgnoreLocalTime(ignore) => {
                if !ignore && !crate::platform::HAS_CALENDAR {
                    // mbedtls on bare metal has no time of day (no MBEDTLS_HAVE_TIME_DATE): it
                    // cannot check validity periods, and silently not checking is worse.
                    return Err(Error::NotSupported("no calendar clock in this build: certificate validity periods cannot be checked"));
                }
                self.ignore_localtime = ignore;
            }
            ConfigItem::TimeoutCallback { cb, arg } => self.timeout_callback = (cb, arg),
            ConfigItem::IgnoreInvalidCertSign(v) => self.ignore_invalid_certsign = v,
            ConfigItem::IgnoreCertItem(v) => self.ignore_certitem = check_certitem(v)?,
            ConfigItem::IgnoreMultiCertChainVerify(v) => self.ignore_multi_certchain_verify = v,
            ConfigItem::SessionCache(v) => self.session_cache = v,
            ConfigItem::CaCertBuffer(None) => self.ca_buffers.clear(),
            ConfigItem::CaCertBuffer(Some(data)) => {
                check_ca_buffer_room(self.ca_buffers.len())?;
                check_data(&data)?;
                self.ca_buffers.push(data);
            }
            ConfigItem::OwnCertBuffer { cert, key, password } => {
                check_data(&cert)?;
                check_data(&key)?;
                if let Some(p) = &password {
                    check_string(p)?;
                }
                self.own_cert_buffer = Some(OwnCertBuffer { cert, key, pwd: password });
                self.cert_from_buffer = true;
            }
            ConfigItem::DtlsVersion(v) => self.dtls_version = check_flag(v)?,
            ConfigItem::PskIdentity(id) => {
                check_psk_identity(&id)?;
                self.psk_identity = Some(id);
            }
            ConfigItem::PskKeyHex(hex) => {
                check_string(hex.as_bytes())?;
                let raw = parse_psk_hex(hex.as_bytes())?;
                self.psk_key = Some((raw, hex));
            }
            ConfigItem::Psk { key, identity } => {
                check_raw_psk(key.len(), identity.len())?;
                check_psk_identity(&identity)?;
                let hex = to_hex(&key);
                self.psk_identity = Some(identity);
                self.psk_key = Some((key, hex));
            }
            ConfigItem::Renegotiation(v) => self.renegotiation = v,
            ext => return self.iot.set_item(ext).unwrap_or(Err(Error::InvalidParam("unknown config item"))),
        }
        Ok(())
    }

    /// Read one item back as `ql_ssl_conf_get` reports it. The certificate buffers are
    /// write-only (NotSupported).
    pub fn get(&self, kind: ConfigKind) -> Result<ConfigItem> {
        Ok(match kind {
            ConfigKind::Version => ConfigItem::Version(self.version),
            ConfigKind::Transport => ConfigItem::Transport(self.transport),
            ConfigKind::Ciphersuites => ConfigItem::Ciphersuites(self.ciphers.clone()),
            ConfigKind::AuthMode => ConfigItem::AuthMode(self.auth_mode),
            ConfigKind::CaCertPaths => ConfigItem::CaCertPaths(self.ca_paths.clone()),
            ConfigKind::OwnCert => match &self.own_cert {
                Some((cert, key, password)) => {
                    ConfigItem::OwnCert { cert: cert.clone(), key: key.clone(), password: password.clone() }
                }
                None => ConfigItem::OwnCert { cert: String::new(), key: String::new(), password: None },
            },
            ConfigKind::Sni => ConfigItem::Sni(self.sni),
            ConfigKind::HandshakeTimeout => ConfigItem::HandshakeTimeout(self.hs_timeout),
            ConfigKind::IgnoreLocalTime => ConfigItem::IgnoreLocalTime(self.ignore_localtime),
            ConfigKind::TimeoutCallback => {
                ConfigItem::TimeoutCallback { cb: self.timeout_callback.0, arg: self.timeout_callback.1 }
            }
            ConfigKind::IgnoreInvalidCertSign => ConfigItem::IgnoreInvalidCertSign(self.ignore_invalid_certsign),
            ConfigKind::IgnoreCertItem => ConfigItem::IgnoreCertItem(self.ignore_certitem),
            ConfigKind::IgnoreMultiCertChainVerify => {
                ConfigItem::IgnoreMultiCertChainVerify(self.ignore_multi_certchain_verify)
            }
            ConfigKind::SessionCache => ConfigItem::SessionCache(self.session_cache),
            ConfigKind::CaCertBuffer | ConfigKind::OwnCertBuffer => {
                return Err(Error::NotSupported("certificate buffers are write-only"))
            }
            ConfigKind::DtlsVersion => ConfigItem::DtlsVersion(self.dtls_version),
            ConfigKind::PskIdentity => ConfigItem::PskIdentity(self.psk_identity.clone().unwrap_or_default()),
            ConfigKind::PskKeyHex => ConfigItem::PskKeyHex(self.psk_key.as_ref().map(|k| k.1.clone()).unwrap_or_default()),
            ConfigKind::Psk => match (&self.psk_key, &self.psk_identity) {
                (Some((key, _)), Some(identity)) => ConfigItem::Psk { key: key.clone(), identity: identity.clone() },
                _ => ConfigItem::Psk { key: Vec::new(), identity: Vec::new() },
            },
            ConfigKind::Renegotiation => ConfigItem::Renegotiation(self.renegotiation),
            ext => {
                if !cfg!(feature = "ext-items") {
                    return Err(EXT_ITEMS_NOT_BUILT);
                }
                self.iot.item(ext).ok_or(Error::InvalidParam("unknown config item"))?
            }
        })
    }

    /// The settings a connection is set up from; `config_handle` keys the session cache.
    pub fn settings(&self, config_handle: c_int) -> Result<Settings> {
        let ciphers = if self.ciphers.contains(&CIPHERSUITE_ALL) {
            CipherChoice::All
        } else {
            CipherChoice::List(self.ciphers.iter().map(|&id| c_int::from(id)).collect())
        };
        let ca_paths = self.ca_paths.iter().map(|p| cstring(p.as_bytes())).collect::<Result<Vec<_>>>()?;
        let files = match &self.own_cert {
            Some((c, k, p)) => Some((cstring(c.as_bytes())?, cstring(k.as_bytes())?, p.as_ref().map(|p| cstring(p.as_bytes())).transpose()?)),
            None => None,
        };
        let (own_cert_path, own_cert_buffer) = client_cert_choice(files, self.own_cert_buffer.clone(), self.cert_from_buffer);
        let psk = both_or_neither(
            self.psk_identity.as_ref().map(|id| cstring(id)).transpose()?,
            self.psk_key.as_ref().map(|k| k.0.clone()),
            PSK_PAIR,
        )?;
        Ok(Settings {
            config_handle,
            version: self.version,
            dtls: self.transport == 1,
            dtls_version: self.dtls_version,
            ciphers,
            auth_mode: self.auth_mode,
            sni: self.sni,
            ca_paths,
            ca_buffers: self.ca_buffers.clone(),
            own_cert_path,
            own_cert_buffer,
            negotiate_timeout_s: self.hs_timeout,
            timeout_hook: (self.timeout_callback.0 != 0)
                .then_some(TimeoutHook { func: self.timeout_callback.0, arg: self.timeout_callback.1 }),
            ignore_localtime: self.ignore_localtime,
            validity_clock: crate::tls::clock::ValidityClock::Host,
            ignore_invalid_certsign: self.ignore_invalid_certsign,
            ignore_certitem: self.ignore_certitem,
            ignore_multi_certchain_verify: self.ignore_multi_certchain_verify,
            session_cache: self.session_cache,
            psk,
            renegotiation: self.renegotiation,
            iot: self.iot.clone(),
        })
    }
}

/// What the extension items answer in a build without the cargo feature `ext-items`.
pub const EXT_ITEMS_NOT_BUILT: Error = Error::NotSupported("this build has no extension items (cargo feature ext-items, docs/IOT.md)");

/// The extension items' value rules (docs/IOT.md), here rather than in `tls/iot.rs`, which the
/// verification code imports: the bundle check would close an import circle there.
impl IotOptions {
    #[cfg(feature = "ext-items")]
    /// `QL_SSL_CONF_ALPN`: 1..=16 names of 1..=255 bytes, offered in order; empty clears.
    pub fn set_alpn(&mut self, names: Vec<String>) -> Result<()> {
        if names.len() > ALPN_MAX_PROTOCOLS {
            return Err(Error::InvalidParam("ALPN protocol count must be 1..=16"));
        }
        for n in &names {
            if n.is_empty() {
                return Err(Error::InvalidParam("an ALPN protocol name is NULL or empty"));
            }
            if n.len() > ALPN_MAX_NAME {
                return Err(Error::InvalidParam("an ALPN protocol name is longer than 255 bytes"));
            }
        }
        self.alpn = names.into_iter().map(cstring_of).collect::<Result<_>>()?;
        Ok(())
    }

    #[cfg(feature = "ext-items")]
    /// `QL_SSL_CONF_MAX_FRAG_LEN`: 0 (off), 512, 1024, 2048 or 4096.
    pub fn set_max_frag_len(&mut self, bytes: i32) -> Result<()> {
        max_frag_len_code(bytes).ok_or(Error::InvalidParam("max fragment length must be 0, 512, 1024, 2048 or 4096"))?;
        self.max_frag_len = bytes as u16;
        Ok(())
    }

    #[cfg(feature = "ext-items")]
    /// `QL_SSL_CONF_PIN_SHA256`: up to 16 digests; empty clears.
    pub fn set_pins(&mut self, pins: Vec<[u8; PIN_LEN]>) -> Result<()> {
        if pins.len() > PIN_MAX {
            return Err(Error::InvalidParam("pin count must be 1..=16"));
        }
        self.pins = pins;
        Ok(())
    }

    #[cfg(feature = "ext-items")]
    /// `QL_SSL_CONF_CA_BUNDLE`: on only where a bundle is built in (or given at run time).
    pub fn set_ca_bundle(&mut self, on: bool) -> Result<()> {
        if on && !crate::tls::bundle::available() {
            return Err(Error::NotSupported("this build has no built-in root bundle (cargo feature ca-bundle; or QLSSL_CA_BUNDLE)"));
        }
        self.ca_bundle = on;
        Ok(())
    }

    #[cfg(feature = "ext-items")]
    /// `QL_SSL_CONF_MIN_VERSION`: 0 (off) or 1..=3 (TLS 1.0, 1.1, 1.2).
    pub fn set_min_version(&mut self, v: i32) -> Result<()> {
        self.min_version = check_range(v, 0, 3, "minimum version must be 0 (off) or 1..=3 (TLS 1.0..1.2)")? as u16;
        Ok(())
    }

    #[cfg(feature = "ext-items")]
    /// `QL_SSL_CONF_SESSION_STORE`: a file path (a `UFS:` name must be a plain name); None clears.
    pub fn set_session_store(&mut self, path: Option<String>) -> Result<()> {
        if let Some(p) = &path {
            if p.is_empty() {
                return Err(Error::InvalidParam("session store path is empty"));
            }
            if p.len() > 4096 {
                return Err(Error::InvalidParam("session store path longer than 4096 bytes"));
            }
            crate::platform::ufs_name(p).map_err(|_| Error::InvalidParam("session store UFS name is not a plain file name"))?;
        }
        self.session_store = path.map(cstring_of).transpose()?;
        Ok(())
    }
}

#[cfg(feature = "ext-items")]
fn cstring_of(s: String) -> Result<CString> {
    CString::new(s).map_err(|_| Error::InvalidParam("string contains a NUL byte"))
}
