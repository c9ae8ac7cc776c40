//! Does the linked mbedtls agree with the Rust bindings on `mbedtls_ssl_context`?
//!
//! `MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH` (set by `.cargo/config.toml` for the C build and bindgen
//! alike, docs/IOT.md) adds `in_buf_len`/`out_buf_len` to the context. The mbedtls crate allocates
//! that struct at the size the bindings say and the C library writes it at the size it was
//! compiled with: a build in which only one side saw the define would write past the allocation.
//! build.rs checks it at build time (mbedtls's headers compiled with the flags its CMake build
//! recorded against the bindings' size); this asks the linked library itself, for the tests
//! (tests/iot.rs `mbedtls_context_layout_matches_the_c_library`; nothing in the library calls it,
//! so programs do not link it): `mbedtls_ssl_init` zeroes exactly `sizeof(mbedtls_ssl_context)`
//! bytes of its C build; `mbedtls_version_check_feature` lists the options it had.

#[allow(unused_imports)]
use crate::prelude::*;

/// Bytes after the Rust-sized context that a larger C context may write into.
const GUARD: usize = 256;
/// What the probe's bytes are before `mbedtls_ssl_init` (any non-zero value).
const FILL: u8 = 0xA5;

/// The context's size on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextLayout {
    /// `sizeof(mbedtls_ssl_context)` of the linked C library (at most the Rust size + 256 is seen).
    pub c_size: usize,
    /// `size_of::<mbedtls_sys::ssl_context>()` of the bindings.
    pub rust_size: usize,
}

impl ContextLayout {
    pub fn matches(&self) -> bool {
        self.c_size == self.rust_size
    }
}

/// Measure the linked library's context (one init/free of a scratch context, no I/O).
pub fn context_layout() -> ContextLayout {
    #[repr(C)]
    struct Probe {
        ctx: core::mem::MaybeUninit<mbedtls_sys::ssl_context>,
        guard: [u8; GUARD],
    }
    let rust_size = core::mem::size_of::<mbedtls_sys::ssl_context>();
    let mut probe = Box::new(Probe { ctx: core::mem::MaybeUninit::uninit(), guard: [FILL; GUARD] });
    let base = (&mut *probe as *mut Probe).cast::<u8>();
    let total = core::mem::size_of::<Probe>();
    // SAFETY: `base` points at the boxed probe, `total` bytes of it.
    unsafe { core::ptr::write_bytes(base, FILL, total) };
    let ctx = probe.ctx.as_mut_ptr();
    // SAFETY: mbedtls_ssl_init only zeroes its sizeof(mbedtls_ssl_context) bytes at `ctx`; the
    // guard behind the Rust-sized context catches a C context up to GUARD bytes larger.
    // mbedtls_ssl_free of an initialised, never set-up context frees nothing (its pointers are
    // NULL) and zeroes the same bytes again.
    unsafe { mbedtls_sys::ssl_init(ctx) };
    // SAFETY: the probe's `total` bytes are initialised (write_bytes above, then zeroes).
    let bytes = unsafe { core::slice::from_raw_parts(base, total) };
    let c_size = bytes.iter().take_while(|&&b| b == 0).count();
    // SAFETY: as above; the context was initialised by mbedtls_ssl_init.
    unsafe { mbedtls_sys::ssl_free(ctx) };
    ContextLayout { c_size, rust_size }
}

/// The linked C library was built with `MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH` (for tests: nothing
/// in the library calls it, so its option table is not linked into programs).
pub fn c_has_variable_buffers() -> bool {
    // SAFETY: a NUL-terminated name; the function only compares it with its static list.
    unsafe { mbedtls_sys::version_check_feature(c"MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH".as_ptr().cast()) == 0 }
}
