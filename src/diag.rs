//! Per-thread record of the last error, so a C caller can ask *why* a call failed
//! (`ql_ssl_last_error()`), not only which code it returned.

use std::cell::RefCell;

use crate::error::Error;

thread_local! {
    static LAST: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Remember `e` as this thread's last error.
pub fn record(e: &Error) {
    let text = e.to_string();
    LAST.with(|l| *l.borrow_mut() = text);
}

/// This thread's last error text ("" if none yet).
pub fn last() -> String {
    LAST.with(|l| l.borrow().clone())
}
