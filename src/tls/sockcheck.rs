//! Which descriptors a context may be bound to: a connected stream socket for TLS, a connected
//! datagram socket for DTLS. Anything else (a listening or unconnected socket, a file, a pipe, an
//! eventfd, the wrong socket type for the transport) is refused before the library writes a byte
//! to it: a ClientHello written into a regular file, or a handshake that fails later as
//! "connection reset by peer", tells the application nothing about its mistake.
//!
//! The descriptor is asked once, when `ql_ssl_set_socket_fd()` binds it (`platform::socket_kind`:
//! one system call for a TCP socket on Linux, in place of the `fcntl` that only checked that it
//! was open). Its kind is kept with the binding, so the transport check costs nothing more when
//! `ql_ssl_setup()` comes later and the transport becomes known there.

use crate::error::{Error, Result};
use crate::platform::{self, NotUsable, SocketKind};
#[allow(unused_imports)]
use crate::prelude::*;

/// The kind of `fd`, or `QL_SSL_ERROR_INVALID_PARAM` with the reason when no transport can use it.
pub fn descriptor_kind(fd: core::ffi::c_int) -> Result<SocketKind> {
    if fd < 0 {
        return Err(Error::InvalidParam("socket descriptor is not open"));
    }
    platform::socket_kind(fd).map_err(|why| {
        Error::InvalidParam(match why {
            NotUsable::Closed => "socket descriptor is not open",
            NotUsable::NotSocket => {
                "the descriptor is not a socket (a file, pipe or eventfd): bind a connected TCP socket for TLS \
                 or a connected UDP socket for DTLS"
            }
            NotUsable::Listening => {
                "the socket is a listening socket: bind the socket that connect() connected to the server"
            }
            NotUsable::NotConnected => {
                "the socket is not connected (connect() not called, failed, or the connection was reset): \
                 connect it first; DTLS too, the library sends with send() and has no peer address of its own"
            }
            NotUsable::ShutDown => "the socket is shut down for sending (shutdown() was called or the connection is closing)",
            NotUsable::OtherType => "the socket is neither a stream (TCP) nor a datagram (UDP) socket",
        })
    })
}

/// None when a socket of `kind` can carry the transport (`dtls`), else why not. An `Unknown`
/// kind (a platform that cannot tell) is accepted.
pub fn transport_mismatch(kind: SocketKind, dtls: bool) -> Option<&'static str> {
    match (kind, dtls) {
        (SocketKind::Datagram, false) => Some(
            "the socket is a datagram (UDP) socket, and TLS (QL_SSL_CONF_TRANSPORT = QL_SSL_TLS_PROTOCOL) needs a \
             connected stream (TCP) socket",
        ),
        (SocketKind::Stream, true) => Some(
            "the socket is a stream (TCP) socket, and DTLS (QL_SSL_CONF_TRANSPORT = QL_SSL_DTLS_PROTOCOL) needs a \
             connected datagram (UDP) socket",
        ),
        _ => None,
    }
}
