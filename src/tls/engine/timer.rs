//! The DTLS retransmission timer mbedtls asks for (`mbedtls_ssl_set_timer_cb`). Its state is shared
//! with the socket transport, so a blocking DTLS socket waits no longer than the next
//! retransmission, and a non-blocking one retransmits when the application calls again after
//! `select`.

use core::ffi::c_int;
// mbedtls-sys's own c_void (not core's on no_std targets): the callback signatures use it.
use mbedtls_sys::types::raw_types::c_void;
use alloc::sync::Arc;
use core::time::Duration;

use mbedtls::ssl::context::TimerCallback;

use crate::platform::{sync::Mutex, Instant};

use crate::tls::boundary::catch_status_panic;

#[derive(Default)]
struct TimerInner {
    start: Option<Instant>,
    int_ms: u32,
    fin_ms: u32,
}

/// Shared timer state.
#[derive(Clone, Default)]
pub struct TimerState(Arc<Mutex<TimerInner>>);

impl TimerState {
    fn set(&self, int_ms: u32, fin_ms: u32) {
        let mut t = self.0.lock();
        t.start = (fin_ms != 0).then(Instant::now);
        t.int_ms = int_ms;
        t.fin_ms = fin_ms;
    }

    /// mbedtls's get_timer contract: -1 cancelled, 0 running, 1 intermediate passed, 2 final passed.
    fn status(&self) -> c_int {
        let t = self.0.lock();
        let Some(start) = t.start else { return -1 };
        let passed = start.elapsed();
        if passed >= Duration::from_millis(t.fin_ms.into()) {
            2
        } else if passed >= Duration::from_millis(t.int_ms.into()) {
            1
        } else {
            0
        }
    }

    /// When the running timer's final delay expires, if one runs.
    pub fn expiry(&self) -> Option<Instant> {
        let t = self.0.lock();
        t.start.map(|s| s + Duration::from_millis(t.fin_ms.into()))
    }
}

/// The object registered with mbedtls; owns a handle to the shared state.
pub struct DtlsTimer(pub TimerState);

impl TimerCallback for DtlsTimer {
    unsafe extern "C" fn set_timer(p_timer: *mut c_void, int_ms: u32, fin_ms: u32) {
        catch_status_panic(0, || {
            // SAFETY: p_timer is the DtlsTimer registered through data_ptr(), alive with the context.
            if let Some(t) = unsafe { (p_timer as *const DtlsTimer).as_ref() } {
                t.0.set(int_ms, fin_ms);
            }
            0
        });
    }

    unsafe extern "C" fn get_timer(p_timer: *mut c_void) -> c_int {
        catch_status_panic(2, || {
            // SAFETY: as above.
            unsafe { (p_timer as *const DtlsTimer).as_ref() }.map_or(-1, |t| t.0.status())
        })
    }

    fn data_ptr(&mut self) -> *mut c_void {
        self as *mut DtlsTimer as *mut c_void
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timer_follows_mbedtls_contract() {
        let s = TimerState::default();
        assert_eq!(s.status(), -1);
        s.set(0, 0);
        assert_eq!(s.status(), -1);
        s.set(1, 2);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(s.status(), 2);
        s.set(60_000, 120_000);
        assert_eq!(s.status(), 0);
        assert!(s.expiry().unwrap() > Instant::now());
    }
}
