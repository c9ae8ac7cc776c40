//! The one seam between the AT engine and the library: the engine sees SSL contexts 0..=5 and TLS
//! connections only through `TlsService`. `LibService` implements it as a thin mapping onto the
//! contexts service (`registry::contexts()`), the peer of the C API (`src/capi/`): AT settings
//! become the registry's typed `ConfigItem`s on the same per-id configs `ql_ssl_conf_set_by_id`
//! changes, connections are registry connections, and the failure kind is read from the core's
//! typed `Error`. It never builds C argument records or calls the exported `ql_ssl_*` functions.

use std::ffi::c_int;
use std::os::fd::RawFd;
use std::sync::Mutex;

use crate::capi::codes::ErrorCode;
use crate::registry::{self, contexts, ConnState, HandshakeStep};
// The library's item kinds: the extension items reach the AT names by them (`ConfigKey::Ext`).
pub use crate::registry::ConfigKind;
use crate::tls::clock::ValidityClock;
use crate::tls::error::Error;

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
    /// The extension items (docs/IOT.md), named by the library's own kind.
    Ext(ConfigKind),
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
    /// A list setting in its AT text form (Alpn: "h2,mqtt"; PinSha256: hex digests joined by ':').
    Text(ConfigKey, String),
}

/// What the engine needs to know about a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailKind {
    /// A value out of range, an unknown or closed id, a context that cannot be set up (a
    /// certificate or key file missing or unparseable, PSK incomplete), a suite not in this build.
    InvalidParam,
    /// Handshake failed (alert, protocol, no common suite...).
    Handshake,
    /// Handshake failed because the server's certificate did not verify.
    Verify,
    /// The negotiate time ran out.
    Timeout,
    /// Peer sent close_notify (read returned end of stream).
    PeerClosed,
    /// Peer reset / closed TCP without close_notify (also during the handshake) / fatal alert
    /// after the handshake.
    Reset,
    /// Anything else: the connection released by another thread during the call, out of memory,
    /// a record that failed to decrypt or encrypt.
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
    /// the caller's: it is closed by the caller after `close`. `module_time` (seconds since the
    /// epoch, the module clock `AT+CCLK` sets) is the time certificate validity periods are
    /// judged against when the context's `ignorelocaltime` is 0.
    fn open(&self, ctx: u8, fd: RawFd, hostname: &str, module_time: i64) -> SvcResult<ConnId>;
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
    /// Send close_notify (best effort) and keep the connection: a `read` then sees the peer's
    /// answer (its close_notify or TCP close) as `PeerClosed`/`Reset`.
    fn close_notify(&self, conn: ConnId);
}

// ---------------------------------------------------------------------------------------------
// The adapter over the contexts service.

/// `TlsService` over `registry::contexts()`.
#[derive(Default)]
pub struct LibService {
    /// AT sets the client certificate and key one at a time; the library takes them as a pair.
    /// A half given alone waits here (per context) until its other half arrives.
    pending_client: Mutex<[(Option<String>, Option<String>); 6]>,
}

/// The failure kind of a core error (exhaustive: a new core error needs a decision here).
fn kind_of(e: &Error) -> FailKind {
    match e {
        Error::InvalidParam(_)
        | Error::BadHandle
        | Error::BadRequest(_)
        | Error::NotSupported(_)
        | Error::SuiteNotSupported(_) => FailKind::InvalidParam,
        Error::HandshakeTimeout(_) => FailKind::Timeout,
        Error::VerifyFailed { .. } => FailKind::Verify,
        Error::Handshake(_) | Error::HandshakeAlert(_) | Error::HandshakeInProgress => FailKind::Handshake,
        Error::SocketReset | Error::PeerAlert(_) => FailKind::Reset,
        // WrongState: e.g. the connection was closed by another thread during the call.
        Error::WrongState(_)
        | Error::OutOfMemory
        | Error::WantRead
        | Error::WantWrite
        | Error::Decrypt(_)
        | Error::Encrypt(_)
        | Error::Internal(_) => FailKind::Other,
    }
}

/// The engine's view of a core error; `code` is the C API's number for it (one map: capi::codes).
fn service_error(e: Error) -> ServiceError {
    ServiceError { kind: kind_of(&e), code: e.code() as c_int, text: e.to_string() }
}

fn invalid(text: &'static str) -> ServiceError {
    service_error(Error::InvalidParam(text))
}

