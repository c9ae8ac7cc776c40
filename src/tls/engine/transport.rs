//! The socket underneath a TLS context: the application's own file descriptor, never owned or closed
//! by the library. The transport never waits, whatever the descriptor's mode: every send/recv is
//! tried without blocking and EAGAIN surfaces as WANT_READ/WANT_WRITE, because it runs under the
//! context's lock. A call on a blocking descriptor then waits for it without the lock (`poll()` on
//! Linux, the `wait` hook on bare metal; `wait_plan` here, the wait in src/tls/gate.rs) until it is
//! ready, the handshake deadline passes or the DTLS timer fires, and tries again. The system calls
//! are in `platform`.

use core::cell::Cell;
use core::ffi::{c_int, c_uchar};
// mbedtls-sys's own c_void (not core's on no_std targets): the callback signatures use it.
use mbedtls_sys::types::raw_types::c_void;

use mbedtls::error::codes;
use mbedtls::ssl::io::Io;

use crate::tls::boundary::catch_io_panic;
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

/// Most socket reads one API call on a NON-BLOCKING socket makes before it answers WANT_READ: a
/// bounded slice of work whatever the peer sends. mbedtls reads a TLS record in two reads (header,
/// body) and a DTLS datagram in one; a server's whole handshake flight takes about ten. A peer that
/// keeps sending records that carry nothing (warning alerts, junk datagrams) costs the caller one
/// slice per call; the socket is still readable, so the application's `select` returns at once.
pub(crate) const NONBLOCKING_READ_SLICE: u32 = 64;

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
    /// Socket reads made in the current API call (see NONBLOCKING_READ_SLICE).
    reads_this_call: Cell<u32>,
    /// A WANT_READ/WANT_WRITE went from here to mbedtls since `clear_would_block`: the socket
    /// would block (or the slice is spent). A WANT that mbedtls reports without this is its own
    /// "call again" after a record that carried nothing for the caller.
    would_block: bool,
    /// The peer ended the byte stream (a read returned 0 bytes). Only this or a close_notify ends a
    /// read stream: mbedtls reports a 0-byte read for empty records as well.
    eof: bool,
    /// DTLS: every read is one datagram, trimmed to whole records (`whole_dtls_records`).
    datagram: bool,
    /// Bytes went out in this API call since its last read from the socket: the peer's answer to
    /// them cannot be there yet on a real network, so the next read of the same call does not try
    /// the socket (a `recv` that fails with EAGAIN) but answers WANT_READ at once; a blocking call
    /// then waits (`poll`) and reads. Saves one system call per handshake round trip (on loopback,
    /// where the answer may already be there, the wait returns at once). A new API call starts
    /// without it: an application that waited for the socket itself (non-blocking, `select`)
    /// finds its data read, as before.
    answer_pending: Cell<bool>,
    /// Handshake read-ahead (see `recv_ahead`): bytes taken from the socket in one read
    /// that mbedtls has not asked for yet, from `ahead_pos` on. Empty (unallocated) otherwise.
    ahead: Vec<u8>,
    ahead_pos: usize,
    /// This client sent its ChangeCipherSpec: from here on the server may follow its Finished
    /// with application data at once, so reads are exactly what mbedtls asks for again.
    sent_ccs: bool,
}

/// TLS record content type of ChangeCipherSpec.
const CHANGE_CIPHER_SPEC: u8 = 20;

/// Length of a DTLS record header (no connection id: this library never negotiates one).
const DTLS_HEADER_LEN: usize = 13;

