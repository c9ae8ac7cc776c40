//! The config vocabulary of the C API: one row per `ql_ssl_config_type_e` item, with the argument
//! shapes `ql_ssl_conf_set`/`ql_ssl_conf_get` read and the documentation of those arguments.
//! Everything that must agree on the shapes is generated from this table by `tests/items.rs`
//! (`QLSSL_BLESS=1 cargo test --release --test items` rewrites, a plain run checks they are
//! current): the variadic shim's shape tables (`src/capi/shim_shapes.h`), the argument lists in
//! the header's docs of `ql_ssl_conf_set`/`ql_ssl_conf_get` (cbindgen.toml's trailer, then
//! include/ql_ssl.h), and the fuzzer's shape lists (`fuzz/shapes/conf_shapes.rs`).
//!
//! A new item is one row here plus its handler: the value check and storage in `config::set`/`get`
//! (and, when it reaches a connection, a `Settings` field and a `ConfigItem` variant).

use crate::capi::abi::ql_ssl_config_type_e as T;
use crate::tls::config_item::ConfigKind;
use ConfigKind as K;

/// What the shim reads after `type` (`va_arg`s, in order) into the `qlssl_va_args` record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Nothing (unknown type, write-only item's get).
    None,
    /// `int` → `i` (and `u`).
    Int,
    /// `uint32_t` → `u` (and `i`).
    U32,
    /// One pointer → `p[0]`.
    Ptr1,
    /// Two pointers → `p[0..2]`.
    Ptr2,
    /// Three pointers → `p[0..3]`.
    Ptr3,
    /// Four pointers → `p[0..4]`.
    Ptr4,
    /// `void *, size_t` → `p[0], n[0]`.
    Buf,
    /// `void *, size_t, void *, size_t, void *` → `p[0], n[0], p[1], n[1], p[2]`.
    OwnBuf,
    /// `void *, int` → `p[0], i`.
    PtrInt,
    /// `void *, int, void *, int` → `p[0], i, p[1], j`.
    PtrIntPtrInt,
}

impl Shape {
    /// The shim's name for the shape.
    pub fn c_name(self) -> &'static str {
        match self {
            Shape::None => "ARGS_NONE",
            Shape::Int => "ARGS_INT",
            Shape::U32 => "ARGS_U32",
            Shape::Ptr1 => "ARGS_PTR1",
            Shape::Ptr2 => "ARGS_PTR2",
            Shape::Ptr3 => "ARGS_PTR3",
            Shape::Ptr4 => "ARGS_PTR4",
            Shape::Buf => "ARGS_BUF",
            Shape::OwnBuf => "ARGS_OWNBUF",
            Shape::PtrInt => "ARGS_PTR_INT",
            Shape::PtrIntPtrInt => "ARGS_PTR_INT_PTR_INT",
        }
    }
}

/// One config item.
#[derive(Debug)]
pub struct Item {
    /// The `ql_ssl_config_type_e` value (the SDK's).
    pub id: i32,
    /// The core's name for the item (`ConfigItem::kind`): this table is the one map between
    /// the core's `ConfigKind` and the SDK's numbers, which only `abi.rs` writes down.
    pub kind: ConfigKind,
    /// The name after `QL_SSL_CONF_`.
    pub name: &'static str,
    /// Arguments of `ql_ssl_conf_set`.
    pub set: Shape,
    /// Arguments of `ql_ssl_conf_get` (output pointers).
    pub get: Shape,
    /// The set arguments, as the header documents them (first line).
    pub set_doc: &'static str,
    /// Further lines, aligned under `set_doc`.
    pub set_more: &'static [&'static str],
    /// A paragraph under the item.
    pub notes: &'static [&'static str],
    /// The get arguments, as the header documents them.
    pub get_doc: &'static str,
}

impl Item {
    /// A row whose argument docs are one line each and which has no notes; `more` and `notes`
    /// add the rest.
    pub const fn new(
        ty: T,
        kind: ConfigKind,
        name: &'static str,
        set: Shape,
        get: Shape,
        set_doc: &'static str,
        get_doc: &'static str,
    ) -> Item {
        Item { id: ty as i32, kind, name, set, get, set_doc, set_more: &[], notes: &[], get_doc }
    }

