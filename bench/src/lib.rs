//! The Rust contenders of the benchmarks in `bench/www/bench.js`.
//!
//! Every export starts one measured run and returns a `Promise` of a plain
//! object of figures. The promise is made by hand (never with
//! `wasm-bindgen-futures`), so measuring our executor does not also measure
//! theirs. Times are read inside the run with `performance.now()`, the same
//! clock the executor's browser platform reads.
//!
//! Each run of ours gets a fresh `Executor::browser()`, kept in [`CURRENT`]
//! until the next run or [`release`], so the executor is not dropped (and its
//! shutdown not timed) inside the measured span.

use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use futures_playground::executor::Event;
use futures_playground::{sleep, yield_now, Executor};
use gloo_timers::future::TimeoutFuture;
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn perf_now() -> f64;
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(callback: &JsValue);
}

thread_local! {
    /// The executor of the run in progress (or of the last one).
    static CURRENT: RefCell<Option<Executor>> = const { RefCell::new(None) };
}

fn fresh_executor() -> Executor {
    release();
    Executor::browser()
}

fn keep(executor: Executor) {
    CURRENT.with(|current| *current.borrow_mut() = Some(executor));
}

fn with_current<T>(f: impl FnOnce(&Executor) -> T) -> Option<T> {
    CURRENT.with(|current| current.borrow().as_ref().map(f))
}

/// Drops the last run's executor (shutting it down) and what it kept.
#[wasm_bindgen]
pub fn release() {
    let previous = CURRENT.with(|current| current.borrow_mut().take());
    drop(previous);
}

/// The wasm linear memory, for heap growth.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// A Promise whose executor function hands `start` the resolve function.
fn promise(start: impl FnOnce(Function)) -> Promise {
    let mut start = Some(start);
    Promise::new(&mut |resolve, _reject| {
        let start = start
            .take()
            .expect("a Promise runs its executor function once");
        start(resolve);
    })
}

/// Resolves with `{ key: value, … }`.
fn resolve_with(resolve: &Function, fields: &[(&str, JsValue)]) {
    let object = Object::new();
    for (key, value) in fields {
        Reflect::set(&object, &JsValue::from_str(key), value).expect("set on a plain object");
    }
    resolve
        .call1(&JsValue::UNDEFINED, &object)
        .expect("resolve does not throw");
}

fn num(value: f64) -> JsValue {
    JsValue::from_f64(value)
}

/// What the playground's observer does, cheaply: keep one small record per event.
#[derive(Clone, Copy)]
#[allow(dead_code)] // recorded, never read back
struct Record {
    kind: u8,
    task: u64,
}

fn record_of(event: Event<'_>) -> Record {
    let (kind, task) = match event {
        Event::Spawn { task, .. } => (0, task.0),
        Event::DrainStart { queued } => (1, queued as u64),
        Event::DrainEnd => (2, 0),
        Event::PollStart { task } => (3, task.0),
        Event::PollEnd { task, .. } => (4, task.0),
        Event::Wake { task, .. } => (5, task.0),
        Event::WakerClone { task } => (6, task.0),
        Event::WakerDrop { task } => (7, task.0),
        Event::Complete { task } => (8, task.0),
        Event::Cancel { task } => (9, task.0),
        Event::TimerRegister { timer, .. } => (10, timer.id()),
        Event::TimerFire { timer } => (11, timer.id()),
        Event::TimerCancel { timer } => (12, timer.id()),
        Event::NativeTimerSet { .. } => (13, 0),
        Event::NativeTimerClear => (14, 0),
        _ => (15, 0),
    };
    Record { kind, task }
}

/// Installs the recording observer; returns the count of events it saw.
fn observe(executor: &Executor) -> Rc<RefCell<Vec<Record>>> {
    let records = Rc::new(RefCell::new(Vec::new()));
    let log = records.clone();
    executor.set_observer(Some(Rc::new(move |event: Event<'_>| {
        log.borrow_mut().push(record_of(event));
    })));
    records
}

// ----- case 1: spawn and complete n trivial tasks -----------------------------

/// The state n trivial tasks share: they count themselves done; the last
/// one reads the clock and resolves.
struct Countdown {
    left: Cell<u32>,
    started: f64,
    resolve: Function,
    extra: RefCell<Option<Rc<RefCell<Vec<Record>>>>>,
}

