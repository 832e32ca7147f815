//! The waker vtable and task reference counts (RELIABILITY.md, section 1).
#![cfg(not(target_arch = "wasm32"))]
// Waking a clone by value is the vtable call under test here.
#![allow(clippy::waker_clone_wake)]

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::task::{Poll, Waker};

use common::*;
use futures_playground::executor::Event;
use futures_playground::platform::ManualPlatform;

#[test]
fn waker_clone_drop_balance() {
    let (executor, platform) = ManualPlatform::executor();
    let gate = Gate::new();
    let handle = executor.spawn(gate.wait());
    // Queued, not polled yet: the run queue and the handle (a task joins
    // the list of started tasks when a poll of it returns `Pending`).
    assert_eq!(handle.task_ref_count(), 2);
    platform.run_until_stalled();
    // Idle: the list of started tasks, the handle, and the waker the gate kept.
    assert_eq!(handle.task_ref_count(), 3);

    let waker = gate.stored_waker().unwrap();
    assert_eq!(handle.task_ref_count(), 4, "clone adds one");
    let clone_of_clone = waker.clone();
    assert_eq!(handle.task_ref_count(), 5);
    drop(clone_of_clone);
    assert_eq!(handle.task_ref_count(), 4, "drop gives one back");

    waker.wake_by_ref();
    assert_eq!(
        handle.task_ref_count(),
        5,
        "the run queue now holds the task"
    );
    waker.wake_by_ref();
    assert_eq!(
        handle.task_ref_count(),
        5,
        "wake_by_ref of a queued task changes nothing"
    );
    let extra = waker.clone();
    assert_eq!(handle.task_ref_count(), 6);
    extra.wake();
    assert_eq!(
        handle.task_ref_count(),
        5,
        "wake by value consumes exactly its own count"
    );
    drop(waker);
    assert_eq!(handle.task_ref_count(), 4);

    platform.run_until_stalled(); // popped from the queue, polled, keeps a new waker
    assert_eq!(handle.task_ref_count(), 3);
    gate.open();
    platform.run_until_stalled();
    assert_eq!(
        handle.task_ref_count(),
        1,
        "completed: only the handle is left"
    );
    assert_quiescent(&executor, &platform);
}

#[test]
fn will_wake_same_task() {
    let (executor, platform) = ManualPlatform::executor();
    let checked = Rc::new(Cell::new(false));
    let seen = checked.clone();
    let kept: Rc<RefCell<Option<Waker>>> = Rc::default();
    let keep = kept.clone();
    executor.spawn(poll_fn(move |cx| {
        let clone = cx.waker().clone();
        assert!(cx.waker().will_wake(&clone));
        assert!(clone.will_wake(&clone.clone()));
        if let Some(earlier) = keep.borrow().as_ref() {
            assert!(
                earlier.will_wake(cx.waker()),
                "a waker from an earlier poll wakes the same task"
            );
            seen.set(true);
            return Poll::Ready(());
        }
        *keep.borrow_mut() = Some(clone);
        cx.waker().wake_by_ref();
        Poll::Pending
    }));
    let other = executor.spawn(std::future::pending::<()>());
    platform.run_until_stalled();
    assert!(checked.get());
    other.abort();
    drop(kept.take());
    assert_quiescent(&executor, &platform);
}

#[test]
fn waker_outlives_task() {
    let (executor, platform) = ManualPlatform::executor();
    let stash: Rc<RefCell<Vec<Waker>>> = Rc::default();
    let keep = stash.clone();
    let dropped = DropCounter::new();
    let token = dropped.token();
    let handle = executor.spawn(async move {
        let _token = token;
        poll_fn(|cx| {
            keep.borrow_mut().push(cx.waker().clone());
            keep.borrow_mut().push(cx.waker().clone());
            Poll::Ready(())
        })
        .await;
    });
    platform.run_until_stalled();
    assert_eq!(dropped.drops(), 1, "the finished future was dropped once");
    assert_eq!(
        handle.task_ref_count(),
        3,
        "the handle and two stale wakers"
    );
    drop(handle);

    let mut stale = stash.take();
    stale[0].wake_by_ref();
    stale.pop().unwrap().wake();
    assert_eq!(
        executor.queued_tasks(),
        0,
        "a finished task is never rescheduled"
    );
    assert!(!platform.drain_requested());
    drop(stale); // the last reference: the task is freed here (Miri checks it)
    assert_eq!(dropped.drops(), 1);
    assert_quiescent(&executor, &platform);
}

