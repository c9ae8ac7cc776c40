//! The configuration model. The application's `ql_ssl_config` struct is the source of truth for every
//! member of the SDK's struct (applications may also assign members directly); settings that struct has no
//! member for, and every allocation the library makes for a config, live in a library-owned
//! `ConfigExt` reached through the marker and handle the library keeps inside the struct's opaque
//! session storage (`ssl_session_cache.ssl_session`, see `qlssl_session_storage`): nothing is
//! stored outside `sizeof(ql_ssl_config)`.
//! `Settings` is the validated, safe snapshot that `ql_ssl_setup()` builds a connection from.

use core::ffi::{c_char, c_int, c_void, CStr};
use alloc::ffi::CString;
use alloc::sync::Arc;

#[allow(unused_imports)]
use crate::prelude::*;
use crate::platform::sync::{Lazy, Mutex};

use crate::abi::*;
use crate::cipherlist::{self, AdoptedBlock};
use crate::ciphers;
use crate::error::{Error, Result};
use crate::ffi::{try_cstr, try_opt_cstr, try_out, try_slice};
use crate::handle::HandleTable;
use crate::registry::contexts;
use crate::tls::config_item::{
    both_or_neither, check_ca_buffer_room, check_ca_count, check_certitem, check_cipher_list, check_flag, check_psk_identity,
    check_range, check_raw_psk, check_version, client_cert_choice, parse_psk_hex, ConfigItem, CERT_FILES_PAIR, PSK_PAIR, ConfigKind,
    TypedConfig,
};
use crate::tls::vecmap::VecMap;
pub use crate::tls::settings::*;

/// The settings the SDK's struct has no member for. One `Clone` value: a struct copy's new
/// extension (`ConfigExt::fork`) clones it whole, so a setting added here cannot be forgotten there.
#[derive(Clone)]
pub struct Extras {
    pub ignore_localtime: bool,
    pub dtls_version: c_int,
    pub renegotiation: bool,
    pub psk_identity: Option<CString>,
    /// The PSK key: raw bytes and the hex text QL_SSL_CONF_PSK_KEY reads back.
    pub psk_key: Option<PskKey>,
    pub own_cert_buffer: Option<OwnCertBuffer>,
    /// The extension items (src/capi/iot_items.rs).
    pub iot: crate::tls::iot::IotOptions,
    /// What the last get of QL_SSL_CONF_ALPN handed out.
    pub alpn_view: super::iot_items::AlpnView,
}

impl Default for Extras {
    /// The AT manual's defaults.
    fn default() -> Self {
        Extras {
            ignore_localtime: true,
            dtls_version: 1,
            renegotiation: false,
            psk_identity: None,
            psk_key: None,
            own_cert_buffer: None,
            iot: Default::default(),
            alpn_view: Default::default(),
        }
    }
}

/// Library-owned part of one config: the extra settings and the memory the struct points into.
pub struct ConfigExt {
    /// Address of the struct `ql_ssl_conf_init()` made this for (lets a re-init release it).
    owner: usize,
    extras: Extras,
    /// Every string and cipher list the struct's pointer members were ever given. Kept until
    /// `ql_ssl_conf_free`: a by-value copy of the struct may still point at a replaced one.
    retained: Vec<Retained>,
    adopted_list: Option<AdoptedBlock>,
}

#[derive(Clone)]
pub struct PskKey {
    pub raw: Vec<u8>,
    pub hex: CString,
}

/// Memory a config's pointer members point into.
enum Retained {
    Str(CString),
    /// A zero-terminated cipher-suite list.
    List(Box<[c_int]>),
    /// Certificate data followed by one NUL byte (`ca_cert_buffer[]`).
    Bytes(Box<[u8]>),
}

impl Retained {
    fn addr(&self) -> usize {
        match self {
            Retained::Str(s) => s.as_ptr() as usize,
            Retained::List(l) => l.as_ptr() as usize,
            Retained::Bytes(b) => b.as_ptr() as usize,
        }
    }
}

impl ConfigExt {
    /// Keep `s` for the struct's lifetime and return the pointer to store in a member.
    fn keep_str(&mut self, s: CString) -> *mut c_char {
        let p = s.as_ptr() as *mut c_char;
        self.retained.push(Retained::Str(s));
        p
    }

    /// Keep a zero-terminated list and return the pointer to store in `ciphersuites`.
    fn keep_list(&mut self, l: Box<[c_int]>) -> *mut c_int {
        let p = l.as_ptr() as *mut c_int;
        self.retained.push(Retained::List(l));
        p
    }

    /// Keep `data` plus a NUL byte and return the pointer to store in `ca_cert_buffer[]`.
    fn keep_bytes(&mut self, data: &[u8]) -> *mut c_char {
        let mut v = Vec::with_capacity(data.len() + 1);
        v.extend_from_slice(data);
        v.push(0);
        let b = v.into_boxed_slice();
        let p = b.as_ptr() as *mut c_char;
        self.retained.push(Retained::Bytes(b));
        p
    }

    /// The retained certificate data `p` points to (without the NUL), if it is ours.
    fn bytes_at(&self, p: *const c_char) -> Option<&[u8]> {
        self.retained.iter().find_map(|r| match r {
            Retained::Bytes(b) if b.as_ptr() as *const c_char == p => Some(&b[..b.len() - 1]),
            _ => None,
        })
    }

    /// The retained list `p` points to (without its terminator), if it is one of ours.
    fn list_at(&self, p: *const c_int) -> Option<&[c_int]> {
        self.retained.iter().find_map(|r| match r {
            Retained::List(l) if l.as_ptr() == p => Some(&l[..l.len() - 1]),
            _ => None,
        })
    }

    fn owns(&self, p: usize) -> bool {
        self.retained.iter().any(|r| r.addr() == p)
    }

    /// An independent extension for the struct at `owner` (a by-value copy of the struct this
    /// one belongs to): settings are copied, and every member of `conf` that points into this
    /// extension is re-pointed at a copy the new one owns.
    fn fork(&self, owner: usize, conf: &mut ql_ssl_config) -> ConfigExt {
        let mut new = ConfigExt {
            owner,
            extras: self.extras.clone(),
            retained: Vec::new(),
            adopted_list: self.adopted_list.as_ref().map(|b| AdoptedBlock::adopt(b.ptr())),
        };
        if let Some(l) = self.list_at(conf.ciphersuites) {
            let mut copy = l.to_vec();
            copy.push(0);
            conf.ciphersuites = new.keep_list(copy.into_boxed_slice());
        }
        let mut repoint = |p: &mut *mut c_char| {
            if !p.is_null() && self.owns(*p as usize) {
                // SAFETY: a string this extension owns and still retains.
                let s = unsafe { CStr::from_ptr(*p) }.to_owned();
                *p = new.keep_str(s);
            }
        };
        for p in conf.ca_cert_path.iter_mut() {
            repoint(p);
        }
        repoint(&mut conf.own_cert_path);
        repoint(&mut conf.own_key_path);
        repoint(&mut conf.own_key_pwd);
        for p in conf.ca_cert_buffer.iter_mut() {
            if let Some(data) = self.bytes_at(*p) {
                *p = new.keep_bytes(data);
            }
        }
        new
    }

