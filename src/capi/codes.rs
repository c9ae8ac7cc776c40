//! The single map from core errors to the C result codes (`ql_ssl_error_code_e`).

use crate::capi::abi::ql_ssl_error_code_e as E;
use crate::tls::error::Error;

/// The C result code of a core error.
pub trait ErrorCode {
    fn code(&self) -> E;
}

impl ErrorCode for Error {
    fn code(&self) -> E {
        match self {
            Error::InvalidParam(_) | Error::BadHandle | Error::WrongState(_) => E::QL_SSL_ERROR_INVALID_PARAM,
            Error::NotSupported(_) | Error::SuiteNotSupported(_) => E::QL_SSL_ERROR_NOT_SUPPORT,
            Error::OutOfMemory => E::QL_SSL_ERROR_OUT_OF_MEM,
            Error::BadRequest(_) => E::QL_SSL_ERROR_BAD_REQUEST,
            Error::Handshake(_) | Error::VerifyFailed { .. } | Error::HandshakeAlert(_) | Error::HandshakeTimeout(_) => E::QL_SSL_ERROR_HS_FAILURE,
            Error::HandshakeInProgress => E::QL_SSL_ERROR_HS_INPROGRESS,
            Error::WantRead => E::QL_SSL_ERROR_WANT_READ,
            Error::WantWrite => E::QL_SSL_ERROR_WANT_WRITE,
            Error::SocketReset | Error::PeerAlert(_) => E::QL_SSL_ERROR_SOCKET_RESET,
            Error::Decrypt(_) => E::QL_SSL_ERROR_DECRYPT_FAILURE,
            Error::Encrypt(_) => E::QL_SSL_ERROR_ENCRYPT_FAILURE,
            Error::Internal(_) => E::QL_SSL_ERROR_UNKOWN,
        }
    }
}
