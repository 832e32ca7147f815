//! Measurements for the Learn tab's "Ways to do concurrency": what a waiting
//! task costs in memory on our executor, and what a switch between tasks
//! (a `yield_now`) costs in time. Both are measured in the page, never
//! computed from `size_of`.
//!
//! Memory is counted by a byte-counting global allocator: a thin wrapper
//! around the module's real allocator, [`talc`] (in place of std's dlmalloc:
//! smaller and not slower, see BENCHMARKS.md, case 6), that adds each
//! allocation's size to a running total of live bytes and takes
//! each deallocation's off. Reading that total before and after 10 000 tasks
//! are spawned and waiting gives exactly the heap those tasks hold: the tasks
//! (each one allocation, its future inside, and a second for its extras,
//! made when it first waits), the timer queue's entries and
//! the wakers it keeps. The allocator's own bookkeeping (talc's chunk tags) is not
//! counted.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert;
use super::deferred::deferred;
use crate::platform::Instant;
use crate::Executor;

/// The TypeScript shapes of this module's exports.
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** The Rust heap now, from the byte-counting allocator. */
export interface RustHeap {
  /** Bytes allocated and not yet freed. */
  liveBytes: number;
  /** Allocations made so far. */
  allocations: number;
  /** The module's linear memory, in bytes. */
  memoryBytes: number;
}

/** `measureRustTasks(n)`: the heap before and while `n` tasks wait on a timer. */
export interface RustTaskMemory {
  tasks: number;
  timersWaiting: number;
  liveTasks: number;
  liveBytesBefore: number;
  liveBytesWaiting: number;
  allocationsPerTask: number;
  memoryBytesBefore: number;
  memoryBytesWaiting: number;
  spawnMs: number;
}

/** `measureRustYields(n)`: two tasks yielding `n` times each. */
export interface RustYields {
  switches: number;
  polls: number;
  finished: boolean;
  elapsedMs: number;
}
"#;

/// The allocator that holds the module's heap: talc, growing the linear
/// memory as it needs. Only `CountingAllocator` calls it.
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// `TALC`, counting the bytes it has handed out and not had back.
struct CountingAllocator;

/// Bytes allocated and not yet freed, by everything in this module instance.
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
/// Allocations made so far (never decremented).
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

