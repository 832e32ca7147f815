//! The program as idiomatic hand-written Rust on this crate's API, shown next to
//! the rust engine's trace.
//!
//! # The API the output is written against: `futures_playground::script`
//!
//! ```text
//! futures_playground::script::Value        enum Value { Null, Int(i64), Str(Rc<str>), List(Rc<[Value]>) }
//!                                  + Display (the `log` rules: lists as `[1, 2]`, null as `null`)
//!                                  + Clone + From<i32> + From<&str> + From<String> + From<Vec<Value>>
//! futures_playground::script::Error        the scenario's runtime error (fetch failure, `fail(msg)`)
//! Every future below has   Output = Result<Value, Error>   and is 'static:
//! futures_playground::script::sleep(Duration)                          → Ok(Value::Null) after the delay
//! futures_playground::script::sleep_with(Duration, impl Into<Value>)   → Ok(value) after the delay
//! futures_playground::script::fetch(impl Into<Value>)                  → Ok(Value::Int(http status))
//! futures_playground::script::spawn(impl Future + 'static)             → JoinHandle, itself such a future
//! futures_playground::script::yield_now()                              → Pending once, then Ok(Value::Null)
//! futures_playground::script::fail(impl Into<Value>)                   → Err(Error) at its first poll
//! futures_playground::script::BoxFuture  = Pin<Box<dyn Future<Output = Result<Value, Error>>>>
//! futures_playground::script::boxed(impl Future + 'static) -> BoxFuture
//! futures_playground::script::join_all(Vec<BoxFuture>)    → Ok(Value::List(outputs)), first Err wins
//! futures_playground::script::race(Vec<BoxFuture>)        → the first output, Ok or Err
//! ```
//! The path is [`SCRIPT`]; the output also compiles in this crate's tests
//! (`tests/generated_rust.rs` runs the presets' generated code).
//!
//! # The translation
//! `let a = e;` → `let a = e;` (Rust shadowing is the scenario's); `await e` →
//! `e.await?` (an error leaves the enclosing block, as `SCENARIO.md` says);
//! `async { … }` → `async move { …; Ok::<_, Error>(value) }`; `repeat n` →
//! `for _ in 0..n`; `log(…)` → `println!` with literals and names written into
//! the format string. Integer and string literals stay `i32` / `&str` (both
//! `Copy`); everything awaited is a `Value`, cloned where it is used by value
//! so that the output compiles wherever the checks accept the program. An unused
//! future statement is `drop(…);` (created then dropped, as in the engine); an
//! unused future binding statement is `drop(a);`.
//!
//! The body is `async fn scenario() -> Result<(), Error>`; spawn it on the
//! crate's executor to run it.

use super::ast::{BindingId, Block, Builtin, Expr, ExprKind, Program, Stmt, StmtKind};
use super::walk::free_bindings;
use crate::vec_map::VecMap;

/// Where the output's leaf futures, combinators, `Value` and `Error` live.
pub const SCRIPT: &str = "futures_playground::script";

const INDENT: &str = "    ";

/// Names the output uses itself, and Rust keywords: a scenario name that is one
/// of these gets `_` appended (and so does one that already ends with `_` after
/// such a name, so `sleep` → `sleep_` never meets a user's own `sleep_`).
/// Separated by single spaces (see `code_layout::is_listed`).
const RESERVED: &str = "\
    Box Duration Err Error None Ok Option Result Self Some String Value Vec \
    abstract as async await become boxed box break const continue crate do drop \
    dyn else enum extern fail false fetch final fn for gen if impl in join_all let \
    loop macro match mod move mut override priv pub race ref return scenario self \
    sleep sleep_with spawn static struct super trait true try type typeof unsafe \
    unsized use virtual where while yield yield_now";

