//! THE config-item table: every item of `ql_ssl_conf_set`/`ql_ssl_conf_get` (and of the typed
//! API), one row each. Everything that names items comes from here:
//! - the core's `ConfigKind` and `ConfigItem` (src/tls/config_item.rs), and the extension items'
//!   typed set/get (`IotOptions::set_item`/`item`);
//! - the C adapter's rows (`src/capi/items.rs`: id, argument shapes, header docs) and the
//!   extension items' C argument decoding (`src/capi/iot_items.rs`);
//! - through `tests/items.rs` (`QLSSL_BLESS=1 cargo test --release --test items`): the body of
//!   `ql_ssl_config_type_e` in src/capi/abi.rs, the shim's shape tables (src/capi/shim_shapes.h),
//!   the header's argument docs of `ql_ssl_conf_set`/`ql_ssl_conf_get` (cbindgen.toml) and the
//!   fuzzer's shape lists (fuzz/shapes/conf_shapes.rs).
//!
//! A row: the typed item's docs; the id (the SDK's number, or ours from 100); the name after
//! `QL_SSL_CONF_`; the `ConfigKind`/`ConfigItem` variant with its payload; the shapes `set` and
//! `get` read after `type` (`capi::items::Shape`); `c`: the enum constant's docs; `set`, `notes`,
//! `get`: the header's argument docs. An extension row ends with `ext <IotOptions field>
//! <setter> <most list entries or string bytes read from C>`: its handler is that setter (the
//! value rules) and the engine's use of the field. The vendor items' handlers are the SDK
//! struct's members (`capi::config::set`/`get`) and `TypedConfig::set`/`get`.
//!
//! Plain data: no C type is named here (the shapes are names the C adapter interprets).

