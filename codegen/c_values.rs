// The C-visible values table (src/c_values.txt) read once and written out twice: as Rust items
// for the modules that `include!` them (build.rs writes them to OUT_DIR) and as the C section of
// include/ql_ssl.h (tests/header.rs hands it to cbindgen after the header's fixed preamble).
// Shared by build.rs and tests/header.rs through `#[path]`: plain std, no crate paths.

/// One documented item of the table.
pub enum Item {
    /// `#define NAME VALUE` / `pub const NAME: TYPE = VALUE;`.
    Const { doc: Vec<String>, name: String, rust_type: &'static str, value: String },
    /// `typedef enum { ... } NAME;` / a `#[repr(C)]` enum.
    Enum { doc: Vec<String>, name: String, variants: Vec<(Vec<String>, String, i64)> },
}

/// A cipher suite row: the constant's name and its IANA name.
pub struct Suite {
    pub name: String,
    pub iana: String,
}

/// The items of one generated Rust file, in table order.
pub struct Module {
    pub file: String,
    pub items: Vec<Item>,
    /// `suite` rows (the SDK header's ids), then `suite13` rows (TLS 1.3's).
    pub suites: Vec<Suite>,
    pub suites13: Vec<Suite>,
}

fn rust_type(c: &str) -> Option<&'static str> {
    Some(match c {
        "int" => "core::ffi::c_int",
        "size_t" => "usize",
        "uint32_t" => "u32",
        _ => return None,
    })
}

fn parse_int(text: &str) -> Option<i64> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    let v = match digits.strip_prefix("0x") {
        Some(hex) => i64::from_str_radix(hex, 16).ok()?,
        None => digits.parse().ok()?,
    };
    Some(if neg { -v } else { v })
}

fn is_name(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && !text.as_bytes()[0].is_ascii_digit()
}

/// Parse the table; an error names the line.
pub fn parse(text: &str) -> Result<Vec<Module>, String> {
    let mut modules: Vec<Module> = Vec::new();
    let mut doc: Vec<String> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let err = |what: &str| format!("src/c_values.txt:{}: {what}: {raw}", n + 1);
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            if !doc.is_empty() && line.is_empty() {
                return Err(err("documentation not followed by its item"));
            }
            continue;
        }
        if let Some(d) = line.strip_prefix("///") {
            doc.push(d.strip_prefix(' ').unwrap_or(d).to_owned());
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if words[0] == "module" {
            match words[..] {
                [_, file] if file.ends_with(".rs") && doc.is_empty() => {
                    modules.push(Module { file: file.into(), items: Vec::new(), suites: Vec::new(), suites13: Vec::new() })
                }
                _ => return Err(err("expected `module NAME.rs`")),
            }
            continue;
        }
        let Some(module) = modules.last_mut() else { return Err(err("an item before the first `module`")) };
        let indented = raw.starts_with(' ');
        match (indented, &words[..]) {
            (true, [name, "=", value]) => {
                let Some(Item::Enum { variants, .. }) = module.items.last_mut() else {
                    return Err(err("an enum value outside an enum"));
                };
                let value = parse_int(value).ok_or_else(|| err("bad value"))?;
                if !is_name(name) || doc.is_empty() {
                    return Err(err("an enum value needs a name and documentation"));
                }
                variants.push((std::mem::take(&mut doc), (*name).into(), value));
            }
            (false, ["enum", name]) if is_name(name) && !doc.is_empty() => {
                module.items.push(Item::Enum { doc: std::mem::take(&mut doc), name: (*name).into(), variants: Vec::new() });
            }
            (false, ["const", name, ty, value @ ..]) if is_name(name) && !value.is_empty() && !doc.is_empty() => {
                let rust_type = rust_type(ty).ok_or_else(|| err("type must be int, size_t or uint32_t"))?;
                let value = value.join(" ");
                module.items.push(Item::Const { doc: std::mem::take(&mut doc), name: (*name).into(), rust_type, value });
            }
            (false, [kind @ ("suite" | "suite13"), id, rest @ ..]) if doc.is_empty() => {
                let id = parse_int(id).and_then(|v| u16::try_from(v).ok()).ok_or_else(|| err("bad suite id"))?;
                let (iana, name, list, note) = match (*kind, rest) {
                    ("suite", [iana]) => ((*iana).to_owned(), format!("QL_SSL_{iana}"), &mut module.suites, ""),
                    ("suite13", [iana, name]) => ((*iana).to_owned(), (*name).to_owned(), &mut module.suites13, ", TLS 1.3 only"),
                    _ => return Err(err("expected `suite ID IANA_NAME` or `suite13 ID IANA_NAME CONST_NAME`")),
                };
                if !iana.starts_with("TLS_") || !is_name(&iana) || !is_name(&name) {
                    return Err(err("bad suite name"));
                }
                let doc = vec![format!("{iana} (IANA 0x{id:04X}){note}.")];
                module.items.push(Item::Const { doc, name: name.clone(), rust_type: "core::ffi::c_int", value: format!("0x{id:04X}") });
                list.push(Suite { name, iana });
            }
            _ => return Err(err("not a table line (see the head of the file)")),
        }
    }
    if !doc.is_empty() {
        return Err("src/c_values.txt: documentation at the end without an item".into());
    }
    for m in &modules {
        for item in &m.items {
            if let Item::Enum { name, variants, .. } = item {
                if variants.is_empty() {
                    return Err(format!("src/c_values.txt: enum {name} has no values"));
                }
            }
        }
    }
    Ok(modules)
}

