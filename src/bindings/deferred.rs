//! A promise to settle later, from Rust.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/bindings/run_watch.js")]
extern "C" {
    /// `{ promise, resolve, reject }`, as `Promise.withResolvers()` makes:
    /// an export returns `promise` and settles it later with `resolve` or
    /// `reject`.
    pub(crate) type Deferred;

    pub(crate) fn deferred() -> Deferred;

    #[wasm_bindgen(method, getter)]
    pub(crate) fn promise(this: &Deferred) -> Promise;

    #[wasm_bindgen(method, getter)]
    pub(crate) fn resolve(this: &Deferred) -> Function;

    #[wasm_bindgen(method, getter)]
    pub(crate) fn reject(this: &Deferred) -> Function;
}
