//! The Linux platform: libc sockets and `poll`, `std::fs`, `dladdr`/pthread stack bounds/the
//! malloc block size for memory classification, OS entropy, `thread_local!` error text and
//! `catch_unwind` at the C boundary.

use core::ffi::{c_int, c_void, CStr};
use std::cell::RefCell;
use std::path::PathBuf;
use std::string::String;
use std::vec::Vec;

pub use std::time::Instant;

/// mbedtls checks certificate validity periods against the time of day (`time` feature).
pub const HAS_CALENDAR: bool = true;


use super::{Dir, IoErr, MemOrigin, NotUsable, SocketKind};
use super::files::{path_text, ufs_name, FileError};

// ---- time ---------------------------------------------------------------------------------------

pub fn now() -> Instant {
    Instant::now()
}

// ---- sockets ------------------------------------------------------------------------------------

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn classify_errno() -> IoErr {
    match errno() {
        libc::EAGAIN => IoErr::WouldBlock,
        libc::EINTR => IoErr::Interrupted,
        libc::ENOTSOCK => IoErr::NotSocket,
        libc::ECONNRESET | libc::EPIPE | libc::ECONNABORTED | libc::ENOTCONN | libc::ETIMEDOUT => IoErr::Reset,
        _ => IoErr::Other,
    }
}

fn io(n: isize) -> core::result::Result<usize, IoErr> {
    if n >= 0 {
        Ok(n as usize)
    } else {
        Err(classify_errno())
    }
}

/// `recv` on a socket; `dontwait` never blocks even on a blocking socket.
pub fn recv(fd: c_int, buf: &mut [u8], dontwait: bool) -> core::result::Result<usize, IoErr> {
    let flags = if dontwait { libc::MSG_DONTWAIT } else { 0 };
    // SAFETY: buf is a valid writable slice of buf.len() bytes.
    io(unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), flags) })
}

/// `recv` with MSG_DONTWAIT into memory that need not be initialised (the transport's read-ahead
/// chunk: zeroing 4 KiB per handshake read cost more instructions than the rest of the read).
/// Ok(n): the first n bytes of `buf` are written.
pub fn recv_uninit(fd: c_int, buf: &mut [core::mem::MaybeUninit<u8>]) -> core::result::Result<usize, IoErr> {
    // SAFETY: buf is valid writable memory of buf.len() bytes; the kernel only writes into it.
    io(unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) })
}

/// `send` on a socket (never raises SIGPIPE).
pub fn send(fd: c_int, buf: &[u8], dontwait: bool) -> core::result::Result<usize, IoErr> {
    let flags = libc::MSG_NOSIGNAL | if dontwait { libc::MSG_DONTWAIT } else { 0 };
    // SAFETY: buf is a valid readable slice of buf.len() bytes.
    io(unsafe { libc::send(fd, buf.as_ptr().cast(), buf.len(), flags) })
}

/// `read` for descriptors that are not sockets (pipes: useful for tests and emulators).
pub fn read(fd: c_int, buf: &mut [u8]) -> core::result::Result<usize, IoErr> {
    // SAFETY: as for recv.
    io(unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) })
}

/// `write` for descriptors that are not sockets.
pub fn write(fd: c_int, buf: &[u8]) -> core::result::Result<usize, IoErr> {
    // SAFETY: as for send.
    io(unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) })
}

/// Wait up to `timeout_ms` for the descriptor to become ready: Ok(true) ready (or in an error
/// state the next I/O call will report), Ok(false) timed out.
pub fn wait(fd: c_int, dir: Dir, timeout_ms: u32) -> core::result::Result<bool, IoErr> {
    let events = match dir {
        Dir::Read => libc::POLLIN,
        Dir::Write => libc::POLLOUT,
    };
    let mut pfd = libc::pollfd { fd, events, revents: 0 };
    // SAFETY: one valid pollfd, count 1.
    let r = unsafe { libc::poll(&mut pfd, 1, timeout_ms.min(i32::MAX as u32) as c_int) };
    match r {
        0 => Ok(false),
        r if r > 0 => Ok(true),
        _ => Err(classify_errno()),
    }
}

/// A descriptor another task makes readable to end a `wait_or_wake` early (an `eventfd`). Once
/// woken it stays readable: it is only used to tell waiters that their context is being freed.
pub struct Wakeup {
    fd: c_int,
}

