//! The C-visible types of the vendor API: the union of the three SDK header generations
//! (`tests/sdk/identifiers.tsv`), with the current generation's values, and `ql_ssl_config` /
//! `ql_ssl_session` member for member as the current SDK lays them out with its default features
//! (`tests/sdk/layout.md`: 832/688 bytes on 32-bit ARM, 960/712 on x86_64). cbindgen turns this
//! module into `include/ql_ssl.h`; `tests/c/abi_layout.c` checks every offset on x86_64 and 32-bit
//! ARM, so nothing here may be reordered or resized.
#![allow(non_camel_case_types, non_snake_case)]

use core::ffi::{c_char, c_int, c_void};

/// SSL context handle. `ql_ssl_new()` writes a fresh handle; handles are never reused within a process,
/// so a stale or garbage value is detected and rejected with `QL_SSL_ERROR_INVALID_PARAM`.
pub type ql_ssl_context = c_int;

// The vendor's enums but `ql_ssl_config_type_e` (below), and its constants, which the core's
// limits are: src/c_values.txt.
include!(concat!(env!("OUT_DIR"), "/abi_values.rs"));
pub use crate::tls::settings::{
    QL_MAX_CA_CERT_CNT, QL_SSL_NEGOTIATE_TIME_DEF, QL_SSL_PSK_IDENTITY_LENGTH_MAX, QL_SSL_PSK_KEY_LENGTH_MAX,
    QL_SSL_TLS_CERT_ITEM_NUM, QUEC_MAX_CA_CERTEX_INDEX_NUM, QUEC_SSL_CA_CERTEX_INDEX_MAX, QUEC_SSL_CA_CERTEX_INDEX_MIN,
};

/// Words of 8 bytes in `qlssl_session_storage`: the size of the SDK's `mbedtls_ssl_session`
/// (168 bytes with 64-bit pointers).
#[cfg(target_pointer_width = "64")]
pub const QLSSL_SESSION_STORAGE_WORDS: usize = 21;
/// Words of 8 bytes in `qlssl_session_storage`: the size of the SDK's `mbedtls_ssl_session`
/// (144 bytes with 32-bit pointers).
#[cfg(not(target_pointer_width = "64"))]
pub const QLSSL_SESSION_STORAGE_WORDS: usize = 18;

