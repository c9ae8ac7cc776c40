//! qlssl: the QuecOpen SDK's `ql_ssl_*` C API over mbedtls 2.28, memory-safe.
//!
//! Layout: a safe core (`config`, `connection`, `verify`, `certs`, `transport`, `handle`) tested
//! without FFI, and a thin C layer (`capi`, plus the variadic shim in `shim.c`) that converts
//! arguments (`ffi`), looks up handles and maps errors (`error`) inside one panic boundary (`panic`).
#![deny(unsafe_op_in_unsafe_fn)]
// Bare metal (feature `baremetal`): no_std + alloc, platform services from a C hook table.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

/// What the std prelude gives every module, spelled out for no_std builds (same items on Linux).
pub(crate) mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::boxed::Box;
    pub use alloc::format;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

pub mod capi;
pub mod platform;
pub mod registry;
pub mod tls;

// The flat module paths the code used before the split into tls/ and capi/.
pub use capi::{abi, cipherlist, config, diag, ffi, panic, variadic, version};
#[cfg(feature = "std")]
pub use tls::keylog;
pub use tls::{certs, ciphers, connection, context, error, gate, handle, hostname, log, rng, session, sockcheck, timer, transport, verify};

pub use abi::*;
pub use ciphers::*;
