//! A task is one allocation: its state, its future and its output together
//! (BENCHMARKS.md, case 1). What only some tasks need (a name, a place in
//! the list of started tasks, a panic message, a waiting join handle's
//! waker) is a second one, made once, the first time the task needs it.
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::Poll;

use futures_playground::platform::ManualPlatform;

/// The system allocator, counting allocations (not frees or resizes) per
/// thread, since the tests run on threads of their own, side by side.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is passed on unchanged to `System`, which upholds the
// `GlobalAlloc` contract; counting touches no memory it hands out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // `try_with`: a thread being torn down still allocates, uncounted.
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        // SAFETY: the caller's guarantees for `layout` are `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this `layout`, above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn spawning_a_task_allocates_once_whatever_its_output() {
    const N: usize = 200;
    let (executor, platform) = ManualPlatform::executor();
    let done = Rc::new(Cell::new(0));
    let spawn_all = |detached: bool| {
        for _ in 0..N {
            let done = done.clone();
            let future = async move {
                done.set(done.get() + 1);
                [7_u64; 4] // an output with a size, kept until the handle takes it
            };
            if detached {
                executor.spawn_detached(future);
            } else {
                drop(executor.spawn(future));
            }
        }
    };
    // A first round grows the run queue to N; later rounds reuse its capacity.
    spawn_all(false);
    platform.run_until_stalled();

    assert_eq!(
        allocations_in(|| spawn_all(false)),
        N,
        "spawn with a join handle"
    );
    platform.run_until_stalled();
    assert_eq!(allocations_in(|| spawn_all(true)), N, "spawn_detached");
    assert_eq!(
        allocations_in(|| {
            platform.run_until_stalled();
        }),
        0,
        "polling, completing and freeing allocate nothing"
    );
    assert_eq!(done.get(), 3 * N);
    assert!(executor.is_quiescent());
}

#[test]
fn a_task_s_extras_are_one_more_allocation_made_when_first_needed() {
    let (executor, platform) = ManualPlatform::executor();
    // A first task grows the run queue, so what follows measures tasks only.
    executor.spawn_detached(async {});
    platform.run_until_stalled();

    let named = allocations_in(|| drop(executor.spawn_named("named", async {})));
    assert_eq!(
        named, 2,
        "a named task: the task, then its extras with the name"
    );
    platform.run_until_stalled();

    // Unnamed, pending three times before it completes.
    let polls = Rc::new(Cell::new(0));
    let counted = polls.clone();
    let spawned = allocations_in(|| {
        executor.spawn_detached(poll_fn(move |cx| {
            counted.set(counted.get() + 1);
            if counted.get() < 4 {
                cx.waker().wake_by_ref();
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        }))
    });
    assert_eq!(spawned, 1, "an unnamed task: no extras yet");
    assert_eq!(
        allocations_in(|| {
            platform.run_until_stalled();
        }),
        1,
        "its extras, at its first `Pending` (it is listed), and nothing after"
    );
    assert_eq!(polls.get(), 4);

    // Unnamed, done in its first poll, but waited for through its handle
    // before that poll: the handle's waker is kept in the extras.
    let output = Rc::new(Cell::new(None));
    let slot = output.clone();
    let waiting = allocations_in(|| {
        executor.spawn_detached(async move {
            let handle = futures_playground::spawn(async { 7 });
            slot.set(Some(handle.await));
        });
        platform.run_until_stalled();
    });
    assert_eq!(output.take(), Some(Ok(7)));
    assert_eq!(
        waiting, 4,
        "two tasks, the waiting one's extras (its first `Pending`), and the \
         awaited one's (its handle's waker)"
    );
    assert!(executor.is_quiescent());
}
