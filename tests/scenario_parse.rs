//! Parsing: every construct, every `parse` and `limit` error with its exact position.
// Uses threads and clocks, which wasm32-unknown-unknown does not have.
#![cfg(not(target_arch = "wasm32"))]

use futures_playground::scenario::ast::{Builtin, ExprKind, StmtKind};
use futures_playground::scenario::types::Ty;
use futures_playground::scenario::{parse, ErrorKind, ScenarioError, MAX_DEPTH, MAX_SOURCE_BYTES};

fn err(src: &str) -> ScenarioError {
    match parse(src) {
        Ok(p) => panic!("expected an error for {src:?}, got {p:?}"),
        Err(e) => e,
    }
}

#[track_caller]
fn assert_err(src: &str, kind: ErrorKind, line: u32, col: u32, message: &str) {
    let e = err(src);
    assert_eq!(
        (e.kind, e.line, e.col, e.message.as_str()),
        (kind, line, col, message),
        "for {src:?}"
    );
}

#[test]
fn every_construct_parses() {
    let src = r#"// a comment
let a = sleep(300);          // trailing comment
let b = sleep(10, "v");
let f = fetch("https://example.com/");
let t = async {
    let x = await a;
    repeat 2 { await yield_now(); log("tick", 1, null); }
    await sleep(10);
    7
};
let u = async { log(); };
let j = join(t, u);
let r = race(b, f, fail("boom"));
let h = spawn(async { 1 });
await j;
log(await r, await h);
repeat 0 { }
null;
"s";
5;
"#;
    let p = parse(src).unwrap();
    assert_eq!(p.body.len(), 14);
    let StmtKind::Let { name, value, .. } = &p.body[0].kind else {
        panic!()
    };
    assert_eq!(name, "a");
    assert_eq!((value.pos.line, value.pos.col), (2, 9));
    assert_eq!(value.label, "sleep(300)");
    assert_eq!(value.ty, Ty::future(Ty::Null));
    assert!(matches!(
        value.kind,
        ExprKind::Call {
            builtin: Builtin::Sleep,
            ..
        }
    ));
    assert_eq!(p.body[0].label, "let a = sleep(300);");

    let StmtKind::Let { value: t, .. } = &p.body[3].kind else {
        panic!()
    };
    assert_eq!(t.ty, Ty::future(Ty::Integer));
    let ExprKind::Async(block) = &t.kind else {
        panic!()
    };
    assert_eq!(block.statements.len(), 3);
    assert_eq!(block.tail.as_ref().unwrap().label, "7");
    assert!(block.label.starts_with('{') && block.label.ends_with('}'));
    assert!(matches!(
        block.statements[1].kind,
        StmtKind::Repeat { count: 2, .. }
    ));

    let StmtKind::Let { value: u, .. } = &p.body[4].kind else {
        panic!()
    };
    assert_eq!(u.ty, Ty::future(Ty::Null), "no tail: the value is null");
}

#[test]
fn names_resolve_to_their_let_with_shadowing() {
    let p = parse("let a = 1; let a = async { let a = \"s\"; a }; log(a);").unwrap();
    let StmtKind::Expr(log) = &p.body[2].kind else {
        panic!()
    };
    let ExprKind::Call { args, .. } = &log.kind else {
        panic!()
    };
    let ExprKind::Name { binding, .. } = &args[0].kind else {
        panic!()
    };
    // Bindings are numbered in the order of their `let` keywords.
    assert_eq!(binding.unwrap().0, 1);
    assert_eq!(args[0].ty, Ty::future(Ty::Str));
    // `let a = a;` sees the outer `a`.
    let p = parse("let a = 1; let a = a;").unwrap();
    let StmtKind::Let { value, .. } = &p.body[1].kind else {
        panic!()
    };
    assert!(matches!(value.kind, ExprKind::Name { binding: Some(b), .. } if b.0 == 0));
}

