//! The executor's state and its two entry points from the platform: the
//! drain (`run_ready`) and the timer callback (`fire_timers`).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use super::current;
use super::live::TaskList;
use super::observer::{Event, Observer, WakeOutcome};
use super::task::{Phase, Task, TaskId, TaskInfo};
use super::waker::BorrowedWaker;
use crate::platform::{Instant, Platform};
use crate::reactor::{TimerKey, TimerQueue, Unfixed, UnfixedKey};

/// Everything one executor owns. Tasks point back here weakly; the
/// [`Executor`](super::Executor) handle owns it.
///
/// `RefCell`s here are borrowed only for a push, a pop or a lookup, never
/// across a poll, a wake, an observer call or a call into the platform.
pub(crate) struct Shared {
    platform: Box<dyn Platform>,
    /// Tasks to poll, in wake order. A task is in here at most once (`Task::queued`).
    run_queue: RefCell<VecDeque<Rc<Task>>>,
    /// A drain has been asked of the platform and has not started yet.
    drain_scheduled: Cell<bool>,
    /// Tasks spawned and neither completed nor cancelled.
    live_tasks: Cell<usize>,
    /// Every live task whose poll has returned `Pending` at least once. The
    /// other live tasks are in the run queue (not polled yet) or `polling`
    /// (in their first poll), so shutdown reaches every live task through
    /// these three.
    started_tasks: TaskList,
    next_task_id: Cell<u64>,
    /// The task being polled right now, for observers and the reactor. Still
    /// set when a drain begins, it is a poll that never returned (a trap):
    /// see `recover_abandoned_poll`.
    polling: Cell<Option<Rc<Task>>>,
    /// A drain is under way: sleeps first polled now get their deadline
    /// when it ends (`register_sleep`).
    draining: Cell<bool>,
    timers: RefCell<TimerQueue>,
    /// The deadline the native timer is armed for, if it is armed.
    native_timer: Cell<Option<Instant>>,
    observer: RefCell<Option<Rc<dyn Observer>>>,
    has_observer: Cell<bool>,
    shut_down: Cell<bool>,
}

/// How a sleep's first poll registered it.
pub(crate) enum SleepKey {
    /// With its deadline.
    Fixed(TimerKey),
    /// With its delay; the deadline comes at the end of the drain.
    Unfixed(UnfixedKey),
}

impl Shared {
    pub(crate) fn new(platform: Box<dyn Platform>) -> Shared {
        crate::diagnostics::EXECUTOR.up();
        Shared {
            platform,
            run_queue: RefCell::new(VecDeque::new()),
            drain_scheduled: Cell::new(false),
            live_tasks: Cell::new(0),
            started_tasks: TaskList::default(),
            next_task_id: Cell::new(1),
            polling: Cell::new(None),
            draining: Cell::new(false),
            timers: RefCell::new(TimerQueue::new()),
            native_timer: Cell::new(None),
            observer: RefCell::new(None),
            has_observer: Cell::new(false),
            shut_down: Cell::new(false),
        }
    }

    // ----- observing -------------------------------------------------------

    #[inline]
    pub(crate) fn emit(&self, event: Event<'_>) {
        if self.has_observer.get() {
            self.emit_slow(event);
        }
    }

    #[cold]
    fn emit_slow(&self, event: Event<'_>) {
        let observer = self.observer.borrow().clone();
        if let Some(observer) = observer {
            observer.on_event(event);
        }
    }

    pub(crate) fn set_observer(&self, observer: Option<Rc<dyn Observer>>) {
        self.has_observer.set(observer.is_some());
        let previous = self.observer.replace(observer);
        drop(previous);
    }

    // ----- spawning and waking ---------------------------------------------

    pub(crate) fn next_task_id(&self) -> TaskId {
        let id = TaskId(self.next_task_id.get());
        self.next_task_id.set(id.0 + 1);
        id
    }

    /// Queues a task just made (with an id from [`next_task_id`](Shared::next_task_id)).
    pub(crate) fn spawn_task(&self, task: Rc<Task>) {
        if self.shut_down.get() {
            Self::cancel_unstarted(&task);
            return;
        }
        self.live_tasks.set(self.live_tasks.get() + 1);
        if self.has_observer.get() {
            self.emit_slow(Event::Spawn {
                task: task.id(),
                name: task.name(),
            });
            if self.shut_down.get() {
                return; // the observer shut us down in the middle of this spawn
            }
        }
        self.push_to_queue(task);
    }