    fn new(owner: usize) -> Self {
        ConfigExt { owner, extras: Extras::default(), retained: Vec::new(), adopted_list: None }
    }
}

impl core::ops::Deref for ConfigExt {
    type Target = Extras;
    fn deref(&self) -> &Extras {
        &self.extras
    }
}

impl core::ops::DerefMut for ConfigExt {
    fn deref_mut(&mut self) -> &mut Extras {
        &mut self.extras
    }
}

static EXTS: Lazy<HandleTable<ConfigExt>> = Lazy::new(|| HandleTable::new(0x2000_0000));

/// Which extension each struct address owns, so `ql_ssl_conf_init` can release a previous one
/// without reading the (possibly uninitialised) struct.
static OWNERS: Lazy<Mutex<VecMap<usize, c_int>>> = Lazy::new(|| Mutex::new(VecMap::new()));

fn release_ext(handle: c_int) {
    if EXTS.remove(handle).is_ok() {
        crate::session::forget_config(handle);
        #[cfg(feature = "tls13")]
        crate::tls::engine_modern::forget_config(handle);
    }
}

/// Record that `addr` owns `handle`, releasing an extension it owned before (a struct overwritten
/// by a copy, or re-initialised, would otherwise leak it).
fn set_owner(addr: usize, handle: c_int) {
    let previous = OWNERS.lock().insert(addr, handle);
    if let Some(old) = previous.filter(|&old| old != handle) {
        // Only if that extension still belongs to this address.
        if EXTS.get(old).is_ok_and(|e| e.lock().owner == addr) {
            release_ext(old);
        }
    }
}

/// The extension of `conf`. A struct that is a by-value copy of another (its extension belongs
/// to another address) first gets an independent extension of its own, so that changing or
/// freeing one struct never touches memory the other points at.
fn ext_of(conf: &mut ql_ssl_config) -> Result<Arc<Mutex<ConfigExt>>> {
    const UNINIT: Error = Error::InvalidParam("config was not initialised with ql_ssl_conf_init() or was freed");
    let (marker, handle) = conf.ssl_session_cache.ssl_session.private();
    if marker != QL_SSL_CONFIG_MAGIC {
        return Err(UNINIT);
    }
    let ext = EXTS.get(handle).map_err(|_| UNINIT)?;
    let addr = conf as *mut _ as usize;
    let forked = {
        let guard = ext.lock();
        if guard.owner == addr {
            None
        } else {
            Some(guard.fork(addr, conf))
        }
    };
    match forked {
        None => Ok(ext),
        Some(new) => {
            let handle = EXTS.insert(new)?;
            conf.ssl_session_cache.ssl_session.set_private(QL_SSL_CONFIG_MAGIC, handle);
            set_owner(addr, handle);
            EXTS.get(handle)
        }
    }
}

