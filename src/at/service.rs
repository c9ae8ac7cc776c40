//! The one seam between the AT engine and the library: the engine sees SSL contexts 0..=5 and TLS
//! connections only through `TlsService`. `LibService` implements it over today's internals (the
//! library-owned per-id configs of `ql_ssl_conf_set_by_id`, and the exported `ql_ssl_*` functions);
//! when the contexts registry lands, only this file changes.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::os::fd::RawFd;
use std::sync::Mutex;

use crate::abi::ql_ssl_config_type_e as T;
use crate::abi::*;
use crate::capi;
use crate::config;

/// Handle of one open TLS/DTLS connection.
pub type ConnId = c_int;

/// Every per-context setting the engine reads or writes (the `AT+QSSLCFG` items the library keeps).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigKey {
    SslVersion,
    Dtls,
    DtlsVersion,
    Ciphersuite,
    SecLevel,
    CaCert,
    ClientCert,
    ClientKey,
    Sni,
    IgnoreLocalTime,
    NegotiateTime,
    IgnoreInvalidCertSign,
    IgnoreCertItem,
    IgnoreMultiCertChainVerify,
    SessionCache,
    Psk,
}

/// A setting with its value. Integers are passed as the library stores them; strings are paths
/// the library resolves at open time (`UFS:name`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigItem {
    Int(ConfigKey, i64),
    /// The cipher-suite id list; `[0xFFFF]` means all.
    Ciphersuites(Vec<u16>),
    /// A path setting (CaCert, ClientCert, ClientKey); None = not set.
    Path(ConfigKey, Option<String>),
    /// PSK identity and key (hex); None = not set.
    Psk(Option<(String, String)>),
}

/// What the engine needs to know about a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailKind {
    InvalidParam,
    /// Handshake failed (alert, protocol, no common suite...).
    Handshake,
    /// Handshake failed because the server's certificate did not verify.
    Verify,
    /// The negotiate time ran out.
    Timeout,
    /// Peer sent close_notify (read returned end of stream).
    PeerClosed,
    /// Peer reset / closed TCP without close_notify / fatal alert after the handshake.
    Reset,
    Other,
}

#[derive(Clone, Debug)]
pub struct ServiceError {
    pub kind: FailKind,
    /// The library's result code (`ql_ssl_error_code_e`).
    pub code: c_int,
    pub text: String,
}

/// Facts about an established connection.
#[derive(Clone, Debug, Default)]
pub struct ConnInfo {
    pub ciphersuite: u16,
    pub resumed: bool,
    /// MBEDTLS_X509_BADCERT_* findings, when verification was configured.
    pub verify_flags: Option<u32>,
}

pub type SvcResult<T> = Result<T, ServiceError>;

/// The contexts-and-connections service the engine is written against.
pub trait TlsService: Send + Sync {
    /// Change one setting of context `ctx` (0..=5). Out-of-range values leave it unchanged.
    fn set(&self, ctx: u8, item: &ConfigItem) -> SvcResult<()>;
    /// Read one setting of context `ctx`.
    fn get(&self, ctx: u8, key: ConfigKey) -> SvcResult<ConfigItem>;
    /// A connection over the connected socket `fd` (TCP, or connected UDP when the context says
    /// DTLS) configured from context `ctx`, checking the server against `hostname`. The socket stays
    /// the caller's: it is closed by the caller after `close`.
    fn open(&self, ctx: u8, fd: RawFd, hostname: &str) -> SvcResult<ConnId>;
    /// Run the handshake to completion (blocking, bounded by the context's negotiate time).
    fn handshake(&self, conn: ConnId) -> SvcResult<()>;
    /// Blocking read; Ok(0) never happens (end of stream is `FailKind::PeerClosed`).
    fn read(&self, conn: ConnId, buf: &mut [u8]) -> SvcResult<usize>;
    /// Write all of `buf` (blocking).
    fn write(&self, conn: ConnId, buf: &[u8]) -> SvcResult<()>;
    fn info(&self, conn: ConnId) -> ConnInfo;
    /// Send close_notify (best effort) and release the connection; a blocked `read` on another
    /// thread returns with an error.
    fn close(&self, conn: ConnId);
}

// ---------------------------------------------------------------------------------------------
// The adapter over today's library internals.

