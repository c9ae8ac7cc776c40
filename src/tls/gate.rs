//! Who is inside a context, and the waits for its socket.
//!
//! The rule (docs/DESIGN.md, "Threads"): a context's lock is held only while mbedtls runs, and
//! mbedtls never waits — the transport tries every send/recv without blocking. When a call on a
//! blocking socket has to wait, it releases the lock and waits here, then takes the lock and tries
//! again. So a task waiting for data never holds up another task's write on the same context.
//!
//! The gate counts the tasks inside a context and which kinds of call they are in (at most one
//! read, one write and one handshake at a time: two concurrent writes could interleave a pending
//! record of one with the data of the other). `ql_ssl_free` closes the gate: new calls are
//! refused, waiting tasks are woken, and free waits (bounded) until every task has left before it
//! returns, so no library code touches the descriptor afterwards.
//!
//! Waking a task that waits in `poll` takes a second descriptor (an eventfd). Most contexts are
//! only ever used by one task, and most waits are short, so a wait first runs without one, for at
//! most `SLICE_MS`; only a wait still going on after that creates the context's wakeup (once per
//! context) and then waits for as long as it takes. A task that enters while another waits
//! without a wakeup is noticed by it within a slice. On bare metal there is no wakeup: waits are
//! always sliced.

use core::ffi::c_int;
use core::sync::atomic::{AtomicU32, Ordering};
use core::time::Duration;

use alloc::sync::Arc;

#[allow(unused_imports)]
use crate::prelude::*;
use crate::error::{Error, Result};
use crate::platform::{self, sync::Mutex, Dir, Instant, IoErr, Wakeup};

/// Longest wait without a wakeup descriptor: how long a task may take to notice a `ql_ssl_free`
/// of its context before the wakeup exists (platform-specific: 20 ms on Linux, where a longer
/// wait then creates the wakeup; 100 ms on bare metal, where every wait stays sliced).
pub(crate) const SLICE_MS: u32 = platform::WAIT_SLICE_MS;

/// Longest time `ql_ssl_free` waits for the tasks inside a context to leave it.
pub const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// The kind of call a task is in: its bit in the gate's state word. At most one task per kind is
/// inside a context at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Role(u32);

impl Role {
    /// Calls that do not wait for the socket (state queries, setup): no bit, any number at once.
    pub(crate) const ANY: Role = Role(0);
    pub(crate) const READ: Role = Role(1);
    pub(crate) const WRITE: Role = Role(1 << 1);
    pub(crate) const HANDSHAKE: Role = Role(1 << 2);

    fn busy_text(self) -> &'static str {
        match self {
            Role::READ => "another task is already in ql_ssl_read() on this context",
            Role::WRITE => "another task is already in ql_ssl_write() or ql_ssl_close_notify() on this context",
            Role::HANDSHAKE => "another task is already in ql_ssl_handshake() on this context",
            _ => "",
        }
    }
}

/// The state word's bit above the roles': `close` has begun.
const CLOSING: u32 = 1 << 3;
/// The task count lives above the role and closing bits.
const ONE_TASK: u32 = 1 << 4;

/// How a wait for the socket ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waited {
    /// The socket is ready (or in an error state the next I/O reports).
    Ready,
    /// `until` passed first.
    TimedOut,
    /// The context is being freed: leave without touching the socket again.
    Closing,
}

/// What a call on a blocking socket waits for after mbedtls asked for more I/O.
#[derive(Clone, Copy, Debug)]
pub struct WaitPlan {
    pub fd: c_int,
    pub dir: Dir,
    /// The handshake deadline or the DTLS retransmission timer, whichever is first.
    pub until: Option<Instant>,
}

pub struct Gate {
    /// Role bits, CLOSING, and the number of tasks inside times ONE_TASK.
    state: AtomicU32,
    /// Created by the first wait that outlasts a slice (see the module doc).
    wake: Mutex<Option<Arc<Wakeup>>>,
}

/// A task's presence in a context; leaving is dropping it.
pub struct Pass<'a> {
    gate: &'a Gate,
    bits: u32,
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        self.gate.state.fetch_sub(self.bits, Ordering::AcqRel);
    }
}

impl Default for Gate {
    fn default() -> Self {
        Self::new()
    }
}

impl Gate {
    pub fn new() -> Self {
        Gate { state: AtomicU32::new(0), wake: Mutex::new(None) }
    }

