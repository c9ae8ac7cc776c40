//! qlssl: the QuecOpen SDK's `ql_ssl_*` C API over mbedtls 2.28, memory-safe.
//!
//! Layers (docs/DESIGN.md, "Layers"): the TLS core `tls` (no C types, checked by tests/layers.rs)
//! over the `platform` layer; the contexts service `registry` (per-id configs and live
//! connections, a typed Rust API); the front ends on top of it: `capi`, the C API with its
//! variadic shim (`capi/shim.c`), argument readers, config struct lifecycle, error-code map and
//! panic boundary.
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

/// The `qlssl-at` virtual AT module (Linux only): a front end over `registry`, like `capi`.
#[cfg(feature = "std")]
pub mod at;
pub mod capi;
pub mod platform;
pub mod registry;
pub mod tls;

// Short paths inside the crate (`crate::connection`, `crate::abi`, ...): the core's modules and
// the C adapter's, as they were named before the split into tls/ and capi/. Not public: users of
// the crate name `qlssl::tls::...` / `qlssl::capi::...`. tests/layers.rs keeps the core's files
// from naming the adapter's modules through these.
#[allow(unused_imports)]
pub(crate) use capi::{abi, cipherlist, config, diag, ffi, panic, variadic, version};
#[cfg(any(feature = "std", feature = "keylog"))]
pub(crate) use tls::keylog;
#[allow(unused_imports)]
pub(crate) use tls::{certs, ciphers, connection, context, error, gate, handle, hostname, log, rng, session, sockcheck, timer, transport, verify};

pub use abi::*;
pub use ciphers::*;
