//! A single-threaded executor for the browser's main thread.
//!
//! # Invariants
//!
//! These hold everywhere in this module; the rest of the code relies on them.
//!
//! 1. **Nothing is borrowed across a poll.** A task's future is polled where
//!    it lies, in the task's one allocation, and only the `body` module's
//!    state can lend it out, to one poll at a time; the run queue and the
//!    timer queue are `RefCell`s borrowed only for one push, pop or lookup,
//!    and the list of started tasks is linked through `Cell`s in the tasks. A
//!    poll may therefore spawn, wake, abort, sleep or drop anything, and a
//!    trap in the middle of a poll (a panic on wasm) leaves no borrow behind.
//!    The next drain finds that abandoned poll and finishes its task as
//!    panicked (`JoinError::Panicked`).
//! 2. **One drain per microtask, batch by batch.** A wake queues the task and,
//!    if no drain is pending, asks the platform for one (a microtask in the
//!    browser; after an 8 ms slice of back-to-back drains, a macrotask). A drain clears its "pending" flag first, then polls only
//!    the tasks queued before it began; tasks woken during it run in the next.
//! 3. **A task is queued at most once.** A wake of a queued task is merged
//!    into the queued one (`Task::queued`).
//! 4. **Wakes never fail.** A wake of a completed or cancelled task, or one
//!    that arrives after the executor has shut down, does nothing. Tasks hold
//!    their executor weakly, so a waker kept anywhere keeps no executor alive.
//! 5. **One static waker vtable.** Every waker is an `Rc<Task>` behind
//!    the `waker` module's `VTABLE`: `clone` +1, `wake` -1, `wake_by_ref` 0, `drop` -1.
//! 6. **Futures are dropped outside polls.** `abort` of the task being polled
//!    only marks it; its future is dropped when that poll returns. Shutdown
//!    drops every live task's future, with nothing borrowed: it finds each in
//!    the run queue (not polled yet), in the list of started tasks (a poll
//!    of it has returned `Pending`), or being polled (finished when that
//!    poll returns). A task done in its first poll is never listed.
//! 7. **At most one native timer.** The reactor's deadlines live in a
//!    heap, earliest on top; the native timer is armed for the earliest one,
//!    re-armed when that changes, and cleared when none are left. A sleep
//!    first polled in a drain (with no observer) is held with its delay
//!    until the drain ends; then one clock reading fixes the deadlines of all
//!    of them, so none is earlier than its poll plus its delay.
//!
//! The executor never calls the browser itself: it talks to a
//! [`Platform`].

mod body;
mod current;
mod join_handle;
mod live;
mod observer;
mod shared;
mod task;
mod waker;
mod yield_now;

pub use join_handle::{JoinError, JoinHandle};
pub use observer::{Event, Observer, WakeOutcome};
pub use task::{Phase, TaskId, TaskInfo};
pub use yield_now::{yield_now, YieldNow};

pub(crate) use current::current;
pub(crate) use shared::{Shared, SleepKey};

use task::Task;

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::rc::{Rc, Weak};

use crate::platform::{Instant, Platform};

/// An executor: its run queue, its tasks and its timer reactor.
///
/// Dropping the `Executor` shuts it down: every task still alive is
/// cancelled (its future dropped), every pending timer is forgotten and the
/// native timer cleared; wakers that outlive it do nothing.
pub struct Executor {
    shared: Rc<Shared>,
}

impl Executor {
    /// An executor on the platform that `make_platform` builds. The platform
    /// gets an [`ExecutorRef`] to report drains and timer firings with.
    pub fn new<P, F>(make_platform: F) -> Executor
    where
        P: Platform + 'static,
        F: FnOnce(ExecutorRef) -> P,
    {
        let shared = Rc::new_cyclic(|weak| {
            let platform = make_platform(ExecutorRef {
                shared: weak.clone(),
            });
            Shared::new(Box::new(platform))
        });
        Executor { shared }
    }

    /// An executor on the browser's event loop: microtasks for drains (in 8 ms slices),
    /// `setTimeout` for the native timer, `performance.now()` for the clock.
    #[cfg(target_arch = "wasm32")]
    pub fn browser() -> Executor {
        Executor::new(crate::platform::BrowserPlatform::new)
    }