/// `TlsService` over `config::with_config_id` and the exported `ql_ssl_*` functions.
#[derive(Default)]
pub struct LibService {
    /// AT sets the client certificate and key one at a time; the library takes them as a pair.
    /// A half given alone waits here (per context) until its other half arrives.
    pending_client: Mutex<[(Option<String>, Option<String>); 6]>,
}

fn last_error_text() -> String {
    let mut buf = [0 as c_char; 256];
    // SAFETY: buf is writable for its length; the function always NUL-terminates.
    unsafe { capi::ql_ssl_last_error(buf.as_mut_ptr(), buf.len()) };
    // SAFETY: NUL-terminated by ql_ssl_last_error.
    unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
}

fn fail(kind: FailKind, code: c_int) -> ServiceError {
    ServiceError { kind, code, text: last_error_text() }
}

fn lib_err(e: crate::error::Error) -> ServiceError {
    use crate::capi::codes::ErrorCode;
    ServiceError { kind: FailKind::InvalidParam, code: e.code() as c_int, text: e.to_string() }
}

fn args() -> qlssl_va_args {
    qlssl_va_args { i: 0, j: 0, u: 0, p: [core::ptr::null_mut(); 5], n: [0; 2] }
}

fn int_type(key: ConfigKey) -> Option<T> {
    Some(match key {
        ConfigKey::SslVersion => T::QL_SSL_CONF_VERSION,
        ConfigKey::Dtls => T::QL_SSL_CONF_TRANSPORT,
        ConfigKey::DtlsVersion => T::QL_SSL_CONF_DTLSVERSION,
        ConfigKey::SecLevel => T::QL_SSL_CONF_AUTHMODE,
        ConfigKey::Sni => T::QL_SSL_CONF_SNI,
        ConfigKey::IgnoreLocalTime => T::QL_SSL_CONF_IGNORE_LOCALTM,
        ConfigKey::NegotiateTime => T::QL_SSL_CONF_HS_TIMEOUT,
        ConfigKey::IgnoreInvalidCertSign => T::QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN,
        ConfigKey::IgnoreCertItem => T::QL_SSL_CONF_IGNORE_CERT_ITEM,
        ConfigKey::IgnoreMultiCertChainVerify => T::QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY,
        ConfigKey::SessionCache => T::QL_SSL_CONF_SESSION_CACHE,
        _ => return None,
    })
}

fn cstring(s: &str) -> SvcResult<CString> {
    CString::new(s).map_err(|_| ServiceError { kind: FailKind::InvalidParam, code: -3, text: "NUL in string".into() })
}

fn invalid(text: &str) -> ServiceError {
    ServiceError { kind: FailKind::InvalidParam, code: -3, text: text.into() }
}

/// A C string the library owns (or NULL), copied out.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string that stays valid during the call.
unsafe fn opt_string(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        // SAFETY: caller's contract.
        Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }
}

impl LibService {
    fn with_conf<R>(ctx: u8, f: impl FnOnce(&mut ql_ssl_config) -> crate::error::Result<R>) -> SvcResult<R> {
        crate::registry::contexts().with_config(c_int::from(ctx), f).map_err(lib_err)
    }

    fn set_owncert(ctx: u8, cert: &str, key: &str) -> SvcResult<()> {
        let (c, k) = (cstring(cert)?, cstring(key)?);
        let mut a = args();
        a.p[0] = c.as_ptr() as *mut c_void;
        a.p[1] = k.as_ptr() as *mut c_void;
        // SAFETY: OWNCERT reads two C strings and an optional password (NULL); all outlive the call.
        Self::with_conf(ctx, |conf| unsafe { config::set(conf, T::QL_SSL_CONF_OWNCERT as c_int, &a) })
    }

    fn get_owncert(ctx: u8) -> SvcResult<(Option<String>, Option<String>)> {
        Self::with_conf(ctx, |conf| {
            let (mut c, mut k, mut w): (*mut c_char, *mut c_char, *mut c_char) =
                (core::ptr::null_mut(), core::ptr::null_mut(), core::ptr::null_mut());
            let mut a = args();
            a.p[0] = &mut c as *mut _ as *mut c_void;
            a.p[1] = &mut k as *mut _ as *mut c_void;
            a.p[2] = &mut w as *mut _ as *mut c_void;
            // SAFETY: OWNCERT's get writes three char pointers through valid out-pointers; the
            // strings they point to belong to the config and are copied while its lock is held.
            unsafe {
                config::get(conf, T::QL_SSL_CONF_OWNCERT as c_int, &a)?;
                Ok((opt_string(c), opt_string(k)))
            }
        })
    }
}