impl Countdown {
    fn done_one(&self) {
        let left = self.left.get() - 1;
        self.left.set(left);
        if left == 0 {
            let ms = perf_now() - self.started;
            let events = self.extra.borrow().as_ref().map_or(0, |r| r.borrow().len());
            resolve_with(
                &self.resolve,
                &[("ms", num(ms)), ("events", num(events as f64))],
            );
        }
    }
}

/// Starts a run of `n` trivial tasks: the clock starts, then `spawn` is called
/// `n` times with the countdown they share. The promise resolves when the last
/// one is done.
fn spawn_run(
    n: u32,
    records: Option<Rc<RefCell<Vec<Record>>>>,
    spawn: impl Fn(Rc<Countdown>),
) -> Promise {
    promise(|resolve| {
        let countdown = Rc::new(Countdown {
            left: Cell::new(n),
            started: perf_now(),
            resolve,
            extra: RefCell::new(records),
        });
        for _ in 0..n {
            spawn(countdown.clone());
        }
    })
}

/// Ours: `n` tasks on a fresh executor, each completing at its first poll.
/// Spawned detached, as `spawn_local` spawns: no join handle is made.
#[wasm_bindgen(js_name = spawnOurs)]
pub fn spawn_ours(n: u32, observed: bool) -> Promise {
    let executor = fresh_executor();
    let records = observed.then(|| observe(&executor));
    let result = spawn_run(n, records, |countdown| {
        executor.spawn_detached(async move { countdown.done_one() });
    });
    keep(executor);
    result
}

/// Ours with `spawn`, its join handle dropped at once: what a join handle costs.
#[wasm_bindgen(js_name = spawnOursHandle)]
pub fn spawn_ours_handle(n: u32) -> Promise {
    let executor = fresh_executor();
    let result = spawn_run(n, None, |countdown| {
        drop(executor.spawn(async move { countdown.done_one() }));
    });
    keep(executor);
    result
}

/// wasm-bindgen-futures: `n` `spawn_local` tasks, each completing at once.
#[wasm_bindgen(js_name = spawnWbg)]
pub fn spawn_wbg(n: u32) -> Promise {
    release();
    spawn_run(n, None, |countdown| {
        spawn_local(async move { countdown.done_one() });
    })
}

// ----- case 2: one task yielding n times ----------------------------------------

/// A yield that works on any executor: wake by reference, `Pending` once.
/// (Ours is `futures_playground::yield_now`, which does exactly this; it is
/// executor-agnostic, so both contenders use it.)
async fn yield_loop(n: u32) {
    for _ in 0..n {
        yield_now().await;
    }
}

/// Ours: one task awaiting `yield_now()` `n` times.
#[wasm_bindgen(js_name = yieldOurs)]
pub fn yield_ours(n: u32) -> Promise {
    let executor = fresh_executor();
    let result = promise(|resolve| {
        let started = perf_now();
        drop(executor.spawn(async move {
            yield_loop(n).await;
            resolve_with(&resolve, &[("ms", num(perf_now() - started))]);
        }));
    });
    keep(executor);
    result
}

/// wasm-bindgen-futures: one `spawn_local` task yielding `n` times.
#[wasm_bindgen(js_name = yieldWbg)]
pub fn yield_wbg(n: u32) -> Promise {
    release();
    promise(|resolve| {
        let started = perf_now();
        spawn_local(async move {
            yield_loop(n).await;
            resolve_with(&resolve, &[("ms", num(perf_now() - started))]);
        });
    })
}

// ----- case 3: n concurrent sleeps, each awaited by its own task ----------------

/// Lateness of each sleep, the creation time, and the reactor's state at the
/// end of the first turn.
struct Sleepers {
    left: Cell<u32>,
    lateness: RefCell<Vec<f64>>,
    started: f64,
    create_ms: Cell<f64>,
    registered_at_turn_end: Cell<f64>,
    native_armed_at_turn_end: Cell<bool>,
    resolve: Function,
}

impl Sleepers {
    fn new(n: u32, resolve: Function) -> Rc<Sleepers> {
        Rc::new(Sleepers {
            left: Cell::new(n),
            lateness: RefCell::new(Vec::with_capacity(n as usize)),
            started: perf_now(),
            create_ms: Cell::new(f64::NAN),
            registered_at_turn_end: Cell::new(f64::NAN),
            native_armed_at_turn_end: Cell::new(false),
            resolve,
        })
    }

