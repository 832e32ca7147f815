//! The rust engine: a scenario program as real Rust futures on this crate's
//! executor.
//!
//! [`start`] spawns the program's body as the `main` task. Everything the
//! program makes is a real future: `sleep` is the reactor's timer, `fetch`
//! the fetch leaf, `spawn` a real task, `join`/`race` combinators that poll
//! their operands, an `async` block a future that runs its body only when
//! polled. When the body is done, its unawaited bindings are dropped and the
//! executor is shut down, which cancels every task still alive: what a Rust
//! `main` returning does.

mod eval;
mod fetch;
mod frame;
mod ops;

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::limits::Limits;
use super::trace::{EventKind, EventListener, OpId, TraceEvent, TraceSink};
use crate::executor::{Event, Executor, ExecutorRef, JoinHandle, WakeOutcome};
use crate::platform::Millis3;
use crate::scenario::ast::{Pos, Program};
use crate::scenario::{ErrorKind, ScenarioError};
use eval::Interpreter;
use frame::Frame;
use ops::{OpResult, Traced};

/// How a run ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// `None` when the body completed; otherwise the error that ended the run.
    pub error: Option<ScenarioError>,
}

/// State shared by everything in one run.
pub(crate) struct RunState {
    pub(crate) sink: TraceSink,
    limits: Limits,
    executor: ExecutorRef,
    steps: Cell<u64>,
    output_bytes: Cell<usize>,
    live_timers: Cell<usize>,
    live_tasks: Cell<usize>,
    /// Task id -> the operation whose events its polls and wakes belong to.
    task_ops: RefCell<Vec<(u64, OpId)>>,
    /// The `spawn` op whose task the executor is creating right now.
    spawning: RefCell<Option<OpId>>,
    polling: Cell<Option<u64>>,
    outcome: RefCell<Option<Outcome>>,
    done_waker: RefCell<Option<Waker>>,
}

impl RunState {
    /// Counts one step; ends the run when a step or time limit is passed.
    fn step(&self, pos: Pos) -> Result<(), ScenarioError> {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > self.limits.operations {
            return Err(self.limit(
                format!(
                    "the run took more than {} operations",
                    self.limits.operations
                ),
                pos,
            ));
        }
        // The clock is read now and then: reading it costs a call into JS.
        if steps % 1024 == 0 && self.sink.elapsed_ms() > self.limits.time_ms {
            return Err(self.time_limit());
        }
        if self.sink.overflowed() {
            return Err(self.limit(
                format!("the run made more than {} trace events", self.limits.events),
                pos,
            ));
        }
        Ok(())
    }

    /// The time limit belongs to no token: reported at 0:0, as by the js engine.
    fn time_limit(&self) -> ScenarioError {
        let message = format!(
            "the run took longer than its time limit of {} ms",
            super::limits::number_text(self.limits.time_ms)
        );
        self.limit(message, Pos { line: 0, col: 0 })
    }

    /// Ends the run with a `limit` error (the first end wins) and returns it.
    fn limit(&self, message: String, pos: Pos) -> ScenarioError {
        let error = ScenarioError::new(ErrorKind::Limit, message, pos.line, pos.col);
        self.finish(Some(error.clone()));
        error
    }

    fn log(&self, op: &OpId, text: String, pos: Pos) -> Result<(), ScenarioError> {
        let bytes = self.output_bytes.get() + text.len() + 1;
        self.output_bytes.set(bytes);
        if bytes > self.limits.output_bytes {
            return Err(self.limit(
                format!(
                    "the program printed more than {} bytes",
                    self.limits.output_bytes
                ),
                pos,
            ));
        }
        let mut event = TraceEvent::new(EventKind::Log, op);
        event.text = Some(text);
        self.sink.record(event);
        Ok(())
    }

    fn timer_started(&self, pos: Pos) -> Result<(), ScenarioError> {
        if self.live_timers.get() >= self.limits.live_timers {
            return Err(self.limit(
                format!(
                    "more than {} timers were live at once",
                    self.limits.live_timers
                ),
                pos,
            ));
        }
        self.live_timers.set(self.live_timers.get() + 1);
        Ok(())
    }

    fn timer_ended(&self) {
        self.live_timers
            .set(self.live_timers.get().saturating_sub(1));
    }

    fn task_spawned(&self, pos: Pos) -> Result<(), ScenarioError> {
        if self.live_tasks.get() >= self.limits.live_tasks {
            return Err(self.limit(
                format!(
                    "more than {} spawned tasks were live at once",
                    self.limits.live_tasks
                ),
                pos,
            ));
        }
        self.live_tasks.set(self.live_tasks.get() + 1);
        Ok(())
    }

