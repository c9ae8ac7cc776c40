//! include/ql_ssl.h must be exactly what the pinned cbindgen generates from src/ now, and it must
//! declare everything the three SDK header generations declare (tests/sdk/identifiers.tsv, a
//! copy of the facts gathered from the SDK), with the current generation's values, while a real
//! `<mbedtls/ssl.h>` can be included before or after it.
//! Run with QLSSL_BLESS=1 to rewrite the header after changing the Rust definitions.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

// The C-visible values table (src/c_values.txt); its Rust half is build.rs's.
#[allow(dead_code)]
#[path = "../codegen/c_values.rs"]
mod c_values;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_header_matches_cbindgen_output() {
    let root = root();
    let mut config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    // cbindgen does not see the items src/ `include!`s from the values table: their C form follows
    // the fixed preamble, before everything cbindgen prints.
    let table = std::fs::read_to_string(root.join("src/c_values.txt")).expect("src/c_values.txt");
    let values = c_values::parse(&table).unwrap_or_else(|e| panic!("{e}"));
    let preamble = config.after_includes.take().unwrap_or_default();
    config.after_includes = Some(preamble + &c_values::c(&values));
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

/// The values table's two outputs of one small table, and its refusals (each names its line).
#[test]
fn values_table_generates_rust_and_c_and_refuses_malformed_lines() {
    let table = "module m.rs\n/// Doc.\nconst A int 0x10\n/// B.\nconst B size_t A - 1\n/// E.\nenum e_t\n    /// One.\n    E_ONE = -1\n";
    let modules = c_values::parse(table).unwrap();
    let rust = c_values::rust(&modules[0]);
    assert!(rust.contains("/// Doc.\npub const A: core::ffi::c_int = 0x10;\n"), "{rust}");
    assert!(rust.contains("pub const B: usize = A - 1;\n"), "{rust}");
    assert!(rust.contains("pub enum e_t {\n    /// One.\n    E_ONE = -1,\n}\n"), "{rust}");
    let c = c_values::c(&modules);
    assert!(c.contains("/**\n * Doc.\n */\n#define A 16\n"), "{c}");
    assert!(c.contains("#define B (A - 1)\n"), "{c}");
    assert!(c.contains("typedef enum {\n  /**\n   * One.\n   */\n  E_ONE = -1,\n} e_t;\n"), "{c}");
    for (bad, line) in [
        ("module m.rs\nconst A int 1\n", 2),                   // no documentation
        ("module m.rs\n/// A.\nconst A long 1\n", 3),         // unknown type
        ("/// A.\nconst A int 1\n", 2),                         // before any module
        ("module m.rs\n/// A.\n    A = 1\n", 3),               // a value outside an enum
        ("module m.rs\n/// E.\nenum e\n    /// V.\n    V = x\n", 5), // not a number
        ("module m.rs\nsuite 0x10000 TLS_X\n", 2),              // not a suite id
        ("module m.rs\n/// A.\n\nconst A int 1\n", 3),        // documentation cut off
    ] {
        let e = c_values::parse(bad).err().unwrap_or_else(|| panic!("accepted: {bad:?}"));
        assert!(e.contains(&format!("c_values.txt:{line}:")), "{bad:?}: {e}");
    }
    let e = c_values::parse("module m.rs\n/// E.\nenum e\n").err().expect("an enum without values");
    assert!(e.contains("enum e has no values"), "{e}");
}

/// A scratch directory for generated C files, unique per test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn cc() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".into())
}

/// Compile `src` (in `dir`) against include/, warnings as errors; link when `out` is given.
fn compile(dir: &Path, file: &str, src: &str, std: &str, out: Option<&str>) -> Result<(), String> {
    compile_with(dir, file, src, std, out, &[])
}

/// `compile`, with include directories searched before include/ (whose lwip/ holds the host
/// runtime's stand-ins).
fn compile_with(dir: &Path, file: &str, src: &str, std: &str, out: Option<&str>, first: &[&Path]) -> Result<(), String> {
    let c = dir.join(file);
    std::fs::write(&c, src).unwrap();
    let mut cmd = Command::new(cc());
    cmd.arg(format!("-std={std}")).args(["-Wall", "-Wextra", "-Werror"]);
    for d in first {
        cmd.arg("-I").arg(d);
    }
    cmd.arg("-I").arg(root().join("include"));
    match out {
        Some(o) => cmd.arg("-o").arg(dir.join(o)),
        None => cmd.arg("-fsyntax-only"),
    };
    let r = cmd.arg(&c).output().expect("run the C compiler (set CC)");
    if r.status.success() {
        Ok(())
    } else {
        Err(format!("{} failed:\n{}{}", c.display(), String::from_utf8_lossy(&r.stdout), String::from_utf8_lossy(&r.stderr)))
    }
}