impl Wakeup {
    /// None when no descriptor can be created (the waits then stay sliced, see src/tls/gate.rs).
    pub fn new() -> Option<Wakeup> {
        // SAFETY: eventfd takes plain values and returns a new descriptor or -1.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        (fd >= 0).then_some(Wakeup { fd })
    }

    /// Make every present and future `wait_or_wake` on this wakeup return at once.
    pub fn wake(&self) {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a live u64 to our own eventfd. A full counter (EAGAIN) is
        // still readable, which is all that matters.
        unsafe { libc::write(self.fd, (&one as *const u64).cast(), 8) };
    }
}

impl Drop for Wakeup {
    fn drop(&mut self) {
        // SAFETY: our own descriptor, closed once.
        unsafe { libc::close(self.fd) };
    }
}

/// Like `wait`, but also returns Ok(true) as soon as `wake` has been woken. `timeout_ms` None:
/// no time limit.
pub fn wait_or_wake(fd: c_int, dir: Dir, timeout_ms: Option<u32>, wake: Option<&Wakeup>) -> core::result::Result<bool, IoErr> {
    let events = match dir {
        Dir::Read => libc::POLLIN,
        Dir::Write => libc::POLLOUT,
    };
    let mut pfds = [
        libc::pollfd { fd, events, revents: 0 },
        libc::pollfd { fd: wake.map_or(-1, |w| w.fd), events: libc::POLLIN, revents: 0 },
    ];
    let count = if wake.is_some() { 2 } else { 1 };
    let timeout = timeout_ms.map_or(-1, |ms| ms.min(i32::MAX as u32) as c_int);
    // SAFETY: `count` valid pollfds.
    let r = unsafe { libc::poll(pfds.as_mut_ptr(), count, timeout) };
    match r {
        0 => Ok(false),
        r if r > 0 => Ok(true),
        _ => Err(classify_errno()),
    }
}

/// Longest socket wait before a task checks whether its context is being freed; a wait that outlasts it creates the eventfd wakeup (src/tls/gate.rs): a loopback handshake never does.
pub(crate) const WAIT_SLICE_MS: u32 = 20;

/// Most bytes the transport takes from the socket in one read during the handshake (on the
/// stack of the calling thread; src/tls/engine/transport.rs, `recv_ahead`): a server flight with a
/// certificate chain of two or three certificates in one read.
pub(crate) const READ_AHEAD: usize = 4096;

/// Let other threads run for a moment (`ql_ssl_free` waiting for tasks to leave a context).
pub fn pause() {
    std::thread::sleep(std::time::Duration::from_millis(1));
}

/// Some(true) for an open non-blocking descriptor, Some(false) for a blocking one, None when the
/// descriptor is not open.
pub fn nonblocking(fd: c_int) -> Option<bool> {
    // SAFETY: F_GETFL only reads the descriptor's flags; an invalid fd yields -1/EBADF.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    (flags >= 0).then_some(flags & libc::O_NONBLOCK != 0)
}

/// What `fd` can carry, asked once when it is bound (`ql_ssl_set_socket_fd`). The common case, a
/// TCP socket, costs one system call: `TCP_INFO` (its first byte only, the connection state) tells
/// an open TCP socket, connected or not, listening or shut down, all at once. Other descriptors
/// fall back to `SO_TYPE` and `getpeername`; on their error path further queries cost nothing on
/// the normal one.
pub fn socket_kind(fd: c_int) -> core::result::Result<SocketKind, NotUsable> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let mut state: u8 = 0;
        let mut len = 1 as libc::socklen_t;
        // SAFETY: the kernel writes at most `len` (1) bytes of struct tcp_info, whose first member
        // is the u8 tcpi_state, into `state`, and updates `len`.
        let r = unsafe { libc::getsockopt(fd, libc::IPPROTO_TCP, libc::TCP_INFO, (&mut state as *mut u8).cast(), &mut len) };
        if r == 0 && len >= 1 {
            return tcp_state_kind(state);
        }
        match errno() {
            libc::EBADF => return Err(NotUsable::Closed),
            libc::ENOTSOCK => return Err(NotUsable::NotSocket),
            // ENOPROTOOPT (UDP), EOPNOTSUPP (UNIX sockets), ...: not TCP, asked the general way.
            _ => {}
        }
    }
    socket_kind_general(fd)
}

