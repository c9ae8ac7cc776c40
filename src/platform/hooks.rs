//! The bare-metal platform: every service comes from the `ql_ssl_platform_hooks` table that the
//! SDK integrator registers once with `ql_ssl_platform_init()` before any other `ql_ssl_*` call
//! (on QuecOpen: `lwip_send/recv/select/fcntl`, the RTOS heap and TRNG, `ql_fopen`, ...).
//! The table is copied; it cannot be replaced once registered, because memory handed out by its
//! allocator must go back to the same allocator.
//!
//! Differences from Linux that the integrator should know (docs/CROSS.md, "Bare metal"):
//! a panic cannot be turned into an error code (no unwinding): the `panic` hook is called and the
//! task then spins forever; the last-error text is one per library, not per task; locks spin and
//! call `task_yield` while they wait.

use alloc::string::String;
use alloc::vec::Vec;
use core::alloc::{GlobalAlloc, Layout};
use core::ffi::{c_int, c_uchar, c_void, CStr};
use core::fmt::Write;
use core::ops::{Add, Sub};
use core::time::Duration;


use super::{Dir, IoErr, MemOrigin, NotUsable, SocketKind};
use crate::abi::*;
use super::files::{path_text, ufs_name, FileError, MAX_FILE};

static HOOKS: spin::Once<ql_ssl_platform_hooks> = spin::Once::new();

/// No time of day: mbedtls is built without MBEDTLS_HAVE_TIME_DATE (its `time` feature needs an OS
/// clock), so certificate validity periods cannot be checked.
pub const HAS_CALENDAR: bool = false;

fn hooks() -> Option<&'static ql_ssl_platform_hooks> {
    HOOKS.get()
}

/// Why `install` refused a hook table (the core maps these to its `Error`: InvalidParam, WrongState).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstallError {
    /// The table is unusable (the text says why).
    Invalid(&'static str),
    /// A table is already registered.
    AlreadyInstalled,
}

/// Bytes of a version-1 table: every member before `write_file`.
const VERSION_1_SIZE: usize = core::mem::offset_of!(ql_ssl_platform_hooks, write_file);

/// Register the table at `p` (see `ql_ssl_platform_init`). A version-1 table is shorter than this
/// library's struct: only its own bytes are read, and the version-2 hooks stay absent.
///
/// # Safety
/// `p` must point to a readable, aligned hook table of the version its first member names (for a
/// version other than 1 and 2 only that member is read).
pub unsafe fn install_from(p: core::ptr::NonNull<ql_ssl_platform_hooks>) -> Result<(), InstallError> {
    // SAFETY: every table version starts with the u32 `version` (contract: readable, aligned).
    let version = unsafe { p.cast::<u32>().read() };
    let table = match version {
        QL_SSL_PLATFORM_HOOKS_VERSION => {
            // SAFETY: a whole version-2 table (contract).
            unsafe { p.read() }
        }
        QL_SSL_PLATFORM_HOOKS_VERSION_1 => {
            let mut t = core::mem::MaybeUninit::<ql_ssl_platform_hooks>::zeroed();
            // SAFETY: the caller's table is readable for its version-1 size (contract); the
            // destination is a whole struct. All-zero bytes are a valid table (every member is a
            // u32 or an Option of a function pointer: 0 is None), so the copy over its prefix
            // leaves a valid value with the later hooks absent.
            unsafe {
                core::ptr::copy_nonoverlapping(p.as_ptr().cast::<u8>(), t.as_mut_ptr().cast::<u8>(), VERSION_1_SIZE);
                t.assume_init()
            }
        }
        _ => {
            return Err(InstallError::Invalid(
                "ql_ssl_platform_hooks.version is neither QL_SSL_PLATFORM_HOOKS_VERSION (2) nor QL_SSL_PLATFORM_HOOKS_VERSION_1",
            ))
        }
    };
    install(&table)
}

/// Register a whole table (its version already checked by `install_from`).
fn install(h: &ql_ssl_platform_hooks) -> Result<(), InstallError> {
    let required = [
        h.alloc.is_some(),
        h.free.is_some(),
        h.entropy.is_some(),
        h.now_ms.is_some(),
        h.send.is_some(),
        h.recv.is_some(),
        h.wait.is_some(),
        h.is_nonblocking.is_some(),
    ];
    if required.contains(&false) {
        return Err(InstallError::Invalid("a required platform hook is NULL"));
    }
    if HOOKS.is_completed() {
        return Err(InstallError::AlreadyInstalled);
    }
    HOOKS.call_once(|| *h);
    Ok(())
}

/// Hooks registered: the library may allocate and serve calls.
pub fn ready() -> bool {
    HOOKS.is_completed()
}

// ---- allocator, locks, panics ---------------------------------------------------------------------

struct HookAllocator;

