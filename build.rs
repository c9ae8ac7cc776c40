// Compiles the variadic C shim (src/capi/shim.c) into the library, and keeps the shared library's
// dynamic symbol table to the ql_ssl_* API.
fn main() {
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
