//! The extension config items (ids 100..=104, docs/IOT.md): the checks and storage behind
//! `ql_ssl_conf_set`/`ql_ssl_conf_get` for ALPN, MAX_FRAG_LEN, PIN_SHA256, CA_BUNDLE and
//! SESSION_STORE. Values live in the core's `IotOptions` (the config's `Extras::iot`), so this module needs nothing of config.rs.
//! Without the cargo feature `ext-items` (a build of the vendor API only) every one of these ids
//! answers `NOT_BUILT` (QL_SSL_ERROR_NOT_SUPPORT) and nothing behind them is compiled.

use core::ffi::c_int;
#[cfg(feature = "ext-items")]
use core::ffi::{c_char, c_void};
#[cfg(feature = "ext-items")]
use alloc::ffi::CString;

#[allow(unused_imports)]
use crate::prelude::*;
use crate::abi::*;
use crate::error::{Error, Result};
#[cfg(feature = "ext-items")]
use crate::tls::iot::{ALPN_MAX_NAME, ALPN_MAX_PROTOCOLS, PIN_LEN, PIN_MAX};

use crate::tls::iot::IotOptions;

/// What `get` of ALPN hands out: the names' addresses, NULL-terminated (rebuilt by each get).
#[derive(Clone, Default)]
#[cfg_attr(not(feature = "ext-items"), allow(dead_code))]
pub struct AlpnView(Vec<usize>);

/// The answer of every extension id in a build without the feature `ext-items`.
pub const NOT_BUILT: Error = crate::tls::config_item::EXT_ITEMS_NOT_BUILT;

/// True for the ids of the extension items (100..=104).
pub fn is_extension_item(ty: c_int) -> bool {
    use ql_ssl_config_type_e::*;
    (QL_SSL_CONF_ALPN as c_int..=QL_SSL_CONF_SESSION_STORE as c_int).contains(&ty)
}

/// A build without the extension items: `NOT_BUILT` for their ids, None for any other.
///
/// # Safety
/// None needed (no argument is read); `unsafe` as the full build's.
#[cfg(not(feature = "ext-items"))]
pub unsafe fn set(_: &mut IotOptions, ty: c_int, _: &qlssl_va_args) -> Option<Result<()>> {
    is_extension_item(ty).then_some(Err(NOT_BUILT))
}

/// A build without the extension items: `NOT_BUILT` for their ids, None for any other.
///
/// # Safety
/// None needed (no argument is read); `unsafe` as the full build's.
#[cfg(not(feature = "ext-items"))]
pub unsafe fn get(_: &IotOptions, _: &mut AlpnView, ty: c_int, _: &qlssl_va_args) -> Option<Result<()>> {
    is_extension_item(ty).then_some(Err(NOT_BUILT))
}

/// The extension settings of a config for the registry's typed get: `NOT_BUILT` without the
/// feature.
pub fn options(iot: &IotOptions) -> Result<IotOptions> {
    if cfg!(feature = "ext-items") {
        Ok(iot.clone())
    } else {
        Err(NOT_BUILT)
    }
}

#[cfg(feature = "ext-items")]
/// A C string argument of at most `max` bytes (NULL → None).
///
/// # Safety
/// `p` is NULL or a readable NUL-terminated string.
unsafe fn bounded_str(p: *const c_char, max: usize, what: &'static str) -> Result<Option<CString>> {
    if p.is_null() {
        return Ok(None);
    }
    let mut len = 0usize;
    // SAFETY: a readable C string (contract), read up to its NUL and never past `max` + 1 bytes.
    while unsafe { *p.add(len) } != 0 {
        len += 1;
        if len > max {
            return Err(Error::InvalidParam(what));
        }
    }
    // SAFETY: NUL-terminated, just measured.
    Ok(Some(unsafe { core::ffi::CStr::from_ptr(p) }.to_owned()))
}

#[cfg(feature = "ext-items")]
fn count_in(n: c_int, max: usize, what: &'static str) -> Result<usize> {
    usize::try_from(n).ok().filter(|n| (1..=max).contains(n)).ok_or(Error::InvalidParam(what))
}