impl TlsService for LibService {
    fn set(&self, ctx: u8, item: &ConfigItem) -> SvcResult<()> {
        match item {
            ConfigItem::Int(key, v) => {
                let ty = int_type(*key).ok_or_else(|| invalid("not an integer setting"))?;
                let mut a = args();
                a.i = c_int::try_from(*v).map_err(|_| invalid("value out of range"))?;
                a.u = u32::try_from(*v).unwrap_or(u32::MAX);
                // SAFETY: integer-valued types read only `i` / `u`.
                Self::with_conf(ctx, |conf| unsafe { config::set(conf, ty as c_int, &a) })
            }
            ConfigItem::Ciphersuites(ids) => {
                // On the stack on purpose: the library adopts (and later frees) a list in heap
                // memory, as the SDK's callers expect; a stack list is copied.
                let mut list = [0 as c_int; 65];
                if ids.is_empty() || ids.len() >= list.len() {
                    return Err(invalid("1..=64 cipher suites"));
                }
                for (slot, &id) in list.iter_mut().zip(ids) {
                    *slot = c_int::from(id);
                }
                let mut a = args();
                a.p[0] = list.as_ptr() as *mut c_void;
                // SAFETY: a zero-terminated int list that outlives the call (the library copies it).
                Self::with_conf(ctx, |conf| unsafe { config::set(conf, T::QL_SSL_CONF_CIPHERSUITE as c_int, &a) })
            }
            ConfigItem::Path(ConfigKey::CaCert, path) => {
                let mut a = args();
                let c = path.as_deref().map(cstring).transpose()?;
                let arr: [*const c_char; 1] = [c.as_ref().map_or(core::ptr::null(), |c| c.as_ptr())];
                if c.is_some() {
                    a.p[0] = arr.as_ptr() as *mut c_void;
                    a.i = 1;
                }
                // SAFETY: CACERT reads `i` C strings from the array in p[0] (or clears for NULL).
                Self::with_conf(ctx, |conf| unsafe { config::set(conf, T::QL_SSL_CONF_CACERT as c_int, &a) })
            }
            ConfigItem::Path(key @ (ConfigKey::ClientCert | ConfigKey::ClientKey), path) => {
                let path = path.clone().ok_or_else(|| invalid("a client certificate or key path cannot be cleared"))?;
                let (cur_cert, cur_key) = Self::get_owncert(ctx)?;
                let mut pending = self.pending_client.lock().unwrap_or_else(|e| e.into_inner());
                let slot = &mut pending[usize::from(ctx).min(5)];
                let (cert, keyp) = if *key == ConfigKey::ClientCert {
                    (Some(path), slot.1.clone().or(cur_key))
                } else {
                    (slot.0.clone().or(cur_cert), Some(path))
                };
                match (&cert, &keyp) {
                    (Some(c), Some(k)) => {
                        Self::set_owncert(ctx, c, k)?;
                        *slot = (None, None);
                    }
                    _ => *slot = (cert, keyp),
                }
                Ok(())
            }
            ConfigItem::Psk(Some((id, key))) => {
                let (i, k) = (cstring(id)?, cstring(key)?);
                let mut a = args();
                a.p[0] = i.as_ptr() as *mut c_void;
                // SAFETY: PSK_IDENTITY / PSK_KEY read one C string each, valid during the call.
                Self::with_conf(ctx, |conf| unsafe {
                    // Validate the key before touching the identity, so a bad key changes nothing.
                    config::parse_psk_hex(k.as_bytes())?;
                    config::set(conf, T::QL_SSL_CONF_PSK_IDENTITY as c_int, &a)?;
                    let mut b = args();
                    b.p[0] = k.as_ptr() as *mut c_void;
                    config::set(conf, T::QL_SSL_CONF_PSK_KEY as c_int, &b)
                })
            }
            _ => Err(invalid("unsupported setting")),
        }
    }

