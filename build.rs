// Compiles the variadic C shim (src/capi/shim.c) into the library, and keeps the shared library's
// dynamic symbol table to the ql_ssl_* API.
include!("src/tls/bundle_format.rs");

// Its C half (`c_values::c`) is tests/header.rs's.
#[allow(dead_code)]
#[path = "codegen/c_values.rs"]
mod c_values;

/// The Rust side of the C-visible values table (src/c_values.txt): one OUT_DIR file per module of
/// the table, `include!`d by that module (the header's side is written by tests/header.rs).
fn c_values() {
    println!("cargo:rerun-if-changed=src/c_values.txt");
    println!("cargo:rerun-if-changed=codegen/c_values.rs");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let table = std::fs::read_to_string("src/c_values.txt").expect("reading src/c_values.txt");
    for module in c_values::parse(&table).unwrap_or_else(|e| panic!("{e}")) {
        std::fs::write(out.join(&module.file), c_values::rust(&module)).expect("writing a generated module");
    }
}

/// Feature `ca-bundle`: the built-in root bundle (src/tls/bundle.rs) from Debian's
/// ca-certificates (or the PEM file named by QLSSL_CA_BUNDLE_PEM), as OUT_DIR/ca_bundle.bin and
/// its facts in OUT_DIR/ca_bundle.rs. Without the feature both are empty.
fn ca_bundle() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-env-changed=QLSSL_CA_BUNDLE_PEM");
    println!("cargo:rerun-if-changed=src/tls/bundle_format.rs");
    let (blob, count, source) = if std::env::var_os("CARGO_FEATURE_CA_BUNDLE").is_some() {
        let source = std::env::var("QLSSL_CA_BUNDLE_PEM").unwrap_or_else(|_| "/etc/ssl/certs/ca-certificates.crt".into());
        println!("cargo:rerun-if-changed={source}");
        let pem = std::fs::read_to_string(&source)
            .unwrap_or_else(|e| panic!("feature ca-bundle: {source}: {e} (install ca-certificates or set QLSSL_CA_BUNDLE_PEM)"));
        let certs = pem_certificates(&pem).unwrap_or_else(|e| panic!("{source}: {e}"));
        assert!(!certs.is_empty(), "{source}: no certificates");
        (encode_bundle(&certs).unwrap_or_else(|e| panic!("{source}: {e}")), certs.len(), source)
    } else {
        (Vec::new(), 0, String::new())
    };
    std::fs::write(out.join("ca_bundle.bin"), &blob).expect("writing ca_bundle.bin");
    std::fs::write(
        out.join("ca_bundle.rs"),
        format!(
            "/// Certificates in the built-in bundle.\npub const BUNDLE_CERTS: usize = {count};\n\
             /// Bytes of the built-in bundle (DER with 2-byte lengths).\npub const BUNDLE_BYTES: usize = {};\n\
             /// The PEM file it was generated from.\npub const BUNDLE_SOURCE: &str = {source:?};\n",
            blob.len()
        ),
    )
    .expect("writing ca_bundle.rs");
}

fn main() {
    c_values();
    ca_bundle();
    println!("cargo:rerun-if-changed=src/capi/shim.c");
    println!("cargo:rerun-if-changed=src/capi/shim_shapes.h");
    cc::Build::new().file("src/capi/shim.c").warnings(true).extra_warnings(true).compile("qlssl_shim");

    // rustc's version script for the cdylib exports every #[no_mangle] function of every crate in
    // the build, which brings in mbedtls-platform-support's `mbedtls_log`. --exclude-libs,ALL keeps
    // symbols that come from archives (every dependency's rlib, the C libraries) out of the
    // dynamic symbol table; the crate's own ql_ssl_* functions are not in an archive and stay.
    // (The Rust functions only src/capi/shim.c calls are hidden there, by their declarations.)
    // The static library is made the same way by scripts/static_lib.sh.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" || os == "android" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,--exclude-libs,ALL");
    }
}
