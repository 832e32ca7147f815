//! The futures a scenario is made of, each wrapped so that it reports its
//! life to the trace: `create` when made, `start` at its first poll, `poll`
//! on each poll, `settle` when ready, and `drop` or `cancel` if dropped first.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::RunState;
use crate::combinators;
use crate::engines::trace::{EventKind, OpId, TraceEvent};
use crate::engines::Value;
use crate::scenario::ScenarioError;

/// What evaluating an expression gives: a plain value or a future.
pub(crate) enum Thing {
    Value(Value),
    Future(OpFuture),
}

impl Thing {
    /// The value a list or a trace shows for this thing. A future inside a
    /// list cannot be awaited any more; it is dropped and shown as `<future>`.
    pub(crate) fn into_value(self) -> Value {
        match self {
            Thing::Value(value) => value,
            Thing::Future(_) => Value::Str("<future>".into()),
        }
    }
}

pub(crate) type OpResult = Result<Thing, ScenarioError>;
pub(crate) type OpFuture = Pin<Box<dyn Future<Output = OpResult>>>;

/// Runs at an operation's first poll; an error refuses to start it.
type StartCheck = Box<dyn FnOnce(&RunState) -> Result<(), ScenarioError>>;
/// Runs when a started operation ends (settled or dropped).
type EndHook = Box<dyn FnOnce(&RunState)>;

/// An operation's future with its trace events.
pub(crate) struct Traced {
    run: Rc<RunState>,
    op: OpId,
    inner: OpFuture,
    started: bool,
    settled: bool,
    /// Runs once, at the first poll, before the inner future is polled: a
    /// limit check that may refuse to start.
    on_start: Option<StartCheck>,
    /// Runs once when the operation ends after starting (settled or dropped).
    on_end: Option<EndHook>,
}

impl Traced {
    /// Wraps `inner` and records its `create` event.
    pub(crate) fn new(run: &Rc<RunState>, op: OpId, inner: OpFuture) -> Traced {
        run.sink.emit(EventKind::Create, &op);
        Traced {
            run: run.clone(),
            op,
            inner,
            started: false,
            settled: false,
            on_start: None,
            on_end: None,
        }
    }

    pub(crate) fn on_start(
        mut self,
        check: impl FnOnce(&RunState) -> Result<(), ScenarioError> + 'static,
    ) -> Traced {
        self.on_start = Some(Box::new(check));
        self
    }

    pub(crate) fn on_end(mut self, end: impl FnOnce(&RunState) + 'static) -> Traced {
        self.on_end = Some(Box::new(end));
        self
    }

    pub(crate) fn boxed(self) -> OpFuture {
        Box::pin(self)
    }

    fn end(&mut self) {
        if let Some(end) = self.on_end.take() {
            end(&self.run);
        }
    }
}

impl Future for Traced {
    type Output = OpResult;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<OpResult> {
        let this = &mut *self;
        if this.settled {
            panic!("an operation was polled after it settled");
        }
        if !this.started {
            this.started = true;
            if let Some(check) = this.on_start.take() {
                if let Err(error) = check(&this.run) {
                    this.on_end = None;
                    this.settled = true;
                    return Poll::Ready(Err(error));
                }
            }
            this.run.sink.emit(EventKind::Start, &this.op);
        }
        crate::panics::panic_if_asked();
        let task = this.run.current_task();
        let poll = this.inner.as_mut().poll(cx);
        let mut event = TraceEvent::new(EventKind::Poll, &this.op);
        event.ready = Some(poll.is_ready());
        event.task = task;
        this.run.sink.record(event);
        let Poll::Ready(result) = poll else {
            return Poll::Pending;
        };
        this.settled = true;
        this.end();
        let mut event = TraceEvent::new(EventKind::Settle, &this.op);
        event.task = task;
        match &result {
            Ok(thing) => {
                event.ok = Some(true);
                event.value = Some(match thing {
                    Thing::Value(value) => value.clone(),
                    Thing::Future(_) => Value::Str("<future>".into()),
                });
            }
            Err(error) => {
                event.ok = Some(false);
                event.error = Some(error.message.clone());
            }
        }
        this.run.sink.record(event);
        Poll::Ready(result)
    }
}

impl Drop for Traced {
    fn drop(&mut self) {
        if !self.started {
            self.run.sink.emit(EventKind::Drop, &self.op);
        } else if !self.settled {
            self.end();
            // The inner future goes first, so the operands a combinator
            // cancels show before the combinator itself.
            self.inner = Box::pin(std::future::pending());
            self.run.sink.emit(EventKind::Cancel, &self.op);
        }
    }
}

/// A plain value among a combinator's operands is one that is already done,
/// as `Promise.all` and `Promise.race` treat it.
fn operand(thing: Thing) -> OpFuture {
    match thing {
        Thing::Future(future) => future,
        Thing::Value(value) => Box::pin(std::future::ready(Ok(Thing::Value(value)))),
    }
}

/// `join(a, b, …)`: the list of every operand's value.
pub(crate) fn join(operands: Vec<Thing>) -> OpFuture {
    let all = combinators::join_all(operands.into_iter().map(operand).collect());
    Box::pin(async move {
        let things = all.await?;
        let values: Vec<Value> = things.into_iter().map(Thing::into_value).collect();
        Ok(Thing::Value(Value::List(values.into())))
    })
}

/// `race(a, b, …)`: the first operand to finish, success or error.
pub(crate) fn race(operands: Vec<Thing>) -> OpFuture {
    Box::pin(combinators::race(
        operands.into_iter().map(operand).collect(),
    ))
}

/// Fails at its first poll; never polled, nothing happens.
pub(crate) async fn fail(error: ScenarioError) -> OpResult {
    Err(error)
}