    /// A task spawned after shutdown: nothing will ever poll it, so it is
    /// cancelled before it starts, and its future dropped right away.
    #[cold]
    fn cancel_unstarted(task: &Task) {
        task.phase.set(Phase::Cancelled);
        task.body.drop_future();
    }

    pub(crate) fn wake_task(&self, task: &Rc<Task>, by_ref: bool) {
        let outcome = if self.shut_down.get() || task.is_finished() {
            WakeOutcome::Finished
        } else if task.queued.get() {
            WakeOutcome::AlreadyQueued
        } else {
            WakeOutcome::Scheduled
        };
        self.emit(Event::Wake {
            task: task.id(),
            by_ref,
            outcome,
        });
        if outcome == WakeOutcome::Scheduled {
            self.enqueue(task.clone());
        }
    }

    fn enqueue(&self, task: Rc<Task>) {
        if self.shut_down.get() {
            return; // an observer shut us down in the middle of this wake
        }
        self.push_to_queue(task);
    }

    #[inline]
    fn push_to_queue(&self, task: Rc<Task>) {
        task.queued.set(true);
        self.run_queue.borrow_mut().push_back(task);
        self.request_drain();
    }

    fn request_drain(&self) {
        if !self.drain_scheduled.replace(true) {
            self.platform.schedule_drain();
        }
    }

    // ----- the drain --------------------------------------------------------

    /// Polls every task that was queued when the drain began, once each, in
    /// order. Tasks woken meanwhile (including a task waking itself) wait for
    /// the next drain, so a self-waking task cannot starve the host.
    pub(crate) fn run_ready(self: &Rc<Self>) {
        self.run_queued(usize::MAX);
    }

    /// Polls only the first queued task: one step, for a person stepping
    /// through a run. Returns whether a task was polled.
    pub(crate) fn run_one(self: &Rc<Self>) -> bool {
        self.run_queued(1) > 0
    }

    fn run_queued(self: &Rc<Self>, at_most: usize) -> usize {
        // Cleared first: a wake from here on must ask for a new drain.
        self.drain_scheduled.set(false);
        self.recover_abandoned_poll();
        // A trap that abandoned the last drain also skipped its end: it is
        // not draining any more, and the sleeps it registered get their
        // deadlines now (drains never nest, so `draining` is set and cleared,
        // never saved and restored).
        self.draining.set(false);
        self.fix_timers();
        if self.shut_down.get() {
            return 0;
        }
        let queued = self.run_queue.borrow().len();
        let batch = queued.min(at_most);
        if batch == 0 {
            return 0;
        }
        if queued > 1 {
            // Ask for the next drain now: for the tasks this one leaves for
            // later, and because on wasm a panic is a trap that abandons a
            // drain part-way, which must not strand the rest of the batch.
            self.request_drain();
        }
        self.emit(Event::DrainStart { queued: batch });
        let _current = current::enter(self);
        self.draining.set(true);
        for _ in 0..batch {
            let next = self.run_queue.borrow_mut().pop_front();
            let Some(task) = next else { break };
            task.queued.set(false);
            self.poll_task(task);
        }
        self.draining.set(false);
        self.fix_timers();
        self.emit(Event::DrainEnd);
        batch
    }

