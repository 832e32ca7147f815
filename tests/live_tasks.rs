//! The executor's list of live tasks: what shutdown reaches and what
//! diagnostics show, whatever order tasks finish in.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeSet;

use common::*;
use futures_playground::executor::TaskId;
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
