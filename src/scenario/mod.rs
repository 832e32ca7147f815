//! The scenario language: one small async program that the playground runs twice,
//! as JavaScript Promises (the js engine) and as Rust futures (the rust engine).
//! `/work/shared/SCENARIO.md` (the contract) defines the syntax, the built-ins and
//! the trace; this module is the front end both engines share:
//!
//! - [`parse`]: source → resolved [`ast::Program`], or the first error;
//! - [`check()`](check::check) / [`check_source`]: the rust engine's extra refusals
//!   (what `rustc` would reject), all of them, in source order;
//! - [`to_json`]: the tree for the js engine's interpreter (shape documented in
//!   [`json`]);
//! - [`to_javascript`] / [`to_rust`]: the same program as idiomatic hand-written
//!   JavaScript and Rust, to show next to the traces.
//!
//! Pure Rust, no browser types: everything here runs under native `cargo test` and
//! Miri, and never panics on any input.
//!
//! # Error kinds say which engines refuse
//! - `parse` (both engines): syntax errors; unknown built-ins
//!   (``unknown built-in `foo` `` at its name); wrong number of arguments (at the
//!   built-in's name); wrong argument kinds known statically; unknown names
//!   (``cannot find value `x` in this scope`` at the name: JavaScript would only
//!   throw a `ReferenceError` when the line runs, but a program that cannot be run
//!   the same way by both is refused by both).
//! - `check` (rust engine only): moves, `await` of a non-future, logging a future,
//!   a future where a value is expected: see [`check`](mod@check).
//! - `limit`: [`MAX_SOURCE_BYTES`] (at 1:1) and [`MAX_DEPTH`] (at the token that
//!   went too deep).
//! - `runtime`: not produced here; the engines use [`ScenarioError`] for them too.
//!
//! # Built-ins: arity and argument kinds
//! | call | arguments |
//! |---|---|
//! | `sleep(ms)`, `sleep(ms, v)` | `ms` an INTEGER **literal** (so the page can see and bound every timer before running, and the Rust text is `Duration::from_millis(300)`); `v` any value (rust: not a future) |
//! | `fetch(url)` | a string (a literal, or a binding / await known to give a string) |
//! | `fail(msg)` | a string, likewise |
//! | `join(a, …)`, `race(a, …)` | at least one operand; rust: each a future |
//! | `spawn(e)` | exactly one; rust: a future |
//! | `yield_now()` | none |
//! | `log(x, …)` | any number, any values; rust: not a future |
//!
//! A kind that is known only at run time (e.g. `fetch(await race(a, b))` with
//! operands of different outputs) is the engines' `runtime` error.
//!
//! # Limits
//! Parse limits are here. A `repeat` count is *not* limited at parse time (any
//! INTEGER is accepted): the engines bound a run by its operations, time, live
//! timers and output size.

pub mod ast;
pub mod check;
mod code_layout;
pub mod codegen_js;
pub mod codegen_rust;
pub mod error;
pub mod json;
pub mod lexer;
pub mod parser;
mod resolve;
pub mod types;
pub(crate) mod walk;

pub use check::{check, check_source};
pub use codegen_js::to_javascript;
pub use codegen_rust::to_rust;
pub use error::{ErrorKind, ScenarioError};
pub use json::to_json;
pub use parser::parse;

/// Longest accepted source, in bytes (64 KiB): far more than a hand-written
/// scenario, small enough that parsing it is instant.
pub const MAX_SOURCE_BYTES: usize = 64 * 1024;

/// Deepest accepted nesting: each expression inside another (`await`, `async`,
/// call arguments) and each `repeat` body counts one level. The parser, the checks,
/// the JSON writer and the code generators recurse at most this deep.
pub const MAX_DEPTH: usize = 64;
