//! The Learn tab's exports: pointer layouts and fat pointers read live
//! (`learn::layout`), the hand-made vtable (`learn::hand_vtable`), and a
//! future driven by hand on our executor, with its waker's vtable calls.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Array, Function, Object};
use wasm_bindgen::prelude::*;

use super::convert::set;
use crate::executor::{Event, Executor, JoinHandle};
use crate::learn::hand_vtable::{HandVtable, METHODS};
use crate::learn::layout::{self, Dog};
use crate::platform::{BrowserPlatform, StepControl, SteppedPlatform};

#[wasm_bindgen(module = "/src/bindings/run_watch.js")]
extern "C" {
    #[wasm_bindgen(js_name = deferCall)]
    fn defer_call(callback: &Function);
}

fn numbers(values: &[usize]) -> Array {
    values.iter().map(|&v| JsValue::from(v as f64)).collect()
}

/// `learnPointerLayouts()`: `{ wordBytes, layouts: [{ name, size, align, words, why }] }`
/// as compiled for this module's target.
#[wasm_bindgen(js_name = learnPointerLayouts)]
pub fn learn_pointer_layouts() -> JsValue {
    let layouts: Array = layout::pointer_layouts()
        .iter()
        .map(|layout| {
            let object = Object::new();
            set(&object, "name", layout.name);
            set(&object, "size", layout.size as u32);
            set(&object, "align", layout.align as u32);
            set(&object, "words", layout.words as u32);
            set(&object, "why", layout.why);
            JsValue::from(object)
        })
        .collect();
    let result = Object::new();
    set(&result, "wordBytes", std::mem::size_of::<usize>() as u32);
    set(&result, "layouts", layouts);
    result.into()
}

/// `learnSliceWords(values)`: the two words of a live `&[i32]` over
/// `values`, and its `as_ptr()` and `len()` to tell which word is which.
#[wasm_bindgen(js_name = learnSliceWords)]
pub fn learn_slice_words(values: &[i32]) -> JsValue {
    let read = layout::slice_words(values);
    let result = Object::new();
    set(&result, "words", numbers(&read.words));
    set(&result, "dataAddress", read.data_address as f64);
    set(&result, "len", read.len as u32);
    // The elements as they sit at that address, to show the data word is one.
    set(
        &result,
        "elements",
        values.iter().map(|&v| JsValue::from(v)).collect::<Array>(),
    );
    result.into()
}

/// `learnDynWords(legs)`: the two words of a live `&dyn Animal` pointing at
/// a `Dog`, and the first five entries of its vtable read from memory, each
/// with what safe code says it should be.
#[wasm_bindgen(js_name = learnDynWords)]
pub fn learn_dyn_words(legs: u32) -> JsValue {
    let dog = Box::new(Dog {
        name: "Rex".into(),
        legs,
    });
    let animal: &dyn layout::Animal = &*dog;
    let read = layout::dyn_words(animal, &dog);
    let entries: Array = read
        .entries
        .iter()
        .map(|entry| {
            let object = Object::new();
            set(&object, "slot", entry.slot);
            set(&object, "value", entry.value as f64);
            if let Some(expected) = entry.expected {
                set(&object, "expected", expected as f64);
            }
            JsValue::from(object)
        })
        .collect();
    let result = Object::new();
    set(&result, "words", numbers(&read.words));
    set(&result, "dataAddress", read.data_address as f64);
    set(&result, "entries", entries);
    set(&result, "legs", animal.legs());
    set(&result, "sound", animal.sound());
    result.into()
}

/// `learnFunctionTable()`: the module's function table, in which the
/// vtables' function entries are indices.
#[wasm_bindgen(js_name = learnFunctionTable)]
pub fn learn_function_table() -> JsValue {
    wasm_bindgen::function_table()
}

/// `learnHandVtable(slots, base, x)`: forges a vtable whose method slots
/// hold the functions `slots` names (`[0, 1, 2]` = add, sub, mul), calls
/// `add`, `sub`, `mul` with `x` through `&dyn Calculator` over `&base`, and
/// returns `{ words, functions, methods, results }`.
#[wasm_bindgen(js_name = learnHandVtable)]
pub fn learn_hand_vtable(slots: &[u32], base: i32, x: i32) -> Result<JsValue, JsValue> {
    let slots: [usize; 3] = match slots {
        &[a, b, c] if a < 3 && b < 3 && c < 3 => [a as usize, b as usize, c as usize],
        _ => {
            return Err(js_sys::RangeError::new("slots must be three numbers in 0..3").into());
        }
    };
    let table = HandVtable::new(slots);
    let results = table.call_all(&base, x);
    let result = Object::new();
    set(&result, "words", numbers(&table.words));
    set(
        &result,
        "functions",
        numbers(&HandVtable::function_addresses()),
    );
    set(
        &result,
        "methods",
        METHODS.iter().map(|&m| JsValue::from(m)).collect::<Array>(),
    );
    set(
        &result,
        "results",
        results.iter().map(|&r| JsValue::from(r)).collect::<Array>(),
    );
    Ok(result.into())
}

