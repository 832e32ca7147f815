//! Join handles, detaching, aborting and shutdown (RELIABILITY.md, section 2).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use common::*;
use futures_playground::executor::{spawn, JoinError, JoinHandle};
use futures_playground::platform::ManualPlatform;
use futures_playground::yield_now;

#[test]
fn handle_gives_the_output() {
    let (executor, platform) = ManualPlatform::executor();
    let inner = executor.spawn(async { 20 });
    let outer = executor.spawn(async move { inner.await.unwrap() + 1 });
    let result = Rc::new(Cell::new(None));
    let slot = result.clone();
    executor.spawn(async move { slot.set(Some(outer.await)) });
    platform.run_until_stalled();
    assert_eq!(result.take(), Some(Ok(21)));
    assert_quiescent(&executor, &platform);
}

#[test]
fn dropping_the_handle_detaches_the_task() {
    let (executor, platform) = ManualPlatform::executor();
    let gate = Gate::new();
    let finished = Rc::new(Cell::new(false));
    let outputs = DropCounter::new();
    let (flag, token, wait) = (finished.clone(), outputs.token(), gate.wait());
    let handle = executor.spawn(async move {
        wait.await;
        flag.set(true);
        token // the output, dropped at completion since nobody awaits it
    });
    platform.run_until_stalled();
    drop(handle);
    assert_eq!(executor.live_tasks(), 1, "a detached task keeps running");
    gate.open();
    platform.run_until_stalled();
    assert!(finished.get());
    assert_eq!(outputs.drops(), 1, "the unclaimed output was dropped once");
    assert_quiescent(&executor, &platform);
}

#[test]
fn a_task_spawned_detached_runs_and_its_output_is_dropped_at_completion() {
    let (executor, platform) = ManualPlatform::executor();
    let gate = Gate::new();
    let outputs = DropCounter::new();
    let (token, wait) = (outputs.token(), gate.wait());
    executor.spawn_detached(async move {
        wait.await;
        token
    });
    platform.run_until_stalled();
    assert_eq!(executor.live_tasks(), 1, "it waits like any task");
    assert_eq!(outputs.drops(), 0);
    gate.open();
    platform.run_until_stalled();
    assert_eq!(
        outputs.drops(),
        1,
        "its output was dropped once, when it completed"
    );
    assert_quiescent(&executor, &platform);
}

#[test]
fn detached_tasks_that_complete_at_their_first_poll_leave_nothing() {
    // The executor's quiet end of a task (no join handle, never listed, no
    // observer): each output and future is still dropped once, and the count
    // of live tasks comes back down.
    let (executor, platform) = ManualPlatform::executor();
    let outputs = DropCounter::new();
    let futures = DropCounter::new();
    for _ in 0..3 {
        let (output, captured) = (outputs.token(), futures.token());
        executor.spawn_detached(async move {
            let _captured = captured;
            output
        });
    }
    assert_eq!(executor.live_tasks(), 3);
    platform.run_until_stalled();
    assert_eq!(outputs.drops(), 3, "each output dropped at completion");
    assert_eq!(futures.drops(), 3, "each future dropped at completion");
    assert_eq!(executor.live_tasks(), 0);
    assert_quiescent(&executor, &platform);
}

#[test]
fn a_quiet_task_drops_its_future_and_output_at_completion_even_if_its_waker_is_kept() {
    // The quiet end leaves the future and output to go with the task when
    // the drain holds the last reference to it. A waker kept elsewhere keeps
    // the task allocated, so then they must be dropped in place, at once.
    struct KeepsItsWaker {
        kept: Rc<RefCell<Option<Waker>>>,
        keep: bool,
        _state: DropToken,
        output: Option<DropToken>,
    }
    impl Future for KeepsItsWaker {
        type Output = DropToken;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<DropToken> {
            if self.keep {
                self.kept.replace(Some(cx.waker().clone()));
            }
            Poll::Ready(self.output.take().expect("polled once"))
        }
    }
    for keep in [false, true] {
        let (executor, platform) = ManualPlatform::executor();
        let (states, outputs) = (DropCounter::new(), DropCounter::new());
        let kept = Rc::new(RefCell::new(None));
        executor.spawn_detached(KeepsItsWaker {
            kept: kept.clone(),
            keep,
            _state: states.token(),
            output: Some(outputs.token()),
        });
        platform.run_until_stalled();
        assert_eq!(
            states.drops(),
            1,
            "the future was dropped (waker kept: {keep})"
        );
        assert_eq!(
            outputs.drops(),
            1,
            "the output was dropped (waker kept: {keep})"
        );
        assert_eq!(kept.borrow().is_some(), keep);
        assert_eq!(executor.live_tasks(), 0);
        drop(kept.take());
        assert_quiescent(&executor, &platform);
    }
}

