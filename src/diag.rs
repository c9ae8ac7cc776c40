//! The record of the last error, so a C caller can ask *why* a call failed (`ql_ssl_last_error()`),
//! not only which code it returned. Per thread on Linux; one slot for the library on bare metal.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::Error;
use crate::platform;

/// Remember `e` as the last error.
pub fn record(e: &Error) {
    platform::set_last_error(e.to_string());
}

/// The last error text ("" if none yet).
pub fn last() -> String {
    platform::last_error()
}