fn rust_doc(out: &mut String, indent: &str, doc: &[String]) {
    for d in doc {
        out.push_str(indent);
        out.push_str(if d.is_empty() { "///" } else { "/// " });
        out.push_str(d);
        out.push('\n');
    }
}

/// The Rust items of `module`, for `include!` into the module named at its head in the table.
pub fn rust(module: &Module) -> String {
    let mut out = String::from("// Generated by build.rs from src/c_values.txt; edit the table, not this file.\n");
    for item in &module.items {
        match item {
            Item::Const { doc, name, rust_type, value } => {
                rust_doc(&mut out, "", doc);
                out.push_str(&format!("pub const {name}: {rust_type} = {value};\n"));
            }
            Item::Enum { doc, name, variants } => {
                rust_doc(&mut out, "", doc);
                out.push_str(&format!("#[repr(C)]\n#[derive(Clone, Copy, Debug, PartialEq, Eq)]\npub enum {name} {{\n"));
                for (doc, variant, value) in variants {
                    rust_doc(&mut out, "    ", doc);
                    out.push_str(&format!("    {variant} = {value},\n"));
                }
                out.push_str("}\n");
            }
        }
    }
    if !module.suites.is_empty() {
        out.push_str(&format!(
            "/// Every `QL_SSL_TLS_*` id of the SDK header with its IANA name, in the header's order.\n\
             pub(crate) const SDK_SUITES: [(core::ffi::c_int, SuiteName); {}] = [\n",
            module.suites.len()
        ));
        for s in &module.suites {
            out.push_str(&format!("    ({}, SuiteName::parse({:?})),\n", s.name, s.iana));
        }
        out.push_str("];\n");
    }
    if !module.suites13.is_empty() {
        out.push_str(&format!(
            "/// TLS 1.3's suites with their IANA names.\nconst TLS13_SUITES: [(core::ffi::c_int, &str); {}] = [\n",
            module.suites13.len()
        ));
        for s in &module.suites13 {
            out.push_str(&format!("    ({}, {:?}),\n", s.name, s.iana));
        }
        out.push_str("];\n");
    }
    out
}

fn c_doc(out: &mut String, indent: &str, doc: &[String]) {
    out.push_str(indent);
    out.push_str("/**\n");
    for d in doc {
        out.push_str(indent);
        out.push_str(if d.is_empty() { " *" } else { " * " });
        out.push_str(d);
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str(" */\n");
}

/// The C text of every module's items (constants as `#define`, enums as `typedef enum`), in table
/// order, as cbindgen would print them: a literal in decimal, an expression in parentheses.
pub fn c(modules: &[Module]) -> String {
    let mut out = String::new();
    for item in modules.iter().flat_map(|m| &m.items) {
        out.push('\n');
        match item {
            Item::Const { doc, name, value, .. } => {
                c_doc(&mut out, "", doc);
                match parse_int(value) {
                    Some(v) => out.push_str(&format!("#define {name} {v}\n")),
                    None => out.push_str(&format!("#define {name} ({value})\n")),
                }
            }
            Item::Enum { doc, name, variants } => {
                c_doc(&mut out, "", doc);
                out.push_str("typedef enum {\n");
                for (doc, variant, value) in variants {
                    c_doc(&mut out, "  ", doc);
                    out.push_str(&format!("  {variant} = {value},\n"));
                }
                out.push_str(&format!("}} {name};\n"));
            }
        }
    }
    out
}
