//! Fuzz target: the exported configuration API, called exactly as C calls it.
//!
//! The input is a program of operations on three `ql_ssl_config` structs (plus NULL) and the six
//! library-owned configs: `ql_ssl_conf_init`, `ql_ssl_conf_set` / `_get` (and `_by_id`) with every
//! type number from -2 to 23, values across the whole int range, NULL and valid pointers, strings
//! up to 5000 bytes, cipher lists in static, stack and malloc'd memory (terminated or not),
//! certificate buffers, direct writes to the struct's int members (which applications may do),
//! `ql_ssl_setup` from the resulting config, `ql_ssl_conf_free` (also twice), and the stateless
//! calls. Arguments always have the shape ql_ssl.h documents for the type: a C caller passing
//! an int where a pointer is expected is undefined behaviour on the caller's side, not a finding.
//!
//! Oracles: no crash / sanitizer report / leak (libFuzzer + ASan + LSan); every return is a
//! documented code; a failed `conf_set` leaves the struct bit-for-bit unchanged; a successful set of
//! an int item reads back equal; lists and strings read back are terminated; at the end every
//! context and config is released (`live_connections()` / `live_configs()` back to where they were).
//!
//! QLSSL_FUZZ_STRUCT_COPY=1 also lets the program copy a config struct by value (`b = a;` in C):
//! that finds a known library defect (use-after-free, see docs/HARDENING.md) within seconds, so it
//! is off by default to let the campaign look for other problems.
#![no_main]

use core::ffi::{c_char, c_int, c_void};
use std::cell::UnsafeCell;
use std::ffi::CString;

use libfuzzer_sys::fuzz_target;
use qlssl::capi::abi::{ql_ssl_config, ql_ssl_context};
// The shapes of the config items, generated from src/capi/items.rs.
#[path = "../shapes/conf_shapes.rs"]
mod conf_shapes;
use qlssl::capi;

extern "C" {
    fn ql_ssl_conf_set(conf: *mut ql_ssl_config, ty: c_int, ...) -> c_int;
    fn ql_ssl_conf_get(conf: *mut ql_ssl_config, ty: c_int, ...) -> c_int;
    fn ql_ssl_conf_set_by_id(id: c_int, ty: c_int, ...) -> c_int;
    fn ql_ssl_conf_get_by_id(id: c_int, ty: c_int, ...) -> c_int;
}

const SUCCESS: c_int = 0;
const INVALID_PARAM: c_int = -3;
const NOT_SUPPORT: c_int = -5;
const BAD_REQUEST: c_int = -10;

/// Reads the fuzz input; runs out gracefully (zeros).
struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }
    fn bytes(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.data.len());
        let (a, b) = self.data.split_at(n);
        self.data = b;
        a
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    /// An int that is often interesting: small, a boundary, or anything.
    fn int(&mut self) -> c_int {
        match self.u8() % 8 {
            0 => (self.u8() % 8) as c_int,
            1 => (self.u8() as c_int) - 128,
            2 => [i32::MIN, i32::MAX, -1, 0, 1, 0xFFFF, 0x10000, 3600, 3601, 1048575, 1048576][self.u8() as usize % 11],
            3 => self.u16() as c_int,
            _ => self.u32() as c_int,
        }
    }
    fn empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// A cipher-suite id that is often valid.
fn suite(inp: &mut Input) -> c_int {
    // 0x0001 (NULL-MD5) and 0xC0FF (EC J-PAKE): SDK ids this build lacks (NOT_SUPPORT).
    const IDS: [c_int; 14] =
        [0xC02F, 0xC030, 0xC013, 0xC014, 0x002F, 0x0035, 0x003D, 0x0005, 0xC02B, 0x00A8, 0xFFFF, 0, 0x0001, 0xC0FF];
    match inp.u8() % 4 {
        0 => inp.int(),
        _ => IDS[inp.u8() as usize % IDS.len()],
    }
}

/// A list in static storage (dladdr finds it), zero-terminated at index <= 64.
struct StaticList(UnsafeCell<[c_int; 65]>);
unsafe impl Sync for StaticList {}
static STATIC_LIST: StaticList = StaticList(UnsafeCell::new([0; 65]));

struct Strings {
    keep: Vec<CString>,
}

