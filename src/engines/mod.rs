//! The two engines that run a scenario program, and the trace they share.
//!
//! - [`rust`]: the program as real Rust futures (this crate's `sleep`, `fetch`,
//!   `spawn` and combinators), polled by this crate's executor: lazy.
//! - `js` (browser only): the program as real JS Promises, `setTimeout` and
//!   `fetch`, interpreted from the parsed tree in the page's JavaScript: eager.
//!
//! Both write [`trace::TraceEvent`]s in the shape `SCENARIO.md` defines.

#[cfg(target_arch = "wasm32")]
pub mod js;
pub mod limits;
pub mod rust;
pub mod trace;
pub mod value;

pub use limits::Limits;
pub use trace::{EventKind, TraceEvent};
pub use value::Value;
