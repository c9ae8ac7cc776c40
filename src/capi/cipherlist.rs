//! Reading the application's `int *` cipher-suite list without ever reading past it, and deciding who
//! frees it. The SDK demo `malloc`s a two-int list with no terminator, hands it to
//! `QL_SSL_CONF_CIPHERSUITE` and never frees it; other code passes zero-terminated static arrays.
//!
//! The rule (also in the header):
//! * a list in static storage or on the calling thread's stack is borrowed: it must end with 0 (or
//!   with 0xFFFF, "all"), every entry must be a known suite, and it is never freed by the library;
//! * any other list is taken to come from `malloc()`: it ends at the first 0, at the end of its
//!   malloc block, or at the first value that is not a cipher-suite id (the slack after a short
//!   block may hold junk); the config adopts the block and frees it on the next
//!   `QL_SSL_CONF_CIPHERSUITE` set or on `ql_ssl_conf_free()`.
//!
//! In both cases the config keeps its own zero-terminated copy in `ciphersuites`.
//!
//! "Known" means one of the SDK header's 162 suite ids or another suite this build has. A known
//! suite this build cannot negotiate (NULL, single DES, EC J-PAKE) makes the whole list fail with
//! `QL_SSL_ERROR_NOT_SUPPORT` and a text naming the suite: nothing is dropped from a list.

use core::ffi::c_int;

use crate::tls::vecmap::VecMap;

use crate::ciphers;
use crate::error::{Error, Result};
use crate::platform::{
    self,
    sync::{Lazy, Mutex},
    MemOrigin,
};
#[allow(unused_imports)]
use crate::prelude::*;

/// Longest list accepted: every suite id of the SDK header, 0xFFFF and the terminator.
pub const MAX_LIST: usize = 164;

/// A list read from the application, and the malloc block the config must free (if adopted).
pub struct ReadList {
    pub ids: Vec<c_int>,
    pub adopted: Option<*mut c_int>,
}

/// Read the list at `p` following the module rule.
///
/// # Safety
/// `p` must point to readable ints as described in the module documentation.
pub unsafe fn read(p: *const c_int) -> Result<ReadList> {
    // On Linux: `dladdr`, the thread's stack bounds, else a malloc block and its size.
    // SAFETY: `p` points into application memory (this function's contract).
    let origin = unsafe { platform::mem_origin(p.cast()) };
    let mut ids = Vec::new();
    match origin {
        MemOrigin::Static | MemOrigin::Stack => {
            let mut i = 0;
            loop {
                if i == MAX_LIST {
                    return Err(Error::InvalidParam("cipher list in static or stack memory has no 0 terminator"));
                }
                // SAFETY: static or stack memory, read up to its terminator (the documented rule for
                // such lists) and never past MAX_LIST entries.
                let id = unsafe { *p.add(i) };
                if id == 0 {
                    break;
                }
                if !ciphers::is_known(id) {
                    return Err(Error::InvalidParam("unknown cipher-suite id in list"));
                }
                ids.push(id);
                if id == ciphers::QL_SSL_CIPHERSUITE_ALL {
                    break;
                }
                i += 1;
            }
        }
        MemOrigin::Heap(block) => {
            let cap = (block / core::mem::size_of::<c_int>()).min(MAX_LIST);
            for i in 0..cap {
                // SAFETY: `i` is below the malloc block's size in ints, so the read stays inside it.
                let id = unsafe { *p.add(i) };
                if id == 0 || !ciphers::is_known(id) {
                    break;
                }
                ids.push(id);
                if id == ciphers::QL_SSL_CIPHERSUITE_ALL {
                    break;
                }
            }
        }
    }
    if ids.is_empty() {
        return Err(Error::InvalidParam("cipher list is empty or starts with an unknown id"));
    }
    for &id in &ids {
        ciphers::check_supported(id)?;
    }
    Ok(ReadList { ids, adopted: matches!(origin, MemOrigin::Heap(_)).then_some(p as *mut c_int) })
}

/// Adopted blocks and how many configs hold each: the same malloc'd list handed to two configs
/// is freed once, by the last one to let go.
static ADOPTED: Lazy<Mutex<VecMap<usize, usize>>> = Lazy::new(Default::default);

/// A malloc block a config adopted; freed when the last config holding it drops it.
pub struct AdoptedBlock(*mut c_int);

impl AdoptedBlock {
    pub fn adopt(p: *mut c_int) -> Self {
        *ADOPTED.lock().get_or_insert_with(p as usize, || 0) += 1;
        AdoptedBlock(p)
    }