/// Configuration types for `ql_ssl_conf_set()` / `ql_ssl_conf_get()` (and the `_by_id` variants),
/// with the arguments each one takes after `type` ("set:" and "get:"). Values are the current SDK
/// generation's; `QL_SSL_CONF_PSK` is the older generation's item under a number of its own (21;
/// it was 7 there, which is `QL_SSL_CONF_SNI` now). Every item works whatever the feature macros
/// say; an unknown type or a bad value returns `QL_SSL_ERROR_INVALID_PARAM` and changes nothing.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ql_ssl_config_type_e {
    /// set: `int` (ql_ssl_version_type_e, 0..4); get: `int *`.
    QL_SSL_CONF_VERSION = 1,
    /// set: `int` (ql_ssl_transport_type_e, 0/1); get: `int *`.
    QL_SSL_CONF_TRANSPORT = 2,
    /// set: `int *list` (cipher-suite ids; see the ownership rules at ql_ssl_conf_set);
    /// get: `int **` (the config's zero-terminated copy).
    QL_SSL_CONF_CIPHERSUITE = 3,
    /// set: `int` (ql_ssl_authmode_e, 0..3); get: `int *`.
    QL_SSL_CONF_AUTHMODE = 4,
    /// set: `char **paths, int count` (the SDK's shape: `char *p = "UFS:cacert.pem";
    /// ql_ssl_conf_set(&cfg, QL_SSL_CONF_CACERT, &p, 1)`): count 1..QL_MAX_CA_CERT_CNT non-NULL
    /// paths, copied; they REPLACE the config's whole CA path list (`ca_cert_path[]`, unused slots
    /// NULL), so setting it again on the same config never overflows. `paths` NULL clears the list
    /// (count is then ignored). get: `char ***paths, int *count`: `*paths` = the config's own
    /// `ca_cert_path` array, `*count` = number of slots up to the last non-NULL one (0 = none).
    QL_SSL_CONF_CACERT = 5,
    /// set: `const char *cert_path, const char *key_path, const char *key_pwd` (pwd may be NULL;
    /// copied; `client_cert_type` becomes QL_SSL_CLIENT_CERT_FILE);
    /// get: `char **cert_path, char **key_path, char **key_pwd`.
    QL_SSL_CONF_OWNCERT = 6,
    /// set: `int` (0/1); get: `int *`.
    QL_SSL_CONF_SNI = 7,
    /// set: `int` seconds, any value >= 1 (the SDK passes 60 and 5000; default
    /// QL_SSL_NEGOTIATE_TIME_DEF); get: `int *`.
    QL_SSL_CONF_HS_TIMEOUT = 8,
    /// set: `int` (0/1, default 1: accept expired/not-yet-valid certificates); get: `int *`.
    QL_SSL_CONF_IGNORE_LOCALTM = 9,
    /// set: `ql_ssl_handshake_timeout_cb cb, void *arg`; get: `ql_ssl_handshake_timeout_cb *cb, void **arg`.
    QL_SSL_CONF_HS_TIMEOUT_FUNC = 10,
    /// set: `int` (0/1); get: `int *`.
    QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN = 11,
    /// set: `uint32_t` bit mask (0..0xFFFFF); get: `uint32_t *`.
    QL_SSL_CONF_IGNORE_CERT_ITEM = 12,
    /// set: `int` (0/1); get: `int *`.
    QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY = 13,
    /// set: `int` (0/1); get: `int *`.
    QL_SSL_CONF_SESSION_CACHE = 14,
    /// set: `const unsigned char *buf, size_t len` (PEM or DER, copied, appended to the CA list, up
    /// to QL_MAX_CA_CERT_CNT; `buf` NULL with `len` 0 clears them). `ca_cert_buffer[i]` then points to
    /// the config's NUL-terminated copy. get: not readable (NOT_SUPPORT); read `ca_cert_buffer[]`.
    QL_SSL_CONF_CACERT_BUFFER = 15,
    /// set: `const unsigned char *cert, size_t cert_len, const unsigned char *key, size_t key_len,
    /// const char *pwd` (copied; `client_cert_type` becomes QL_SSL_CLIENT_CERT_BUFFER);
    /// get: not readable (NOT_SUPPORT).
    QL_SSL_CONF_OWNCERT_BUFFER = 16,
    /// set: `int` (ql_ssl_dtls_version_enum: 0 = DTLS 1.0, 1 = DTLS 1.2); get: `int *`.
    QL_SSL_CONF_DTLSVERSION = 17,
    /// set: `const char *identity` (1..QL_SSL_PSK_IDENTITY_LENGTH_MAX bytes, copied); get: `char **`.
    QL_SSL_CONF_PSK_IDENTITY = 18,
    /// set: `const char *key`: the key as a hex string (2..128 digits, even count, copied);
    /// get: `char **` (hex; lower case when the key was set by QL_SSL_CONF_PSK).
    QL_SSL_CONF_PSK_KEY = 19,
    /// set: `int` (ql_ssl_renegotiation_type_e, 0/1); get: `int *`.
    QL_SSL_CONF_RENEGOTIATION = 20,
    /// The older SDK generation's PSK item (its number was 7). set: `const unsigned char *key,
    /// int key_len, const unsigned char *identity, int identity_len`: the RAW key bytes (1..64;
    /// not hex) and the identity bytes (1..QL_SSL_PSK_IDENTITY_LENGTH_MAX, no NUL), both copied.
    /// It sets the same PSK as QL_SSL_CONF_PSK_IDENTITY + QL_SSL_CONF_PSK_KEY (the last set wins).
    /// get: `const unsigned char **key, int *key_len, const unsigned char **identity,
    /// int *identity_len` (the config's copies; NULL and 0 when no PSK is set).
    QL_SSL_CONF_PSK = 21,
    /// Extension (this library's, not the vendor's; docs/IOT.md). set: `const char **protocols,
    /// int count` (1..16 names of 1..255 bytes, copied, offered in order; `protocols` NULL clears);
    /// get: `const char *const **protocols, int *count` (the config's NULL-terminated copy).
    /// After the handshake ql_ssl_get_alpn() names the protocol the server selected.
    QL_SSL_CONF_ALPN = 100,
    /// Extension. set: `int` bytes: 0 (off), 512, 1024, 2048 or 4096 (RFC 6066 max_fragment_length);
    /// get: `int *`.
    QL_SSL_CONF_MAX_FRAG_LEN = 101,
    /// Extension. set: `const unsigned char *hashes, int count`: `count` (1..16) SHA-256 digests of
    /// a DER SubjectPublicKeyInfo, 32 bytes each, back to back (copied; `hashes` NULL clears). The
    /// server's leaf key must match one: besides the chain under VERIFY_SERVER, alone under
    /// VERIFY_NULL. get: `const unsigned char **hashes, int *count`.
    QL_SSL_CONF_PIN_SHA256 = 102,
    /// Extension. set: `int` 0/1: trust the built-in root bundle as well; get: `int *`.
    QL_SSL_CONF_CA_BUNDLE = 103,
    /// Extension. set: `const char *path` (`"UFS:name"` allowed; copied; NULL clears): with
    /// QL_SSL_CONF_SESSION_CACHE on, a full handshake's session is saved there and the next
    /// process resumes from it. get: `char **`.
    QL_SSL_CONF_SESSION_STORE = 104,
    /// Extension. set: `int` ql_ssl_version_type_e 1..3: the lowest TLS version offered when
    /// QL_SSL_CONF_VERSION is QL_SSL_VERSION_ALL (1 TLS 1.0, 2 TLS 1.1, 3 TLS 1.2); 0 (default):
    /// none besides the library's own (TLS 1.0). A server that offers less fails the handshake; a
    /// pinned QL_SSL_CONF_VERSION below it fails ql_ssl_setup() (BAD_REQUEST). get: `int *`.
    QL_SSL_CONF_MIN_VERSION = 105,
}