impl Strings {
    /// A NUL-terminated string that lives until the end of the input (NULL sometimes).
    fn string(&mut self, inp: &mut Input, allow_null: bool) -> *const c_char {
        let kind = inp.u8() % 8;
        if allow_null && kind == 0 {
            return core::ptr::null();
        }
        let s: Vec<u8> = match kind {
            1 => {
                let n = inp.u8() as usize % 40;
                b"UFS:".iter().copied().chain(inp.bytes(n).iter().copied()).collect()
            }
            2 => vec![b'a'; [255, 256, 4096, 4097, 5000][inp.u8() as usize % 5]],
            3 => b"0102030405060708090a0b0c0d0e0f10".to_vec(),
            4 => b"/nonexistent/qlssl-fuzz.pem".to_vec(),
            _ => {
                let n = inp.u8() as usize % 64;
                inp.bytes(n).to_vec()
            }
        };
        let s: Vec<u8> = s.into_iter().filter(|&b| b != 0).collect();
        let c = CString::new(s).unwrap();
        let p = c.as_ptr();
        self.keep.push(c);
        p
    }
}

#[derive(Clone, Copy, PartialEq)]
enum St {
    Raw,
    Init,
    Freed,
}

struct World {
    confs: [Box<ql_ssl_config>; 3],
    state: [St; 3],
    strings: Strings,
    bufs: Vec<Vec<u8>>,
}

unsafe extern "C" fn timeout_cb(_ctx: *mut ql_ssl_context, _arg: *mut c_void) {}

fn documented(rc: c_int, extra: &[c_int]) {
    assert!(rc == SUCCESS || rc == INVALID_PARAM || extra.contains(&rc), "undocumented result {rc}");
}

impl World {
    fn conf_ptr(&mut self, sel: u8) -> (*mut ql_ssl_config, Option<usize>) {
        match sel % 4 {
            3 => (core::ptr::null_mut(), None),
            i => (&mut *self.confs[i as usize] as *mut ql_ssl_config, Some(i as usize)),
        }
    }

    fn snapshot(&self, i: Option<usize>) -> Option<Vec<u8>> {
        let i = i?;
        let p = &*self.confs[i] as *const ql_ssl_config as *const u8;
        // SAFETY: reading the struct's bytes (padding included; it was zero-filled at creation).
        Some(unsafe { core::slice::from_raw_parts(p, core::mem::size_of::<ql_ssl_config>()).to_vec() })
    }

    /// The int members of a struct, by value. A by-value copy is given its own extension on first
    /// use, which re-points its pointer members at equal copies; and a copy's pointer members may
    /// dangle once the original is freed (as in C), so with struct copies a failed set is compared
    /// on the int members only.
    fn settings(&self, i: Option<usize>) -> Option<Vec<u8>> {
        let c = &*self.confs[i?];
        let mut v = Vec::new();
        for x in [c.ssl_version, c.transport, c.auth_mode, c.sni_enable, c.ssl_negotiate_timeout,
                  c.ignore_invalid_certsign, c.ignore_certitem as c_int, c.ignore_multi_certchain_verify] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(&(c.negotiate_timeout_cb.map_or(0, |f| f as usize)).to_le_bytes());
        v.extend_from_slice(&(c.negotiate_timeout_cb_arg as usize).to_le_bytes());
        v.push(c.ssl_session_cache.session_cache_enable);
        Some(v)
    }

