//! The built-in root bundle (`QL_SSL_CONF_CA_BUNDLE`, docs/IOT.md): the roots of Debian's
//! ca-certificates, compiled in as DER (build.rs, cargo feature `ca-bundle`; without the feature
//! there is none). On Linux the environment variable `QLSSL_CA_BUNDLE` may name a file in the same
//! format that replaces it (tests build one from a test root; an integrator can ship an updated
//! bundle without rebuilding).

use alloc::borrow::Cow;

#[allow(unused_imports)]
use crate::prelude::*;
use crate::tls::error::{Error, Result};

include!("bundle_format.rs");
include!(concat!(env!("OUT_DIR"), "/ca_bundle.rs"));

/// The bundle compiled in (empty without feature `ca-bundle`).
static BUILT_IN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/ca_bundle.bin"));

/// Environment variable naming a bundle file that replaces the built-in one (Linux).
pub const BUNDLE_ENV: &str = "QLSSL_CA_BUNDLE";

/// Largest bundle file read.
#[cfg(feature = "std")]
const MAX_BUNDLE_FILE: u64 = 4 << 20;

/// The bundle in use: the file named by `QLSSL_CA_BUNDLE`, else the built-in one; None when
/// neither exists.
pub fn blob() -> Result<Option<Cow<'static, [u8]>>> {
    #[cfg(feature = "std")]
    if let Some(path) = std::env::var_os(BUNDLE_ENV) {
        let path = alloc::ffi::CString::new(path.to_string_lossy().into_owned())
            .map_err(|_| Error::BadRequest(format!("{BUNDLE_ENV} contains a NUL byte")))?;
        return Ok(Some(Cow::Owned(crate::platform::read_file(&path, MAX_BUNDLE_FILE)?)));
    }
    Ok((!BUILT_IN.is_empty()).then_some(Cow::Borrowed(BUILT_IN)))
}

/// True when `QL_SSL_CONF_CA_BUNDLE` can be switched on.
pub fn available() -> bool {
    #[cfg(feature = "std")]
    if std::env::var_os(BUNDLE_ENV).is_some() {
        return true;
    }
    !BUILT_IN.is_empty()
}

/// The bundle's certificates (DER), each its own CA buffer for the CA cache.
pub fn certificates() -> Result<Vec<Vec<u8>>> {
    let blob = blob()?.ok_or(Error::NotSupported("this build has no built-in root bundle (cargo feature ca-bundle)"))?;
    let certs = decode_bundle(&blob).map_err(|e| Error::BadRequest(format!("root bundle: {e}")))?;
    Ok(certs.into_iter().map(<[u8]>::to_vec).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_to_blob_and_back() {
        let pem = "junk\n-----BEGIN CERTIFICATE-----\nAQID\nBA==\n-----END CERTIFICATE-----\n\
                   -----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n\
                   -----BEGIN CERTIFICATE-----\n/w==\n-----END CERTIFICATE-----\n";
        let certs = pem_certificates(pem).unwrap();
        assert_eq!(certs, vec![vec![1, 2, 3, 4], vec![0xFF]]);
        let blob = encode_bundle(&certs).unwrap();
        assert_eq!(blob, [0, 4, 1, 2, 3, 4, 0, 1, 0xFF]);
        assert_eq!(decode_bundle(&blob).unwrap(), vec![&[1u8, 2, 3, 4][..], &[0xFF][..]]);
        assert!(decode_bundle(&blob[..5]).is_err());
        assert!(decode_bundle(&[0, 0]).is_err());
        assert!(pem_certificates("-----BEGIN CERTIFICATE-----\n*\n-----END CERTIFICATE-----").is_err());
    }

    #[test]
    fn built_in_facts_agree_with_the_blob() {
        assert_eq!(BUILT_IN.len(), BUNDLE_BYTES);
        assert_eq!(decode_bundle(BUILT_IN).unwrap().len(), BUNDLE_CERTS);
    }
}
