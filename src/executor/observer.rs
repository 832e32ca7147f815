//! Seeing the executor work: every spawn, poll, wake, waker clone and drop,
//! completion and cancellation, and what the timer reactor does.
//!
//! The playground draws its executor view from these events. With no observer
//! installed, emitting an event is one `Cell<bool>` load and a branch.

use std::time::Duration;

use super::task::TaskId;
use crate::platform::Instant;
use crate::reactor::TimerKey;

/// Something the executor or its reactor just did.
///
/// Events borrow what they name (the task's name), so emitting one never
/// allocates; an observer that keeps them copies what it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A task was created and queued for its first poll.
    Spawn { task: TaskId, name: &'a str },
    /// A drain of the run queue began; `queued` tasks will be polled in it.
    DrainStart { queued: usize },
    /// The drain ended.
    DrainEnd,
    /// The executor is about to poll `task`.
    PollStart { task: TaskId },
    /// The poll returned; `ready` is `Poll::is_ready()`.
    PollEnd { task: TaskId, ready: bool },
    /// The waker vtable's `wake` (`by_ref: false`) or `wake_by_ref` was called.
    Wake {
        task: TaskId,
        by_ref: bool,
        outcome: WakeOutcome,
    },
    /// The waker vtable's `clone` was called: someone kept the waker.
    WakerClone { task: TaskId },
    /// The waker vtable's `drop` was called.
    WakerDrop { task: TaskId },
    /// The task's future returned `Ready`.
    Complete { task: TaskId },
    /// The task was cancelled (aborted, or dropped at shutdown) before completing;
    /// its future has been dropped.
    Cancel { task: TaskId },
    /// The task panicked in a poll that never returned (a trap on wasm),
    /// found at the next drain; it is finished, as if cancelled.
    Panic { task: TaskId, message: &'a str },
    /// A sleep registered its deadline with the reactor (at its first poll).
    TimerRegister { timer: TimerKey, deadline: Instant },
    /// A deadline passed and its waker was woken.
    TimerFire { timer: TimerKey },
    /// A sleep was dropped before its deadline; it left the reactor.
    TimerCancel { timer: TimerKey },
    /// The one native timer was (re-)armed to fire after `delay`.
    NativeTimerSet { delay: Duration },
    /// The native timer was disarmed: no deadlines are left.
    NativeTimerClear,
}

/// What a wake did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WakeOutcome {
    /// The task was put on the run queue.
    Scheduled,
    /// The task was already queued; the wake was merged into that one.
    AlreadyQueued,
    /// The task had completed or been cancelled: nothing to do.
    Finished,
}

/// Receives [`Event`]s. Called synchronously, in the middle of executor
/// work, with no executor state borrowed: an observer may spawn, wake or read
/// the clock, but should be quick.
pub trait Observer {
    fn on_event(&self, event: Event<'_>);
}

impl<F: Fn(Event<'_>)> Observer for F {
    fn on_event(&self, event: Event<'_>) {
        self(event)
    }
}
