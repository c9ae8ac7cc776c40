//! The layering docs/DESIGN.md promises, checked on the source: the TLS core (`src/tls/`) never
//! names the C adapter (`src/capi/`), the contexts service (`src/registry.rs`) or any other
//! module outside itself except the platform layer and the prelude, and exports nothing to C.
//! A core file that imports the C layer fails this test. Also: the AT front end (`src/at/`) is the
//! C API's peer over the contexts service, never a client of the C exports.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Roots a core file may name after `crate::`: the core itself, the platform layer, the prelude.
const ALLOWED_ROOTS: &[&str] = &["tls", "platform", "prelude"];

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rs_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The modules `src/tls/mod.rs` declares: lib.rs re-exports them at the crate root, so
/// `crate::<name>` of one of them is still the core.
fn core_modules(root: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(root.join("src/tls/mod.rs")).unwrap();
    let mut names: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';').trim().to_owned())
        .collect();
    // The engine's modules re-exported under core paths (`pub use engine::{transport, ...};`,
    // `pub use engine::modern as engine_modern;`).
    for l in text.lines().filter_map(|l| l.trim().strip_prefix("pub use engine::")) {
        let l = l.trim_end_matches(';');
        if let Some((_, alias)) = l.split_once(" as ") {
            names.insert(alias.trim().to_owned());
        } else {
            names.extend(l.trim_matches(|c| c == '{' || c == '}').split(',').map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()));
        }
    }
    names
}

/// Every `crate::<root>` / `$crate::<root>` of `text` (comments skipped) whose root is not allowed,
/// and every item exported to C, as "line: text".
fn violations(text: &str, core: &BTreeSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        if code.contains("#[no_mangle]") || code.contains("#[unsafe(no_mangle)]") {
            found.push(format!("{}: exports a symbol to C: {}", n + 1, line.trim()));
        }
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let root: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if root.is_empty() {
                // `crate::{a, b}`: check each name of the group.
                let group = rest.trim_start_matches('{').split('}').next().unwrap_or("");
                for name in group.split(',').map(|s| s.trim().split("::").next().unwrap_or("").trim()) {
                    if !name.is_empty() && !ALLOWED_ROOTS.contains(&name) && !core.contains(name) {
                        found.push(format!("{}: names crate::{name}: {}", n + 1, line.trim()));
                    }
                }
            } else if !ALLOWED_ROOTS.contains(&root.as_str()) && !core.contains(&root) {
                found.push(format!("{}: names crate::{root}: {}", n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_core_does_not_import_the_c_layer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let core = core_modules(root);
    assert!(core.contains("connection") && core.contains("error"), "src/tls/mod.rs not understood: {core:?}");
    let mut files = Vec::new();
    rs_files(&root.join("src/tls"), &mut files);
    assert!(files.len() >= 10, "src/tls/ not found");
    let mut report = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for v in violations(&text, &core) {
            report.push(format!("{}:{v}", f.strip_prefix(root).unwrap().display()));
        }
    }
    assert!(report.is_empty(), "the core (src/tls/) reaches outside itself:\n{}", report.join("\n"));
}

#[test]
fn the_check_catches_imports_of_the_c_layer() {
    let core: BTreeSet<String> = ["connection".to_owned()].into();
    let bad = "use crate::capi::abi::ql_ssl_config;\nuse crate::{connection, panic};\n#[no_mangle]\n";
    let v = violations(bad, &core);
    assert_eq!(v.len(), 3, "{v:?}");
    let fine = "use crate::tls::error::Error;\nuse crate::connection::Connection; // crate::capi in a comment\n";
    assert!(violations(fine, &core).is_empty());
}

/// Roots an AT front-end file may name after `crate::` (besides the core's modules): the front end
/// itself, the contexts service, the core, the platform layer, the prelude. From the C adapter
/// only `capi::codes`: the C result number `ServiceError::code` reports comes from the one map.
const FRONT_END_ROOTS: &[&str] = &["at", "registry", "tls", "platform", "prelude"];

/// What keeps the AT engine a peer of the C API (docs/DESIGN.md): it reaches the library only
/// through `registry::contexts()` and the core's types, never through the exported `ql_ssl_*`
/// functions, the shim's argument records or the C adapter's config store; with `no_unsafe`
/// (its seam, `src/at/service.rs`) it has no `unsafe` at all.
fn front_end_violations(text: &str, core: &BTreeSet<String>, no_unsafe: bool) -> Vec<String> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut why = Vec::new();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let root: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let ok = FRONT_END_ROOTS.contains(&root.as_str())
                || core.contains(&root)
                || (root == "capi" && rest.starts_with("capi::codes"));
            if !ok {
                why.push(format!("names crate::{root}"));
            }
        }
        if code.contains("qlssl_va_args") {
            why.push("builds the shim's argument records".into());
        }
        for (i, _) in code.match_indices("ql_ssl_") {
            let name: String = code[i..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if code[i + name.len()..].trim_start().starts_with('(') {
                why.push(format!("calls the exported {name}"));
            }
        }
        if no_unsafe && code.split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w == "unsafe") {
            why.push("uses unsafe".into());
        }
        found.extend(why.into_iter().map(|w| format!("{}: {w}: {}", n + 1, line.trim())));
    }
    found
}

