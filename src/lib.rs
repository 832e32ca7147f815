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
//! See `ARCHITECTURE.md` for what may depend on what.

pub mod combinators;
pub mod engines;
pub mod executor;
pub mod platform;
pub mod presets;
pub mod reactor;
pub mod scenario;
pub mod script;

#[cfg(target_arch = "wasm32")]
mod bindings;

pub use executor::{spawn, spawn_named, yield_now, Executor, JoinError, JoinHandle};
#[cfg(target_arch = "wasm32")]
pub use reactor::fetch::{fetch, fetch_with, FetchError, FetchErrorKind, Request, Response};
pub use reactor::{sleep, sleep_until, Sleep};

/// This crate's version, as the page shows it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
