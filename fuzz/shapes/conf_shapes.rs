// Generated from src/tls/item_table.rs by tests/items.rs (QLSSL_BLESS=1 cargo test --release --test items); do not edit.

/// Highest config type.
pub const LAST_TYPE: i32 = 105;
/// Types whose set takes one `int`.
pub const SET_INT: &[i32] = &[1, 2, 4, 7, 8, 9, 11, 13, 14, 17, 20, 101, 103, 105];
/// Types whose set takes one `uint32_t`.
pub const SET_U32: &[i32] = &[12];
/// Types whose get writes one `int` (or `uint32_t`) through its pointer.
pub const GET_INT: &[i32] = &[1, 2, 4, 7, 8, 9, 11, 12, 13, 14, 17, 20, 101, 103, 105];