    fn get(&self, ctx: u8, key: ConfigKey) -> SvcResult<ConfigItem> {
        if let Some(ty) = int_type(key) {
            let v: u32 = Self::with_conf(ctx, |conf| {
                let mut v: u32 = 0;
                let mut a = args();
                a.p[0] = &mut v as *mut u32 as *mut c_void;
                // SAFETY: integer gets write one int (or u32, same size) through p[0].
                unsafe { config::get(conf, ty as c_int, &a) }?;
                Ok(v)
            })?;
            let v = if key == ConfigKey::IgnoreCertItem { i64::from(v) } else { i64::from(v as c_int) };
            return Ok(ConfigItem::Int(key, v));
        }
        match key {
            ConfigKey::Ciphersuite => {
                Self::with_conf(ctx, |conf| {
                    // The out-variables live inside the closure: written through raw pointers, read after.
                    let mut p: *mut c_int = core::ptr::null_mut();
                    let mut a = args();
                    a.p[0] = &mut p as *mut _ as *mut c_void;
                    // SAFETY: the get writes the config's own zero-terminated list pointer (or NULL);
                    // it is read while the config's lock is held, bounded to 512 entries.
                    unsafe {
                        config::get(conf, T::QL_SSL_CONF_CIPHERSUITE as c_int, &a)?;
                        let mut ids = Vec::new();
                        if p.is_null() {
                            ids.push(0xFFFF);
                        } else {
                            for i in 0..512 {
                                let v = *p.add(i);
                                if v == 0 {
                                    break;
                                }
                                ids.push(v as u16);
                            }
                        }
                        Ok(ConfigItem::Ciphersuites(ids))
                    }
                })
            }
            ConfigKey::CaCert => {
                Self::with_conf(ctx, |conf| {
                    let mut paths: *mut *mut c_char = core::ptr::null_mut();
                    let mut count: c_int = 0;
                    let mut a = args();
                    a.p[0] = &mut paths as *mut _ as *mut c_void;
                    a.p[1] = &mut count as *mut _ as *mut c_void;
                    // SAFETY: the get points at the config's own path array and its used length.
                    unsafe {
                        config::get(conf, T::QL_SSL_CONF_CACERT as c_int, &a)?;
                        let first = if count > 0 && !paths.is_null() { opt_string(*paths) } else { None };
                        Ok(ConfigItem::Path(ConfigKey::CaCert, first))
                    }
                })
            }
            ConfigKey::ClientCert | ConfigKey::ClientKey => {
                let (c, k) = Self::get_owncert(ctx)?;
                let pending = self.pending_client.lock().unwrap_or_else(|e| e.into_inner());
                let slot = &pending[usize::from(ctx).min(5)];
                Ok(if key == ConfigKey::ClientCert {
                    ConfigItem::Path(key, slot.0.clone().or(c))
                } else {
                    ConfigItem::Path(key, slot.1.clone().or(k))
                })
            }
            ConfigKey::Psk => {
                Self::with_conf(ctx, |conf| {
                    let (mut id, mut hex): (*const c_char, *const c_char) = (core::ptr::null(), core::ptr::null());
                    let (mut a, mut b) = (args(), args());
                    a.p[0] = &mut id as *mut _ as *mut c_void;
                    b.p[0] = &mut hex as *mut _ as *mut c_void;
                    // SAFETY: each get writes one char pointer owned by the config; copied under its lock.
                    unsafe {
                        config::get(conf, T::QL_SSL_CONF_PSK_IDENTITY as c_int, &a)?;
                        config::get(conf, T::QL_SSL_CONF_PSK_KEY as c_int, &b)?;
                        Ok(ConfigItem::Psk(opt_string(id).zip(opt_string(hex))))
                    }
                })
            }
            _ => Err(invalid("unsupported setting")),
        }
    }

