//! The interpreter: statements and expressions of the parsed program, turned
//! into real futures as they are evaluated.
//!
//! Evaluation is an `async` walk of the tree. It adds no poll and no task of
//! its own: an `await` in the program is exactly one `.await` here on the
//! operation's future, and every other expression is evaluated without
//! suspending.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use super::frame::{Frame, ScopeGuard};
use super::ops::{self, OpFuture, OpResult, Thing, Traced};
use super::RunState;
use crate::engines::Value;
use crate::executor::JoinError;
use crate::scenario::ast::{BindingId, Block, Builtin, Expr, ExprKind, Pos, Stmt, StmtKind};
use crate::scenario::{ErrorKind, ScenarioError};
use crate::vec_map::VecMap;

type Eval<'a> = Pin<Box<dyn Future<Output = OpResult> + 'a>>;

pub(crate) fn runtime_error(message: impl Into<String>, pos: Pos) -> ScenarioError {
    ScenarioError::new(ErrorKind::Runtime, message, pos.line, pos.col)
}

/// Evaluates code against one frame.
#[derive(Clone)]
pub(crate) struct Interpreter {
    pub(crate) run: Rc<RunState>,
    pub(crate) frame: Rc<Frame>,
}

impl Interpreter {
    /// Runs the program's statements in this frame; the bindings are dropped
    /// at the end, newest first.
    pub(crate) async fn run_statements(&self, statements: &[Stmt]) -> Result<(), ScenarioError> {
        let _scope = ScopeGuard::enter(&self.frame);
        for statement in statements {
            self.statement(statement).await?;
        }
        Ok(())
    }

    async fn block(&self, block: &Block) -> OpResult {
        let _scope = ScopeGuard::enter(&self.frame);
        for statement in &block.statements {
            self.statement(statement).await?;
        }
        match &block.tail {
            Some(tail) => self.expr(tail).await,
            None => Ok(Thing::Value(Value::Null)),
        }
    }