    /// One conf_set call with arguments of the documented shape for `ty`.
    /// Returns (rc, value set for int types).
    unsafe fn set(&mut self, inp: &mut Input, target: Target, ty: c_int) -> (c_int, Option<c_int>) {
        macro_rules! call {
            ($($arg:expr),*) => {
                match target {
                    Target::Conf(p) => ql_ssl_conf_set(p, ty $(, $arg)*),
                    Target::Id(id) => ql_ssl_conf_set_by_id(id, ty $(, $arg)*),
                }
            };
        }
        match ty {
            t if conf_shapes::SET_INT.contains(&t) => {
                let v = inp.int();
                (call!(v), Some(v))
            }
            t if conf_shapes::SET_U32.contains(&t) => {
                let v = inp.int() as u32;
                (call!(v), Some(v as c_int))
            }
            3 => {
                // Cipher lists: NULL, static, stack, malloc'd (maybe unterminated).
                match inp.u8() % 5 {
                    0 => (call!(core::ptr::null::<c_int>()), None),
                    1 => {
                        let n = inp.u8() as usize % 66;
                        let l = &mut *STATIC_LIST.0.get();
                        for (k, slot) in l.iter_mut().enumerate() {
                            *slot = if k < n.min(64) { suite(inp) } else { 0 };
                        }
                        (call!(l.as_ptr()), None)
                    }
                    2 => {
                        let mut l = [0 as c_int; 65];
                        let n = inp.u8() as usize % 66;
                        for slot in l.iter_mut().take(n.min(64)) {
                            *slot = suite(inp);
                        }
                        let rc = call!(l.as_ptr());
                        core::hint::black_box(&l);
                        (rc, None)
                    }
                    _ => {
                        let n = 1 + inp.u8() as usize % 70;
                        let p = libc::malloc(n * core::mem::size_of::<c_int>()) as *mut c_int;
                        assert!(!p.is_null());
                        for k in 0..n {
                            *p.add(k) = suite(inp);
                        }
                        let rc = call!(p as *const c_int);
                        if rc != SUCCESS {
                            // Not adopted: still ours.
                            libc::free(p as *mut c_void);
                        }
                        (rc, None)
                    }
                }
            }
            5 => {
                // (char **paths, int count): NULL or an array of 12 (maybe NULL) strings, so any
                // count the library accepts (1..=10) stays inside the caller's array.
                let count = inp.int();
                if inp.u8() % 4 == 0 {
                    (call!(core::ptr::null::<*const c_char>(), count), None)
                } else {
                    let mut paths = [core::ptr::null::<c_char>(); 12];
                    for slot in paths.iter_mut() {
                        *slot = self.strings.string(inp, true);
                    }
                    let rc = call!(paths.as_ptr(), count);
                    core::hint::black_box(&paths);
                    (rc, None)
                }
            }
            21 => {
                // The older SDK's PSK: (key, int key_len, identity, int identity_len); buffers of 300
                // bytes cover every length the library accepts (key 1..=64, identity 1..=255).
                let key = inp.bytes(300).to_vec();
                let id = inp.bytes(300).to_vec();
                let (kl, il) = (inp.int(), inp.int());
                let kp = if key.len() == 300 { key.as_ptr() } else { core::ptr::null() };
                let ip = if id.len() == 300 { id.as_ptr() } else { core::ptr::null() };
                (call!(kp, kl, ip, il), None)
            }
            18 | 19 => {
                let s = self.strings.string(inp, true);
                (call!(s), None)
            }
            6 => {
                let a = self.strings.string(inp, true);
                let b = self.strings.string(inp, true);
                let c = self.strings.string(inp, true);
                (call!(a, b, c), None)
            }
            10 => {
                let cb: Option<unsafe extern "C" fn(*mut ql_ssl_context, *mut c_void)> =
                    if inp.u8() % 2 == 0 { None } else { Some(timeout_cb) };
                let arg = inp.u32() as usize as *mut c_void;
                (call!(cb, arg), None)
            }
            15 | 16 => {
                let one = |inp: &mut Input, bufs: &mut Vec<Vec<u8>>| -> (*const u8, usize) {
                    match inp.u8() % 6 {
                        0 => (core::ptr::null(), inp.u16() as usize),
                        1 => {
                            let b = include_bytes!("../seed_ca.pem").to_vec();
                            bufs.push(b);
                            let b = bufs.last().unwrap();
                            (b.as_ptr(), b.len())
                        }
                        _ => {
                            let n = inp.u16() as usize % 3000;
                            let b = inp.bytes(n).to_vec();
                            let len = if b.is_empty() { 0 } else { inp.u16() as usize % (b.len() + 1) };
                            bufs.push(b);
                            (bufs.last().unwrap().as_ptr(), len)
                        }
                    }
                };
                if ty == 15 {
                    let (p, n) = one(inp, &mut self.bufs);
                    (call!(p, n), None)
                } else {
                    let (p, n) = one(inp, &mut self.bufs);
                    let (k, kn) = one(inp, &mut self.bufs);
                    let pwd = self.strings.string(inp, true);
                    (call!(p, n, k, kn, pwd), None)
                }
            }
            100 => {
                // ALPN: NULL, or names from the string pool (NULL, empty, long ones included);
                // the count never exceeds the array (the caller's contract), may be negative.
                let n = inp.u8() as usize % 18;
                let names: Vec<*const c_char> = (0..n).map(|_| self.strings.string(inp, true)).collect();
                let count = if inp.u8() % 8 == 0 { -(inp.u8() as c_int) } else { inp.u8() as c_int % (n as c_int + 1) };
                let list = if inp.u8() % 4 == 0 { core::ptr::null() } else { names.as_ptr() };
                let rc = call!(list, count);
                core::hint::black_box(&names);
                (rc, None)
            }
            102 => {
                // Pins: NULL, or input bytes as 32-byte digests (the count never past them).
                let n = inp.u8() as usize % 18;
                let bytes = inp.bytes(n * 32).to_vec();
                let have = (bytes.len() / 32) as c_int;
                let count = if inp.u8() % 8 == 0 { -(inp.u8() as c_int) } else { inp.u8() as c_int % (have + 1) };
                let p = if inp.u8() % 4 == 0 { core::ptr::null() } else { bytes.as_ptr() };
                self.bufs.push(bytes);
                (call!(p, count), None)
            }
            104 => {
                let s = self.strings.string(inp, true);
                (call!(s), None)
            }
            _ => (call!(inp.int()), None), // unknown type: the shim reads nothing
        }
    }

