//! Counts of live objects, for leak tests: a run that ends must leave each
//! count where it found it.

use std::cell::Cell;

thread_local! {
    static EXECUTORS: Cell<usize> = const { Cell::new(0) };
    static TASKS: Cell<usize> = const { Cell::new(0) };
    static JS_CLOSURES: Cell<usize> = const { Cell::new(0) };
}

/// What is alive on this thread right now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LiveCounts {
    /// Executors not yet freed (shut down or not).
    pub executors: usize,
    /// Tasks not yet freed, on every executor.
    pub tasks: usize,
    /// Rust closures handed to JavaScript and not yet freed.
    pub js_closures: usize,
}

pub fn live_counts() -> LiveCounts {
    LiveCounts {
        executors: EXECUTORS.with(Cell::get),
        tasks: TASKS.with(Cell::get),
        js_closures: JS_CLOSURES.with(Cell::get),
    }
}

/// One more (`+1`) or one fewer (`-1`) of a kind, from its constructor and its `Drop`.
pub(crate) struct Counter(&'static std::thread::LocalKey<Cell<usize>>);

pub(crate) const EXECUTOR: Counter = Counter(&EXECUTORS);
pub(crate) const TASK: Counter = Counter(&TASKS);
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) const JS_CLOSURE: Counter = Counter(&JS_CLOSURES);

impl Counter {
    pub(crate) fn up(&self) {
        self.0.with(|count| count.set(count.get() + 1));
    }

    pub(crate) fn down(&self) {
        self.0
            .with(|count| count.set(count.get().saturating_sub(1)));
    }
}
