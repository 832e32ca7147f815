//! The executor's live tasks, wherever they are (queued, in their first
//! poll, started): what shutdown reaches and what diagnostics show, whatever
//! order tasks finish in.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use common::*;
use futures_playground::executor::{Phase, TaskId};
use futures_playground::platform::ManualPlatform;
use futures_playground::yield_now;

fn live_ids(executor: &futures_playground::Executor) -> BTreeSet<u64> {
    executor
        .live_task_list()
        .into_iter()
        .map(|info| info.id.0)
        .collect()
}

#[test]
fn tasks_leave_the_list_from_the_head_the_middle_and_the_tail() {
    let (executor, platform) = ManualPlatform::executor();
    // Each waits forever, until aborted.
    let handles: Vec<_> = (0..5)
        .map(|_| executor.spawn(std::future::pending::<()>()))
        .collect();
    platform.run_until_stalled();
    assert_eq!(executor.live_tasks(), 5);
    let id = |i: usize| handles[i].id().0;
    // The newest (head), the oldest (tail), then one in the middle.
    for (gone, i) in [4usize, 0, 2].into_iter().enumerate() {
        handles[i].abort();
        assert_eq!(executor.live_tasks(), 4 - gone);
    }
    assert_eq!(live_ids(&executor), BTreeSet::from([id(1), id(3)]));
    // A new task joins at the head; the others are still reachable.
    let late = executor.spawn(async { yield_now().await });
    assert_eq!(
        live_ids(&executor),
        BTreeSet::from([id(1), id(3), late.id().0])
    );
    platform.run_until_stalled();
    assert_eq!(live_ids(&executor), BTreeSet::from([id(1), id(3)]));
    executor.shut_down();
    assert!(handles.iter().all(|h| h.is_finished()));
    assert_eq!(executor.live_tasks(), 0);
    assert_eq!(executor.live_task_list(), vec![]);
    drop(handles);
    assert_quiescent(&executor, &platform);
}

#[test]
fn shutdown_of_many_waiting_tasks_unlinks_them_one_by_one() {
    // A long chain of tasks must not be dropped recursively.
    let n = if cfg!(miri) { 200 } else { 100_000 };
    let (executor, platform) = ManualPlatform::executor();
    for _ in 0..n {
        drop(executor.spawn(std::future::pending::<()>()));
    }
    platform.run_until_stalled();
    assert_eq!(executor.live_tasks(), n);
    let before = futures_playground::diagnostics::live_counts().tasks;
    executor.shut_down();
    assert_eq!(executor.live_tasks(), 0);
    assert_eq!(
        futures_playground::diagnostics::live_counts().tasks,
        before - n
    );
    assert_quiescent(&executor, &platform);
}

#[test]
fn ids_in_the_list_are_the_spawned_ones() {
    let (executor, platform) = ManualPlatform::executor();
    let a = executor.spawn(async {});
    let b = executor.spawn(async {});
    let ids: Vec<TaskId> = executor.live_task_list().iter().map(|t| t.id).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&a.id()) && ids.contains(&b.id()));
    platform.run_until_stalled();
    assert!(executor.live_task_list().is_empty());
    assert_quiescent(&executor, &platform);
}

#[test]
fn every_live_task_is_listed_before_its_first_poll_during_it_and_after_it() {
    let (executor, platform) = ManualPlatform::executor();
    let executor = Rc::new(executor);
    let started = executor.spawn(std::future::pending::<()>());
    platform.run_until_stalled();

    let seen = Rc::new(RefCell::new(None));
    let (inner, slot) = (executor.clone(), seen.clone());
    let polled = executor.spawn(async move {
        *slot.borrow_mut() = Some((inner.live_tasks(), inner.live_task_list()));
        std::future::pending::<()>().await
    });
    let not_polled = executor.spawn(std::future::pending::<()>());
    assert_eq!(executor.live_tasks(), 3);
    assert_eq!(
        live_ids(&executor),
        BTreeSet::from([started.id().0, polled.id().0, not_polled.id().0])
    );

    // Poll only `polled`; `not_polled` stays in the queue.
    assert!(executor.executor_ref().run_one());
    let (count, list) = seen.take().expect("polled once");
    assert_eq!(count, 3);
    let phase_of = |id: TaskId| {
        list.iter()
            .find(|info| info.id == id)
            .map(|info| info.phase)
    };
    assert_eq!(phase_of(started.id()), Some(Phase::Idle));
    assert_eq!(
        phase_of(polled.id()),
        Some(Phase::Running),
        "itself, in its first poll"
    );
    assert_eq!(phase_of(not_polled.id()), Some(Phase::Idle));
    assert_eq!(list.len(), 3);

    executor.shut_down();
    assert_eq!(executor.live_tasks(), 0);
    assert!([&started, &polled, &not_polled]
        .iter()
        .all(|h| h.is_finished()));
    assert_quiescent(&executor, &platform);
}

#[test]
fn shutdown_cancels_every_task_newest_first_polled_or_not() {
    let (executor, platform) = ManualPlatform::executor();
    let dropped = DropCounter::new();
    let spawn_waiting = || {
        let token = dropped.token();
        executor.spawn(async move {
            let _token = token;
            std::future::pending::<()>().await
        })
    };
    let (first, second) = (spawn_waiting(), spawn_waiting());
    platform.run_until_stalled();
    let (third, fourth) = (spawn_waiting(), spawn_waiting()); // never polled
                                                              // Aborted while queued: already finished, not cancelled twice.
    let aborted = spawn_waiting();
    aborted.abort();
    let events = record_events(&executor);

    executor.shut_down();
    let cancels: Vec<String> = events
        .borrow()
        .iter()
        .filter(|event| event.starts_with("Cancel"))
        .cloned()
        .collect();
    let expected: Vec<String> = [&fourth, &third, &second, &first]
        .iter()
        .map(|handle| format!("Cancel {{ task: {:?} }}", handle.id()))
        .collect();
    assert_eq!(cancels, expected);
    assert_eq!(dropped.drops(), 5, "every future dropped once");
    assert_quiescent(&executor, &platform);
}

/// A name lives in the task's extras, which a task without one gets when it
/// is first listed: names must read the same before and after that.
#[test]
fn names_read_the_same_whether_a_task_is_queued_or_started() {
    let (executor, platform) = ManualPlatform::executor();
    let named = executor.spawn_named(format!("task {}", 7), std::future::pending::<()>());
    let unnamed = executor.spawn(std::future::pending::<()>());
    let names = || {
        let mut names: Vec<(u64, String)> = executor
            .live_task_list()
            .into_iter()
            .map(|info| (info.id.0, info.name))
            .collect();
        names.sort();
        names
    };
    let expected = vec![
        (named.id().0, "task 7".to_string()),
        (unnamed.id().0, String::new()),
    ];
    assert_eq!(names(), expected, "queued, not polled yet");
    platform.run_until_stalled();
    assert_eq!(names(), expected, "started: both listed");
    assert_eq!((named.name(), unnamed.name()), ("task 7", ""));
    executor.shut_down();
    assert_eq!((named.name(), unnamed.name()), ("task 7", ""));
    drop((named, unnamed));
    assert_quiescent(&executor, &platform);
}