#[allow(
    clippy::manual_pattern_char_comparison,
    reason = "a predicate, not the `char` '_', which would link core's character searcher (see `crate::has_byte`)"
)]
fn rust_ident(name: &str) -> String {
    let stem = name.trim_end_matches(|c| c == '_');
    // An empty stem: `_` alone cannot be read in Rust; it becomes `__`.
    if stem.is_empty() || super::code_layout::is_listed(RESERVED, stem) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// How a binding is held in the output, which decides `.clone()` and `drop`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Repr {
    /// `i32` or `&str`: copied freely.
    Copy,
    /// A `Value`: cloned when used by value.
    Value,
    /// A future: moved (the checks make sure that is fine).
    Future,
}

/// The program as a Rust source file a person could paste into a crate that
/// depends on `futures_playground`.
pub fn to_rust(program: &Program) -> String {
    let mut gen = Gen {
        reprs: VecMap::new(),
        used: Vec::new(),
        uses_value: false,
        uses_duration: false,
    };
    let mut body = String::new();
    for stmt in &program.body {
        gen.stmt(&mut body, stmt, 1);
    }
    let mut out = String::new();
    if gen.uses_duration {
        out.push_str("use std::time::Duration;\n\n");
    }
    let mut items: Vec<&str> = [
        "boxed",
        "fail",
        "fetch",
        "join_all",
        "race",
        "sleep",
        "sleep_with",
        "spawn",
        "yield_now",
    ]
    .into_iter()
    .filter(|n| gen.used.contains(n))
    .collect();
    items.push("Error");
    if gen.uses_value {
        items.push("Value");
    }
    // rustfmt's order: lower-case items first, then types.
    out.push_str(&use_line(SCRIPT, &items));
    out.push('\n');
    out.push_str("async fn scenario() -> Result<(), Error> {\n");
    out.push_str(&body);
    out.push_str(INDENT);
    out.push_str("Ok(())\n}\n");
    out
}

/// `use path::item;` or `use path::{a, b};`, as rustfmt writes them.
fn use_line(path: &str, items: &[&str]) -> String {
    match items {
        [one] => format!("use {path}::{one};\n"),
        _ => format!("use {path}::{{{}}};\n", crate::join(items, ", ")),
    }
}

struct Gen {
    reprs: VecMap<BindingId, Repr>,
    /// The `script` items the output calls, each once. A `Vec`: a handful at
    /// most, and a `BTreeSet` would link its own node code into the wasm.
    used: Vec<&'static str>,
    uses_value: bool,
    uses_duration: bool,
}

fn indent(level: usize) -> String {
    super::code_layout::indent(INDENT, level)
}