    /// Spawns `future` as a task, first polled in the next drain.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.spawn_named("", future)
    }

    /// Like [`spawn`](Executor::spawn), with a name that observers and traces show.
    pub fn spawn_named<F>(
        &self,
        name: impl Into<Cow<'static, str>>,
        future: F,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        spawn_on_shared(&self.shared, name.into(), future)
    }

    /// Spawns `future` with no [`JoinHandle`]: its output is dropped when it
    /// completes. What `drop(executor.spawn(future))` does, without making and
    /// dropping the handle.
    pub fn spawn_detached<F>(&self, future: F)
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let task = Task::new(
            self.shared.next_task_id(),
            Cow::Borrowed(""),
            Rc::downgrade(&self.shared),
            future,
        );
        task.has_join_handle.set(false);
        self.shared.spawn_task(task);
    }

    /// Installs (or, with `None`, removes) the observer that sees every
    /// executor and reactor [`Event`].
    pub fn set_observer(&self, observer: Option<Rc<dyn Observer>>) {
        self.shared.set_observer(observer);
    }

    /// The platform's clock.
    pub fn now(&self) -> Instant {
        self.shared.now()
    }

    /// A weak reference, as platforms hold.
    pub fn executor_ref(&self) -> ExecutorRef {
        ExecutorRef {
            shared: Rc::downgrade(&self.shared),
        }
    }

    /// Tasks spawned and neither completed nor cancelled.
    pub fn live_tasks(&self) -> usize {
        self.shared.live_task_count()
    }

    /// Every live task, in no particular order.
    pub fn live_task_list(&self) -> Vec<TaskInfo> {
        self.shared.live_task_list()
    }

    /// Tasks waiting in the run queue.
    pub fn queued_tasks(&self) -> usize {
        self.shared.queued_task_count()
    }

    /// Sleeps registered with the reactor and not yet fired or dropped.
    pub fn pending_timers(&self) -> usize {
        self.shared.pending_timer_count()
    }

    /// The deadline the native timer is armed for, if one is armed.
    pub fn native_timer_deadline(&self) -> Option<Instant> {
        self.shared.native_timer_deadline()
    }

    /// The task being polled right now, if any.
    pub fn polling(&self) -> Option<TaskId> {
        self.shared.polling()
    }

    /// No live tasks, nothing queued, no timers, no native timer: the state
    /// every finished run must end in.
    pub fn is_quiescent(&self) -> bool {
        self.live_tasks() == 0
            && self.queued_tasks() == 0
            && self.pending_timers() == 0
            && self.native_timer_deadline().is_none()
    }

    /// Shuts the executor down now (dropping it does the same).
    pub fn shut_down(&self) {
        self.shared.shut_down();
    }

    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn shared(&self) -> &Rc<Shared> {
        &self.shared
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        self.shared.shut_down();
    }
}

impl fmt::Debug for Executor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Executor")
            .field("live_tasks", &self.live_tasks())
            .field("queued_tasks", &self.queued_tasks())
            .field("pending_timers", &self.pending_timers())
            .finish()
    }
}

/// A weak reference to an executor, through which its platform reports back.
/// Calls after the executor is gone do nothing.
#[derive(Clone)]
pub struct ExecutorRef {
    shared: Weak<Shared>,
}

impl ExecutorRef {
    /// The drain the executor asked for is due: poll the queued tasks.
    pub fn run_ready(&self) {
        if let Some(shared) = self.shared.upgrade() {
            shared.run_ready();
        }
    }

    /// Polls just the first queued task, ignoring the rest of the batch: one
    /// step. Returns whether a task was polled.
    pub fn run_one(&self) -> bool {
        self.shared.upgrade().is_some_and(|shared| shared.run_one())
    }

    /// The native timer fired: wake the timers that are due.
    pub fn fire_timers(&self) {
        if let Some(shared) = self.shared.upgrade() {
            shared.fire_timers();
        }
    }

    /// Shuts the executor down, if it still exists (see [`Executor::shut_down`]).
    pub fn shut_down(&self) {
        if let Some(shared) = self.shared.upgrade() {
            shared.shut_down();
        }
    }

    /// The executor's clock, if it still exists.
    pub fn now(&self) -> Option<Instant> {
        self.shared.upgrade().map(|shared| shared.now())
    }

    pub(crate) fn upgrade(&self) -> Option<Rc<Shared>> {
        self.shared.upgrade()
    }

    /// Whether the executor still exists and has not shut down.
    pub fn is_alive(&self) -> bool {
        self.shared
            .upgrade()
            .is_some_and(|shared| !shared.is_shut_down())
    }
}

/// Spawns `future` on the current executor: the one whose task is running,
/// or, outside any task in the browser, the page's default executor.
///
/// # Panics
/// Natively, outside any executor's task: there is no default executor
/// there; use [`Executor::spawn`].
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    spawn_named("", future)
}

/// Spawns on the page's default executor, even from inside another
/// executor's task: for work that must outlive the executor it was started from.
#[cfg(target_arch = "wasm32")]
pub(crate) fn spawn_detached_on_default<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let executor = current::default_executor().expect("the browser always has a default executor");
    spawn_on_shared(&executor, Cow::Borrowed("detached"), future)
}

/// [`spawn`] with a name for observers and traces.
pub fn spawn_named<F>(name: impl Into<Cow<'static, str>>, future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let executor = current().expect("spawn called outside any executor: use Executor::spawn");
    spawn_on_shared(&executor, name.into(), future)
}

/// `future` behind a box, as a future of one type. Each spawned future type
/// gets its own task functions (`body::FutureBody` is generic), so the tasks
/// the crate itself spawns once per run or per call (a run's `main`, the
/// bindings' reports, the smoke test's sleep, the Learn tab's hand-driven
/// task) are spawned through this and share one set: the box
/// costs one allocation per task, which none of them repeats, and the module
/// is 0.6 KB smaller gzipped (BENCHMARKS.md, case 6). Not for tasks made by
/// the thousand, nor for the Learn tab's measured ones.
pub(crate) fn boxed(
    future: impl Future<Output = ()> + 'static,
) -> std::pin::Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(future)
}

pub(crate) fn spawn_on_shared<F>(
    shared: &Rc<Shared>,
    name: Cow<'static, str>,
    future: F,
) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let task = Task::new(shared.next_task_id(), name, Rc::downgrade(shared), future);
    shared.spawn_task(task.clone());
    JoinHandle::new(task)
}