struct Row {
    name: String,
    kind: String,
    value: String,
    generations: String,
    notes: String,
}

fn rows() -> Vec<Row> {
    let tsv = std::fs::read_to_string(root().join("tests/sdk/identifiers.tsv")).expect("tests/sdk/identifiers.tsv");
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert!(f.len() >= 4, "malformed row: {l}");
            Row {
                name: f[0].into(),
                kind: f[1].into(),
                value: f[2].into(),
                generations: f[3].into(),
                notes: f.get(4).copied().unwrap_or("").into(),
            }
        })
        .collect()
}

/// Older-generation (A only) numbers that collide with the current generation get a number of
/// their own here (docs: ql_ssl_config_type_e).
const RENUMBERED: &[(&str, &str)] = &[("QL_SSL_CONF_PSK", "21")];

/// Members the SDK declares only with a feature switched off in its default build (or only in the
/// older generation): the default layout (tests/sdk/layout.md) has no such member; the setting is
/// reached through the config item named here, which must exist.
const NOT_IN_DEFAULT_LAYOUT: &[(&str, &str)] = &[
    ("ql_ssl_config.psk_key", "QL_SSL_CONF_PSK_KEY"),
    ("ql_ssl_config.psk_key_len", "QL_SSL_CONF_PSK"),
    ("ql_ssl_config.psk_identity", "QL_SSL_CONF_PSK_IDENTITY"),
    ("ql_ssl_config.psk_identity_len", "QL_SSL_CONF_PSK"),
    ("ql_ssl_config.dtls_version", "QL_SSL_CONF_DTLSVERSION"),
    ("ql_ssl_config.renegotiation", "QL_SSL_CONF_RENEGOTIATION"),
];

fn is_current(r: &Row) -> bool {
    r.generations.split(',').any(|g| g == "U" || g == "G")
}

/// The current generation's value of a row that exists only in the older one, if they conflict.
fn current_value(r: &Row) -> Option<String> {
    r.notes.split(" | ").find_map(|n| n.strip_prefix("generation conflict: U/G=")).map(str::to_owned)
}