// SAFETY: alloc/dealloc forward to the integrator's hooks, whose contract (`ql_ssl_platform_hooks`) is
// malloc/free's with the alignment asked; without hooks alloc returns NULL (an allocation failure).
unsafe impl GlobalAlloc for HookAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match hooks().and_then(|h| h.alloc) {
            // SAFETY: the integrator's allocator, called with a size and alignment (hook contract).
            Some(f) => unsafe { f(layout.size(), layout.align()) }.cast(),
            None => core::ptr::null_mut(),
        }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        if let Some(f) = hooks().and_then(|h| h.free) {
            // SAFETY: `ptr` came from `alloc` above, i.e. from the same integrator allocator.
            unsafe { f(ptr.cast()) }
        }
    }
}

#[global_allocator]
static ALLOCATOR: HookAllocator = HookAllocator;

/// Spin-lock back-off: let other tasks run (a spinning high-priority task would otherwise starve
/// a preempted lock holder on a single core).
pub struct YieldRelax;

impl spin::RelaxStrategy for YieldRelax {
    fn relax() {
        match hooks().and_then(|h| h.task_yield) {
            // SAFETY: an integrator-supplied function without arguments.
            Some(f) => unsafe { f() },
            None => core::hint::spin_loop(),
        }
    }
}

/// Formats into a fixed buffer: the panic path must not allocate.
struct FixedText {
    buf: [u8; 192],
    len: usize,
}

impl Write for FixedText {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

#[panic_handler]
fn on_panic(info: &core::panic::PanicInfo) -> ! {
    let mut t = FixedText { buf: [0; 192], len: 0 };
    let _ = write!(t, "qlssl panic: {info}");
    if let Some(f) = hooks().and_then(|h| h.panic) {
        // SAFETY: the text buffer is valid for `len` bytes.
        unsafe { f(t.buf.as_ptr().cast(), t.len) };
    }
    loop {
        core::hint::spin_loop();
    }
}

/// No unwinding on bare metal: `f` either returns or the panic handler takes over.
pub fn catch<R>(f: impl FnOnce() -> R) -> Option<R> {
    Some(f())
}

// spin's lock with the yielding relax strategy: `sync::Mutex` on bare metal, spelled out here
// because `sync` builds on this module.
static LAST_ERROR: spin::mutex::Mutex<String, YieldRelax> = spin::mutex::Mutex::new(String::new());
/// The text in LAST_ERROR is current. Clearing is a store to this flag, not a lock: it runs on
/// every WANT_* of every task.
static LAST_ERROR_SET: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

/// Remember `text` as the library's last error (one slot for all tasks on bare metal).
pub fn set_last_error(text: String) {
    *LAST_ERROR.lock() = text;
    LAST_ERROR_SET.store(true, core::sync::atomic::Ordering::Release);
}

/// The library's most recent error code explains nothing (WANT_*; any task: one slot on bare metal).
pub fn clear_last_error() {
    use core::sync::atomic::Ordering::Relaxed;
    // Read first: a task polling through WANT_* does not keep writing the shared flag.
    if LAST_ERROR_SET.load(Relaxed) {
        LAST_ERROR_SET.store(false, Relaxed);
    }
}

pub fn last_error() -> String {
    if !LAST_ERROR_SET.load(core::sync::atomic::Ordering::Acquire) {
        return String::new();
    }
    LAST_ERROR.lock().clone()
}

// ---- time -----------------------------------------------------------------------------------------

/// A point on the integrator's monotonic millisecond clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant(u64);

impl Instant {
    pub fn now() -> Instant {
        now()
    }
    pub fn elapsed(&self) -> Duration {
        now() - *self
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, d: Duration) -> Instant {
        Instant(self.0.saturating_add(d.as_millis().min(u64::MAX as u128) as u64))
    }
}

impl Sub for Instant {
    type Output = Duration;
    /// Saturating: an earlier minus a later instant is zero, as with std's `Instant`.
    fn sub(self, earlier: Instant) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }
}

pub fn now() -> Instant {
    // SAFETY: a required hook (checked by install); before install the clock reads 0.
    Instant(hooks().and_then(|h| h.now_ms).map(|f| unsafe { f() }).unwrap_or(0))
}

// ---- sockets ----------------------------------------------------------------------------------------

fn io(n: c_int) -> core::result::Result<usize, IoErr> {
    match n {
        n if n >= 0 => Ok(n as usize),
        QL_SSL_PLATFORM_WOULD_BLOCK => Err(IoErr::WouldBlock),
        QL_SSL_PLATFORM_INTERRUPTED => Err(IoErr::Interrupted),
        QL_SSL_PLATFORM_RESET => Err(IoErr::Reset),
        _ => Err(IoErr::Other),
    }
}

