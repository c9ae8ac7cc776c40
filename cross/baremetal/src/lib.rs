//! The bare-metal libqlssl: this staticlib is the `qlssl` crate built with `--no-default-features
//! --features baremetal` (no_std + alloc, platform hooks) plus its dependencies, mbedtls included.
//! Everything exported — `ql_ssl_*`, `ql_ssl_platform_init`, mbedtls's C functions — comes from
//! there; this crate adds nothing but the build settings in its Cargo.toml.
#![no_std]

pub use qlssl;