/// Linux TCP states (include/net/tcp_states.h), as `TCP_INFO` reports them.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn tcp_state_kind(state: u8) -> core::result::Result<SocketKind, NotUsable> {
    const ESTABLISHED: u8 = 1;
    const SYN_SENT: u8 = 2;
    const FIN_WAIT1: u8 = 4;
    const FIN_WAIT2: u8 = 5;
    const TIME_WAIT: u8 = 6;
    const CLOSE_WAIT: u8 = 8;
    const LAST_ACK: u8 = 9;
    const LISTEN: u8 = 10;
    const CLOSING: u8 = 11;
    match state {
        // A connect() still in progress (non-blocking) is accepted: the first send waits for it,
        // or reports EAGAIN as WANT_WRITE, as it did before this check. CLOSE_WAIT: the peer has
        // closed already; the handshake reports that as it happens.
        ESTABLISHED | SYN_SENT | CLOSE_WAIT => Ok(SocketKind::Stream),
        LISTEN => Err(NotUsable::Listening),
        FIN_WAIT1 | FIN_WAIT2 | TIME_WAIT | LAST_ACK | CLOSING => Err(NotUsable::ShutDown),
        // CLOSE (never connected, failed or reset) and the server-side SYN states.
        _ => Err(NotUsable::NotConnected),
    }
}

fn socket_kind_general(fd: c_int) -> core::result::Result<SocketKind, NotUsable> {
    let int_option = |option: c_int| -> Option<c_int> {
        let mut value: c_int = 0;
        let mut len = core::mem::size_of::<c_int>() as libc::socklen_t;
        // SAFETY: `value` has room for the int the kernel writes; `len` says so.
        let r = unsafe { libc::getsockopt(fd, libc::SOL_SOCKET, option, (&mut value as *mut c_int).cast(), &mut len) };
        (r == 0).then_some(value)
    };
    let kind = match int_option(libc::SO_TYPE) {
        None if errno() == libc::ENOTSOCK => return Err(NotUsable::NotSocket),
        None => return Err(NotUsable::Closed),
        Some(libc::SOCK_STREAM) => SocketKind::Stream,
        Some(libc::SOCK_DGRAM) => SocketKind::Datagram,
        Some(_) => return Err(NotUsable::OtherType),
    };
    // SAFETY: getpeername writes at most `len` bytes into the storage.
    let connected = unsafe {
        let mut ss: libc::sockaddr_storage = core::mem::zeroed();
        let mut len = core::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        libc::getpeername(fd, (&mut ss as *mut libc::sockaddr_storage).cast(), &mut len) == 0
    };
    if connected {
        Ok(kind)
    } else if kind == SocketKind::Stream && int_option(libc::SO_ACCEPTCONN) == Some(1) {
        Err(NotUsable::Listening)
    } else {
        Err(NotUsable::NotConnected)
    }
}

/// The connected peer's address as raw bytes (the session-cache key), None if not connected.
pub fn peer_addr(fd: c_int) -> Option<Vec<u8>> {
    // SAFETY: getpeername writes at most `len` bytes into the storage.
    unsafe {
        let mut ss: libc::sockaddr_storage = core::mem::zeroed();
        let mut len = core::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        if libc::getpeername(fd, &mut ss as *mut _ as *mut libc::sockaddr, &mut len) != 0 {
            return None;
        }
        Some(core::slice::from_raw_parts(&ss as *const _ as *const u8, len as usize).to_vec())
    }
}

// ---- files --------------------------------------------------------------------------------------

/// Environment variable naming the directory that `"UFS:name"` paths resolve under
/// (default: the working directory).
pub const UFS_DIR_ENV: &str = "QLSSL_UFS_DIR";

/// Map a config path to a file system path (`"UFS:name"` → `$QLSSL_UFS_DIR/name`).
///
/// `files::ufs_name` admits only plain relative names. Symbolic links inside the store are
/// followed only while they lead to a file inside it: the store directory and the file are
/// resolved (`realpath`) and the file must lie below the store, else BAD_REQUEST. The result is
/// the resolved path, so what is checked is what is read.
pub fn resolve_path(p: &CStr) -> Result<PathBuf, FileError> {
    let s = path_text(p)?;
    match ufs_name(s)? {
        Some(name) => {
            let dir = std::env::var_os(UFS_DIR_ENV).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
            let store = std::fs::canonicalize(&dir)
                .map_err(|e| FileError(format!("{s}: UFS directory {}: {e}", dir.display())))?;
            let joined = store.join(name);
            let file = std::fs::canonicalize(&joined).map_err(|e| FileError(format!("{}: {e}", joined.display())))?;
            if !file.starts_with(&store) || file == store {
                return Err(FileError(format!("{s}: leads outside the UFS directory {} (to {})", store.display(), file.display())));
            }
            Ok(file)
        }
        None => Ok(PathBuf::from(s)),
    }
}