/// Hooks return an int, so one call moves at most i32::MAX bytes.
fn clamp(len: usize) -> usize {
    len.min(i32::MAX as usize)
}

pub fn recv(fd: c_int, buf: &mut [u8], dontwait: bool) -> core::result::Result<usize, IoErr> {
    let Some(f) = hooks().and_then(|h| h.recv) else { return Err(IoErr::Other) };
    // SAFETY: buf is writable for the length passed.
    io(unsafe { f(fd, buf.as_mut_ptr(), clamp(buf.len()), dontwait as c_int) })
}

/// Never called on bare metal (`READ_AHEAD` is 0); the same as `recv` with `dontwait`.
pub fn recv_uninit(fd: c_int, buf: &mut [core::mem::MaybeUninit<u8>]) -> core::result::Result<usize, IoErr> {
    let Some(f) = hooks().and_then(|h| h.recv) else { return Err(IoErr::Other) };
    // SAFETY: buf is writable for the length passed; the hook only writes into it.
    io(unsafe { f(fd, buf.as_mut_ptr().cast(), clamp(buf.len()), 1) })
}

pub fn send(fd: c_int, buf: &[u8], dontwait: bool) -> core::result::Result<usize, IoErr> {
    let Some(f) = hooks().and_then(|h| h.send) else { return Err(IoErr::Other) };
    // SAFETY: buf is readable for the length passed.
    io(unsafe { f(fd, buf.as_ptr(), clamp(buf.len()), dontwait as c_int) })
}

/// Every descriptor is a hook socket on bare metal.
pub fn read(fd: c_int, buf: &mut [u8]) -> core::result::Result<usize, IoErr> {
    recv(fd, buf, false)
}

pub fn write(fd: c_int, buf: &[u8]) -> core::result::Result<usize, IoErr> {
    send(fd, buf, false)
}

pub fn wait(fd: c_int, dir: Dir, timeout_ms: u32) -> core::result::Result<bool, IoErr> {
    let Some(f) = hooks().and_then(|h| h.wait) else { return Err(IoErr::Other) };
    // SAFETY: an integrator-supplied function taking plain values.
    match unsafe { f(fd, (dir == Dir::Write) as c_int, timeout_ms) } {
        0 => Ok(false),
        r if r > 0 => Ok(true),
        r => io(r).map(|_| true),
    }
}

/// No wake-up descriptor on bare metal: waits are sliced instead (see src/tls/gate.rs).
pub struct Wakeup;

impl Wakeup {
    pub fn new() -> Option<Wakeup> {
        None
    }

    pub fn wake(&self) {}
}

/// The `wait` hook (a wakeup never exists here). `timeout_ms` None: the longest wait the hook takes.
pub fn wait_or_wake(fd: c_int, dir: Dir, timeout_ms: Option<u32>, _wake: Option<&Wakeup>) -> core::result::Result<bool, IoErr> {
    wait(fd, dir, timeout_ms.unwrap_or(u32::MAX))
}

/// Longest socket wait before a task checks whether its context is being freed; no wakeup exists here, so an idle reader calls the `wait` hook this often.
pub(crate) const WAIT_SLICE_MS: u32 = 100;

/// No handshake read-ahead on bare metal (src/tls/engine/transport.rs, `recv_ahead`): it takes its buffer
/// from the calling task's stack, which an RTOS task has little of; reads stay exactly mbedtls's.
pub(crate) const READ_AHEAD: usize = 0;

/// Let other tasks run for a moment (`ql_ssl_free` waiting for tasks to leave a context).
pub fn pause() {
    <YieldRelax as spin::RelaxStrategy>::relax();
}

pub fn nonblocking(fd: c_int) -> Option<bool> {
    let f = hooks().and_then(|h| h.is_nonblocking)?;
    // SAFETY: as above.
    match unsafe { f(fd) } {
        r if r < 0 => None,
        r => Some(r != 0),
    }
}

/// The hook table has no descriptor-kind query: only "not open" is known (from `is_nonblocking`,
/// as before), and an open descriptor is taken to be whatever socket the transport needs. The
/// integrator's `send`/`recv` hooks then see it; on lwIP they fail for a listening or unconnected
/// socket (ENOTCONN) and the handshake reports that.
pub fn socket_kind(fd: c_int) -> core::result::Result<SocketKind, NotUsable> {
    match nonblocking(fd) {
        Some(_) => Ok(SocketKind::Unknown),
        None => Err(NotUsable::Closed),
    }
}

/// Longest peer address taken from the `peer_addr` hook.
const MAX_PEER_ADDR: usize = 64;