fn zero_ip() -> qlssl_ip_addr {
    qlssl_ip_addr { u_addr: qlssl_ip_addr_u { ip6: qlssl_ip6_addr { addr: [0; 4], zone: 0 } }, r#type: 0 }
}

/// `ql_ssl_conf_init`: the defaults of the module's AT manual and a fresh extension.
pub fn init(conf: &mut ql_ssl_config) -> Result<()> {
    let addr = conf as *mut _ as usize;
    let mut ext = ConfigExt::new(addr);
    let list_ptr = ext.keep_list(vec![ciphers::QL_SSL_CIPHERSUITE_ALL, 0].into_boxed_slice());
    let handle = EXTS.insert(ext)?;
    // A second init of the same struct releases what the first one allocated (found by address:
    // the struct's old contents are not read, they may be uninitialised).
    set_owner(addr, handle);
    *conf = ql_ssl_config {
        ssl_version: ql_ssl_version_type_e::QL_SSL_VERSION_ALL as c_int,
        transport: ql_ssl_transport_type_e::QL_SSL_TLS_PROTOCOL as c_int,
        ciphersuites: list_ptr,
        auth_mode: ql_ssl_authmode_e::QL_SSL_VERIFY_NULL as c_int,
        sni_enable: 0,
        ca_cert_path: [core::ptr::null_mut(); QL_MAX_CA_CERT_CNT],
        own_cert_path: core::ptr::null_mut(),
        own_key_path: core::ptr::null_mut(),
        own_key_pwd: core::ptr::null_mut(),
        ca_cert_buffer: [core::ptr::null_mut(); QL_MAX_CA_CERT_CNT],
        ssl_negotiate_timeout: HS_TIMEOUT_DEFAULT,
        negotiate_timeout_cb: None,
        negotiate_timeout_cb_arg: core::ptr::null_mut(),
        ignore_invalid_certsign: 0,
        ignore_certitem: 0,
        ignore_multi_certchain_verify: 0,
        client_cert_type: qlssl_c_bool(ql_ssl_client_cert_type_e::QL_SSL_CLIENT_CERT_FILE as u8),
        ssl_session_cache: ql_ssl_session {
            session_cache_enable: 0,
            remote_ip: zero_ip(),
            remote_port: 0,
            hostname_temp: [0; 256],
            session_hostname: [0; 256],
            ssl_session: qlssl_session_storage::ZERO,
        },
    };
    conf.ssl_session_cache.ssl_session.set_private(QL_SSL_CONFIG_MAGIC, handle);
    Ok(())
}

/// `ql_ssl_conf_free`: release everything the config owns and mark it uninitialised.
pub fn free(conf: &mut ql_ssl_config) -> Result<()> {
    ext_of(conf)?;
    let addr = conf as *mut _ as usize;
    let (_, handle) = conf.ssl_session_cache.ssl_session.private();
    {
        let mut owners = OWNERS.lock();
        if owners.get(&addr) == Some(&handle) {
            owners.remove(&addr);
        }
    }
    release_ext(handle);
    // Every pointer member now dangles or was the application's: clear them all.
    conf.ciphersuites = core::ptr::null_mut();
    conf.ca_cert_path = [core::ptr::null_mut(); QL_MAX_CA_CERT_CNT];
    conf.own_cert_path = core::ptr::null_mut();
    conf.own_key_path = core::ptr::null_mut();
    conf.own_key_pwd = core::ptr::null_mut();
    conf.ca_cert_buffer = [core::ptr::null_mut(); QL_MAX_CA_CERT_CNT];
    conf.ssl_session_cache.ssl_session.set_private(0, 0);
    Ok(())
}



/// Copy a C string argument (NULL → None), bounded to 4 KiB so garbage cannot run away.
///
/// # Safety
/// `p` must be NULL or point to a readable NUL-terminated string.
unsafe fn arg_string(p: *const c_void) -> Result<Option<CString>> {
    // SAFETY: NULL or a readable C string (this function's contract).
    Ok(unsafe { try_opt_cstr(p as *const c_char, MAX_STRING) }?.map(CStr::to_owned))
}

/// Copy a buffer argument of `n` bytes (1 byte .. 1 MiB).
///
/// # Safety
/// `p` must be NULL or point to `n` readable bytes.
unsafe fn arg_bytes(p: *const c_void, n: usize) -> Result<Vec<u8>> {
    if n == 0 || n > MAX_CERT_DATA {
        return Err(Error::InvalidParam("buffer is NULL, empty or larger than 1 MiB"));
    }
    // SAFETY: NULL or `n` readable bytes (contract).
    Ok(unsafe { try_slice(p as *const u8, n) }?.to_vec())
}

/// `ql_ssl_conf_set`. Values are validated before anything is written: on error the config is unchanged.
///
/// # Safety
/// The pointer arguments in `a` must be what the documentation of `ty` says.
pub unsafe fn set(conf: &mut ql_ssl_config, ty: c_int, a: &qlssl_va_args) -> Result<()> {
    use ql_ssl_config_type_e::*;
    let ext = ext_of(conf)?;
    let mut ext = ext.lock();
    // SAFETY: every pointer read below is an argument of `a`, which is what the documentation of
    // `ty` says (this function's contract); each one is checked for NULL before it is read.
    unsafe { match ty {
        t if t == QL_SSL_CONF_VERSION as c_int => conf.ssl_version = check_version(a.i, "version must be 0..=4, QL_SSL_VERSION_4 or QL_SSL_VERSION_TLS12_TLS13")?,
        t if t == QL_SSL_CONF_TRANSPORT as c_int => conf.transport = check_flag(a.i)?,
        t if t == QL_SSL_CONF_CIPHERSUITE as c_int => {
            let p = a.p[0] as *const c_int;
            let (copy, adopted) = if p.is_null() {
                (vec![ciphers::QL_SSL_CIPHERSUITE_ALL, 0], None)
            } else {
                let r = cipherlist::read(p)?;
                let mut ids = r.ids;
                ids.push(0);
                (ids, r.adopted)
            };
            conf.ciphersuites = ext.keep_list(copy.into_boxed_slice());
            // Replacing the previous adopted block frees it (unless it is the very same block).
            if let Some(newp) = adopted {
                if ext.adopted_list.as_ref().map(|b| b.ptr()) != Some(newp) {
                    ext.adopted_list = Some(AdoptedBlock::adopt(newp));
                }
            } else {
                ext.adopted_list = None;
            }
        }
        t if t == QL_SSL_CONF_AUTHMODE as c_int => conf.auth_mode = check_range(a.i, 0, 3, "auth mode must be 0..=3")?,
        t if t == QL_SSL_CONF_CACERT as c_int => {
            // The SDK's shape: (char **paths, int count); the list is replaced, not appended to.
            let paths = a.p[0] as *const *const c_char;
            if paths.is_null() {
                conf.ca_cert_path = [core::ptr::null_mut(); QL_MAX_CA_CERT_CNT];
            } else {
                let count = usize::try_from(a.i).unwrap_or(0);
                check_ca_count(count)?;
                let mut copies = Vec::with_capacity(count);
                for i in 0..count {
                    let path = arg_string(*paths.add(i) as *const c_void)?
                        .ok_or(Error::InvalidParam("a CA path in the array is NULL"))?;
                    if path.as_bytes().is_empty() {
                        return Err(Error::InvalidParam("a CA path in the array is empty"));
                    }
                    copies.push(path);
                }
                let mut list = [core::ptr::null_mut(); QL_MAX_CA_CERT_CNT];
                for (slot, path) in list.iter_mut().zip(copies) {
                    *slot = ext.keep_str(path);
                }
                conf.ca_cert_path = list;
            }
        }
        t if t == QL_SSL_CONF_OWNCERT as c_int => {
            let cert = arg_string(a.p[0])?.ok_or(Error::InvalidParam("certificate path is NULL"))?;
            let key = arg_string(a.p[1])?.ok_or(Error::InvalidParam("key path is NULL"))?;
            let pwd = arg_string(a.p[2])?;
            conf.own_cert_path = ext.keep_str(cert);
            conf.own_key_path = ext.keep_str(key);
            conf.own_key_pwd = pwd.map_or(core::ptr::null_mut(), |p| ext.keep_str(p));
            conf.client_cert_type = qlssl_c_bool(ql_ssl_client_cert_type_e::QL_SSL_CLIENT_CERT_FILE as u8);
        }
        t if t == QL_SSL_CONF_SNI as c_int => conf.sni_enable = check_flag(a.i)?,
        t if t == QL_SSL_CONF_HS_TIMEOUT as c_int => {
            conf.ssl_negotiate_timeout = check_range(a.i, HS_TIMEOUT_MIN, c_int::MAX, "timeout must be at least 1 s")?
        }
        t if t == QL_SSL_CONF_IGNORE_LOCALTM as c_int => {
            let ignore = check_flag(a.i)? == 1;
            if !ignore && !crate::platform::HAS_CALENDAR {
                // mbedtls on bare metal has no time of day (no MBEDTLS_HAVE_TIME_DATE): it cannot
                // check validity periods, and silently not checking is worse than saying so.
                return Err(Error::NotSupported("no calendar clock in this build: certificate validity periods cannot be checked"));
            }
            ext.ignore_localtime = ignore;
        }
        t if t == QL_SSL_CONF_HS_TIMEOUT_FUNC as c_int => {
            // SAFETY: the shim read a function pointer (or NULL) as a void *.
            conf.negotiate_timeout_cb = core::mem::transmute::<*mut c_void, ql_ssl_handshake_timeout_cb>(a.p[0]);
            conf.negotiate_timeout_cb_arg = a.p[1];
        }
        t if t == QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN as c_int => conf.ignore_invalid_certsign = check_flag(a.i)?,
        t if t == QL_SSL_CONF_IGNORE_CERT_ITEM as c_int => {
            conf.ignore_certitem = check_certitem(a.u)?;
        }
        t if t == QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY as c_int => conf.ignore_multi_certchain_verify = check_flag(a.i)?,
        t if t == QL_SSL_CONF_SESSION_CACHE as c_int => conf.ssl_session_cache.session_cache_enable = check_flag(a.i)? as u8,
        t if t == QL_SSL_CONF_CACERT_BUFFER as c_int => {
            if a.p[0].is_null() && a.n[0] == 0 {
                // (NULL, 0) clears; NULL with a length is a mistake (rejected by arg_bytes).
                conf.ca_cert_buffer = [core::ptr::null_mut(); QL_MAX_CA_CERT_CNT];
            } else {
                // The first free slot: as many buffers before it as `set` appended.
                let free = conf.ca_cert_buffer.iter().position(|p| p.is_null());
                check_ca_buffer_room(free.unwrap_or(QL_MAX_CA_CERT_CNT))?;
                let slot = free.unwrap_or_default();
                let b = arg_bytes(a.p[0], a.n[0])?;
                conf.ca_cert_buffer[slot] = ext.keep_bytes(&b);
            }
        }
        t if t == QL_SSL_CONF_OWNCERT_BUFFER as c_int => {
            let cert = arg_bytes(a.p[0], a.n[0])?;
            let key = arg_bytes(a.p[1], a.n[1])?;
            let pwd = arg_string(a.p[2])?.map(|c| c.into_bytes());
            ext.own_cert_buffer = Some(OwnCertBuffer { cert, key, pwd });
            conf.client_cert_type = qlssl_c_bool(ql_ssl_client_cert_type_e::QL_SSL_CLIENT_CERT_BUFFER as u8);
        }
        t if t == QL_SSL_CONF_DTLSVERSION as c_int => ext.dtls_version = check_flag(a.i)?,
        t if t == QL_SSL_CONF_PSK_IDENTITY as c_int => {
            let id = arg_string(a.p[0])?.ok_or(Error::InvalidParam("PSK identity is NULL"))?;
            check_psk_identity(id.as_bytes())?;
            ext.psk_identity = Some(id);
        }
        t if t == QL_SSL_CONF_PSK_KEY as c_int => {
            let hex = arg_string(a.p[0])?.ok_or(Error::InvalidParam("PSK key is NULL"))?;
            let raw = parse_psk_hex(hex.to_bytes())?;
            ext.psk_key = Some(PskKey { raw, hex });
        }
        t if t == QL_SSL_CONF_PSK as c_int => {
            // The older SDK's shape: raw key bytes and identity bytes, each with an int length.
            let (key_len, id_len) = (usize::try_from(a.i).unwrap_or(0), usize::try_from(a.j).unwrap_or(0));
            check_raw_psk(key_len, id_len)?;
            if a.p[0].is_null() || a.p[1].is_null() {
                return Err(Error::InvalidParam("PSK key or identity is NULL"));
            }
            let raw = core::slice::from_raw_parts(a.p[0] as *const u8, key_len).to_vec();
            let id = core::slice::from_raw_parts(a.p[1] as *const u8, id_len).to_vec();
            check_psk_identity(&id)?;
            let identity = CString::new(id).map_err(|_| Error::InvalidParam("PSK identity contains a NUL byte"))?;
            let hex = CString::new(to_hex(&raw)).map_err(|_| Error::Internal("hex text".into()))?;
            ext.psk_identity = Some(identity);
            ext.psk_key = Some(PskKey { raw, hex });
        }
        t if t == QL_SSL_CONF_RENEGOTIATION as c_int => ext.renegotiation = check_flag(a.i)? == 1,
        t => return super::iot_items::set(&mut ext.iot, t, a).unwrap_or(Err(Error::InvalidParam("unknown config type"))),
    } }
    Ok(())
}

/// The extension items of `conf` (the registry's typed get).
pub fn iot_of(conf: &mut ql_ssl_config) -> Result<crate::tls::iot::IotOptions> {
    super::iot_items::options(&ext_of(conf)?.lock().iot)
}

/// A shim argument record with every member zero / NULL.
pub fn empty_args() -> qlssl_va_args {
    qlssl_va_args { i: 0, j: 0, u: 0, p: [core::ptr::null_mut(); 5], n: [0; 2] }
}

/// Set one typed item: the same validation and effect as `ql_ssl_conf_set` with the item's C
/// arguments (the item is handed to `set` as the shim's argument record, pointing at copies
/// that live for the call). On error the config is unchanged.
pub fn set_item(conf: &mut ql_ssl_config, item: ConfigItem) -> Result<()> {
    use ql_ssl_config_type_e::*;
    let mut a = empty_args();
    let cstr = |s: &[u8]| CString::new(s).map_err(|_| Error::InvalidParam("string contains a NUL byte"));
    let ty = match &item {
        ConfigItem::NoOwnCert => {
            // The strings stay kept by the config's extras until it is freed or set again.
            conf.own_cert_path = core::ptr::null_mut();
            conf.own_key_path = core::ptr::null_mut();
            conf.own_key_pwd = core::ptr::null_mut();
            return Ok(());
        }
        ConfigItem::Ciphersuites(ids) => {
            // Not through `set`: a Rust vector must never be taken for an adoptable malloc block.
            check_cipher_list(ids)?;
            let mut copy: Vec<c_int> = ids.iter().map(|&id| c_int::from(id)).collect();
            copy.push(0);
            let ext = ext_of(conf)?;
            let mut ext = ext.lock();
            conf.ciphersuites = ext.keep_list(copy.into_boxed_slice());
            ext.adopted_list = None;
            return Ok(());
        }
        ext if ext.kind().is_extension() => {
            // No C arguments needed: the same setters `set` reads the arguments into.
            let ext_conf = ext_of(conf)?;
            let r = ext_conf.lock().iot.set_item(item).unwrap_or(Err(Error::InvalidParam("unknown config type")));
            return r;
        }
        ConfigItem::Version(v) => (QL_SSL_CONF_VERSION, a.i = *v).0,
        ConfigItem::Transport(v) => (QL_SSL_CONF_TRANSPORT, a.i = *v).0,
        ConfigItem::AuthMode(v) => (QL_SSL_CONF_AUTHMODE, a.i = *v).0,
        ConfigItem::Sni(v) => (QL_SSL_CONF_SNI, a.i = *v as c_int).0,
        ConfigItem::HandshakeTimeout(v) => (QL_SSL_CONF_HS_TIMEOUT, a.i = *v).0,
        ConfigItem::IgnoreLocalTime(v) => (QL_SSL_CONF_IGNORE_LOCALTM, a.i = *v as c_int).0,
        ConfigItem::IgnoreInvalidCertSign(v) => (QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN, a.i = *v as c_int).0,
        ConfigItem::IgnoreCertItem(v) => (QL_SSL_CONF_IGNORE_CERT_ITEM, a.u = *v).0,
        ConfigItem::IgnoreMultiCertChainVerify(v) => {
            (QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY, a.i = *v as c_int).0
        }
        ConfigItem::SessionCache(v) => (QL_SSL_CONF_SESSION_CACHE, a.i = *v as c_int).0,
        ConfigItem::DtlsVersion(v) => (QL_SSL_CONF_DTLSVERSION, a.i = *v).0,
        ConfigItem::Renegotiation(v) => (QL_SSL_CONF_RENEGOTIATION, a.i = *v as c_int).0,
        ConfigItem::TimeoutCallback { cb, arg } => {
            a.p[0] = *cb as *mut c_void;
            a.p[1] = *arg as *mut c_void;
            QL_SSL_CONF_HS_TIMEOUT_FUNC
        }
        _ => QL_SSL_CONF_VERSION, // the items with memory arguments follow below
    };
    // Items whose arguments point to memory: the copies live until `set` returns.
    let mut strings: Vec<CString> = Vec::new();
    let mut path_ptrs: Vec<*const c_char> = Vec::new();
    let ty = match &item {
        ConfigItem::CaCertPaths(paths) => {
            for p in paths {
                strings.push(cstr(p.as_bytes())?);
            }
            path_ptrs = strings.iter().map(|s| s.as_ptr()).collect();
            // An empty list clears, as (NULL, any) does.
            a.p[0] = if paths.is_empty() { core::ptr::null_mut() } else { path_ptrs.as_ptr() as *mut c_void };
            a.i = paths.len() as c_int;
            QL_SSL_CONF_CACERT
        }
        ConfigItem::OwnCert { cert, key, password } => {
            strings.push(cstr(cert.as_bytes())?);
            strings.push(cstr(key.as_bytes())?);
            if let Some(pw) = password {
                strings.push(cstr(pw.as_bytes())?);
            }
            for (i, s) in strings.iter().enumerate() {
                a.p[i] = s.as_ptr() as *mut c_void;
            }
            QL_SSL_CONF_OWNCERT
        }
        ConfigItem::CaCertBuffer(data) => {
            if let Some(d) = data {
                // An empty buffer is refused by `set` (a length of 0 with a pointer).
                a.p[0] = d.as_ptr() as *mut c_void;
                a.n[0] = d.len();
            }
            QL_SSL_CONF_CACERT_BUFFER
        }
        ConfigItem::OwnCertBuffer { cert, key, password } => {
            a.p[0] = cert.as_ptr() as *mut c_void;
            a.n[0] = cert.len();
            a.p[1] = key.as_ptr() as *mut c_void;
            a.n[1] = key.len();
            if let Some(pw) = password {
                strings.push(cstr(pw)?);
                a.p[2] = strings[0].as_ptr() as *mut c_void;
            }
            QL_SSL_CONF_OWNCERT_BUFFER
        }
        ConfigItem::PskIdentity(id) => {
            strings.push(cstr(id)?);
            a.p[0] = strings[0].as_ptr() as *mut c_void;
            QL_SSL_CONF_PSK_IDENTITY
        }
        ConfigItem::PskKeyHex(hex) => {
            strings.push(cstr(hex.as_bytes())?);
            a.p[0] = strings[0].as_ptr() as *mut c_void;
            QL_SSL_CONF_PSK_KEY
        }
        ConfigItem::Psk { key, identity } => {
            a.p[0] = key.as_ptr() as *mut c_void;
            a.i = c_int::try_from(key.len()).unwrap_or(c_int::MAX);
            a.p[1] = identity.as_ptr() as *mut c_void;
            a.j = c_int::try_from(identity.len()).unwrap_or(c_int::MAX);
            QL_SSL_CONF_PSK
        }
        _ => ty,
    };
    // SAFETY: every pointer in `a` points to memory of the shape `ty` documents (strings are
    // NUL-terminated CStrings, buffers carry their lengths), alive until this call returns.
    let r = unsafe { set(conf, ty as c_int, &a) };
    drop((strings, path_ptrs));
    r
}




/// `ql_ssl_conf_get`: writes through the output pointers, only when every one of them is valid.
///
/// # Safety
/// The pointer arguments in `a` must be what the documentation of `ty` says.
pub unsafe fn get(conf: &mut ql_ssl_config, ty: c_int, a: &qlssl_va_args) -> Result<()> {
    use ql_ssl_config_type_e::*;
    let ext = ext_of(conf)?;
    let mut ext = ext.lock();
    // SAFETY: every output pointer is non-NULL (`out` checks it before anything is written) and
    // points to a writable object of the type the documentation of `ty` names (this function's
    // contract).
    unsafe { match ty {
        t if t == QL_SSL_CONF_VERSION as c_int => *try_out::<c_int>(a.p[0])? = conf.ssl_version,
        t if t == QL_SSL_CONF_TRANSPORT as c_int => *try_out::<c_int>(a.p[0])? = conf.transport,
        t if t == QL_SSL_CONF_CIPHERSUITE as c_int => *try_out::<*mut c_int>(a.p[0])? = conf.ciphersuites,
        t if t == QL_SSL_CONF_AUTHMODE as c_int => *try_out::<c_int>(a.p[0])? = conf.auth_mode,
        // Symmetrical to the set side's (char **paths, int count): the config's own array and the
        // number of slots up to the last path.
        t if t == QL_SSL_CONF_CACERT as c_int => {
            let (paths, count) = (try_out::<*mut *mut c_char>(a.p[0])?, try_out::<c_int>(a.p[1])?);
            *paths = conf.ca_cert_path.as_mut_ptr();
            *count = conf.ca_cert_path.iter().rposition(|p| !p.is_null()).map_or(0, |i| i as c_int + 1);
        }
        t if t == QL_SSL_CONF_OWNCERT as c_int => {
            let (c, k, w) = (try_out::<*mut c_char>(a.p[0])?, try_out::<*mut c_char>(a.p[1])?, try_out::<*mut c_char>(a.p[2])?);
            *c = conf.own_cert_path;
            *k = conf.own_key_path;
            *w = conf.own_key_pwd;
        }
        t if t == QL_SSL_CONF_SNI as c_int => *try_out::<c_int>(a.p[0])? = conf.sni_enable,
        t if t == QL_SSL_CONF_HS_TIMEOUT as c_int => *try_out::<c_int>(a.p[0])? = conf.ssl_negotiate_timeout,
        t if t == QL_SSL_CONF_IGNORE_LOCALTM as c_int => *try_out::<c_int>(a.p[0])? = ext.ignore_localtime as c_int,
        t if t == QL_SSL_CONF_HS_TIMEOUT_FUNC as c_int => {
            let (cb, arg) = (try_out::<ql_ssl_handshake_timeout_cb>(a.p[0])?, try_out::<*mut c_void>(a.p[1])?);
            *cb = conf.negotiate_timeout_cb;
            *arg = conf.negotiate_timeout_cb_arg;
        }
        t if t == QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN as c_int => *try_out::<c_int>(a.p[0])? = conf.ignore_invalid_certsign,
        t if t == QL_SSL_CONF_IGNORE_CERT_ITEM as c_int => *try_out::<u32>(a.p[0])? = conf.ignore_certitem,
        t if t == QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY as c_int => {
            *try_out::<c_int>(a.p[0])? = conf.ignore_multi_certchain_verify
        }
        t if t == QL_SSL_CONF_SESSION_CACHE as c_int => {
            *try_out::<c_int>(a.p[0])? = conf.ssl_session_cache.session_cache_enable as c_int
        }
        t if t == QL_SSL_CONF_CACERT_BUFFER as c_int || t == QL_SSL_CONF_OWNCERT_BUFFER as c_int => {
            return Err(Error::NotSupported("certificate buffers are write-only"))
        }
        t if t == QL_SSL_CONF_DTLSVERSION as c_int => *try_out::<c_int>(a.p[0])? = ext.dtls_version,
        t if t == QL_SSL_CONF_PSK_IDENTITY as c_int => {
            *try_out::<*const c_char>(a.p[0])? = ext.psk_identity.as_ref().map_or(core::ptr::null(), |s| s.as_ptr())
        }
        t if t == QL_SSL_CONF_PSK_KEY as c_int => {
            *try_out::<*const c_char>(a.p[0])? = ext.psk_key.as_ref().map_or(core::ptr::null(), |k| k.hex.as_ptr())
        }
        t if t == QL_SSL_CONF_PSK as c_int => {
            let (key, key_len) = (try_out::<*const u8>(a.p[0])?, try_out::<c_int>(a.p[1])?);
            let (id, id_len) = (try_out::<*const u8>(a.p[2])?, try_out::<c_int>(a.p[3])?);
            match (&ext.psk_key, &ext.psk_identity) {
                (Some(k), Some(i)) => {
                    *key = k.raw.as_ptr();
                    *key_len = k.raw.len() as c_int;
                    *id = i.as_ptr() as *const u8;
                    *id_len = i.as_bytes().len() as c_int;
                }
                _ => {
                    *key = core::ptr::null();
                    *key_len = 0;
                    *id = core::ptr::null();
                    *id_len = 0;
                }
            }
        }
        t if t == QL_SSL_CONF_RENEGOTIATION as c_int => *try_out::<c_int>(a.p[0])? = ext.renegotiation as c_int,
        t => {
            let ext: &mut Extras = &mut ext;
            return super::iot_items::get(&ext.iot, &mut ext.alpn_view, t, a).unwrap_or(Err(Error::InvalidParam("unknown config type")));
        }
    } }
    Ok(())
}

/// # Safety
/// `p` must be NULL or point to a readable NUL-terminated string.
unsafe fn field_string(p: *const c_char) -> Result<Option<CString>> {
    // SAFETY: the caller's contract is `arg_string`'s.
    unsafe { arg_string(p as *const c_void) }
}

/// A PEM string an application stored in `ca_cert_buffer[]` itself (bounded like CA buffers).
///
/// # Safety
/// `p` must point to a readable NUL-terminated string.
unsafe fn pem_string(p: *const c_char) -> Result<Vec<u8>> {
    // SAFETY: a readable C string (contract), read no further than 1 MiB.
    Ok(unsafe { try_cstr(p, MAX_CERT_DATA) }?.to_vec())
}

/// The validated snapshot `ql_ssl_setup()` builds a connection from.
///
/// Validate and copy `conf`. Members may have been assigned directly by the application, so
/// every value is range-checked again here.
///
/// # Safety
/// Pointer members of `conf` must be NULL or valid C strings / lists as documented.
pub unsafe fn settings_of(conf: &mut ql_ssl_config) -> Result<Settings> {
    let ext = ext_of(conf)?;
    let ext = ext.lock();
    let ciphers = if conf.ciphersuites.is_null() {
        CipherChoice::All
    } else {
        let ids = if let Some(l) = ext.list_at(conf.ciphersuites) {
            l.to_vec()
        } else {
            // SAFETY: a list the application assigned to the struct (contract).
            unsafe { cipherlist::read(conf.ciphersuites) }?.ids
        };
        if ids.contains(&ciphers::QL_SSL_CIPHERSUITE_ALL) {
            CipherChoice::All
        } else {
            CipherChoice::List(ids)
        }
    };
    let mut ca_paths = Vec::new();
    for p in conf.ca_cert_path.iter() {
        // SAFETY: NULL or a C string (contract).
        if let Some(s) = unsafe { field_string(*p) }? {
            ca_paths.push(s);
        }
    }
    let mut ca_buffers = Vec::new();
    for &p in conf.ca_cert_buffer.iter().filter(|p| !p.is_null()) {
        match ext.bytes_at(p) {
            Some(data) => ca_buffers.push(data.to_vec()),
            // Assigned by the application: a NUL-terminated PEM string.
            // SAFETY: non-NULL, a PEM string (contract).
            None => ca_buffers.push(unsafe { pem_string(p) }?),
        }
    }
    // SAFETY: NULL or C strings (contract).
    let (cert, key) = unsafe { (field_string(conf.own_cert_path)?, field_string(conf.own_key_path)?) };
    let files = match both_or_neither(cert, key, CERT_FILES_PAIR)? {
        // SAFETY: NULL or a C string (contract).
        Some((c, k)) => Some((c, k, unsafe { field_string(conf.own_key_pwd) }?)),
        None => None,
    };
    // client_cert_type names the source to present; the other one is only a fallback.
    let (own_cert_path, own_cert_buffer) = client_cert_choice(files, ext.own_cert_buffer.clone(), conf.client_cert_type.0 != 0);
    let psk = both_or_neither(ext.psk_identity.clone(), ext.psk_key.as_ref().map(|k| k.raw.clone()), PSK_PAIR)?;
    let (_, config_handle) = conf.ssl_session_cache.ssl_session.private();
    Ok(Settings {
        config_handle,
        version: check_version(conf.ssl_version, "ssl_version must be 0..=4, QL_SSL_VERSION_4 or QL_SSL_VERSION_TLS12_TLS13")?,
        dtls: check_flag(conf.transport)? == 1,
        dtls_version: ext.dtls_version,
        ciphers,
        auth_mode: check_range(conf.auth_mode, 0, 3, "auth_mode must be 0..=3")?,
        sni: check_flag(conf.sni_enable)? == 1,
        ca_paths,
        ca_buffers,
        own_cert_path,
        own_cert_buffer,
        negotiate_timeout_s: check_range(
            conf.ssl_negotiate_timeout,
            HS_TIMEOUT_MIN,
            c_int::MAX,
            "ssl_negotiate_timeout must be at least 1 s",
        )?,
        timeout_hook: conf
            .negotiate_timeout_cb
            .map(|f| TimeoutHook { func: f as usize, arg: conf.negotiate_timeout_cb_arg as usize }),
        ignore_localtime: ext.ignore_localtime,
        // The C API keeps mbedtls's check against the host clock.
        validity_clock: crate::tls::clock::ValidityClock::Host,
        ignore_invalid_certsign: check_flag(conf.ignore_invalid_certsign)? == 1,
        ignore_certitem: check_certitem(conf.ignore_certitem)?,
        ignore_multi_certchain_verify: check_flag(conf.ignore_multi_certchain_verify)? == 1,
        session_cache: conf.ssl_session_cache.session_cache_enable != 0,
        psk,
        renegotiation: ext.renegotiation,
        iot: ext.iot.clone(),
    })
}
// ---- the library-owned configs 0..=5, as the C API sees them ------------------------------

/// Read one item of `c` back as a typed value: the same `get` as the C API, its values copied
/// out. The certificate buffers are write-only (NotSupported).
fn struct_item(c: &mut ql_ssl_config, kind: ConfigKind) -> Result<ConfigItem> {
    // The get runs through the same `config::get` as the C API; the values it points to
    // belong to this locked config and are copied out before the lock is released.
    let mut a = empty_args();
    let mut ints = [0 as c_int; 4];
    let mut ptrs: [*mut c_void; 4] = [core::ptr::null_mut(); 4];
    // The SDK's config type of `kind`: the item table's row.
    let ty = kind.id();
    let mut getp = |_: ConfigKind, a: &mut qlssl_va_args| -> Result<()> {
        // SAFETY: every output pointer points to a local of the type `config::get` writes
        // for `kind` (an int, an unsigned int or a pointer).
        unsafe { get(c, ty, a) }
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
            while !p.is_null() && ids.len() < cipherlist::MAX_LIST && unsafe { *p } != 0 {
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
        ext => iot_of(c)?.item(ext).ok_or(Error::InvalidParam("unknown config type"))?,
    };
    Ok(item)
}

/// The C API's view of one of the per-id configs 0..=5 (`ql_ssl_conf_set_by_id`,
/// `ql_ssl_conf_get_by_id`). The contexts service owns the config as typed values
/// (`TypedConfig`); this is an SDK struct that mirrors it, so that `ql_ssl_conf_get_by_id` can
/// hand out pointers exactly as `ql_ssl_conf_get` does for an application's struct. It is brought
/// up to date before each by-id call, and only the items that changed (through the AT engine, say)
/// are written again; as in any config, replaced strings and lists stay allocated until the struct
/// is freed (never, for these six), so a pointer handed out earlier stays readable.
struct IdMirror {
    conf: Box<ql_ssl_config>,
    /// The typed config `conf` reflects, and the service's generation of it.
    shown: TypedConfig,
    generation: u64,
}

// SAFETY: the raw pointers inside point to memory owned by the config's extension (or, for an
// adopted cipher list, to a block the config owns); access is serialised by the mutex around it.
unsafe impl Send for IdMirror {}

static ID_MIRRORS: Lazy<Vec<Mutex<Option<IdMirror>>>> =
    Lazy::new(|| (0..crate::registry::CONFIG_IDS).map(|_| Mutex::new(None)).collect());

impl IdMirror {
    fn new() -> Result<IdMirror> {
        // SAFETY: an all-zero ql_ssl_config is a valid value (NULL pointers, None callback).
        let mut conf: Box<ql_ssl_config> = Box::new(unsafe { core::mem::zeroed() });
        init(&mut conf)?;
        Ok(IdMirror { conf, shown: TypedConfig::default(), generation: 0 })
    }

    /// Bring the struct up to the service's config `ctx_id`, writing only what changed.
    fn refresh(&mut self, ctx_id: i32) -> Result<()> {
        if let Some((generation, current)) = contexts().config_if_changed(ctx_id, self.generation)? {
            for &kind in ConfigKind::ALL {
                self.show(kind, &current, false)?;
            }
            self.shown = current;
            self.generation = generation;
        }
        Ok(())
    }

    /// Write item `kind` of `new` into the struct when it differs from what the struct shows
    /// (or, with `force`, in any case).
    fn show(&mut self, kind: ConfigKind, new: &TypedConfig, force: bool) -> Result<()> {
        let old = &self.shown;
        let item = match kind {
            ConfigKind::CaCertBuffer => {
                if force || old.ca_buffers != new.ca_buffers {
                    set_item(&mut self.conf, ConfigItem::CaCertBuffer(None))?;
                    for b in &new.ca_buffers {
                        set_item(&mut self.conf, ConfigItem::CaCertBuffer(Some(b.clone())))?;
                    }
                }
                return Ok(());
            }
            ConfigKind::OwnCertBuffer => match &new.own_cert_buffer {
                Some(b) if force || old.own_cert_buffer != new.own_cert_buffer => {
                    ConfigItem::OwnCertBuffer { cert: b.cert.clone(), key: b.key.clone(), password: b.pwd.clone() }
                }
                None if force => {
                    ext_of(&mut self.conf)?.lock().own_cert_buffer = None;
                    return Ok(());
                }
                _ => return Ok(()),
            },
            ConfigKind::OwnCert if new.own_cert.is_none() => ConfigItem::NoOwnCert,
            // Shown through PSK_IDENTITY and PSK_KEY; a PSK is never unset.
            ConfigKind::Psk => return Ok(()),
            // Never set in a build without them (the typed set refuses them).
            ext if ext.is_extension() && !cfg!(feature = "ext-items") => return Ok(()),
            ConfigKind::PskIdentity if new.psk_identity.is_none() => {
                if force {
                    ext_of(&mut self.conf)?.lock().psk_identity = None;
                }
                return Ok(());
            }
            ConfigKind::PskKeyHex if new.psk_key.is_none() => {
                if force {
                    ext_of(&mut self.conf)?.lock().psk_key = None;
                }
                return Ok(());
            }
            _ => new.get(kind)?,
        };
        let unchanged = !force && match kind {
            ConfigKind::OwnCertBuffer => false,
            ConfigKind::OwnCert => old.own_cert == new.own_cert,
            _ => old.get(kind).as_ref() == Ok(&item),
        };
        if !unchanged {
            set_item(&mut self.conf, item)?;
        }
        // The source set last is the one `client_cert_type` names.
        let source = if new.cert_from_buffer {
            ql_ssl_client_cert_type_e::QL_SSL_CLIENT_CERT_BUFFER
        } else {
            ql_ssl_client_cert_type_e::QL_SSL_CLIENT_CERT_FILE
        };
        self.conf.client_cert_type = qlssl_c_bool(source as u8);
        Ok(())
    }

    /// The typed form of the item `ty` that `set` just wrote into the struct.
    fn item_set(&mut self, kind: ConfigKind) -> Result<ConfigItem> {
        match kind {
            ConfigKind::CaCertBuffer => {
                let ext = ext_of(&mut self.conf)?;
                let ext = ext.lock();
                let last = self.conf.ca_cert_buffer.iter().rev().find(|p| !p.is_null());
                Ok(ConfigItem::CaCertBuffer(last.and_then(|&p| ext.bytes_at(p)).map(|b| b.to_vec())))
            }
            ConfigKind::OwnCertBuffer => {
                let ext = ext_of(&mut self.conf)?;
                let ext = ext.lock();
                let b = ext.own_cert_buffer.clone().ok_or(Error::Internal("client certificate buffer not kept".into()))?;
                Ok(ConfigItem::OwnCertBuffer { cert: b.cert, key: b.key, password: b.pwd })
            }
            _ => struct_item(&mut self.conf, kind),
        }
    }
}

/// Run `f` on the C API's mirror of per-id config `ctx_id`, brought up to date.
fn with_mirror<R>(ctx_id: c_int, f: impl FnOnce(&mut IdMirror) -> Result<R>) -> Result<R> {
    let slot = usize::try_from(ctx_id)
        .ok()
        .and_then(|i| ID_MIRRORS.get(i))
        .ok_or(Error::InvalidParam("ctx_id must be 0..=5"))?;
    let mut slot = slot.lock();
    if slot.is_none() {
        *slot = Some(IdMirror::new()?);
    }
    let mirror = slot.as_mut().ok_or(Error::Internal("per-id config mirror".into()))?;
    mirror.refresh(ctx_id)?;
    f(mirror)
}

/// `ql_ssl_conf_set_by_id`: the C arguments are read and checked as `ql_ssl_conf_set` reads
/// them (into the mirror, so that a malloc'd cipher list is adopted as for any config), then the
/// item goes to the contexts service as a typed value. When the service refuses it, the mirror
/// shows the service's value again.
///
/// # Safety
/// As for `set`.
pub unsafe fn set_by_id(ctx_id: c_int, ty: c_int, a: &qlssl_va_args) -> Result<()> {
    with_mirror(ctx_id, |m| {
        // SAFETY: the caller's contract is `set`'s.
        unsafe { set(&mut m.conf, ty, a) }?;
        let kind = ConfigKind::from_id(ty).ok_or(Error::InvalidParam("unknown config type"))?;
        let item = m.item_set(kind)?;
        match contexts().set(ctx_id, item.clone()) {
            Ok(()) => {
                // What the struct shows now; the service's next generation is picked up (and
                // found equal) by the next refresh.
                let _ = m.shown.set(item);
                Ok(())
            }
            Err(e) => {
                // Show the service's value again (PSK: both of its items).
                let shown = m.shown.clone();
                let kinds: &[ConfigKind] = match kind {
                    ConfigKind::Psk => &[ConfigKind::PskIdentity, ConfigKind::PskKeyHex],
                    _ => core::slice::from_ref(&kind),
                };
                for &k in kinds {
                    let _ = m.show(k, &shown, true);
                }
                Err(e)
            }
        }
    })
}

/// `ql_ssl_conf_get_by_id`: `get` on the mirror, so the pointers handed out are the mirror's.
///
/// # Safety
/// As for `get`.
pub unsafe fn get_by_id(ctx_id: c_int, ty: c_int, a: &qlssl_va_args) -> Result<()> {
    // SAFETY: the caller's contract is `get`'s.
    with_mirror(ctx_id, |m| unsafe { get(&mut m.conf, ty, a) })
}

/// A C string of ours (NULL → None), copied out.
///
/// # Safety
/// `p` must be NULL or a NUL-terminated string that stays valid during the call.
unsafe fn owned_str(p: *const c_char) -> Option<String> {
    // SAFETY: the caller's contract.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ql_ssl_config_type_e::*;

    fn args_i(i: c_int) -> qlssl_va_args {
        qlssl_va_args { i, j: 0, u: i as u32, p: [core::ptr::null_mut(); 5], n: [0; 2] }
    }

    fn new_conf() -> Box<ql_ssl_config> {
        // SAFETY: ql_ssl_config is a C struct of integers, pointers and arrays of them: all-zero is
        // a valid value (what an application's `memset` gives `ql_ssl_conf_init`).
        let mut c: Box<ql_ssl_config> = Box::new(unsafe { core::mem::zeroed() });
        init(&mut c).unwrap();
        c
    }

    #[test]
    fn defaults_follow_the_at_manual() {
        let mut c = new_conf();
        // SAFETY: an initialised config whose pointer members are NULL.
        let s = unsafe { settings_of(&mut c) }.unwrap();
        assert_eq!(s.version, 4);
        assert!(!s.dtls);
        assert_eq!(s.ciphers, CipherChoice::All);
        assert_eq!(s.auth_mode, 0);
        assert!(!s.sni);
        assert!(s.ignore_localtime);
        assert_eq!(s.negotiate_timeout_s, 300);
        assert!(!s.session_cache);
        free(&mut c).unwrap();
        assert!(free(&mut c).is_err(), "second free is an error, not a double free");
    }

    #[test]
    fn out_of_range_values_leave_config_unchanged() {
        let mut c = new_conf();
        // SAFETY: integer items only; the argument records carry no pointers.
        unsafe {
            assert!(set(&mut c, QL_SSL_CONF_VERSION as c_int, &args_i(7)).is_err());
            assert!(set(&mut c, QL_SSL_CONF_HS_TIMEOUT as c_int, &args_i(0)).is_err());
            assert!(set(&mut c, 99, &args_i(0)).is_err());
            assert!(set(&mut c, QL_SSL_CONF_IGNORE_CERT_ITEM as c_int, &args_i(-1)).is_err());
        }
        assert_eq!(c.ssl_version, 4);
        assert_eq!(c.ssl_negotiate_timeout, 300);
        free(&mut c).unwrap();
    }

    #[test]
    fn core_limits_are_the_sdk_values() {
        use crate::tls::settings::{MAX_CA_CERTS, PSK_IDENTITY_MAX, VERSION_TLS12_TLS13, VERSION_TLS13};
        assert_eq!(VERSION_TLS13, ql_ssl_version_type_e::QL_SSL_VERSION_4 as c_int);
        assert_eq!(VERSION_TLS12_TLS13, ql_ssl_version_type_e::QL_SSL_VERSION_TLS12_TLS13 as c_int);
        assert_eq!(MAX_CA_CERTS, QL_MAX_CA_CERT_CNT);
        assert_eq!(PSK_IDENTITY_MAX, QL_SSL_PSK_IDENTITY_LENGTH_MAX as usize);
        assert_eq!(crate::tls::settings::MAX_CIPHER_IDS + 1, cipherlist::MAX_LIST);
    }

    #[test]
    fn typed_defaults_are_conf_init_defaults() {
        let mut c = new_conf();
        for &kind in ConfigKind::ALL {
            if let Ok(typed) = TypedConfig::default().get(kind) {
                assert_eq!(struct_item(&mut c, kind).unwrap(), typed, "{kind:?}");
            }
        }
        free(&mut c).unwrap();
    }

    #[test]
    fn psk_hex_is_checked() {
        assert_eq!(parse_psk_hex(b"0a0B").unwrap(), vec![0x0a, 0x0b]);
        assert!(parse_psk_hex(b"abc").is_err());
        assert!(parse_psk_hex(b"zz").is_err());
        assert!(parse_psk_hex(b"").is_err());
    }
}
