//! The C-visible types of the vendor API, field for field as in the QuecOpen SSL API reference
//! (`seeds/000`, §3.3) and SPEC §1. cbindgen turns this module into `include/ql_ssl.h`; the C layout
//! test (`tests/c/test_layout.c`) checks every seed member's offset against an independently typed
//! reference struct, so nothing here may be reordered.
#![allow(non_camel_case_types, non_snake_case)]

use core::ffi::{c_char, c_int, c_void};

/// SSL context handle. `ql_ssl_new()` writes a fresh handle; handles are never reused within a process,
/// so a stale or garbage value is detected and rejected with `QL_SSL_ERROR_INVALID_PARAM`.
pub type ql_ssl_context = c_int;

/// Number of CA certificate paths a `ql_ssl_config` holds (`ca_cert_path[]`).
pub const QL_MAX_CA_CERT_CNT: usize = 10;

/// Defined because the SDK header defines it: `ql_ssl_config` carries `ssl_session_cache` and
/// `QL_SSL_CONF_SESSION_CACHE` exists.
pub const QL_SSL_TLS_SESSION_CACHE_FEATURE: c_int = 1;

/// Result codes of every `ql_ssl_*` function (spellings, including UNKOWN and WOUNDBLOCK, are the vendor's ABI).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ql_ssl_error_code_e {
    /// The call succeeded.
    QL_SSL_SUCCESS = 0,
    /// An error that fits no other code (also: a Rust panic caught at the C boundary).
    QL_SSL_ERROR_UNKOWN = -1,
    /// Operation not finished; the result arrives later (not produced by this library).
    QL_SSL_ERROR_WOUNDBLOCK = -2,
    /// NULL pointer, garbage/stale/freed handle, unknown config type, out-of-range value or wrong state.
    QL_SSL_ERROR_INVALID_PARAM = -3,
    /// An allocation failed.
    QL_SSL_ERROR_OUT_OF_MEM = -4,
    /// The request is valid but this build does not offer it (e.g. DTLS before it is implemented).
    QL_SSL_ERROR_NOT_SUPPORT = -5,
    /// The handshake failed: verification, protocol, alert from the peer, or the negotiate timeout.
    QL_SSL_ERROR_HS_FAILURE = -6,
    /// A received record could not be decrypted or authenticated.
    QL_SSL_ERROR_DECRYPT_FAILURE = -7,
    /// A record could not be encrypted or sent.
    QL_SSL_ERROR_ENCRYPT_FAILURE = -8,
    /// read/write called while the handshake is still in progress.
    QL_SSL_ERROR_HS_INPROGRESS = -9,
    /// Bad setup: unreadable certificate/key file, unusable cipher list, missing socket.
    QL_SSL_ERROR_BAD_REQUEST = -10,
    /// Non-blocking socket: call again when the socket is readable.
    QL_SSL_ERROR_WANT_READ = -11,
    /// Non-blocking socket: call again when the socket is writable.
    QL_SSL_ERROR_WANT_WRITE = -12,
    /// The peer reset the connection or closed TCP without a TLS close_notify.
    QL_SSL_ERROR_SOCKET_RESET = -13,
}