    /// Polls `task`, taking the queue's reference to it: often the last one.
    fn poll_task(self: &Rc<Self>, task: Rc<Task>) {
        if task.phase.get() != Phase::Idle {
            return; // cancelled while it waited in the queue
        }
        task.phase.set(Phase::Running);
        let outer = self.polling.replace(Some(task.clone()));
        self.emit(Event::PollStart { task: task.id() });

        let waker = BorrowedWaker::new(&task);
        let poll = task.body.poll(&mut Context::from_waker(&waker));

        drop(self.polling.replace(outer));
        self.emit(Event::PollEnd {
            task: task.id(),
            ready: poll.is_ready(),
        });
        match poll {
            // What `complete` does when it has no one to tell and nothing to
            // unlink, inline: how a detached task that completes in its first
            // poll ends (every task of benchmark case 1), with no observer.
            Poll::Ready(())
                if !task.has_join_handle.get() && !task.is_listed() && !self.has_observer.get() =>
            {
                task.phase.set(Phase::Completed);
                self.live_tasks.set(self.live_tasks.get() - 1);
                // With no waker kept, this is the last reference: the task
                // is freed, future and output dropped with it, when this
                // function returns, and nothing can reach it meanwhile.
                // Dropping them in place first would be work done twice.
                if Rc::strong_count(&task) > 1 {
                    task.body.drop_output();
                    task.body.drop_future();
                }
            }
            Poll::Ready(()) => self.complete(&task),
            Poll::Pending if task.abort_requested.get() || self.shut_down.get() => {
                // Aborted during its own poll, or the executor was shut down
                // during it (shutdown never cuts a poll off).
                self.cancel(&task);
            }
            Poll::Pending => {
                task.phase.set(Phase::Idle);
                if !task.is_listed() {
                    self.started_tasks.link(&task);
                }
            }
        }
    }

    /// Finishes a task whose poll returned `Ready`: its output is in its body.
    #[cold]
    fn complete(&self, task: &Rc<Task>) {
        // Completed before its future is dropped, so whatever that drop does
        // (even shutting the executor down) sees a finished task.
        task.phase.set(Phase::Completed);
        self.forget_task(task);
        self.emit(Event::Complete { task: task.id() });
        if !task.has_join_handle.get() {
            task.body.drop_output();
        }
        task.body.drop_future();
        task.notify_join_handle();
    }

    /// Finishes the task whose poll never returned, if there is one. On wasm
    /// a panic is a trap: the poll's frame is abandoned with `polling` still
    /// set, the task `Running` and its future half-polled. Drains
    /// never nest, so a drain that finds `polling` set has found such a poll
    /// (and `polling` holds that task even if it was in its first poll, so
    /// listed nowhere else).
    /// The task ends as panicked: its join handle gets
    /// [`JoinError::Panicked`](super::JoinError::Panicked) instead of waiting
    /// forever. (Natively a panic unwinds to the same state, which is how the
    /// tests reach it.)
    fn recover_abandoned_poll(&self) {
        let Some(task) = self.polling.take() else {
            return;
        };
        // The trap also skipped the guard that makes this executor current.
        current::forget_abandoned(self);
        if task.phase.get() != Phase::Running {
            return;
        }
        let message = crate::panics::take_last_message()
            .unwrap_or_else(|| "the task's poll never returned".to_string());
        task.phase.set(Phase::Cancelled);
        self.forget_task(&task);
        self.emit(Event::Panic {
            task: task.id(),
            message: &message,
        });
        if task.has_join_handle.get() {
            task.set_panic_message(message.into());
        }
        // Forgotten, not dropped, after a trap (see `Body::drop_future`);
        // natively the panic unwound the poll and the future drops normally.
        task.body.drop_future();
        task.notify_join_handle();
    }

    /// Cancels `task` unless it has finished. A task being polled is only
    /// marked: `poll_task` finishes the job when the poll returns.
    pub(crate) fn abort(&self, task: &Rc<Task>) {
        match task.phase.get() {
            Phase::Completed | Phase::Cancelled => {}
            Phase::Running => task.abort_requested.set(true),
            Phase::Idle => self.cancel(task),
        }
    }

    fn cancel(&self, task: &Rc<Task>) {
        let already = task.phase.replace(Phase::Cancelled) == Phase::Cancelled;
        if !already {
            self.forget_task(task);
        }
        // Dropped with nothing borrowed: a future's destructor may wake, spawn
        // or cancel other tasks and timers.
        task.body.drop_future();
        if !already {
            self.emit(Event::Cancel { task: task.id() });
            task.notify_join_handle();
        }
    }

    /// Counts a task out of the live ones: called once, when it finishes.
    fn forget_task(&self, task: &Task) {
        self.live_tasks.set(self.live_tasks.get() - 1);
        let removed = self.started_tasks.unlink(task);
        drop(removed);
    }