/// The part of a received datagram that mbedtls may see: its whole DTLS records. Bytes after the
/// last record that fits are not a record (RFC 6347 §4.1.2.7: dropped silently). mbedtls 2.28
/// drops a record whose length does not fit the datagram, but fails the whole connection with
/// MBEDTLS_ERR_SSL_INTERNAL_ERROR when fewer than 13 bytes follow a record ("a record can't be
/// split across datagrams"): one junk datagram was enough to end a handshake. A datagram whose
/// first record does not fit is left as it is: mbedtls discards it whole, and a read must not
/// return 0 bytes (that would read as end of stream).
fn whole_dtls_records(d: &[u8]) -> usize {
    let mut end = 0;
    while d.len() - end >= DTLS_HEADER_LEN {
        let body = usize::from(u16::from_be_bytes([d[end + 11], d[end + 12]]));
        if DTLS_HEADER_LEN + body > d.len() - end {
            break;
        }
        end += DTLS_HEADER_LEN + body;
    }
    if end == 0 {
        d.len()
    } else {
        end
    }
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
            reads_this_call: Cell::new(0),
            would_block: false,
            eof: false,
            datagram: false,
            answer_pending: Cell::new(false),
            ahead: Vec::new(),
            ahead_pos: 0,
            sent_ccs: false,
        }
    }

    /// The socket carries DTLS datagrams (see `whole_dtls_records`).
    pub fn set_datagram(&mut self, on: bool) {
        self.datagram = on;
    }

    /// A new API call begins: read the blocking mode again when it matters, start a new slice.
    pub fn begin_call(&self) {
        self.mode.set(None);
        self.reads_this_call.set(0);
        self.answer_pending.set(false);
    }

    /// Forget earlier WANT_* answers (call before each mbedtls call whose WANT is to be judged).
    pub fn clear_would_block(&mut self) {
        self.would_block = false;
    }

    /// True when a WANT_READ/WANT_WRITE was handed to mbedtls since `clear_would_block`.
    pub fn would_block(&self) -> bool {
        self.would_block
    }

    /// True once the peer has ended the byte stream (FIN, or end of file on other descriptors).
    pub fn saw_eof(&self) -> bool {
        self.eof
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

    /// The deadline holds for every read and write, not only when the socket would block: a peer
    /// that keeps the socket busy with records that never complete the handshake is stopped here.
    fn check_deadline(&mut self) -> mbedtls::Result<()> {
        if self.deadline_passed() {
            self.last_event = SocketEvent::DeadlineExpired;
            return Err(codes::SslTimeout.into());
        }
        Ok(())
    }

    /// Count one socket read against the current call's slice; WANT_READ once a non-blocking
    /// socket's slice is spent (a blocking call has no slice: it returns when it is done).
    fn take_read_slice(&mut self) -> mbedtls::Result<()> {
        let reads = self.reads_this_call.get();
        if reads >= NONBLOCKING_READ_SLICE && self.is_nonblocking() {
            return Err(codes::SslWantRead.into());
        }
        self.reads_this_call.set(reads.saturating_add(1));
        Ok(())
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
    /// The wait itself happens without the context's lock (src/tls/gate.rs).
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
        self.check_deadline()?;
        if self.ahead_pos < self.ahead.len() {
            return Ok(self.take_ahead(buf));
        }
        if self.answer_pending.replace(false) {
            return Err(codes::SslWantRead.into());
        }
        self.take_read_slice()?;
        let read_ahead = platform::READ_AHEAD > buf.len() && self.coalesce && !self.datagram && !self.sent_ccs;
        let r = if read_ahead { self.recv_ahead(buf) } else { self.recv_socket(buf) };
        match r {
            Ok(0) if self.datagram && !buf.is_empty() => {
                // An empty datagram is no end of anything (UDP has no stream to end), but
                // mbedtls would take a 0-byte read as MBEDTLS_ERR_SSL_CONN_EOF and end the
                // connection. Handed on as a 1-byte datagram, too short for a record header,
                // it is discarded by mbedtls like every other invalid datagram.
                buf[0] = 0;
                Ok(1)
            }
            Ok(0) if !buf.is_empty() => {
                self.eof = true;
                Ok(0)
            }
            Ok(n) if self.datagram => Ok(whole_dtls_records(&buf[..n.min(buf.len())])),
            r => r,
        }
    }

    /// Hand mbedtls what it asks for from the read-ahead bytes. The rest is kept in a buffer of
    /// its own size (shrunk as it drains, freed when empty): certificate verification, when a
    /// connection's heap peaks, runs with only the records after the one being verified held here.
    fn take_ahead(&mut self, buf: &mut [u8]) -> usize {
        let rest = &self.ahead[self.ahead_pos..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.ahead_pos += n;
        let left = self.ahead.len() - self.ahead_pos;
        if left == 0 {
            self.ahead = Vec::new();
            self.ahead_pos = 0;
        } else if left * 2 < self.ahead.capacity() {
            self.ahead = self.ahead[self.ahead_pos..].to_vec();
            self.ahead_pos = 0;
        }
        n
    }

    /// One read of everything the socket holds (up to `platform::READ_AHEAD` bytes, on the stack):
    /// mbedtls gets its part, the rest is kept for its next reads (`take_ahead`). Handshake only.
    ///
    /// Why: mbedtls reads a record in two reads (its 5-byte header, then its body), so a server
    /// flight of four records cost eight system calls. Why it is safe: until this client has sent
    /// its ChangeCipherSpec, the server cannot have sent anything beyond its own Finished (full
    /// handshake: it waits for our key exchange after ServerHelloDone; abbreviated: it waits for
    /// our Finished after its own). So no byte of application data is taken early, and the
    /// socket's readability, which a non-blocking application `select`s on, still tells the truth
    /// about what is left. After our ChangeCipherSpec (the server may follow its Finished with
    /// application data at once) and after the handshake, reads are exactly mbedtls's again.
    fn recv_ahead(&mut self, buf: &mut [u8]) -> mbedtls::Result<usize> {
        // Not zeroed: only the bytes the socket wrote are read (see platform::recv_uninit).
        let mut chunk = [core::mem::MaybeUninit::<u8>::uninit(); platform::READ_AHEAD];
        // Bounded: EINTR before anything moved is rare; a few retries are plenty.
        let mut r = Err(IoErr::Interrupted);
        for _ in 0..100 {
            r = platform::recv_uninit(self.fd, &mut chunk);
            if r != Err(IoErr::Interrupted) {
                break;
            }
        }
        let n = match r {
            // Not a socket (a pipe: tests, emulators): mbedtls's exact reads, as before.
            Err(IoErr::NotSocket) => return self.recv_socket(buf),
            r => self.io_result(r, codes::SslWantRead, codes::NetRecvFailed)?.min(chunk.len()),
        };
        // SAFETY: recv wrote the first n bytes of chunk.
        let got = unsafe { core::slice::from_raw_parts(chunk.as_ptr().cast::<u8>(), n) };
        let give = n.min(buf.len());
        buf[..give].copy_from_slice(&got[..give]);
        if n > give {
            self.ahead = got[give..].to_vec();
            self.ahead_pos = 0;
        }
        Ok(give)
    }

    fn recv_socket(&mut self, buf: &mut [u8]) -> mbedtls::Result<usize> {
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
            // mbedtls hands over one record per call (see `recv_ahead`).
            if buf.first() == Some(&CHANGE_CIPHER_SPEC) {
                self.sent_ccs = true;
            }
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
        self.check_deadline()?;
        let fd = self.fd;
        // platform::send never raises SIGPIPE: a peer that went away gives SOCKET_RESET.
        let r = self.never_wait(Dir::Write, |call| match call {
            Call::Socket => platform::send(fd, buf, true),
            Call::Plain => platform::write(fd, buf),
        });
        if matches!(r, Ok(n) if n > 0) {
            self.answer_pending.set(true);
        }
        self.io_result(r, codes::SslWantWrite, codes::NetSendFailed)
    }
}

impl FdTransport {
    /// Remember that a WANT_* left here: it came from the socket, not from mbedtls.
    fn note_want<T>(&mut self, r: mbedtls::Result<T>) -> mbedtls::Result<T> {
        if let Err(e) = &r {
            if matches!(e.high_level(), Some(codes::SslWantRead) | Some(codes::SslWantWrite)) {
                self.would_block = true;
            }
        }
        r
    }
}

impl Io for FdTransport {
    fn recv(&mut self, buf: &mut [u8]) -> mbedtls::Result<usize> {
        let r = catch_io_panic(|| self.recv_raw(buf));
        self.note_want(r)
    }

    fn send(&mut self, buf: &[u8]) -> mbedtls::Result<usize> {
        let r = catch_io_panic(|| self.send_raw(buf));
        self.note_want(r)
    }
}

/// What both bio callbacks do around their transfer: find the registered transport (NULL `p` or
/// a NULL buffer: MBEDTLS_ERR_NET_INVALID_CONTEXT) and hand the result back as mbedtls's int.
///
/// # Safety
/// `p` is NULL or the `FdTransport` registered with `mbedtls_ssl_set_bio`, used by this context only.
#[inline(always)]
unsafe fn bio_call(p: *mut c_void, buf_is_null: bool, transfer: impl FnOnce(&mut FdTransport) -> mbedtls::Result<usize>) -> c_int {
    // SAFETY: `p` is NULL or the registered `FdTransport` (the caller's contract).
    let (Some(t), false) = (unsafe { (p as *mut FdTransport).as_mut() }, buf_is_null) else {
        return mbedtls_sys::ERR_NET_INVALID_CONTEXT;
    };
    match transfer(t) {
        Ok(n) => n as c_int,
        Err(e) => e.to_int(),
    }
}

/// mbedtls send callback over an `FdTransport` (our own bridge, so it runs inside the panic boundary).
///
/// # Safety
/// `p` must be the `FdTransport` registered with `mbedtls_ssl_set_bio`, alive for the context's use.
pub unsafe extern "C" fn bio_send(p: *mut c_void, buf: *const c_uchar, len: usize) -> c_int {
    // SAFETY: `p` as `bio_call` needs it (this function's contract); mbedtls passes `len` readable
    // bytes at `buf`, which `bio_call` checked is not NULL before the transfer runs.
    unsafe { bio_call(p, buf.is_null(), |t| Io::send(t, core::slice::from_raw_parts(buf, len.min(c_int::MAX as usize)))) }
}

/// mbedtls receive callback over an `FdTransport`.
///
/// # Safety
/// As for `bio_send`.
pub unsafe extern "C" fn bio_recv(p: *mut c_void, buf: *mut c_uchar, len: usize) -> c_int {
    // SAFETY: as in `bio_send`, with `len` writable bytes at `buf`.
    unsafe { bio_call(p, buf.is_null(), |t| Io::recv(t, core::slice::from_raw_parts_mut(buf, len.min(c_int::MAX as usize)))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(body: usize) -> Vec<u8> {
        let mut r = vec![0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1];
        r.extend_from_slice(&(body as u16).to_be_bytes());
        r.resize(DTLS_HEADER_LEN + body, 0xAB);
        r
    }

    #[test]
    fn datagrams_are_trimmed_to_whole_records() {
        let one = record(20);
        let two = [record(20), record(5)].concat();
        assert_eq!(whole_dtls_records(&one), one.len());
        assert_eq!(whole_dtls_records(&two), two.len());
        // Fewer than 13 bytes after the last record: not a record (mbedtls: internal error).
        let tail = [two.clone(), vec![0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0]].concat();
        assert_eq!(whole_dtls_records(&tail), two.len());
        // A record whose length runs past the datagram, and what follows it, goes as well.
        let long = [one.clone(), record(50)[..30].to_vec()].concat();
        assert_eq!(whole_dtls_records(&long), one.len());
        // A datagram whose first record does not fit stays whole (mbedtls drops it; never 0).
        let short = vec![0x16, 0xfe, 0xfd, 1, 2];
        assert_eq!(whole_dtls_records(&short), short.len());
        let bad_first = record(50)[..40].to_vec();
        assert_eq!(whole_dtls_records(&bad_first), bad_first.len());
    }
}