/// The whole file, at most `max` bytes (larger files and non-files are refused).
pub fn read_file(p: &CStr, max: u64) -> Result<Vec<u8>, FileError> {
    let path = resolve_path(p)?;
    let meta = std::fs::metadata(&path).map_err(|e| FileError(format!("{}: {e}", path.display())))?;
    if !meta.is_file() || meta.len() > max {
        return Err(FileError(format!("{}: not a regular file of at most {} KiB", path.display(), max / 1024)));
    }
    std::fs::read(&path).map_err(|e| FileError(format!("{}: {e}", path.display())))
}

/// Replace the file at `p` with `data` atomically: written to a temporary file beside it, synced,
/// then renamed over it, so a reader (or a power cut) sees the old file or the new one, never a
/// part. `"UFS:name"` resolves as for `read_file` (the file itself need not exist yet).
pub fn write_file_atomic(p: &CStr, data: &[u8]) -> Result<(), FileError> {
    use std::io::Write;
    let s = path_text(p)?;
    let path = match ufs_name(s)? {
        Some(name) => {
            let dir = std::env::var_os(UFS_DIR_ENV).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
            let store = std::fs::canonicalize(&dir)
                .map_err(|e| FileError(format!("{s}: UFS directory {}: {e}", dir.display())))?;
            store.join(name)
        }
        None => PathBuf::from(s),
    };
    let mut tmp = path.clone().into_os_string();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = (|| {
        use std::os::unix::fs::OpenOptionsExt;
        // Owner-only: a saved session holds its master secret.
        let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        FileError(format!("{}: {e}", path.display()))
    })
}

/// Seconds since 1970 by the host's calendar clock (None if it is before 1970).
pub fn unix_time() -> Option<u64> {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs())
}

/// What identifies a file's current content cheaply: what `stat` says. A changed file gets a new
/// identity, so caches keyed by it parse it again.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FileId {
    dev: u64,
    ino: u64,
    len: u64,
    mtime_ns: i128,
}

pub fn file_id(p: &CStr) -> Result<FileId, FileError> {
    use std::os::unix::fs::MetadataExt;
    let path = resolve_path(p)?;
    let m = std::fs::metadata(&path).map_err(|e| FileError(format!("{}: {e}", path.display())))?;
    Ok(FileId { dev: m.dev(), ino: m.ino(), len: m.len(), mtime_ns: m.mtime() as i128 * 1_000_000_000 + m.mtime_nsec() as i128 })
}

// ---- memory -------------------------------------------------------------------------------------

extern "C" {
    /// In the C shim: size in bytes of the malloc block at `p` (exact under ASan and valgrind).
    fn qlssl_heap_block_size(p: *const c_void) -> usize;
    /// In the C shim: true when `p` is on AddressSanitizer's fake stack (a local array under
    /// detect_stack_use_after_return).
    fn qlssl_on_sanitizer_fake_stack(p: *const c_void) -> c_int;
}

/// Where the memory at `p` lives: in a loaded image (static), on the calling thread's stack, or
/// else in the C heap.
///
/// # Safety
/// `p` must point into memory the application owns (for a heap block, the allocator's metadata
/// next to it is read).
pub unsafe fn mem_origin(p: *const c_void) -> MemOrigin {
    // SAFETY: an all-zero Dl_info is valid; dladdr only inspects the loader's tables.
    let found = unsafe {
        let mut info: libc::Dl_info = core::mem::zeroed();
        libc::dladdr(p, &mut info)
    };
    if found != 0 {
        return MemOrigin::Static;
    }
    // SAFETY: a query of ASan's bookkeeping (0 without ASan).
    if on_current_stack(p as usize) || unsafe { qlssl_on_sanitizer_fake_stack(p) } != 0 {
        return MemOrigin::Stack;
    }
    // SAFETY: p is not static or stack memory, so by the module rule a malloc block.
    MemOrigin::Heap(unsafe { qlssl_heap_block_size(p) })
}

