//! A panic inside a task (RELIABILITY.md 18–19). On wasm a panic is a trap:
//! the poll never returns and no destructor runs. Natively it unwinds out of
//! the drain to the same executor state (the task `Running`, its poll
//! abandoned), so these tests reach, with `catch_unwind`, what a trap leaves.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::time::Duration;

use common::*;
use futures_playground::executor::{Event, Executor, JoinError, JoinHandle};
use futures_playground::platform::ManualPlatform;
use futures_playground::{panics, sleep, yield_now};

fn record<T: 'static>(slot: &Rc<RefCell<Vec<T>>>, value: T) {
    slot.borrow_mut().push(value);
}

/// Awaits `handle` in a task of its own and gives what it gave.
fn join<T: 'static>(
    executor: &Executor,
    platform: &ManualPlatform,
    handle: JoinHandle<T>,
) -> Result<T, JoinError> {
    let outcome = Rc::new(RefCell::new(None));
    let slot = outcome.clone();
    executor.spawn(async move { *slot.borrow_mut() = Some(handle.await) });
    platform.run_until_stalled();
    outcome.take().expect("the handle's task has finished")
}

#[test]
fn panic_in_task_does_not_stop_other_tasks() {
    panics::capture_messages(|_| {});
    let (executor, platform) = ManualPlatform::executor();
    let done = Rc::new(RefCell::new(Vec::new()));

    let before = {
        let done = done.clone();
        executor.spawn(async move {
            yield_now().await;
            record(&done, "before");
        })
    };
    let panicking = executor.spawn(async {
        panic!("boom in a task");
    });
    let after = {
        let done = done.clone();
        executor.spawn(async move { record(&done, "after") })
    };

    let trapped = catch_unwind(AssertUnwindSafe(|| platform.run_until_stalled()));
    assert!(trapped.is_err(), "the panic reached the drain's caller");
    // The panic cut the drain short, but the drain asked for a successor
    // before it began: the tasks behind the panicking one are not stranded.
    assert!(platform.drain_requested());
    platform.run_until_stalled();
    assert_eq!(*done.borrow(), ["after", "before"]);
    assert!(before.is_finished() && after.is_finished());

    // The executor goes on: a new spawn runs.
    let later = {
        let done = done.clone();
        executor.spawn(async move { record(&done, "spawned later") })
    };
    platform.run_until_stalled();
    assert!(later.is_finished());
    assert_eq!(done.borrow().last(), Some(&"spawned later"));

    assert_eq!(
        join(&executor, &platform, panicking),
        Err(JoinError::Panicked("boom in a task".to_string()))
    );
    assert_eq!(executor.polling(), None);
    assert_quiescent(&executor, &platform);
}

#[test]
fn panicked_task_is_reported_not_leaked() {
    panics::capture_messages(|_| {});
    let (executor, platform) = ManualPlatform::executor();
    let events = Rc::new(RefCell::new(Vec::new()));
    let log = events.clone();
    executor.set_observer(Some(Rc::new(move |event: Event<'_>| {
        if let Event::Panic { task, message } = event {
            log.borrow_mut().push((task, message.to_string()));
        }
    })));

    let panicking = executor.spawn(async {
        sleep(Duration::from_millis(5)).await;
        panic!("second poll panics");
    });
    let id = panicking.id();
    let outcome = Rc::new(RefCell::new(None));
    let slot = outcome.clone();
    executor.spawn(async move { *slot.borrow_mut() = Some(panicking.await) });
    platform.run_until_stalled(); // both wait: one on its timer, one on the handle

    let trapped = catch_unwind(AssertUnwindSafe(|| {
        platform.advance(Duration::from_millis(5));
    }));
    assert!(trapped.is_err());
    // Only the panicking task was queued, so no successor drain was asked
    // for; the browser's drain wrapper runs one after a drain that threw.
    assert!(!platform.drain_requested());
    assert_eq!(
        executor.live_tasks(),
        2,
        "the waiter, and the abandoned poll"
    );
    executor.executor_ref().run_ready();
    platform.run_until_stalled();

    assert_eq!(
        outcome.take(),
        Some(Err(JoinError::Panicked("second poll panics".to_string())))
    );
    assert_eq!(*events.borrow(), [(id, "second poll panics".to_string())]);
    assert_quiescent(&executor, &platform);
}

#[test]
fn a_panic_without_the_hook_is_still_reported() {
    // No message kept (another hook, or none): the handle still ends.
    let (executor, platform) = ManualPlatform::executor();
    let panicking = executor.spawn(async { panic!("unheard") });
    drop(panics::take_last_message());
    let trapped = catch_unwind(AssertUnwindSafe(|| platform.run_until_stalled()));
    assert!(trapped.is_err());
    drop(panics::take_last_message()); // as if no hook had kept it
    executor.executor_ref().run_ready();
    assert!(panicking.is_finished());
    assert_eq!(
        join(&executor, &platform, panicking),
        Err(JoinError::Panicked(
            "the task's poll never returned".to_string()
        ))
    );
    assert_quiescent(&executor, &platform);
}