    fn fired(&self, deadline: f64) {
        self.lateness.borrow_mut().push(perf_now() - deadline);
        let left = self.left.get() - 1;
        self.left.set(left);
        if left == 0 {
            let lateness = js_sys::Float64Array::from(&self.lateness.borrow()[..]);
            resolve_with(
                &self.resolve,
                &[
                    ("createMs", num(self.create_ms.get())),
                    (
                        "registeredAtTurnEnd",
                        num(self.registered_at_turn_end.get()),
                    ),
                    (
                        "nativeArmedAtTurnEnd",
                        JsValue::from_bool(self.native_armed_at_turn_end.get()),
                    ),
                    ("totalMs", num(perf_now() - self.started)),
                    ("lateness", lateness.into()),
                ],
            );
        }
    }

    /// Marks the end of the first executor turn: a microtask queued after
    /// every spawn runs right after the drain that polled them all.
    fn after_first_turn(self: &Rc<Self>, ours: bool) {
        let this = self.clone();
        let callback = Closure::once_into_js(move || {
            this.create_ms.set(perf_now() - this.started);
            if ours {
                let (pending, armed) = with_current(|executor| {
                    (
                        executor.pending_timers(),
                        executor.native_timer_deadline().is_some(),
                    )
                })
                .unwrap_or((0, false));
                this.registered_at_turn_end.set(pending as f64);
                this.native_armed_at_turn_end.set(armed);
            }
        });
        queue_microtask(&callback);
    }
}

/// Ours: a task per deadline (ms), each awaiting `sleep`.
#[wasm_bindgen(js_name = sleepsOurs)]
pub fn sleeps_ours(deadlines: &[u32]) -> Promise {
    let executor = fresh_executor();
    let deadlines = deadlines.to_vec();
    let result = promise(|resolve| {
        let state = Sleepers::new(deadlines.len() as u32, resolve);
        for &ms in &deadlines {
            let state = state.clone();
            drop(executor.spawn(async move {
                let deadline = perf_now() + f64::from(ms);
                sleep(Duration::from_millis(u64::from(ms))).await;
                state.fired(deadline);
            }));
        }
        state.after_first_turn(true);
    });
    keep(executor);
    result
}

/// gloo-timers: a `spawn_local` task per deadline, each awaiting a `TimeoutFuture`.
#[wasm_bindgen(js_name = sleepsGloo)]
pub fn sleeps_gloo(deadlines: &[u32]) -> Promise {
    release();
    let deadlines = deadlines.to_vec();
    promise(|resolve| {
        let state = Sleepers::new(deadlines.len() as u32, resolve);
        for &ms in &deadlines {
            let state = state.clone();
            spawn_local(async move {
                let deadline = perf_now() + f64::from(ms);
                TimeoutFuture::new(ms).await;
                state.fired(deadline);
            });
        }
        state.after_first_turn(false);
    })
}

// ----- case 4: n sleeps created, polled once, dropped --------------------------

/// Polls `future` once, inside whatever task awaits this.
async fn poll_once<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
    poll_fn(|cx| Poll::Ready(Pin::new(&mut *future).poll(cx))).await
}

/// Ours: in one task, `sleep` for every deadline, poll each once (registering
/// it), then drop them all. Resolves with the time and what the reactor holds after.
#[wasm_bindgen(js_name = dropOurs)]
pub fn drop_ours(deadlines: &[u32]) -> Promise {
    let executor = fresh_executor();
    let deadlines = deadlines.to_vec();
    let result = promise(|resolve| {
        drop(executor.spawn(async move {
            let started = perf_now();
            let mut sleeps: Vec<_> = deadlines
                .iter()
                .map(|&ms| sleep(Duration::from_millis(u64::from(ms))))
                .collect();
            for sleep in &mut sleeps {
                let _ = poll_once(sleep).await;
            }
            let registered = with_current(|e| e.pending_timers()).unwrap_or(0);
            drop(sleeps);
            let ms = perf_now() - started;
            let (pending, armed) =
                with_current(|e| (e.pending_timers(), e.native_timer_deadline().is_some()))
                    .unwrap_or((usize::MAX, true));
            resolve_with(
                &resolve,
                &[
                    ("ms", num(ms)),
                    ("registered", num(registered as f64)),
                    ("pendingAfter", num(pending as f64)),
                    ("nativeArmedAfter", JsValue::from_bool(armed)),
                ],
            );
        }));
    });
    keep(executor);
    result
}