/// Called once, with the context handle and the configured argument, when a handshake exceeds
/// `ssl_negotiate_timeout` seconds.
pub type ql_ssl_handshake_timeout_cb = Option<unsafe extern "C" fn(ssl_ctx: *mut ql_ssl_context, arg: *mut c_void)>;

/// The older SDK generation's spelling of `ql_ssl_handshake_timeout_cb` (same type).
pub type ql_ssl_handshark_timeout_cb = ql_ssl_handshake_timeout_cb;

/// A C `bool` member (one byte, 0 or 1 when written by C code). Kept as a byte on the Rust side so
/// that whatever an application stores there is never an invalid Rust `bool`; any non-zero byte
/// reads as true.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct qlssl_c_bool(pub u8);

/// IPv4 address in the layout of lwIP's `ip4_addr_t`. Named for this header, not `ip4_addr_t`: a
/// C file may include the real lwIP headers before or after ql_ssl.h, and lwIP defines that name.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct qlssl_ip4_addr {
    /// IPv4 address in network byte order.
    pub addr: u32,
}

/// IPv6 address in the layout of lwIP's `ip6_addr_t` with LWIP_IPV6_SCOPES (own name, see
/// `qlssl_ip4_addr`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct qlssl_ip6_addr {
    /// IPv6 address, four 32-bit words in network byte order.
    pub addr: [u32; 4],
    /// Scope zone index.
    pub zone: u8,
}

/// The address part of `qlssl_ip_addr` (lwIP's `ip_addr_t.u_addr`).
#[repr(C)]
#[derive(Clone, Copy)]
pub union qlssl_ip_addr_u {
    /// Valid when `type` is IPv6.
    pub ip6: qlssl_ip6_addr,
    /// Valid when `type` is IPv4.
    pub ip4: qlssl_ip4_addr,
}

