//! The library's own version, for C: the `QLSSL_VERSION_*` macros of ql_ssl.h (what an application
//! was compiled against) and `qlssl_version_number()` / `qlssl_version_string()` (what it runs
//! with). Not `QL_SSL_VERSION_*`: those are the SDK's protocol versions (ql_ssl_version_type_e).
//! The numbers are Cargo.toml's `version`; tests/header.rs checks they agree.

use core::ffi::{c_char, c_uint};

/// Major version of this library (Cargo.toml's `version`).
pub const QLSSL_VERSION_MAJOR: c_uint = 0;
/// Minor version of this library.
pub const QLSSL_VERSION_MINOR: c_uint = 1;
/// Patch version of this library.
pub const QLSSL_VERSION_PATCH: c_uint = 0;
/// The version as one number, 0xMMmmpp00 like mbedtls's MBEDTLS_VERSION_NUMBER (major, minor,
/// patch, one byte each): compare with `>=` for "at least".
pub const QLSSL_VERSION_NUMBER: c_uint =
    (QLSSL_VERSION_MAJOR << 24) | (QLSSL_VERSION_MINOR << 16) | (QLSSL_VERSION_PATCH << 8);
/// The version as text, NUL-terminated: `qlssl_version_string()`. The header's
/// QLSSL_VERSION_STRING macro ("0.1.0") is written in cbindgen.toml (cbindgen does not turn string
/// constants into macros); tests/header.rs checks both against Cargo.toml.
static VERSION_TEXT: &[u8] = b"0.1.0\0";

/// Version of the library the program runs with, as QLSSL_VERSION_NUMBER encodes it; compare with
/// the header's QLSSL_VERSION_NUMBER to detect a different library at run time. Never fails; may
/// be called before any other function (also before ql_ssl_platform_init() on bare metal).
#[no_mangle]
pub extern "C" fn qlssl_version_number() -> c_uint {
    QLSSL_VERSION_NUMBER
}

/// Version of the library the program runs with, "major.minor.patch": a static string, never
/// NULL, never to be freed. May be called before any other function.
#[no_mangle]
pub extern "C" fn qlssl_version_string() -> *const c_char {
    VERSION_TEXT.as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_cargo_version() {
        assert_eq!(QLSSL_VERSION_MAJOR.to_string(), env!("CARGO_PKG_VERSION_MAJOR"));
        assert_eq!(QLSSL_VERSION_MINOR.to_string(), env!("CARGO_PKG_VERSION_MINOR"));
        assert_eq!(QLSSL_VERSION_PATCH.to_string(), env!("CARGO_PKG_VERSION_PATCH"));
        assert_eq!(&VERSION_TEXT[..VERSION_TEXT.len() - 1], env!("CARGO_PKG_VERSION").as_bytes());
        assert_eq!(qlssl_version_number(), 0x0001_0000);
    }
}
