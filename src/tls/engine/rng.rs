//! One CTR_DRBG for the whole process, seeded once from the OS (as an mbedtls application would
//! share one `mbedtls_ctr_drbg_context`), instead of gathering fresh entropy for every
//! `ql_ssl_setup` (which was the second largest cost of a setup). A forked child reseeds before
//! its first use (a `pthread_atfork` handler marks it), so parent and child never share a random
//! stream.

use core::ffi::{c_int, c_uchar};
// mbedtls-sys's own c_void (not core's on no_std targets): the callback signatures use it.
use mbedtls_sys::types::raw_types::c_void;
use core::sync::atomic::{AtomicBool, Ordering};
use alloc::sync::Arc;

use mbedtls::rng::{CtrDrbg, RngCallback};

use crate::tls::boundary::catch_status_panic;
use crate::platform::{
    self,
    sync::{Lazy, Mutex},
};

/// The entropy the generator is seeded from: the OS's (mbedtls's platform source) on Linux.
#[cfg(feature = "std")]
fn entropy_source() -> Arc<mbedtls::rng::OsEntropy> {
    Arc::new(mbedtls::rng::OsEntropy::new())
}

/// Bare metal: the platform's `entropy` hook.
#[cfg(not(feature = "std"))]
fn entropy_source() -> Arc<HookEntropy> {
    Arc::new(HookEntropy)
}

/// The platform's `entropy` hook as an mbedtls entropy source.
#[cfg(not(feature = "std"))]
struct HookEntropy;

#[cfg(not(feature = "std"))]
impl mbedtls::rng::EntropyCallback for HookEntropy {
    unsafe extern "C" fn call(_user_data: *mut c_void, data: *mut c_uchar, len: usize) -> c_int {
        // SAFETY: mbedtls passes `len` writable bytes at `data`.
        if unsafe { platform::fill_entropy(data, len) } {
            0
        } else {
            mbedtls_sys::ERR_ENTROPY_SOURCE_FAILED
        }
    }

    fn data_ptr(&self) -> *mut c_void {
        core::ptr::null_mut()
    }
}

static DRBG: Lazy<Mutex<Option<CtrDrbg>>> = Lazy::new(|| {
    // The fork handler only stores to an atomic (async-signal-safe).
    platform::on_fork(forked);
    Mutex::new(None)
});

/// Set in a forked child: its copy of the generator state must not be used.
static FORKED: AtomicBool = AtomicBool::new(false);

extern "C" fn forked() {
    FORKED.store(true, Ordering::SeqCst);
}

/// The shared generator, as the RNG callback of an mbedtls config.
pub struct SharedRng;

impl SharedRng {
    fn fill(data: *mut c_uchar, len: usize) -> c_int {
        let mut guard = DRBG.lock();
        if guard.is_none() || FORKED.swap(false, Ordering::SeqCst) {
            match CtrDrbg::new(entropy_source(), None).map_err(|e| e.to_int()) {
                Ok(drbg) => *guard = Some(drbg),
                Err(code) => return code,
            }
        }
        let d = guard.as_ref().expect("seeded above");
        // SAFETY: the DRBG's own callback on its own context, serialised by the lock; `data` is
        // mbedtls's output buffer of `len` bytes.
        unsafe { <CtrDrbg as RngCallback>::call(d.data_ptr(), data, len) }
    }
}

impl RngCallback for SharedRng {
    unsafe extern "C" fn call(_user_data: *mut c_void, data: *mut c_uchar, len: usize) -> c_int {
        catch_status_panic(mbedtls_sys::ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED, || Self::fill(data, len))
    }

    fn data_ptr(&self) -> *mut c_void {
        core::ptr::null_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mbedtls::rng::Random;

    #[test]
    fn shared_rng_gives_distinct_output() {
        let mut r = SharedRng;
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        r.random(&mut a).unwrap();
        r.random(&mut b).unwrap();
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 32]);
    }
}