/// The SDK's `ip_addr_t remote_ip` member: lwIP's dual-stack `ip_addr_t` layout (24 bytes, member
/// names `u_addr.ip4`, `u_addr.ip6`, `type` as lwIP's), under a name of its own so that ql_ssl.h
/// coexists with the real lwIP headers in either include order. The layout is fixed (the SDK's
/// default build, IPv4 + IPv6 with scopes) whatever lwIP options the application uses.
/// cbindgen:field-names=[u_addr, type]
#[repr(C)]
#[derive(Clone, Copy)]
pub struct qlssl_ip_addr {
    /// The address.
    pub u_addr: qlssl_ip_addr_u,
    /// 0 = IPv4, 6 = IPv6 (lwIP's IPADDR_TYPE_*).
    pub r#type: u8,
}

/// Opaque storage in the place of the SDK's `mbedtls_ssl_session` inside `ql_ssl_session`: the same
/// size (144 bytes with 32-bit pointers, 168 with 64-bit ones) and alignment (8), under a name of
/// its own so that a real `<mbedtls/ssl.h>` can be included next to this header. Applications never
/// touch it. The library keeps its private marker and extension handle in its first 8 bytes
/// (the session cache itself lives in the library, not here).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct qlssl_session_storage {
    /// Opaque to applications.
    pub opaque: [u64; QLSSL_SESSION_STORAGE_WORDS],
}

impl qlssl_session_storage {
    pub const ZERO: qlssl_session_storage = qlssl_session_storage { opaque: [0; QLSSL_SESSION_STORAGE_WORDS] };

    /// The library's marker and extension handle (0, 0 when never set).
    pub fn private(&self) -> (u32, c_int) {
        let w = self.opaque[0];
        (w as u32, (w >> 32) as u32 as c_int)
    }

    pub fn set_private(&mut self, marker: u32, ext: c_int) {
        self.opaque[0] = u64::from(marker) | (u64::from(ext as u32) << 32);
    }
}

/// Session-reuse state: `ql_ssl_config.ssl_session_cache`. Only `session_cache_enable` has a
/// meaning for applications (QL_SSL_CONF_SESSION_CACHE); this library keeps its session cache
/// elsewhere and leaves `remote_ip`, `remote_port`, `hostname_temp` and `session_hostname` zero.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ql_ssl_session {
    /// 0: session reuse off, 1: on.
    pub session_cache_enable: u8,
    /// Peer IP address of the cached session (unused here: zero). lwIP `ip_addr_t` in the SDK,
    /// the same layout here (`qlssl_ip_addr`).
    pub remote_ip: qlssl_ip_addr,
    /// Peer port of the cached session (unused here: zero).
    pub remote_port: u16,
    /// Host name scratch buffer (unused here: zero).
    pub hostname_temp: [u8; 256],
    /// Host name the cached session belongs to (unused here: zero).
    pub session_hostname: [u8; 256],
    /// Opaque; holds the library's private marker and handle.
    pub ssl_session: qlssl_session_storage,
}

