//! qlssl: the QuecOpen SDK's `ql_ssl_*` C API over mbedtls 2.28, memory-safe.
//!
//! Layout: a safe core (`config`, `connection`, `verify`, `certs`, `transport`, `handle`) tested
//! without FFI, and a thin C layer (`capi`, plus the variadic shim in `shim.c`) that converts
//! arguments (`ffi`), looks up handles and maps errors (`error`) inside one panic boundary (`panic`).
#![allow(clippy::missing_safety_doc)]
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

pub mod abi;
/// The `qlssl-at` virtual AT module (Linux only).
#[cfg(feature = "std")]
pub mod at;
pub mod capi;
pub mod certs;
pub mod cipherlist;
pub mod ciphers;
pub mod config;
pub mod connection;
pub mod context;
pub mod diag;
pub mod error;
pub mod ffi;
pub mod gate;
pub mod handle;
pub mod hostname;
#[cfg(feature = "std")]
pub mod keylog;
pub mod log;
pub mod panic;
pub mod platform;
pub mod rng;
pub mod session;
pub mod sockcheck;
pub mod timer;
pub mod transport;
pub mod variadic;
pub mod verify;
pub mod version;

pub use abi::*;
pub use ciphers::*;
