//! The typed config vocabulary: one config item with its value (`ConfigItem`) and which item
//! (`ConfigKind`; the C adapter's item table gives each its `ql_ssl_config_type_e` number). The
//! contexts service takes and returns these; the C adapter turns its argument records into them.
//! Part of the core so that both can import it without an import circle (tests/layers.rs).

#[allow(unused_imports)]
use crate::prelude::*;

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
}

/// Which config item (the `type` of `ql_ssl_conf_get`). The SDK's numbers are the C adapter's:
/// its item table (`src/capi/items.rs`) maps each kind to its `ql_ssl_config_type_e` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigKind {
    Version,
    Transport,
    Ciphersuites,
    AuthMode,
    CaCertPaths,
    OwnCert,
    Sni,
    HandshakeTimeout,
    IgnoreLocalTime,
    TimeoutCallback,
    IgnoreInvalidCertSign,
    IgnoreCertItem,
    IgnoreMultiCertChainVerify,
    SessionCache,
    CaCertBuffer,
    OwnCertBuffer,
    DtlsVersion,
    PskIdentity,
    PskKeyHex,
    Renegotiation,
    Psk,
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
        }
    }
}