#[test]
fn waker_outlives_executor() {
    let (executor, platform) = ManualPlatform::executor();
    let gate = Gate::new();
    let dropped = DropCounter::new();
    let token = dropped.token();
    let wait = gate.wait();
    let handle = executor.spawn(async move {
        let _token = token;
        wait.await;
    });
    platform.run_until_stalled();
    let waker = gate.stored_waker().unwrap();
    drop(executor);
    assert_eq!(dropped.drops(), 1, "shutdown dropped the pending future");
    assert!(handle.is_finished());

    waker.wake_by_ref();
    waker.clone().wake();
    gate.open(); // wakes the stored waker by value
    drop(waker);
    assert!(
        !platform.drain_requested(),
        "nothing scheduled after the executor is gone"
    );
    assert_eq!(handle.task_ref_count(), 1);
}

#[test]
fn wake_from_inside_poll_runs_again_next_drain() {
    let (executor, platform) = ManualPlatform::executor();
    let polls = Rc::new(Cell::new(0));
    let counter = polls.clone();
    executor.spawn(poll_fn(move |cx| {
        counter.set(counter.get() + 1);
        if counter.get() == 3 {
            return Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }));
    for expected in 1..=3 {
        assert!(
            platform.run_drain(),
            "each self-wake asks for one more drain"
        );
        assert_eq!(
            polls.get(),
            expected,
            "polled once per drain, never recursively"
        );
    }
    assert!(!platform.run_drain());
    assert_quiescent(&executor, &platform);
}

#[test]
fn wake_by_value_inside_poll_and_wake_then_ready() {
    let (executor, platform) = ManualPlatform::executor();
    let polls = Rc::new(Cell::new(0));
    let dropped = DropCounter::new();
    let (counter, token) = (polls.clone(), dropped.token());
    let by_value = executor.spawn(async move {
        let _token = token;
        poll_fn(|cx| {
            counter.set(counter.get() + 1);
            if counter.get() == 1 {
                cx.waker().clone().wake();
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        })
        .await
    });

    let ready_polls = Rc::new(Cell::new(0));
    let (counter, token) = (ready_polls.clone(), dropped.token());
    let then_ready = executor.spawn(async move {
        let _token = token;
        poll_fn(|cx| {
            counter.set(counter.get() + 1);
            cx.waker().wake_by_ref(); // and then Ready in the same poll
            Poll::Ready(7)
        })
        .await
    });
    platform.run_until_stalled();
    assert_eq!(polls.get(), 2);
    assert_eq!(
        ready_polls.get(),
        1,
        "no poll after Ready, though it woke itself"
    );
    assert_eq!(dropped.drops(), 2, "each future dropped exactly once");
    assert!(by_value.is_finished() && then_ready.is_finished());
    assert_quiescent(&executor, &platform);
}

#[test]
fn double_wake_single_schedule() {
    let (executor, platform) = ManualPlatform::executor();
    let gate = Gate::new();
    let polls = Rc::new(Cell::new(0));
    let counter = polls.clone();
    let wait = gate.wait();
    executor.spawn(async move {
        counter.set(counter.get() + 1);
        wait.await;
        counter.set(counter.get() + 1);
    });
    platform.run_until_stalled();
    let log = record_events(&executor);
    let drains_before = platform.counts().drains_requested;
    let waker = gate.stored_waker().unwrap();
    waker.wake_by_ref();
    waker.wake_by_ref();
    waker.wake();
    assert_eq!(executor.queued_tasks(), 1);
    assert_eq!(
        platform.counts().drains_requested,
        drains_before + 1,
        "one drain for three wakes"
    );
    let outcomes: Vec<String> = log
        .borrow()
        .iter()
        .filter(|e| e.starts_with("Wake {"))
        .cloned()
        .collect();
    assert_eq!(outcomes.len(), 3);
    assert!(outcomes[0].contains("Scheduled"));
    assert!(outcomes[1].contains("AlreadyQueued") && outcomes[2].contains("AlreadyQueued"));
    gate.open();
    platform.run_until_stalled();
    assert_eq!(polls.get(), 2);
    assert_quiescent(&executor, &platform);
}

#[test]
fn observer_sees_vtable_calls_in_order() {
    let (executor, platform) = ManualPlatform::executor();
    let log = record_events(&executor);
    let gate = Gate::new();
    let handle = executor.spawn_named("waiter", gate.wait());
    platform.run_until_stalled();
    gate.open();
    platform.run_until_stalled();
    let id = handle.id();
    let expected = vec![
        format!(
            "{:?}",
            Event::Spawn {
                task: id,
                name: "waiter"
            }
        ),
        format!("{:?}", Event::DrainStart { queued: 1 }),
        format!("{:?}", Event::PollStart { task: id }),
        format!("{:?}", Event::WakerClone { task: id }),
        format!(
            "{:?}",
            Event::PollEnd {
                task: id,
                ready: false
            }
        ),
        format!("{:?}", Event::DrainEnd),
        format!(
            "{:?}",
            Event::Wake {
                task: id,
                by_ref: false,
                outcome: futures_playground::executor::WakeOutcome::Scheduled
            }
        ),
        format!("{:?}", Event::DrainStart { queued: 1 }),
        format!("{:?}", Event::PollStart { task: id }),
        format!(
            "{:?}",
            Event::PollEnd {
                task: id,
                ready: true
            }
        ),
        format!("{:?}", Event::Complete { task: id }),
        format!("{:?}", Event::DrainEnd),
    ];
    assert_eq!(*log.borrow(), expected);
    assert_quiescent(&executor, &platform);
}

#[test]
fn no_rc_cycle_leak_when_a_task_owns_its_own_handle_and_waker() {
    let (executor, platform) = ManualPlatform::executor();
    for cancel in [false, true] {
        let gate = Gate::new();
        let own_handle = Rc::new(RefCell::new(None));
        let slot = own_handle.clone();
        let wait = gate.wait();
        let dropped = DropCounter::new();
        let token = dropped.token();
        let handle = executor.spawn(async move {
            let _token = token;
            let _keep_handle = slot;
            let own_waker = poll_fn(|cx| Poll::Ready(cx.waker().clone())).await;
            wait.await;
            drop(own_waker);
        });
        *own_handle.borrow_mut() = Some(handle);
        platform.run_until_stalled();
        if cancel {
            own_handle.borrow().as_ref().unwrap().abort();
        } else {
            gate.open();
            platform.run_until_stalled();
        }
        assert_eq!(dropped.drops(), 1);
        assert_eq!(
            Rc::strong_count(&own_handle),
            1,
            "the future let go of its own handle"
        );
        drop(own_handle); // the last reference to the task: Miri reports a leak if any cycle is left
    }
    let (other, other_platform) = ManualPlatform::executor();
    let own_handle = Rc::new(RefCell::new(None));
    let slot = own_handle.clone();
    *own_handle.borrow_mut() = Some(other.spawn(async move {
        let _keep_handle = slot;
        std::future::pending::<()>().await
    }));
    drop(own_handle);
    other_platform.run_until_stalled();
    drop(other); // shutdown breaks a cycle the task never finished
    assert_quiescent(&executor, &platform);
}
