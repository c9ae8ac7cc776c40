//! `qlssl-at`: a virtual Quectel (or Air724) module speaking the SSL AT commands (seeds 001/003,
//! 004) over a pseudo-terminal or TCP, making real TLS/DTLS connections through the library's SSL
//! contexts 0..=5 (the same configs `ql_ssl_conf_set_by_id` changes). See docs/AT.md.
//!
//! * `parser`: command-line syntax (pure; fuzzed by fuzz/fuzz_targets/at_parser.rs).
//! * `engine`: one session's state machine (commands, modes, sockets, URCs); the Quectel command
//!   set, and in `engine::air724` the Air724 / SIMCom one (`--dialect air724`) on the same machinery.
//! * `service`: the only contact with library internals (`TlsService` and its adapter).
//! * `remap`: `--map` rules. `server`: the command line, pty/TCP front ends and transcript.

pub mod engine;
pub mod iot;
pub mod parser;
pub mod remap;
pub mod server;
pub mod service;