/// One waker vtable call, or executor/reactor step, the demo saw.
struct Seen {
    what: &'static str,
    who: &'static str,
}

/// A task `async { sleep(ms).await }` on an executor of its own
/// that polls only when told (`poll()`), so a person can play the executor:
/// poll, see `Pending`, wait for the reactor's `wake`, poll again, see
/// `Ready`. Every waker vtable call is recorded (`takeCalls()`).
#[wasm_bindgen]
pub struct WakerDemo {
    step: StepControl,
    handle: Rc<RefCell<Option<JoinHandle<()>>>>,
    seen: Rc<RefCell<Vec<Seen>>>,
    // Last, so the task and its timer go before the callbacks they use.
    _executor: Executor,
}

#[wasm_bindgen]
impl WakerDemo {
    /// `new WakerDemo(sleepMs, onChange)`: `onChange` hears (a microtask
    /// later) when the task has been woken and waits for a poll.
    #[wasm_bindgen(constructor)]
    pub fn new(sleep_ms: u32, on_change: Function) -> WakerDemo {
        let (executor, step) = SteppedPlatform::executor(BrowserPlatform::new);
        step.set_on_ready(Some(Box::new(move || defer_call(&on_change))));
        let seen = Rc::new(RefCell::new(Vec::new()));
        let log = seen.clone();
        executor.set_observer(Some(Rc::new(move |event: Event<'_>| {
            let (what, who) = match event {
                Event::PollStart { .. } => ("poll", "executor"),
                Event::PollEnd { ready: true, .. } => ("Ready", "the future"),
                Event::PollEnd { ready: false, .. } => ("Pending", "the future"),
                Event::WakerClone { .. } => ("clone", "the sleep (keeps a waker for the reactor)"),
                Event::Wake { by_ref: false, .. } => ("wake", "the reactor"),
                Event::Wake { by_ref: true, .. } => ("wake_by_ref", "the reactor"),
                Event::WakerDrop { .. } => ("drop", "whoever held that waker"),
                Event::TimerRegister { .. } => ("timer registered", "the reactor"),
                Event::TimerFire { .. } => ("timer fired", "the reactor"),
                Event::Complete { .. } => ("task complete", "executor"),
                _ => return,
            };
            if let Ok(mut log) = log.try_borrow_mut() {
                log.push(Seen { what, who });
            }
        })));
        let ms = u64::from(sleep_ms);
        // One-off, so boxed (see `executor::boxed`).
        let handle = executor.spawn_named(
            "hand-driven",
            crate::executor::boxed(async move {
                crate::sleep(Duration::from_millis(ms)).await;
            }),
        );
        WakerDemo {
            step,
            handle: Rc::new(RefCell::new(Some(handle))),
            seen,
            _executor: executor,
        }
    }

    /// Plays the executor: polls the task once if it is queued. Returns
    /// whether it was.
    pub fn poll(&self) -> bool {
        self.step.step()
    }

    /// `{ phase: "queued" | "waiting" | "ready", refCount }`: queued = woken,
    /// waiting for a poll; waiting = returned `Pending`, its waker with the
    /// reactor; `refCount` = the task's strong count now.
    pub fn state(&self) -> JsValue {
        let handle = self.handle.borrow();
        let (finished, count) = handle
            .as_ref()
            .map_or((true, 0), |h| (h.is_finished(), h.task_ref_count()));
        let phase = if finished {
            "ready"
        } else if self.step.can_step() {
            "queued"
        } else {
            "waiting"
        };
        let result = Object::new();
        set(&result, "phase", phase);
        set(&result, "refCount", count as u32);
        result.into()
    }

    /// The calls and steps seen since the last call: `[{ what, who }]`.
    #[wasm_bindgen(js_name = takeCalls)]
    pub fn take_calls(&self) -> JsValue {
        let seen = std::mem::take(&mut *self.seen.borrow_mut());
        seen.into_iter()
            .map(|seen| {
                let object = Object::new();
                set(&object, "what", seen.what);
                set(&object, "who", seen.who);
                JsValue::from(object)
            })
            .collect::<Array>()
            .into()
    }
}
