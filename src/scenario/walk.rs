//! A walk of the tree that meets every `let` and every use of a binding, in
//! source order, inside `repeat` bodies and `async` blocks too. The rust
//! engine and the Rust generator find an `async` block's captures with it
//! ([`free_bindings`]), and the JavaScript generator the names it renames.

use super::ast::{BindingId, Block, Expr, ExprKind, Stmt, StmtKind};
use crate::vec_map::VecMap;

/// What a walk meets.
pub(crate) enum Binding<'a> {
    /// `let NAME = …;`, met after everything in its value.
    Declared(&'a str, BindingId),
    /// A use of `NAME`.
    Used(&'a str, BindingId),
}

/// Walks `statements` in source order.
///
/// The callback is `dyn`: its three callers had a walker each, and a
/// generic one would be copied once per caller again (BENCHMARKS.md, case 6).
pub(crate) fn walk_statements<'a>(statements: &'a [Stmt], meet: &mut dyn FnMut(Binding<'a>)) {
    for statement in statements {
        match &statement.kind {
            StmtKind::Let {
                name,
                binding,
                value,
                ..
            } => {
                walk_expr(value, meet);
                meet(Binding::Declared(name, *binding));
            }
            StmtKind::Expr(expr) => walk_expr(expr, meet),
            StmtKind::Repeat { body, .. } => walk_block(body, meet),
        }
    }
}

/// Walks a block's statements, then its tail.
pub(crate) fn walk_block<'a>(block: &'a Block, meet: &mut dyn FnMut(Binding<'a>)) {
    walk_statements(&block.statements, meet);
    if let Some(tail) = &block.tail {
        walk_expr(tail, meet);
    }
}

fn walk_expr<'a>(expr: &'a Expr, meet: &mut dyn FnMut(Binding<'a>)) {
    match &expr.kind {
        ExprKind::Name {
            name,
            binding: Some(binding),
        } => meet(Binding::Used(name, *binding)),
        ExprKind::Await(operand) => walk_expr(operand, meet),
        ExprKind::Async(block) => walk_block(block, meet),
        ExprKind::Call { args, .. } => {
            for arg in args {
                walk_expr(arg, meet);
            }
        }
        _ => {}
    }
}

/// The bindings `block` uses but does not declare (an `async` block's
/// captures), each once, in the order of their first use.
pub(crate) fn free_bindings(block: &Block) -> Vec<(&str, BindingId)> {
    let mut declared = VecMap::new();
    let mut seen = VecMap::new();
    let mut free = Vec::new();
    walk_block(block, &mut |binding| match binding {
        Binding::Declared(_, id) => {
            declared.insert(id, ());
        }
        // A use of a binding the block declares comes after its `let`.
        Binding::Used(name, id) => {
            if !declared.contains_key(&id) && seen.insert(id, ()).is_none() {
                free.push((name, id));
            }
        }
    });
    free
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    fn walked(source: &str) -> Vec<String> {
        let program = parse(source).unwrap();
        let mut met = Vec::new();
        walk_statements(&program.body, &mut |binding| {
            met.push(match binding {
                Binding::Declared(name, id) => format!("let {name}#{}", id.0),
                Binding::Used(name, id) => format!("use {name}#{}", id.0),
            })
        });
        met
    }

    #[test]
    fn an_async_blocks_free_bindings_are_its_outer_uses_in_order_each_once() {
        let program = parse(
            "let a = 1; let b = 2; let c = 3;\n\
             let f = async { log(b); let a = a; log(a, c, b); repeat 1 { log(c); } };",
        )
        .unwrap();
        let StmtKind::Let { value, .. } = &program.body[3].kind else {
            panic!("a let");
        };
        let ExprKind::Async(block) = &value.kind else {
            panic!("an async block");
        };
        let free: Vec<_> = free_bindings(block)
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        // `b` first, then the outer `a` (the inner `a` is the block's own), `c`.
        assert_eq!(free, ["b", "a", "c"]);
    }

    #[test]
    fn a_let_is_met_after_its_value_and_blocks_are_entered_in_order() {
        let source = "let a = sleep(1);\n\
                      let b = async { let c = a; repeat 2 { log(c); } c };\n\
                      let a = await b;\n\
                      log(a);";
        assert_eq!(
            walked(source),
            [
                "let a#0", "use a#0", "let c#2", "use c#2", "use c#2", "let b#1", "use b#1",
                "let a#3", "use a#3",
            ]
        );
    }
}