/// Configuration types for `ql_ssl_conf_set()` / `ql_ssl_conf_get()` (and the `_by_id` variants).
/// The variadic arguments each type takes are listed in the documentation of `ql_ssl_conf_set` below.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ql_ssl_config_type_e {
    /// set: `int` (ql_ssl_version_type_e); get: `int *`.
    QL_SSL_CONF_VERSION = 1,
    /// set: `int` (ql_ssl_transport_type_e); get: `int *`.
    QL_SSL_CONF_TRANSPORT = 2,
    /// set: `int *list` (cipher-suite ids; see the ownership rules at ql_ssl_conf_set); get: `int **`.
    QL_SSL_CONF_CIPHERSUITE = 3,
    /// set: `int` (ql_ssl_authmode_e, 0..=3); get: `int *`.
    QL_SSL_CONF_AUTHMODE = 4,
    /// set: `const char *path` (appended; NULL clears the list); get: `char **` (the first path;
    /// all of them are in `ca_cert_path[]`).
    QL_SSL_CONF_CACERT = 5,
    /// set: `const char *cert_path, const char *key_path, const char *key_pwd` (pwd may be NULL);
    /// get: `char **cert_path, char **key_path, char **key_pwd`.
    QL_SSL_CONF_OWNCERT = 6,
    /// set: `int` (0/1); get: `int *`.
    QL_SSL_CONF_SNI = 7,
    /// set: `int` seconds (1..=3600); get: `int *`.
    QL_SSL_CONF_HS_TIMEOUT = 8,
    /// set: `int` (0/1); get: `int *`.
    QL_SSL_CONF_IGNORE_LOCALTM = 9,
    /// set: `ql_ssl_handshake_timeout_cb cb, void *arg`; get: `ql_ssl_handshake_timeout_cb *cb, void **arg`.
    QL_SSL_CONF_HS_TIMEOUT_FUNC = 10,
    /// set: `int` (0/1); get: `int *`.
    QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN = 11,
    /// set: `uint32_t` bit mask (0..=1048575); get: `uint32_t *`.
    QL_SSL_CONF_IGNORE_CERT_ITEM = 12,
    /// set: `int` (0/1); get: `int *`.
    QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY = 13,
    /// set: `int` (0/1); get: `int *`.
    QL_SSL_CONF_SESSION_CACHE = 14,
    /// set: `const unsigned char *buf, size_t len` (PEM or DER); get: not readable (NOT_SUPPORT).
    QL_SSL_CONF_CACERT_BUFFER = 15,
    /// set: `const unsigned char *cert, size_t cert_len, const unsigned char *key, size_t key_len,
    /// const char *pwd`; get: not readable (NOT_SUPPORT).
    QL_SSL_CONF_OWNCERT_BUFFER = 16,
    /// set: `int` (0 = DTLS 1.0, 1 = DTLS 1.2); get: `int *`.
    QL_SSL_CONF_DTLSVERSION = 17,
    /// set: `const char *identity`; get: `char **`.
    QL_SSL_CONF_PSK_IDENTITY = 18,
    /// set: `const char *key` (hex string); get: `char **`.
    QL_SSL_CONF_PSK_KEY = 19,
    /// set: `int` (0/1); get: `int *`.
    QL_SSL_CONF_RENEGOTIATION = 20,
}

/// Protocol versions for `QL_SSL_CONF_VERSION`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ql_ssl_version_type_e {
    /// SSL 3.0.
    QL_SSL_VERSION_0 = 0,
    /// TLS 1.0.
    QL_SSL_VERSION_1 = 1,
    /// TLS 1.1.
    QL_SSL_VERSION_2 = 2,
    /// TLS 1.2.
    QL_SSL_VERSION_3 = 3,
    /// Every version this build offers (TLS 1.0 to TLS 1.2).
    QL_SSL_VERSION_ALL = 4,
}

/// Transport for `QL_SSL_CONF_TRANSPORT`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ql_ssl_transport_type_e {
    /// TLS over a TCP socket.
    QL_SSL_TLS_PROTOCOL = 0,
    /// DTLS over a connected UDP socket.
    QL_SSL_DTLS_PROTOCOL = 1,
}

/// Authentication modes for `QL_SSL_CONF_AUTHMODE`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ql_ssl_authmode_e {
    /// Do not verify the server. If the server requests a client certificate, the handshake fails.
    QL_SSL_VERIFY_NULL = 0,
    /// Verify the server against the configured CA certificates. If the server requests a client
    /// certificate, the handshake fails.
    QL_SSL_VERIFY_SERVER = 1,
    /// Verify the server and present the configured client certificate when the server requests one.
    QL_SSL_VERIFY_CLIENT_SERVER = 2,
    /// Pre-shared key only (the SDK's PSK feature): no certificates; needs QL_SSL_CONF_PSK_IDENTITY
    /// and QL_SSL_CONF_PSK_KEY, and offers only PSK cipher suites unless a list is set.
    QL_SSL_VERIFY_PSK = 3,
}

/// Called once, with the context handle and the configured argument, when a handshake exceeds
/// `ssl_negotiate_timeout` seconds.
pub type ql_ssl_handshake_timeout_cb = Option<unsafe extern "C" fn(ssl_ctx: *mut ql_ssl_context, arg: *mut c_void)>;

/// lwIP `ip4_addr_t` stand-in (same layout as lwIP's).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ip4_addr_t {
    /// IPv4 address in network byte order.
    pub addr: u32,
}

