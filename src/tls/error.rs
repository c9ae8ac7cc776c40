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
        Some(d) => format!("fatal alert {d} ({})", alert_name(d)),
        None => "a fatal alert".into(),
    }
}

/// TLS alert descriptions (RFC 5246 §7.2, RFC 6066, RFC 7507).
pub(crate) fn alert_name(desc: u8) -> &'static str {
    match desc {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        22 => "record_overflow",
        40 => "handshake_failure",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        110 => "unsupported_extension",
        112 => "unrecognized_name",
        115 => "unknown_psk_identity",
        120 => "no_application_protocol",
        _ => "unknown alert",
    }
}

/// A file the platform layer could not read: a bad setup.
impl From<crate::platform::FileError> for Error {
    fn from(e: crate::platform::FileError) -> Self {
        Error::BadRequest(e.0)
    }
}

/// A hook table the platform layer refused.
#[cfg(feature = "baremetal")]
impl From<crate::platform::hooks::InstallError> for Error {
    fn from(e: crate::platform::hooks::InstallError) -> Self {
        match e {
            crate::platform::hooks::InstallError::Invalid(why) => Error::InvalidParam(why),
            crate::platform::hooks::InstallError::AlreadyInstalled => Error::WrongState("platform hooks are already registered"),
        }
    }
}

// The engine's text for its errors (`describe`, mbedtls's text and code) and the classification
// `Error::from_handshake`/`from_read`/`from_write`: src/tls/engine/errors.rs.

pub type Result<T> = core::result::Result<T, Error>;
