//! Name resolution and static types: the part of "checking" that BOTH engines do.
//!
//! Run by [`parse`](super::parse) right after parsing, so a tree handed to either
//! engine has every name resolved and every argument kind that can be known
//! statically already validated. Its errors are `parse` errors, because both
//! engines refuse them:
//! - a name with no `let` in scope: ``cannot find value `x` in this scope``
//!   (JavaScript would throw a `ReferenceError` only when the line runs; we refuse
//!   it up front so the two runs stay comparable);
//! - `fetch` / `fail` given something statically not a string.
//!
//! Scopes are Rust's: a `let` is visible after its statement until the end of the
//! enclosing block (`async { }` or `repeat n { }`); a later `let` of the same name
//! shadows it. `let a = a;` sees the outer `a` on the right-hand side.

use std::sync::Arc;

use super::ast::{BindingId, Block, Builtin, Expr, ExprKind, Pos, Program, Stmt, StmtKind};
use super::error::{ErrorKind, ScenarioError};
use super::types::Ty;

pub(crate) fn resolve(program: &mut Program) -> Result<(), ScenarioError> {
    let mut r = Resolver {
        scopes: vec![Vec::new()],
    };
    for stmt in &mut program.body {
        r.stmt(stmt)?;
    }
    Ok(())
}

struct Resolver {
    /// Innermost scope last; within a scope, later `let`s last.
    scopes: Vec<Vec<(String, BindingId, Ty)>>,
}

fn error(message: String, pos: Pos) -> ScenarioError {
    ScenarioError::new(ErrorKind::Parse, message, pos.line, pos.col)
}

impl Resolver {
    fn lookup(&self, name: &str) -> Option<(BindingId, Ty)> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(n, _, _)| n == name)
            .map(|(_, id, ty)| (*id, ty.clone()))
    }

    fn stmt(&mut self, stmt: &mut Stmt) -> Result<(), ScenarioError> {
        match &mut stmt.kind {
            StmtKind::Let {
                name,
                binding,
                value,
                ..
            } => {
                self.expr(value)?;
                let scope = self.scopes.last_mut().expect("there is always a scope");
                scope.push((name.clone(), *binding, value.ty.clone()));
            }
            StmtKind::Expr(e) => self.expr(e)?,
            StmtKind::Repeat { body, .. } => {
                self.block(body)?;
            }
        }
        Ok(())
    }

    /// Returns the block's value type.
    fn block(&mut self, block: &mut Block) -> Result<Ty, ScenarioError> {
        self.scopes.push(Vec::new());
        for stmt in &mut block.statements {
            self.stmt(stmt)?;
        }
        let ty = match &mut block.tail {
            Some(tail) => {
                self.expr(tail)?;
                tail.ty.clone()
            }
            None => Ty::Null,
        };
        self.scopes.pop();
        Ok(ty)
    }

    fn expr(&mut self, expr: &mut Expr) -> Result<(), ScenarioError> {
        let pos = expr.pos;
        expr.ty = match &mut expr.kind {
            ExprKind::Await(operand) => {
                self.expr(operand)?;
                operand.ty.awaited()
            }
            ExprKind::Async(block) => {
                // `parse` resolves its own tree before handing it out: no one
                // else holds this block yet.
                let block = Arc::get_mut(block).expect("a tree is resolved before it is shared");
                Ty::future(self.block(block)?)
            }
            ExprKind::Call { builtin, args } => {
                for arg in args.iter_mut() {
                    self.expr(arg)?;
                }
                call_type(*builtin, args)?
            }
            ExprKind::Name { name, binding } => match self.lookup(name) {
                Some((id, ty)) => {
                    *binding = Some(id);
                    ty
                }
                None => {
                    return Err(error(
                        format!("cannot find value `{name}` in this scope"),
                        pos,
                    ))
                }
            },
            ExprKind::Integer(_) => Ty::Integer,
            ExprKind::String(_) => Ty::Str,
            ExprKind::Null => Ty::Null,
        };
        Ok(())
    }
}

/// Validates the statically known argument kinds (arity was checked by the
/// parser) and gives the call's type.
fn call_type(builtin: Builtin, args: &[Expr]) -> Result<Ty, ScenarioError> {
    let want_string = |what: &str| -> Result<(), ScenarioError> {
        let arg = &args[0];
        if arg.ty == Ty::Str || arg.ty == Ty::Unknown {
            Ok(())
        } else {
            Err(error(
                format!(
                    "`{}` expects {what} string, found {}",
                    builtin.name(),
                    arg.ty.describe()
                ),
                arg.pos,
            ))
        }
    };
    Ok(match builtin {
        Builtin::Sleep => Ty::future(args.get(1).map_or(Ty::Null, |v| v.ty.clone())),
        Builtin::Fetch => {
            want_string("a URL")?;
            Ty::future(Ty::Integer)
        }
        Builtin::Fail => {
            want_string("a message")?;
            Ty::future(Ty::Unknown)
        }
        Builtin::Join => Ty::future(Ty::List),
        Builtin::Race => {
            // The winner is only known at run time; if every operand has the same
            // output type, so has the race.
            let first = args[0].ty.awaited();
            let same = args.iter().all(|a| a.ty.awaited() == first);
            Ty::future(if same { first } else { Ty::Unknown })
        }
        // In JS, `spawn(e)` is `e` itself; the rust check refuses a non-future.
        Builtin::Spawn => Ty::future(args[0].ty.awaited()),
        Builtin::YieldNow => Ty::future(Ty::Null),
        Builtin::Log => Ty::Null,
    })
}
