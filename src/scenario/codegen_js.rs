//! The program as idiomatic hand-written JavaScript, shown next to the js
//! engine's trace: what the engine does is what this code does.
//!
//! | scenario | JavaScript |
//! |---|---|
//! | `sleep(ms)`, `sleep(ms, v)` | `sleep(ms)`, `sleep(ms, v)`, with the helper `const sleep = (ms, value = null) => new Promise((resolve) => setTimeout(() => resolve(value), ms));` at the top |
//! | `fetch(url)` | `fetch(url).then((response) => response.status)` |
//! | `async { … }` | `(async () => { … })()` |
//! | `join(a, b)` / `race(a, b)` | `Promise.all([a, b])` / `Promise.race([a, b])` |
//! | `spawn(e)` | `e` (a Promise already runs) |
//! | `yield_now()` | `Promise.resolve()` |
//! | `fail(msg)` | `Promise.reject(new Error(msg))` |
//! | `log(…)` | `console.log(…)` when that prints the same text (integers and plain strings); otherwise a `log` helper that writes lists as `[1, 2]` and `null` as `null` |
//! | `repeat n { … }` | `for (let i = 0; i < n; i++) { … }` |
//! | `let a = e;` | `const a = e;` |
//!
//! The program body is `async function main() { … }` followed by `main();`.
//! Names are kept, except that a name shadowed by a later `let` (a second
//! `const` would be a `SyntaxError`) and names that are JavaScript keywords or
//! the helpers' names get a `$` suffix (`a$2`, `new$1`): a scenario name never
//! contains `$`, so nothing can clash.

use super::ast::{BindingId, Builtin, Expr, ExprKind, Program, Stmt, StmtKind};
use super::json::push_json_string;
use super::types::Ty;
use super::walk::{walk_statements, Binding};
use crate::vec_map::VecMap;

const INDENT: &str = "  ";

/// Keywords and globals a user's name must not shadow in the output, separated
/// by single spaces (see `code_layout::is_listed`).
const RESERVED: &str = "\
    arguments async await break case catch class console const continue debugger \
    default delete do else enum Error eval export extends false fetch finally for \
    function globalThis if implements import in Infinity instanceof interface let \
    log main NaN new null package private Promise protected public return \
    setTimeout show sleep static super switch this throw true try typeof undefined \
    var void while with yield";

const SLEEP_HELPER: &str = "const sleep = (ms, value = null) =>\n  new Promise((resolve) => setTimeout(() => resolve(value), ms));\n";
const LOG_HELPER: &str = "const show = (v) => (Array.isArray(v) ? `[${v.map(show).join(\", \")}]` : v === undefined ? \"null\" : String(v));\nconst log = (...values) => console.log(values.map(show).join(\" \"));\n";

