//! Locks and one-time initialisation. On Linux the standard library's (futex based, already in
//! every std program: `parking_lot` and `once_cell` were ≈ 6 KiB more in a module build,
//! docs/PERFORMANCE.md "Size"); on bare metal the `spin` crate, whose spin loop calls the
//! integrator's `yield` hook (if any) so that a waiting task lets a lower-priority lock holder run
//! on a single-core RTOS.

#[cfg(feature = "std")]
pub use std::sync::LazyLock as Lazy;
#[cfg(feature = "std")]
pub use std::sync::Once as RunOnce;
#[cfg(feature = "std")]
pub use std::sync::OnceLock;
#[cfg(feature = "std")]
pub use std_mutex::Mutex;

/// `std::sync::Mutex` with the lock API the library was written against (parking_lot's): `lock`
/// returns the guard, no poisoning. A panic inside a lock cannot leave a half-updated value that
/// matters here: panics are bugs, caught at the C boundary (release) or aborting (module build).
#[cfg(feature = "std")]
mod std_mutex {
    use std::sync::{MutexGuard, PoisonError, TryLockError};

    #[derive(Default, Debug)]
    pub struct Mutex<T: ?Sized>(std::sync::Mutex<T>);

    impl<T> Mutex<T> {
        pub const fn new(value: T) -> Self {
            Mutex(std::sync::Mutex::new(value))
        }
    }

    impl<T: ?Sized> Mutex<T> {
        pub fn lock(&self) -> MutexGuard<'_, T> {
            self.0.lock().unwrap_or_else(PoisonError::into_inner)
        }

        /// The guard, or None when another thread holds the lock.
        pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
            match self.0.try_lock() {
                Ok(guard) => Some(guard),
                Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
                Err(TryLockError::WouldBlock) => None,
            }
        }
    }

    impl<T> From<T> for Mutex<T> {
        fn from(value: T) -> Self {
            Mutex::new(value)
        }
    }
}

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
