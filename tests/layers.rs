//! The layering docs/DESIGN.md promises, checked on the source:
//! - the TLS core (`src/tls/`) never names the C adapter (`src/capi/`), the contexts service
//!   (`src/registry.rs`) or any other module outside itself except the platform layer and the
//!   prelude, and exports nothing to C;
//! - the AT front end (`src/at/`) is the C API's peer over the contexts service, never a client of
//!   the C exports;
//! - only `src/tls/engine/` names mbedtls (`mbedtls_sys`, the `mbedtls` crate), without exception;
//! - no import circle among `src/` files (module-level imports, `#[cfg]`'d code included).
//!
//! Each check has a test that plants a violation and sees it caught.

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

// ---- import circles -------------------------------------------------------------------------------

/// The crate's modules: module path ("crate::tls::engine") → (file, its text with comments and
/// string literals blanked). `files` holds (path relative to the crate root, text).
struct ModuleTree {
    modules: std::collections::BTreeMap<String, (String, String)>,
}

/// `text` with `//` comments, `/* */` comments and the contents of string and char literals
/// replaced by spaces (line structure kept), so that only code is searched.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i] as char;
        if text[i..].starts_with("//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if text[i..].starts_with("/*") {
            let end = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            out.extend(text[i..end].chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
            i = end;
        } else if c == '"' || (c == 'r' && text[i..].starts_with("r#\"")) || (c == 'r' && text[i..].starts_with("r\"")) {
            // A (raw) string literal: blank it whole.
            let hashes = if c == 'r' { text[i + 1..].chars().take_while(|&h| h == '#').count() } else { 0 };
            let open = if c == 'r' { 1 + hashes + 1 } else { 1 };
            let close: String = core::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let mut j = i + open;
            loop {
                match text[j..].find(&close) {
                    Some(k) if hashes == 0 && text[..j + k].ends_with('\\') && !text[..j + k].ends_with("\\\\") => j += k + 1,
                    Some(k) => {
                        j += k + close.len();
                        break;
                    }
                    None => {
                        j = b.len();
                        break;
                    }
                }
            }
            out.push(' ');
            out.extend(text[i + 1..j].chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
            i = j;
        } else if c == '\'' && text[i..].len() >= 3 && (text[i + 1..].starts_with("\\") || text[i + 2..].starts_with('\'')) {
            // A char literal ('x', '\n', '\''); lifetimes ('a) have no closing quote next.
            let end = text[i + 2..].find('\'').map_or(b.len(), |e| i + 2 + e + 1);
            out.extend(std::iter::repeat_n(' ', text[i..end].chars().count()));
            i = end;
        } else {
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

impl ModuleTree {
    fn new(files: &[(String, String)]) -> Self {
        let mut modules = std::collections::BTreeMap::new();
        for (path, text) in files {
            let Some(rel) = path.strip_prefix("src/").and_then(|p| p.strip_suffix(".rs")) else { continue };
            let rel = rel.strip_suffix("/mod").unwrap_or(rel);
            let module = if rel == "lib" { "crate".to_owned() } else { format!("crate::{}", rel.replace('/', "::")) };
            if rel.starts_with("bin/") || rel == "main" {
                continue;
            }
            modules.insert(module, (path.clone(), code_only(text)));
        }
        ModuleTree { modules }
    }

    /// The full paths of every `use` tree of `code` (`a::{b, c::{d}}` → `a::b`, `a::c::d`), and
    /// whether the `use` is a re-export (`pub use`, `pub(crate) use`).
    fn uses(code: &str) -> Vec<(String, bool)> {
        let mut found = Vec::new();
        let mut rest = code;
        while let Some(i) = rest.find("use ") {
            let before = &rest[..i];
            let word_start = before.chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            let stmt_start = before.trim_end_matches([' ', '\t']);
            let line_prefix = stmt_start.rsplit(['\n', ';', '{', '}']).next().unwrap_or("").trim();
            let reexport = line_prefix.starts_with("pub");
            let is_use = word_start && (line_prefix.is_empty() || line_prefix.starts_with("pub") || line_prefix.starts_with("#["));
            let Some(end) = rest[i..].find(';') else { break };
            if is_use {
                // Whitespace to single spaces, none around `::`, braces and commas: `a as b` stays.
                let mut tree = rest[i + 4..i + end].split_whitespace().collect::<Vec<_>>().join(" ");
                for sep in ["::", "{", "}", ","] {
                    tree = tree.replace(&format!(" {sep}"), sep).replace(&format!("{sep} "), sep);
                }
                found.extend(expand_use_tree(&tree).into_iter().map(|p| (p, reexport)));
            }
            rest = &rest[i + end + 1..];
        }
        found
    }

    fn children(&self, module: &str) -> impl Iterator<Item = &str> {
        let prefix = format!("{module}::");
        self.modules.keys().filter_map(move |m| m.strip_prefix(&prefix).filter(|r| !r.contains("::")))
    }

    /// `path` as written in `module` (`crate::`, `super::`, `self::`, or a child's name first),
    /// made absolute; None for paths into other crates.
    fn absolute(&self, module: &str, path: &str) -> Option<String> {
        let mut segs: Vec<&str> = path.split("::").collect();
        let mut base: Vec<&str> = module.split("::").collect();
        match segs.first().copied() {
            Some("crate") | Some("$crate") => {
                segs.remove(0);
                base = vec!["crate"];
            }
            Some("self") => {
                segs.remove(0);
            }
            Some("super") => {
                while segs.first() == Some(&"super") {
                    segs.remove(0);
                    base.pop();
                }
            }
            Some(first) if self.children(module).any(|c| c == first) => {}
            _ => return None,
        }
        base.extend(segs);
        Some(base.join("::"))
    }

    /// The modules `path` (absolute) leads to: modules are walked down, re-exports (`pub use`)
    /// followed to what they name, an item ends the walk in the module that defines it. A name
    /// that several glob re-exports provide (`platform::read_file`: `posix` or `hooks`, by
    /// `#[cfg]`) leads to each of them. Bounded against re-export loops.
    fn resolve(&self, path: &str, depth: u32) -> Vec<String> {
        if depth > 16 {
            return Vec::new();
        }
        let segs: Vec<&str> = path.split("::").collect();
        let mut module = "crate".to_owned();
        for (k, seg) in segs.iter().enumerate().skip(1) {
            if *seg == "*" || *seg == "self" {
                break;
            }
            let child = format!("{module}::{seg}");
            if self.modules.contains_key(&child) {
                module = child;
                continue;
            }
            // A name re-exported by `module`: follow it (with the rest of the path).
            let (_, code) = &self.modules[&module];
            let rest = segs[k + 1..].join("::");
            let mut found = Vec::new();
            for (target, reexport) in Self::uses(code) {
                if !reexport {
                    continue;
                }
                let Some(abs) = self.absolute(&module, &target) else { continue };
                let last = abs.rsplit("::").next().unwrap_or("");
                let renamed = target.split_once(" as ").map(|(_, a)| a);
                let hit = if let Some((t, alias)) = abs.split_once(" as ") {
                    (alias == *seg).then(|| t.to_owned())
                } else if last == *seg && renamed.is_none() {
                    Some(abs.clone())
                } else if last == "*" {
                    let inner = abs.trim_end_matches("::*");
                    self.defines(inner, seg).then(|| format!("{inner}::{seg}"))
                } else {
                    None
                };
                if let Some(t) = hit {
                    let t = if rest.is_empty() { t } else { format!("{t}::{rest}") };
                    found.extend(self.resolve(&t, depth + 1));
                }
            }
            return if found.is_empty() { vec![module] } else { found };
        }
        vec![module]
    }

    /// True when `module` defines `name` itself (or re-exports it).
    fn defines(&self, module: &str, name: &str) -> bool {
        let Some((_, code)) = self.modules.get(module) else { return false };
        let kinds = ["fn ", "struct ", "enum ", "const ", "static ", "type ", "trait ", "mod ", "macro_rules! ", "union "];
        let own = code.match_indices(name).any(|(i, _)| {
            let before = code[..i].trim_end();
            let after = code[i + name.len()..].chars().next();
            kinds.iter().any(|k| before.ends_with(k.trim_end())) && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
        });
        own || Self::uses(code).iter().any(|(p, re)| *re && (p.ends_with(&format!("::{name}")) || p.ends_with(&format!(" as {name}"))))
    }

    /// Every module's imports of other modules of the crate: `use` statements (re-exports
    /// excepted: they are followed, not counted) and paths written in the code (`crate::x::f()`),
    /// `#[cfg]`'d code included. Edges to the module itself or to a module containing it (its
    /// parents: `mod` declarations are not imports) are left out.
    fn edges(&self) -> std::collections::BTreeMap<String, BTreeSet<String>> {
        let mut graph = std::collections::BTreeMap::new();
        for (module, (_, code)) in &self.modules {
            let mut paths: Vec<String> = Self::uses(code).into_iter().filter(|(_, re)| !re).map(|(p, _)| p).collect();
            for start in ["crate::", "super::"] {
                for (i, _) in code.match_indices(start) {
                    let before = code[..i].chars().next_back();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') && !code[..i].ends_with('$') {
                        continue;
                    }
                    let p: String = code[i..].chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
                    paths.push(p.trim_end_matches(':').to_owned());
                }
            }
            let targets: &mut BTreeSet<String> = graph.entry(module.clone()).or_default();
            for p in paths {
                let p = p.split(" as ").next().unwrap_or(&p).to_owned();
                let Some(abs) = self.absolute(module, &p) else { continue };
                for target in self.resolve(&abs, 0) {
                    let contains_us = module == &target || module.starts_with(&format!("{target}::"));
                    if !contains_us {
                        targets.insert(target);
                    }
                }
            }
        }
        graph
    }

    /// The import circles: every group of modules that reach each other (Tarjan's strongly
    /// connected components of more than one module), as file names.
    fn circles(&self) -> Vec<Vec<String>> {
        let graph = self.edges();
        let names: Vec<&String> = graph.keys().collect();
        let index_of = |m: &str| names.iter().position(|n| n.as_str() == m);
        let adj: Vec<Vec<usize>> = names.iter().map(|n| graph[*n].iter().filter_map(|t| index_of(t)).collect()).collect();
        // Iterative Tarjan.
        let n = names.len();
        let (mut index, mut low, mut on_stack) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
        let (mut stack, mut next, mut out) = (Vec::new(), 0, Vec::new());
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            let mut work = vec![(root, 0usize)];
            while let Some(&mut (v, ref mut child)) = work.last_mut() {
                if *child == 0 && index[v] == usize::MAX {
                    index[v] = next;
                    low[v] = next;
                    next += 1;
                    stack.push(v);
                    on_stack[v] = true;
                }
                if *child < adj[v].len() {
                    let w = adj[v][*child];
                    *child += 1;
                    if index[w] == usize::MAX {
                        work.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut group = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        group.push(self.modules[names[w]].0.clone());
                        if w == v {
                            break;
                        }
                    }
                    if group.len() > 1 {
                        group.sort();
                        out.push(group);
                    }
                }
            }
        }
        out
    }

    /// One path through a circle, for the message: `a → b → … → a`.
    fn describe(&self, group: &[String]) -> String {
        let graph = self.edges();
        let module_of = |file: &String| self.modules.iter().find(|(_, (f, _))| f == file).map(|(m, _)| m.clone()).unwrap();
        let members: BTreeSet<String> = group.iter().map(module_of).collect();
        let start = members.iter().next().unwrap().clone();
        // Breadth-first from `start` back to it, inside the group.
        let mut prev: std::collections::BTreeMap<String, String> = Default::default();
        let mut queue = std::collections::VecDeque::from([start.clone()]);
        while let Some(m) = queue.pop_front() {
            for t in graph[&m].iter().filter(|t| members.contains(*t)) {
                if *t == start {
                    let mut chain = vec![start.clone(), m.clone()];
                    let mut cur = m.clone();
                    while let Some(p) = prev.get(&cur) {
                        chain.push(p.clone());
                        cur = p.clone();
                    }
                    chain.reverse();
                    chain.push(start.clone());
                    chain.dedup();
                    return chain.iter().map(|m| self.modules[m].0.clone()).collect::<Vec<_>>().join(" → ");
                }
                if *t != start && !prev.contains_key(t) {
                    prev.insert(t.clone(), m.clone());
                    queue.push_back(t.clone());
                }
            }
        }
        group.join(", ")
    }
}

/// `a::{b, c::{d, e as f}}` → `a::b`, `a::c::d`, `a::c::e as f` (no whitespace but in ` as `).
fn expand_use_tree(tree: &str) -> Vec<String> {
    let Some(open) = tree.find('{') else { return vec![tree.to_owned()] };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand_use_tree(p).into_iter().map(move |e| if e == "self" { prefix.trim_end_matches("::").to_owned() } else { format!("{prefix}{e}") }))
        .collect()
}

fn crate_files(root: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    rs_files(&root.join("src"), &mut files);
    files
        .into_iter()
        .map(|f| (f.strip_prefix(root).unwrap().display().to_string(), std::fs::read_to_string(&f).unwrap()))
        .collect()
}

#[test]
fn no_import_circles_among_src_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tree = ModuleTree::new(&crate_files(root));
    assert!(tree.modules.len() >= 40, "src/ not found: {} modules", tree.modules.len());
    let circles = tree.circles();
    let report: Vec<String> =
        circles.iter().map(|g| format!("{} files ({}), for one: {}", g.len(), g.join(", "), tree.describe(g))).collect();
    assert!(report.is_empty(), "import circles among src/ files:\n{}", report.join("\n"));
}

#[test]
fn the_circle_check_catches_a_planted_circle() {
    let files = |extra: &[(&str, &str)]| {
        let mut f: Vec<(String, String)> = [
            ("src/lib.rs", "pub mod a;\npub mod b;\npub(crate) use b::leaf;\n"),
            ("src/a.rs", "use crate::b::Thing;\nuse super::leaf::{self, f as g};\n"),
            ("src/b/mod.rs", "pub mod leaf;\npub use leaf::*;\npub struct Thing;\n"),
            ("src/b/leaf.rs", "pub fn f() {}\n// use crate::a; in a comment\nconst S: &str = \"crate::a::x\";\n"),
        ]
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
        for (p, t) in extra {
            let file = f.iter_mut().find(|(q, _)| q == p).unwrap();
            file.1.push_str(t);
        }
        f
    };
    assert!(ModuleTree::new(&files(&[])).circles().is_empty());
    // Through a re-export (`crate::leaf` is `crate::b::leaf`), a glob (`crate::b::f` is in leaf.rs),
    // an inline path and a `#[cfg]`'d use.
    for (file, line) in [
        ("src/b/leaf.rs", "#[cfg(feature = \"x\")]\nuse crate::a::{self};\n"),
        ("src/b/leaf.rs", "fn h() { crate::a::go() }\n"),
        ("src/b/mod.rs", "use crate::a::Other;\n"),
    ] {
        let tree = ModuleTree::new(&files(&[(file, line)]));
        let c = tree.circles();
        assert_eq!(c.len(), 1, "{file}: {line}: {c:?}");
        assert!(c[0].contains(&"src/a.rs".to_owned()), "{c:?}");
    }
    // A circle planted into the real tree is found: the settings (a core leaf) naming the registry,
    // which imports them.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut real = crate_files(root);
    let settings = real.iter_mut().find(|(p, _)| p == "src/tls/settings.rs").unwrap();
    settings.1.push_str("\n#[cfg(any())]\nuse crate::registry::contexts;\n");
    let tree = ModuleTree::new(&real);
    let c = tree.circles();
    assert!(c.iter().any(|g| g.contains(&"src/tls/settings.rs".to_owned()) && g.contains(&"src/registry.rs".to_owned())), "{c:?}");
}