#[test]
fn labels_are_exact_source_slices() {
    let p = parse("await  join( sleep(1) ,sleep(2,  \"x\") ) ;").unwrap();
    let StmtKind::Expr(e) = &p.body[0].kind else {
        panic!()
    };
    assert_eq!(e.label, "await  join( sleep(1) ,sleep(2,  \"x\") )");
    let ExprKind::Await(j) = &e.kind else {
        panic!()
    };
    assert_eq!(j.label, "join( sleep(1) ,sleep(2,  \"x\") )");
    assert_eq!(j.pos.op_id(), "1:8");
}

#[test]
fn syntax_errors() {
    use ErrorKind::Parse;
    assert_err("let = 5;", Parse, 1, 5, "expected identifier, found `=`");
    assert_err(
        "let let = 5;",
        Parse,
        1,
        5,
        "expected identifier, found keyword `let`",
    );
    assert_err("let a 5;", Parse, 1, 7, "expected `=`, found `5`");
    assert_err("log(1)", Parse, 1, 7, "expected `;`, found end of input");
    assert_err("log(1)\nlog(2);", Parse, 2, 1, "expected `;`, found `log`");
    assert_err(
        "let a = async { log(1) log(2) };",
        Parse,
        1,
        24,
        "expected `;` or `}`, found `log`",
    );
    assert_err(
        "let a = async { log(1);",
        Parse,
        1,
        24,
        "expected `}`, found end of input",
    );
    assert_err("log(1,);", Parse, 1, 7, "expected an expression, found `)`");
    assert_err("log(1 2);", Parse, 1, 7, "expected `,` or `)`, found `2`");
    assert_err("}", Parse, 1, 1, "expected an expression, found `}`");
    assert_err("((((", Parse, 1, 1, "expected an expression, found `(`");
    assert_err(
        "repeat x {}",
        Parse,
        1,
        8,
        "expected an integer (how many times), found `x`",
    );
    assert_err(
        "repeat 3 log(1);",
        Parse,
        1,
        10,
        "expected `{`, found `log`",
    );
    assert_err(
        "let a = async log(1);",
        Parse,
        1,
        15,
        "expected `{`, found `log`",
    );
    assert_err("log(-1);", Parse, 1, 5, "unexpected character `-`");
    assert_err("await;", Parse, 1, 6, "expected an expression, found `;`");
    assert_err(
        "12abc;",
        Parse,
        1,
        1,
        "invalid suffix `abc` for integer literal",
    );
}

#[test]
fn crlf_and_tabs_positions() {
    assert_err(
        "log(1);\r\n\tlog(x);",
        ErrorKind::Parse,
        2,
        6,
        "cannot find value `x` in this scope",
    );
}

#[test]
fn comments_are_ignored() {
    let p = parse("// only a comment\n log(1); // log(2);\n// log(3);").unwrap();
    assert_eq!(p.body.len(), 1);
    assert!(parse("// no newline at the end").unwrap().body.is_empty());
    assert!(parse("").unwrap().body.is_empty());
}