/// SSL configuration, members, order and sizes exactly as the current SDK generation with its
/// default features (no `dtls_version`, `psk_*` or `renegotiation` members: those settings are
/// reached through `ql_ssl_conf_set`/`ql_ssl_conf_get` only). Initialise with
/// `ql_ssl_conf_init()`, change with `ql_ssl_conf_set()` (or by assigning members), release with
/// `ql_ssl_conf_free()`. A copy made by assignment (`b = a`) is a config of its own: the first
/// `ql_ssl_*` call on it gives it its own copies of everything `a`'s library-owned members point
/// to; both must be released with `ql_ssl_conf_free()`. The library never writes outside
/// `sizeof(ql_ssl_config)`.
#[repr(C)]
pub struct ql_ssl_config {
    /// ql_ssl_version_type_e.
    pub ssl_version: c_int,
    /// 0: TLS, 1: DTLS.
    pub transport: c_int,
    /// Zero-terminated cipher-suite id list owned by the config, or NULL for all suites (0xFFFF).
    pub ciphersuites: *mut c_int,
    /// ql_ssl_authmode_e.
    pub auth_mode: c_int,
    /// 1: send the host name set by `ql_ssl_set_hostname()` as SNI.
    pub sni_enable: c_int,
    /// CA certificate paths (PEM or DER, or "UFS:name", name relative inside the UFS store:
    /// no leading '/', no "." or ".." component); unused slots are NULL.
    pub ca_cert_path: [*mut c_char; QL_MAX_CA_CERT_CNT],
    /// Client certificate path.
    pub own_cert_path: *mut c_char,
    /// Client private key path.
    pub own_key_path: *mut c_char,
    /// Client private key password, or NULL.
    pub own_key_pwd: *mut c_char,
    /// CA certificates given as data (QL_SSL_CONF_CACERT_BUFFER): the config's copies, each
    /// followed by a NUL byte (PEM reads as a C string; DER is binary); unused slots are NULL. An
    /// application may also store its own NUL-terminated PEM strings here.
    pub ca_cert_buffer: [*mut c_char; QL_MAX_CA_CERT_CNT],
    /// Handshake time limit in seconds.
    pub ssl_negotiate_timeout: c_int,
    /// Called once when the handshake time limit is exceeded.
    pub negotiate_timeout_cb: ql_ssl_handshake_timeout_cb,
    /// Argument passed to `negotiate_timeout_cb`.
    pub negotiate_timeout_cb_arg: *mut c_void,
    /// 1: accept a certificate whose signature does not verify.
    pub ignore_invalid_certsign: c_int,
    /// Bit mask of certificate checks to ignore (MBEDTLS_X509_BADCERT_* values).
    pub ignore_certitem: u32,
    /// 1: do not judge the certificates above the server's own (chain depth >= 1) for
    /// themselves: their validity period and revocation are ignored. The leaf is judged in full,
    /// and every signature from the leaf up to a configured CA must still verify: a server whose
    /// leaf does not chain to a configured CA by signature is refused whatever it appends.
    pub ignore_multi_certchain_verify: c_int,
    /// ql_ssl_client_cert_type_e of the client certificate to present: QL_SSL_CLIENT_CERT_FILE
    /// after QL_SSL_CONF_OWNCERT, QL_SSL_CLIENT_CERT_BUFFER after QL_SSL_CONF_OWNCERT_BUFFER.
    pub client_cert_type: qlssl_c_bool,
    /// Session reuse state (its opaque part holds the library's private marker and handle).
    pub ssl_session_cache: ql_ssl_session,
}

/// Marker the library keeps in `ssl_session_cache.ssl_session` between `ql_ssl_conf_init()` and
/// `ql_ssl_conf_free()`.
pub const QL_SSL_CONFIG_MAGIC: u32 = 0x514C_5353;

#[cfg(target_pointer_width = "64")]
const _: () = {
    assert!(core::mem::size_of::<ql_ssl_config>() == 960);
    assert!(core::mem::size_of::<ql_ssl_session>() == 712);
    assert!(core::mem::offset_of!(ql_ssl_config, client_cert_type) == 244);
    assert!(core::mem::offset_of!(ql_ssl_config, ssl_session_cache) == 248);
};
#[cfg(all(target_pointer_width = "32", target_arch = "arm"))]
const _: () = {
    assert!(core::mem::size_of::<ql_ssl_config>() == 832);
    assert!(core::mem::size_of::<ql_ssl_session>() == 688);
    assert!(core::mem::offset_of!(ql_ssl_config, client_cert_type) == 136);
    assert!(core::mem::offset_of!(ql_ssl_config, ssl_session_cache) == 144);
};

/// Arguments of one variadic `ql_ssl_conf_set`/`ql_ssl_conf_get` call, as read by the C shim.
/// Internal to the library; the shim fills only the members the type uses.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct qlssl_va_args {
    /// Integer argument (set of int-valued types; first `int` of the others).
    pub i: c_int,
    /// Second `int` argument (QL_SSL_CONF_PSK: identity_len).
    pub j: c_int,
    /// Unsigned argument (QL_SSL_CONF_IGNORE_CERT_ITEM).
    pub u: u32,
    /// Pointer arguments, in call order.
    pub p: [*mut c_void; 5],
    /// Length arguments, in call order.
    pub n: [usize; 2],
}