/// Run one registry call inside a panic boundary, as the C exports do: a bug in the library
/// fails the call (kind Other) instead of killing the engine's thread.
fn guarded<R>(f: impl FnOnce() -> crate::tls::error::Result<R>) -> SvcResult<R> {
    match crate::platform::catch(f) {
        Some(r) => r.map_err(service_error),
        None => Err(service_error(Error::Internal("panic caught in the contexts service".into()))),
    }
}

fn unexpected(kind: ConfigKind) -> ServiceError {
    service_error(Error::Internal(format!("the registry answered another item for {kind:?}")))
}

/// The registry item behind an integer AT setting, with the value checked for its type.
fn int_item(key: ConfigKey, v: i64) -> SvcResult<registry::ConfigItem> {
    use registry::ConfigItem as R;
    let int = || i32::try_from(v).map_err(|_| invalid("value out of range"));
    let flag = || match v {
        0 | 1 => Ok(v == 1),
        _ => Err(invalid("flag must be 0 or 1")),
    };
    Ok(match key {
        ConfigKey::SslVersion => R::Version(int()?),
        ConfigKey::Dtls => R::Transport(int()?),
        ConfigKey::DtlsVersion => R::DtlsVersion(int()?),
        ConfigKey::SecLevel => R::AuthMode(int()?),
        ConfigKey::NegotiateTime => R::HandshakeTimeout(int()?),
        ConfigKey::IgnoreCertItem => R::IgnoreCertItem(u32::try_from(v).map_err(|_| invalid("value out of range"))?),
        ConfigKey::Sni => R::Sni(flag()?),
        ConfigKey::IgnoreLocalTime => R::IgnoreLocalTime(flag()?),
        ConfigKey::IgnoreInvalidCertSign => R::IgnoreInvalidCertSign(flag()?),
        ConfigKey::IgnoreMultiCertChainVerify => R::IgnoreMultiCertChainVerify(flag()?),
        ConfigKey::SessionCache => R::SessionCache(flag()?),
        ConfigKey::Ext(ConfigKind::MaxFragLen) => R::MaxFragLen(int()?),
        ConfigKey::Ext(ConfigKind::CaBundle) => R::CaBundle(flag()?),
        _ => return Err(invalid("not an integer setting")),
    })
}

/// The registry kind behind an integer AT setting.
fn int_kind(key: ConfigKey) -> Option<ConfigKind> {
    Some(match key {
        ConfigKey::SslVersion => ConfigKind::Version,
        ConfigKey::Dtls => ConfigKind::Transport,
        ConfigKey::DtlsVersion => ConfigKind::DtlsVersion,
        ConfigKey::SecLevel => ConfigKind::AuthMode,
        ConfigKey::NegotiateTime => ConfigKind::HandshakeTimeout,
        ConfigKey::IgnoreCertItem => ConfigKind::IgnoreCertItem,
        ConfigKey::Sni => ConfigKind::Sni,
        ConfigKey::IgnoreLocalTime => ConfigKind::IgnoreLocalTime,
        ConfigKey::IgnoreInvalidCertSign => ConfigKind::IgnoreInvalidCertSign,
        ConfigKey::IgnoreMultiCertChainVerify => ConfigKind::IgnoreMultiCertChainVerify,
        ConfigKey::SessionCache => ConfigKind::SessionCache,
        ConfigKey::Ext(kind @ (ConfigKind::MaxFragLen | ConfigKind::CaBundle)) => kind,
        _ => return None,
    })
}

/// An integer registry item as the engine shows it.
fn int_value(item: registry::ConfigItem) -> Option<i64> {
    use registry::ConfigItem as R;
    Some(match item {
        R::Version(v) | R::Transport(v) | R::DtlsVersion(v) | R::AuthMode(v) | R::HandshakeTimeout(v) | R::MaxFragLen(v) => {
            i64::from(v)
        }
        R::IgnoreCertItem(v) => i64::from(v),
        R::Sni(b)
        | R::IgnoreLocalTime(b)
        | R::IgnoreInvalidCertSign(b)
        | R::IgnoreMultiCertChainVerify(b)
        | R::SessionCache(b)
        | R::CaBundle(b) => i64::from(b),
        _ => return None,
    })
}