#[test]
fn strings_and_escapes() {
    let p = parse(r#"log("a\\b\"c\nd\te", "é ✓");"#).unwrap();
    let StmtKind::Expr(e) = &p.body[0].kind else {
        panic!()
    };
    let ExprKind::Call { args, .. } = &e.kind else {
        panic!()
    };
    assert_eq!(args[0].kind, ExprKind::String("a\\b\"c\nd\te".into()));
    assert_eq!(args[1].kind, ExprKind::String("é ✓".into()));
    assert_err(
        r#"log("a\qb");"#,
        ErrorKind::Parse,
        1,
        7,
        "unknown character escape: `\\q` (use `\\\\`, `\\\"`, `\\n` or `\\t`)",
    );
    assert_err(
        "log(1);\nlog(\"abc",
        ErrorKind::Parse,
        2,
        5,
        "unterminated string literal",
    );
    assert_err(
        "log(\"abc\\",
        ErrorKind::Parse,
        1,
        5,
        "unterminated string literal",
    );
    assert_err(
        "log(\"ab\ncd\");",
        ErrorKind::Parse,
        1,
        8,
        "newline in string literal (write `\\n` instead)",
    );
}

#[test]
fn unicode_counts_columns_in_chars() {
    assert_err(
        "log(\"héllo\", x);",
        ErrorKind::Parse,
        1,
        14,
        "cannot find value `x` in this scope",
    );
    assert_err(
        "log(\"日本語\"); log(y);",
        ErrorKind::Parse,
        1,
        17,
        "cannot find value `y` in this scope",
    );
    assert_err(
        "log(\"🦀\") ;;",
        ErrorKind::Parse,
        1,
        11,
        "expected an expression, found `;`",
    );
}

#[test]
fn integers() {
    assert!(parse("log(2147483647);").is_ok());
    assert!(parse("log(0, 007);").is_ok());
    assert_err(
        "log(1,\n  2147483648);",
        ErrorKind::Parse,
        2,
        3,
        "integer literal is too large: `2147483648` (the largest is 2147483647)",
    );
    let digits = if cfg!(miri) { 300 } else { 5000 };
    let e = err(&format!("log({});", "9".repeat(digits)));
    assert_eq!((e.line, e.col), (1, 5));
    assert!(e.message.len() < 120, "{}", e.message);
    // A huge repeat count is a run limit, not a parse error.
    assert!(parse("repeat 2147483647 { }").is_ok());
}

#[test]
fn unknown_builtins_and_names() {
    use ErrorKind::Parse;
    assert_err("foo();", Parse, 1, 1, "unknown built-in `foo`");
    assert_err(
        "let a = 1;\nawait   setTimeout(1);",
        Parse,
        2,
        9,
        "unknown built-in `setTimeout`",
    );
    assert_err("let a = 1; a();", Parse, 1, 12, "unknown built-in `a`");
    assert_err(
        "log(x);",
        Parse,
        1,
        5,
        "cannot find value `x` in this scope",
    );
    assert_err(
        "let a = async { let b = 1; b };\nlog(b);",
        Parse,
        2,
        5,
        "cannot find value `b` in this scope",
    );
    assert_err(
        "repeat 2 { let i = 1; }\nlog(i);",
        Parse,
        2,
        5,
        "cannot find value `i` in this scope",
    );
    assert_err(
        "let a = a;",
        Parse,
        1,
        9,
        "cannot find value `a` in this scope",
    );
    // Use before the `let`.
    assert_err(
        "log(z); let z = 1;",
        Parse,
        1,
        5,
        "cannot find value `z` in this scope",
    );
}

#[test]
fn arity_and_argument_kinds() {
    use ErrorKind::Parse;
    assert_err(
        "sleep();",
        Parse,
        1,
        1,
        "`sleep` takes 1 or 2 arguments but 0 arguments were supplied",
    );
    assert_err(
        "sleep(1, 2, 3);",
        Parse,
        1,
        1,
        "`sleep` takes 1 or 2 arguments but 3 arguments were supplied",
    );
    assert_err(
        "  fetch();",
        Parse,
        1,
        3,
        "`fetch` takes 1 argument but 0 arguments were supplied",
    );
    assert_err(
        "join();",
        Parse,
        1,
        1,
        "`join` takes at least 1 argument but 0 arguments were supplied",
    );
    assert_err(
        "race();",
        Parse,
        1,
        1,
        "`race` takes at least 1 argument but 0 arguments were supplied",
    );
    assert_err(
        "spawn(sleep(1), sleep(2));",
        Parse,
        1,
        1,
        "`spawn` takes 1 argument but 2 arguments were supplied",
    );
    assert_err(
        "yield_now(1);",
        Parse,
        1,
        1,
        "`yield_now` takes no arguments but 1 argument was supplied",
    );
    assert_err(
        "fail();",
        Parse,
        1,
        1,
        "`fail` takes 1 argument but 0 arguments were supplied",
    );
    assert_err(
        "sleep(\"x\");",
        Parse,
        1,
        7,
        "`sleep` takes its milliseconds as an integer literal, e.g. `sleep(100)`, found `\"x\"`",
    );
    assert_err(
        "let ms = 5; sleep(ms);",
        Parse,
        1,
        19,
        "`sleep` takes its milliseconds as an integer literal, e.g. `sleep(100)`, found `ms`",
    );
    assert_err(
        "fetch(5);",
        Parse,
        1,
        7,
        "`fetch` expects a URL string, found an integer",
    );
    assert_err(
        "let n = null; fetch(n);",
        Parse,
        1,
        21,
        "`fetch` expects a URL string, found `null`",
    );
    assert_err(
        "fetch(sleep(1));",
        Parse,
        1,
        7,
        "`fetch` expects a URL string, found a future",
    );
    assert_err(
        "fail(await join(sleep(1)));",
        Parse,
        1,
        6,
        "`fail` expects a message string, found a list",
    );
    // Kinds known only at run time are accepted here.
    assert!(parse("let u = \"/x\"; fetch(u); fetch(await sleep(1, \"/y\"));").is_ok());
    assert!(parse("fetch(await race(sleep(1, \"a\"), sleep(2, 3)));").is_ok());
    // Awaiting a plain value is valid JS: the value itself, so this is a string.
    assert!(parse("fail(await \"x\");").is_ok());
    assert!(parse("log(); log(1, \"a\", null, sleep(1)); join(5); spawn(1);").is_ok());
}

#[test]
fn source_size_limit() {
    let big = "log(1);\n".repeat(1024 * 1024 / 8);
    let start = std::time::Instant::now();
    let e = err(&big);
    assert!(cfg!(miri) || start.elapsed().as_millis() < 500);
    assert_eq!((e.kind, e.line, e.col), (ErrorKind::Limit, 1, 1));
    assert_eq!(
        e.message,
        format!("program is too long: 1048576 bytes (the limit is {MAX_SOURCE_BYTES} bytes)")
    );
    // Exactly at the limit is accepted (64 KiB to lex: too slow under Miri).
    if cfg!(miri) {
        return;
    }
    let mut at_limit = "log(1);".to_string();
    at_limit.push_str(&" ".repeat(MAX_SOURCE_BYTES - at_limit.len()));
    assert!(parse(&at_limit).is_ok());
}

/// Runs on a thread with a small stack: the depth limit must stop recursion long
/// before that could overflow, even in a debug build.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    if cfg!(miri) {
        // Miri makes a thread's stack slow to set up; its own stack is checked.
        return f();
    }
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn nesting_depth_limit() {
    // The statement's expression is level 1, so MAX_DEPTH - 1 awaits fit.
    let ok = format!("let x = 1; {}x;", "await ".repeat(MAX_DEPTH - 1));
    assert!(parse(&ok).is_ok());
    let too_deep = format!("let x = 1; {}x;", "await ".repeat(MAX_DEPTH));
    let e = err(&too_deep);
    assert_eq!((e.kind, e.line), (ErrorKind::Limit, 1));
    assert_eq!(
        e.col as usize,
        12 + 6 * MAX_DEPTH,
        "at the token that went too deep"
    );
    assert_eq!(
        e.message,
        format!("nesting is too deep (the limit is {MAX_DEPTH} levels)")
    );
}