    pub fn ptr(&self) -> *mut c_int {
        self.0
    }
}

// SAFETY: the block is plain malloc memory; ownership is tracked by the ADOPTED table.
unsafe impl Send for AdoptedBlock {}

impl Drop for AdoptedBlock {
    fn drop(&mut self) {
        let mut table = ADOPTED.lock();
        let last = match table.get_mut(&(self.0 as usize)) {
            Some(n) if *n > 1 => {
                *n -= 1;
                false
            }
            _ => {
                table.remove(&(self.0 as usize));
                true
            }
        };
        drop(table);
        if last {
            // SAFETY: the pointer came from the application's malloc and no config holds it now.
            unsafe { platform::c_free(self.0.cast()) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static STATIC_LIST: [c_int; 3] = [0xC02F, 0x002F, 0];

    #[test]
    fn static_list_is_borrowed_and_read_to_terminator() {
        // SAFETY: a static, 0-terminated list.
        let r = unsafe { read(STATIC_LIST.as_ptr()) }.unwrap();
        assert_eq!(r.ids, vec![0xC02F, 0x002F]);
        assert!(r.adopted.is_none());
    }

    #[test]
    fn stack_list_is_borrowed() {
        let list: [c_int; 2] = [0x0035, 0];
        // SAFETY: `list` lives on this stack frame; mem_origin only classifies the address.
        assert_eq!(unsafe { platform::mem_origin(list.as_ptr().cast()) }, MemOrigin::Stack);
        // SAFETY: a 0-terminated list on this stack frame.
        let r = unsafe { read(list.as_ptr()) }.unwrap();
        assert_eq!(r.ids, vec![0x0035]);
        assert!(r.adopted.is_none());
    }

    #[test]
    fn unterminated_heap_list_is_bounded_and_adopted() {
        // SAFETY: a malloc'd block of two ints, both written before `read`, which stops at the
        // block's end as the platform reports its size; the two adopters free it once.
        unsafe {
            let p = libc::malloc(2 * core::mem::size_of::<c_int>()) as *mut c_int;
            *p = 0x0004;
            *p.add(1) = 0x0005;
            let r = read(p).unwrap();
            assert_eq!(&r.ids[..2], &[0x0004, 0x0005]);
            assert_eq!(r.adopted, Some(p));
            let (a, b) = (AdoptedBlock::adopt(p), AdoptedBlock::adopt(p));
            drop(a);
            assert_eq!(*p, 0x0004, "still owned by the second holder");
            drop(b);
        }
    }

    #[test]
    fn unsupported_suite_fails_the_whole_list_with_its_name() {
        static NULL_SUITE: [c_int; 3] = [0x002F, 0x0001, 0];
        // SAFETY: a static, 0-terminated list.
        let e = unsafe { read(NULL_SUITE.as_ptr()) }.err().unwrap();
        use crate::capi::codes::ErrorCode;
        assert_eq!(e.code(), crate::abi::ql_ssl_error_code_e::QL_SSL_ERROR_NOT_SUPPORT);
        assert!(e.to_string().contains("TLS_RSA_WITH_NULL_MD5 (0x0001)"), "{e}");
        // SAFETY: a malloc'd block of two ints, both written before `read`, freed once after it.
        unsafe {
            let p = libc::malloc(2 * core::mem::size_of::<c_int>()) as *mut c_int;
            *p = 0x0009;
            *p.add(1) = 0x0005;
            let e = read(p).err().unwrap();
            assert!(e.to_string().contains("TLS_RSA_WITH_DES_CBC_SHA (0x0009)"), "{e}");
            libc::free(p.cast());
        }
    }

    #[test]
    fn every_supported_sdk_suite_is_accepted() {
        let mut list: Vec<c_int> =
            ciphers::SDK_SUITES.iter().map(|(id, _)| *id).filter(|&id| ciphers::build_supports(id)).collect();
        assert_eq!(list.len(), 140);
        list.push(0);
        // SAFETY: `list` is a live Vec ending in 0.
        let r = unsafe { read(list.as_ptr()) }.unwrap();
        assert_eq!(r.ids.len(), 140);
    }

    #[test]
    fn bad_static_list_is_rejected() {
        static BAD: [c_int; 2] = [0x1234, 0];
        // SAFETY: a static, 0-terminated list.
        assert!(unsafe { read(BAD.as_ptr()) }.is_err());
    }
}