/// Version of `ql_ssl_platform_hooks` that this header declares (bare metal): 2, with `write_file`
/// and `unix_time` at the end. `ql_ssl_platform_init` also takes a version-1 table (one built
/// against an older header, which ends at `panic`): it reads only that part, and the two hooks
/// are then absent (`QL_SSL_CONF_SESSION_STORE` loads nothing and saves nothing, with a logged
/// reason).
#[cfg(feature = "baremetal")]
pub const QL_SSL_PLATFORM_HOOKS_VERSION: u32 = 2;
/// The first version of `ql_ssl_platform_hooks`: the members up to and including `panic`.
#[cfg(feature = "baremetal")]
pub const QL_SSL_PLATFORM_HOOKS_VERSION_1: u32 = 1;
/// `send`/`recv`/`wait` hook result: nothing can move now (EWOULDBLOCK/EAGAIN).
#[cfg(feature = "baremetal")]
pub const QL_SSL_PLATFORM_WOULD_BLOCK: c_int = -1;
/// `send`/`recv`/`wait` hook result: interrupted before anything moved (EINTR); the library retries.
#[cfg(feature = "baremetal")]
pub const QL_SSL_PLATFORM_INTERRUPTED: c_int = -2;
/// `send`/`recv`/`wait` hook result: the peer reset or the connection is gone.
#[cfg(feature = "baremetal")]
pub const QL_SSL_PLATFORM_RESET: c_int = -3;
/// `send`/`recv`/`wait` hook result: any other failure.
#[cfg(feature = "baremetal")]
pub const QL_SSL_PLATFORM_ERROR: c_int = -4;
/// `mem_origin` hook result: static storage (borrowed, must be 0-terminated).
#[cfg(feature = "baremetal")]
pub const QL_SSL_PLATFORM_MEM_STATIC: c_int = 0;
/// `mem_origin` hook result: a task stack (borrowed, must be 0-terminated).
#[cfg(feature = "baremetal")]
pub const QL_SSL_PLATFORM_MEM_STACK: c_int = 1;
/// `mem_origin` hook result: a C heap block; `*block_size` gets its usable size in bytes.
#[cfg(feature = "baremetal")]
pub const QL_SSL_PLATFORM_MEM_HEAP: c_int = 2;

