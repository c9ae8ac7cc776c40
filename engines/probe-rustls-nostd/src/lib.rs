//! rustls without std: a client configuration and one unbuffered client connection driven from
//! byte buffers, with the platform services rustls asks for on bare metal taken from C (allocator,
//! clock, entropy), as qlssl's bare-metal build takes them from its hook table. Size and
//! viability probe only.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
extern crate alloc;

use alloc::sync::Arc;
use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_int;

use rustls::client::UnbufferedClientConnection;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::time_provider::TimeProvider;
use rustls::unbuffered::{ConnectionState, EncodeTlsData};
use rustls::{ClientConfig, RootCertStore};

extern "C" {
    fn malloc(n: usize) -> *mut u8;
    fn free(p: *mut u8);
    /// Seconds since 1970 from the integrator (qlssl: the `time` hook).
    fn probe_unix_time() -> u64;
    /// Fills `buf` from the integrator's entropy source (qlssl: the entropy hook); 0 on success.
    fn probe_random(buf: *mut u8, len: usize) -> c_int;
}

fn hook_random(buf: &mut [u8]) -> Result<(), getrandom::Error> {
    // SAFETY: buf is a valid writable slice for the call.
    match unsafe { probe_random(buf.as_mut_ptr(), buf.len()) } {
        0 => Ok(()),
        _ => Err(getrandom::Error::UNSUPPORTED),
    }
}
getrandom::register_custom_getrandom!(hook_random);

struct CAlloc;
// SAFETY: newlib's malloc returns 8-aligned blocks; larger alignments are refused (null).
unsafe impl GlobalAlloc for CAlloc {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if l.align() > 8 {
            return core::ptr::null_mut();
        }
        // SAFETY: plain C allocation.
        unsafe { malloc(l.size()) }
    }
    unsafe fn dealloc(&self, p: *mut u8, _: Layout) {
        // SAFETY: p came from malloc above.
        unsafe { free(p) }
    }
}
#[global_allocator]
static ALLOC: CAlloc = CAlloc;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}

#[derive(Debug)]
struct HookClock;
impl TimeProvider for HookClock {
    fn current_time(&self) -> Option<UnixTime> {
        // SAFETY: integrator-provided clock.
        Some(UnixTime::since_unix_epoch(core::time::Duration::from_secs(unsafe { probe_unix_time() })))
    }
}

/// Builds a verifying client for `ca_der` and writes its ClientHello into `out`; returns its
/// length or -1. Enough to pull the handshake, verifier and record layer into the image.
///
/// # Safety
/// `ca_der`/`ca_len` and `out`/`out_len` describe valid buffers.
#[no_mangle]
pub unsafe extern "C" fn probe_client_hello(ca_der: *const u8, ca_len: usize, out: *mut u8, out_len: usize) -> c_int {
    // SAFETY: caller's buffers.
    let (ca, out) = unsafe { (core::slice::from_raw_parts(ca_der, ca_len), core::slice::from_raw_parts_mut(out, out_len)) };
    let mut roots = RootCertStore::empty();
    if roots.add(CertificateDer::from(ca)).is_err() {
        return -1;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let Ok(builder) = ClientConfig::builder_with_details(provider, Arc::new(HookClock)).with_safe_default_protocol_versions() else {
        return -1;
    };
    let config = Arc::new(builder.with_root_certificates(roots).with_no_client_auth());
    let Ok(mut conn) = UnbufferedClientConnection::new(config, ServerName::try_from("localhost").unwrap()) else {
        return -1;
    };
    let mut incoming = [0u8; 0];
    match conn.process_tls_records(&mut incoming).state {
        Ok(ConnectionState::EncodeTlsData(mut e)) => encode(&mut e, out),
        _ => -1,
    }
}

fn encode(e: &mut EncodeTlsData<'_, rustls::client::ClientConnectionData>, out: &mut [u8]) -> c_int {
    match e.encode(out) {
        Ok(n) => n as c_int,
        Err(_) => -1,
    }
}
