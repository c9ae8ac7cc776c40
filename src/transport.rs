//! The socket underneath a TLS context: the application's own file descriptor, never owned or closed
//! by the library. The transport never waits, whatever the descriptor's mode: every send/recv is
//! tried without blocking and EAGAIN surfaces as WANT_READ/WANT_WRITE, because it runs under the
//! context's lock. A call on a blocking descriptor then waits for it without the lock (`poll()` on
//! Linux, the `wait` hook on bare metal; `wait_plan` here, the wait in src/gate.rs) until it is
//! ready, the handshake deadline passes or the DTLS timer fires, and tries again. The system calls
//! are in `platform`.

use core::cell::Cell;
use core::ffi::{c_int, c_uchar};
// mbedtls-sys's own c_void (not core's on no_std targets): the callback signatures use it.
use mbedtls_sys::types::raw_types::c_void;

use mbedtls::error::codes;
use mbedtls::ssl::io::Io;

use crate::panic::catch_io_panic;
use crate::gate::WaitPlan;
use crate::platform::{self, Dir, Instant, IoErr};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::timer::TimerState;

/// What happened on the socket most recently; lets the connection tell a deadline expiry or a reset
/// apart from the generic error code mbedtls reports for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketEvent {
    None,
    DeadlineExpired,
    Reset,
}

/// The two ways `FdTransport::never_wait` moves bytes.
enum Call {
    /// send/recv with MSG_DONTWAIT.
    Socket,
    /// write/read, for descriptors that are not sockets, after a zero-timeout wait said ready.
    Plain,
}

/// Initial capacity of the flight buffer: a TLS 1.2 client flight without a client certificate
/// fits (measured: ClientHello 352 bytes, 560 with a session ticket; ClientKeyExchange +
/// ChangeCipherSpec + Finished 93).
const FLIGHT_CAPACITY: usize = 1024;

/// The application's socket plus the handshake deadline (if one is running).
pub struct FdTransport {
    fd: c_int,
    deadline: Option<Instant>,
    last_event: SocketEvent,
    detached: bool,
    timer: Option<TimerState>,
    coalesce: bool,
    pending: Vec<u8>,
    /// The descriptor's blocking mode as read once in the current API call (None: not read yet).
    /// An application may switch modes between calls, not within one, so one `fcntl` per call.
    mode: Cell<Option<bool>>,
}

/// True when the descriptor is open.
pub fn fd_is_open(fd: c_int) -> bool {
    platform::nonblocking(fd).is_some()
}

impl FdTransport {
    pub fn new(fd: c_int, deadline: Option<Instant>, timer: Option<TimerState>) -> Self {
        FdTransport {
            fd,
            deadline,
            last_event: SocketEvent::None,
            detached: false,
            timer,
            coalesce: false,
            pending: Vec::new(),
            mode: Cell::new(None),
        }
    }

