//! The rust engine's checks: what `rustc` would refuse in the same program written
//! by hand, reported before anything runs, as `check` errors. The js engine runs
//! these programs (awaiting a promise twice or awaiting a plain value is valid
//! JavaScript).
//!
//! What is refused, and where the error points:
//! - **moves**: a binding that holds a future is moved by every use (awaited,
//!   passed to `join`/`race`/`spawn`/`sleep`, bound again with `let b = a;`, used
//!   as a statement `a;` or as a block's value, captured by an `async` block,
//!   which is an `async move` block). A use after that is
//!   ``use of moved value: `a` `` at that use. A future binding declared outside a
//!   `repeat` and used inside it is moved in the loop's previous iteration: the same
//!   error, at the use, whatever the count (`rustc` does not look at `0..1`).
//!   `log(a)` only borrows, so it does not move (but see the next rule).
//! - **not a future**: `await x`, or an operand of `join`/`race`/`spawn`, whose type
//!   is statically not a future: ``` `{integer}` is not a future ``` (`&str`,
//!   `()`, `Vec<Value>`, `Value` for strings, `null`, lists and values known only
//!   at run time), at the operand, where `rustc` puts its label.
//! - **logging a future**: `log(f)` with `f` a future:
//!   ``` `impl Future` doesn't implement `std::fmt::Display` ```, at the argument
//!   (the js engine prints `[object Promise]`).
//! - **a future where a value is expected**: the value of `sleep(ms, v)` or the
//!   final expression of an `async` block being a future:
//!   ``mismatched types: expected `Value`, found `impl Future` ``, at it. (Values
//!   in the rust engine are `null`, integers, strings and lists, never futures.)
//! - **a `repeat` body with a value**: `repeat 2 { 5 }` is `for _ in 0..2 { 5 }`:
//!   ``mismatched types: expected `()`, found `{integer}` ``, at the final
//!   expression.
//!
//! A [`Ty::Unknown`] (the output of `fail`, or of a `race` whose operands give
//! different types) is a run-time `Value` in the rust engine: never a future, so
//! awaiting it is ``` `Value` is not a future ```; for the other rules it is
//! accepted.

use super::ast::{BindingId, Block, Builtin, Expr, ExprKind, Pos, Program, Stmt, StmtKind};
use super::error::{ErrorKind, ScenarioError};
use super::parse;
use super::types::Ty;
use crate::vec_map::VecMap;

/// All the check errors of a parsed program, in source order (empty: the rust
/// engine accepts it).
pub fn check(program: &Program) -> Vec<ScenarioError> {
    let mut checker = Checker {
        bindings: VecMap::new(),
        loop_depth: 0,
        errors: Vec::new(),
    };
    for stmt in &program.body {
        checker.stmt(stmt);
    }
    checker.errors
}

/// Parses then checks: `Ok` only if the rust engine would run the program. A
/// parse or limit error comes alone; check errors come all together.
pub fn check_source(source: &str) -> Result<Program, Vec<ScenarioError>> {
    let program = parse(source).map_err(|e| vec![e])?;
    let errors = check(&program);
    if errors.is_empty() {
        Ok(program)
    } else {
        Err(errors)
    }
}

struct BindingState {
    holds_future: bool,
    /// How many `repeat`s enclosed the `let`.
    loop_depth: usize,
    moved: bool,
}

struct Checker {
    bindings: VecMap<BindingId, BindingState>,
    loop_depth: usize,
    errors: Vec<ScenarioError>,
}

impl Checker {
    /// Keeps `errors` in source order as they come, each after those at the
    /// same place: what a stable sort at the end would give. The checker finds
    /// them in order, except that an expression's own error comes after those
    /// inside it (so it goes at most `MAX_DEPTH` places back); and a stable
    /// `slice::sort` is 3.5 KB of wasm.
    fn error(&mut self, message: String, pos: Pos) {
        let at = self
            .errors
            .partition_point(|e| (e.line, e.col) <= (pos.line, pos.col));
        self.errors.insert(
            at,
            ScenarioError::new(ErrorKind::Check, message, pos.line, pos.col),
        );
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Let { binding, value, .. } => {
                self.expr(value);
                self.bindings.insert(
                    *binding,
                    BindingState {
                        holds_future: value.ty.is_future(),
                        loop_depth: self.loop_depth,
                        moved: false,
                    },
                );
            }
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Repeat { body, .. } => {
                self.loop_depth += 1;
                self.block(body);
                if let Some(tail) = &body.tail {
                    if tail.ty != Ty::Null && tail.ty != Ty::Unknown {
                        self.error(
                            format!(
                                "mismatched types: expected `()`, found `{}`",
                                tail.ty.rust_name()
                            ),
                            tail.pos,
                        );
                    }
                }
                self.loop_depth -= 1;
            }
        }
    }

    fn block(&mut self, block: &Block) {
        for stmt in &block.statements {
            self.stmt(stmt);
        }
        if let Some(tail) = &block.tail {
            self.expr(tail);
        }
    }

    fn expect_future(&mut self, operand: &Expr) {
        // Unknown is still a value in the rust engine (`Value`), never a future.
        if !operand.ty.is_future() {
            self.error(
                format!("`{}` is not a future", operand.ty.rust_name()),
                operand.pos,
            );
        }
    }

    fn expect_value(&mut self, expr: &Expr) {
        if expr.ty.is_future() {
            self.error(
                "mismatched types: expected `Value`, found `impl Future`".to_string(),
                expr.pos,
            );
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Await(operand) => {
                self.expr(operand);
                self.expect_future(operand);
            }
            ExprKind::Async(block) => {
                self.block(block);
                if let Some(tail) = &block.tail {
                    self.expect_value(tail);
                }
            }
            ExprKind::Call { builtin, args } => self.call(*builtin, args),
            ExprKind::Name { name, binding } => self.use_binding(name, *binding, expr.pos),
            ExprKind::Integer(_) | ExprKind::String(_) | ExprKind::Null => {}
        }
    }

    fn call(&mut self, builtin: Builtin, args: &[Expr]) {
        match builtin {
            Builtin::Log => {
                for arg in args {
                    // `println!("{}", a)` borrows `a`: no move, but no `Display`.
                    if !matches!(arg.kind, ExprKind::Name { .. }) {
                        self.expr(arg);
                    }
                    if arg.ty.is_future() {
                        self.error(
                            "`impl Future` doesn't implement `std::fmt::Display`".to_string(),
                            arg.pos,
                        );
                    }
                }
            }
            Builtin::Join | Builtin::Race | Builtin::Spawn => {
                for arg in args {
                    self.expr(arg);
                    self.expect_future(arg);
                }
            }
            Builtin::Sleep => {
                for arg in args {
                    self.expr(arg);
                }
                if let Some(value) = args.get(1) {
                    self.expect_value(value);
                }
            }
            Builtin::Fetch | Builtin::Fail | Builtin::YieldNow => {
                for arg in args {
                    self.expr(arg);
                }
            }
        }
    }

    fn use_binding(&mut self, name: &str, binding: Option<BindingId>, pos: Pos) {
        let loop_depth = self.loop_depth;
        let Some(state) = binding.and_then(|id| self.bindings.get_mut(&id)) else {
            return;
        };
        if !state.holds_future {
            return;
        }
        let moved_before = state.moved || state.loop_depth < loop_depth;
        state.moved = true;
        if moved_before {
            self.error(format!("use of moved value: `{name}`"), pos);
        }
    }
}
