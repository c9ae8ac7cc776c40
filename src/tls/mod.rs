//! The TLS core: settings, the connection state machine, verification, sessions, certificate
//! loading, transport and timers. It does not speak C.

#[cfg(feature = "ext-items")]
pub mod bundle;
pub mod clock;
pub mod config_item;
pub mod item_table;
pub mod connection;
pub mod context;
pub mod engine;
pub mod error;
pub mod gate;
pub mod handle;
pub mod hostname;
pub mod iot;
#[cfg(feature = "ext-items")]
pub mod store;
pub mod log;
pub mod settings;
pub mod sockcheck;
pub mod vecmap;
pub mod verify;

// The engine's bridges under their old core paths (`crate::tls::transport`, `crate::transport`):
// they live in `engine/` because they name mbedtls; callers above the seam use their typed API.
pub use engine::{boundary, certs, ciphers, rng, session, timer, transport};
#[cfg(any(feature = "std", feature = "keylog"))]
pub use engine::keylog;
#[cfg(feature = "tls13")]
pub use engine::modern as engine_modern;
