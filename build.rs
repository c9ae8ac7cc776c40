// Compiles the variadic C shim (src/shim.c) into the library.
fn main() {
    println!("cargo:rerun-if-changed=src/shim.c");
    cc::Build::new().file("src/shim.c").warnings(true).extra_warnings(true).compile("qlssl_shim");
}