    /// Enter for a call of kind `role`: refused once the context is being freed (BadHandle) and
    /// while another task is in a call of the same kind (WrongState).
    pub fn enter(&self, role: Role) -> Result<Pass<'_>> {
        let bits = ONE_TASK | role.0;
        let mut cur = self.state.load(Ordering::Acquire);
        loop {
            if cur & CLOSING != 0 {
                return Err(Error::BadHandle);
            }
            if cur & role.0 != 0 {
                return Err(Error::WrongState(role.busy_text()));
            }
            match self.state.compare_exchange_weak(cur, cur + bits, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return Ok(Pass { gate: self, bits }),
                Err(now) => cur = now,
            }
        }
    }

    /// True once `close` has begun.
    pub fn closing(&self) -> bool {
        self.state.load(Ordering::SeqCst) & CLOSING != 0
    }

    /// Number of tasks inside.
    pub fn inside(&self) -> u32 {
        self.state.load(Ordering::Acquire) / ONE_TASK
    }

    /// Wait (without the context's lock) until `plan.fd` is ready for `plan.dir`, `plan.until`
    /// passes, or the context is being freed.
    pub fn wait(&self, plan: &WaitPlan) -> Waited {
        // Bounded: each round waits for readiness, a slice, or the time left; the count only stops
        // a descriptor that keeps failing `poll` with EINTR from spinning forever.
        for _ in 0..1_000_000 {
            let wake = self.wake.lock().clone();
            // After taking the wakeup: a `close` that found none has set CLOSING before, and is
            // seen here; one that found it has woken it.
            if self.closing() {
                return Waited::Closing;
            }
            let now = platform::now();
            let left_ms = match plan.until {
                Some(u) if now >= u => return Waited::TimedOut,
                Some(u) => Some((u - now).as_millis().min(u32::MAX as u128) as u32),
                None => None,
            };
            let (timeout, sliced) = match (&wake, left_ms) {
                (Some(_), t) => (t, false),
                (None, Some(t)) if t <= SLICE_MS => (Some(t), false),
                (None, _) => (Some(SLICE_MS), true),
            };
            match platform::wait_or_wake(plan.fd, plan.dir, timeout.map(|t| t.max(1)), wake.as_deref()) {
                Ok(true) => return if self.closing() { Waited::Closing } else { Waited::Ready },
                Ok(false) => {
                    if sliced {
                        self.create_wakeup();
                    }
                }
                Err(IoErr::Interrupted) => {}
                // Let the next send/recv report what is wrong with the descriptor.
                Err(_) => return if self.closing() { Waited::Closing } else { Waited::Ready },
            }
        }
        Waited::Ready
    }

    fn create_wakeup(&self) {
        let mut wake = self.wake.lock();
        if wake.is_none() {
            *wake = Wakeup::new().map(Arc::new);
        }
    }

    /// Begin freeing: refuse new calls, wake waiting tasks, and wait up to `CLOSE_WAIT` until no
    /// task is inside (the caller never is). Returns true when all have left.
    pub fn close(&self) -> bool {
        self.state.fetch_or(CLOSING, Ordering::SeqCst);
        if let Some(w) = self.wake.lock().as_ref() {
            w.wake();
        }
        if self.inside() == 0 {
            return true;
        }
        let limit = platform::now() + CLOSE_WAIT;
        while self.inside() > 0 {
            if platform::now() >= limit {
                return false;
            }
            platform::pause();
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_exclude_their_own_kind_only() {
        let g = Gate::new();
        let r = g.enter(Role::READ).unwrap();
        assert!(matches!(g.enter(Role::READ), Err(Error::WrongState(_))));
        let w = g.enter(Role::WRITE).unwrap();
        let a = g.enter(Role::ANY).unwrap();
        let b = g.enter(Role::ANY).unwrap();
        assert_eq!(g.inside(), 4);
        drop((r, w, a, b));
        assert_eq!(g.inside(), 0);
        let _r = g.enter(Role::READ).unwrap();
    }

    #[test]
    fn close_refuses_new_calls_and_wakes_a_waiter() {
        use std::os::fd::AsRawFd;
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        let g = Arc::new(Gate::new());
        let g2 = g.clone();
        let fd = a.as_raw_fd();
        let waiter = std::thread::spawn(move || {
            let _p = g2.enter(Role::READ).unwrap();
            let t = Instant::now();
            let w = g2.wait(&WaitPlan { fd, dir: Dir::Read, until: None });
            (w, t.elapsed())
        });
        // Long enough for the waiter to create its wakeup, so both paths run.
        std::thread::sleep(Duration::from_millis(300));
        let t = Instant::now();
        assert!(g.close());
        assert!(t.elapsed() < Duration::from_millis(500), "close took {:?}", t.elapsed());
        let (w, _) = waiter.join().unwrap();
        assert_eq!(w, Waited::Closing);
        assert_eq!(g.enter(Role::ANY).err(), Some(Error::BadHandle));
    }

    #[test]
    fn wait_times_out_at_until() {
        use std::os::fd::AsRawFd;
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        let g = Gate::new();
        let t = Instant::now();
        let w = g.wait(&WaitPlan { fd: a.as_raw_fd(), dir: Dir::Read, until: Some(t + Duration::from_millis(250)) });
        assert_eq!(w, Waited::TimedOut);
        assert!(t.elapsed() >= Duration::from_millis(250));
    }
}