/// A C program with one check per row of identifiers.tsv. Compile-time checks (_Static_assert on
/// types, prototypes and sizes) make a wrong row fail the build; runtime checks print one line
/// per row: "ok", "FAIL" or "missing". Every row must be handled: an unknown kind fails the test.
fn checker_source(rows: &[Row]) -> String {
    let prelude = "#include <stdbool.h>\n#include <stdint.h>\n#include <stdio.h>\n#include <string.h>\n#include \"ql_ssl.h\"\n\
                   #define QLSSL_STR_(x) #x\n#define QLSSL_STR(x) QLSSL_STR_(x)\n\
                   #define SAME_TYPE(a, b) __builtin_types_compatible_p(a, b)\n\
                   static int failed, ok;\n\
                   static void row(const char *name, int good, const char *what) {\n\
                   \x20   printf(\"%-55s %s %s\\n\", name, good ? \"ok  \" : \"FAIL\", what);\n\
                   \x20   if (good) ok++; else failed++;\n}\n";
    let mut c = String::from("int main(void) {\n");
    let mut statics = String::new();
    for (i, r) in rows.iter().enumerate() {
        let n = &r.name;
        let current = is_current(r);
        match r.kind.as_str() {
            "macro" if r.value == "(empty)" => {
                writeln!(c, "#ifdef {n}\n  row(\"{n}\", sizeof(QLSSL_STR({n})) == 1, \"defined, empty\");\n#else\n  row(\"{n}\", 0, \"missing\");\n#endif").unwrap();
            }
            "macro" if r.value.starts_with("(ssl_ctx_ptr)") => {
                let expansion = r.value.trim_start_matches("(ssl_ctx_ptr)").trim();
                writeln!(
                    c,
                    "#ifdef {n}\n  row(\"{n}\", strcmp(QLSSL_STR({n}(ssl_ctx_ptr)), \"{expansion}\") == 0, \"function-like macro -> {expansion}\");\n#else\n  row(\"{n}\", 0, \"missing\");\n#endif"
                )
                .unwrap();
            }
            "macro" => {
                let v = &r.value;
                writeln!(c, "#ifdef {n}\n  row(\"{n}\", ({n}) == ({v}), \"= {v}\");\n#else\n  row(\"{n}\", 0, \"missing\");\n#endif").unwrap();
            }
            "enum" => {
                let want = if current {
                    r.value.clone()
                } else if let Some(v) = current_value(r) {
                    v
                } else if let Some((_, v)) = RENUMBERED.iter().find(|(name, _)| name == n) {
                    (*v).to_owned()
                } else {
                    panic!("A-only enum constant {n} without a rule")
                };
                let what = if current { format!("= {want}") } else { format!("= {want} (older generation: {})", r.value) };
                writeln!(c, "  row(\"{n}\", ({n}) == ({want}), \"{what}\");").unwrap();
            }
            "typedef" => {
                let t = match r.value.as_str() {
                    "enum" => format!("_Static_assert(sizeof({n}) == sizeof(int), \"{n} is an int-sized enum\");"),
                    "struct" => format!("_Static_assert(sizeof({n}) > 0, \"{n}\");"),
                    "int" => format!("_Static_assert(SAME_TYPE({n}, int), \"{n} is int\");"),
                    f if f.starts_with("void(*)(") => {
                        let params = &f["void(*)(".len()..f.len() - 1];
                        format!("_Static_assert(SAME_TYPE({n}, void (*)({params})), \"{n}\");")
                    }
                    other => panic!("typedef {n}: unknown form {other}"),
                };
                writeln!(statics, "{t}").unwrap();
                writeln!(c, "  row(\"{n}\", 1, \"typedef {}\");", r.value).unwrap();
            }
            "member" => {
                let (ty, member) = n.split_once('.').unwrap();
                let exempt = NOT_IN_DEFAULT_LAYOUT.iter().find(|(m, _)| m == n);
                let inactive = r.notes.contains("U: inactive");
                if let Some((_, item)) = exempt {
                    assert!(!current || inactive, "{n} is an active current member but listed as exempt");
                    writeln!(
                        c,
                        "  row(\"{n}\", {item} > 0, \"not in the SDK's default layout (feature off / older generation): via {item}\");"
                    )
                    .unwrap();
                    continue;
                }
                assert!((current && !inactive) || (!current && current_value(r).is_some()), "{n}: member row without a rule");
                let want_ty = current_value(r).unwrap_or_else(|| r.value.clone());
                let check = if want_ty == "mbedtls_ssl_session" {
                    // Opaque storage of the SDK's size, under a name of its own (no clash with mbedtls).
                    format!("_Static_assert(sizeof((({ty} *)0)->{member}) == (sizeof(void *) == 8 ? 168 : 144) && _Alignof(qlssl_session_storage) == 8, \"{n}\");")
                } else if want_ty == "ip_addr_t" {
                    // lwIP's dual-stack layout (24 bytes) under a name of its own (no clash with lwIP's
                    // headers; real_lwip_and_mbedtls_headers_any_order compares it with lwIP's type).
                    format!("_Static_assert(SAME_TYPE(__typeof__((({ty} *)0)->{member}), qlssl_ip_addr) && sizeof(qlssl_ip_addr) == 24, \"{n}\");")
                } else {
                    format!("_Static_assert(SAME_TYPE(__typeof__((({ty} *)0)->{member}), {want_ty}), \"{n} is {want_ty}\");")
                };
                writeln!(statics, "{check}").unwrap();
                writeln!(c, "  row(\"{n}\", 1, \"member {want_ty}\");").unwrap();
            }
            "function" => {
                let f = &r.value;
                let open = f.find('(').unwrap();
                let (ret, params) = (f[..open].trim(), &f[open..]);
                writeln!(statics, "_Static_assert(SAME_TYPE(__typeof__(&{n}), {ret} (*){params}), \"{n}: {f}\");").unwrap();
                writeln!(c, "  row(\"{n}\", 1, \"function {f}\");").unwrap();
            }
            other => panic!("row {i} ({n}): unknown kind {other}"),
        }
    }
    c.push_str("  printf(\"%d rows ok, %d failed\\n\", ok, failed);\n  return failed != 0;\n}\n");
    format!("{prelude}\n/* compile-time checks */\n{statics}\n{c}")
}