/// lwIP `ip6_addr_t` stand-in (same layout as lwIP's with LWIP_IPV6_SCOPES).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ip6_addr_t {
    /// IPv6 address, four 32-bit words in network byte order.
    pub addr: [u32; 4],
    /// Scope zone index.
    pub zone: u8,
}

/// The address part of `ip_addr_t`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union ip_addr_u {
    /// Valid when `type` is IPv6.
    pub ip6: ip6_addr_t,
    /// Valid when `type` is IPv4.
    pub ip4: ip4_addr_t,
}

/// lwIP dual-stack `ip_addr_t` stand-in (same layout as lwIP's).
/// cbindgen:field-names=[u_addr, type]
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ip_addr_t {
    /// The address.
    pub u_addr: ip_addr_u,
    /// 0 = IPv4, 6 = IPv6 (lwIP's IPADDR_TYPE_*).
    pub r#type: u8,
}

/// Storage that stands in for mbedtls's `mbedtls_ssl_session` inside `ql_ssl_session`. Applications
/// never read it; its size is fixed on every target so the header is the same everywhere.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mbedtls_ssl_session {
    /// Opaque to applications.
    pub opaque: [u64; 32],
}

/// Session-reuse state kept in `ql_ssl_config.ssl_session_cache` (seed §3.3.3.3).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ql_ssl_session {
    /// 0: session reuse off, 1: on.
    pub session_cache_enable: u8,
    /// Peer IP address of the cached session.
    pub remote_ip: ip_addr_t,
    /// Peer port of the cached session.
    pub remote_port: u16,
    /// Host name scratch buffer.
    pub hostname_temp: [u8; 256],
    /// Host name the cached session belongs to.
    pub session_hostname: [u8; 256],
    /// The cached session data.
    pub ssl_session: mbedtls_ssl_session,
}

/// SSL configuration (seed §3.3.3.1), members in the seed's order. Initialise with
/// `ql_ssl_conf_init()`, change with `ql_ssl_conf_set()`, release with `ql_ssl_conf_free()`.
/// Members after `ssl_session_cache` are this library's own and must not be touched by applications.
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
    /// CA certificate paths (PEM or DER, or "UFS:name"); unused slots are NULL.
    pub ca_cert_path: [*mut c_char; QL_MAX_CA_CERT_CNT],
    /// Client certificate path.
    pub own_cert_path: *mut c_char,
    /// Client private key path.
    pub own_key_path: *mut c_char,
    /// Client private key password, or NULL.
    pub own_key_pwd: *mut c_char,
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
    /// 1: judge only the server's own certificate; findings on the intermediate and root
    /// certificates above it (chain depth >= 1) are ignored. The leaf must still verify.
    pub ignore_multi_certchain_verify: c_int,
    /// Session reuse state.
    pub ssl_session_cache: ql_ssl_session,
    /// Library-private: marks an initialised config (`QL_SSL_CONFIG_MAGIC`).
    pub qlssl_magic: u32,
    /// Library-private: handle of the config's library-owned extension (buffers, PSK, DTLS version).
    pub qlssl_ext: c_int,
}

/// Value of `ql_ssl_config.qlssl_magic` between `ql_ssl_conf_init()` and `ql_ssl_conf_free()`.
pub const QL_SSL_CONFIG_MAGIC: u32 = 0x514C_5353;

/// Arguments of one variadic `ql_ssl_conf_set`/`ql_ssl_conf_get` call, as read by the C shim.
/// Internal to the library; the shim fills only the members the type uses.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct qlssl_va_args {
    /// Integer argument (set of int-valued types).
    pub i: c_int,
    /// Unsigned argument (QL_SSL_CONF_IGNORE_CERT_ITEM).
    pub u: u32,
    /// Pointer arguments, in call order.
    pub p: [*mut c_void; 5],
    /// Length arguments, in call order.
    pub n: [usize; 2],
}

/// Version of `ql_ssl_platform_hooks` this library expects in its `version` member (bare metal).
#[cfg(feature = "baremetal")]
pub const QL_SSL_PLATFORM_HOOKS_VERSION: u32 = 1;
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
    /// Must be `QL_SSL_PLATFORM_HOOKS_VERSION`.
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
}
