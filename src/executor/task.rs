//! A spawned future and the little state the executor keeps beside it.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::fmt;
use std::future::Future;
use std::rc::{Rc, Weak};
use std::task::Waker;

use super::body::{Body, FutureBody};
use super::live::Links;
use super::shared::Shared;

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

/// One spawned future, with the little state the executor keeps beside it,
/// in one allocation. Shared through `Rc`: the run queue, the executor's
/// list of started tasks, the executor while it polls the task, every waker
/// and the join handle each hold a strong reference.
///
/// The future's type is erased behind `Body` (the default `B`), so one
/// non-generic `Rc<Task>` and one waker vtable serve every spawned future.
/// `Rc<Task>` is a wide pointer; a waker's data pointer is the thin address
/// of the same task, and [`Task::from_thin`] turns it back.
///
/// Every field but the body is a `Cell`, or (the extras) a `OnceCell` of
/// `Cell`s: values are moved in and out (`take`/`set`), never borrowed, so
/// nothing can stay borrowed across a poll or a trap. The body keeps its
/// future in place under its own rules.
#[repr(C)]
pub(crate) struct Task<B: ?Sized = dyn Body> {
    /// First, so at offset 0 whatever `B` is (`repr(C)`): a waker, holding
    /// only the task's thin address, reads it there to rebuild the wide
    /// pointer. Made for `B` in `Task::new`.
    widen: fn(*const ()) -> *const Task,
    /// Weak, so that a waker outliving the executor keeps no executor alive
    /// and its wake quietly does nothing.
    pub(crate) executor: Weak<Shared>,
    id: StoredId,
    /// What only some tasks need, in an allocation of its own made the first
    /// time one does (see [`Extras`]); a task that never does carries one
    /// pointer's worth of room for it.
    extras: OnceCell<Box<Extras>>,
    pub(crate) phase: Cell<Phase>,
    /// In the run queue: a further wake is a no-op until it is popped.
    pub(crate) queued: Cell<bool>,
    /// `abort()` was called while the task was being polled: it is cancelled
    /// as soon as that poll returns, never in the middle of it.
    pub(crate) abort_requested: Cell<bool>,
    /// Whether a join handle exists; without one an output is dropped at once.
    pub(crate) has_join_handle: Cell<bool>,
    /// The future, then its output.
    pub(crate) body: B,
}

/// The part of a task that only some tasks need: made for a named task at
/// its spawn, or for an unnamed one when a poll of it first returns
/// `Pending`, when a join handle first waits for it, or when its panic
/// message is kept for its join handle. So the commonest short task
/// (unnamed, done in its first poll, never waited for) takes 44 bytes on
/// wasm32 with its reference counts, where everything in the task took 88:
/// the 100k tasks of benchmark case 1 are all alive at once, and there their
/// size shows in the time (see BENCHMARKS.md).
#[derive(Default)]
pub(crate) struct Extras {
    name: Cow<'static, str>,
    /// This task's place in the executor's list of started tasks, once a
    /// poll of it has returned `Pending`.
    pub(crate) links: Links,
    /// Why the task ended, if a poll of it panicked, until the join handle takes it.
    panic_message: Cell<Option<Box<str>>>,
    /// The join handle's waker, woken when the task completes or is cancelled.
    pub(crate) join_waker: Cell<Option<Waker>>,
}

/// A [`TaskId`] kept as two 32-bit halves. As a `u64` it would align the
/// whole task to 8 bytes: a task of benchmark case 1 would then take 48
/// bytes, not 44, and talc, which hands out chunks in steps of 16 bytes
/// with 4 of its own, would give it 64 rather than 48.
#[derive(Clone, Copy)]
struct StoredId([u32; 2]);

impl StoredId {
    fn new(id: TaskId) -> StoredId {
        // Truncation intended: the low and the high half.
        StoredId([id.0 as u32, (id.0 >> 32) as u32])
    }

    fn get(self) -> TaskId {
        TaskId(u64::from(self.0[0]) | u64::from(self.0[1]) << 32)
    }
}

impl Extras {
    /// Out of line: `Task::new` is made once per spawned future type, and
    /// this need not be.
    #[inline(never)]
    fn named(name: Cow<'static, str>) -> OnceCell<Box<Extras>> {
        OnceCell::from(Box::new(Extras {
            name,
            ..Extras::default()
        }))
    }
}

/// The `widen` of tasks whose body is a `B`.
fn widen_body<B: Body + 'static>(data: *const ()) -> *const Task {
    data.cast::<Task<B>>() as *const Task
}