pub fn peer_addr(fd: c_int) -> Option<Vec<u8>> {
    let f = hooks().and_then(|h| h.peer_addr)?;
    let mut buf = [0u8; MAX_PEER_ADDR];
    // SAFETY: buf is writable for its length.
    let n = unsafe { f(fd, buf.as_mut_ptr(), buf.len()) };
    (n > 0).then(|| buf[..(n as usize).min(MAX_PEER_ADDR)].to_vec())
}

// ---- files -------------------------------------------------------------------------------------------

/// The whole file through the `read_file` hook (the path goes to the SDK as configured, so
/// `"UFS:name"` reaches the module file system unchanged), at most `max` bytes.
pub fn read_file(p: &CStr, max: u64) -> Result<Vec<u8>, FileError> {
    let name = path_text(p)?;
    ufs_name(name)?;
    let Some(f) = hooks().and_then(|h| h.read_file) else {
        return Err(FileError(alloc::format!("{name}: no read_file platform hook registered")));
    };
    // SAFETY: a size query with no buffer.
    let size = unsafe { f(p.as_ptr(), core::ptr::null_mut(), 0) };
    if size < 0 || size as u64 > max {
        return Err(FileError(alloc::format!("{name}: cannot be read, or larger than {} KiB", max / 1024)));
    }
    let mut data = alloc::vec![0u8; size as usize];
    // SAFETY: data is writable for its length.
    let n = unsafe { f(p.as_ptr(), data.as_mut_ptr(), data.len()) };
    if n != size {
        return Err(FileError(alloc::format!("{name}: read {n} of {size} bytes")));
    }
    Ok(data)
}

/// Replace the file through the `write_file` hook (version 2; its atomicity is the hook's part,
/// see `ql_ssl_platform_hooks`).
pub fn write_file_atomic(p: &CStr, data: &[u8]) -> Result<(), FileError> {
    let name = path_text(p)?;
    ufs_name(name)?;
    let Some(f) = hooks().and_then(|h| h.write_file) else {
        return Err(FileError(alloc::format!(
            "{name}: no write_file platform hook (a version-1 table, or the hook is NULL)"
        )));
    };
    // SAFETY: a 0-terminated path and `data` readable for the length passed.
    match unsafe { f(p.as_ptr(), data.as_ptr(), data.len()) } {
        0 => Ok(()),
        r => Err(FileError(alloc::format!("{name}: the write_file hook failed ({r})"))),
    }
}

/// The time of day from the `unix_time` hook (version 2); None without the hook or while it
/// returns 0 (unknown).
pub fn unix_time() -> Option<u64> {
    // SAFETY: an integrator-supplied function without arguments.
    hooks().and_then(|h| h.unix_time).map(|f| unsafe { f() }).filter(|&t| t != 0)
}

/// Without `stat`, a file is identified by its content: a changed file is parsed again.
pub type FileId = Vec<u8>;

pub fn file_id(p: &CStr) -> Result<FileId, FileError> {
    read_file(p, MAX_FILE)
}

// ---- memory --------------------------------------------------------------------------------------------

/// Where an application array lives, from the `mem_origin` hook. Without the hook every array is
/// taken as borrowed static memory: cipher lists must then be 0-terminated and are never freed.
///
/// # Safety
/// As on Linux: `p` points into memory the application owns.
pub unsafe fn mem_origin(p: *const c_void) -> MemOrigin {
    let Some(f) = hooks().and_then(|h| h.mem_origin) else { return MemOrigin::Static };
    let mut block = 0usize;
    // SAFETY: an integrator-supplied query writing one size_t.
    match unsafe { f(p, &mut block) } {
        QL_SSL_PLATFORM_MEM_STACK => MemOrigin::Stack,
        QL_SSL_PLATFORM_MEM_HEAP if hooks().and_then(|h| h.heap_free).is_some() => MemOrigin::Heap(block),
        _ => MemOrigin::Static,
    }
}

/// Free an adopted C heap block with the integrator's `heap_free` (only Heap origins are adopted,
/// and those exist only when `heap_free` is registered).
///
/// # Safety
/// `p` must be a live heap block no one else frees.
pub unsafe fn c_free(p: *mut c_void) {
    if let Some(f) = hooks().and_then(|h| h.heap_free) {
        // SAFETY: a live heap block no one else frees (this function's contract).
        unsafe { f(p) }
    }
}

// ---- entropy, fork -------------------------------------------------------------------------------------

/// Fill `len` bytes at `data` from the `entropy` hook; false when there is no hook or it failed.
///
/// # Safety
/// `data` must be valid for `len` bytes of writes.
pub unsafe fn fill_entropy(data: *mut c_uchar, len: usize) -> bool {
    let Some(f) = hooks().and_then(|h| h.entropy) else { return false };
    // SAFETY: `len` writable bytes at `data` (this function's contract).
    let status = unsafe { f(data, len) };
    status == 0
}

/// No processes on bare metal.
pub fn on_fork(_child: extern "C" fn()) {}
