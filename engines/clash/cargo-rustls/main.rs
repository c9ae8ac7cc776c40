//! Both engines' crates linked into one program: prints mbedtls's version number and runs one
//! rustls configuration build, so both libraries' code is in the image.
fn main() {
    // SAFETY: a constant query without arguments.
    let mbed = unsafe { mbedtls_sys::version_get_number() };
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .expect("TLS 1.3 is in the ring provider")
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    println!("mbedtls {mbed:#x} and rustls (TLS 1.3 config, {} suites) in one binary", config.crypto_provider().cipher_suites.len());
}
