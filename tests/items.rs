//! Everything generated from the config-item table (src/tls/item_table.rs, the C columns as
//! src/capi/items.rs reads them) must be current:
//! - the body of `ql_ssl_config_type_e` in src/capi/abi.rs (the constants and their docs; the
//!   header follows through tests/header.rs);
//! - src/capi/shim_shapes.h: the variadic shim's `set_shape`/`get_shape`;
//! - the argument lists in cbindgen.toml's trailer (the header docs of `ql_ssl_conf_set` and
//!   `ql_ssl_conf_get`; include/ql_ssl.h follows through tests/header.rs);
//! - fuzz/shapes/conf_shapes.rs: the shape lists the conf_api fuzz target draws from.
//!
//! `QLSSL_BLESS=1 cargo test --release --test items` rewrites them (then bless the header too).

use std::fmt::Write as _;
use std::path::Path;

use qlssl::capi::items::{Shape, ITEMS};

const GENERATED: &str = "Generated from src/tls/item_table.rs by tests/items.rs (QLSSL_BLESS=1 cargo test --release --test items); do not edit.";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn shim_shapes() -> String {
    let mut s = format!("/* {GENERATED} */\n\n");
    let last = ITEMS.iter().map(|i| i.id).max().unwrap();
    writeln!(s, "/* Highest config type. */\n#define LAST_TYPE {last}\n").unwrap();
    for (func, pick) in [("set_shape", (|i: &qlssl::capi::items::Item| i.set) as fn(&_) -> Shape), ("get_shape", |i| i.get)] {
        writeln!(s, "/* What conf_{} reads after `type`, by type. */", &func[..3]).unwrap();
        writeln!(s, "static int {func}(int type)\n{{\n    switch (type) {{").unwrap();
        for row in ITEMS {
            writeln!(s, "    case {}: return {}; /* QL_SSL_CONF_{} */", row.id, pick(row).c_name(), row.name).unwrap();
        }
        writeln!(s, "    default: return ARGS_NONE; /* unknown type: nothing is read, Rust answers INVALID_PARAM */").unwrap();
        writeln!(s, "    }}\n}}\n").unwrap();
    }
    s
}

/// The set block: one entry per item, `QL_SSL_CONF_<name>` then its arguments.
fn set_doc() -> String {
    let mut s = String::new();
    for row in ITEMS {
        let name = format!("QL_SSL_CONF_{}", row.name);
        writeln!(s, " *   {name:<35} {}", row.set_doc).unwrap();
        for line in row.set_more {
            writeln!(s, " *   {:<35} {line}", "").unwrap();
        }
        for line in row.notes {
            writeln!(s, " *       {line}").unwrap();
        }
    }
    s
}

/// The get block: items with the same outputs share an entry, wrapped at 100 columns.
fn get_doc() -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for row in ITEMS {
        match groups.iter_mut().find(|(doc, _)| *doc == row.get_doc) {
            Some((_, names)) => names.push(row.name),
            None => groups.push((row.get_doc, vec![row.name])),
        }
    }
    let mut s = String::new();
    for (doc, names) in groups {
        let text = format!("{}: {doc}", names.join(", "));
        let mut line = String::from(" *  ");
        for word in text.split(' ') {
            if line.len() + 1 + word.len() > 100 {
                writeln!(s, "{line}").unwrap();
                line = String::from(" *      ");
            }
            line.push(' ');
            line.push_str(word);
        }
        writeln!(s, "{line}").unwrap();
    }
    s
}

/// The constants of `ql_ssl_config_type_e`, with their docs.
fn config_type_enum() -> String {
    let mut s = String::new();
    for row in ITEMS {
        for line in row.c_doc {
            let sep = if line.is_empty() { "" } else { " " };
            writeln!(s, "    ///{sep}{line}").unwrap();
        }
        writeln!(s, "    QL_SSL_CONF_{} = {},", row.name, row.id).unwrap();
    }
    s
}

fn fuzz_shapes() -> String {
    let ids = |f: &dyn Fn(&qlssl::capi::items::Item) -> bool| {
        ITEMS.iter().filter(|i| f(i)).map(|i| i.id.to_string()).collect::<Vec<_>>().join(", ")
    };
    let last = ITEMS.iter().map(|i| i.id).max().unwrap();
    format!(
        "// {GENERATED}\n\n\
         /// Highest config type.\n\
         pub const LAST_TYPE: i32 = {last};\n\
         /// Types whose set takes one `int`.\n\
         pub const SET_INT: &[i32] = &[{}];\n\
         /// Types whose set takes one `uint32_t`.\n\
         pub const SET_U32: &[i32] = &[{}];\n\
         /// Types whose get writes one `int` (or `uint32_t`) through its pointer.\n\
         pub const GET_INT: &[i32] = &[{}];\n",
        ids(&|i| i.set == Shape::Int),
        ids(&|i| i.set == Shape::U32),
        ids(&|i| i.get == Shape::Ptr1 && (i.set == Shape::Int || i.set == Shape::U32)),
    )
}

/// Replace the text between `start` (exclusive) and `end` (exclusive) of `text`.
fn splice(text: &str, start: &str, end: &str, new: &str) -> String {
    let a = text.find(start).unwrap_or_else(|| panic!("anchor not found: {start}")) + start.len();
    let b = a + text[a..].find(end).unwrap_or_else(|| panic!("anchor not found: {end}"));
    format!("{}{new}{}", &text[..a], &text[b..])
}

fn check(path: &Path, generated: &str) -> Option<String> {
    if std::env::var_os("QLSSL_BLESS").is_some() {
        std::fs::write(path, generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    (committed != generated).then(|| format!("{} is not what src/tls/item_table.rs generates", path.display()))
}

#[test]
fn generated_files_are_current() {
    let root = root();
    let mut stale = Vec::new();
    stale.extend(check(&root.join("src/capi/shim_shapes.h"), &shim_shapes()));
    stale.extend(check(&root.join("fuzz/shapes/conf_shapes.rs"), &fuzz_shapes()));
    let toml_path = root.join("cbindgen.toml");
    let toml = std::fs::read_to_string(&toml_path).unwrap();
    let toml_new = splice(
        &toml,
        "Arguments after `type` by type (see ql_ssl_config_type_e):\n",
        " * The client certificate presented is",
        &set_doc(),
    );
    let toml_new = splice(&toml_new, " * only on success:\n", " * Pointers returned stay valid", &get_doc());
    stale.extend(check(&toml_path, &toml_new));
    let abi_path = root.join("src/capi/abi.rs");
    let abi = std::fs::read_to_string(&abi_path).unwrap();
    let abi_new = splice(&abi, "pub enum ql_ssl_config_type_e {\n", "}\n", &config_type_enum());
    stale.extend(check(&abi_path, &abi_new));
    assert!(stale.is_empty(), "{}; regenerate with QLSSL_BLESS=1 cargo test --release --test items", stale.join("; "));
}

#[test]
fn every_item_has_shapes_and_docs() {
    for row in ITEMS {
        assert!(!row.set_doc.is_empty() && !row.get_doc.is_empty(), "{}", row.name);
        assert_ne!(row.set, Shape::None, "{}: every item can be set", row.name);
    }
}
