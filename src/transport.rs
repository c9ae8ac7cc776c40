//! The socket underneath a TLS context: the application's own file descriptor, never owned or closed
//! by the library. Blocking descriptors are waited on with `poll()` so that a handshake deadline holds
//! even when the peer never answers; non-blocking descriptors surface EAGAIN as WANT_READ/WANT_WRITE.

use std::time::Instant;

use mbedtls::error::codes;
use mbedtls::ssl::io::Io;

use crate::panic::catch_io_panic;

/// What happened on the socket most recently; lets the connection tell a deadline expiry or a reset
/// apart from the generic error code mbedtls reports for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketEvent {
    None,
    DeadlineExpired,
    Reset,
}

/// The application's socket plus the handshake deadline (if one is running).
pub struct FdTransport {
    fd: libc::c_int,
    deadline: Option<Instant>,
    last_event: SocketEvent,
    detached: bool,
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// True when the descriptor is open; the status flags tell whether it is non-blocking.
pub fn fd_flags(fd: libc::c_int) -> Option<libc::c_int> {
    // SAFETY: F_GETFL only reads the descriptor's flags; an invalid fd yields -1/EBADF.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    (flags >= 0).then_some(flags)
}

impl FdTransport {
    pub fn new(fd: libc::c_int, deadline: Option<Instant>) -> Self {
        FdTransport { fd, deadline, last_event: SocketEvent::None, detached: false }
    }

    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }

    /// Stop using the descriptor: every later send/recv fails without touching it.
    pub fn detach(&mut self) {
        self.detached = true;
    }

    pub fn take_event(&mut self) -> SocketEvent {
        std::mem::replace(&mut self.last_event, SocketEvent::None)
    }

    fn is_nonblocking(&self) -> bool {
        fd_flags(self.fd).map(|f| f & libc::O_NONBLOCK != 0).unwrap_or(false)
    }

    /// For a blocking socket with a running deadline: wait until `events` are ready. Returns false
    /// when the deadline passed first.
    fn wait_ready(&mut self, events: libc::c_short) -> bool {
        let Some(deadline) = self.deadline else { return true };
        if self.is_nonblocking() {
            return true;
        }
        loop {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            let left_ms = (deadline - now).as_millis().min(i32::MAX as u128) as libc::c_int;
            let mut pfd = libc::pollfd { fd: self.fd, events, revents: 0 };
            // SAFETY: one valid pollfd, count 1.
            let r = unsafe { libc::poll(&mut pfd, 1, left_ms.max(1)) };
            if r > 0 {
                return true;
            }
            if r < 0 && errno() != libc::EINTR {
                // Let the following recv/send report the real error.
                return true;
            }
        }
    }

    fn map_errno(&mut self, err: i32, want: mbedtls::error::HiError, failed: mbedtls::error::LoError) -> mbedtls::Error {
        match err {
            libc::EAGAIN | libc::EINTR => want.into(),
            libc::ECONNRESET | libc::EPIPE | libc::ECONNABORTED | libc::ENOTCONN | libc::ETIMEDOUT => {
                self.last_event = SocketEvent::Reset;
                codes::NetConnReset.into()
            }
            _ => failed.into(),
        }
    }

    fn recv_raw(&mut self, buf: &mut [u8]) -> mbedtls::Result<usize> {
        if self.detached {
            return Err(codes::NetRecvFailed.into());
        }
        if !self.wait_ready(libc::POLLIN) {
            self.last_event = SocketEvent::DeadlineExpired;
            return Err(codes::SslTimeout.into());
        }
        // SAFETY: buf is a valid writable slice of buf.len() bytes.
        let mut n = unsafe { libc::recv(self.fd, buf.as_mut_ptr().cast(), buf.len(), 0) };
        if n < 0 && errno() == libc::ENOTSOCK {
            // Pipes and other descriptors work too (useful for tests and emulators).
            // SAFETY: as above.
            n = unsafe { libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len()) };
        }
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = errno();
        Err(self.map_errno(e, codes::SslWantRead, codes::NetRecvFailed))
    }

    fn send_raw(&mut self, buf: &[u8]) -> mbedtls::Result<usize> {
        if self.detached {
            return Err(codes::NetSendFailed.into());
        }
        if !self.wait_ready(libc::POLLOUT) {
            self.last_event = SocketEvent::DeadlineExpired;
            return Err(codes::SslTimeout.into());
        }
        // MSG_NOSIGNAL: a peer that went away must give SOCKET_RESET, not kill the process with SIGPIPE.
        // SAFETY: buf is a valid readable slice.
        let mut n = unsafe { libc::send(self.fd, buf.as_ptr().cast(), buf.len(), libc::MSG_NOSIGNAL) };
        if n < 0 && errno() == libc::ENOTSOCK {
            // SAFETY: as above.
            n = unsafe { libc::write(self.fd, buf.as_ptr().cast(), buf.len()) };
        }
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = errno();
        Err(self.map_errno(e, codes::SslWantWrite, codes::NetSendFailed))
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