    /// The row with further lines of set-argument docs.
    pub const fn more(self, set_more: &'static [&'static str]) -> Item {
        Item { set_more, ..self }
    }

    /// The row with a paragraph of notes.
    pub const fn notes(self, notes: &'static [&'static str]) -> Item {
        Item { notes, ..self }
    }
}

/// An item set with one `int` and read back through one `int *`, with nothing more to say (most
/// of the vendor's switches and numbers).
const fn int_item(ty: T, kind: ConfigKind, name: &'static str, set_doc: &'static str) -> Item {
    Item::new(ty, kind, name, Shape::Int, Shape::Ptr1, set_doc, "int *")
}

/// The get docs of the items that cannot be read back.
const WRITE_ONLY: &str = "write-only, QL_SSL_ERROR_NOT_SUPPORT (see ca_cert_buffer[])";

/// Every item, in id order.
pub const ITEMS: &[Item] = &[
    int_item(T::QL_SSL_CONF_VERSION, K::Version, "VERSION", "int  ql_ssl_version_type_e (0..4)"),
    int_item(T::QL_SSL_CONF_TRANSPORT, K::Transport, "TRANSPORT", "int  0 TLS, 1 DTLS"),
    Item::new(T::QL_SSL_CONF_CIPHERSUITE, K::Ciphersuites, "CIPHERSUITE", Shape::Ptr1, Shape::Ptr1, "int *list", "int ** (the config's zero-terminated list; valid until the next set or free)")
    .notes(&[
        "The config keeps its own zero-terminated copy (visible in conf->ciphersuites).",
        "A list in static storage or on the calling thread's stack is borrowed: it must end with 0",
        "(or with 0xFFFF, \"all\") and is never freed by the library. Any other list is taken to come",
        "from malloc(), as in the SDK demo: it is read up to the first 0, the end of its malloc block",
        "or the first value that is not a cipher-suite id (so the demo's unterminated two-int list",
        "works), and the config adopts it: it is freed by the next CIPHERSUITE set or by",
        "ql_ssl_conf_free(); the application must not free it.",
        "Every QL_SSL_TLS_* id is accepted; a suite this build cannot negotiate (the ones",
        "ql_ssl_ciphersuit_is_valid() answers 0 for: NULL, single-DES, EC J-PAKE) makes the set fail",
        "with QL_SSL_ERROR_NOT_SUPPORT, keeps the previous list and leaves a refused malloc'd list",
        "to the application; ql_ssl_last_error() names the suite. Other values: INVALID_PARAM.",
        "An explicit list is offered exactly (RC4 and 3DES included when listed); ql_ssl_setup()",
        "fails with QL_SSL_ERROR_BAD_REQUEST when none of its suites fits the configured",
        "version/transport/PSK (PSK suites without a PSK: the text names the PSK items).",
        "VERIFY_SERVER with only PSK, DHE-PSK or ECDHE-PSK suites needs no CA (no certificate).",
        "0xFFFF (or NULL) selects \"all\": mbedtls's default list, which covers the module's table",
        "except RC4 and 3DES (mbedtls 2.28 offers those only when listed explicitly) and adds",
        "newer suites (AES-GCM with ECDSA, ChaCha20-Poly1305, ...).",
    ]),
    int_item(T::QL_SSL_CONF_AUTHMODE, K::AuthMode, "AUTHMODE", "int  ql_ssl_authmode_e (0..3)"),
    Item::new(T::QL_SSL_CONF_CACERT, K::CaCertPaths, "CACERT", Shape::PtrInt, Shape::Ptr2, "char **paths, int count   (the SDK demo's shape:", "char ***paths, int *count: *paths = conf->ca_cert_path (the config's own array, NULL-padded), *count = slots up to the last non-NULL path (0 = none)")
    .more(&[
        "char *p = \"UFS:cacert.pem\"; ...(&cfg, QL_SSL_CONF_CACERT, &p, 1))",
        "count 1..QL_MAX_CA_CERT_CNT non-NULL paths, copied; they",
        "REPLACE the whole CA path list (setting it again on the",
        "same config never overflows). paths NULL clears the list.",
        "PEM or DER; \"UFS:name\" resolves under $QLSSL_UFS_DIR",
        "(default: working directory).",
    ]),
    Item::new(T::QL_SSL_CONF_OWNCERT, K::OwnCert, "OWNCERT", Shape::Ptr3, Shape::Ptr3, "const char *cert_path, const char *key_path,", "char **cert_path, char **key_path, char **key_pwd")
    .more(&[
        "const char *key_pwd (NULL if the key is not encrypted);",
        "client_cert_type = QL_SSL_CLIENT_CERT_FILE",
    ]),
    int_item(T::QL_SSL_CONF_SNI, K::Sni, "SNI", "int  0/1"),
    Item::new(T::QL_SSL_CONF_HS_TIMEOUT, K::HandshakeTimeout, "HS_TIMEOUT", Shape::Int, Shape::Ptr1, "int  seconds, any value >= 1 (default", "int *")
    .more(&["QL_SSL_NEGOTIATE_TIME_DEF = 300; SDK code passes 60, 5000)"]),
    int_item(T::QL_SSL_CONF_IGNORE_LOCALTM, K::IgnoreLocalTime, "IGNORE_LOCALTM", "int  0/1 (default 1): accept expired/not-yet-valid certs"),
    Item::new(T::QL_SSL_CONF_HS_TIMEOUT_FUNC, K::TimeoutCallback, "HS_TIMEOUT_FUNC", Shape::Ptr2, Shape::Ptr2, "ql_ssl_handshake_timeout_cb cb, void *arg", "ql_ssl_handshake_timeout_cb *cb, void **arg"),
    int_item(T::QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN, K::IgnoreInvalidCertSign, "IGNORE_INVALID_CERT_SIGN", "int 0/1: forgive MBEDTLS_X509_BADCERT_NOT_TRUSTED"),
    Item::new(T::QL_SSL_CONF_IGNORE_CERT_ITEM, K::IgnoreCertItem, "IGNORE_CERT_ITEM", Shape::U32, Shape::Ptr1, "uint32_t mask of MBEDTLS_X509_BADCERT_* bits, 0..0xFFFFF", "uint32_t *"),
    int_item(T::QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY, K::IgnoreMultiCertChainVerify, "IGNORE_MULTI_CERTCHAIN_VERIFY", "int 0/1"),
    int_item(T::QL_SSL_CONF_SESSION_CACHE, K::SessionCache, "SESSION_CACHE", "int  0/1"),
    Item::new(T::QL_SSL_CONF_CACERT_BUFFER, K::CaCertBuffer, "CACERT_BUFFER", Shape::Buf, Shape::None, "const unsigned char *buf, size_t len (copied, appended,", WRITE_ONLY)
    .more(&[
        "up to QL_MAX_CA_CERT_CNT; (NULL, 0) clears them); the copy,",
        "NUL-terminated, is in conf->ca_cert_buffer[]",
    ]),
    Item::new(T::QL_SSL_CONF_OWNCERT_BUFFER, K::OwnCertBuffer, "OWNCERT_BUFFER", Shape::OwnBuf, Shape::None, "const unsigned char *cert, size_t cert_len,", WRITE_ONLY)
    .more(&[
        "const unsigned char *key, size_t key_len,",
        "const char *key_pwd (copied);",
        "client_cert_type = QL_SSL_CLIENT_CERT_BUFFER",
    ]),
    int_item(T::QL_SSL_CONF_DTLSVERSION, K::DtlsVersion, "DTLSVERSION", "int  0 DTLS 1.0, 1 DTLS 1.2"),
    Item::new(T::QL_SSL_CONF_PSK_IDENTITY, K::PskIdentity, "PSK_IDENTITY", Shape::Ptr1, Shape::Ptr1, "const char *identity (copied)", "char ** (owned by the config; PSK_KEY as hex)"),
    Item::new(T::QL_SSL_CONF_PSK_KEY, K::PskKeyHex, "PSK_KEY", Shape::Ptr1, Shape::Ptr1, "const char *hex (copied; even number of hex digits, 2..128)", "char ** (owned by the config; PSK_KEY as hex)"),
    int_item(T::QL_SSL_CONF_RENEGOTIATION, K::Renegotiation, "RENEGOTIATION", "int  0/1"),
    Item::new(T::QL_SSL_CONF_PSK, K::Psk, "PSK", Shape::PtrIntPtrInt, Shape::Ptr4, "(21, the older SDK's item 7)", "const unsigned char **key, int *key_len, const unsigned char **identity, int *identity_len (raw bytes owned by the config; NULL/0 when no PSK is set)")
    .more(&[
        "const unsigned char *key, int key_len,",
        "const unsigned char *identity, int identity_len",
        "RAW key bytes (1..64), identity bytes (1..255, no NUL);",
        "the same PSK as PSK_IDENTITY + PSK_KEY (last set wins)",
    ]),
    // This library's extension items (docs/IOT.md), numbered from 100 after the vendor's range.
    Item::new(T::QL_SSL_CONF_ALPN, K::Alpn, "ALPN", Shape::PtrInt, Shape::Ptr2, "const char **protocols, int count (extension: 1..16", "const char *const **protocols, int *count (the config's NULL-terminated copy)")
    .more(&["names of 1..255 bytes, copied, offered in order; NULL clears)"])
    .notes(&["ql_ssl_get_alpn() names the protocol the server selected (NULL: none)."]),
    int_item(T::QL_SSL_CONF_MAX_FRAG_LEN, K::MaxFragLen, "MAX_FRAG_LEN", "int  extension: 0 (off), 512, 1024, 2048, 4096"),
    Item::new(T::QL_SSL_CONF_PIN_SHA256, K::PinSha256, "PIN_SHA256", Shape::PtrInt, Shape::Ptr2, "const unsigned char *hashes, int count (extension:", "const unsigned char **hashes, int *count")
    .more(&["count 1..16 SHA-256 digests of a DER SubjectPublicKeyInfo,", "32 bytes each, back to back; copied; NULL clears)"])
    .notes(&[
        "The server's leaf key must match one: besides the chain under VERIFY_SERVER, alone",
        "under VERIFY_NULL; a mismatch fails the handshake (verify flag 0x100000).",
    ]),
    int_item(T::QL_SSL_CONF_CA_BUNDLE, K::CaBundle, "CA_BUNDLE", "int  extension: 0/1, trust the built-in root bundle too"),
    Item::new(T::QL_SSL_CONF_SESSION_STORE, K::SessionStore, "SESSION_STORE", Shape::Ptr1, Shape::Ptr1, "const char *path (extension; \"UFS:name\" allowed; copied;", "char ** (owned by the config; NULL when unset)")
    .more(&["NULL clears; needs QL_SSL_CONF_SESSION_CACHE on)"]),
];

