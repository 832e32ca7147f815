//! A platform driven by hand: a clock that moves only when told, and drains
//! and timer firings that happen only when asked for. Tests use it to run the
//! executor deterministically, natively and under Miri.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use super::{ExecutorRef, Instant, Platform};
use crate::executor::Executor;

/// A [`Platform`] for tests and for stepping an executor by hand.
///
/// Clones share one state: keep one to drive the executor, give the other
/// to [`Executor::new`] (or just use [`ManualPlatform::executor`]).
#[derive(Clone)]
pub struct ManualPlatform {
    state: Rc<State>,
}

struct State {
    executor: RefCell<Option<ExecutorRef>>,
    now: Cell<Instant>,
    drain_requested: Cell<bool>,
    /// When the native timer would fire, if armed.
    timer: Cell<Option<Instant>>,
    counts: Cell<Counts>,
}

/// How often the executor called each platform method.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub drains_requested: u64,
    pub timers_set: u64,
    pub timers_cleared: u64,
}

/// The bound on steps in [`ManualPlatform::run_until_idle`]; a test that
/// reaches it has a task that never stops waking itself.
const MAX_STEPS: usize = 1_000_000;

impl ManualPlatform {
    /// An executor on a fresh manual platform, and the handle to drive it.
    pub fn executor() -> (Executor, ManualPlatform) {
        let mut handle = None;
        let executor = Executor::new(|executor_ref| {
            let platform = ManualPlatform::new(executor_ref);
            handle = Some(platform.clone());
            platform
        });
        (executor, handle.expect("Executor::new builds its platform"))
    }

    /// A platform that reports to `executor`; the clock starts at zero.
    pub fn new(executor: ExecutorRef) -> ManualPlatform {
        ManualPlatform {
            state: Rc::new(State {
                executor: RefCell::new(Some(executor)),
                now: Cell::new(Instant::ZERO),
                drain_requested: Cell::new(false),
                timer: Cell::new(None),
                counts: Cell::new(Counts::default()),
            }),
        }
    }

    fn executor_ref(&self) -> Option<ExecutorRef> {
        self.state.executor.borrow().clone()
    }

    /// Whether the executor asked for a drain that has not run yet.
    pub fn drain_requested(&self) -> bool {
        self.state.drain_requested.get()
    }

    /// When the native timer is armed to fire, if it is.
    pub fn timer_deadline(&self) -> Option<Instant> {
        self.state.timer.get()
    }

    pub fn counts(&self) -> Counts {
        self.state.counts.get()
    }

    /// Runs one requested drain, as the host's microtask would.
    /// Returns `false` if none was requested.
    pub fn run_drain(&self) -> bool {
        if !self.state.drain_requested.replace(false) {
            return false;
        }
        if let Some(executor) = self.executor_ref() {
            executor.run_ready();
        }
        true
    }

    /// Runs drains until none is requested: everything runnable without the
    /// clock moving has run. Returns how many drains ran.
    pub fn run_until_stalled(&self) -> usize {
        let mut drains = 0;
        while self.run_drain() {
            drains += 1;
            assert!(
                drains < MAX_STEPS,
                "tasks kept waking each other for {MAX_STEPS} drains"
            );
        }
        drains
    }

    /// Moves the clock forward by `delta`, firing the native timer (and running
    /// the drains that follow) each time the clock passes its deadline.
    pub fn advance(&self, delta: Duration) {
        let target = self.now() + delta;
        self.run_until_stalled();
        while let Some(deadline) = self
            .state
            .timer
            .get()
            .filter(|&deadline| deadline <= target)
        {
            self.state.now.set(deadline.max(self.now()));
            self.fire_timer();
            self.run_until_stalled();
        }
        self.state.now.set(target);
    }

    /// Sets the clock without firing anything, as a late or stalled host would.
    pub fn set_now(&self, now: Instant) {
        self.state.now.set(now);
    }

    /// Fires the native timer now, if armed, as the host would when its
    /// deadline passes. Does not run the drain that follows.
    pub fn fire_timer(&self) -> bool {
        if self.state.timer.take().is_none() {
            return false;
        }
        if let Some(executor) = self.executor_ref() {
            executor.fire_timers();
        }
        true
    }

    /// Runs drains and jumps the clock to each timer deadline until nothing
    /// is left to do. Returns the clock's reading then.
    pub fn run_until_idle(&self) -> Instant {
        for _ in 0..MAX_STEPS {
            self.run_until_stalled();
            let Some(deadline) = self.state.timer.get() else {
                return self.now();
            };
            self.state.now.set(deadline.max(self.now()));
            self.fire_timer();
        }
        panic!("the executor was still busy after {MAX_STEPS} steps");
    }

    fn bump(&self, count: impl FnOnce(&mut Counts)) {
        let mut counts = self.state.counts.get();
        count(&mut counts);
        self.state.counts.set(counts);
    }
}

impl Platform for ManualPlatform {
    fn now(&self) -> Instant {
        self.state.now.get()
    }

    fn schedule_drain(&self) {
        self.bump(|c| c.drains_requested += 1);
        self.state.drain_requested.set(true);
    }

    fn set_timer(&self, delay: Duration) {
        self.bump(|c| c.timers_set += 1);
        self.state.timer.set(Some(self.now() + delay));
    }

    fn clear_timer(&self) {
        self.bump(|c| c.timers_cleared += 1);
        self.state.timer.set(None);
    }
}
