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
pub type Mutex<T> = spin::mutex::Mutex<T, crate::platform::hooks::YieldRelax>;
#[cfg(feature = "baremetal")]
pub use lazy::Lazy;

/// A value computed on first use. (spin's own `Lazy` is `Sync` only with its default relax
/// strategy, so this is the same idea over a `spin::once::Once` that yields.)
#[cfg(feature = "baremetal")]
mod lazy {
    pub struct Lazy<T, F = fn() -> T> {
        cell: spin::once::Once<T, crate::platform::hooks::YieldRelax>,
        init: F,
    }

    impl<T, F: Fn() -> T> Lazy<T, F> {
        pub const fn new(init: F) -> Self {
            Lazy { cell: spin::once::Once::new(), init }
        }
    }

    impl<T, F: Fn() -> T> core::ops::Deref for Lazy<T, F> {
        type Target = T;
        fn deref(&self) -> &T {
            self.cell.call_once(|| (self.init)())
        }
    }
}
#[cfg(feature = "baremetal")]
pub type RunOnce = spin::once::Once<(), crate::platform::hooks::YieldRelax>;