#[test]
fn header_declares_every_sdk_identifier() {
    let rows = rows();
    assert!(rows.len() >= 297, "identifiers.tsv has {} rows", rows.len());
    let src = checker_source(&rows);
    let dir = scratch("sdk_identifiers");
    compile(&dir, "sdk_identifiers.c", &src, "gnu11", Some("sdk_identifiers")).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(dir.join("sdk_identifiers")).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines = text.lines().filter(|l| l.contains(" ok ") || l.contains(" FAIL ")).count();
    let failures: Vec<&str> = text.lines().filter(|l| l.contains(" FAIL ")).collect();
    println!("{text}");
    assert_eq!(lines, rows.len(), "every row of identifiers.tsv gets exactly one check");
    assert!(out.status.success() && failures.is_empty(), "{} of {} rows fail:\n{}", failures.len(), rows.len(), failures.join("\n"));
}

/// The SDK header includes mbedtls/ssl.h; applications may include the real one next to ours.
#[test]
fn real_mbedtls_header_before_and_after() {
    let mbedtls = Path::new("/usr/include/mbedtls/ssl.h");
    assert!(mbedtls.exists(), "needs mbedtls 2.28's headers: apt-get install -y libmbedtls-dev");
    let dir = scratch("with_mbedtls");
    let body = "\nint use(void);\nint use(void) {\n\
                \x20   mbedtls_ssl_session s; /* the real type, not ours */\n\
                \x20   ql_ssl_config c;\n\
                \x20   (void)s;\n\
                \x20   c.ignore_certitem = MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_CN_MISMATCH | MBEDTLS_X509_BADCRL_BAD_KEY;\n\
                \x20   return (int)c.ignore_certitem;\n}\n";
    for (name, order) in [
        ("mbedtls_first.c", "#include <mbedtls/ssl.h>\n#include \"ql_ssl.h\"\n"),
        ("ql_ssl_first.c", "#include \"ql_ssl.h\"\n#include <mbedtls/ssl.h>\n"),
    ] {
        for std in ["c99", "c11"] {
            compile(&dir, name, &format!("{order}{body}"), std, None).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    // Our bits have mbedtls's values (the real header defines them identically or fails above).
    let values = "#include <mbedtls/x509.h>\n#include \"ql_ssl.h\"\n\
                  _Static_assert(MBEDTLS_X509_BADCERT_EXPIRED == 0x01 && MBEDTLS_X509_BADCRL_BAD_KEY == 0x080000, \"bits\");\n";
    compile(&dir, "values.c", values, "c11", None).unwrap_or_else(|e| panic!("{e}"));
    // And no typedef of that name in ours.
    let ours = std::fs::read_to_string(root().join("include/ql_ssl.h")).unwrap();
    assert!(!ours.contains("} mbedtls_ssl_session;") && !ours.contains("mbedtls_ssl_session;"));
}

/// The real lwIP 2.1.3 headers (Debian's liblwip-dev: lwIP's own include/ with Debian's unix-port
/// lwipopts.h and arch/cc.h, IPv4 + IPv6) and a real <mbedtls/ssl.h> in one translation unit with
/// ql_ssl.h, in all six orders, C99 and C11, -Wall -Wextra -Werror. The SDK's ql_ssl_session has
/// an lwIP `ip_addr_t` member; ours has the same layout under its own name, checked here against
/// lwIP's definition (size, member offsets, and a value copied between the two).
#[test]
fn real_lwip_and_mbedtls_headers_any_order() {
    let lwip = Path::new("/usr/include/lwip");
    assert!(lwip.join("lwip/ip_addr.h").exists(), "needs lwIP 2.1.3's headers: apt-get install -y liblwip-dev");
    assert!(Path::new("/usr/include/mbedtls/ssl.h").exists(), "needs mbedtls 2.28's headers: apt-get install -y libmbedtls-dev");
    let dir = scratch("with_lwip");
    let parts = [
        "#include <lwip/ip_addr.h>\n#include <lwip/sockets.h>\n",
        "#include <mbedtls/ssl.h>\n",
        "#include \"ql_ssl.h\"\n",
    ];
    let body = "#include <stddef.h>\n#include <string.h>\n\
                typedef char remote_ip_size[sizeof(((ql_ssl_session *)0)->remote_ip) == sizeof(ip_addr_t) ? 1 : -1];\n\
                typedef char u_addr_offset[offsetof(qlssl_ip_addr, u_addr) == offsetof(ip_addr_t, u_addr) ? 1 : -1];\n\
                typedef char type_offset[offsetof(qlssl_ip_addr, type) == offsetof(ip_addr_t, type) ? 1 : -1];\n\
                typedef char zone_offset[offsetof(qlssl_ip6_addr, zone) == offsetof(ip6_addr_t, zone) ? 1 : -1];\n\
                int use(void);\n\
                int use(void) {\n\
                \x20   ql_ssl_config c;\n\
                \x20   ip_addr_t peer;\n\
                \x20   mbedtls_ssl_session s; /* the real type */\n\
                \x20   memset(&c, 0, sizeof c);\n\
                \x20   IP_ADDR4(&peer, 127, 0, 0, 1);\n\
                \x20   memcpy(&c.ssl_session_cache.remote_ip, &peer, sizeof peer);\n\
                \x20   mbedtls_ssl_session_init(&s);\n\
                \x20   mbedtls_ssl_session_free(&s);\n\
                \x20   c.ignore_certitem = MBEDTLS_X509_BADCERT_CN_MISMATCH;\n\
                \x20   return (int)(c.ssl_session_cache.remote_ip.u_addr.ip4.addr == ip4_addr_get_u32(ip_2_ip4(&peer))) +\n\
                \x20          c.ssl_session_cache.remote_ip.type + (int)c.ignore_certitem;\n}\n";
    let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    for (i, order) in orders.iter().enumerate() {
        // POSIX: Debian's lwIP port (arch/cc.h) includes <sys/types.h>; in strict ISO C mode its
        // arch.h then defines ssize_t a second time (lwIP's own conflict, with or without ours).
        let src = format!("#define _POSIX_C_SOURCE 200809L\n{}{}{}{}", parts[order[0]], parts[order[1]], parts[order[2]], body);
        for std in ["c99", "c11"] {
            compile_with(&dir, &format!("order{i}_{std}.c"), &src, std, None, &[lwip]).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    // ql_ssl.h itself names none of lwIP's types (it would collide with lwIP included after it).
    let ours = std::fs::read_to_string(root().join("include/ql_ssl.h")).unwrap();
    for t in ["ip_addr_t;", "ip4_addr_t;", "ip6_addr_t;", "ip_addr_u;"] {
        assert!(!ours.contains(&format!("}} {t}")), "ql_ssl.h defines {t}");
    }
}

/// QLSSL_VERSION_* in ql_ssl.h are Cargo.toml's version (the string macro is written by hand in
/// cbindgen.toml, the numbers come from src/capi/version.rs); tests/c/api_version.c compares them with
/// the library's qlssl_version_number()/qlssl_version_string() at run time.
#[test]
fn version_macros_are_cargo_version() {
    let (maj, min, pat) = (env!("CARGO_PKG_VERSION_MAJOR"), env!("CARGO_PKG_VERSION_MINOR"), env!("CARGO_PKG_VERSION_PATCH"));
    let v = env!("CARGO_PKG_VERSION");
    let number = (maj.parse::<u32>().unwrap() << 24) | (min.parse::<u32>().unwrap() << 16) | (pat.parse::<u32>().unwrap() << 8);
    let src = format!(
        "#include <string.h>\n#include \"ql_ssl.h\"\n\
         _Static_assert(QLSSL_VERSION_MAJOR == {maj} && QLSSL_VERSION_MINOR == {min} && QLSSL_VERSION_PATCH == {pat}, \"numbers\");\n\
         _Static_assert(QLSSL_VERSION_NUMBER == {number}u, \"number\");\n\
         _Static_assert(sizeof(QLSSL_VERSION_STRING) == sizeof(\"{v}\"), \"text length\");\n\
         int check(void);\nint check(void) {{ return strcmp(QLSSL_VERSION_STRING, \"{v}\"); }}\n"
    );
    let dir = scratch("version");
    compile(&dir, "version.c", &src, "c11", None).unwrap_or_else(|e| panic!("{e}"));
    let h = std::fs::read_to_string(root().join("include/ql_ssl.h")).unwrap();
    assert!(h.contains(&format!("#define QLSSL_VERSION_STRING \"{v}\"")), "QLSSL_VERSION_STRING is not \"{v}\" (cbindgen.toml)");
}