/// A Rust string literal.
fn string_literal(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => crate::push_fmt(&mut out, format_args!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Gen {
    fn repr_of(&self, expr: &Expr) -> Repr {
        match &expr.kind {
            _ if expr.ty.is_future() => Repr::Future,
            ExprKind::Integer(_) | ExprKind::String(_) => Repr::Copy,
            ExprKind::Name {
                binding: Some(b), ..
            } => self.reprs.get(b).copied().unwrap_or(Repr::Value),
            _ => Repr::Value,
        }
    }

    fn stmt(&mut self, out: &mut String, stmt: &Stmt, level: usize) {
        let pad = indent(level);
        match &stmt.kind {
            StmtKind::Let {
                name,
                binding,
                value,
                ..
            } => {
                let repr = self.repr_of(value);
                let text = self.value(value, level);
                self.reprs.insert(*binding, repr);
                crate::push_fmt(
                    out,
                    format_args!("{pad}let {} = {text};\n", rust_ident(name)),
                );
            }
            StmtKind::Expr(e) => {
                let text = self.expr_stmt(e, level);
                crate::push_fmt(out, format_args!("{pad}{text};\n"));
            }
            StmtKind::Repeat { count, body } => {
                crate::push_fmt(out, format_args!("{pad}for _ in 0..{count} {{\n"));
                for s in &body.statements {
                    self.stmt(out, s, level + 1);
                }
                if let Some(tail) = &body.tail {
                    let text = self.expr_stmt(tail, level + 1);
                    crate::push_fmt(out, format_args!("{}{text};\n", indent(level + 1)));
                }
                crate::push_fmt(out, format_args!("{pad}}}\n"));
            }
        }
    }

    /// An expression statement (value unused), without the final `;`.
    fn expr_stmt(&mut self, expr: &Expr, level: usize) -> String {
        match &expr.kind {
            ExprKind::Call {
                builtin: Builtin::Log,
                args,
            } => self.println(args, level),
            ExprKind::Await(_) => self.expr(expr, level),
            // Created and dropped at once, as the engine does; `drop` says so,
            // where `let _ =` on a future reads like a mistake (and clippy says so).
            _ if expr.ty.is_future() => format!("drop({})", self.expr(expr, level)),
            _ => format!("let _ = {}", self.expr(expr, level)),
        }
    }

    /// The expression where it is used by value: `Value` bindings are cloned.
    fn value(&mut self, expr: &Expr, level: usize) -> String {
        let text = self.expr(expr, level);
        if matches!(expr.kind, ExprKind::Name { .. }) && self.repr_of(expr) == Repr::Value {
            format!("{text}.clone()")
        } else {
            text
        }
    }

    fn println(&mut self, args: &[Expr], level: usize) -> String {
        let mut format = String::new();
        let mut positional = Vec::new();
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                format.push(' ');
            }
            match &arg.kind {
                // Braces doubled by hand, not by `str::replace` with a `char`
                // (see `crate::has_byte`).
                ExprKind::String(s) => {
                    for c in s.chars() {
                        match c {
                            '{' => format.push_str("{{"),
                            '}' => format.push_str("}}"),
                            c => format.push(c),
                        }
                    }
                }
                ExprKind::Integer(v) => format.push_str(&v.to_string()),
                ExprKind::Null => format.push_str("null"),
                ExprKind::Name { .. } => {
                    let ident = self.expr(arg, level);
                    format.push('{');
                    format.push_str(&ident);
                    format.push('}');
                }
                _ => {
                    format.push_str("{}");
                    positional.push(self.expr(arg, level));
                }
            }
        }
        if args.is_empty() {
            return "println!()".to_string();
        }
        let mut out = format!("println!({}", string_literal(&format));
        for p in positional {
            out.push_str(", ");
            out.push_str(&p);
        }
        out.push(')');
        out
    }

    fn expr(&mut self, expr: &Expr, level: usize) -> String {
        match &expr.kind {
            ExprKind::Await(operand) => format!("{}.await?", self.expr(operand, level)),
            ExprKind::Async(block) => self.async_block(block, level),
            ExprKind::Call { builtin, args } => self.call(*builtin, args, level),
            ExprKind::Name { name, .. } => rust_ident(name),
            ExprKind::Integer(v) => v.to_string(),
            ExprKind::String(s) => string_literal(s),
            ExprKind::Null => {
                self.uses_value = true;
                "Value::Null".to_string()
            }
        }
    }

    fn async_block(&mut self, block: &Block, level: usize) -> String {
        // `async move` takes its captures by value; a `Value` captured from
        // outside is cloned first so the outside can still use it.
        let clones: Vec<String> = free_bindings(block)
            .into_iter()
            .filter(|(_, id)| self.reprs.get(id) == Some(&Repr::Value))
            .map(|(name, _)| rust_ident(name))
            .collect();
        let inner = if clones.is_empty() { level } else { level + 1 };
        let mut out = String::new();
        if !clones.is_empty() {
            out.push_str("{\n");
            for c in &clones {
                crate::push_fmt(
                    &mut out,
                    format_args!("{}let {c} = {c}.clone();\n", indent(inner)),
                );
            }
            out.push_str(&indent(inner));
        }
        out.push_str("async move {\n");
        for s in &block.statements {
            self.stmt(&mut out, s, inner + 1);
        }
        let value = match &block.tail {
            None => {
                self.uses_value = true;
                "Value::Null".to_string()
            }
            // Already a `Value`: an awaited output, or a `Value` binding, which
            // the block owns (captures were cloned above) and uses last here.
            Some(tail)
                if matches!(tail.kind, ExprKind::Await(_) | ExprKind::Null)
                    || (matches!(tail.kind, ExprKind::Name { .. })
                        && self.repr_of(tail) == Repr::Value) =>
            {
                self.expr(tail, inner + 1)
            }
            Some(tail) => {
                self.uses_value = true;
                format!("Value::from({})", self.value(tail, inner + 1))
            }
        };
        crate::push_fmt(
            &mut out,
            format_args!("{}Ok::<_, Error>({value})\n", indent(inner + 1)),
        );
        crate::push_fmt(&mut out, format_args!("{}}}", indent(inner)));
        if !clones.is_empty() {
            crate::push_fmt(&mut out, format_args!("\n{}}}", indent(level)));
        }
        out
    }

    /// Notes that the output calls the `script` item `name`.
    fn uses(&mut self, name: &'static str) {
        if !self.used.contains(&name) {
            self.used.push(name);
        }
    }

    fn call(&mut self, builtin: Builtin, args: &[Expr], level: usize) -> String {
        if builtin == Builtin::Log {
            // Used as a value: print, then the value `null`.
            self.uses_value = true;
            return format!("{{ {}; Value::Null }}", self.println(args, level));
        }
        let rendered: Vec<String> = args.iter().map(|a| self.value(a, level)).collect();
        match builtin {
            Builtin::Sleep => {
                self.uses_duration = true;
                let ms = rendered.first().cloned().unwrap_or_default();
                let duration = format!("Duration::from_millis({ms})");
                if let Some(v) = rendered.get(1) {
                    self.uses("sleep_with");
                    format!("sleep_with({duration}, {v})")
                } else {
                    self.uses("sleep");
                    format!("sleep({duration})")
                }
            }
            Builtin::Join | Builtin::Race => {
                self.uses("boxed");
                let name = if builtin == Builtin::Join {
                    "join_all"
                } else {
                    "race"
                };
                self.uses(name);
                // Rendered one level deeper in case they go one per line.
                let operands: Vec<String> = args
                    .iter()
                    .map(|a| format!("boxed({})", self.value(a, level + 1)))
                    .collect();
                format!("{name}(vec![{}])", list(&operands, level))
            }
            Builtin::Fetch | Builtin::Spawn | Builtin::YieldNow | Builtin::Fail | Builtin::Log => {
                let name = match builtin {
                    Builtin::Fetch => "fetch",
                    Builtin::Spawn => "spawn",
                    Builtin::YieldNow => "yield_now",
                    _ => "fail",
                };
                self.uses(name);
                format!("{name}({})", crate::join(&rendered, ", "))
            }
        }
    }
}

fn list(items: &[String], level: usize) -> String {
    super::code_layout::list(items, INDENT, level)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_character_in_a_string_is_written_as_a_unicode_escape() {
        // Inside a string the lexer takes any character but a line break.
        assert_eq!(
            string_literal("a\u{1}b\u{7f}\u{85}\t\"\\"),
            r#""a\u{1}b\u{7f}\u{85}\t\"\\""#
        );
        let program = crate::scenario::parse("log(\"bell\u{7}\");").unwrap();
        let rust = to_rust(&program);
        assert!(rust.contains(r#"println!("bell\u{7}");"#), "{rust}");
    }

    #[test]
    fn every_reserved_name_and_the_bare_underscore_get_an_underscore() {
        crate::scenario::code_layout::assert_well_formed(RESERVED);
        for name in RESERVED.split(' ').chain(["", "sleep_", "Vec__"]) {
            assert_eq!(rust_ident(name), format!("{name}_"));
        }
        for name in ["sleepy", "vec", "a_", "Boxes"] {
            assert_eq!(rust_ident(name), name);
        }
    }
}