    unsafe fn get(&mut self, inp: &mut Input, target: Target, ty: c_int) -> (c_int, Option<c_int>) {
        let null_out = inp.u8() % 8 == 0;
        let mut i: c_int = -77;
        let mut p1: *mut c_void = 1 as *mut c_void;
        let mut p2: *mut c_void = 1 as *mut c_void;
        let mut p3: *mut c_void = 1 as *mut c_void;
        let mut i2: c_int = -77;
        macro_rules! call {
            ($($arg:expr),*) => {
                match target {
                    Target::Conf(p) => ql_ssl_conf_get(p, ty $(, $arg)*),
                    Target::Id(id) => ql_ssl_conf_get_by_id(id, ty $(, $arg)*),
                }
            };
        }
        let out = |p: *mut c_void| if null_out { core::ptr::null_mut() } else { p };
        let rc = match ty {
            t if conf_shapes::GET_INT.contains(&t) => call!(out(&mut i as *mut c_int as *mut c_void)),
            3 | 18 | 19 | 104 => call!(out(&mut p1 as *mut *mut c_void as *mut c_void)),
            5 | 100 | 102 => call!(out(&mut p1 as *mut _ as *mut c_void), out(&mut i as *mut c_int as *mut c_void)),
            21 => call!(
                out(&mut p1 as *mut _ as *mut c_void),
                out(&mut i as *mut c_int as *mut c_void),
                out(&mut p2 as *mut _ as *mut c_void),
                out(&mut i2 as *mut c_int as *mut c_void)
            ),
            6 => call!(
                out(&mut p1 as *mut _ as *mut c_void),
                out(&mut p2 as *mut _ as *mut c_void),
                out(&mut p3 as *mut _ as *mut c_void)
            ),
            10 => call!(out(&mut p1 as *mut _ as *mut c_void), out(&mut p2 as *mut _ as *mut c_void)),
            _ => call!(),
        };
        documented(rc, &[NOT_SUPPORT]);
        if rc == SUCCESS {
            assert!(!null_out, "get succeeded with a NULL output pointer");
            match ty {
                3 => {
                    // A zero-terminated list (at most cipherlist::MAX_LIST entries) of valid ids.
                    let l = p1 as *const c_int;
                    if !l.is_null() {
                        let mut k = 0;
                        while *l.add(k) != 0 {
                            assert!(capi::ql_ssl_ciphersuit_is_valid(*l.add(k)) == 1, "invalid id in list");
                            k += 1;
                            assert!(k <= 164, "cipher list not terminated");
                        }
                    }
                }
                5 => {
                    // The config's own array and the number of slots in use (0..=10).
                    assert!((0..=10).contains(&i), "CA count {i}");
                    let paths = p1 as *const *const c_char;
                    for k in 0..i as usize {
                        let p = *paths.add(k);
                        if !p.is_null() {
                            assert!(libc::strlen(p) <= 5000);
                        }
                    }
                }
                21 => {
                    assert!((0..=64).contains(&i) && (0..=255).contains(&i2), "PSK lengths {i} {i2}");
                    assert_eq!(p1.is_null(), i == 0);
                }
                100 | 102 => {
                    // The extension lists (docs/IOT.md): at most 16 entries, NULL when empty.
                    assert!((0..=16).contains(&i), "type {ty}: count {i}");
                    assert_eq!(p1.is_null(), i == 0);
                    if ty == 100 {
                        for k in 0..i as usize {
                            assert!(libc::strlen(*(p1 as *const *const c_char).add(k)) <= 255);
                        }
                    }
                }
                18 | 19 | 104 => {
                    if !p1.is_null() {
                        assert!(libc::strlen(p1 as *const c_char) <= 5000);
                    }
                }
                6 => {
                    for p in [p1, p2, p3] {
                        if !p.is_null() {
                            assert!(libc::strlen(p as *const c_char) <= 5000);
                        }
                    }
                }
                _ => {}
            }
            if conf_shapes::GET_INT.contains(&ty) {
                return (rc, Some(i));
            }
        }
        (rc, None)
    }
}