/// gloo-timers: the same with `TimeoutFuture`s in a `spawn_local` task.
#[wasm_bindgen(js_name = dropGloo)]
pub fn drop_gloo(deadlines: &[u32]) -> Promise {
    release();
    let deadlines = deadlines.to_vec();
    promise(|resolve| {
        spawn_local(async move {
            let started = perf_now();
            let mut timeouts: Vec<TimeoutFuture> =
                deadlines.iter().map(|&ms| TimeoutFuture::new(ms)).collect();
            for timeout in &mut timeouts {
                let _ = poll_once(timeout).await;
            }
            drop(timeouts);
            resolve_with(&resolve, &[("ms", num(perf_now() - started))]);
        });
    })
}

// ----- case 5: n sequential fetches ------------------------------------------

/// Ours: one task fetching `url` `n` times, one after another.
#[wasm_bindgen(js_name = fetchOurs)]
pub fn fetch_ours(url: String, n: u32) -> Promise {
    let executor = fresh_executor();
    let result = promise(|resolve| {
        drop(executor.spawn(async move {
            let started = perf_now();
            let mut ok = 0u32;
            for _ in 0..n {
                if let Ok(response) = futures_playground::fetch(url.as_str()).await {
                    ok += u32::from(response.ok());
                }
            }
            resolve_with(
                &resolve,
                &[
                    ("ms", num(perf_now() - started)),
                    ("ok", num(f64::from(ok))),
                ],
            );
        }));
    });
    keep(executor);
    result
}

/// wasm-bindgen-futures: `JsFuture` over `window.fetch`, in a `spawn_local` task.
#[wasm_bindgen(js_name = fetchWbg)]
pub fn fetch_wbg(url: String, n: u32) -> Promise {
    release();
    promise(|resolve| {
        spawn_local(async move {
            let window = web_sys::window().expect("a window");
            let started = perf_now();
            let mut ok = 0u32;
            for _ in 0..n {
                if let Ok(response) = JsFuture::from(window.fetch_with_str(&url)).await {
                    let response: web_sys::Response = response.unchecked_into();
                    ok += u32::from(response.ok());
                }
            }
            resolve_with(
                &resolve,
                &[
                    ("ms", num(perf_now() - started)),
                    ("ok", num(f64::from(ok))),
                ],
            );
        });
    })
}

// ----- floors and diagnostics --------------------------------------------------

thread_local! {
    static BUMPS: Cell<u32> = const { Cell::new(0) };
    /// An executor kept across runs (for `spawnOursWarm`): its run queue and
    /// task slab keep the capacity an earlier run grew them to.
    static WARM: Executor = Executor::browser();
}

/// The cheapest call into wasm there is, for the "queueMicrotask + one call
/// into wasm per hop" floor of case 2.
#[wasm_bindgen]
pub fn bump() -> u32 {
    BUMPS.with(|b| {
        b.set(b.get().wrapping_add(1));
        b.get()
    })
}

/// Nanoseconds per `performance.now()` read from wasm, over `n` reads
/// (what the executor pays per `Executor::now()`, e.g. per sleep registered).
#[wasm_bindgen(js_name = clockCost)]
pub fn clock_cost(n: u32) -> f64 {
    let started = perf_now();
    let mut sum = 0.0;
    for _ in 0..n {
        sum += perf_now();
    }
    let ms = perf_now() - started;
    if sum < 0.0 {
        return f64::NAN; // never: keeps the reads from being optimised away
    }
    ms * 1e6 / f64::from(n)
}

/// Case 1 on an executor that earlier runs have already grown (no reallocation
/// of the run queue and task slab while spawning), to tell growth from per-task cost.
#[wasm_bindgen(js_name = spawnOursWarm)]
pub fn spawn_ours_warm(n: u32) -> Promise {
    release();
    WARM.with(|executor| {
        spawn_run(n, None, |countdown| {
            executor.spawn_detached(async move { countdown.done_one() });
        })
    })
}
