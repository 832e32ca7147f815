//! # futures-playground
//!
//! A single-threaded executor and a browser reactor, compiled to WebAssembly,
//! for a playground that runs one small async program twice, side by side: as
//! JS Promises (eager) and as Rust futures (lazy).
//!
//! - [`executor`]: tasks, the run queue, the one static waker vtable, join
//!   handles, and an [`Observer`](executor::Observer) that sees every step.
//! - [`reactor`]: leaf futures that start work at their first poll and cancel
//!   it on drop: [`sleep`], and in the browser `fetch`.
//! - [`platform`]: the small trait the core runs on: the browser's event loop,
//!   or a [`ManualPlatform`](platform::ManualPlatform) for tests.
//!
//! - [`scenario`] and [`engines`]: the playground's small language, and the
//!   two engines that run it as real JS Promises and as real Rust futures.
//! - [`script`]: the API the playground's generated Rust is written against.
//!
//! # Example
//!
//! Spawn a task that sleeps, on an executor whose clock is driven by hand (in
//! the browser, `Executor::browser()` runs on the page's event loop instead):
//!
//! ```
//! use std::time::Duration;
//! use futures_playground::platform::ManualPlatform;
//! use futures_playground::sleep;
//!
//! let (executor, clock) = ManualPlatform::executor();
//! let handle = executor.spawn(async {
//!     // Nothing is registered until this first poll: futures are lazy.
//!     sleep(Duration::from_millis(300)).await;
//!     "woke up"
//! });
//! clock.run_until_stalled(); // the first poll: the timer is set now
//! assert_eq!(executor.pending_timers(), 1);
//! clock.advance(Duration::from_millis(300)); // the reactor fires, the task runs
//! assert!(handle.is_finished());
//! assert!(executor.is_quiescent());
//! ```
//!
//! See `ARCHITECTURE.md` for what may depend on what.

pub mod combinators;
pub mod diagnostics;
pub mod engines;
pub mod executor;
pub mod learn;
pub mod panics;
pub mod platform;
pub mod presets;
pub mod reactor;
pub mod scenario;
pub mod script;
mod vec_map;

#[cfg(target_arch = "wasm32")]
mod bindings;

pub use executor::{spawn, spawn_named, yield_now, Executor, JoinError, JoinHandle};
#[cfg(target_arch = "wasm32")]
pub use reactor::fetch::{fetch, fetch_with, FetchError, FetchErrorKind, Request, Response};
pub use reactor::{sleep, sleep_until, Sleep};

/// This crate's version, as the page shows it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `items.join(separator)`, as a plain loop.
///
/// Why not `[S]::join`: std's version is specialised per separator length
/// and links about 1 KB of wasm for each item type (two here, `&str` and
/// `String`); this loop is about 140 bytes per type.
pub(crate) fn join<S: AsRef<str>>(items: &[S], separator: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(item.as_ref());
    }
    out
}

/// Whether `text` holds the ASCII character `byte`.
///
/// Why not `text.contains(char)`: a `char` pattern (like `split_once`,
/// `lines`, `replace` or `trim_end_matches` with a `char`) links `core`'s
/// character searcher and its `memchr`, about 0.7 KB of wasm, for searches
/// this simple loop does as well.
pub(crate) fn has_byte(text: &str, byte: u8) -> bool {
    text.bytes().any(|b| b == byte)
}

/// Appends formatted text to `out`: `push_fmt(out, format_args!(…))`.
///
/// Why not `out.push_str(&format!(…))`: each `format!` inlines its own
/// allocation, copy and drop of a temporary `String` where it is written, and
/// the code generators write dozens of lines that way. Writing into `out`
/// needs no temporary, and this one call site keeps the rest out of line.
#[inline(never)]
pub(crate) fn push_fmt(out: &mut String, args: std::fmt::Arguments<'_>) {
    // Writing to a `String` cannot fail.
    let _ = std::fmt::Write::write_fmt(out, args);
}
