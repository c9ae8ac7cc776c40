//! Locks and one-time initialisation. On Linux `parking_lot` and `once_cell`; on bare metal the
//! `spin` crate, whose spin loop calls the integrator's `yield` hook (if any) so that a waiting
//! task lets a lower-priority lock holder run on a single-core RTOS.

#[cfg(feature = "std")]
pub use once_cell::sync::Lazy;
#[cfg(feature = "std")]
pub use parking_lot::Mutex;
#[cfg(feature = "std")]
pub use std::sync::Once as RunOnce;

#[cfg(feature = "baremetal")]
pub type Mutex<T> = spin::Mutex<T, crate::platform::hooks::YieldRelax>;
#[cfg(feature = "baremetal")]
pub type Lazy<T, F = fn() -> T> = spin::Lazy<T, F, crate::platform::hooks::YieldRelax>;
#[cfg(feature = "baremetal")]
pub type RunOnce = spin::Once<(), crate::platform::hooks::YieldRelax>;
