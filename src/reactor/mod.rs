//! The reactor: leaf futures that start real work at their first poll and
//! cancel it when dropped.
//!
//! - [`sleep`] / [`sleep_until`]: a deadline in the executor's
//!   [`TimerQueue`], earliest first; the executor keeps one native timer armed
//!   for the earliest.
//! - `fetch` (browser only): a request sent with `window.fetch`, aborted through
//!   its `AbortController` if dropped before it completes.

mod sleep;
mod timer_queue;

#[cfg(target_arch = "wasm32")]
pub mod fetch;
#[cfg(target_arch = "wasm32")]
mod promise;

pub use sleep::{sleep, sleep_until, Sleep};
pub use timer_queue::{TimerKey, TimerQueue, Unfixed, UnfixedKey};
