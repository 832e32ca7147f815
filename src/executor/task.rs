//! A spawned future and the little state the executor keeps beside it.

use std::any::Any;
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::Waker;

use super::live::Links;
use super::shared::Shared;

/// A task's future, with its output type erased so that one non-generic
/// `Task` (and one waker vtable) serves every spawned future. Outputs of
/// zero-sized types, the common case, box without allocating.
pub(crate) type TaskFuture = Pin<Box<dyn Future<Output = Box<dyn Any>>>>;

/// Identifies a task within its executor; ids count up from 1 and are never
/// reused, so a trace can name a task after it is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskId(pub u64);

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task#{}", self.0)
    }
}

/// Where a task is in its life. It only ever moves forward, except
/// `Idle` <-> `Running` for each poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Waiting to be polled: queued, or waiting for a wake.
    Idle,
    /// Being polled right now; its future is out of `Task::future`.
    Running,
    /// Its future returned `Ready`; the output waits for the join handle.
    Completed,
    /// Aborted, or dropped by executor shutdown, before completing.
    Cancelled,
}

/// A snapshot of one live task, for executor views and stall reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskInfo {
    pub id: TaskId,
    pub name: String,
    pub phase: Phase,
    pub queued: bool,
}

/// One spawned future. Shared through `Rc`: the executor's task list, the run
/// queue, every waker and the join handle each hold a strong reference.
///
/// Every field is a `Cell`: values are moved in and out (`take`/`set`), never
/// borrowed, so nothing can stay borrowed across a poll or a trap.
pub(crate) struct Task {
    pub(crate) id: TaskId,
    pub(crate) name: Cow<'static, str>,
    /// Weak, so that a waker outliving the executor keeps no executor alive
    /// and its wake quietly does nothing.
    pub(crate) executor: Weak<Shared>,
    /// This task's place in the executor's list of live tasks.
    pub(crate) links: Links,
    pub(crate) phase: Cell<Phase>,
    /// In the run queue: a further wake is a no-op until it is popped.
    pub(crate) queued: Cell<bool>,
    /// `abort()` was called while the task was being polled: it is cancelled
    /// as soon as that poll returns, never in the middle of it.
    pub(crate) abort_requested: Cell<bool>,
    /// `None` while running, and once completed or cancelled.
    pub(crate) future: Cell<Option<TaskFuture>>,
    /// The output, between completion and the join handle taking it.
    pub(crate) output: Cell<Option<Box<dyn Any>>>,
    /// Woken when the task completes or is cancelled.
    pub(crate) join_waker: Cell<Option<Waker>>,
    /// Whether a join handle exists; without one an output is dropped at once.
    pub(crate) has_join_handle: Cell<bool>,
}

impl Task {
    pub(crate) fn new(
        id: TaskId,
        name: Cow<'static, str>,
        executor: Weak<Shared>,
        future: TaskFuture,
    ) -> Rc<Task> {
        crate::diagnostics::TASK.up();
        Rc::new(Task {
            id,
            name,
            executor,
            links: Links::default(),
            phase: Cell::new(Phase::Idle),
            queued: Cell::new(false),
            abort_requested: Cell::new(false),
            future: Cell::new(Some(future)),
            output: Cell::new(None),
            join_waker: Cell::new(None),
            has_join_handle: Cell::new(true),
        })
    }

    pub(crate) fn is_finished(&self) -> bool {
        matches!(self.phase.get(), Phase::Completed | Phase::Cancelled)
    }

    /// Schedules this task on its executor: what every waker does. A wake
    /// after the executor is gone does nothing.
    pub(crate) fn wake(self: &Rc<Self>, by_ref: bool) {
        if let Some(executor) = self.executor.upgrade() {
            executor.wake_task(self, by_ref);
        }
    }

    /// Wakes whoever awaits the join handle; called once, on completion or
    /// cancellation.
    pub(crate) fn notify_join_handle(&self) {
        if let Some(waker) = self.join_waker.take() {
            waker.wake();
        }
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        crate::diagnostics::TASK.down();
    }
}
