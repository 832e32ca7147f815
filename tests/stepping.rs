//! Stepping an executor one poll at a time while its timers keep real time.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use common::assert_quiescent;
use futures_playground::platform::{ManualPlatform, StepControl, SteppedPlatform};
use futures_playground::{sleep, yield_now, Executor};

fn stepped() -> (Executor, StepControl, ManualPlatform) {
    let mut clock = None;
    let (executor, control) = SteppedPlatform::executor(|executor_ref| {
        let manual = ManualPlatform::new(executor_ref);
        clock = Some(manual.clone());
        manual
    });
    (executor, control, clock.expect("built"))
}

#[test]
fn each_step_polls_one_task_in_queue_order() {
    let (executor, control, clock) = stepped();
    let order = Rc::new(RefCell::new(Vec::new()));
    for name in ["a", "b", "c"] {
        let log = order.clone();
        executor.spawn(async move {
            log.borrow_mut().push(format!("{name}1"));
            yield_now().await;
            log.borrow_mut().push(format!("{name}2"));
        });
    }
    clock.run_until_stalled();
    assert!(order.borrow().is_empty(), "nothing runs without a step");
    let readies = Rc::new(Cell::new(0));
    let counter = readies.clone();
    control.set_on_ready(Some(Box::new(move || counter.set(counter.get() + 1))));
    assert!(control.can_step());
    assert!(control.step());
    assert_eq!(*order.borrow(), vec!["a1"]);
    assert!(control.step());
    assert!(control.step());
    assert_eq!(*order.borrow(), vec!["a1", "b1", "c1"]);
    for _ in 0..3 {
        assert!(control.step());
    }
    assert_eq!(*order.borrow(), vec!["a1", "b1", "c1", "a2", "b2", "c2"]);
    assert!(!control.can_step());
    assert!(!control.step(), "nothing left to poll");
    assert!(
        readies.get() >= 1,
        "the page was told when a step became possible"
    );
    assert_quiescent(&executor, &clock);
}

#[test]
fn timers_keep_real_time_and_their_wakes_wait_for_a_step() {
    let (executor, control, clock) = stepped();
    let done = Rc::new(Cell::new(false));
    let flag = done.clone();
    executor.spawn(async move {
        sleep(Duration::from_millis(10)).await;
        flag.set(true);
    });
    assert!(control.step(), "the first poll registers the timer");
    assert_eq!(executor.pending_timers(), 1);
    clock.advance(Duration::from_millis(10));
    assert_eq!(executor.pending_timers(), 0, "the timer fired on time");
    assert!(!done.get(), "but the woken task waits for a step");
    assert!(control.can_step());
    assert!(control.step());
    assert!(done.get());
    assert_quiescent(&executor, &clock);
}

#[test]
fn resume_goes_back_to_draining_by_itself() {
    let (executor, control, clock) = stepped();
    let count = Rc::new(Cell::new(0));
    for _ in 0..4 {
        let counter = count.clone();
        executor.spawn(async move {
            yield_now().await;
            counter.set(counter.get() + 1);
        });
    }
    assert!(control.step());
    control.resume();
    assert!(!control.is_stepping());
    clock.run_until_stalled();
    assert_eq!(count.get(), 4);
    assert_quiescent(&executor, &clock);
}