#[test]
fn an_observed_detached_task_reports_its_completion() {
    let (executor, platform) = ManualPlatform::executor();
    let events = record_events(&executor);
    executor.spawn_detached(async {});
    platform.run_until_stalled();
    let events = events.borrow();
    assert!(
        events.iter().any(|e| e.starts_with("Complete")),
        "{events:?}"
    );
    assert_quiescent(&executor, &platform);
}

#[test]
fn shutdown_cancels_a_detached_task() {
    let (executor, platform) = ManualPlatform::executor();
    let gate = Gate::new();
    let futures = DropCounter::new();
    let (token, wait) = (futures.token(), gate.wait());
    executor.spawn_detached(async move {
        let _token = token;
        wait.await;
    });
    platform.run_until_stalled();
    executor.shut_down();
    assert_eq!(futures.drops(), 1, "its future was dropped by the shutdown");
    assert_eq!(executor.live_tasks(), 0);
}

#[test]
fn abort_cancels_a_waiting_task_at_once() {
    let (executor, platform) = ManualPlatform::executor();
    let gate = Gate::new();
    let dropped = DropCounter::new();
    let (token, wait) = (dropped.token(), gate.wait());
    let handle = executor.spawn(async move {
        let _token = token;
        wait.await;
        unreachable!("an aborted task is never polled again");
    });
    platform.run_until_stalled();
    handle.abort();
    assert_eq!(dropped.drops(), 1, "the future is dropped by abort itself");
    assert!(handle.is_finished());
    gate.open(); // a wake of a cancelled task does nothing
    let result = Rc::new(RefCell::new(None));
    let slot = result.clone();
    executor.spawn(async move { *slot.borrow_mut() = Some(handle.await) });
    platform.run_until_stalled();
    assert_eq!(*result.borrow(), Some(Err(JoinError::Cancelled)));
    assert_quiescent(&executor, &platform);
}

#[test]
fn abort_of_a_queued_task_means_it_is_never_polled() {
    let (executor, platform) = ManualPlatform::executor();
    let polled = Rc::new(Cell::new(false));
    let flag = polled.clone();
    let handle = executor.spawn(async move { flag.set(true) });
    handle.abort();
    platform.run_until_stalled();
    assert!(!polled.get());
    assert_quiescent(&executor, &platform);
}

#[test]
fn cancel_while_running_drops_the_future_after_the_poll() {
    let (executor, platform) = ManualPlatform::executor();
    let in_poll = Rc::new(Cell::new(false));
    let dropped_during_poll = Rc::new(Cell::new(None));
    let own = Rc::new(RefCell::new(None::<JoinHandle<()>>));

    struct ReportsDrop {
        in_poll: Rc<Cell<bool>>,
        report: Rc<Cell<Option<bool>>>,
    }
    impl Drop for ReportsDrop {
        fn drop(&mut self) {
            self.report.set(Some(self.in_poll.get()));
        }
    }

    let guard = ReportsDrop {
        in_poll: in_poll.clone(),
        report: dropped_during_poll.clone(),
    };
    let (flag, slot) = (in_poll.clone(), own.clone());
    let handle = executor.spawn(async move {
        let _guard = guard;
        poll_fn(|_| {
            flag.set(true);
            slot.borrow().as_ref().unwrap().abort(); // aborts itself mid-poll
            flag.set(false);
            Poll::<()>::Pending
        })
        .await
    });
    *own.borrow_mut() = Some(handle);
    platform.run_until_stalled();
    assert_eq!(
        dropped_during_poll.get(),
        Some(false),
        "dropped after the poll returned, not during it"
    );
    assert!(own.borrow().as_ref().unwrap().is_finished());
    drop(own.take());

    // Aborted from another task's poll.
    let gate = Gate::new();
    let dropped = DropCounter::new();
    let (token, wait) = (dropped.token(), gate.wait());
    let victim = executor.spawn(async move {
        let _token = token;
        wait.await
    });
    let dropped_seen_by_killer = Rc::new(Cell::new(usize::MAX));
    let (seen, counter) = (dropped_seen_by_killer.clone(), dropped.clone());
    executor.spawn(async move {
        victim.abort();
        seen.set(counter.drops());
    });
    platform.run_until_stalled();
    assert_eq!(
        dropped_seen_by_killer.get(),
        1,
        "a waiting task's future is dropped by abort"
    );
    assert_quiescent(&executor, &platform);
}

