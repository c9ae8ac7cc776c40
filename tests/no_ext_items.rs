//! A build without the cargo feature `ext-items` (the vendor API only; docs/IOT.md,
//! docs/PERFORMANCE.md "Size"): every extension item id answers QL_SSL_ERROR_NOT_SUPPORT with a
//! text that names the feature, through the C API as an application calls it and through the
//! typed registry; ql_ssl_get_alpn is NULL; the vendor items still work. Run with
//! `cargo test --release --no-default-features --features std --test no_ext_items`.

#![cfg(not(feature = "ext-items"))]

use std::ffi::{c_char, c_int, CStr};

use qlssl::capi::abi::{ql_ssl_config, ql_ssl_config_type_e as T, ql_ssl_context, ql_ssl_error_code_e as E};
use qlssl::capi::*;

extern "C" {
    // The exported C-variadic functions (src/capi/shim.c), called as an application would.
    fn ql_ssl_conf_set(conf: *mut ql_ssl_config, ty: c_int, ...) -> c_int;
    fn ql_ssl_conf_get(conf: *mut ql_ssl_config, ty: c_int, ...) -> c_int;
}

/// Every extension item's id, from the item table.
fn extension_ids() -> Vec<c_int> {
    qlssl::registry::ConfigKind::ALL.iter().filter(|k| k.is_extension()).map(|k| k.id()).collect()
}

fn last_error() -> String {
    let mut buf = [0 as c_char; 256];
    // SAFETY: 256 writable bytes.
    assert_eq!(unsafe { ql_ssl_last_error(buf.as_mut_ptr(), buf.len()) }, 0);
    // SAFETY: write_text NUL-terminates within the buffer.
    unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
}

#[test]
fn extension_ids_answer_not_supported_with_a_text() {
    // SAFETY: zeroed plain C struct, initialised by ql_ssl_conf_init and freed at the end.
    let mut conf: ql_ssl_config = unsafe { std::mem::zeroed() };
    let c = &mut conf as *mut ql_ssl_config;
    assert_eq!(unsafe { ql_ssl_conf_init(c) }, 0);
    let name = c"h2".as_ptr();
    let names = [name];
    let pin = [0u8; 32];
    let mut out_ptr: *const std::ffi::c_void = std::ptr::null();
    let mut out_int: c_int = -7;
    let ids = extension_ids();
    assert!(ids.len() >= 5 && ids.contains(&(T::QL_SSL_CONF_SESSION_STORE as c_int)), "{ids:?}");
    for &ty in &ids {
        // Each id with the argument shape its documentation gives (a valid value in the full build).
        // SAFETY: arguments of the documented shapes, alive for the call.
        let set = unsafe {
            match ty {
                t if t == T::QL_SSL_CONF_ALPN as c_int => ql_ssl_conf_set(c, ty, names.as_ptr(), 1 as c_int),
                t if t == T::QL_SSL_CONF_PIN_SHA256 as c_int => ql_ssl_conf_set(c, ty, pin.as_ptr(), 1 as c_int),
                t if t == T::QL_SSL_CONF_SESSION_STORE as c_int => ql_ssl_conf_set(c, ty, c"UFS:s.bin".as_ptr()),
                t if t == T::QL_SSL_CONF_MAX_FRAG_LEN as c_int => ql_ssl_conf_set(c, ty, 512 as c_int),
                _ => ql_ssl_conf_set(c, ty, 0 as c_int),
            }
        };
        assert_eq!(set, E::QL_SSL_ERROR_NOT_SUPPORT as c_int, "set of id {ty}");
        assert!(last_error().contains("ext-items"), "set of id {ty}: {}", last_error());
        // SAFETY: writable outputs of the largest shape (two pointers' worth).
        let get = unsafe { ql_ssl_conf_get(c, ty, &mut out_ptr as *mut _, &mut out_int as *mut c_int) };
        assert_eq!(get, E::QL_SSL_ERROR_NOT_SUPPORT as c_int, "get of id {ty}");
        assert!(last_error().contains("ext-items"), "get of id {ty}: {}", last_error());
        assert!(out_ptr.is_null() && out_int == -7, "get of id {ty} wrote its outputs");
    }
    // The vendor items are untouched.
    assert_eq!(unsafe { ql_ssl_conf_set(c, T::QL_SSL_CONF_SNI as c_int, 1 as c_int) }, 0);
    assert_eq!(unsafe { ql_ssl_conf_get(c, T::QL_SSL_CONF_SNI as c_int, &mut out_int as *mut c_int) }, 0);
    assert_eq!(out_int, 1);
    // An id past the extension range is still an unknown type.
    let past = ids.iter().max().unwrap() + 1;
    assert_eq!(unsafe { ql_ssl_conf_set(c, past, 0 as c_int) }, E::QL_SSL_ERROR_INVALID_PARAM as c_int);
    assert_eq!(unsafe { ql_ssl_conf_free(c) }, 0);
}

#[test]
fn the_library_owned_configs_refuse_them_too() {
    use qlssl::registry::{contexts, ConfigItem, ConfigKind};
    assert_eq!(contexts().set(3, ConfigItem::MaxFragLen(512)), Err(qlssl::tls::error::Error::NotSupported(NOT_BUILT_TEXT)));
    assert_eq!(contexts().get(3, ConfigKind::Alpn), Err(qlssl::tls::error::Error::NotSupported(NOT_BUILT_TEXT)));
    assert_eq!(contexts().get(3, ConfigKind::SessionStore), Err(qlssl::tls::error::Error::NotSupported(NOT_BUILT_TEXT)));
}

const NOT_BUILT_TEXT: &str = "this build has no extension items (cargo feature ext-items, docs/IOT.md)";

#[test]
fn get_alpn_is_null() {
    let mut ssl: ql_ssl_context = 0;
    // SAFETY: a writable context handle, freed below.
    assert_eq!(unsafe { ql_ssl_new(&mut ssl) }, 0);
    assert!(unsafe { ql_ssl_get_alpn(&mut ssl) }.is_null());
    assert!(unsafe { ql_ssl_get_alpn(std::ptr::null_mut()) }.is_null());
    assert_eq!(unsafe { ql_ssl_free(&mut ssl) }, 0);
}