/// Calls macro `$then` with the table's rows, each on one line in the form
/// `{docs} id NAME Kind payload set get [c docs] "set doc" [more] [notes] "get doc" [ext];`
/// (parsed once, by `config_item_rows`).
macro_rules! with_config_items {
    ($then:ident) => {
        $crate::tls::item_table::config_item_rows! { $then
            /// `QL_SSL_CONF_VERSION`: 0..=3 pin SSL 3.0/TLS 1.0/1.1/1.2, 4 = all.
            1 VERSION Version(i32) Int Ptr1
                c [
                    "set: `int` (ql_ssl_version_type_e, 0..4); get: `int *`.",
                ]
                set "int  ql_ssl_version_type_e (0..4)" []
                notes []
                get "int *";
            /// `QL_SSL_CONF_TRANSPORT`: 0 TLS, 1 DTLS.
            2 TRANSPORT Transport(i32) Int Ptr1
                c [
                    "set: `int` (ql_ssl_transport_type_e, 0/1); get: `int *`.",
                ]
                set "int  0 TLS, 1 DTLS" []
                notes []
                get "int *";
            /// `QL_SSL_CONF_CIPHERSUITE`: IANA ids; `[0xFFFF]` = all suites.
            3 CIPHERSUITE Ciphersuites(Vec<u16>) Ptr1 Ptr1
                c [
                    "set: `int *list` (cipher-suite ids; see the ownership rules at ql_ssl_conf_set);",
                    "get: `int **` (the config's zero-terminated copy).",
                ]
                set "int *list" []
                notes [
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
                ]
                get "int ** (the config's zero-terminated list; valid until the next set or free)";
            /// `QL_SSL_CONF_AUTHMODE`: 0 none, 1 server, 2 client+server, 3 PSK.
            4 AUTHMODE AuthMode(i32) Int Ptr1
                c [
                    "set: `int` (ql_ssl_authmode_e, 0..3); get: `int *`.",
                ]
                set "int  ql_ssl_authmode_e (0..3)" []
                notes []
                get "int *";
            /// `QL_SSL_CONF_CACERT`: replaces the CA path list (1..=10 paths; empty clears it).
            5 CACERT CaCertPaths(Vec<String>) PtrInt Ptr2
                c [
                    "set: `char **paths, int count` (the SDK's shape: `char *p = \"UFS:cacert.pem\";",
                    "ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT, &p, 1)`): count 1..QL_MAX_CA_CERT_CNT non-NULL",
                    "paths, copied; they REPLACE the config's whole CA path list (`ca_cert_path[]`, unused slots",
                    "NULL), so setting it again on the same config never overflows. `paths` NULL clears the list",
                    "(count is then ignored). get: `char ***paths, int *count`: `*paths` = the config's own",
                    "`ca_cert_path` array, `*count` = number of slots up to the last non-NULL one (0 = none).",
                ]
                set "char **paths, int count   (the SDK demo's shape:" [
                    "char *p = \"UFS:cacert.pem\"; ...(&cfg, QL_SSL_CONF_CACERT, &p, 1))",
                    "count 1..QL_MAX_CA_CERT_CNT non-NULL paths, copied; they",
                    "REPLACE the whole CA path list (setting it again on the",
                    "same config never overflows). paths NULL clears the list.",
                    "PEM or DER; \"UFS:name\" resolves under $QLSSL_UFS_DIR",
                    "(default: working directory).",
                ]
                notes []
                get "char ***paths, int *count: *paths = conf->ca_cert_path (the config's own array, NULL-padded), *count = slots up to the last non-NULL path (0 = none)";
            /// `QL_SSL_CONF_OWNCERT`: client certificate and key files.
            6 OWNCERT OwnCert{ cert: String, key: String, password: Option<String> } Ptr3 Ptr3
                c [
                    "set: `const char *cert_path, const char *key_path, const char *key_pwd` (pwd may be NULL;",
                    "copied; `client_cert_type` becomes QL_SSL_CLIENT_CERT_FILE);",
                    "get: `char **cert_path, char **key_path, char **key_pwd`.",
                ]
                set "const char *cert_path, const char *key_path," [
                    "const char *key_pwd (NULL if the key is not encrypted);",
                    "client_cert_type = QL_SSL_CLIENT_CERT_FILE",
                ]
                notes []
                get "char **cert_path, char **key_path, char **key_pwd";
            /// `QL_SSL_CONF_SNI`.
            7 SNI Sni(bool) Int Ptr1
                c [
                    "set: `int` (0/1); get: `int *`.",
                ]
                set "int  0/1" []
                notes []
                get "int *";
            /// `QL_SSL_CONF_HS_TIMEOUT`: seconds, >= 1.
            8 HS_TIMEOUT HandshakeTimeout(i32) Int Ptr1
                c [
                    "set: `int` seconds, any value >= 1 (the SDK passes 60 and 5000; default",
                    "QL_SSL_NEGOTIATE_TIME_DEF); get: `int *`.",
                ]
                set "int  seconds, any value >= 1 (default" [
                    "QL_SSL_NEGOTIATE_TIME_DEF = 300; SDK code passes 60, 5000)",
                ]
                notes []
                get "int *";
            /// `QL_SSL_CONF_IGNORE_LOCALTM`.
            9 IGNORE_LOCALTM IgnoreLocalTime(bool) Int Ptr1
                c [
                    "set: `int` (0/1, default 1: accept expired/not-yet-valid certificates); get: `int *`.",
                ]
                set "int  0/1 (default 1): accept expired/not-yet-valid certs" []
                notes []
                get "int *";
            /// `QL_SSL_CONF_HS_TIMEOUT_FUNC`: address of the C callback `void (*)(ql_ssl_context *, void *)`
            /// (0 = none) and its argument. Only meaningful to a C caller.
            10 HS_TIMEOUT_FUNC TimeoutCallback{ cb: usize, arg: usize } Ptr2 Ptr2
                c [
                    "set: `ql_ssl_handshake_timeout_cb cb, void *arg`; get: `ql_ssl_handshake_timeout_cb *cb, void **arg`.",
                ]
                set "ql_ssl_handshake_timeout_cb cb, void *arg" []
                notes []
                get "ql_ssl_handshake_timeout_cb *cb, void **arg";
            /// `QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN`.
            11 IGNORE_INVALID_CERT_SIGN IgnoreInvalidCertSign(bool) Int Ptr1
                c [
                    "set: `int` (0/1); get: `int *`.",
                ]
                set "int 0/1: forgive MBEDTLS_X509_BADCERT_NOT_TRUSTED" []
                notes []
                get "int *";
            /// `QL_SSL_CONF_IGNORE_CERT_ITEM`: MBEDTLS_X509_BADCERT_* bits to forgive (0..=0xFFFFF).
            12 IGNORE_CERT_ITEM IgnoreCertItem(u32) U32 Ptr1
                c [
                    "set: `uint32_t` bit mask (0..0xFFFFF); get: `uint32_t *`.",
                ]
                set "uint32_t mask of MBEDTLS_X509_BADCERT_* bits, 0..0xFFFFF" []
                notes []
                get "uint32_t *";
            /// `QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY`.
            13 IGNORE_MULTI_CERTCHAIN_VERIFY IgnoreMultiCertChainVerify(bool) Int Ptr1
                c [
                    "set: `int` (0/1); get: `int *`.",
                ]
                set "int 0/1" []
                notes []
                get "int *";
            /// `QL_SSL_CONF_SESSION_CACHE`.
            14 SESSION_CACHE SessionCache(bool) Int Ptr1
                c [
                    "set: `int` (0/1); get: `int *`.",
                ]
                set "int  0/1" []
                notes []
                get "int *";
            /// `QL_SSL_CONF_CACERT_BUFFER`: appends one CA buffer (PEM or DER); `None` clears them (write-only).
            15 CACERT_BUFFER CaCertBuffer(Option<Vec<u8>>) Buf None
                c [
                    "set: `const unsigned char *buf, size_t len` (PEM or DER, copied, appended to the CA list, up",
                    "to QL_MAX_CA_CERT_CNT; `buf` NULL with `len` 0 clears them). `ca_cert_buffer[i]` then points to",
                    "the config's NUL-terminated copy. get: not readable (NOT_SUPPORT); read `ca_cert_buffer[]`.",
                ]
                set "const unsigned char *buf, size_t len (copied, appended," [
                    "up to QL_MAX_CA_CERT_CNT; (NULL, 0) clears them); the copy,",
                    "NUL-terminated, is in conf->ca_cert_buffer[]",
                ]
                notes []
                get "write-only, QL_SSL_ERROR_NOT_SUPPORT (see ca_cert_buffer[])";
            /// `QL_SSL_CONF_OWNCERT_BUFFER`: client certificate and key in memory (write-only).
            16 OWNCERT_BUFFER OwnCertBuffer{ cert: Vec<u8>, key: Vec<u8>, password: Option<Vec<u8>> } OwnBuf None
                c [
                    "set: `const unsigned char *cert, size_t cert_len, const unsigned char *key, size_t key_len,",
                    "const char *pwd` (copied; `client_cert_type` becomes QL_SSL_CLIENT_CERT_BUFFER);",
                    "get: not readable (NOT_SUPPORT).",
                ]
                set "const unsigned char *cert, size_t cert_len," [
                    "const unsigned char *key, size_t key_len,",
                    "const char *key_pwd (copied);",
                    "client_cert_type = QL_SSL_CLIENT_CERT_BUFFER",
                ]
                notes []
                get "write-only, QL_SSL_ERROR_NOT_SUPPORT (see ca_cert_buffer[])";
            /// `QL_SSL_CONF_DTLSVERSION`: 0 DTLS 1.0, 1 DTLS 1.2.
            17 DTLSVERSION DtlsVersion(i32) Int Ptr1
                c [
                    "set: `int` (ql_ssl_dtls_version_enum: 0 = DTLS 1.0, 1 = DTLS 1.2); get: `int *`.",
                ]
                set "int  0 DTLS 1.0, 1 DTLS 1.2" []
                notes []
                get "int *";
            /// `QL_SSL_CONF_PSK_IDENTITY`: 1..=255 bytes, no NUL.
            18 PSK_IDENTITY PskIdentity(Vec<u8>) Ptr1 Ptr1
                c [
                    "set: `const char *identity` (1..QL_SSL_PSK_IDENTITY_LENGTH_MAX bytes, copied); get: `char **`.",
                ]
                set "const char *identity (copied)" []
                notes []
                get "char ** (owned by the config; PSK_KEY as hex)";
            /// `QL_SSL_CONF_PSK_KEY`: the key as hex text, 2..=128 digits.
            19 PSK_KEY PskKeyHex(String) Ptr1 Ptr1
                c [
                    "set: `const char *key`: the key as a hex string (2..128 digits, even count, copied);",
                    "get: `char **` (hex; lower case when the key was set by QL_SSL_CONF_PSK).",
                ]
                set "const char *hex (copied; even number of hex digits, 2..128)" []
                notes []
                get "char ** (owned by the config; PSK_KEY as hex)";
            /// `QL_SSL_CONF_RENEGOTIATION`.
            20 RENEGOTIATION Renegotiation(bool) Int Ptr1
                c [
                    "set: `int` (ql_ssl_renegotiation_type_e, 0/1); get: `int *`.",
                ]
                set "int  0/1" []
                notes []
                get "int *";
            /// `QL_SSL_CONF_PSK`: raw key (1..=64 bytes) and identity.
            21 PSK Psk{ key: Vec<u8>, identity: Vec<u8> } PtrIntPtrInt Ptr4
                c [
                    "The older SDK generation's PSK item (its number was 7). set: `const unsigned char *key,",
                    "int key_len, const unsigned char *identity, int identity_len`: the RAW key bytes (1..64;",
                    "not hex) and the identity bytes (1..QL_SSL_PSK_IDENTITY_LENGTH_MAX, no NUL), both copied.",
                    "It sets the same PSK as QL_SSL_CONF_PSK_IDENTITY + QL_SSL_CONF_PSK_KEY (the last set wins).",
                    "get: `const unsigned char **key, int *key_len, const unsigned char **identity,",
                    "int *identity_len` (the config's copies; NULL and 0 when no PSK is set).",
                ]
                set "(21, the older SDK's item 7)" [
                    "const unsigned char *key, int key_len,",
                    "const unsigned char *identity, int identity_len",
                    "RAW key bytes (1..64), identity bytes (1..255, no NUL);",
                    "the same PSK as PSK_IDENTITY + PSK_KEY (last set wins)",
                ]
                notes []
                get "const unsigned char **key, int *key_len, const unsigned char **identity, int *identity_len (raw bytes owned by the config; NULL/0 when no PSK is set)";
            /// Extension `QL_SSL_CONF_ALPN` (docs/IOT.md): protocol names in order; empty clears.
            // This library's extension items (docs/IOT.md), numbered from 100 after the vendor's range;
            // `ext` names the `IotOptions` field, its setter (the value rules) and the most list entries
            // or string bytes the C reader takes.
            100 ALPN Alpn(Vec<String>) PtrInt Ptr2
                c [
                    "Extension (this library's, not the vendor's; docs/IOT.md). set: `const char **protocols,",
                    "int count` (1..16 names of 1..255 bytes, copied, offered in order; `protocols` NULL clears);",
                    "get: `const char *const **protocols, int *count` (the config's NULL-terminated copy).",
                    "After the handshake ql_ssl_get_alpn() names the protocol the server selected.",
                ]
                set "const char **protocols, int count (extension: 1..16" [
                    "names of 1..255 bytes, copied, offered in order; NULL clears)",
                ]
                notes [
                    "ql_ssl_get_alpn() names the protocol the server selected (NULL: none).",
                ]
                get "const char *const **protocols, int *count (the config's NULL-terminated copy)"
                ext alpn set_alpn 16;
            /// Extension `QL_SSL_CONF_MAX_FRAG_LEN`: 0, 512, 1024, 2048 or 4096.
            101 MAX_FRAG_LEN MaxFragLen(i32) Int Ptr1
                c [
                    "Extension. set: `int` bytes: 0 (off), 512, 1024, 2048 or 4096 (RFC 6066 max_fragment_length);",
                    "get: `int *`.",
                ]
                set "int  extension: 0 (off), 512, 1024, 2048, 4096" []
                notes []
                get "int *"
                ext max_frag_len set_max_frag_len 0;
            /// Extension `QL_SSL_CONF_PIN_SHA256`: SHA-256 digests of SubjectPublicKeyInfos; empty clears.
            102 PIN_SHA256 PinSha256(Vec<[u8; 32]>) PtrInt Ptr2
                c [
                    "Extension. set: `const unsigned char *hashes, int count`: `count` (1..16) SHA-256 digests of",
                    "a DER SubjectPublicKeyInfo, 32 bytes each, back to back (copied; `hashes` NULL clears). The",
                    "server's leaf key must match one: besides the chain under VERIFY_SERVER, alone under",
                    "VERIFY_NULL. get: `const unsigned char **hashes, int *count`.",
                ]
                set "const unsigned char *hashes, int count (extension:" [
                    "count 1..16 SHA-256 digests of a DER SubjectPublicKeyInfo,",
                    "32 bytes each, back to back; copied; NULL clears)",
                ]
                notes [
                    "The server's leaf key must match one: besides the chain under VERIFY_SERVER, alone",
                    "under VERIFY_NULL; a mismatch fails the handshake (verify flag 0x100000).",
                ]
                get "const unsigned char **hashes, int *count"
                ext pins set_pins 16;
            /// Extension `QL_SSL_CONF_CA_BUNDLE`.
            103 CA_BUNDLE CaBundle(bool) Int Ptr1
                c [
                    "Extension. set: `int` 0/1: trust the built-in root bundle as well; get: `int *`.",
                ]
                set "int  extension: 0/1, trust the built-in root bundle too" []
                notes []
                get "int *"
                ext ca_bundle set_ca_bundle 0;
            /// Extension `QL_SSL_CONF_SESSION_STORE`: the file (`UFS:name` allowed); None clears.
            104 SESSION_STORE SessionStore(Option<String>) Ptr1 Ptr1
                c [
                    "Extension. set: `const char *path` (`\"UFS:name\"` allowed; copied; NULL clears): with",
                    "QL_SSL_CONF_SESSION_CACHE on, a full handshake's session is saved there and the next",
                    "process resumes from it. get: `char **`.",
                ]
                set "const char *path (extension; \"UFS:name\" allowed; copied;" [
                    "NULL clears; needs QL_SSL_CONF_SESSION_CACHE on)",
                ]
                notes []
                get "char ** (owned by the config; NULL when unset)"
                ext session_store set_session_store 4096;
            /// Extension `QL_SSL_CONF_MIN_VERSION`: the lowest TLS version offered under version 4 (all):
            /// 1 TLS 1.0, 2 TLS 1.1, 3 TLS 1.2; 0 off.
            105 MIN_VERSION MinVersion(i32) Int Ptr1
                c [
                    "Extension. set: `int` ql_ssl_version_type_e 1..3: the lowest TLS version offered when",
                    "QL_SSL_CONF_VERSION is QL_SSL_VERSION_ALL (1 TLS 1.0, 2 TLS 1.1, 3 TLS 1.2); 0 (default):",
                    "none besides the library's own (TLS 1.0). A server that offers less fails the handshake; a",
                    "pinned QL_SSL_CONF_VERSION below it fails ql_ssl_setup() (BAD_REQUEST). get: `int *`.",
                ]
                set "int  extension: 0 (off), 1..3 lowest TLS version under VERSION_ALL" []
                notes []
                get "int *"
                ext min_version set_min_version 0;
        }
    };
}
pub(crate) use with_config_items;

/// The grammar of a row, written once: hands the rows to `$then` in the one-line form.
macro_rules! config_item_rows {
    ($then:ident $(
        $(#[$doc:meta])*
        $id:literal $name:ident $kind:ident $payload:tt $set:ident $get:ident
        c [$($c:literal),* $(,)?] set $set_doc:literal [$($more:literal),* $(,)?] notes [$($note:literal),* $(,)?] get $get_doc:literal
        $(ext $field:ident $setter:ident $max:literal)?;
    )*) => {
        $then! { $( {$(#[$doc])*} $id $name $kind $payload $set $get [$($c),*] $set_doc [$($more),*] [$($note),*] $get_doc [$($field $setter $max)?]; )* }
    };
}
pub(crate) use config_item_rows;
