//! A context as the contexts service (src/registry.rs) holds it: the connection behind its lock, and the gate (src/tls/gate.rs)
//! that counts the tasks inside it. The gate is reachable without the lock, so `free` can wake and
//! wait for a task that waits for the socket.
//!
//! The blocking calls live here: each runs the connection under the lock — where the transport
//! never waits — and, when a blocking socket has nothing for it, waits for the socket without the
//! lock and tries again. So a task waiting in `read` never holds up another task's `write`.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::connection::{Connection, TimeoutNotice};
use crate::error::{Error, Result};
use crate::gate::{Gate, Role, Waited};
use crate::platform::sync::Mutex;

/// The error of a call whose context another task freed (`ql_ssl_free`) during the call.
pub const FREED_DURING_CALL: Error = Error::WrongState("the context was freed by another task (ql_ssl_free) during this call");

pub struct Context {
    gate: Gate,
    conn: Mutex<Connection>,
}

impl From<Connection> for Context {
    fn from(conn: Connection) -> Self {
        Context { gate: Gate::new(), conn: Mutex::new(conn) }
    }
}

impl Context {
    /// Run `f` on the connection (calls that never wait for the socket).
    pub fn with<R>(&self, f: impl FnOnce(&mut Connection) -> Result<R>) -> Result<R> {
        let _pass = self.gate.enter(Role::ANY)?;
        let mut conn = self.conn.lock();
        conn.begin_call();
        f(&mut conn)
    }

    /// Run `f(connection, first)` until it no longer asks to wait for a blocking socket. `f` runs
    /// under the lock and never waits; the waits happen here without it, until the socket is
    /// ready, the connection's wait plan ends (handshake deadline, DTLS timer: `f` runs again and
    /// sees it) or the context is freed (FREED_DURING_CALL). `role`: at most one task per kind of
    /// call at a time (src/tls/gate.rs).
    pub fn with_waiting<R>(&self, role: Role, mut f: impl FnMut(&mut Connection, bool) -> Result<R>) -> Result<R> {
        let _pass = self.gate.enter(role)?;
        let mut first = true;
        // Bounded: every round that does not return waits for the socket, the deadline or the timer.
        for _ in 0..1_000_000 {
            let plan = {
                let mut conn = self.conn.lock();
                if self.gate.closing() {
                    return Err(FREED_DURING_CALL);
                }
                if first {
                    conn.begin_call();
                }
                let r = f(&mut conn, first);
                first = false;
                match r {
                    Err(e) => match conn.wait_plan(&e) {
                        Some(plan) => plan,
                        None => return Err(e),
                    },
                    ok => return ok,
                }
            };
            if self.gate.wait(&plan) == Waited::Closing {
                return Err(FREED_DURING_CALL);
            }
        }
        Err(Error::Internal("a blocking call made no progress".into()))
    }

    /// The handshake, blocking on a blocking socket (until done, failed, or the negotiate timeout).
    /// The notice, if any, is for the caller to deliver with nothing held (it may free the context).
    pub fn handshake(&self) -> (Result<()>, Option<TimeoutNotice>) {
        let mut notice = None;
        let result = self.with_waiting(Role::HANDSHAKE, |c, first| {
            let (r, n) = if first { c.handshake() } else { c.handshake_resume() };
            if n.is_some() {
                // The deadline passed: the connection has failed, there is nothing to wait for.
                notice = n;
            }
            r
        });
        (result, notice)
    }

    /// `Connection::read_buffered` for the C API's fast path: None (nothing done) when another
    /// task is in a read, the context is being freed, its lock is taken (a writer is encrypting)
    /// or mbedtls holds no decrypted data; then `read` decides, as it always did.
    #[inline]
    pub fn read_buffered(&self, buf: &mut [u8]) -> Option<usize> {
        let _pass = self.gate.enter(Role::READ).ok()?;
        let n = self.conn.try_lock()?.read_buffered(buf);
        n
    }

    pub fn read(&self, buf: &mut [u8]) -> Result<usize> {
        self.with_waiting(Role::READ, |c, _| c.read(buf))
    }

    pub fn write(&self, buf: &[u8]) -> Result<usize> {
        self.with_waiting(Role::WRITE, |c, _| c.write(buf))
    }

    pub fn close_notify(&self) -> Result<()> {
        self.with_waiting(Role::WRITE, |c, _| c.close_notify())
    }

    /// The context is being freed (already out of the handle table): refuse new calls, wake the
    /// tasks inside and wait (bounded, `gate::CLOSE_WAIT`) until they have left, then stop using
    /// the socket. Afterwards no library code touches the descriptor: a task that had not left in
    /// time finds the transport detached when it next takes the lock, and the lock is never held
    /// while waiting. The memory goes with the last reference.
    pub fn free(&self) {
        self.gate.close();
        self.conn.lock().detach();
    }
}
