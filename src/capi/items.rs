//! The C API's view of the config-item table (src/tls/item_table.rs, the one source): one row
//! per `ql_ssl_config_type_e` item, with the argument shapes `ql_ssl_conf_set`/`ql_ssl_conf_get`
//! read and the documentation of those arguments. Everything that must agree on the shapes is
//! generated from these rows by `tests/items.rs` (`QLSSL_BLESS=1 cargo test --release --test
//! items` rewrites, a plain run checks they are current): the body of `ql_ssl_config_type_e`
//! (src/capi/abi.rs), the variadic shim's shape tables (`src/capi/shim_shapes.h`), the argument
//! lists in the header's docs of `ql_ssl_conf_set`/`ql_ssl_conf_get` (cbindgen.toml's trailer,
//! then include/ql_ssl.h), and the fuzzer's shape lists (`fuzz/shapes/conf_shapes.rs`).

use crate::tls::config_item::ConfigKind;

/// What the shim reads after `type` (`va_arg`s, in order) into the `qlssl_va_args` record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Nothing (unknown type, write-only item's get).
    None,
    /// `int` → `i` (and `u`).
    Int,
    /// `uint32_t` → `u` (and `i`).
    U32,
    /// One pointer → `p[0]`.
    Ptr1,
    /// Two pointers → `p[0..2]`.
    Ptr2,
    /// Three pointers → `p[0..3]`.
    Ptr3,
    /// Four pointers → `p[0..4]`.
    Ptr4,
    /// `void *, size_t` → `p[0], n[0]`.
    Buf,
    /// `void *, size_t, void *, size_t, void *` → `p[0], n[0], p[1], n[1], p[2]`.
    OwnBuf,
    /// `void *, int` → `p[0], i`.
    PtrInt,
    /// `void *, int, void *, int` → `p[0], i, p[1], j`.
    PtrIntPtrInt,
}

impl Shape {
    /// The shim's name for the shape.
    pub fn c_name(self) -> &'static str {
        match self {
            Shape::None => "ARGS_NONE",
            Shape::Int => "ARGS_INT",
            Shape::U32 => "ARGS_U32",
            Shape::Ptr1 => "ARGS_PTR1",
            Shape::Ptr2 => "ARGS_PTR2",
            Shape::Ptr3 => "ARGS_PTR3",
            Shape::Ptr4 => "ARGS_PTR4",
            Shape::Buf => "ARGS_BUF",
            Shape::OwnBuf => "ARGS_OWNBUF",
            Shape::PtrInt => "ARGS_PTR_INT",
            Shape::PtrIntPtrInt => "ARGS_PTR_INT_PTR_INT",
        }
    }
}

/// One config item.
#[derive(Debug)]
pub struct Item {
    /// The `ql_ssl_config_type_e` value (the SDK's).
    pub id: i32,
    /// The core's name for the item (`ConfigItem::kind`).
    pub kind: ConfigKind,
    /// The name after `QL_SSL_CONF_`.
    pub name: &'static str,
    /// Arguments of `ql_ssl_conf_set`.
    pub set: Shape,
    /// Arguments of `ql_ssl_conf_get` (output pointers).
    pub get: Shape,
    /// The docs of the `ql_ssl_config_type_e` constant.
    pub c_doc: &'static [&'static str],
    /// The set arguments, as the header documents them (first line).
    pub set_doc: &'static str,
    /// Further lines, aligned under `set_doc`.
    pub set_more: &'static [&'static str],
    /// A paragraph under the item.
    pub notes: &'static [&'static str],
    /// The get arguments, as the header documents them.
    pub get_doc: &'static str,
}

/// Builds `ITEMS` from the table's rows (the core's columns are ignored here).
macro_rules! c_rows {
    ($( {$(#[$doc:meta])*} $id:literal $name:ident $kind:ident $payload:tt $set:ident $get:ident
        [$($c:literal),*] $set_doc:literal [$($more:literal),*] [$($note:literal),*] $get_doc:literal $ext:tt; )*) => {
        /// Every item, in id order.
        pub const ITEMS: &[Item] = &[$(
            Item {
                id: $id,
                kind: ConfigKind::$kind,
                name: stringify!($name),
                set: Shape::$set,
                get: Shape::$get,
                c_doc: &[$($c),*],
                set_doc: $set_doc,
                set_more: &[$($more),*],
                notes: &[$($note),*],
                get_doc: $get_doc,
            },
        )*];
    };
}

crate::tls::item_table::with_config_items!(c_rows);

/// The row of config type `id`.
pub fn item(id: i32) -> Option<&'static Item> {
    ITEMS.iter().find(|i| i.id == id)
}

/// The row of the core's `kind`.
pub fn row_of(kind: ConfigKind) -> Option<&'static Item> {
    ITEMS.iter().find(|i| i.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::abi::ql_ssl_config_type_e;

    #[test]
    fn rows_match_the_sdk_enum() {
        let vendor: Vec<&Item> = ITEMS.iter().filter(|i| i.id < 100).collect();
        for (k, row) in vendor.iter().enumerate() {
            assert_eq!(row.id, k as i32 + 1, "the vendor's rows are in id order without gaps");
        }
        assert_eq!(vendor.len(), ql_ssl_config_type_e::QL_SSL_CONF_PSK as usize);
        for (k, row) in ITEMS.iter().filter(|i| i.id >= 100).enumerate() {
            assert_eq!(row.id, 100 + k as i32, "the extension rows follow from 100 without gaps");
        }
        assert_eq!(item(ql_ssl_config_type_e::QL_SSL_CONF_SESSION_STORE as i32).unwrap().name, "SESSION_STORE");
        assert_eq!(item(ql_ssl_config_type_e::QL_SSL_CONF_CACERT as i32).unwrap().name, "CACERT");
        assert_eq!(item(ql_ssl_config_type_e::QL_SSL_CONF_IGNORE_CERT_ITEM as i32).unwrap().set, Shape::U32);
        assert!(item(0).is_none() && item(22).is_none());
    }

    #[test]
    fn every_kind_has_one_row() {
        for (k, row) in ITEMS.iter().enumerate() {
            assert!(ITEMS[..k].iter().all(|r| r.kind != row.kind), "{:?} has two rows", row.kind);
            assert_eq!(row_of(row.kind).map(|r| r.id), Some(row.id));
            assert_eq!(row.kind.id(), row.id);
        }
    }
}
