//! Loading certificates and keys named by a config: file paths (PEM or DER, `"UFS:name"` for the
//! module file system) and in-memory buffers. Every failure is a `BadRequest` that names the file.

use alloc::ffi::CString;
use alloc::sync::Arc;
use core::ffi::CStr;


use mbedtls::alloc::List as MbedtlsList;
use mbedtls::pk::Pk;
use mbedtls::x509::Certificate;

use crate::tls::settings::Settings;
use crate::error::{describe, Error, Result};
use crate::platform::{
    self,
    sync::{Lazy, Mutex},
};
#[allow(unused_imports)]
use crate::prelude::*;

/// Largest certificate or key file read.
pub(crate) const MAX_FILE: u64 = 1 << 20;

/// For a module file-system path `"UFS:name"`: the checked name, else None (not a UFS path).
///
/// A UFS name is a plain relative name inside the store, whoever supplies it (an app, or an AT
/// command's argument): one or more components separated by single `/`, none of them empty, `.`
/// or `..`, and no backslash (a separator on some file systems) or control character anywhere. So
/// `"UFS:/etc/x"`, `"UFS:a//b"`, `"UFS:./a"` and `"UFS:a/../b"` are refused with BAD_REQUEST,
/// on every platform, before any file system is asked.
pub fn ufs_name(path: &str) -> Result<Option<&str>> {
    let Some(name) = path.strip_prefix("UFS:") else { return Ok(None) };
    let plain = !name.is_empty()
        && !name.chars().any(|c| c == '\\' || c.is_control())
        && name.split('/').all(|part| !matches!(part, "" | "." | ".."));
    if plain {
        Ok(Some(name))
    } else {
        Err(Error::BadRequest(format!("bad UFS file name {path:?}: a UFS name is a relative name inside the store")))
    }
}

fn read_file(p: &CStr) -> Result<Vec<u8>> {
    platform::read_file(p, MAX_FILE)
}

/// A CA file's bytes for the TLS 1.3 engine (feature `tls13`), with the same size limit.
#[cfg(feature = "tls13")]
pub(crate) fn read_ca_file(p: &CStr) -> Result<Vec<u8>> {
    read_file(p)
}

fn is_pem(data: &[u8]) -> bool {
    data.windows(11).any(|w| w == b"-----BEGIN ")
}

/// mbedtls parses PEM only from NUL-terminated buffers.
fn with_nul(data: &[u8]) -> Vec<u8> {
    let mut v = data.to_vec();
    v.push(0);
    v
}

/// Parse one PEM (one or more certificates) or DER blob into `list`.
pub fn parse_certs(data: &[u8], origin: &str, list: &mut MbedtlsList<Certificate>) -> Result<()> {
    if is_pem(data) {
        let certs = Certificate::from_pem_multiple(&with_nul(data))
            .map_err(|e| Error::BadRequest(format!("{origin}: not a valid PEM certificate: {}", describe(&e))))?;
        if certs.is_empty() {
            return Err(Error::BadRequest(format!("{origin}: no certificate found")));
        }
        list.append(certs);
    } else {
        let cert = Certificate::from_der(data)
            .map_err(|e| Error::BadRequest(format!("{origin}: not a valid DER certificate: {}", describe(&e))))?;
        list.push(cert);
    }
    Ok(())
}

/// Where a CA list came from. A file is identified by its path and `platform::FileId` (what `stat`
/// says on Linux), so a changed file is parsed again; a buffer by its bytes.
#[derive(Clone, PartialEq, Eq)]
enum CaSource {
    File { path: CString, id: platform::FileId },
    Buffer(Vec<u8>),
}

/// A parsed CA list shared by every connection configured with the same sources.
struct SharedCaList(Arc<MbedtlsList<Certificate>>);

// SAFETY: the list is never modified after parsing; mbedtls only reads trusted CAs while verifying.
unsafe impl Send for SharedCaList {}
unsafe impl Sync for SharedCaList {}

/// Most CA lists kept parsed. Parsing PEM (base64) was two thirds of `ql_ssl_setup`'s cost.
const CA_CACHE_ENTRIES: usize = 8;

#[allow(clippy::type_complexity)]
static CA_CACHE: Lazy<Mutex<Vec<(Vec<CaSource>, SharedCaList)>>> = Lazy::new(|| Mutex::new(Vec::new()));

fn file_source(p: &CStr) -> Result<CaSource> {
    Ok(CaSource::File { path: p.to_owned(), id: platform::file_id(p)? })
}

