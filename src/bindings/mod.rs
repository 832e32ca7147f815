//! What JavaScript sees of the crate (`pkg/futures_playground.js`).

pub(crate) mod convert;
mod deferred;
mod learn;
mod learn_measure;
mod panic;
mod scenario;

/// The TypeScript shapes of what the exports take and give.
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.ts");

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;

use crate::engines::rust::event_text;
use crate::executor::{Event, Executor};
use crate::platform::Millis3;

/// The crate's version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// Sleeps `ms` in a task on a fresh executor, watching every event, and
/// resolves to `{ requestedMs, elapsedMs, polls, wakes, events }`: proof that
/// the executor, its waker and the timer reactor work in this browser.
#[wasm_bindgen(unchecked_return_type = "Promise<SmokeReport>")]
pub fn smoke(ms: u32) -> Promise {
    let executor = Rc::new(Executor::browser());
    let events = Rc::new(RefCell::new(Vec::<String>::new()));
    // Polls and wakes (either kind) seen so far.
    let counts = Rc::new(Cell::new((0u32, 0u32)));
    let log = events.clone();
    let counted = counts.clone();
    let clock = Rc::downgrade(&executor);
    executor.set_observer(Some(Rc::new(move |event: Event<'_>| {
        let (polls, wakes) = counted.get();
        match event {
            Event::PollStart { .. } => counted.set((polls + 1, wakes)),
            Event::Wake { .. } => counted.set((polls, wakes + 1)),
            _ => {}
        }
        let now = clock.upgrade().map_or(Duration::ZERO, |executor| {
            executor.now().elapsed_since_origin()
        });
        let now = Millis3(now).to_string();
        // The rust engine's texts for events, not `Event`'s `Debug`: see
        // `event_text`.
        let text = event_text(&event);
        log.borrow_mut().push(format!("{now:>10} ms  {text}"));
    })));

    let started = executor.now();
    let timer = executor.clone();
    // One-off, so boxed (see `executor::boxed`), as a `()` task: the time
    // slept comes back through a cell, not as the task's output.
    let slept = Rc::new(Cell::new(Duration::ZERO));
    let woke = slept.clone();
    let sleeper = executor.spawn_named(
        "smoke",
        crate::executor::boxed(async move {
            crate::sleep(Duration::from_millis(u64::from(ms))).await;
            woke.set(timer.now().saturating_duration_since(started));
        }),
    );
    let reply = deferred::deferred();
    let (resolve, reject) = (reply.resolve(), reply.reject());
    // Holding the executor keeps it alive until the report is made;
    // dropping it then shuts it down.
    let owner = executor.clone();
    executor.spawn_named(
        "report",
        crate::executor::boxed(async move {
            let elapsed = match sleeper.await {
                Ok(()) => slept.get(),
                Err(error) => {
                    let _ =
                        reject.call1(&JsValue::UNDEFINED, &JsValue::from_str(&error.to_string()));
                    return;
                }
            };
            owner.set_observer(None);
            let events = events.take();
            let (polls, wakes) = counts.get();
            let report = Object::new();
            for (key, value) in [
                ("requestedMs", JsValue::from(ms)),
                ("elapsedMs", JsValue::from(elapsed.as_secs_f64() * 1000.0)),
                ("polls", JsValue::from(polls)),
                ("wakes", JsValue::from(wakes)),
                (
                    "events",
                    events
                        .iter()
                        .map(|e| JsValue::from_str(e))
                        .collect::<Array>()
                        .into(),
                ),
            ] {
                convert::set(&report, key, value);
            }
            let _ = resolve.call1(&JsValue::UNDEFINED, &report);
        }),
    );
    reply.promise()
}