#[test]
fn join_twice_gives_the_output_once() {
    let (executor, platform) = ManualPlatform::executor();
    let outputs = DropCounter::new();
    let token = outputs.token();
    let mut handle = executor.spawn(async move { token });
    let results = Rc::new(RefCell::new(Vec::new()));
    let sink = results.clone();
    let checker = outputs.clone();
    executor.spawn(async move {
        let first = (&mut handle).await;
        assert!(first.is_ok());
        drop(first);
        sink.borrow_mut().push(checker.drops());
        let second = (&mut handle).await;
        assert_eq!(second.err(), Some(JoinError::OutputTaken));
        sink.borrow_mut().push(checker.drops());
    });
    platform.run_until_stalled();
    assert_eq!(
        *results.borrow(),
        vec![1, 1],
        "the output was dropped exactly once"
    );
    assert_quiescent(&executor, &platform);
}

#[test]
fn output_drop_panics_does_not_poison() {
    struct PanicsOnDrop;
    impl Drop for PanicsOnDrop {
        fn drop(&mut self) {
            panic!("output destructor panicked");
        }
    }
    let (executor, platform) = ManualPlatform::executor();
    let handle = executor.spawn(async { PanicsOnDrop });
    platform.run_until_stalled();
    let result = catch_unwind(AssertUnwindSafe(|| drop(handle)));
    assert!(result.is_err());

    let after = Rc::new(Cell::new(0));
    let slot = after.clone();
    executor.spawn(async move {
        yield_now().await;
        slot.set(1);
    });
    platform.run_until_stalled();
    assert_eq!(after.get(), 1, "the executor works on after the panic");
    assert_quiescent(&executor, &platform);
}

#[test]
fn spawn_inside_poll_runs_on_the_next_drain() {
    let (executor, platform) = ManualPlatform::executor();
    let order = Rc::new(RefCell::new(Vec::new()));
    let log = order.clone();
    executor.spawn(async move {
        let inner_log = log.clone();
        let child = spawn(async move { inner_log.borrow_mut().push("child") });
        log.borrow_mut().push("parent before await");
        child.await.unwrap();
        log.borrow_mut().push("parent after");
    });
    assert!(platform.run_drain());
    assert_eq!(
        *order.borrow(),
        vec!["parent before await"],
        "the child waits for the next drain"
    );
    platform.run_until_stalled();
    assert_eq!(
        *order.borrow(),
        vec!["parent before await", "child", "parent after"]
    );
    assert_quiescent(&executor, &platform);
}

#[test]
fn spawn_10k_inside_poll_without_stack_growth() {
    let (executor, platform) = ManualPlatform::executor();
    let count = scaled(10_000);
    let done = Rc::new(Cell::new(0));
    let counter = done.clone();
    executor.spawn(async move {
        let handles: Vec<_> = (0..count)
            .map(|i| {
                let counter = counter.clone();
                spawn(async move {
                    counter.set(counter.get() + 1);
                    i
                })
            })
            .collect();
        let mut sum = 0;
        for handle in handles {
            sum += handle.await.unwrap();
        }
        assert_eq!(sum, count * (count - 1) / 2);
    });
    platform.run_until_stalled();
    assert_eq!(done.get(), count);
    assert_quiescent(&executor, &platform);
}

