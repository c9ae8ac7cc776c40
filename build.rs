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

/// The size bindgen gave `mbedtls_ssl_context` in mbedtls-sys-auto's bindings (their layout
/// test: `size_of::<ssl_context>(), <n>usize, concat!("Size of: ", stringify!(ssl_context))`).
fn rust_ssl_context_size(bindings: &str) -> Option<usize> {
    let at = bindings.find("concat!(\"Size of: \", stringify!(ssl_context))")?;
    let before = &bindings[..at];
    let end = before.rfind("usize")?;
    let start = before[..end].rfind(|c: char| !c.is_ascii_digit())? + 1;
    before[start..end].parse().ok()
}

/// The C library and the Rust bindings must agree on `mbedtls_ssl_context` (docs/IOT.md:
/// MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH from .cargo/config.toml adds two fields; Rust allocates the
/// struct, C writes it). Compiles a static assertion against mbedtls's headers with the flags its
/// CMake build recorded (the C library's view) and the size in the bindings (Rust's view): a
/// build where only one side saw the define stops here. tests/iot.rs checks the linked library.
fn check_mbedtls_layout() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let include = std::path::PathBuf::from(std::env::var_os("DEP_MBEDTLS_INCLUDE").expect("mbedtls-sys-auto exports its include dir"));
    let config_h = std::env::var("DEP_MBEDTLS_CONFIG_H").expect("mbedtls-sys-auto exports its config.h");
    let mbed_out = include.parent().expect("include dir has a parent");
    let (bindings, cache) = (mbed_out.join("bindings.rs"), mbed_out.join("build/CMakeCache.txt"));
    println!("cargo:rerun-if-changed={}", bindings.display());
    println!("cargo:rerun-if-changed={}", cache.display());
    let rust_size = std::fs::read_to_string(&bindings)
        .ok()
        .and_then(|b| rust_ssl_context_size(&b))
        .unwrap_or_else(|| panic!("{}: no layout test for ssl_context", bindings.display()));
    let cache_text = std::fs::read_to_string(&cache).unwrap_or_else(|e| panic!("{}: {e}", cache.display()));
    let c_flags = cache_text.lines().find_map(|l| l.strip_prefix("CMAKE_C_FLAGS:STRING=")).unwrap_or("");
    let probe = out.join("mbedtls_layout.c");
    std::fs::write(
        &probe,
        format!(
            "#include \"mbedtls/ssl.h\"\n\
             _Static_assert(sizeof(mbedtls_ssl_context) == {rust_size}, \"mbedtls_ssl_context: the C library (its CMake flags) \
             and the Rust bindings ({rust_size} bytes) disagree: MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH must reach both (.cargo/config.toml)\");\n"
        ),
    )
    .expect("writing mbedtls_layout.c");
    let mut build = cc::Build::new();
    build.include(&include).define("MBEDTLS_CONFIG_FILE", Some(format!("\"{config_h}\"").as_str()));
    for define in c_flags.split_whitespace().filter(|f| f.starts_with("-DMBEDTLS_") && !f.starts_with("-DMBEDTLS_CONFIG_FILE=")) {
        build.flag(define);
    }
    let status = build.get_compiler().to_command().arg("-fsyntax-only").arg(&probe).status().expect("running the C compiler");
    assert!(status.success(), "the mbedtls_ssl_context layout check failed (see the compiler's message above)");
}

fn main() {
    c_values();
    ca_bundle();
    check_mbedtls_layout();
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
