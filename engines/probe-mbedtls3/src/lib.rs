//! Links mbedtls-rs-sys (mbedtls 3.6) and its static C libraries into one archive for the C probe
//! (engines/backend_mbedtls3.c). On Linux a std staticlib (the crate's time source needs std); on
//! bare metal `no_std`, built only to measure size (engines/baremetal_size.sh).
#![cfg_attr(target_os = "none", no_std)]
pub use mbedtls_rs_sys;

#[cfg(target_os = "none")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
