//! A walk of the tree that meets every `let` and every use of a binding, in
//! source order, inside `repeat` bodies and `async` blocks too. The rust
//! engine finds an `async` block's captures with it, and the code generators
//! the names they rename and the captures they clone.

use super::ast::{BindingId, Block, Expr, ExprKind, Stmt, StmtKind};

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
pub(crate) fn walk_statements(statements: &[Stmt], meet: &mut dyn FnMut(Binding<'_>)) {
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
pub(crate) fn walk_block(block: &Block, meet: &mut dyn FnMut(Binding<'_>)) {
    walk_statements(&block.statements, meet);
    if let Some(tail) = &block.tail {
        walk_expr(tail, meet);
    }
}

fn walk_expr(expr: &Expr, meet: &mut dyn FnMut(Binding<'_>)) {
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