    fn open(&self, ctx: u8, fd: RawFd, hostname: &str) -> SvcResult<ConnId> {
        let mut h: ql_ssl_context = 0;
        // SAFETY: &mut h is a valid out-pointer.
        let rc = unsafe { capi::ql_ssl_new(&mut h) };
        if rc != 0 {
            return Err(fail(FailKind::Other, rc));
        }
        let mut setup = || -> SvcResult<()> {
            // SAFETY: `conf` is the library-owned config, valid and locked for the closure.
            let rc = Self::with_conf(ctx, |conf| Ok(unsafe { capi::ql_ssl_setup(&mut h, conf) }))?;
            if rc != 0 {
                return Err(fail(FailKind::InvalidParam, rc));
            }
            // SAFETY: h is a live handle.
            let rc = unsafe { capi::ql_ssl_set_socket_fd(&mut h, fd) };
            if rc != 0 {
                return Err(fail(FailKind::InvalidParam, rc));
            }
            if !hostname.is_empty() {
                let name = cstring(hostname)?;
                // SAFETY: live handle, NUL-terminated name.
                let rc = unsafe { capi::ql_ssl_set_hostname(&mut h, name.as_ptr()) };
                if rc != 0 {
                    return Err(fail(FailKind::InvalidParam, rc));
                }
            }
            Ok(())
        };
        match setup() {
            Ok(()) => Ok(h),
            Err(e) => {
                // SAFETY: live handle, released once.
                unsafe { capi::ql_ssl_free(&mut h) };
                Err(e)
            }
        }
    }

    fn handshake(&self, conn: ConnId) -> SvcResult<()> {
        let mut h = conn;
        // SAFETY: a handle from `open` (a stale one is refused by the library).
        let rc = unsafe { capi::ql_ssl_handshake(&mut h) };
        if rc == 0 {
            return Ok(());
        }
        let mut e = fail(FailKind::Handshake, rc);
        if e.text.contains("timed out") {
            e.kind = FailKind::Timeout;
        } else if self.info(conn).verify_flags.is_some_and(|f| f != 0) || e.text.contains("verif") {
            e.kind = FailKind::Verify;
        }
        Err(e)
    }

    fn read(&self, conn: ConnId, buf: &mut [u8]) -> SvcResult<usize> {
        let mut h = conn;
        // SAFETY: buf is writable for its length.
        let rc = unsafe { capi::ql_ssl_read(&mut h, buf.as_mut_ptr(), buf.len()) };
        match rc {
            n if n > 0 => Ok(n as usize),
            0 => Err(ServiceError { kind: FailKind::PeerClosed, code: 0, text: "close_notify".into() }),
            rc if rc == ql_ssl_error_code_e::QL_SSL_ERROR_SOCKET_RESET as c_int => Err(fail(FailKind::Reset, rc)),
            rc => Err(fail(FailKind::Other, rc)),
        }
    }

    fn write(&self, conn: ConnId, buf: &[u8]) -> SvcResult<()> {
        let mut h = conn;
        let mut off = 0;
        // Bounded: every round takes at least one byte or fails.
        while off < buf.len() {
            let rest = &buf[off..];
            // SAFETY: rest is readable for its length.
            let rc = unsafe { capi::ql_ssl_write(&mut h, rest.as_ptr(), rest.len()) };
            if rc <= 0 {
                return Err(fail(if rc == -13 { FailKind::Reset } else { FailKind::Other }, rc));
            }
            off += rc as usize;
        }
        Ok(())
    }

    fn info(&self, conn: ConnId) -> ConnInfo {
        let mut h = conn;
        let mut flags = 0u32;
        // SAFETY: live or stale handle (a stale one just returns an error); out-pointer valid.
        unsafe {
            let cs = capi::ql_ssl_get_ciphersuite(&mut h);
            let resumed = capi::ql_ssl_session_resumed(&mut h);
            let vf = capi::ql_ssl_get_verify_result(&mut h, &mut flags);
            ConnInfo {
                ciphersuite: if cs > 0 { cs as u16 } else { 0 },
                resumed: resumed == 1,
                verify_flags: (vf == 0).then_some(flags),
            }
        }
    }

    fn close(&self, conn: ConnId) {
        let mut h = conn;
        // SAFETY: a handle from `open`; close_notify is best effort, free wakes a blocked reader.
        unsafe {
            if capi::ql_ssl_handshake_finished(&mut h) == 1 {
                capi::ql_ssl_close_notify(&mut h);
            }
            capi::ql_ssl_free(&mut h);
        }
    }
}