#[test]
fn the_at_front_end_uses_only_the_registry() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let core = core_modules(root);
    let mut files = Vec::new();
    rs_files(&root.join("src/at"), &mut files);
    assert!(files.iter().any(|f| f.ends_with("service.rs")), "src/at/service.rs not found");
    let mut report = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for v in front_end_violations(&text, &core, f.ends_with("service.rs")) {
            report.push(format!("{}:{v}", f.strip_prefix(root).unwrap().display()));
        }
    }
    assert!(report.is_empty(), "the AT front end reaches past the contexts service:\n{}", report.join("\n"));
}

#[test]
fn the_front_end_check_catches_c_paths() {
    let core: BTreeSet<String> = ["error".to_owned()].into();
    let bad = "use crate::capi::config;\nuse crate::abi::*;\nlet a = qlssl_va_args { i: 0 };\n\
               unsafe { capi::ql_ssl_free(&mut h) };\n";
    let v = front_end_violations(bad, &core, true);
    assert_eq!(v.len(), 5, "{v:?}");
    let fine = "use crate::capi::codes::ErrorCode;\nuse crate::registry::contexts;\nuse crate::error::Error;\n\
                // ql_ssl_free(h) in a comment; unsafe too\nlet s = \"the ql_ssl_* functions\";\n";
    assert!(front_end_violations(fine, &core, true).is_empty(), "{:?}", front_end_violations(fine, &core, true));
}

// The engine seam (docs/DESIGN.md, "Layers"): only the modules under `src/tls/engine/` name
// mbedtls (`mbedtls_sys`, the `mbedtls` wrapper crate); a file elsewhere in `src/` that does fails
// `only_the_engine_names_mbedtls`. No exceptions.

/// Every naming of mbedtls in `text` (comments skipped), as (form, "line: text"). A form counts
/// only as a path of its own (`mbedtls::x`, `mbedtls_sys::x`, `use mbedtls_sys;`), not inside
/// another identifier (`engine::mbedtls28`, `init_mbedtls_globals`).
fn engine_names(text: &str) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for form in ["mbedtls_sys", "mbedtls::"] {
            let own = code.match_indices(form).any(|(i, _)| {
                let before = code[..i].chars().next_back();
                let after = code[i + form.len()..].chars().next();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    && (form.ends_with("::") || !after.is_some_and(|c| c.is_alphanumeric() || c == '_'))
            });
            if own {
                found.push((form, format!("{}: {}", n + 1, line.trim())));
            }
        }
    }
    found
}

#[test]
fn only_the_engine_names_mbedtls() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let engine = root.join("src/tls/engine");
    assert!(engine.join("mbedtls28.rs").is_file(), "src/tls/engine/mbedtls28.rs not found");
    let mut files = Vec::new();
    rs_files(&root.join("src"), &mut files);
    let mut report = Vec::new();
    for f in files.iter().filter(|f| !f.starts_with(&engine)) {
        let rel = f.strip_prefix(root).unwrap().display().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        for (form, at) in engine_names(&text) {
            report.push(format!("{rel}:{at}: names {form} outside src/tls/engine/"));
        }
    }
    assert!(report.is_empty(), "mbedtls named outside the engine seam:\n{}", report.join("\n"));
}

#[test]
fn the_seam_check_catches_a_planted_use() {
    let planted = "use mbedtls_sys::ssl_context;\nfn f(e: &mbedtls::Error) {}\nlet x = mbedtls_sys::ERR_SSL_WANT_READ; // ok\n";
    let v = engine_names(planted);
    assert_eq!(v.len(), 3, "{v:?}");
    assert_eq!(v.iter().filter(|(f, _)| *f == "mbedtls_sys").count(), 2, "{v:?}");
    let fine = "// mbedtls_sys::ssl_context in a comment\nuse crate::tls::engine::mbedtls28::advance;\n\
                ciphers::init_mbedtls_globals();\nfn mbedtls_hostname() {}\nlet s = my_mbedtls_sys_like;\n";
    assert!(engine_names(fine).is_empty(), "{:?}", engine_names(fine));
    // A planted use in a real core file is caught.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["src/tls/verify.rs", "src/tls/connection.rs"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        assert!(engine_names(&text).is_empty(), "{file} names mbedtls");
        let planted = format!("{text}\nfn planted(c: &mbedtls_sys::x509_crt, e: mbedtls::Error) {{}}\n");
        assert_eq!(engine_names(&planted).len(), 2, "{file}");
    }
}
