//! What the executor needs from its host, and nothing more.
//!
//! The executor and the timer reactor are plain Rust: they never call the
//! browser themselves. Everything they need from the outside world is the
//! [`Platform`] trait: read a monotonic clock, arrange for the run queue to be
//! drained soon (a microtask in the browser), and arm or clear *one* native
//! timer. Keeping this seam small is what lets the whole core run natively,
//! under `cargo test` and Miri, on the deterministic [`ManualPlatform`].
//!
//! The platform reports back through an [`ExecutorRef`]: when the drain it was
//! asked for comes due it calls [`ExecutorRef::run_ready`], and when the native
//! timer fires it calls [`ExecutorRef::fire_timers`].

mod instant;
mod manual;
mod stepped;

#[cfg(target_arch = "wasm32")]
mod browser;

#[cfg(target_arch = "wasm32")]
pub use browser::BrowserPlatform;
#[cfg(target_arch = "wasm32")]
pub(crate) use browser::JsCallback;
pub use instant::Instant;
pub(crate) use instant::Millis3;
pub use manual::ManualPlatform;
pub use stepped::{StepControl, SteppedPlatform};

pub use crate::executor::ExecutorRef;

use std::time::Duration;

/// The host services an [`Executor`](crate::executor::Executor) runs on.
///
/// Implementations must not call back into the executor from inside these
/// methods: a drain or a timer firing is always delivered later, from the
/// host's event loop, through the [`ExecutorRef`] the platform was built with.
pub trait Platform {
    /// The current time on a monotonic clock.
    fn now(&self) -> Instant;

    /// Arrange for [`ExecutorRef::run_ready`] to be called soon, once.
    ///
    /// The executor calls this at most once per drain: it remembers that a
    /// drain is pending and does not ask again until that drain has started.
    fn schedule_drain(&self);

    /// Arm the one native timer to call [`ExecutorRef::fire_timers`] after
    /// `delay`, replacing the timer armed before, if any.
    ///
    /// `delay` may exceed what the host can express (a browser's `setTimeout`
    /// takes at most 2^31-1 ms); the platform then fires early and the executor,
    /// finding nothing due, re-arms. Firing *late* is allowed, firing before
    /// `delay` has passed on the platform's own clock is not expected but is
    /// tolerated the same way.
    fn set_timer(&self, delay: Duration);

    /// Disarm the native timer, if one is armed.
    fn clear_timer(&self);
}
