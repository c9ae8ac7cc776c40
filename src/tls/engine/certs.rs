//! Loading certificates and keys named by a config: file paths (PEM or DER, `"UFS:name"` for the
//! module file system) and in-memory buffers. Every failure is a `BadRequest` that names the file.

use alloc::ffi::CString;
use alloc::sync::Arc;
use core::ffi::CStr;


use mbedtls::alloc::List as MbedtlsList;
use mbedtls::pk::Pk;
use mbedtls::x509::Certificate;

use crate::tls::settings::Settings;
use crate::error::{Error, Result};
use crate::tls::engine::errors::describe;
use crate::platform::{
    self,
    sync::{Lazy, Mutex},
};
#[allow(unused_imports)]
use crate::prelude::*;

fn read_file(p: &CStr) -> Result<Vec<u8>> {
    Ok(platform::read_file(p, platform::MAX_FILE)?)
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

/// A parsed CA list shared by every connection configured with the same sources.
#[derive(Clone)]
struct SharedCaList(Arc<MbedtlsList<Certificate>>);

// SAFETY: the list is never modified after parsing; mbedtls only reads trusted CAs while verifying.
unsafe impl Send for SharedCaList {}
unsafe impl Sync for SharedCaList {}

/// Most sets of CA sources (a config's paths and buffers) the cache remembers. Cheap entries: a
/// set whose content equals another's shares that one's parsed list (see `ca_list`).
const CA_CACHE_ENTRIES: usize = 64;

/// Most memory the parsed lists of the cache may take, as `parsed_size` counts it; the least
/// recently used lists go first when it is exceeded. A list larger than this alone is still kept
/// (the newest entry is never evicted). 2 MiB holds six distinct 145-certificate system bundles
/// (≈ 320 KiB each) or hundreds of single-CA files.
#[cfg(feature = "std")]
pub(crate) const CA_CACHE_BYTES: usize = 2 << 20;
#[cfg(not(feature = "std"))]
pub(crate) const CA_CACHE_BYTES: usize = 256 << 10;

/// How long a CA file's identity (`platform::FileId`: what `stat` says on Linux) is trusted
/// before a setup asks the file system again. A CA file replaced on disk is parsed again by the
/// first `ql_ssl_setup` that starts at least this long after the previous check of it.
pub(crate) const CA_RECHECK: core::time::Duration = core::time::Duration::from_secs(1);

/// What one parsed list costs in memory, as the cache's bound counts it: each certificate's DER
/// (mbedtls keeps a copy) plus its `mbedtls_x509_crt` and the name/extension lists mbedtls
/// allocates for it (≈ 1 KiB, measured on x86_64 with the system bundle).
fn parsed_size(list: &MbedtlsList<Certificate>) -> usize {
    list.iter().map(|c| c.as_der().len() + 1024).sum()
}

struct CaEntry {
    /// The configured paths and buffers, in order.
    paths: Vec<CString>,
    buffers: Vec<Vec<u8>>,
    /// The paths' identities when last checked, and when that was.
    ids: Vec<platform::FileId>,
    checked: platform::Instant,
    /// SHA-256 of every source's bytes in order: sets of sources with the same content (copies of
    /// one bundle under several names) share one parsed list.
    digest: [u8; 32],
    list: SharedCaList,
    bytes: usize,
}

/// Most recently used first.
static CA_CACHE: Lazy<Mutex<Vec<CaEntry>>> = Lazy::new(|| Mutex::new(Vec::new()));

fn digest_of(parts: &[&[u8]]) -> Result<[u8; 32]> {
    // mbedtls's SHA-256 directly: the wrapper's `Md` fails with MD_BAD_INPUT_DATA in the bare-metal
    // build, and this needs no allocation either.
    let mut out = [0u8; 32];
    // SAFETY: a context on our stack, initialised, used and freed here; every pointer/length pair
    // describes a live slice.
    let r = unsafe {
        let mut ctx: mbedtls_sys::sha256_context = core::mem::zeroed();
        mbedtls_sys::sha256_init(&mut ctx);
        let mut r = mbedtls_sys::sha256_starts_ret(&mut ctx, 0);
        for p in parts {
            // Each part's length first, so that no two different sets of parts hash alike.
            let len = (p.len() as u64).to_be_bytes();
            if r == 0 {
                r = mbedtls_sys::sha256_update_ret(&mut ctx, len.as_ptr(), len.len());
            }
            if r == 0 {
                r = mbedtls_sys::sha256_update_ret(&mut ctx, p.as_ptr(), p.len());
            }
        }
        if r == 0 {
            r = mbedtls_sys::sha256_finish_ret(&mut ctx, out.as_mut_ptr());
        }
        mbedtls_sys::sha256_free(&mut ctx);
        r
    };
    if r != 0 {
        return Err(Error::Internal(describe(&mbedtls::Error::from(r))));
    }
    Ok(out)
}

/// The CAs a connection with settings `s` trusts, through the CA cache: its CA paths and
/// buffers and, with `QL_SSL_CONF_CA_BUNDLE`, the built-in roots as more buffers (docs/IOT.md),
/// for both engines.
pub fn trusted(s: &Settings) -> Result<Arc<MbedtlsList<Certificate>>> {
    #[cfg(feature = "ext-items")]
    if s.iot.ca_bundle {
        return ca_list(&s.ca_paths, &[s.ca_buffers.clone(), crate::tls::bundle::certificates()?].concat());
    }
    ca_list(&s.ca_paths, &s.ca_buffers)
}

/// The trusted CA list for `paths` and `buffers`, parsed once and shared.
///
/// A cache of parsed lists, least recently used first to go (`CA_CACHE_ENTRIES` source sets,
/// `CA_CACHE_BYTES` of parsed certificates). A hit costs no system call while its files were
/// checked less than `CA_RECHECK` ago, else one `stat` per file; a file whose identity changed
/// is read and parsed again. A miss reads the files, and parses them only when no cached set has
/// the same content: so configs that rotate over copies of one bundle never parse it twice.
pub fn ca_list(paths: &[CString], buffers: &[Vec<u8>]) -> Result<Arc<MbedtlsList<Certificate>>> {
    let now = platform::now();
    {
        let mut cache = CA_CACHE.lock();
        if let Some(i) = cache.iter().position(|e| e.paths == paths && e.buffers == buffers) {
            let fresh = now < cache[i].checked + CA_RECHECK;
            let same = fresh || {
                let ids = paths.iter().map(|p| platform::file_id(p).map_err(Error::from)).collect::<Result<Vec<_>>>();
                match ids {
                    Ok(ids) if ids == cache[i].ids => true,
                    Ok(_) => false,
                    Err(e) => {
                        cache.remove(i);
                        return Err(e);
                    }
                }
            };
            if same {
                let mut e = cache.remove(i);
                if !fresh {
                    e.checked = now;
                }
                let list = e.list.0.clone();
                cache.insert(0, e);
                return Ok(list);
            }
            cache.remove(i);
        }
    }
    // The identities are taken before the files are read: a file replaced in between is seen
    // as changed at the next check, never the other way round.
    let ids = paths.iter().map(|p| platform::file_id(p).map_err(Error::from)).collect::<Result<Vec<_>>>()?;
    let files = paths.iter().map(|p| read_file(p)).collect::<Result<Vec<_>>>()?;
    let parts: Vec<&[u8]> = files.iter().map(Vec::as_slice).chain(buffers.iter().map(Vec::as_slice)).collect();
    let digest = digest_of(&parts)?;
    let shared = CA_CACHE.lock().iter().find(|e| e.digest == digest).map(|e| (e.list.clone(), e.bytes));
    let (list, bytes) = match shared {
        Some(hit) => hit,
        None => {
            let list = parse_ca_list(paths, &files, buffers)?;
            let bytes = parsed_size(&list);
            (SharedCaList(Arc::new(list)), bytes)
        }
    };
    let result = list.0.clone();
    let mut cache = CA_CACHE.lock();
    cache.insert(
        0,
        CaEntry { paths: paths.to_vec(), buffers: buffers.to_vec(), ids, checked: now, digest, list, bytes },
    );
    evict(&mut cache);
    Ok(result)
}

/// Drop least recently used entries until both bounds hold (the newest entry always stays). A
/// list shared by several entries counts once.
fn evict(cache: &mut Vec<CaEntry>) {
    loop {
        let (_, total) = distinct_lists(cache);
        if cache.len() > 1 && (cache.len() > CA_CACHE_ENTRIES || total > CA_CACHE_BYTES) {
            cache.pop();
        } else {
            return;
        }
    }
}

/// Number of source sets and of distinct parsed lists in the CA cache, and their size as the
/// bound counts it (tests, benchmarks).
pub fn ca_cache_stats() -> (usize, usize, usize) {
    let cache = CA_CACHE.lock();
    let (lists, total) = distinct_lists(&cache);
    (cache.len(), lists, total)
}

/// The distinct parsed lists among the cache's entries and their bytes (a list shared by several
/// entries counts once).
fn distinct_lists(cache: &[CaEntry]) -> (usize, usize) {
    let mut seen: Vec<*const MbedtlsList<Certificate>> = Vec::new();
    let mut total = 0;
    for e in cache {
        let p = Arc::as_ptr(&e.list.0);
        if !seen.contains(&p) {
            seen.push(p);
            total += e.bytes;
        }
    }
    (seen.len(), total)
}

// Not inlined into its one caller: the size-critical vendor-API client is smaller this way
// (docs/PERFORMANCE.md, "Size").
#[inline(never)]
fn parse_ca_list(paths: &[CString], files: &[Vec<u8>], buffers: &[Vec<u8>]) -> Result<MbedtlsList<Certificate>> {
    let mut list = MbedtlsList::<Certificate>::new();
    for (p, data) in paths.iter().zip(files) {
        parse_certs(data, &p.to_string_lossy(), &mut list)?;
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
    /// A self-signed CA certificate (PEM) made by `openssl req` in `dir`.
    fn self_signed(dir: &std::path::Path, name: &str) -> std::vec::Vec<u8> {
        let (key, pem) = (dir.join(format!("{name}.key")), dir.join(format!("{name}.pem")));
        let ok = std::process::Command::new("openssl")
            .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj"])
            .arg(format!("/CN={name}"))
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&pem)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "openssl req failed");
        std::fs::read(&pem).unwrap()
    }

    /// The CA cache: a hit shares the list; a copy of the same content under another name shares
    /// it too; a replaced file is seen after CA_RECHECK, not before; the entry bound holds.
    #[test]
    fn ca_cache_shares_rechecks_and_stays_bounded() {
        use super::{ca_cache_stats, ca_list, CA_CACHE_ENTRIES, CA_RECHECK};
        use alloc::ffi::CString;
        use alloc::sync::Arc;
        let dir = std::env::temp_dir().join(format!("qlssl-ca-cache-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (self_signed(&dir, "ca-a"), self_signed(&dir, "ca-b"));
        let path = |n: &str| CString::new(dir.join(n).to_str().unwrap()).unwrap();
        std::fs::write(dir.join("one.pem"), &a).unwrap();
        std::fs::write(dir.join("copy.pem"), &a).unwrap();
        let one = ca_list(&[path("one.pem")], &[]).unwrap();
        assert!(Arc::ptr_eq(&one, &ca_list(&[path("one.pem")], &[]).unwrap()), "hit");
        assert!(Arc::ptr_eq(&one, &ca_list(&[path("copy.pem")], &[]).unwrap()), "same content, one list");
        // Replaced (another certificate, another size): trusted as it was until CA_RECHECK ...
        std::fs::write(dir.join("one.pem"), &b).unwrap();
        assert!(Arc::ptr_eq(&one, &ca_list(&[path("one.pem")], &[]).unwrap()), "within CA_RECHECK");
        std::thread::sleep(CA_RECHECK + std::time::Duration::from_millis(100));
        let replaced = ca_list(&[path("one.pem")], &[]).unwrap();
        assert!(!Arc::ptr_eq(&one, &replaced), "a replaced file is parsed again");
        assert_eq!(replaced.iter().next().unwrap().as_der(), super::Certificate::from_pem(&{
            let mut v = b.clone();
            v.push(0);
            v
        }).unwrap().as_der());
        // More source sets than entries: bounded, and the newest is a hit.
        for i in 0..CA_CACHE_ENTRIES + 8 {
            std::fs::write(dir.join(format!("n{i}.pem")), &a).unwrap();
            assert!(Arc::ptr_eq(&one, &ca_list(&[path(&format!("n{i}.pem"))], &[]).unwrap()), "copy {i}");
        }
        let (entries, lists, _) = ca_cache_stats();
        assert!(entries <= CA_CACHE_ENTRIES, "{entries} entries");
        assert!(lists < entries, "{lists} lists for {entries} entries");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