    // ----- timers ------------------------------------------------------------

    pub(crate) fn now(&self) -> Instant {
        self.platform.now()
    }

    /// The first poll of a sleep of `delay`. Inside a drain, with no
    /// observer, the clock is not read here: the deadline is fixed when the
    /// drain ends ([`fix_timers`](Shared::fix_timers)), from one reading for
    /// every sleep the drain registered. It is therefore never earlier than
    /// `delay` after this poll (later by at most the rest of the drain, which
    /// the task could not have run in anyway), and a sleep dropped in the
    /// drain that registered it never reaches the heap of deadlines. Outside a
    /// drain, or with an observer (the playground's timeline shows each
    /// deadline as it is registered), the clock is read now.
    pub(crate) fn register_sleep(&self, delay: Duration, waker: Waker) -> SleepKey {
        if self.draining.get() && !self.has_observer.get() && !self.shut_down.get() {
            return SleepKey::Unfixed(self.timers.borrow_mut().insert_unfixed(delay, waker));
        }
        SleepKey::Fixed(self.register_timer(self.now() + delay, waker))
    }

    /// Fixes the deadlines of the sleeps registered in this drain from one
    /// reading of the clock, and re-arms the native timer for them.
    pub(crate) fn fix_timers(&self) {
        if !self.timers.borrow().has_unfixed() {
            return;
        }
        let now = self.platform.now();
        let observed = self.has_observer.get();
        let mut fixed = Vec::new();
        self.timers.borrow_mut().fix_all(now, |key| {
            if observed {
                fixed.push(key);
            }
        });
        for key in fixed {
            self.emit(Event::TimerRegister {
                timer: key,
                deadline: key.deadline(),
            });
        }
        self.sync_native_timer();
    }

    /// Where an unfixed sleep stands: still waiting for its deadline, fixed
    /// (and under which key), or gone.
    pub(crate) fn find_sleep(&self, key: UnfixedKey) -> Unfixed {
        self.timers.borrow().find_unfixed(key)
    }

    /// Makes an unfixed sleep wake `waker` instead of the waker it had.
    pub(crate) fn update_sleep_waker(&self, key: UnfixedKey, waker: &Waker) {
        let replaced = self.timers.borrow_mut().update_unfixed_waker(key, waker);
        drop(replaced);
    }

    /// Removes an unfixed sleep, fixed since or not.
    pub(crate) fn cancel_sleep(&self, key: UnfixedKey) {
        let state = self.find_sleep(key);
        match state {
            Unfixed::Waiting => {
                let removed = self.timers.borrow_mut().remove_unfixed(key);
                drop(removed);
            }
            Unfixed::Fixed(key) => self.cancel_timer(key),
            Unfixed::Gone => {}
        }
    }

    pub(crate) fn register_timer(&self, deadline: Instant, waker: Waker) -> TimerKey {
        let key = self.timers.borrow_mut().insert(deadline, waker);
        self.emit(Event::TimerRegister {
            timer: key,
            deadline,
        });
        self.sync_native_timer();
        key
    }

    /// Whether `key` still waits for its deadline; `false` once fired or cancelled.
    pub(crate) fn timer_is_pending(&self, key: TimerKey) -> bool {
        self.timers.borrow().contains(key)
    }

    /// Makes a pending timer wake `waker` instead of the waker it had.
    pub(crate) fn update_timer_waker(&self, key: TimerKey, waker: &Waker) {
        let replaced = self.timers.borrow_mut().update_waker(key, waker);
        drop(replaced);
    }

    /// Removes a timer that has not fired; a no-op for one that has.
    pub(crate) fn cancel_timer(&self, key: TimerKey) {
        let removed = self.timers.borrow_mut().remove(key);
        if let Some(waker) = removed {
            self.emit(Event::TimerCancel { timer: key });
            drop(waker);
            self.sync_native_timer();
        }
    }

    /// A timer its own poll found due before the native timer fired: it
    /// leaves the reactor as fired, not as cancelled.
    pub(crate) fn fire_timer_now(&self, key: TimerKey) {
        let removed = self.timers.borrow_mut().remove(key);
        if let Some(waker) = removed {
            self.emit(Event::TimerFire { timer: key });
            drop(waker);
            self.sync_native_timer();
        }
    }

