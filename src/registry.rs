//! The contexts service: the library-owned configs 0..=5 (`<SSL_ctxID>` of the AT commands, the
//! `ctx_id` of `ql_ssl_conf_set_by_id`) and the live connections, behind one typed Rust API that
//! every front end uses. The C API (`src/capi/`) is one front end; the AT engine is the next one.
//! Both see the same per-id configs: a value set with `ql_ssl_conf_set_by_id` is what `get`
//! returns here, and the other way round. The configs are the core's `TypedConfig` (typed values,
//! no pointers); the C API mirrors them in SDK structs of its own for `ql_ssl_conf_get_by_id`
//! (`capi::config`), refreshed through `config_if_changed`.
//!
//! Layering: this module sits above the core (`src/tls/`) and beside the front ends; it may use
//! the core, never a front end's exports.

use alloc::sync::Arc;

#[allow(unused_imports)]
use crate::prelude::*;

use crate::platform::sync::{Lazy, Mutex};
use crate::tls::clock::ValidityClock;
use crate::tls::connection::{Connection, TimeoutNotice};
use crate::tls::context::Context;
use crate::tls::error::{Error, Result};
use crate::tls::handle::HandleTable;

/// A live connection's id (the C API's `ql_ssl_context` value). Never reused in a process.
pub type ConnId = i32;

/// Number of library-owned configs (ids 0..=5).
pub const CONFIG_IDS: usize = 6;

pub use crate::tls::config_item::{ConfigItem, ConfigKind, TypedConfig};

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

/// One per-id config: typed values, and how often they changed.
struct IdSlot {
    config: TypedConfig,
    generation: u64,
}

/// Session-cache key of per-id config `ctx_id` (`Settings::config_handle`): below the C configs'
/// handles (from 0x2000_0000), and the same for the life of the process.
const ID_CONFIG_HANDLE_BASE: i32 = 0x1000_0000;

/// The service. One per process: `contexts()`.
pub struct Contexts {
    /// The per-id configs.
    configs: Vec<Mutex<IdSlot>>,
    /// The base keeps connection ids apart from small integers and from config handles.
    conns: HandleTable<Connection, Context>,
}

static CONTEXTS: Lazy<Contexts> = Lazy::new(|| Contexts {
    configs: (0..CONFIG_IDS)
        .map(|_| Mutex::new(IdSlot { config: TypedConfig::default(), generation: 0 }))
        .collect(),
    conns: HandleTable::new(0x0100_0000),
});

/// The process's contexts service.
pub fn contexts() -> &'static Contexts {
    &CONTEXTS
}

impl Contexts {
    // ---- per-id configs --------------------------------------------------------------------

    /// Run `f` on per-id config `ctx_id` (0..=5), locked.
    fn with_slot<R>(&self, ctx_id: i32, f: impl FnOnce(&mut IdSlot) -> Result<R>) -> Result<R> {
        let slot = usize::try_from(ctx_id)
            .ok()
            .filter(|&i| i < CONFIG_IDS)
            .ok_or(Error::InvalidParam("ctx_id must be 0..=5"))?;
        let mut g = self.configs[slot].lock();
        f(&mut g)
    }

    /// Set one item of config `ctx_id`, with the checks `ql_ssl_conf_set` makes; on error the
    /// config is unchanged.
    pub fn set(&self, ctx_id: i32, item: ConfigItem) -> Result<()> {
        self.with_slot(ctx_id, |s| {
            s.config.set(item)?;
            s.generation += 1;
            Ok(())
        })
    }

    /// Set several items of config `ctx_id` as one change: all of them, or none when one is
    /// refused. For a front end whose one command carries several items (AT's
    /// `AT+QSSLCFG="psk",<ctx>,<identity>,<key>`).
    pub fn set_all(&self, ctx_id: i32, items: Vec<ConfigItem>) -> Result<()> {
        self.with_slot(ctx_id, |s| {
            let mut changed = s.config.clone();
            items.into_iter().try_for_each(|item| changed.set(item))?;
            s.config = changed;
            s.generation += 1;
            Ok(())
        })
    }

    /// Read one item of config `ctx_id`. The certificate buffers are write-only (NotSupported).
    pub fn get(&self, ctx_id: i32, kind: ConfigKind) -> Result<ConfigItem> {
        self.with_slot(ctx_id, |s| s.config.get(kind))
    }

    /// Config `ctx_id` and its generation (counts the changes), when the generation is not
    /// `known`: a front end that mirrors the config (the C API's `ql_ssl_conf_get_by_id` hands out
    /// pointers into an SDK struct) refreshes its copy only when something changed.
    pub fn config_if_changed(&self, ctx_id: i32, known: u64) -> Result<Option<(u64, TypedConfig)>> {
        self.with_slot(ctx_id, |s| Ok((s.generation != known).then(|| (s.generation, s.config.clone()))))
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
        let mut settings = self.with_slot(ctx_id, |s| s.config.settings(ID_CONFIG_HANDLE_BASE + ctx_id))?;
        settings.validity_clock = clock;
        let mut conn = Connection::new();
        conn.setup(settings)?;
        conn.set_socket_fd(socket_fd)?;
        if let Some(name) = hostname {
            if name.is_empty() || name.len() > crate::tls::settings::MAX_HOSTNAME || name.as_bytes().contains(&0) {
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
            // A hook is the C API's (the only front end with callbacks): its side calls it.
            crate::capi::timeout::notify(id, n.hook);
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
