//! The waker: one `static` [`RawWakerVTable`] for every task.
//!
//! A waker's data pointer is the thin address of its [`Task`] (`Rc<Task>` is
//! wide: the task's body is a `dyn`), turned back into the `Rc` by
//! [`Task::from_thin`]; each live waker owns one strong count of that `Rc`:
//!
//! | vtable fn     | reference count        | effect                          |
//! |---------------|------------------------|---------------------------------|
//! | `clone`       | +1                     | a new waker for the same task   |
//! | `wake`        | -1 (consumes the waker)| schedules the task              |
//! | `wake_by_ref` | unchanged              | schedules the task              |
//! | `drop`        | -1                     | nothing else                    |
//!
//! The waker handed to a poll is *borrowed* ([`BorrowedWaker`]): it shares the
//! executor's own reference and is never dropped, so polling costs no count
//! changes at all; only a future that keeps the waker (`clone`) pays for it.
//! Because every waker of every task uses the same `&VTABLE`, `will_wake`
//! between two wakers of one task is true.

use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::rc::Rc;
use std::task::{RawWaker, RawWakerVTable, Waker};

use super::observer::Event;
use super::task::Task;

pub(crate) static VTABLE: RawWakerVTable =
    RawWakerVTable::new(clone_waker, wake, wake_by_ref, drop_waker);

/// A waker for `task` that borrows the caller's reference instead of owning one.
pub(crate) struct BorrowedWaker<'a> {
    waker: ManuallyDrop<Waker>,
    _task: &'a Rc<Task>,
}

impl<'a> BorrowedWaker<'a> {
    pub(crate) fn new(task: &'a Rc<Task>) -> BorrowedWaker<'a> {
        let raw = RawWaker::new(Task::thin(task), &VTABLE);
        // SAFETY: the data pointer comes from a live `Rc<Task>` that `'a`
        // keeps alive for as long as this waker can be used, and `VTABLE`'s
        // functions expect exactly such a pointer. The waker is never dropped
        // (ManuallyDrop), so it never gives back a count it does not own;
        // clones made from it take their own count in `clone_waker`.
        let waker = unsafe { Waker::from_raw(raw) };
        BorrowedWaker {
            waker: ManuallyDrop::new(waker),
            _task: task,
        }
    }
}

impl Deref for BorrowedWaker<'_> {
    type Target = Waker;

    fn deref(&self) -> &Waker {
        &self.waker
    }
}

/// Reports a vtable call to the task's executor's observer, if both exist.
fn observe(task: &Task, event: Event<'_>) {
    if let Some(executor) = task.executor.upgrade() {
        executor.emit(event);
    }
}

unsafe fn clone_waker(data: *const ()) -> RawWaker {
    // SAFETY: `data` is the pointer of a live waker: the thin address of a
    // task whose count is at least one while that waker exists.
    let task = unsafe { Task::from_thin(data) };
    // SAFETY: `task` is that task's `Rc` pointer, alive as just said; the new
    // waker owns the count added here.
    unsafe { Rc::increment_strong_count(task) };
    // SAFETY: the count just added keeps the task alive.
    let task_ref = unsafe { &*task };
    observe(
        task_ref,
        Event::WakerClone {
            task: task_ref.id(),
        },
    );
    RawWaker::new(data, &VTABLE)
}

unsafe fn wake(data: *const ()) {
    // SAFETY: `wake` consumes its waker, which owned one strong count of this
    // `Rc<Task>`; `from_raw` takes that count over and drops it at the end.
    let task = unsafe { Rc::from_raw(Task::from_thin(data)) };
    Task::wake(&task, false);
}

unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: the waker lives for the duration of this call and owns (or, for
    // a borrowed waker, shares) a strong count, so the task is alive;
    // ManuallyDrop leaves that count as it was.
    let task = ManuallyDrop::new(unsafe { Rc::from_raw(Task::from_thin(data)) });
    Task::wake(&task, true);
}

unsafe fn drop_waker(data: *const ()) {
    // SAFETY: the waker being dropped still owns its count here, so `data`
    // is the thin address of a live task.
    let task = unsafe { Task::from_thin(data) };
    // SAFETY: alive, as just said.
    let task_ref = unsafe { &*task };
    observe(
        task_ref,
        Event::WakerDrop {
            task: task_ref.id(),
        },
    );
    // SAFETY: gives back exactly the count this waker owned; after this line
    // the task may be freed and is not touched again.
    unsafe { Rc::decrement_strong_count(task) };
}