/// An empty string is how the registry shows "not set".
fn set_or_none(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

impl LibService {
    /// The client certificate and key paths the context holds now.
    fn own_cert(ctx: i32) -> SvcResult<(Option<String>, Option<String>)> {
        match guarded(|| contexts().get(ctx, ConfigKind::OwnCert))? {
            registry::ConfigItem::OwnCert { cert, key, .. } => Ok((set_or_none(cert), set_or_none(key))),
            _ => Err(unexpected(ConfigKind::OwnCert)),
        }
    }

    /// One half of the client certificate/key pair: stored with the other half (current or
    /// pending), or kept pending until that arrives. Erasing a half (None) clears the pair in the
    /// library, which holds them together; the other half waits as pending for a new partner.
    fn set_client_half(&self, ctx: u8, key: ConfigKey, path: Option<&String>) -> SvcResult<()> {
        // Checks `ctx` too, before a pending slot is chosen.
        let (cur_cert, cur_key) = Self::own_cert(i32::from(ctx))?;
        let mut pending = self.pending_client.lock().unwrap_or_else(|e| e.into_inner());
        let slot = &mut pending[usize::from(ctx)];
        let Some(path) = path.cloned() else {
            guarded(|| contexts().set(i32::from(ctx), registry::ConfigItem::NoOwnCert))?;
            *slot = if key == ConfigKey::ClientCert {
                (None, slot.1.clone().or(cur_key))
            } else {
                (slot.0.clone().or(cur_cert), None)
            };
            return Ok(());
        };
        let (cert, keyp) = if key == ConfigKey::ClientCert {
            (Some(path), slot.1.clone().or(cur_key))
        } else {
            (slot.0.clone().or(cur_cert), Some(path))
        };
        match (cert, keyp) {
            (Some(cert), Some(key)) => {
                // AT has no password setting: a key file is unencrypted.
                let item = registry::ConfigItem::OwnCert { cert, key, password: None };
                guarded(|| contexts().set(i32::from(ctx), item))?;
                *slot = (None, None);
            }
            half => *slot = half,
        }
        Ok(())
    }
}

impl TlsService for LibService {
    fn set(&self, ctx: u8, item: &ConfigItem) -> SvcResult<()> {
        use registry::ConfigItem as R;
        let id = i32::from(ctx);
        let item = match item {
            ConfigItem::Int(key, v) => int_item(*key, *v)?,
            // The registry keeps its own copy; nothing is adopted (that is the C path's rule for
            // an application's malloc'd list).
            ConfigItem::Ciphersuites(ids) => R::Ciphersuites(ids.clone()),
            ConfigItem::Path(ConfigKey::CaCert, path) => R::CaCertPaths(path.iter().cloned().collect()),
            ConfigItem::Path(key @ (ConfigKey::ClientCert | ConfigKey::ClientKey), path) => {
                return self.set_client_half(ctx, *key, path.as_ref())
            }
            ConfigItem::Psk(Some((identity, key_hex))) => {
                // Both or neither: a bad key must not leave a new identity behind.
                let items = vec![R::PskIdentity(identity.clone().into_bytes()), R::PskKeyHex(key_hex.clone())];
                return guarded(|| contexts().set_all(id, items));
            }
            ConfigItem::Path(ConfigKey::Ext(ConfigKind::SessionStore), path) => R::SessionStore(path.clone()),
            ConfigItem::Text(ConfigKey::Ext(ConfigKind::Alpn), text) => crate::at::iot::alpn_item(text).map_err(invalid)?,
            ConfigItem::Text(ConfigKey::Ext(ConfigKind::PinSha256), text) => crate::at::iot::pins_item(text).map_err(invalid)?,
            _ => return Err(invalid("unsupported setting")),
        };
        guarded(|| contexts().set(id, item))
    }

    fn get(&self, ctx: u8, key: ConfigKey) -> SvcResult<ConfigItem> {
        use registry::ConfigItem as R;
        let id = i32::from(ctx);
        let get = |kind| guarded(|| contexts().get(id, kind));
        if let Some(kind) = int_kind(key) {
            let v = int_value(get(kind)?).ok_or_else(|| unexpected(kind))?;
            return Ok(ConfigItem::Int(key, v));
        }
        match key {
            ConfigKey::Ciphersuite => match get(ConfigKind::Ciphersuites)? {
                R::Ciphersuites(ids) => Ok(ConfigItem::Ciphersuites(ids)),
                _ => Err(unexpected(ConfigKind::Ciphersuites)),
            },
            ConfigKey::CaCert => match get(ConfigKind::CaCertPaths)? {
                R::CaCertPaths(paths) => Ok(ConfigItem::Path(key, paths.into_iter().next())),
                _ => Err(unexpected(ConfigKind::CaCertPaths)),
            },
            ConfigKey::ClientCert | ConfigKey::ClientKey => {
                let (cert, client_key) = Self::own_cert(id)?;
                let pending = self.pending_client.lock().unwrap_or_else(|e| e.into_inner());
                let slot = &pending[usize::from(ctx)];
                Ok(if key == ConfigKey::ClientCert {
                    ConfigItem::Path(key, slot.0.clone().or(cert))
                } else {
                    ConfigItem::Path(key, slot.1.clone().or(client_key))
                })
            }
            ConfigKey::Psk => match (get(ConfigKind::PskIdentity)?, get(ConfigKind::PskKeyHex)?) {
                (R::PskIdentity(identity), R::PskKeyHex(hex)) => {
                    let identity = set_or_none(String::from_utf8_lossy(&identity).into_owned());
                    Ok(ConfigItem::Psk(identity.zip(set_or_none(hex))))
                }
                _ => Err(unexpected(ConfigKind::Psk)),
            },
            ConfigKey::Ext(ConfigKind::SessionStore) => match get(ConfigKind::SessionStore)? {
                R::SessionStore(p) => Ok(ConfigItem::Path(key, p)),
                _ => Err(unexpected(ConfigKind::SessionStore)),
            },
            ConfigKey::Ext(kind @ (ConfigKind::Alpn | ConfigKind::PinSha256)) => {
                let text = crate::at::iot::show(&get(kind)?).ok_or_else(|| unexpected(kind))?;
                Ok(ConfigItem::Text(key, text))
            }
            _ => Err(invalid("unsupported setting")),
        }
    }

    fn open(&self, ctx: u8, fd: RawFd, hostname: &str, module_time: i64) -> SvcResult<ConnId> {
        let hostname = (!hostname.is_empty()).then_some(hostname);
        guarded(|| contexts().open_with_clock(i32::from(ctx), fd, hostname, ValidityClock::At(module_time)))
    }

    fn handshake(&self, conn: ConnId) -> SvcResult<()> {
        match guarded(|| contexts().handshake(conn))? {
            HandshakeStep::Done => Ok(()),
            // The engine's sockets block; a non-blocking one is the caller's bug.
            HandshakeStep::WantRead => Err(service_error(Error::WantRead)),
            HandshakeStep::WantWrite => Err(service_error(Error::WantWrite)),
        }
    }

    fn read(&self, conn: ConnId, buf: &mut [u8]) -> SvcResult<usize> {
        match guarded(|| contexts().read(conn, buf))? {
            0 => Err(ServiceError { kind: FailKind::PeerClosed, code: 0, text: "close_notify".into() }),
            n => Ok(n),
        }
    }

    fn write(&self, conn: ConnId, buf: &[u8]) -> SvcResult<()> {
        let mut rest = buf;
        // Bounded: every round takes at least one byte or fails.
        while !rest.is_empty() {
            match guarded(|| contexts().write(conn, rest))? {
                0 => return Err(service_error(Error::Encrypt("the write took no bytes".into()))),
                n => rest = &rest[n.min(rest.len())..],
            }
        }
        Ok(())
    }

    fn info(&self, conn: ConnId) -> ConnInfo {
        guarded(|| contexts().info(conn)).map_or_else(
            |_| ConnInfo::default(),
            |i| ConnInfo { ciphersuite: i.ciphersuite.unwrap_or(0), resumed: i.resumed, verify_flags: i.verify_flags },
        )
    }

    fn close(&self, conn: ConnId) {
        // Best effort: close_notify only on an established connection; `close` then wakes a
        // read blocked on another thread (it returns with an error) and releases the connection.
        let established = guarded(|| contexts().info(conn)).is_ok_and(|i| i.state == ConnState::Established);
        if established {
            let _ = guarded(|| contexts().close_notify(conn));
        }
        let _ = guarded(|| contexts().close(conn));
    }

    fn close_notify(&self, conn: ConnId) {
        let _ = guarded(|| contexts().close_notify(conn));
    }
}
