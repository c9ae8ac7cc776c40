//! Everything the core needs from its surroundings, in one place: locks and one-time init, a
//! monotonic clock, socket I/O, files, memory classification, entropy, per-thread error text and
//! the panic boundary. Two implementations with the same functions:
//!
//! * `posix` (feature `std`, Linux): libc sockets and `poll`, `std::fs`, std's locks, OS entropy;
//! * `hooks` (feature `baremetal`, `no_std` + `alloc`): a table of C function pointers the SDK
//!   integrator registers once with `ql_ssl_platform_init` (lwIP calls, the RTOS heap, a TRNG, ...).
//!
//! The rest of the crate calls only what is re-exported here, so the TLS logic is the same code on
//! both.

#[cfg(all(feature = "std", feature = "baremetal"))]
compile_error!("features `std` and `baremetal` exclude each other: build bare metal with --no-default-features --features baremetal");
#[cfg(not(any(feature = "std", feature = "baremetal")))]
compile_error!("enable `std` (Linux, the default) or `baremetal` (no_std + hook table)");

pub mod files;
pub mod sync;

pub(crate) use files::MAX_FILE;
pub use files::{ufs_name, FileError};

#[cfg(feature = "std")]
mod posix;
#[cfg(feature = "std")]
pub use posix::*;

#[cfg(feature = "baremetal")]
pub mod hooks;
#[cfg(feature = "baremetal")]
pub use hooks::*;

/// How a socket operation failed, as far as the TLS layer cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoErr {
    /// Nothing to read / no room to write right now (EAGAIN).
    WouldBlock,
    /// Interrupted before anything happened (EINTR): try again.
    Interrupted,
    /// The descriptor is not a socket (a pipe, say): use plain read/write semantics.
    NotSocket,
    /// The peer reset or the connection is gone.
    Reset,
    /// Any other failure.
    Other,
}

/// What a descriptor can carry, as `socket_kind` found it when it was bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketKind {
    /// A connected (or, TCP on Linux, connecting) stream socket: TLS.
    Stream,
    /// A connected datagram socket: DTLS.
    Datagram,
    /// The platform cannot tell (bare metal has no query hook): accepted for either transport.
    Unknown,
}

/// Why a descriptor can carry neither TLS nor DTLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotUsable {
    /// Not an open descriptor.
    Closed,
    /// A file, pipe, eventfd, ...
    NotSocket,
    /// A socket in the listening state.
    Listening,
    /// Never connected, or its connection failed or was reset.
    NotConnected,
    /// Its sending side is shut down (`shutdown()`, or the connection is closing).
    ShutDown,
    /// Neither a stream nor a datagram socket (raw, seqpacket).
    OtherType,
}

/// Which readiness a wait is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    Read,
    Write,
}

/// Where the memory of an application-supplied array lives (decides who frees a cipher list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemOrigin {
    Static,
    Stack,
    /// A C heap block of the given usable size in bytes.
    Heap(usize),
}