    fn task_ended(&self) {
        self.live_tasks.set(self.live_tasks.get().saturating_sub(1));
    }

    fn current_task(&self) -> Option<u64> {
        self.polling.get()
    }

    fn spawn_task(
        &self,
        name: String,
        op: OpId,
        future: Traced,
    ) -> Result<JoinHandle<OpResult>, ScenarioError> {
        let Some(executor) = self.executor.upgrade() else {
            return Err(ScenarioError::new(
                ErrorKind::Runtime,
                "the run has ended",
                0,
                0,
            ));
        };
        // The executor reports the spawn before it returns the handle: the op
        // waits here so that event already belongs to it.
        *self.spawning.borrow_mut() = Some(op.clone());
        let handle = crate::executor::spawn_on_shared(&executor, name.into(), future);
        self.spawning.borrow_mut().take();
        self.task_ops.borrow_mut().push((handle.id().0, op));
        Ok(handle)
    }

    fn op_of_task(&self, task: u64) -> Option<OpId> {
        self.task_ops
            .borrow()
            .iter()
            .find(|(id, _)| *id == task)
            .map(|(_, op)| op.clone())
    }

    /// Records how the run ended (the first call wins), shuts the executor
    /// down and wakes whoever waits for the run.
    fn finish(&self, error: Option<ScenarioError>) {
        {
            let mut outcome = self.outcome.borrow_mut();
            if outcome.is_some() {
                return;
            }
            *outcome = Some(Outcome { error });
        }
        self.executor.shut_down();
        if let Some(waker) = self.done_waker.take() {
            waker.wake();
        }
    }

    /// Maps an executor event into the trace.
    fn observe(&self, event: Event<'_>) {
        let main = || OpId {
            id: "0:0#0".into(),
            label: "main".into(),
        };
        let task_op = |task: u64| self.op_of_task(task).unwrap_or_else(main);
        let text = event_text(&event);
        let (op, task) = match event {
            Event::PollStart { task } => {
                self.polling.set(Some(task.0));
                (task_op(task.0), Some(task.0))
            }
            Event::PollEnd { task, .. } => {
                self.polling.set(None);
                (task_op(task.0), Some(task.0))
            }
            Event::Wake { task, .. } => {
                let op = task_op(task.0);
                let mut event = TraceEvent::new(EventKind::Wake, &op);
                event.task = Some(task.0);
                event.text = Some(text.clone());
                self.sink.record(event);
                (op, Some(task.0))
            }
            Event::WakerClone { task }
            | Event::WakerDrop { task }
            | Event::Complete { task }
            | Event::Cancel { task } => (task_op(task.0), Some(task.0)),
            Event::Spawn { task, .. } => {
                let op = self
                    .spawning
                    .borrow()
                    .clone()
                    .unwrap_or_else(|| task_op(task.0));
                (op, Some(task.0))
            }
            Event::Panic { task, message } => {
                let op = task_op(task.0);
                let mut event = TraceEvent::new(EventKind::Executor, &op);
                event.task = Some(task.0);
                event.text = Some(text);
                self.sink.record(event);
                // Whatever state the panic interrupted is not to be trusted:
                // the run ends here, its other tasks dropped.
                let error = format!("a task panicked: {message}");
                self.finish(Some(ScenarioError::new(ErrorKind::Runtime, error, 0, 0)));
                return;
            }
            Event::TimerRegister { .. } | Event::TimerCancel { .. } => (main(), self.polling.get()),
            Event::DrainStart { .. }
            | Event::DrainEnd
            | Event::TimerFire { .. }
            | Event::NativeTimerSet { .. }
            | Event::NativeTimerClear => (main(), None),
        };
        let mut event = TraceEvent::new(EventKind::Executor, &op);
        event.task = task;
        event.text = Some(text);
        self.sink.record(event);
    }
}