/// The trusted CA list for `paths` and `buffers`, parsed once and shared while the files stay
/// the same.
pub fn ca_list(paths: &[CString], buffers: &[Vec<u8>]) -> Result<Arc<MbedtlsList<Certificate>>> {
    let mut key = paths.iter().map(|p| file_source(p)).collect::<Result<Vec<_>>>()?;
    key.extend(buffers.iter().cloned().map(CaSource::Buffer));
    if let Some(hit) = CA_CACHE.lock().iter().find(|(k, _)| *k == key) {
        return Ok(hit.1 .0.clone());
    }
    let list = Arc::new(load_ca_list(paths, buffers)?);
    let mut cache = CA_CACHE.lock();
    cache.insert(0, (key, SharedCaList(list.clone())));
    cache.truncate(CA_CACHE_ENTRIES);
    Ok(list)
}

/// The trusted CA list: every configured path and buffer. Verification needs at least one.
pub fn load_ca_list(paths: &[CString], buffers: &[Vec<u8>]) -> Result<MbedtlsList<Certificate>> {
    let mut list = MbedtlsList::<Certificate>::new();
    for p in paths {
        let data = read_file(p)?;
        parse_certs(&data, &p.to_string_lossy(), &mut list)?;
    }
    for (i, b) in buffers.iter().enumerate() {
        parse_certs(b, &format!("CA buffer {i}"), &mut list)?;
    }
    if list.is_empty() {
        return Err(Error::BadRequest("server verification needs a CA certificate (QL_SSL_CONF_CACERT)".into()));
    }
    Ok(list)
}

/// Encrypted keys: PKCS#8 with PBES2/DES-EDE3 or PKCS#12 PBE, and legacy PEM ("Proc-Type: 4,ENCRYPTED",
/// DES/3DES/AES). mbedtls 2.28 cannot decrypt PKCS#8 PBES2 with AES (openssl's default for
/// `pkcs8 -topk8`): such a key gives BAD_REQUEST at setup; convert it with `-v2 des3`.
fn parse_key(data: &[u8], pwd: Option<&[u8]>, origin: &str) -> Result<Pk> {
    let buf = if is_pem(data) { with_nul(data) } else { data.to_vec() };
    Pk::from_private_key(&buf, pwd).map_err(|e| Error::BadRequest(format!("{origin}: cannot load private key: {}", describe(&e))))
}

/// The client certificate chain and key (file paths take precedence over buffers), or None.
pub fn load_own_cert(s: &Settings) -> Result<Option<(MbedtlsList<Certificate>, Pk)>> {
    let (cert_data, cert_origin, key_data, key_origin, pwd) = if let Some((c, k, pwd)) = &s.own_cert_path {
        (
            read_file(c)?,
            c.to_string_lossy().into_owned(),
            read_file(k)?,
            k.to_string_lossy().into_owned(),
            pwd.as_ref().map(|p| p.to_bytes().to_vec()),
        )
    } else if let Some(b) = &s.own_cert_buffer {
        (b.cert.clone(), "client certificate buffer".into(), b.key.clone(), "client key buffer".into(), b.pwd.clone())
    } else {
        return Ok(None);
    };
    let mut chain = MbedtlsList::<Certificate>::new();
    parse_certs(&cert_data, &cert_origin, &mut chain)?;
    let key = parse_key(&key_data, pwd.as_deref(), &key_origin)?;
    let leaf = chain.iter().next().ok_or_else(|| Error::BadRequest(format!("{cert_origin}: no certificate")))?;
    // A certificate with somebody else's key passes parsing but fails every handshake: say so now.
    // SAFETY: both are parsed mbedtls keys, alive for the call.
    let pair = unsafe { mbedtls_sys::pk_check_pair(leaf.public_key().into(), (&key).into()) };
    if pair != 0 {
        return Err(Error::BadRequest(format!(
            "{key_origin} is not the private key of {cert_origin}: {}",
            describe(&mbedtls::Error::from(pair))
        )));
    }
    Ok(Some((chain, key)))
}

#[cfg(test)]
mod tests {
    use super::ufs_name;

    #[test]
    fn ufs_names_are_plain_relative_names() {
        for ok in ["ca.pem", "certs/ca.pem", "a..b.pem", "..pem", "x.", "dir.d/ca.pem"] {
            assert_eq!(ufs_name(&format!("UFS:{ok}")).ok().flatten(), Some(ok), "{ok}");
        }
        for bad in ["", "/", "/etc/passwd", "//etc/passwd", "a//b", "a/", "./a", "a/./b", "..", "../a", "a/..", "a/../b", "a\\b", "\\a", "a\nb", "a\tb"] {
            assert!(ufs_name(&format!("UFS:{bad}")).is_err(), "{bad:?}");
        }
        assert_eq!(ufs_name("/etc/ssl/ca.pem").ok().flatten(), None);
        assert_eq!(ufs_name("ufs:ca.pem").ok().flatten(), None);
    }
}
