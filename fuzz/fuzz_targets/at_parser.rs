//! Fuzz target: the `qlssl-at` command-line parser and the engine's byte-level input handling.
//!
//! The input is split at its first 0xFF byte (or not): the first part goes to
//! `at::parser::parse_line` directly; the whole input is fed to an `Engine` in chunks whose sizes
//! come from the input, with a `TlsService` that refuses every call (no network, no TLS: the target
//! is the AT layer). The first byte's high bit picks the dialect (Quectel or Air724). Commands that
//! would reach the network or delete files (`QSSLOPEN`, `QFDEL`, `CIPSTART`, `FSDEL`) are blanked
//! out; uploads go to a scratch directory.
//!
//! Oracles: no panic, no sanitizer report; every output ends at a line boundary or a prompt; the
//! engine keeps answering `AT` afterwards (nothing wedges it beyond its timeouts: an upload may
//! wait up to the 65535 s its command asked for).
#![no_main]

use std::os::fd::RawFd;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use qlssl::at::engine::{Dialect, Engine, Options};
use qlssl::at::parser;
use qlssl::at::remap::Remap;
use qlssl::at::service::{ConfigItem, ConfigKey, ConnId, ConnInfo, FailKind, ServiceError, SvcResult, TlsService};

struct Refuse;

fn no<T>() -> SvcResult<T> {
    Err(ServiceError { kind: FailKind::InvalidParam, code: -3, text: "refused".into() })
}

impl TlsService for Refuse {
    fn set(&self, _: u8, _: &ConfigItem) -> SvcResult<()> {
        no()
    }
    fn get(&self, _: u8, key: ConfigKey) -> SvcResult<ConfigItem> {
        Ok(ConfigItem::Int(key, 0))
    }
    fn open(&self, _: u8, _: RawFd, _: &str, _: i64) -> SvcResult<ConnId> {
        no()
    }
    fn handshake(&self, _: ConnId) -> SvcResult<()> {
        no()
    }
    fn read(&self, _: ConnId, _: &mut [u8]) -> SvcResult<usize> {
        no()
    }
    fn write(&self, _: ConnId, _: &[u8]) -> SvcResult<()> {
        no()
    }
    fn info(&self, _: ConnId) -> ConnInfo {
        ConnInfo::default()
    }
    fn close(&self, _: ConnId) {}
    fn close_notify(&self, _: ConnId) {}
}

fn blank(data: &mut [u8], word: &[u8]) {
    let n = word.len();
    let mut i = 0;
    while i + n <= data.len() {
        if data[i..i + n].eq_ignore_ascii_case(word) {
            data[i] = b'#';
        }
        i += 1;
    }
}

fuzz_target!(|input: &[u8]| {
    let first = input.split(|&b| b == 0xFF).next().unwrap_or(&[]);
    let _ = parser::parse_line(first);
    let mut data = input.to_vec();
    blank(&mut data, b"QSSLOPEN");
    blank(&mut data, b"QFDEL");
    blank(&mut data, b"CIPSTART");
    blank(&mut data, b"FSDEL");
    let ufs = std::env::temp_dir().join(format!("qlssl-at-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&ufs);
    let (tx, _rx) = mpsc::channel();
    let opts = Options { ufs: ufs.clone(), map: Remap::default(), prompt_timeout: Duration::from_millis(1) };
    // The first byte's high bit picks the dialect.
    let dialect = if input.first().is_some_and(|b| b & 0x80 != 0) { Dialect::Air724 } else { Dialect::Quectel };
    let mut e = Engine::with_dialect(Arc::new(Refuse), tx, opts, dialect);
    let mut rest = &data[..];
    let mut now = Instant::now();
    while !rest.is_empty() {
        let n = (usize::from(rest[0]) % 64 + 1).min(rest.len());
        e.feed(&rest[..n], now);
        rest = &rest[n..];
        now += Duration::from_millis(300);
        e.tick(now);
        let _ = e.take_output();
    }
    // Whatever state the input left (prompt, upload, data mode): timeouts and +++ get it back.
    // Past every timeout: prompts (1 ms here) and uploads (up to 65535 s).
    now += Duration::from_secs(70_000);
    e.tick(now);
    e.feed(b"\x1b", now);
    now += Duration::from_secs(2);
    e.feed(b"+++", now);
    now += Duration::from_secs(2);
    e.tick(now);
    e.feed(b"\rAT\r", now);
    let out = e.take_output();
    e.shutdown();
    for entry in std::fs::read_dir(&ufs).into_iter().flatten().flatten() {
        let _ = std::fs::remove_file(entry.path());
    }
    assert!(out.ends_with(b"\r\n") || out.ends_with(b"> "), "{out:?}");
});