#[test]
fn deep_nesting_10_000_is_a_limit_error_not_a_stack_overflow() {
    // Fewer under Miri, where lexing 60 KB takes minutes; still far past the limit.
    let n = if cfg!(miri) { 80 } else { 10_000 };
    let cases = [
        "await ".repeat(n) + "1;",
        "let a = ".to_string() + &"async { ".repeat(n) + &"}".repeat(n) + ";",
        "repeat 1 { ".repeat(n) + &"}".repeat(n),
        "log(".repeat(n) + &")".repeat(n) + ";",
        "join(".repeat(n),
    ];
    for src in cases {
        let e = on_small_stack(move || parse(&src)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Limit, "{e}");
        assert_eq!(e.line, 1);
    }
    // 1 MB of nesting (just over the limit under Miri): the size limit answers
    // first, at once.
    let n = if cfg!(miri) {
        MAX_SOURCE_BYTES / 8 + 1
    } else {
        131_072
    };
    let e = on_small_stack(move || parse(&"async { ".repeat(n))).unwrap_err();
    assert_eq!((e.kind, e.line, e.col), (ErrorKind::Limit, 1, 1));
}

#[test]
fn error_values_serialise() {
    let e = err("foo();");
    assert_eq!(
        e.to_json(),
        r#"{"kind":"parse","message":"unknown built-in `foo`","line":1,"col":1}"#
    );
    assert_eq!(e.to_string(), "parse error at 1:1: unknown built-in `foo`");
}
