//! The js engine: the program as real JS Promises, `setTimeout` and `fetch`,
//! interpreted in the page's JavaScript from the tree the Rust parser made
//! (`engine.js`, shipped in the package as a wasm-bindgen snippet).

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;

use crate::bindings::convert::set;
use crate::engines::Limits;

#[wasm_bindgen(module = "/src/engines/js/engine.js")]
extern "C" {
    #[wasm_bindgen(js_name = runJs)]
    fn run_js(program_json: &str, options: &JsValue) -> Promise;
}

/// Runs a parsed program (its JSON, see `scenario::json`) on the js engine;
/// resolves to the trace object.
pub fn run(program_json: &str, limits: &Limits, on_event: &JsValue, signal: &JsValue) -> Promise {
    let options = Object::new();
    set(&options, "limits", limits_object(limits));
    set(&options, "onEvent", on_event.clone());
    set(&options, "signal", signal.clone());
    run_js(program_json, &options)
}

/// `{ timeMs, operations, liveTimers, liveTasks, events, outputBytes }`.
pub fn limits_object(limits: &Limits) -> JsValue {
    let object = Object::new();
    for (key, value) in [
        ("timeMs", limits.time_ms),
        ("operations", limits.operations as f64),
        ("liveTimers", limits.live_timers as f64),
        ("liveTasks", limits.live_tasks as f64),
        ("events", limits.events as f64),
        ("outputBytes", limits.output_bytes as f64),
    ] {
        set(&object, key, value);
    }
    object.into()
}