/// The row of config type `id`.
pub fn item(id: i32) -> Option<&'static Item> {
    ITEMS.iter().find(|i| i.id == id)
}

/// The row of the core's `kind`.
pub fn row_of(kind: ConfigKind) -> Option<&'static Item> {
    ITEMS.iter().find(|i| i.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_match_the_sdk_enum() {
        let vendor: Vec<&Item> = ITEMS.iter().filter(|i| i.id < 100).collect();
        for (k, row) in vendor.iter().enumerate() {
            assert_eq!(row.id, k as i32 + 1, "the vendor's rows are in id order without gaps");
        }
        assert_eq!(vendor.len(), T::QL_SSL_CONF_PSK as usize);
        for (k, row) in ITEMS.iter().filter(|i| i.id >= 100).enumerate() {
            assert_eq!(row.id, 100 + k as i32, "the extension rows follow from 100 without gaps");
        }
        assert_eq!(item(T::QL_SSL_CONF_SESSION_STORE as i32).unwrap().name, "SESSION_STORE");
        assert_eq!(item(T::QL_SSL_CONF_CACERT as i32).unwrap().name, "CACERT");
        assert_eq!(item(T::QL_SSL_CONF_IGNORE_CERT_ITEM as i32).unwrap().set, Shape::U32);
        assert!(item(0).is_none() && item(22).is_none());
    }

    #[test]
    fn every_kind_has_one_row() {
        for (k, row) in ITEMS.iter().enumerate() {
            assert!(ITEMS[..k].iter().all(|r| r.kind != row.kind), "{:?} has two rows", row.kind);
            assert_eq!(row_of(row.kind).map(|r| r.id), Some(row.id));
        }
    }
}