/// Bare metal only: the platform services the library needs, filled in by the SDK integrator and
/// registered once with `ql_ssl_platform_init()` before any other `ql_ssl_*` call. Functions marked
/// *optional* may be NULL. Every function may be called from any task that calls `ql_ssl_*`.
#[cfg(feature = "baremetal")]
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ql_ssl_platform_hooks {
    /// `QL_SSL_PLATFORM_HOOKS_VERSION` (2), or `QL_SSL_PLATFORM_HOOKS_VERSION_1` for a table that
    /// ends at `panic` (the members after it are then never read).
    pub version: u32,
    /// Allocate `size` bytes aligned to `align` (a power of two); NULL when out of memory.
    pub alloc: Option<unsafe extern "C" fn(size: usize, align: usize) -> *mut c_void>,
    /// Release a block from `alloc` (never NULL).
    pub free: Option<unsafe extern "C" fn(ptr: *mut c_void)>,
    /// Fill `buf` with `len` bytes from a true random source (TRNG); 0 on success. Seeds the CTR_DRBG.
    pub entropy: Option<unsafe extern "C" fn(buf: *mut u8, len: usize) -> c_int>,
    /// Milliseconds of a monotonic clock (handshake timeout, DTLS retransmission timer).
    pub now_ms: Option<unsafe extern "C" fn() -> u64>,
    /// Send up to `len` bytes on socket `fd`; `dontwait` != 0: never block (MSG_DONTWAIT).
    /// Returns the bytes sent, or a `QL_SSL_PLATFORM_*` code (< 0).
    pub send: Option<unsafe extern "C" fn(fd: c_int, buf: *const u8, len: usize, dontwait: c_int) -> c_int>,
    /// Receive up to `len` bytes from socket `fd`; 0 = orderly close by the peer; `dontwait` as for
    /// `send`. Returns the bytes received, or a `QL_SSL_PLATFORM_*` code (< 0).
    pub recv: Option<unsafe extern "C" fn(fd: c_int, buf: *mut u8, len: usize, dontwait: c_int) -> c_int>,
    /// Wait up to `timeout_ms` until `fd` is readable (`for_write` == 0) or writable: 1 ready,
    /// 0 timed out, or a `QL_SSL_PLATFORM_*` code (< 0). (lwIP: `select`.)
    pub wait: Option<unsafe extern "C" fn(fd: c_int, for_write: c_int, timeout_ms: u32) -> c_int>,
    /// 1 when `fd` is in non-blocking mode, 0 when blocking, < 0 when `fd` is not an open socket.
    pub is_nonblocking: Option<unsafe extern "C" fn(fd: c_int) -> c_int>,
    /// *Optional*: copy the connected peer's address (any stable encoding) into `buf` and return
    /// its length (> 0); used as the session-cache key. NULL: the session cache never resumes.
    pub peer_addr: Option<unsafe extern "C" fn(fd: c_int, buf: *mut u8, cap: usize) -> c_int>,
    /// *Optional*: read the file `path` (as configured, e.g. `"UFS:ca.pem"`). `buf` NULL: return
    /// its size; else copy up to `cap` bytes and return how many. < 0: cannot be read.
    /// NULL: only the `*_BUFFER` certificate configs work.
    pub read_file: Option<unsafe extern "C" fn(path: *const c_char, buf: *mut u8, cap: usize) -> c_int>,
    /// *Optional*: where the array at `p` lives (`QL_SSL_PLATFORM_MEM_*`; for HEAP also write the
    /// block's usable size). NULL: cipher lists are always borrowed (must be 0-terminated).
    pub mem_origin: Option<unsafe extern "C" fn(p: *const c_void, block_size: *mut usize) -> c_int>,
    /// *Optional*: the C library's `free()`, for cipher lists adopted from the heap.
    pub heap_free: Option<unsafe extern "C" fn(p: *mut c_void)>,
    /// *Optional*: let other tasks run; called while a lock is contended.
    pub task_yield: Option<unsafe extern "C" fn()>,
    /// *Optional*: a library bug (Rust panic) with its message. Cannot be turned into an error code
    /// on bare metal: after this returns the calling task spins forever, so reset or stop here.
    pub panic: Option<unsafe extern "C" fn(msg: *const c_char, len: usize)>,
    /// *Optional, version 2*: replace the file `path` (as configured, e.g. `"UFS:session.bin"`)
    /// with the `len` bytes at `buf`; 0 on success, < 0 on failure. Used by
    /// `QL_SSL_CONF_SESSION_STORE` only. Should be atomic: after a power loss the file holds the
    /// old bytes, the new bytes or nothing (write a temporary file, sync it, rename it over the
    /// old one). A torn file is still never used: the library checks a SHA-256 over it.
    /// NULL: sessions are not saved.
    pub write_file: Option<unsafe extern "C" fn(path: *const c_char, buf: *const u8, len: usize) -> c_int>,
    /// *Optional, version 2*: the time of day as seconds since 1970-01-01 00:00 UTC, 0 = unknown
    /// (an RTC not yet set). Judges a saved session's expiry: without it (or while it returns 0)
    /// `QL_SSL_CONF_SESSION_STORE` neither loads nor saves. Certificate validity periods stay
    /// unchecked on bare metal either way (mbedtls is built without a time of day).
    pub unix_time: Option<unsafe extern "C" fn() -> u64>,
}

/// The C callback behind a core `TimeoutHook` address.
///
/// # Safety
/// `func` must be the address of a `ql_ssl_handshake_timeout_cb` function (never 0).
pub unsafe fn timeout_callback(func: usize) -> unsafe extern "C" fn(*mut ql_ssl_context, *mut c_void) {
    // SAFETY: a function pointer's address converted back to the same function pointer type
    // (contract); both are pointer-sized.
    unsafe { core::mem::transmute::<usize, unsafe extern "C" fn(*mut ql_ssl_context, *mut c_void)>(func) }
}
