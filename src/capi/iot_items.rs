//! The extension config items (ids from 100, docs/IOT.md) as the C API reads and writes them. The
//! rows are the item table's (src/tls/item_table.rs): each names its `IotOptions` field and
//! setter, and the C arguments are read and written here by the payload's and the field's type
//! (`FromArgs`, `ToOut`), so an extension item needs no code of its own in this file.
//! Without the cargo feature `ext-items` (a build of the vendor API only) every one of these ids
//! answers `NOT_BUILT` (QL_SSL_ERROR_NOT_SUPPORT) and nothing behind them is compiled.

use core::ffi::c_int;
#[cfg(feature = "ext-items")]
use core::ffi::c_char;
#[cfg(feature = "ext-items")]
use alloc::ffi::CString;

#[allow(unused_imports)]
use crate::prelude::*;
use crate::abi::*;
use crate::error::{Error, Result};
use crate::tls::config_item::ConfigKind;
use crate::tls::iot::IotOptions;
#[cfg(feature = "ext-items")]
use crate::ffi::{try_opt_cstr, try_out};
#[cfg(feature = "ext-items")]
use crate::tls::settings::MAX_STRING;

/// What `get` of a list of strings hands out: the names' addresses, NULL-terminated (rebuilt by
/// each get).
#[derive(Clone, Default)]
#[cfg_attr(not(feature = "ext-items"), allow(dead_code))]
pub struct AlpnView(Vec<usize>);

/// The answer of every extension id in a build without the feature `ext-items`.
pub const NOT_BUILT: Error = crate::tls::config_item::EXT_ITEMS_NOT_BUILT;

