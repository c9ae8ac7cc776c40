//! Links mbedtls-rs-sys (mbedtls 3.6) and its static C libraries into one archive for the C probe
//! (engines/backend_mbedtls3.c). A std staticlib: the archive also carries the Rust runtime the
//! crate's time source needs.
pub use mbedtls_rs_sys;
