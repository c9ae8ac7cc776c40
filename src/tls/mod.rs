//! The TLS core: settings, the connection state machine, verification, sessions, certificate
//! loading, transport and timers. It does not speak C.

pub mod boundary;
pub mod certs;
pub mod ciphers;
pub mod clock;
pub mod connection;
pub mod context;
pub mod engine;
#[cfg(feature = "tls13")]
pub mod engine_modern;
pub mod error;
pub mod gate;
pub mod handle;
pub mod hostname;
#[cfg(any(feature = "std", feature = "keylog"))]
pub mod keylog;
pub mod log;
pub mod rng;
pub mod session;
pub mod settings;
pub mod sockcheck;
pub mod timer;
pub mod transport;
pub mod verify;