/// True for the ids of the extension items.
pub fn is_extension_item(ty: c_int) -> bool {
    ConfigKind::from_id(ty).is_some_and(ConfigKind::is_extension)
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
/// A C string argument of at most `max` bytes (NULL → None), as UTF-8 text.
///
/// # Safety
/// `p` is NULL or a readable NUL-terminated string.
unsafe fn bounded_str(p: *const c_char, max: usize) -> Result<Option<String>> {
    // SAFETY: NULL or a readable C string (contract), read no further than `max` + 1 bytes.
    let Some(s) = (unsafe { try_opt_cstr(p, max) })? else { return Ok(None) };
    s.to_str().map(|s| Some(s.to_owned())).map_err(|_| Error::InvalidParam("string argument is not UTF-8"))
}

/// A typed item's payload read from the shim's argument record. `max`: the most list entries or
/// string bytes read (the row's `ext` column); the item's value rules are its setter's.
#[cfg(feature = "ext-items")]
trait FromArgs: Sized {
    /// # Safety
    /// The pointers in `a` are what the item's documentation says.
    unsafe fn from_args(a: &qlssl_va_args, max: usize) -> Result<Self>;
}

#[cfg(feature = "ext-items")]
impl FromArgs for i32 {
    unsafe fn from_args(a: &qlssl_va_args, _: usize) -> Result<i32> {
        Ok(a.i)
    }
}

#[cfg(feature = "ext-items")]
impl FromArgs for bool {
    unsafe fn from_args(a: &qlssl_va_args, _: usize) -> Result<bool> {
        crate::tls::config_item::check_flag(a.i).map(|v| v == 1)
    }
}

#[cfg(feature = "ext-items")]
/// `(p[0], i)` as a list of at most `max` entries: None for a NULL list (clears), else its count.
fn list_len(a: &qlssl_va_args, max: usize) -> Result<Option<usize>> {
    if a.p[0].is_null() {
        return Ok(None);
    }
    let n = usize::try_from(a.i).ok().filter(|n| (1..=max).contains(n));
    n.map(Some).ok_or(Error::InvalidParam("list count out of range (1..=16) or list without entries"))
}

#[cfg(feature = "ext-items")]
/// `const char **list, int count`: NULL clears (an empty list).
impl FromArgs for Vec<String> {
    unsafe fn from_args(a: &qlssl_va_args, max: usize) -> Result<Vec<String>> {
        let Some(count) = list_len(a, max)? else { return Ok(Vec::new()) };
        let list = a.p[0] as *const *const c_char;
        (0..count)
            .map(|i| {
                // SAFETY: `count` readable pointers (contract), each NULL or a C string.
                unsafe { bounded_str(*list.add(i), MAX_STRING) }?.ok_or(Error::InvalidParam("a string in the list is NULL"))
            })
            .collect()
    }
}

#[cfg(feature = "ext-items")]
/// `const unsigned char *digests, int count`: `count` digests back to back; NULL clears.
impl<const N: usize> FromArgs for Vec<[u8; N]> {
    unsafe fn from_args(a: &qlssl_va_args, max: usize) -> Result<Vec<[u8; N]>> {
        let Some(count) = list_len(a, max)? else { return Ok(Vec::new()) };
        // SAFETY: `count` digests of N bytes (contract).
        let bytes = unsafe { core::slice::from_raw_parts(a.p[0] as *const u8, count * N) };
        Ok(bytes.chunks_exact(N).map(|c| c.try_into().unwrap_or([0; N])).collect())
    }
}

#[cfg(feature = "ext-items")]
/// `const char *` of at most `max` bytes; NULL → None.
impl FromArgs for Option<String> {
    unsafe fn from_args(a: &qlssl_va_args, max: usize) -> Result<Option<String>> {
        // SAFETY: NULL or a C string (contract).
        unsafe { bounded_str(a.p[0] as *const c_char, max) }
    }
}


/// A stored extension setting written through `get`'s output pointers; what they point to
/// belongs to the config (`view`: the list of string addresses a list hands out).
#[cfg(feature = "ext-items")]
trait ToOut {
    /// # Safety
    /// The output pointers in `a` are writable for the item's documented types.
    unsafe fn to_out(&self, a: &qlssl_va_args, view: &mut AlpnView) -> Result<()>;
}

#[cfg(feature = "ext-items")]
/// `int *`.
impl ToOut for u16 {
    unsafe fn to_out(&self, a: &qlssl_va_args, _: &mut AlpnView) -> Result<()> {
        // SAFETY: checked for NULL; an `int *` (contract).
        try_out::<c_int>(a.p[0]).map(|p| unsafe { *p = c_int::from(*self) })
    }
}

#[cfg(feature = "ext-items")]
/// `int *` (0/1).
impl ToOut for bool {
    unsafe fn to_out(&self, a: &qlssl_va_args, _: &mut AlpnView) -> Result<()> {
        // SAFETY: checked for NULL; an `int *` (contract).
        try_out::<c_int>(a.p[0]).map(|p| unsafe { *p = c_int::from(*self) })
    }
}

#[cfg(feature = "ext-items")]
/// `const char *const **list, int *count`: the config's NULL-terminated list (NULL when empty).
impl ToOut for Vec<CString> {
    unsafe fn to_out(&self, a: &qlssl_va_args, view: &mut AlpnView) -> Result<()> {
        let (list, count) = (try_out::<*const *const c_char>(a.p[0])?, try_out::<c_int>(a.p[1])?);
        let mut addrs: Vec<usize> = self.iter().map(|n| n.as_ptr() as usize).collect();
        addrs.push(0);
        *view = AlpnView(addrs);
        // SAFETY: both checked for NULL and writable for their types (contract).
        unsafe {
            *list = if self.is_empty() { core::ptr::null() } else { view.0.as_ptr() as *const *const c_char };
            *count = self.len() as c_int;
        }
        Ok(())
    }
}

#[cfg(feature = "ext-items")]
/// `const unsigned char **digests, int *count` (NULL when empty).
impl<const N: usize> ToOut for Vec<[u8; N]> {
    unsafe fn to_out(&self, a: &qlssl_va_args, _: &mut AlpnView) -> Result<()> {
        let (digests, count) = (try_out::<*const u8>(a.p[0])?, try_out::<c_int>(a.p[1])?);
        // SAFETY: both checked for NULL and writable for their types (contract).
        unsafe {
            *digests = self.first().map_or(core::ptr::null(), |d| d.as_ptr());
            *count = self.len() as c_int;
        }
        Ok(())
    }
}

#[cfg(feature = "ext-items")]
/// `char **` (NULL when unset).
impl ToOut for Option<CString> {
    unsafe fn to_out(&self, a: &qlssl_va_args, _: &mut AlpnView) -> Result<()> {
        // SAFETY: checked for NULL; a `char **` (contract).
        try_out::<*const c_char>(a.p[0]).map(|p| unsafe { *p = self.as_ref().map_or(core::ptr::null(), |s| s.as_ptr()) })
    }
}

/// `set`/`get` of the extension rows of the item table.
#[cfg(feature = "ext-items")]
macro_rules! c_ext_items {
    ($( {$(#[$doc:meta])*} $id:literal $name:ident $kind:ident $payload:tt $set:ident $get:ident $c:tt $set_doc:literal $more:tt $notes:tt $get_doc:literal [$($field:ident $setter:ident $max:literal)?]; )*) => {
        /// `ql_ssl_conf_set` of an extension item; None when `ty` is not one.
        ///
        /// # Safety
        /// The pointer arguments in `a` are what the documentation of `ty` says.
        pub unsafe fn set(iot: &mut IotOptions, ty: c_int, a: &qlssl_va_args) -> Option<Result<()>> {
            Some(match ty {
                // SAFETY: the caller's contract is `from_args`'s.
                $($( $id => unsafe { FromArgs::from_args(a, $max) }.and_then(|v| iot.$setter(v)), )?)*
                _ => return None,
            })
        }

        /// `ql_ssl_conf_get` of an extension item; None when `ty` is not one.
        ///
        /// # Safety
        /// The output pointers in `a` are what the documentation of `ty` says.
        pub unsafe fn get(iot: &IotOptions, view: &mut AlpnView, ty: c_int, a: &qlssl_va_args) -> Option<Result<()>> {
            Some(match ty {
                // SAFETY: the caller's contract is `to_out`'s.
                $($( $id => unsafe { iot.$field.to_out(a, view) }, )?)*
                _ => return None,
            })
        }
    };
}

#[cfg(feature = "ext-items")]
crate::tls::item_table::with_config_items!(c_ext_items);
