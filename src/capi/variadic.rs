//! Exported entry points of the C-variadic functions. Stable Rust cannot read `...` arguments, and
//! rustc only exports Rust-defined symbols from a cdylib, so each exported name is a naked function
//! whose only instruction is a tail jump to the C shim (src/capi/shim.c): registers and stack reach the
//! shim exactly as the caller set them up, so `va_arg` works as in a plain C definition.
//! The C prototypes (with `...`) are written in cbindgen.toml, not generated from these.

extern "C" {
    fn qlssl_shim_conf_set();
    fn qlssl_shim_conf_get();
    fn qlssl_shim_conf_set_by_id();
    fn qlssl_shim_conf_get_by_id();
}

#[cfg(target_arch = "x86_64")]
macro_rules! tail_jump {
    ($target:path) => {
        core::arch::naked_asm!("jmp {t}", t = sym $target)
    };
}

#[cfg(any(target_arch = "aarch64", target_arch = "arm"))]
macro_rules! tail_jump {
    ($target:path) => {
        core::arch::naked_asm!("b {t}", t = sym $target)
    };
}

macro_rules! variadic_export {
    ($name:ident => $target:path) => {
        /// C-variadic; see the prototype and documentation in ql_ssl.h.
        ///
        /// # Safety
        /// The variadic arguments must have the shape the documentation of the config type gives.
        #[unsafe(naked)]
        #[no_mangle]
        pub unsafe extern "C" fn $name() {
            tail_jump!($target)
        }
    };
}

variadic_export!(ql_ssl_conf_set => qlssl_shim_conf_set);
variadic_export!(ql_ssl_conf_get => qlssl_shim_conf_get);
variadic_export!(ql_ssl_conf_set_by_id => qlssl_shim_conf_set_by_id);
variadic_export!(ql_ssl_conf_get_by_id => qlssl_shim_conf_get_by_id);