/// An executor event as the trace writes it (`poll-end:ready`,
/// `wake-by-ref:already-queued`, `timer-register:3:12.500`…): the rust
/// engine's event texts, and the smoke check's list. Written by hand rather
/// than with `Event`'s `Debug`, which would link `Duration`'s and the
/// structs' `Debug` code into the module (≈ 5 KB; BENCHMARKS.md, case 6).
pub(crate) fn event_text(event: &Event<'_>) -> String {
    match *event {
        Event::Spawn { .. } => "spawn".into(),
        Event::DrainStart { queued } => format!("drain-start:{queued}"),
        Event::DrainEnd => "drain-end".into(),
        Event::PollStart { .. } => "poll-start".into(),
        Event::PollEnd { ready, .. } => {
            format!("poll-end:{}", if ready { "ready" } else { "pending" })
        }
        Event::Wake {
            by_ref, outcome, ..
        } => {
            let how = if by_ref { "wake-by-ref" } else { "wake" };
            let outcome = match outcome {
                WakeOutcome::Scheduled => "scheduled",
                WakeOutcome::AlreadyQueued => "already-queued",
                WakeOutcome::Finished => "finished",
            };
            format!("{how}:{outcome}")
        }
        Event::WakerClone { .. } => "waker-clone".into(),
        Event::WakerDrop { .. } => "waker-drop".into(),
        Event::Complete { .. } => "complete".into(),
        Event::Cancel { .. } => "cancel".into(),
        Event::Panic { .. } => "panic".into(),
        Event::TimerRegister { timer, deadline } => format!(
            "timer-register:{}:{}",
            timer.id(),
            Millis3(deadline.elapsed_since_origin())
        ),
        Event::TimerFire { timer } => format!("timer-fire:{}", timer.id()),
        Event::TimerCancel { timer } => format!("timer-cancel:{}", timer.id()),
        Event::NativeTimerSet { delay } => format!("native-timer-set:{}", Millis3(delay)),
        Event::NativeTimerClear => "native-timer-clear".into(),
    }
}

/// A run in progress: await it for its outcome, or stop it.
pub struct RustRun {
    state: Rc<RunState>,
}

impl RustRun {
    /// Ends the run now with a `limit` error ("stopped"), as the page's Stop
    /// button or the time limit does: every timer, request and task is dropped.
    pub fn stop(&self, message: &str) {
        self.state
            .finish(Some(ScenarioError::new(ErrorKind::Limit, message, 0, 0)));
    }

    /// Ends the run for passing its time limit.
    pub fn stop_for_time(&self) {
        drop(self.state.time_limit());
    }

    pub fn is_finished(&self) -> bool {
        self.state.outcome.borrow().is_some()
    }

    /// How the run ended, once it has.
    pub fn outcome(&self) -> Option<Outcome> {
        self.state.outcome.borrow().clone()
    }

    /// A future of the outcome.
    pub fn finished(&self) -> RunFinished {
        RunFinished {
            state: self.state.clone(),
        }
    }

    /// The events recorded so far (all of them once the run has finished).
    pub fn take_events(&self) -> Vec<TraceEvent> {
        self.state.sink.take_events()
    }

    /// Milliseconds since the run started.
    pub fn elapsed_ms(&self) -> f64 {
        self.state.sink.elapsed_ms()
    }
}

/// Resolves when the run has ended, to how it ended.
pub struct RunFinished {
    state: Rc<RunState>,
}

impl Future for RunFinished {
    type Output = Outcome;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome> {
        if let Some(outcome) = self.state.outcome.borrow().clone() {
            return Poll::Ready(outcome);
        }
        *self.state.done_waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// Starts `program` on `executor` (which the run shuts down when it ends).
/// The program must have passed the checks.
pub fn start(
    program: Rc<Program>,
    executor: &Executor,
    limits: Limits,
    listener: Option<EventListener>,
) -> RustRun {
    let clock_source = executor.executor_ref();
    let clock = Box::new(move || clock_source.now().map_or(0.0, |now| now.as_millis_f64()));
    let state = Rc::new(RunState {
        sink: TraceSink::new(clock, listener, limits.events),
        limits,
        executor: executor.executor_ref(),
        steps: Cell::new(0),
        output_bytes: Cell::new(0),
        live_timers: Cell::new(0),
        live_tasks: Cell::new(0),
        task_ops: RefCell::new(Vec::new()),
        spawning: RefCell::new(None),
        polling: Cell::new(None),
        outcome: RefCell::new(None),
        done_waker: RefCell::new(None),
    });
    let observer_state = Rc::downgrade(&state);
    executor.set_observer(Some(Rc::new(move |event: Event<'_>| {
        if let Some(state) = observer_state.upgrade() {
            state.observe(event);
        }
    })));
    let interpreter = Interpreter {
        run: state.clone(),
        frame: Frame::new(),
    };
    let main = executor.spawn_named(
        "main",
        crate::executor::boxed(async move {
            let result = interpreter.run_statements(&program.body).await;
            let run = interpreter.run.clone();
            drop(interpreter); // the body's frame, with anything never awaited
            run.finish(result.err());
        }),
    );
    drop(main); // detached: the run reports through its state
    RustRun { state }
}
