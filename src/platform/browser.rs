//! The browser's event loop as a [`Platform`]: microtasks for drains (in 8 ms
//! slices, then a macrotask),
//! one `setTimeout` for the reactor, `performance.now()` for the clock.

use std::time::Duration;

use wasm_bindgen::prelude::*;

use super::{ExecutorRef, Instant, Platform};

#[wasm_bindgen(module = "/src/platform/browser.js")]
extern "C" {
    type NativeScheduler;

    #[wasm_bindgen(constructor)]
    fn new(on_drain: &JsValue, on_timer: &JsValue) -> NativeScheduler;
    #[wasm_bindgen(method, js_name = scheduleDrain)]
    fn schedule_drain(this: &NativeScheduler);
    #[wasm_bindgen(method, js_name = setTimer)]
    fn set_timer(this: &NativeScheduler, ms: f64);
    #[wasm_bindgen(method, js_name = clearTimer)]
    fn clear_timer(this: &NativeScheduler);
    #[wasm_bindgen(method)]
    fn dispose(this: &NativeScheduler);

    #[wasm_bindgen(js_name = now)]
    fn performance_now() -> f64;
}

/// The longest delay `setTimeout` honours; longer ones fire at once.
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

/// A Rust callback handed to JavaScript, counted while it lives so leak
/// tests can see that every one is freed.
pub(crate) struct JsCallback(Closure<dyn Fn()>);

impl JsCallback {
    pub(crate) fn new(callback: impl Fn() + 'static) -> JsCallback {
        crate::diagnostics::JS_CLOSURE.up();
        JsCallback(Closure::new(callback))
    }

    pub(crate) fn as_js(&self) -> &JsValue {
        self.0.as_ref()
    }
}

impl Drop for JsCallback {
    fn drop(&mut self) {
        crate::diagnostics::JS_CLOSURE.down();
    }
}

/// The browser platform. Owns one closure for drains and one for the timer,
/// for the executor's whole life: none is made per wake or per timer.
pub struct BrowserPlatform {
    scheduler: NativeScheduler,
    _on_drain: JsCallback,
    _on_timer: JsCallback,
}

impl BrowserPlatform {
    pub fn new(executor: ExecutorRef) -> BrowserPlatform {
        let drain_ref = executor.clone();
        let on_drain = JsCallback::new(move || drain_ref.run_ready());
        let on_timer = JsCallback::new(move || executor.fire_timers());
        let scheduler = NativeScheduler::new(on_drain.as_js(), on_timer.as_js());
        BrowserPlatform {
            scheduler,
            _on_drain: on_drain,
            _on_timer: on_timer,
        }
    }
}

/// Whole milliseconds for `setTimeout`, rounded up (it truncates, and firing
/// early only costs a re-arm) and capped at what it accepts.
fn timeout_millis(delay: Duration) -> f64 {
    (delay.as_secs_f64() * 1000.0).ceil().min(MAX_TIMEOUT_MS)
}

impl Platform for BrowserPlatform {
    fn now(&self) -> Instant {
        Instant::from_millis_f64(performance_now())
    }

    fn schedule_drain(&self) {
        self.scheduler.schedule_drain();
    }

    fn set_timer(&self, delay: Duration) {
        self.scheduler.set_timer(timeout_millis(delay));
    }

    fn clear_timer(&self) {
        self.scheduler.clear_timer();
    }
}

impl Drop for BrowserPlatform {
    fn drop(&mut self) {
        // Before the closures are freed: queued callbacks must not reach them.
        self.scheduler.dispose();
    }
}
