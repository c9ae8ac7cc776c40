//! The one error type of the core. Which C result code each error becomes is the C adapter's
//! business (`capi::codes`).


#[allow(unused_imports)]
use crate::prelude::*;

/// Everything that can go wrong inside the library.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    #[error("invalid argument: {0}")]
    InvalidParam(&'static str),
    #[error("handle is NULL, unknown, stale or already freed")]
    BadHandle,
    #[error("wrong state: {0}")]
    WrongState(&'static str),
    #[error("not supported by this build: {0}")]
    NotSupported(&'static str),
    /// A cipher suite of the SDK header this build cannot negotiate (the text names it).
    #[error("{0}")]
    SuiteNotSupported(String),
    #[error("out of memory")]
    OutOfMemory,
    #[error("bad setup: {0}")]
    BadRequest(String),
    #[error("handshake failed: {0}")]
    Handshake(String),
    /// The server's certificate chain had findings the verification policy did not forgive;
    /// `flags` are those MBEDTLS_X509_BADCERT_* bits.
    #[error("handshake failed: certificate verification failed: {}", crate::tls::verify::describe_flags(*.flags))]
    VerifyFailed { flags: u32 },
    /// The peer ended the handshake with a fatal alert (its description byte, when known).
    #[error("handshake failed: the server sent {}", alert_text(*.0))]
    HandshakeAlert(Option<u8>),
    #[error("handshake timed out after {0} s")]
    HandshakeTimeout(i32),
    #[error("handshake still in progress")]
    HandshakeInProgress,
    #[error("would block: wait until the socket is readable")]
    WantRead,
    #[error("would block: wait until the socket is writable")]
    WantWrite,
    #[error("connection reset by peer")]
    SocketReset,
    #[error("the peer ended the connection with {0}")]
    PeerAlert(String),
    #[error("record decryption failed: {0}")]
    Decrypt(String),
    #[error("record encryption or send failed: {0}")]
    Encrypt(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// A received fatal alert, named: "fatal alert 40 (handshake_failure)".
pub fn alert_text(desc: Option<u8>) -> String {
    match desc {
        Some(d) => format!("fatal alert {d} ({})", crate::tls::engine::alert_name(d)),
        None => "a fatal alert".into(),
    }
}

// The engine's text for its errors (`describe`, mbedtls's text and code) and the classification
// `Error::from_handshake`/`from_read`/`from_write`: src/tls/engine/errors.rs.

pub type Result<T> = core::result::Result<T, Error>;