#[cfg(feature = "ext-items")]
/// `ql_ssl_conf_set` of an extension item; None when `ty` is not one.
///
/// # Safety
/// The pointer arguments in `a` are what the documentation of `ty` says.
pub unsafe fn set(iot: &mut IotOptions, ty: c_int, a: &qlssl_va_args) -> Option<Result<()>> {
    use ql_ssl_config_type_e::*;
    // The arguments are read here; the value rules are the core's (`IotOptions::set_*`), shared
    // with the typed front ends.
    let r = match ty {
        t if t == QL_SSL_CONF_ALPN as c_int => (|| {
            let list = a.p[0] as *const *const c_char;
            if list.is_null() {
                return iot.set_alpn(Vec::new());
            }
            let count = count_in(a.i, ALPN_MAX_PROTOCOLS, "ALPN protocol count must be 1..=16")?;
            let mut names = Vec::with_capacity(count);
            for i in 0..count {
                // SAFETY: `count` readable pointers (contract), each NULL or a C string.
                let name = unsafe { bounded_str(*list.add(i), ALPN_MAX_NAME, "an ALPN protocol name is longer than 255 bytes") }?
                    .ok_or(Error::InvalidParam("an ALPN protocol name is NULL or empty"))?;
                names.push(name);
            }
            iot.set_alpn(names)
        })(),
        t if t == QL_SSL_CONF_MAX_FRAG_LEN as c_int => iot.set_max_frag_len(a.i),
        t if t == QL_SSL_CONF_PIN_SHA256 as c_int => (|| {
            let hashes = a.p[0] as *const u8;
            if hashes.is_null() {
                return iot.set_pins(Vec::new());
            }
            let count = count_in(a.i, PIN_MAX, "pin count must be 1..=16")?;
            // SAFETY: `count` digests of 32 bytes (contract).
            let bytes = unsafe { core::slice::from_raw_parts(hashes, count * PIN_LEN) };
            iot.set_pins(bytes.chunks_exact(PIN_LEN).map(|c| c.try_into().unwrap_or([0; PIN_LEN])).collect())
        })(),
        t if t == QL_SSL_CONF_CA_BUNDLE as c_int => iot.set_ca_bundle(a.i),
        // SAFETY: NULL or a C string (contract).
        t if t == QL_SSL_CONF_SESSION_STORE as c_int => unsafe { bounded_str(a.p[0] as *const c_char, 4096, "session store path longer than 4096 bytes") }
            .and_then(|p| iot.set_session_store(p)),
        _ => return None,
    };
    Some(r)
}

#[cfg(feature = "ext-items")]
/// An output argument, checked for NULL.
fn out<T>(p: *mut c_void) -> Result<*mut T> {
    if p.is_null() {
        Err(Error::InvalidParam("output pointer is NULL"))
    } else {
        Ok(p.cast())
    }
}

#[cfg(feature = "ext-items")]
/// `ql_ssl_conf_get` of an extension item; None when `ty` is not one.
///
/// # Safety
/// The output pointers in `a` are what the documentation of `ty` says.
pub unsafe fn get(iot: &IotOptions, view: &mut AlpnView, ty: c_int, a: &qlssl_va_args) -> Option<Result<()>> {
    use ql_ssl_config_type_e::*;
    // SAFETY: every output pointer is checked for NULL by `out` and is writable for its type
    // (contract); the values handed out point into the config's extension.
    let r = unsafe {
        match ty {
            t if t == QL_SSL_CONF_ALPN as c_int => (|| {
                let (list, count) = (out::<*const *const c_char>(a.p[0])?, out::<c_int>(a.p[1])?);
                let mut list_view: Vec<usize> = iot.alpn.iter().map(|n| n.as_ptr() as usize).collect();
                list_view.push(0);
                *view = AlpnView(list_view);
                *list = if iot.alpn.is_empty() { core::ptr::null() } else { view.0.as_ptr() as *const *const c_char };
                *count = iot.alpn.len() as c_int;
                Ok(())
            })(),
            t if t == QL_SSL_CONF_MAX_FRAG_LEN as c_int => out::<c_int>(a.p[0]).map(|p| *p = c_int::from(iot.max_frag_len)),
            t if t == QL_SSL_CONF_PIN_SHA256 as c_int => (|| {
                let (hashes, count) = (out::<*const u8>(a.p[0])?, out::<c_int>(a.p[1])?);
                *hashes = iot.pins.first().map_or(core::ptr::null(), |p| p.as_ptr());
                *count = iot.pins.len() as c_int;
                Ok(())
            })(),
            t if t == QL_SSL_CONF_CA_BUNDLE as c_int => out::<c_int>(a.p[0]).map(|p| *p = iot.ca_bundle as c_int),
            t if t == QL_SSL_CONF_SESSION_STORE as c_int => {
                out::<*const c_char>(a.p[0]).map(|p| *p = iot.session_store.as_ref().map_or(core::ptr::null(), |s| s.as_ptr()))
            }
            _ => return None,
        }
    };
    Some(r)
}