// SAFETY: every method forwards to `TALC` with the caller's own arguments,
// so `TALC`'s guarantees (alignment, size, ownership of the block) hold
// unchanged; the counters are only arithmetic on the side.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract (a
        // non-zero-sized layout), which is `TALC.alloc`'s contract.
        counted(unsafe { TALC.alloc(layout) }, layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`: the caller's contract is `TALC`'s.
        counted(unsafe { TALC.alloc_zeroed(layout) }, layout.size())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator, that is by `TALC`,
        // with this `layout`, as the caller guarantees.
        unsafe { TALC.dealloc(ptr, layout) };
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from `TALC` with `layout` and `new_size` is
        // valid for it, as the caller guarantees.
        let block = unsafe { TALC.realloc(ptr, layout, new_size) };
        if !block.is_null() {
            // On failure the old block stays allocated and nothing changes.
            LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        block
    }
}

/// Counts a block of `size` bytes just handed out; a null block (the
/// allocator failed) counts nothing.
fn counted(block: *mut u8, size: usize) -> *mut u8 {
    if !block.is_null() {
        LIVE_BYTES.fetch_add(size, Ordering::Relaxed);
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
    block
}

fn live_bytes() -> usize {
    LIVE_BYTES.load(Ordering::Relaxed)
}

fn allocations() -> usize {
    ALLOCATIONS.load(Ordering::Relaxed)
}

/// The module's linear memory, in bytes (it only ever grows).
fn memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|memory| {
            f64::from(
                memory
                    .buffer()
                    .unchecked_into::<js_sys::ArrayBuffer>()
                    .byte_length(),
            )
        })
        .unwrap_or(f64::NAN)
}

/// `rustHeapBytes()`: `{ liveBytes, allocations, memoryBytes }` now: bytes
/// the Rust heap has handed out and not had back, allocations so far, and the
/// size of the module's linear memory.
#[wasm_bindgen(js_name = rustHeapBytes, unchecked_return_type = "RustHeap")]
pub fn rust_heap_bytes() -> JsValue {
    let result = Object::new();
    convert::set(&result, "liveBytes", live_bytes() as f64);
    convert::set(&result, "allocations", allocations() as f64);
    convert::set(&result, "memoryBytes", memory_bytes());
    result.into()
}

/// `measureRustTasks(n)`: spawns `n` tasks on a fresh browser executor, each
/// awaiting `sleep(1 hour)`, and waits until every one has been polled once
/// (so each holds a registered timer and a waker). Resolves to
/// `{ tasks, timersWaiting, liveBytesBefore, liveBytesWaiting,
/// allocationsPerTask, memoryBytesBefore, memoryBytesWaiting, spawnMs }`.
/// The executor is shut down right after (every task dropped, every timer
/// cleared); `rustHeapBytes()` read afterwards shows the bytes came back.
#[wasm_bindgen(js_name = measureRustTasks, unchecked_return_type = "Promise<RustTaskMemory>")]
pub fn measure_rust_tasks(n: u32) -> Promise {
    let memory_before = memory_bytes();
    let allocations_before = allocations();
    let before = live_bytes();
    let executor = Rc::new(Executor::browser());
    let started = executor.now();
    for _ in 0..n {
        // The handle is dropped at once: the task is detached and lives on
        // in the executor alone, as a waiting task would.
        drop(executor.spawn(async {
            crate::sleep(Duration::from_secs(3600)).await;
        }));
    }
    let spawned = executor.now();
    let owner = executor.clone();
    let report = deferred();
    let resolve = report.resolve();
    // Spawned last, polled first after every sleeper's first poll: the
    // run queue is first in, first out.
    executor.spawn(crate::executor::boxed(async move {
        let waiting = live_bytes();
        let waiting_allocations = allocations();
        let result = Object::new();
        convert::set(&result, "tasks", n);
        convert::set(&result, "timersWaiting", owner.pending_timers() as u32);
        convert::set(&result, "liveTasks", owner.live_tasks() as u32);
        convert::set(&result, "liveBytesBefore", before as f64);
        convert::set(&result, "liveBytesWaiting", waiting as f64);
        convert::set(
            &result,
            "allocationsPerTask",
            (waiting_allocations - allocations_before) as f64 / f64::from(n.max(1)),
        );
        convert::set(&result, "memoryBytesBefore", memory_before);
        convert::set(&result, "memoryBytesWaiting", memory_bytes());
        convert::set(
            &result,
            "spawnMs",
            spawned.saturating_duration_since(started).as_secs_f64() * 1e3,
        );
        let _ = resolve.call1(&JsValue::NULL, &result);
        // Dropping the last handle on the executor shuts it down: the
        // sleepers are dropped and their timers cleared.
        drop(owner);
    }));
    report.promise()
}

/// `measureRustYields(n)`: two tasks on a fresh browser executor, each
/// awaiting `yield_now()` `n` times, so the executor switches from one to
/// the other on every yield. Resolves to `{ switches, polls, elapsedMs }`,
/// timed with the executor's clock (`performance.now()`) from the first
/// poll to the last.
#[wasm_bindgen(js_name = measureRustYields, unchecked_return_type = "Promise<RustYields>")]
pub fn measure_rust_yields(n: u32) -> Promise {
    let executor = Rc::new(Executor::browser());
    let polls = Rc::new(Cell::new(0u32));
    let first_poll = Rc::new(Cell::new(None));
    // The tasks read the clock through a weak handle: a task holding the
    // executor that holds it would be a cycle.
    let yielder = |polls: Rc<Cell<u32>>,
                   first_poll: Rc<Cell<Option<Instant>>>,
                   clock: Weak<Executor>| async move {
        if first_poll.get().is_none() {
            first_poll.set(clock.upgrade().map(|executor| executor.now()));
        }
        for _ in 0..n {
            polls.set(polls.get() + 1);
            crate::yield_now().await;
        }
        polls.set(polls.get() + 1);
    };
    // Boxed, as the crate's other one-off tasks: a future type of their own
    // would bring its own copy of the task code into the module (case 6).
    let a = executor.spawn(crate::executor::boxed(yielder(
        polls.clone(),
        first_poll.clone(),
        Rc::downgrade(&executor),
    )));
    let b = executor.spawn(crate::executor::boxed(yielder(
        polls.clone(),
        first_poll.clone(),
        Rc::downgrade(&executor),
    )));
    let owner = executor.clone();
    let report = deferred();
    let resolve = report.resolve();
    executor.spawn(crate::executor::boxed(async move {
        let finished = a.await.is_ok() & b.await.is_ok();
        let end = owner.now();
        let elapsed = first_poll.get().map_or(f64::NAN, |start| {
            end.saturating_duration_since(start).as_secs_f64() * 1e3
        });
        let result = Object::new();
        convert::set(&result, "switches", 2.0 * f64::from(n));
        convert::set(&result, "polls", polls.get());
        convert::set(&result, "finished", finished);
        convert::set(&result, "elapsedMs", elapsed);
        let _ = resolve.call1(&JsValue::NULL, &result);
        drop(owner);
    }));
    report.promise()
}