    fn statement<'a>(
        &'a self,
        statement: &'a Stmt,
    ) -> Pin<Box<dyn Future<Output = Result<(), ScenarioError>> + 'a>> {
        Box::pin(async move {
            self.run.step(statement.pos)?;
            match &statement.kind {
                StmtKind::Let {
                    name,
                    binding,
                    value,
                    ..
                } => {
                    let thing = self.expr(value).await?;
                    if name == "_" {
                        drop(thing); // `let _ = …` drops at once, as in Rust
                    } else {
                        self.frame.bind(*binding, thing);
                    }
                }
                // A future made and not kept is dropped at the `;`.
                StmtKind::Expr(expr) => drop(self.expr(expr).await?),
                StmtKind::Repeat { count, body } => {
                    for _ in 0..*count {
                        self.run.step(statement.pos)?;
                        let _scope = ScopeGuard::enter(&self.frame);
                        for inner in &body.statements {
                            self.statement(inner).await?;
                        }
                        if let Some(tail) = &body.tail {
                            drop(self.expr(tail).await?);
                        }
                    }
                }
            }
            Ok(())
        })
    }

    fn expr<'a>(&'a self, expr: &'a Expr) -> Eval<'a> {
        Box::pin(async move {
            self.run.step(expr.pos)?;
            match &expr.kind {
                ExprKind::Integer(n) => Ok(Thing::Value(Value::Int(i64::from(*n)))),
                ExprKind::String(s) => Ok(Thing::Value(Value::Str(s.as_str().into()))),
                ExprKind::Null => Ok(Thing::Value(Value::Null)),
                ExprKind::Name { name, binding } => binding
                    .and_then(|binding| self.frame.take(binding))
                    .ok_or_else(|| {
                        runtime_error(format!("use of moved value: `{name}`"), expr.pos)
                    }),
                ExprKind::Await(operand) => match self.expr(operand).await? {
                    Thing::Future(future) => future.await,
                    // Refused by the checks; JavaScript's rule if it ever runs.
                    Thing::Value(value) => Ok(Thing::Value(value)),
                },
                ExprKind::Async(block) => Ok(Thing::Future(self.async_block(expr, block))),
                ExprKind::Call { builtin, args } => {
                    let mut values = Vec::with_capacity(args.len());
                    for arg in args {
                        values.push(self.expr(arg).await?);
                    }
                    self.call(expr, *builtin, values)
                }
            }
        })
    }

    /// `async { … }`: a future over the (shared) block, with the values it
    /// uses copied and the futures it uses moved in, like `async move`.
    fn async_block(&self, expr: &Expr, block: &Arc<Block>) -> OpFuture {
        let op = self.run.sink.next_op(expr.pos, &expr.label);
        let frame = Frame::new();
        // In id order (a `VecMap` is sorted): captures are moved in source order.
        for binding in free_bindings(block) {
            if let Some(thing) = self.frame.take(binding) {
                frame.bind(binding, thing);
            }
        }
        let inner = Interpreter {
            run: self.run.clone(),
            frame,
        };
        let block = Arc::clone(block);
        Traced::new(
            &self.run,
            op,
            Box::pin(async move { inner.block(&block).await }),
        )
        .boxed()
    }

    /// A call, its arguments evaluated: the operation's future (or, for
    /// `log`, its effect). Nothing here awaits, so it is a plain function, not
    /// more states of `expr`'s future.
    fn call(&self, expr: &Expr, builtin: Builtin, values: Vec<Thing>) -> OpResult {
        let run = &self.run;
        let op = run.sink.next_op(expr.pos, &expr.label);
        let future: OpFuture = match builtin {
            Builtin::Log => {
                let texts: Vec<String> = values
                    .into_iter()
                    .map(|thing| thing.into_value().to_string())
                    .collect();
                let text = crate::join(&texts, " ");
                run.log(&op, text, expr.pos)?;
                return Ok(Thing::Value(Value::Null));
            }
            Builtin::Sleep => {
                let mut values = values.into_iter();
                let ms = integer_arg(values.next(), expr.pos, "sleep")?;
                let output = values.next().unwrap_or(Thing::Value(Value::Null));
                let pos = expr.pos;
                let sleep = crate::sleep(Duration::from_millis(ms));
                Traced::new(
                    run,
                    op,
                    Box::pin(async move {
                        sleep.await;
                        Ok(output)
                    }),
                )
                .on_start(move |run| run.timer_started(pos))
                .on_end(RunState::timer_ended)
                .boxed()
            }
            Builtin::Fetch => {
                let url = string_arg(values.into_iter().next(), expr.pos, "fetch")?;
                Traced::new(run, op, super::fetch::fetch_status(url, expr.pos)).boxed()
            }
            Builtin::Join => Traced::new(run, op, ops::join(values)).boxed(),
            Builtin::Race => Traced::new(run, op, ops::race(values)).boxed(),
            Builtin::YieldNow => {
                let yielded = crate::yield_now();
                Traced::new(
                    run,
                    op,
                    Box::pin(async move {
                        yielded.await;
                        Ok(Thing::Value(Value::Null))
                    }),
                )
                .boxed()
            }
            Builtin::Fail => {
                let message = values
                    .into_iter()
                    .next()
                    .map(|t| t.into_value().to_string())
                    .unwrap_or_default();
                Traced::new(
                    run,
                    op,
                    Box::pin(ops::fail(runtime_error(message, expr.pos))),
                )
                .boxed()
            }
            Builtin::Spawn => return self.spawn(expr, op, values.into_iter().next()),
        };
        Ok(Thing::Future(future))
    }

    /// `spawn(e)`: `e` becomes a task now; the value is its join handle.
    fn spawn(
        &self,
        expr: &Expr,
        op: crate::engines::trace::OpId,
        operand: Option<Thing>,
    ) -> OpResult {
        let run = &self.run;
        let inner: OpFuture = match operand {
            Some(Thing::Future(future)) => future,
            Some(Thing::Value(value)) => Box::pin(std::future::ready(Ok(Thing::Value(value)))),
            None => Box::pin(std::future::ready(Ok(Thing::Value(Value::Null)))),
        };
        run.task_spawned(expr.pos)?;
        let name = format!("{} {}", op.id, op.label);
        let traced = Traced::new(run, op.clone(), inner).on_end(RunState::task_ended);
        let handle = run.spawn_task(name, op, traced)?;
        let pos = expr.pos;
        Ok(Thing::Future(Box::pin(async move {
            match handle.await {
                Ok(result) => result,
                Err(JoinError::Cancelled) => {
                    Err(runtime_error("the spawned task was cancelled", pos))
                }
                Err(error) => Err(runtime_error(error.to_string(), pos)),
            }
        })))
    }
}

fn integer_arg(thing: Option<Thing>, pos: Pos, name: &str) -> Result<u64, ScenarioError> {
    match thing.map(Thing::into_value) {
        Some(Value::Int(n)) if n >= 0 => Ok(n as u64),
        other => Err(runtime_error(
            format!(
                "`{name}` expects an integer of milliseconds, got {}",
                describe(other.as_ref())
            ),
            pos,
        )),
    }
}

/// A value for a message, as the program would write it, with its kind. Not
/// `Value`'s `Debug`: that would show Rust's names (`Some(Int(3))`) and link
/// `str`'s escaping `Debug` into the module (BENCHMARKS.md, case 6).
fn describe(value: Option<&Value>) -> String {
    match value {
        None => "nothing".into(),
        Some(Value::Null) => "null".into(),
        Some(Value::Int(n)) => format!("the integer {n}"),
        Some(Value::Str(s)) => format!("the string \"{s}\""),
        Some(list @ Value::List(_)) => format!("the list {list}"),
    }
}

fn string_arg(thing: Option<Thing>, pos: Pos, name: &str) -> Result<String, ScenarioError> {
    match thing.map(Thing::into_value) {
        Some(Value::Str(s)) => Ok(s.to_string()),
        other => Err(runtime_error(
            format!(
                "`{name}` expects a string, got {}",
                describe(other.as_ref())
            ),
            pos,
        )),
    }
}

/// The bindings a block uses but does not declare (what an `async` block
/// captures from around it), in id order.
fn free_bindings(block: &Block) -> impl Iterator<Item = BindingId> {
    let mut by_id = VecMap::new();
    for (_, id) in crate::scenario::walk::free_bindings(block) {
        by_id.insert(id, ());
    }
    by_id.into_keys()
}