    /// A new API call begins: read the blocking mode again when it matters.
    pub fn begin_call(&self) {
        self.mode.set(None);
    }

    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }

    /// Stop using the descriptor: every later send/recv fails without touching it.
    pub fn detach(&mut self) {
        self.detached = true;
    }

    pub fn take_event(&mut self) -> SocketEvent {
        core::mem::replace(&mut self.last_event, SocketEvent::None)
    }

    /// True once the handshake deadline (if any) has passed.
    pub fn deadline_passed(&self) -> bool {
        self.deadline.is_some_and(|d| platform::now() >= d)
    }

    pub fn is_nonblocking(&self) -> bool {
        if let Some(nonblocking) = self.mode.get() {
            return nonblocking;
        }
        let nonblocking = platform::nonblocking(self.fd).unwrap_or(false);
        self.mode.set(Some(nonblocking));
        nonblocking
    }

    /// When a call on a blocking socket has to wait for `dir` (after mbedtls asked for it): the
    /// descriptor and the time the wait ends at the latest, the handshake deadline or the DTLS
    /// retransmission timer. None for a non-blocking socket (its caller gets WANT_READ/WANT_WRITE).
    /// The wait itself happens without the context's lock (src/gate.rs).
    pub fn wait_plan(&self, dir: Dir) -> Option<WaitPlan> {
        if self.detached || self.is_nonblocking() {
            return None;
        }
        let timer = self.timer.as_ref().and_then(|t| t.expiry());
        let until = match (self.deadline, timer) {
            (Some(d), Some(t)) => Some(d.min(t)),
            (d, t) => d.or(t),
        };
        Some(WaitPlan { fd: self.fd, dir, until })
    }

    /// One send or receive that never blocks, whatever the descriptor's mode: EAGAIN comes back
    /// as WouldBlock, which mbedtls passes on as WANT_READ/WANT_WRITE. `op(Socket)` is the socket
    /// call with MSG_DONTWAIT; descriptors that are not sockets (pipes: tests and emulators) are
    /// asked with a zero-timeout wait and then `op(Plain)` (read/write).
    fn never_wait(
        &mut self,
        dir: Dir,
        mut op: impl FnMut(Call) -> core::result::Result<usize, IoErr>,
    ) -> core::result::Result<usize, IoErr> {
        // Bounded: EINTR before anything moved is rare; a few retries are plenty.
        for _ in 0..100 {
            match op(Call::Socket) {
                Err(IoErr::Interrupted) => continue,
                Err(IoErr::NotSocket) => {}
                r => return r,
            }
            return match platform::wait(self.fd, dir, 0) {
                Ok(false) => Err(IoErr::WouldBlock),
                _ => op(Call::Plain),
            };
        }
        Err(IoErr::Interrupted)
    }

    /// A platform I/O result as mbedtls expects it.
    fn io_result(
        &mut self,
        r: core::result::Result<usize, IoErr>,
        want: mbedtls::error::HiError,
        failed: mbedtls::error::LoError,
    ) -> mbedtls::Result<usize> {
        r.map_err(|e| self.map_err(e, want, failed))
    }

    fn map_err(&mut self, err: IoErr, want: mbedtls::error::HiError, failed: mbedtls::error::LoError) -> mbedtls::Error {
        match err {
            IoErr::WouldBlock | IoErr::Interrupted => want.into(),
            IoErr::Reset => {
                self.last_event = SocketEvent::Reset;
                codes::NetConnReset.into()
            }
            IoErr::NotSocket | IoErr::Other => failed.into(),
        }
    }

    fn recv_raw(&mut self, buf: &mut [u8]) -> mbedtls::Result<usize> {
        if self.detached {
            return Err(codes::NetRecvFailed.into());
        }
        // mbedtls waits for the peer: what it wrote so far must go out first.
        self.flush()?;
        let fd = self.fd;
        let r = self.never_wait(Dir::Read, |call| match call {
            Call::Socket => platform::recv(fd, buf, true),
            Call::Plain => platform::read(fd, buf),
        });
        self.io_result(r, codes::SslWantRead, codes::NetRecvFailed)
    }

    /// Start or stop collecting writes. A TLS handshake flight is several records, each handed
    /// over by mbedtls separately; sent one by one, Nagle's algorithm holds the last one back until
    /// the peer's delayed ACK (~40 ms). Collected, the flight leaves in one send.
    pub fn set_coalescing(&mut self, on: bool) {
        self.coalesce = on;
        if !on && self.pending.is_empty() {
            // The flight buffer is only needed during the handshake: don't keep it per connection.
            self.pending = Vec::new();
        }
    }

    /// Send everything collected. Non-blocking: WANT_WRITE until it is all out.
    pub fn flush(&mut self) -> mbedtls::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        while !self.pending.is_empty() {
            let pending = core::mem::take(&mut self.pending);
            let r = self.send_now(&pending);
            self.pending = pending;
            let n = r?;
            self.pending.drain(..n);
        }
        // A flight is flushed when mbedtls waits for the peer's answer, and processing that answer
        // (certificate parsing, signature checks) is when a connection's heap peaks: don't hold the
        // emptied buffer through it. The next flight allocates again.
        self.pending = Vec::new();
        Ok(())
    }

    fn send_raw(&mut self, buf: &[u8]) -> mbedtls::Result<usize> {
        if self.detached {
            return Err(codes::NetSendFailed.into());
        }
        if self.coalesce {
            // Room for a whole flight at its first record, so collecting it does not grow the
            // buffer record by record (the buffer goes away when the flight is flushed).
            if self.pending.capacity() == 0 {
                self.pending.reserve(buf.len().max(FLIGHT_CAPACITY));
            }
            self.pending.extend_from_slice(buf);
            return Ok(buf.len());
        }
        self.flush()?;
        self.send_now(buf)
    }

    fn send_now(&mut self, buf: &[u8]) -> mbedtls::Result<usize> {
        let fd = self.fd;
        // platform::send never raises SIGPIPE: a peer that went away gives SOCKET_RESET.
        let r = self.never_wait(Dir::Write, |call| match call {
            Call::Socket => platform::send(fd, buf, true),
            Call::Plain => platform::write(fd, buf),
        });
        self.io_result(r, codes::SslWantWrite, codes::NetSendFailed)
    }
}

impl Io for FdTransport {
    fn recv(&mut self, buf: &mut [u8]) -> mbedtls::Result<usize> {
        catch_io_panic(|| self.recv_raw(buf))
    }

    fn send(&mut self, buf: &[u8]) -> mbedtls::Result<usize> {
        catch_io_panic(|| self.send_raw(buf))
    }
}

/// mbedtls send callback over an `FdTransport` (our own bridge, so it runs inside the panic boundary).
///
/// # Safety
/// `p` must be the `FdTransport` registered with `mbedtls_ssl_set_bio`, alive for the context's use.
pub unsafe extern "C" fn bio_send(p: *mut c_void, buf: *const c_uchar, len: usize) -> c_int {
    let (Some(t), false) = ((p as *mut FdTransport).as_mut(), buf.is_null()) else {
        return mbedtls_sys::ERR_NET_INVALID_CONTEXT;
    };
    let data = core::slice::from_raw_parts(buf, len.min(c_int::MAX as usize));
    match Io::send(t, data) {
        Ok(n) => n as c_int,
        Err(e) => e.to_int(),
    }
}

/// mbedtls receive callback over an `FdTransport`.
///
/// # Safety
/// As for `bio_send`.
pub unsafe extern "C" fn bio_recv(p: *mut c_void, buf: *mut c_uchar, len: usize) -> c_int {
    let (Some(t), false) = ((p as *mut FdTransport).as_mut(), buf.is_null()) else {
        return mbedtls_sys::ERR_NET_INVALID_CONTEXT;
    };
    let data = core::slice::from_raw_parts_mut(buf, len.min(c_int::MAX as usize));
    match Io::recv(t, data) {
        Ok(n) => n as c_int,
        Err(e) => e.to_int(),
    }
}