#[test]
fn drop_future_that_wakes_and_spawns_in_drop() {
    struct WakesOnDrop {
        gate: Gate,
        spawned: Rc<RefCell<Option<JoinHandle<()>>>>,
    }
    impl Drop for WakesOnDrop {
        fn drop(&mut self) {
            self.gate.open();
            *self.spawned.borrow_mut() = Some(spawn_on_current_or_none());
        }
    }
    fn spawn_on_current_or_none() -> JoinHandle<()> {
        spawn(async {})
    }

    // During an abort: the other task is woken and the spawned one runs.
    let (executor, platform) = ManualPlatform::executor();
    let other_gate = Gate::new();
    let other_wait = other_gate.wait();
    let other_done = Rc::new(Cell::new(false));
    let flag = other_done.clone();
    executor.spawn(async move {
        other_wait.await;
        flag.set(true);
    });
    let spawned = Rc::new(RefCell::new(None));
    let bomb = WakesOnDrop {
        gate: other_gate.clone(),
        spawned: spawned.clone(),
    };
    let victim = executor.spawn(async move {
        let _bomb = bomb;
        std::future::pending::<()>().await
    });
    platform.run_until_stalled();
    executor.spawn(async move { victim.abort() }); // so spawn() in Drop finds the executor
    platform.run_until_stalled();
    assert!(
        other_done.get(),
        "the wake from the destructor was delivered"
    );
    assert!(
        spawned.borrow().as_ref().unwrap().is_finished(),
        "the task spawned in Drop ran"
    );
    drop(spawned.take());
    assert_quiescent(&executor, &platform);

    // During shutdown: the wake is a no-op and the spawn gives a cancelled task.
    let (executor, platform) = ManualPlatform::executor();
    let gate = Gate::new();
    let wait = gate.wait();
    let second_done = Rc::new(Cell::new(false));
    let flag = second_done.clone();
    executor.spawn(async move {
        wait.await;
        flag.set(true);
    });
    let spawned = Rc::new(RefCell::new(None));
    let bomb = WakesOnDrop {
        gate,
        spawned: spawned.clone(),
    };
    let shutter = Rc::new(RefCell::new(None));
    let slot = shutter.clone();
    executor.spawn(async move {
        let _bomb = bomb;
        std::future::pending::<()>().await
    });
    platform.run_until_stalled();
    // Shut down from inside a task, so `spawn` in the destructor finds it.
    let executor = Rc::new(executor);
    let inner = executor.clone();
    *slot.borrow_mut() = Some(executor.spawn(async move { inner.shut_down() }));
    platform.run_until_stalled();
    assert!(!second_done.get());
    let late = spawned.take().expect("the destructor ran during shutdown");
    assert!(
        late.is_finished(),
        "a spawn during shutdown gives a cancelled task"
    );
    assert_eq!(executor.live_tasks(), 0);
    assert!(!platform.drain_requested());
    drop(shutter.take());
}

#[test]
fn shutdown_from_a_task_cancels_the_running_task_after_its_poll() {
    let (executor, platform) = ManualPlatform::executor();
    let executor = Rc::new(executor);
    let inner = executor.clone();
    let dropped = DropCounter::new();
    let token = dropped.token();
    let after_shutdown = Rc::new(Cell::new(usize::MAX));
    let (seen, counter) = (after_shutdown.clone(), dropped.clone());
    let handle = executor.spawn(async move {
        let _token = token;
        inner.shut_down();
        seen.set(counter.drops());
        std::future::pending::<()>().await
    });
    platform.run_until_stalled();
    assert_eq!(
        after_shutdown.get(),
        0,
        "not dropped in the middle of its own poll"
    );
    assert_eq!(dropped.drops(), 1, "dropped when the poll returned");
    assert!(handle.is_finished());
}

#[test]
fn a_task_that_shuts_its_executor_down_and_returns_ready_completes() {
    let (executor, platform) = ManualPlatform::executor();
    let executor = Rc::new(executor);
    let inner = executor.clone();
    let other_dropped = DropCounter::new();
    let token = other_dropped.token();
    let other = executor.spawn(async move {
        let _token = token;
        std::future::pending::<()>().await
    });
    let mut main = executor.spawn(async move {
        inner.shut_down();
        42
    });
    let polled_after = Rc::new(Cell::new(false));
    let flag = polled_after.clone();
    let late = executor.spawn(async move { flag.set(true) });
    platform.run_until_stalled();
    assert_eq!(other_dropped.drops(), 1, "the other tasks were cancelled");
    assert!(other.is_finished());
    assert!(
        !polled_after.get(),
        "nothing queued behind it ran after the shutdown"
    );
    assert!(late.is_finished());
    let result = Rc::new(RefCell::new(None));
    let slot = result.clone();
    let (waiter, waiter_platform) = ManualPlatform::executor();
    waiter.spawn(async move { *slot.borrow_mut() = Some((&mut main).await) });
    waiter_platform.run_until_stalled();
    assert_eq!(
        *result.borrow(),
        Some(Ok(42)),
        "the task that shut down completed"
    );
}