#[derive(Clone, Copy)]
enum Target {
    Conf(*mut ql_ssl_config),
    Id(c_int),
}

fn new_world() -> World {
    // SAFETY: an all-zero ql_ssl_config is a valid (uninitialised-looking) value: ints, NULLs, None.
    let zero = || Box::new(unsafe { core::mem::zeroed::<ql_ssl_config>() });
    World {
        confs: [zero(), zero(), zero()],
        state: [St::Raw; 3],
        strings: Strings { keep: Vec::new() },
        bufs: Vec::new(),
    }
}

fuzz_target!(|data: &[u8]| {
    let copy_allowed = std::env::var_os("QLSSL_FUZZ_STRUCT_COPY").is_some_and(|v| v == "1");
    let mut inp = Input { data };
    let mut w = new_world();
    let mut v = 0;
    // The library-owned configs exist from the first by-id call on; count from there.
    // SAFETY: valid out pointer.
    unsafe { ql_ssl_conf_get_by_id(0, 1, &mut v as *mut c_int) };
    let configs_before = qlssl::capi::config::live_configs();
    let contexts_before = qlssl::registry::contexts().live_connections();
    let mut ops = 0;

    while !inp.empty() && ops < 64 {
        ops += 1;
        let op = inp.u8();
        let sel = inp.u8();
        let (p, idx) = w.conf_ptr(sel);
        unsafe {
            match op % 12 {
                0 => {
                    let rc = capi::ql_ssl_conf_init(p);
                    documented(rc, &[]);
                    if let Some(i) = idx {
                        assert_eq!(rc, SUCCESS);
                        w.state[i] = St::Init;
                    } else {
                        assert_eq!(rc, INVALID_PARAM);
                    }
                }
                1 => {
                    let rc = capi::ql_ssl_conf_free(p);
                    documented(rc, &[]);
                    if let Some(i) = idx {
                        // (With struct copies two structs share one extension: states are not tracked.)
                        assert!(copy_allowed || (rc == SUCCESS) == (w.state[i] == St::Init), "conf_free returned {rc}");
                        if rc == SUCCESS {
                            w.state[i] = St::Freed;
                        }
                    }
                }
                2 | 3 | 4 => {
                    let ty = (inp.u8() % (conf_shapes::LAST_TYPE as u8 + 5)) as c_int - 2;
                    let before = if copy_allowed { w.settings(idx) } else { w.snapshot(idx) };
                    let (rc, val) = w.set(&mut inp, Target::Conf(p), ty);
                    // NOT_SUPPORT: a cipher list naming a suite this build lacks.
                    documented(rc, &[NOT_SUPPORT]);
                    if rc != SUCCESS {
                        let after = if copy_allowed { w.settings(idx) } else { w.snapshot(idx) };
                        assert_eq!(before, after, "a failed conf_set changed the config (type {ty})");
                    } else {
                        let i = idx.expect("conf_set(NULL) succeeded");
                        assert!(copy_allowed || w.state[i] == St::Init, "conf_set succeeded on an uninitialised/freed config");
                        if let Some(val) = val {
                            let (grc, got) = w.get(&mut Input { data: &[1] }, Target::Conf(p), ty);
                            assert_eq!(grc, SUCCESS);
                            assert_eq!(got, Some(val), "type {ty}: set {val}, read back {got:?}");
                        }
                    }
                }
                5 => {
                    let ty = (inp.u8() % (conf_shapes::LAST_TYPE as u8 + 5)) as c_int - 2;
                    let (rc, _) = w.get(&mut inp, Target::Conf(p), ty);
                    if let Some(i) = idx {
                        if w.state[i] != St::Init && !copy_allowed {
                            assert_ne!(rc, SUCCESS, "conf_get succeeded on an uninitialised/freed config");
                        }
                    }
                }
                6 => {
                    let id = match inp.u8() % 4 {
                        0 => inp.int(),
                        _ => (inp.u8() % 8) as c_int,
                    };
                    let ty = (inp.u8() % (conf_shapes::LAST_TYPE as u8 + 5)) as c_int - 2;
                    if inp.u8() % 2 == 0 {
                        let (rc, _) = w.set(&mut inp, Target::Id(id), ty);
                        documented(rc, &[NOT_SUPPORT]);
                        if !(0..6).contains(&id) {
                            assert_eq!(rc, INVALID_PARAM);
                        }
                    } else {
                        let (rc, _) = w.get(&mut inp, Target::Id(id), ty);
                        if !(0..6).contains(&id) {
                            assert_eq!(rc, INVALID_PARAM);
                        }
                    }
                }
                7 => {
                    // ql_ssl_setup from the config (NULL, raw, freed or initialised).
                    let mut ctx: ql_ssl_context = 0;
                    assert_eq!(capi::ql_ssl_new(&mut ctx), SUCCESS);
                    let rc = capi::ql_ssl_setup(&mut ctx, p);
                    documented(rc, &[BAD_REQUEST, NOT_SUPPORT]);
                    if let Some(i) = idx {
                        if w.state[i] != St::Init && !copy_allowed {
                            assert_eq!(rc, INVALID_PARAM, "setup from an uninitialised/freed config");
                        }
                    }
                    if rc == SUCCESS && inp.u8() % 2 == 0 {
                        // A second setup is a state error.
                        assert_eq!(capi::ql_ssl_setup(&mut ctx, p), INVALID_PARAM);
                    }
                    assert_eq!(capi::ql_ssl_free(&mut ctx), SUCCESS);
                    assert_eq!(capi::ql_ssl_free(&mut ctx), INVALID_PARAM);
                }
                8 => {
                    // Direct writes to int members, as applications may do.
                    if let Some(i) = idx {
                        let c = &mut *w.confs[i];
                        let val = inp.int();
                        match inp.u8() % 10 {
                            0 => c.ssl_version = val,
                            1 => c.transport = val,
                            2 => c.auth_mode = val,
                            3 => c.sni_enable = val,
                            4 => c.ssl_negotiate_timeout = val,
                            5 => c.ignore_invalid_certsign = val,
                            6 => c.ignore_certitem = val as u32,
                            7 => c.ignore_multi_certchain_verify = val,
                            8 => c.ssl_session_cache.session_cache_enable = val as u8,
                            _ => c.ca_cert_path[(val as u32 % 10) as usize] = core::ptr::null_mut(),
                        }
                    }
                }
                9 => {
                    // Raw bytes into a struct that is not initialised (garbage the magic check must catch).
                    if let Some(i) = idx {
                        if w.state[i] != St::Init {
                            let raw = &mut *w.confs[i] as *mut ql_ssl_config as *mut u8;
                            let n = core::mem::size_of::<ql_ssl_config>();
                            let fill = inp.u8();
                            core::ptr::write_bytes(raw, fill, n);
                            w.state[i] = St::Raw;
                        }
                    }
                }
                10 => {
                    // Stateless calls.
                    let code = inp.int();
                    let mut buf = [0x55 as c_char; 64];
                    let len = inp.u8() as usize % 65;
                    let rc = capi::ql_ssl_strerror(code, buf.as_mut_ptr(), len);
                    if len == 0 {
                        assert_eq!(rc, INVALID_PARAM);
                    } else {
                        assert_eq!(rc, SUCCESS);
                        assert!(buf[..len].contains(&0), "strerror did not terminate");
                    }
                    let rc = capi::ql_ssl_last_error(buf.as_mut_ptr(), len);
                    assert_eq!(rc, if len == 0 { INVALID_PARAM } else { SUCCESS });
                    let valid = capi::ql_ssl_ciphersuit_is_valid(inp.int());
                    assert!(valid == 0 || valid == 1);
                }
                _ => {
                    if copy_allowed {
                        // `b = a;` in C (see the module documentation).
                        let from = inp.u8() as usize % 3;
                        if let Some(i) = idx {
                            if i != from {
                                let src: ql_ssl_config = core::ptr::read(&*w.confs[from]);
                                *w.confs[i] = src;
                                w.state[i] = if w.state[from] == St::Init { St::Init } else { St::Raw };
                            }
                        }
                    }
                }
            }
        }
    }

    // Release everything; nothing may be left behind.
    for i in 0..3 {
        if w.state[i] == St::Init {
            // SAFETY: initialised by ql_ssl_conf_init.
            let rc = unsafe { capi::ql_ssl_conf_free(&mut *w.confs[i]) };
            if !copy_allowed {
                assert_eq!(rc, SUCCESS);
            }
        }
    }
    assert_eq!(qlssl::registry::contexts().live_connections(), contexts_before, "a context was not released");
    if !copy_allowed {
        assert_eq!(qlssl::capi::config::live_configs(), configs_before, "a config extension leaked");
    }
});
