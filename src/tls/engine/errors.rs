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

/// A short text for an mbedtls error with its numeric code (the code is what people search for):
/// "fatal alert received (mbedtls -0x7780)". The names come from the
/// small table below, not from the wrapper's `Display`, whose table of every code is ≈ 10 KiB of
/// text in a module build (docs/PERFORMANCE.md, "Size"); a code outside the table is named by the
/// number alone.
pub fn describe(e: &mbedtls::Error) -> String {
    let code = -e.to_int();
    let high = code & 0xFF80;
    let low = code & 0x007F;
    let mut text = String::from(name_of(if high != 0 { high } else { low }));
    if high != 0 && low != 0 {
        text.push_str(", ");
        text.push_str(name_of(low));
    }
    format!("{text} (mbedtls -0x{code:04X})")
}

/// The text for one part (high or low) of an mbedtls error code, its value as in the headers
/// without the sign.
fn name_of(part: i32) -> &'static str {
    if let Some((_, text)) = NAMES.iter().find(|(c, _)| i32::from(*c) == part) {
        return text;
    }
    // mbedtls's modules share the ranges unevenly (TLS, cipher and message-digest codes interleave
    // from 0x5000 up), so only the low-level range is named; the number says the rest.
    if part <= 0x007F {
        "low-level crypto error"
    } else {
        "mbedtls error"
    }
}

/// The errors a TLS client meets in practice, by their code (mbedtls 2.28's headers).
const NAMES: &[(u16, &str)] = &[
    (0x7080, "feature not available in this build"),
    (0x7100, "bad input"),
    (0x7180, "record MAC check failed"),
    (0x7200, "invalid record"),
    (0x7280, "connection closed"),
    (0x7300, "unknown cipher"),
    (0x7380, "no cipher chosen"),
    (0x7480, "no client certificate"),
    (0x7500, "certificate too large"),
    (0x7580, "certificate required"),
    (0x7600, "private key required"),
    (0x7680, "CA chain required"),
    (0x7700, "unexpected message"),
    (0x7780, "fatal alert received"),
    (0x7800, "peer verification failed"),
    (0x7880, "peer sent close_notify"),
    (0x7980, "bad ServerHello"),
    (0x7A00, "bad Certificate message"),
    (0x7A80, "bad CertificateRequest"),
    (0x7B00, "bad ServerKeyExchange"),
    (0x7B80, "bad ServerHelloDone"),
    (0x7C00, "bad ClientKeyExchange"),
    (0x7D80, "bad CertificateVerify"),
    (0x7E00, "bad ChangeCipherSpec"),
    (0x7E80, "bad Finished"),
    (0x7F00, "out of memory"),
    (0x6E80, "protocol version not accepted"),
    (0x6E00, "bad NewSessionTicket"),
    (0x6D00, "key type does not match the certificate"),
    (0x6C80, "unknown PSK identity"),
    (0x6C00, "internal error"),
    (0x6A00, "buffer too small"),
    (0x6980, "no usable cipher suite"),
    (0x6800, "timeout"),
    (0x6700, "unexpected record"),
    (0x5E80, "bad configuration"),
    (0x2180, "invalid certificate format"),
    (0x2400, "invalid date in certificate"),
    (0x2480, "invalid signature in certificate"),
    (0x2500, "invalid certificate extensions"),
    (0x2600, "unknown signature algorithm"),
    (0x2700, "certificate verification failed"),
    (0x2780, "not a certificate"),
    (0x2900, "file read error"),
    (0x3D00, "invalid key format"),
    (0x3C80, "unknown key algorithm"),
    (0x3C00, "key is encrypted: password required"),
    (0x3B80, "wrong key password"),
    (0x3A00, "unknown elliptic curve"),
    (0x3E00, "file read error"),
    (0x1080, "PEM: no header/footer"),
    (0x1380, "PEM: wrong password"),
    (0x0060, "ASN.1: out of data"),
    (0x0062, "ASN.1: unexpected tag"),
    (0x0064, "ASN.1: invalid length"),
    (0x0010, "out of memory"),
    (0x0012, "GCM: authentication failed"),
];

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn names_the_parts_and_keeps_the_code() {
        let text = |code: i32| describe(&mbedtls::Error::from(code));
        assert_eq!(text(-0x7780), "fatal alert received (mbedtls -0x7780)");
        // A high-level code with its low-level cause (X.509 format, ASN.1 tag).
        assert_eq!(text(-0x21E2), "invalid certificate format, ASN.1: unexpected tag (mbedtls -0x21E2)");
        assert_eq!(text(-0x0062), "ASN.1: unexpected tag (mbedtls -0x0062)");
        // Not in the table: the number says it.
        assert_eq!(text(-0x6100), "mbedtls error (mbedtls -0x6100)");
    }
}
