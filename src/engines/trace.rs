//! The trace both engines write: one event per thing that happened, in order.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::value::Value;
use crate::scenario::ast::Pos;
use crate::vec_map::VecMap;

/// What happened. The first five are common to both engines; `Poll`, `Wake`
/// and `Drop` only the rust engine emits; `Executor` carries the executor's
/// own events (task polls, vtable calls, timers) for the page's executor view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Create,
    Start,
    Settle,
    Cancel,
    Log,
    Poll,
    Wake,
    Drop,
    Executor,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Create => "create",
            EventKind::Start => "start",
            EventKind::Settle => "settle",
            EventKind::Cancel => "cancel",
            EventKind::Log => "log",
            EventKind::Poll => "poll",
            EventKind::Wake => "wake",
            EventKind::Drop => "drop",
            EventKind::Executor => "executor",
        }
    }
}

/// Which operation an event belongs to: the expression that made it, and how
/// many times that expression had been evaluated before in this run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpId {
    /// `"LINE:COL#N"`.
    pub id: Rc<str>,
    /// The expression's source text.
    pub label: Rc<str>,
}

/// One trace event. Fields that do not apply to a kind are `None`.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEvent {
    pub seq: u64,
    /// Milliseconds since the run started.
    pub t: f64,
    pub kind: EventKind,
    pub op: OpId,
    /// `settle`: whether it succeeded.
    pub ok: Option<bool>,
    /// `settle` with `ok`: the value.
    pub value: Option<Value>,
    /// `settle` without `ok`: the error's message.
    pub error: Option<String>,
    /// `poll`: whether the poll returned `Ready`.
    pub ready: Option<bool>,
    /// `log`: the printed text; `executor`: what the executor did.
    pub text: Option<String>,
    /// The executor task the event happened in, for the rust engine.
    pub task: Option<u64>,
}

impl TraceEvent {
    /// An event of `kind` for `op` with its other fields empty, for the
    /// caller to fill in and hand to [`TraceSink::record`].
    pub fn new(kind: EventKind, op: &OpId) -> TraceEvent {
        TraceEvent {
            seq: 0,
            t: 0.0,
            kind,
            op: op.clone(),
            ok: None,
            value: None,
            error: None,
            ready: None,
            text: None,
            task: None,
        }
    }
}

/// A function that sees each event as it is recorded.
pub type EventListener = Box<dyn Fn(&TraceEvent)>;

/// Collects a run's events, numbers and stamps them, hands each to the
/// listener, and enforces the cap on their number.
pub struct TraceSink {
    events: RefCell<Vec<TraceEvent>>,
    listener: Option<EventListener>,
    clock: Box<dyn Fn() -> f64>,
    started_ms: f64,
    max_events: usize,
    overflowed: Cell<bool>,
    evaluations: RefCell<VecMap<Pos, u32>>,
}

impl TraceSink {
    /// `clock` reads milliseconds on the run's clock; the run starts now.
    pub fn new(
        clock: Box<dyn Fn() -> f64>,
        listener: Option<EventListener>,
        max_events: usize,
    ) -> TraceSink {
        let started_ms = clock();
        TraceSink {
            events: RefCell::new(Vec::new()),
            listener,
            clock,
            started_ms,
            max_events,
            overflowed: Cell::new(false),
            evaluations: RefCell::new(VecMap::new()),
        }
    }

    /// Milliseconds since the run started.
    pub fn elapsed_ms(&self) -> f64 {
        (self.clock)() - self.started_ms
    }

    /// The id for one more evaluation of the expression at `pos`.
    pub fn next_op(&self, pos: Pos, label: &str) -> OpId {
        let mut evaluations = self.evaluations.borrow_mut();
        let count = evaluations.get_or_insert_with(pos, || 0);
        let id = format!("{}:{}#{}", pos.line, pos.col, count);
        *count += 1;
        OpId {
            id: id.into(),
            label: label.into(),
        }
    }

    /// Records an event with nothing but its kind and operation (see
    /// [`record`](Self::record)).
    pub fn emit(&self, kind: EventKind, op: &OpId) {
        self.record(TraceEvent::new(kind, op));
    }

    /// Numbers, stamps and records `event`, made by [`TraceEvent::new`] and
    /// filled in by the caller. Past the cap on events it is not recorded,
    /// and [`overflowed`](Self::overflowed) says so.
    ///
    /// Not a method taking a closure to fill the event in: each caller's
    /// closure made a copy of it (BENCHMARKS.md, case 6).
    pub fn record(&self, mut event: TraceEvent) {
        event.t = self.elapsed_ms();
        {
            let mut events = self.events.borrow_mut();
            if events.len() >= self.max_events {
                self.overflowed.set(true);
                return;
            }
            event.seq = events.len() as u64;
            events.push(event.clone());
        }
        if let Some(listener) = &self.listener {
            listener(&event);
        }
    }

    /// Whether an event was refused for the cap.
    pub fn overflowed(&self) -> bool {
        self.overflowed.get()
    }

    pub fn len(&self) -> usize {
        self.events.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The events so far.
    pub fn take_events(&self) -> Vec<TraceEvent> {
        self.events.take()
    }
}
