//! include/ql_ssl.h must be exactly what the pinned cbindgen generates from src/ now.
//! Run with QLSSL_BLESS=1 to rewrite it after changing the Rust definitions.

use std::path::Path;

#[test]
fn committed_header_matches_cbindgen_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut generated);
    let path = root.join("include/ql_ssl.h");
    if std::env::var_os("QLSSL_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read(&path).expect("include/ql_ssl.h is committed");
    assert!(
        committed == generated,
        "include/ql_ssl.h differs from cbindgen's output; regenerate with QLSSL_BLESS=1 cargo test --test header"
    );
}