    /// The native timer fired: wake every timer whose deadline has passed,
    /// earliest first, then re-arm for the next deadline.
    pub(crate) fn fire_timers(&self) {
        self.native_timer.set(None);
        if self.shut_down.get() {
            return;
        }
        self.fix_timers();
        let now = self.platform.now();
        loop {
            // Popped one at a time, so a timer cancelled by an earlier wake
            // in this same loop is never fired.
            let due = self.timers.borrow_mut().pop_due(now);
            let Some((key, waker)) = due else { break };
            self.emit(Event::TimerFire { timer: key });
            waker.wake();
        }
        self.sync_native_timer();
    }

    /// Keeps exactly one native timer armed, for the earliest deadline, or
    /// none when there are no deadlines.
    fn sync_native_timer(&self) {
        if self.shut_down.get() {
            return;
        }
        let earliest = self.timers.borrow().earliest();
        if earliest == self.native_timer.get() {
            return;
        }
        self.native_timer.set(earliest);
        match earliest {
            Some(deadline) => {
                let delay = deadline.saturating_duration_since(self.platform.now());
                self.emit(Event::NativeTimerSet { delay });
                self.platform.set_timer(delay);
            }
            None => {
                self.emit(Event::NativeTimerClear);
                self.platform.clear_timer();
            }
        }
    }

    // ----- shutdown and inspection ------------------------------------------

    /// Cancels every live task, forgets every timer, disarms the native
    /// timer. Afterwards wakes do nothing and spawns give cancelled tasks.
    pub(crate) fn shut_down(&self) {
        if self.shut_down.replace(true) {
            return;
        }
        if self.native_timer.take().is_some() {
            self.platform.clear_timer();
        }
        let timers = self.timers.take();
        let queue = self.run_queue.take();
        // Newest first: the tasks not polled yet (spawned after every started
        // one, since the queue is first in, first out), then the started ones.
        let mut tasks: Vec<Rc<Task>> = queue
            .iter()
            .rev()
            .filter(|task| task.awaits_first_poll())
            .cloned()
            .collect();
        tasks.extend(self.started_tasks.take_all());
        for task in &queue {
            task.queued.set(false);
        }
        drop(queue);
        drop(timers);
        for task in tasks {
            // A `Running` task is the one that shut us down (listed, or in
            // its first poll and in neither place): it is never cut off
            // mid-poll, and `poll_task` finishes it when its poll returns.
            if task.phase.get() == Phase::Idle {
                self.cancel(&task);
            }
        }
    }

    pub(crate) fn is_shut_down(&self) -> bool {
        self.shut_down.get()
    }

    pub(crate) fn polling(&self) -> Option<TaskId> {
        let task = self.polling.take();
        let id = task.as_ref().map(|task| task.id());
        self.polling.set(task);
        id
    }

    /// Every live task: the started ones, the one in its first poll, and
    /// those not polled yet.
    pub(crate) fn live_task_list(&self) -> Vec<TaskInfo> {
        let mut list = Vec::with_capacity(self.live_task_count());
        let mut add = |task: &Task| {
            list.push(TaskInfo {
                id: task.id(),
                name: task.name().to_string(),
                phase: task.phase.get(),
                queued: task.queued.get(),
            });
        };
        self.started_tasks.for_each(&mut add);
        let polling = self.polling.take();
        if let Some(task) = polling.as_ref().filter(|task| !task.is_listed()) {
            add(task);
        }
        self.polling.set(polling);
        for task in self.run_queue.borrow().iter() {
            if task.awaits_first_poll() {
                add(task);
            }
        }
        list
    }

    pub(crate) fn live_task_count(&self) -> usize {
        self.live_tasks.get()
    }

    pub(crate) fn queued_task_count(&self) -> usize {
        self.run_queue.borrow().len()
    }

    pub(crate) fn pending_timer_count(&self) -> usize {
        self.timers.borrow().len()
    }

    pub(crate) fn native_timer_deadline(&self) -> Option<Instant> {
        self.native_timer.get()
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        crate::diagnostics::EXECUTOR.down();
    }
}