fn on_current_stack(addr: usize) -> bool {
    // SAFETY: standard pthread attribute queries on the calling thread; attr is destroyed after use.
    unsafe {
        let mut attr: libc::pthread_attr_t = core::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return false;
        }
        let mut base: *mut c_void = core::ptr::null_mut();
        let mut size: usize = 0;
        let ok = libc::pthread_attr_getstack(&attr, &mut base, &mut size) == 0;
        libc::pthread_attr_destroy(&mut attr);
        ok && addr >= base as usize && addr < base as usize + size
    }
}

/// `free()` a block the application allocated with `malloc()`.
///
/// # Safety
/// `p` must be a live malloc block no one else frees.
pub unsafe fn c_free(p: *mut c_void) {
    // SAFETY: `p` is a live malloc block no one else frees (this function's contract).
    unsafe { libc::free(p) }
}

// ---- entropy, fork ------------------------------------------------------------------------------

// Entropy: the OS's, gathered by the engine itself (src/tls/engine/rng.rs).

/// Run `child` in the child after every `fork()` (it must be async-signal-safe).
pub fn on_fork(child: extern "C" fn()) {
    // SAFETY: registering a fork handler; the caller promises it is async-signal-safe.
    unsafe { libc::pthread_atfork(None, None, Some(child)) };
}

// ---- last error, panics -------------------------------------------------------------------------

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

// These run outside the panic boundary (after `catch` returned), so they use `try_with`: during a
// thread's exit, when its thread-locals are gone, a call still returns its code instead of
// panicking across the C boundary; the text is simply not kept.

/// Remember `text` as this thread's last error.
pub fn set_last_error(text: String) {
    let _ = LAST_ERROR.try_with(|l| {
        if let Ok(mut slot) = l.try_borrow_mut() {
            *slot = text;
        }
    });
}

/// This thread's most recent error code explains nothing (WANT_*). The length is set to 0 and the
/// buffer kept for the next failure: no allocation, no free, no system call (this runs on every
/// WANT_READ/WANT_WRITE).
pub fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|l| {
        if let Ok(mut text) = l.try_borrow_mut() {
            text.clear();
        }
    });
}

/// This thread's last error text ("" if none yet).
pub fn last_error() -> String {
    LAST_ERROR.try_with(|l| l.try_borrow().map(|t| t.clone()).unwrap_or_default()).unwrap_or_default()
}

// ---- error log ----------------------------------------------------------------------------------

/// Environment variable naming a file to which every failed `ql_ssl_*` call (except
/// WANT_READ/WANT_WRITE) appends one line: `<function> <code> <QL_SSL_ERROR_name> <text>`.
pub const ERROR_LOG_ENV: &str = "QLSSL_ERROR_LOG";

/// The error log, opened for appending at the first failure; None when the variable is unset or
/// empty or the file cannot be opened. The environment is read once per process.
static ERROR_LOG: std::sync::OnceLock<Option<std::fs::File>> = std::sync::OnceLock::new();

/// Append one line for a failed call to the file named by `QLSSL_ERROR_LOG` (nothing if unset).
/// Only failures come here, so the success and WANT_* paths cost nothing. One `write` per line on
/// an `O_APPEND` file: lines of concurrent threads and processes do not interleave.
pub fn error_log(func: &str, code: i32, name: &str, text: &str) {
    use std::io::Write;
    let log = ERROR_LOG.get_or_init(|| {
        let path = std::env::var_os(ERROR_LOG_ENV).filter(|p| !p.is_empty())?;
        std::fs::OpenOptions::new().create(true).append(true).open(path).ok()
    });
    if let Some(mut file) = log.as_ref() {
        // One line per failure, whatever the text holds.
        let line = std::format!("{func} {code} {name} {}\n", text.replace(['\n', '\r'], " "));
        // A log that cannot be written must not change the call's result.
        let _ = file.write_all(line.as_bytes());
    }
}

/// Run `f`; None if it panicked (the panic stops here instead of unwinding into C frames).
pub fn catch<R>(f: impl FnOnce() -> R) -> Option<R> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// Ready to serve calls (always, on Linux).
pub fn ready() -> bool {
    true
}
