//! mbedtls errors in the core's terms: the classes of `Error` an mbedtls error code falls in, and
//! mbedtls's text for it.

use mbedtls::error::codes;

#[allow(unused_imports)]
use crate::prelude::*;
use crate::tls::error::Error;

impl Error {
    /// Classify an mbedtls error raised while handshaking.
    pub fn from_handshake(e: &mbedtls::Error) -> Error {
        Self::common(e).unwrap_or_else(|| Error::Handshake(describe(e)))
    }

    /// Classify an mbedtls error raised by a record read.
    pub fn from_read(e: &mbedtls::Error) -> Error {
        Self::common(e).unwrap_or_else(|| Error::Decrypt(describe(e)))
    }

    /// Classify an mbedtls error raised by a record write.
    pub fn from_write(e: &mbedtls::Error) -> Error {
        Self::common(e).unwrap_or_else(|| Error::Encrypt(describe(e)))
    }

    /// The classes every operation shares: retry, peer gone, memory.
    fn common(e: &mbedtls::Error) -> Option<Error> {
        let hi = e.high_level();
        let lo = e.low_level();
        if hi == Some(codes::SslWantRead) {
            return Some(Error::WantRead);
        }
        if hi == Some(codes::SslWantWrite) {
            return Some(Error::WantWrite);
        }
        if hi == Some(codes::SslConnEof)
            || matches!(lo, Some(codes::NetConnReset) | Some(codes::NetRecvFailed) | Some(codes::NetSendFailed))
        {
            return Some(Error::SocketReset);
        }
        if hi == Some(codes::SslAllocFailed) || lo == Some(codes::MpiAllocFailed) {
            return Some(Error::OutOfMemory);
        }
        // Only the verify callback returns this, and only in a renegotiation (mbedtls runs it inside
        // ssl_read/ssl_write): the new handshake's certificate failed the verification policy.
        if hi == Some(codes::SslPeerVerifyFailed) {
            return Some(Error::Handshake("the server's certificate failed verification in a renegotiation".into()));
        }
        None
    }
}

/// mbedtls's own text for an error, with the numeric code (the code is what people search for).
pub fn describe(e: &mbedtls::Error) -> String {
    format!("{} (mbedtls -0x{:04X})", e, -e.to_int())
}
