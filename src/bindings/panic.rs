//! Panics in the browser: the module's panic hook, and the test-only way to
//! cause one inside a task.
//!
//! A panic is a trap that leaves the instance mid-way, so the hook asks
//! wasm-bindgen for a fresh instance at the next call into the module
//! (`schedule_reinit`), and `panic.js` settles every Rust run in flight with
//! the panic's message and silences the old instance's callbacks. The page
//! shows the message; its next run works on the fresh instance.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/bindings/panic.js")]
extern "C" {
    #[wasm_bindgen(js_name = enginePanicked)]
    fn engine_panicked(message: &str);
}

/// Installs the hook (once). Called before anything can panic in a run.
pub(crate) fn install_hook() {
    crate::panics::capture_messages(|message| {
        engine_panicked(message);
        wasm_bindgen::handler::schedule_reinit();
    });
}

/// Test-only: the next operation a Rust run polls panics with `message`.
/// Tests use it to check that the page reports a panic and recovers; no
/// scenario program can cause one.
#[wasm_bindgen(js_name = debugPanicInNextPoll)]
pub fn debug_panic_in_next_poll(#[wasm_bindgen(unchecked_param_type = "string")] message: JsValue) {
    install_hook();
    let message = message.as_string().unwrap_or_else(|| "test panic".into());
    crate::panics::panic_in_next_poll(&message);
}