impl Task {
    /// A task for `future`, idle, with a join handle to come: one
    /// allocation, and a second for its extras if it is named.
    pub(crate) fn new<F>(
        id: TaskId,
        name: Cow<'static, str>,
        executor: Weak<Shared>,
        future: F,
    ) -> Rc<Task>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        crate::diagnostics::TASK.up();
        Rc::new(Task {
            widen: widen_body::<FutureBody<F>>,
            id: StoredId::new(id),
            extras: if name.is_empty() {
                OnceCell::new()
            } else {
                Extras::named(name)
            },
            executor,
            phase: Cell::new(Phase::Idle),
            queued: Cell::new(false),
            abort_requested: Cell::new(false),
            has_join_handle: Cell::new(true),
            body: FutureBody::new(future),
        })
    }

    /// The task whose thin address is `data`, as a wide pointer.
    ///
    /// # Safety
    /// `data` must be the address of a live task (`Rc::as_ptr(task).cast()`).
    pub(crate) unsafe fn from_thin(data: *const ()) -> *const Task {
        // SAFETY: `data` points at a live `Task<B>`, whose first field
        // (`repr(C)`) is its `widen`, a function pointer, aligned as the task is.
        let widen = unsafe { data.cast::<fn(*const ()) -> *const Task>().read() };
        widen(data)
    }

    pub(crate) fn id(&self) -> TaskId {
        self.id.get()
    }

    /// The task's thin address, as a waker holds it.
    pub(crate) fn thin(task: &Rc<Task>) -> *const () {
        Rc::as_ptr(task).cast()
    }

    /// The task's extras, made now if it has none yet.
    pub(crate) fn extras(&self) -> &Extras {
        self.extras.get_or_init(Box::default)
    }

    pub(crate) fn name(&self) -> &str {
        self.extras.get().map_or("", |extras| &extras.name)
    }

    /// In the executor's list of started tasks.
    pub(crate) fn is_listed(&self) -> bool {
        self.extras
            .get()
            .is_some_and(|extras| extras.links.is_listed())
    }

    pub(crate) fn set_panic_message(&self, message: Box<str>) {
        self.extras().panic_message.set(Some(message));
    }

    pub(crate) fn take_panic_message(&self) -> Option<Box<str>> {
        self.extras.get()?.panic_message.take()
    }

    /// Spawned and not polled yet: idle, and not in the list of started
    /// tasks (a poll that returns `Pending` lists its task).
    pub(crate) fn awaits_first_poll(&self) -> bool {
        self.phase.get() == Phase::Idle && !self.is_listed()
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

    /// Puts `waker` (the join handle's, woken when the task finishes) where
    /// the one kept was, and returns that one. The extras are made only to
    /// keep a waker, never to take one out.
    pub(crate) fn replace_join_waker(&self, waker: Option<Waker>) -> Option<Waker> {
        match (self.extras.get(), waker) {
            (Some(extras), waker) => extras.join_waker.replace(waker),
            (None, None) => None,
            (None, Some(waker)) => self.extras().join_waker.replace(Some(waker)),
        }
    }

    /// Wakes whoever awaits the join handle; called once, on completion or
    /// cancellation.
    pub(crate) fn notify_join_handle(&self) {
        if let Some(waker) = self.replace_join_waker(None) {
            waker.wake();
        }
    }
}

impl<B: ?Sized> Drop for Task<B> {
    fn drop(&mut self) {
        crate::diagnostics::TASK.down();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_id_gives_back_the_whole_u64() {
        for id in [1, u64::from(u32::MAX), 1 << 32, (7 << 32) | 5, u64::MAX] {
            assert_eq!(StoredId::new(TaskId(id)).get(), TaskId(id), "{id:#x}");
        }
    }
}

/// Sizes as the page sees them: on wasm32, in the browser.
#[cfg(all(test, target_arch = "wasm32"))]
mod wasm32_layout {
    use std::mem::{align_of, size_of};
    use std::rc::Rc;

    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// The bytes `Rc::new` asks for a task of `future`: its two counts, then
    /// the task; and the task's alignment.
    fn allocation_of<F: Future + 'static>(_: &F) -> (usize, usize) {
        (
            2 * size_of::<usize>() + size_of::<Task<FutureBody<F>>>(),
            align_of::<Task<FutureBody<F>>>(),
        )
    }

    #[wasm_bindgen_test]
    fn a_short_task_fits_in_a_48_byte_chunk_of_talc() {
        // Benchmark case 1's task: unnamed, its future holding one `Rc`.
        let shared = Rc::new(());
        let future = async move { drop(shared) };
        let (size, align) = allocation_of(&future);
        // talc hands out chunks in steps of 16 bytes, 4 of them its own: a
        // task of up to 44 bytes takes 48, one of 45 to 60 takes 64.
        assert!(size <= 44, "{size} bytes");
        assert_eq!(align, 4, "nothing in the task needs 8-byte alignment");
    }
}
