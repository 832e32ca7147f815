//! The parsed program as JSON, for the js engine, which interprets the tree that
//! Rust parsed (so both engines run exactly the same, already validated, program).
//!
//! Written by hand (no serde) and stable: fields are always present and always in
//! this order. Every node has `type`, `line`, `col` (1-based, column in
//! characters: the trace `op` id is `` `${line}:${col}#${n}` ``) and `label` (the
//! node's exact source text), then its own fields:
//!
//! ```text
//! program  {"type":"program","body":[stmt, ...]}
//!
//! stmt     {"type":"let",    ...,"name":"a","binding":0,"value":expr}
//!          {"type":"expr",   ...,"expr":expr}
//!          {"type":"repeat", ...,"count":3,"body":block}
//! block    {"type":"block",  ...,"body":[stmt, ...],"tail":expr|null}
//!
//! expr     {"type":"await",  ...,"expr":expr}
//!          {"type":"async",  ...,"body":block}
//!          {"type":"call",   ...,"callee":"sleep","args":[expr, ...]}
//!          {"type":"name",   ...,"name":"a","binding":0}
//!          {"type":"integer",...,"value":300}
//!          {"type":"string", ...,"value":"decoded text"}
//!          {"type":"null",   ...}
//! ```
//!
//! - `callee` is one of `sleep`, `fetch`, `join`, `race`, `spawn`, `yield_now`,
//!   `fail`, `log`; arity and argument kinds are already validated.
//! - `binding` numbers each `let` from 0 in source order; a `name` carries the
//!   number of the `let` it refers to (scopes and shadowing already resolved), so
//!   an interpreter can keep bindings in an array or a `Map` keyed by it. (A `let`
//!   inside a `repeat` or `async` body is a fresh variable on each run of it.)
//! - `count` and `value` of integers are in 0..=2^31-1: exact JS numbers.
//! - `let` and `repeat` labels include the final `;` / `}`; a `block` starts at
//!   its `{`; a statement's `line`/`col` is its first token.
//!
//! Strings are escaped per RFC 8259 (`"`, `\`, control characters); other
//! characters, including non-ASCII, are written as they are (UTF-8).

use super::ast::{Block, Expr, ExprKind, Pos, Program, Stmt, StmtKind};

/// The program as one line of JSON, in the shape documented in this module.
pub fn to_json(program: &Program) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("{\"type\":\"program\",\"body\":");
    push_stmts(&mut out, &program.body);
    out.push('}');
    out
}

/// Appends `s` as a JSON string literal, quotes included.
pub fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => crate::push_fmt(out, format_args!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `{"type":"…","line":…,"col":…,"label":"…"` with no closing brace.
fn open_node(out: &mut String, ty: &str, pos: Pos, label: &str) {
    out.push_str("{\"type\":\"");
    out.push_str(ty);
    crate::push_fmt(
        out,
        format_args!("\",\"line\":{},\"col\":{},\"label\":", pos.line, pos.col),
    );
    push_json_string(out, label);
}

fn push_stmts(out: &mut String, stmts: &[Stmt]) {
    out.push('[');
    for (i, stmt) in stmts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_stmt(out, stmt);
    }
    out.push(']');
}

fn push_stmt(out: &mut String, stmt: &Stmt) {
    match &stmt.kind {
        StmtKind::Let {
            name,
            binding,
            value,
            ..
        } => {
            open_node(out, "let", stmt.pos, &stmt.label);
            out.push_str(",\"name\":");
            push_json_string(out, name);
            crate::push_fmt(out, format_args!(",\"binding\":{},\"value\":", binding.0));
            push_expr(out, value);
        }
        StmtKind::Expr(e) => {
            open_node(out, "expr", stmt.pos, &stmt.label);
            out.push_str(",\"expr\":");
            push_expr(out, e);
        }
        StmtKind::Repeat { count, body } => {
            open_node(out, "repeat", stmt.pos, &stmt.label);
            crate::push_fmt(out, format_args!(",\"count\":{count},\"body\":"));
            push_block(out, body);
        }
    }
    out.push('}');
}

fn push_block(out: &mut String, block: &Block) {
    open_node(out, "block", block.pos, &block.label);
    out.push_str(",\"body\":");
    push_stmts(out, &block.statements);
    out.push_str(",\"tail\":");
    match &block.tail {
        Some(tail) => push_expr(out, tail),
        None => out.push_str("null"),
    }
    out.push('}');
}

fn push_expr(out: &mut String, expr: &Expr) {
    match &expr.kind {
        ExprKind::Await(operand) => {
            open_node(out, "await", expr.pos, &expr.label);
            out.push_str(",\"expr\":");
            push_expr(out, operand);
        }
        ExprKind::Async(block) => {
            open_node(out, "async", expr.pos, &expr.label);
            out.push_str(",\"body\":");
            push_block(out, block);
        }
        ExprKind::Call { builtin, args } => {
            open_node(out, "call", expr.pos, &expr.label);
            out.push_str(",\"callee\":");
            push_json_string(out, builtin.name());
            out.push_str(",\"args\":[");
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_expr(out, arg);
            }
            out.push(']');
        }
        ExprKind::Name { name, binding } => {
            open_node(out, "name", expr.pos, &expr.label);
            out.push_str(",\"name\":");
            push_json_string(out, name);
            match binding {
                Some(b) => crate::push_fmt(out, format_args!(",\"binding\":{}", b.0)),
                None => out.push_str(",\"binding\":null"),
            }
        }
        ExprKind::Integer(v) => {
            open_node(out, "integer", expr.pos, &expr.label);
            crate::push_fmt(out, format_args!(",\"value\":{v}"));
        }
        ExprKind::String(s) => {
            open_node(out, "string", expr.pos, &expr.label);
            out.push_str(",\"value\":");
            push_json_string(out, s);
        }
        ExprKind::Null => open_node(out, "null", expr.pos, &expr.label),
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    #[test]
    fn escapes_strings() {
        let mut s = String::new();
        push_json_string(&mut s, "a\"b\\c\nd\te\u{1}é");
        assert_eq!(s, r#""a\"b\\c\nd\te\u0001é""#);
    }

    #[test]
    fn exact_shape_of_a_small_program() {
        let p = parse("let a = sleep(5);\nawait a;").unwrap();
        assert_eq!(
            to_json(&p),
            concat!(
                r#"{"type":"program","body":["#,
                r#"{"type":"let","line":1,"col":1,"label":"let a = sleep(5);","name":"a","binding":0,"value":"#,
                r#"{"type":"call","line":1,"col":9,"label":"sleep(5)","callee":"sleep","args":["#,
                r#"{"type":"integer","line":1,"col":15,"label":"5","value":5}]}},"#,
                r#"{"type":"expr","line":2,"col":1,"label":"await a;","expr":"#,
                r#"{"type":"await","line":2,"col":1,"label":"await a","expr":"#,
                r#"{"type":"name","line":2,"col":7,"label":"a","name":"a","binding":0}}}]}"#
            )
        );
    }

    #[test]
    fn blocks_and_repeat() {
        let p = parse("repeat 2 { let x = async { 7 }; }").unwrap();
        let j = to_json(&p);
        assert!(j.contains(r#""type":"repeat","line":1,"col":1,"label":"repeat 2 { let x = async { 7 }; }","count":2,"body":{"type":"block","line":1,"col":10"#), "{j}");
        assert!(
            j.contains(r#""tail":{"type":"integer","line":1,"col":28,"label":"7","value":7}}"#),
            "{j}"
        );
        assert!(j.contains(r#","tail":null}"#), "{j}");
    }
}
