//! A platform that lets a person drive the executor one poll at a time.
//!
//! Wrapped around another platform, it keeps that platform's clock and timer
//! (so sleeps keep real time and their wakes queue up), but holds back the
//! drains the executor asks for: each [`StepControl::step`] polls one queued
//! task. [`StepControl::resume`] goes back to draining on its own.
//!
//! ```
//! use futures_playground::platform::{ManualPlatform, SteppedPlatform};
//! use futures_playground::yield_now;
//!
//! let (executor, steps) = SteppedPlatform::executor(ManualPlatform::new);
//! let handle = executor.spawn(async { yield_now().await });
//! assert!(steps.step()); // polls the task once: it yields
//! assert!(!handle.is_finished());
//! assert!(steps.step()); // and once more: done
//! assert!(handle.is_finished());
//! assert!(!steps.step()); // nothing left to poll
//! ```

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use super::{ExecutorRef, Instant, Platform};
use crate::executor::Executor;

/// The platform half; see the module documentation.
pub struct SteppedPlatform<P> {
    inner: P,
    state: Rc<State>,
}

struct State {
    executor: ExecutorRef,
    stepping: Cell<bool>,
    /// The executor asked for a drain that no step has answered yet.
    drain_waiting: Cell<bool>,
    on_ready: RefCell<Option<Box<dyn Fn()>>>,
}

/// The half a person (or the page's Step button) holds.
#[derive(Clone)]
pub struct StepControl {
    state: Rc<State>,
}

impl<P: Platform + 'static> SteppedPlatform<P> {
    /// An executor on `make_inner`'s platform, starting in stepping mode,
    /// and the control that steps it.
    pub fn executor(make_inner: impl FnOnce(ExecutorRef) -> P) -> (Executor, StepControl) {
        let mut control = None;
        let executor = Executor::new(|executor_ref| {
            let state = Rc::new(State {
                executor: executor_ref.clone(),
                stepping: Cell::new(true),
                drain_waiting: Cell::new(false),
                on_ready: RefCell::new(None),
            });
            control = Some(StepControl {
                state: state.clone(),
            });
            SteppedPlatform {
                inner: make_inner(executor_ref),
                state,
            }
        });
        (
            executor,
            control.expect("Executor::new builds its platform"),
        )
    }
}

impl StepControl {
    /// Polls one queued task, if any is queued. Returns whether one was.
    pub fn step(&self) -> bool {
        self.state.drain_waiting.set(false);
        self.state.executor.run_one()
    }

    /// Whether a task is queued, waiting for a step.
    pub fn can_step(&self) -> bool {
        self.state.drain_waiting.get()
    }

    /// Whether drains are held back for steps.
    pub fn is_stepping(&self) -> bool {
        self.state.stepping.get()
    }

    /// Stops holding drains back: the executor runs on by itself, starting
    /// with what is queued now.
    pub fn resume(&self) {
        self.state.stepping.set(false);
        if self.state.drain_waiting.replace(false) {
            self.state.executor.run_ready();
        }
    }

    /// Calls `on_ready` whenever a task becomes ready for a step. It is called
    /// from inside the executor (a wake or a spawn): it must not step there
    /// and then, only note that a step is possible (or defer the step).
    pub fn set_on_ready(&self, on_ready: Option<Box<dyn Fn()>>) {
        let previous = self.state.on_ready.replace(on_ready);
        drop(previous);
    }
}

impl<P: Platform> Platform for SteppedPlatform<P> {
    fn now(&self) -> Instant {
        self.inner.now()
    }

    fn schedule_drain(&self) {
        if !self.state.stepping.get() {
            self.inner.schedule_drain();
            return;
        }
        if !self.state.drain_waiting.replace(true) {
            let on_ready = self.state.on_ready.borrow();
            if let Some(on_ready) = on_ready.as_ref() {
                on_ready();
            }
        }
    }

    fn set_timer(&self, delay: Duration) {
        self.inner.set_timer(delay);
    }

    fn clear_timer(&self) {
        self.inner.clear_timer();
    }
}
