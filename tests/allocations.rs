//! A task is one allocation: its state, its future and its output together
//! (BENCHMARKS.md, case 1).
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_playground::platform::ManualPlatform;

/// The system allocator, counting allocations (not frees or resizes).
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on unchanged to `System`, which upholds the
// `GlobalAlloc` contract; counting touches no memory it hands out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
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
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    f();
    ALLOCATIONS.load(Ordering::Relaxed) - before
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