/// The program as a JavaScript module a person could paste into a browser console
/// or Node and run.
pub fn to_javascript(program: &Program) -> String {
    let mut gen = Gen::new(program);
    let mut body = String::new();
    for stmt in &program.body {
        gen.stmt(&mut body, stmt, 1);
    }
    let mut out = String::new();
    if gen.uses_sleep {
        out.push_str(SLEEP_HELPER);
    }
    if gen.uses_log {
        out.push_str(LOG_HELPER);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str("async function main() {\n");
    out.push_str(&body);
    out.push_str("}\n\nmain();\n");
    out
}

struct Gen {
    idents: VecMap<BindingId, String>,
    counter: String,
    uses_sleep: bool,
    uses_log: bool,
}

fn indent(level: usize) -> String {
    super::code_layout::indent(INDENT, level)
}

impl Gen {
    fn new(program: &Program) -> Gen {
        let mut seen: VecMap<String, u32> = VecMap::new();
        let mut idents = VecMap::new();
        walk_statements(&program.body, &mut |binding| {
            let Binding::Declared(name, id) = binding else {
                return;
            };
            let n = seen.get_or_insert_with(name.to_string(), || 0);
            *n += 1;
            let ident = if *n == 1 && !super::code_layout::is_listed(RESERVED, name) {
                name.to_string()
            } else {
                format!("{name}${n}")
            };
            idents.insert(id, ident);
        });
        let counter = ["i", "j", "k", "n", "idx"]
            .into_iter()
            .find(|c| !idents.values().any(|ident| ident == c))
            .unwrap_or("i$")
            .to_string();
        Gen {
            idents,
            counter,
            uses_sleep: false,
            uses_log: false,
        }
    }

    fn ident(&self, name: &str, binding: Option<BindingId>) -> String {
        binding
            .and_then(|b| self.idents.get(&b).cloned())
            .unwrap_or_else(|| name.to_string())
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
                let ident = self.ident(name, Some(*binding));
                let value = self.expr(value, level);
                crate::push_fmt(out, format_args!("{pad}const {ident} = {value};\n"));
            }
            StmtKind::Expr(e) => {
                let text = self.expr_stmt(e, level);
                crate::push_fmt(out, format_args!("{pad}{text};\n"));
            }
            StmtKind::Repeat { count, body } => {
                let i = self.counter.clone();
                crate::push_fmt(
                    out,
                    format_args!("{pad}for (let {i} = 0; {i} < {count}; {i}++) {{\n"),
                );
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

    /// An expression whose value is not used: `log` needs no `null` then.
    fn expr_stmt(&mut self, expr: &Expr, level: usize) -> String {
        match &expr.kind {
            ExprKind::Call {
                builtin: Builtin::Log,
                args,
            } => self.log_call(args, level),
            _ => self.expr(expr, level),
        }
    }

    fn log_call(&mut self, args: &[Expr], level: usize) -> String {
        // console.log prints integers and strings as we do, but not lists, and a
        // first string argument containing `%` would be a format string.
        let plain = args.iter().all(|a| match &a.kind {
            ExprKind::String(s) => !crate::has_byte(s, b'%'),
            ExprKind::Integer(_) => true,
            _ => a.ty == Ty::Integer,
        });
        let rendered: Vec<String> = args.iter().map(|a| self.expr(a, level)).collect();
        if plain {
            format!("console.log({})", crate::join(&rendered, ", "))
        } else {
            self.uses_log = true;
            format!("log({})", crate::join(&rendered, ", "))
        }
    }

    /// The expression as JavaScript; multi-line output is indented for a line
    /// that starts at `level`.
    fn expr(&mut self, expr: &Expr, level: usize) -> String {
        match &expr.kind {
            ExprKind::Await(operand) => format!("await {}", self.expr(operand, level)),
            ExprKind::Async(block) => {
                let mut out = String::from("(async () => {\n");
                for s in &block.statements {
                    self.stmt(&mut out, s, level + 1);
                }
                if let Some(tail) = &block.tail {
                    let value = self.expr(tail, level + 1);
                    crate::push_fmt(
                        &mut out,
                        format_args!("{}return {value};\n", indent(level + 1)),
                    );
                }
                crate::push_fmt(&mut out, format_args!("{}}})()", indent(level)));
                out
            }
            ExprKind::Call { builtin, args } => self.call(*builtin, args, level),
            ExprKind::Name { name, binding } => self.ident(name, *binding),
            ExprKind::Integer(v) => v.to_string(),
            ExprKind::String(s) => {
                // A JSON string is a valid JavaScript string literal.
                let mut lit = String::new();
                push_json_string(&mut lit, s);
                lit
            }
            ExprKind::Null => "null".to_string(),
        }
    }

    fn call(&mut self, builtin: Builtin, args: &[Expr], level: usize) -> String {
        if builtin == Builtin::Log {
            // Used as a value: console.log gives `undefined`, the scenario `null`.
            return format!("({}, null)", self.log_call(args, level));
        }
        if matches!(builtin, Builtin::Join | Builtin::Race) {
            // Rendered one level deeper in case they go one per line.
            let operands: Vec<String> = args.iter().map(|a| self.expr(a, level + 1)).collect();
            let method = if builtin == Builtin::Join {
                "all"
            } else {
                "race"
            };
            return format!("Promise.{method}([{}])", list(&operands, level));
        }
        let args: Vec<String> = args.iter().map(|a| self.expr(a, level)).collect();
        let first = args.first().cloned().unwrap_or_default();
        match builtin {
            Builtin::Sleep => {
                self.uses_sleep = true;
                format!("sleep({})", crate::join(&args, ", "))
            }
            Builtin::Fetch => format!("fetch({first}).then((response) => response.status)"),
            Builtin::Spawn => first,
            Builtin::YieldNow => "Promise.resolve()".to_string(),
            Builtin::Fail => format!("Promise.reject(new Error({first}))"),
            // Handled above.
            Builtin::Log | Builtin::Join | Builtin::Race => String::new(),
        }
    }
}

fn list(items: &[String], level: usize) -> String {
    super::code_layout::list(items, INDENT, level)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    fn js(src: &str) -> String {
        to_javascript(&parse(src).unwrap())
    }

    #[test]
    fn sleep_and_log() {
        assert_eq!(
            js("let a = sleep(300, 7);\nlog(\"got\", await a);"),
            "const sleep = (ms, value = null) =>\n  new Promise((resolve) => setTimeout(() => resolve(value), ms));\n\n\
             async function main() {\n  const a = sleep(300, 7);\n  console.log(\"got\", await a);\n}\n\nmain();\n"
        );
    }

    #[test]
    fn async_join_repeat() {
        let src = "let t = async {\n  await yield_now();\n  fetch(\"/x\")\n};\nrepeat 2 { log(await join(t, fail(\"no\"))); }";
        assert_eq!(
            js(src),
            format!(
                "{LOG_HELPER}\nasync function main() {{\n  const t = (async () => {{\n    await Promise.resolve();\n    return fetch(\"/x\").then((response) => response.status);\n  }})();\n  for (let i = 0; i < 2; i++) {{\n    log(await Promise.all([t, Promise.reject(new Error(\"no\"))]));\n  }}\n}}\n\nmain();\n"
            )
        );
    }

    #[test]
    fn the_reserved_names_are_a_well_formed_list() {
        crate::scenario::code_layout::assert_well_formed(RESERVED);
    }

    #[test]
    fn shadowing_and_reserved_names() {
        let out = js("let new = 1; let new = 2; let i = 3; repeat 1 { log(new, i); }");
        assert!(out.contains("const new$1 = 1;"), "{out}");
        assert!(out.contains("const new$2 = 2;"), "{out}");
        assert!(out.contains("for (let j = 0; j < 1; j++)"), "{out}");
        assert!(out.contains("console.log(new$2, i);"), "{out}");
    }

    #[test]
    fn a_string_with_a_percent_sign_is_logged_by_the_helper() {
        // `console.log("100%d", 1)` would read `%d` as a format directive.
        let out = js("log(\"100%d\", 1); log(\"100\", 1);");
        assert!(out.contains("  log(\"100%d\", 1);\n"), "{out}");
        assert!(out.contains("  console.log(\"100\", 1);\n"), "{out}");
    }

    #[test]
    fn log_as_value_and_spawn() {
        let out = js("let x = log(); await spawn(sleep(1));");
        assert!(out.contains("const x = (console.log(), null);"), "{out}");
        assert!(out.contains("  await sleep(1);\n"), "{out}");
    }
}
