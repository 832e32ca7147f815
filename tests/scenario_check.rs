//! The rust engine's checks: moves, `await` of non-futures, and the rest, each with
//! its exact message and position.

use futures_playground::scenario::{check, check_source, parse, ErrorKind};

/// `(line, col, message)` of every check error, in order.
fn errors(src: &str) -> Vec<(u32, u32, String)> {
    let program = parse(src).unwrap_or_else(|e| panic!("{src:?} must parse: {e}"));
    check(&program)
        .into_iter()
        .map(|e| {
            assert_eq!(e.kind, ErrorKind::Check);
            (e.line, e.col, e.message)
        })
        .collect()
}

#[track_caller]
fn assert_one(src: &str, line: u32, col: u32, message: &str) {
    assert_eq!(
        errors(src),
        vec![(line, col, message.to_string())],
        "for {src:?}"
    );
}

#[track_caller]
fn assert_ok(src: &str) {
    assert_eq!(errors(src), vec![], "for {src:?}");
}

const MOVED_A: &str = "use of moved value: `a`";

#[test]
fn valid_programs_pass() {
    assert_ok("let a = sleep(10); await a;");
    assert_ok("let t = async { await sleep(10); 7 }; log(await t);");
    assert_ok("let a = sleep(1); let b = sleep(2); log(await join(a, b));");
    assert_ok("let x = 5; log(x, x); let y = x; log(y, x);");
    assert_ok("repeat 3 { let a = sleep(1); await a; }");
    assert_ok("let h = spawn(async { log(1); }); await h;");
    assert_ok("repeat 2 { await sleep(1) }");
    assert_ok("repeat 2 { log(1) }");
    assert_ok("let l = await join(sleep(1)); repeat 2 { log(l); }");
    // A value known only at run time can be logged and passed on.
    assert_ok("let r = await race(sleep(1, 5), sleep(2, \"x\")); log(r); await sleep(1, r);");
}

#[test]
fn moved_plain() {
    assert_one("let a = sleep(1);\nawait a;\nawait a;", 3, 7, MOVED_A);
    assert_one("let a = sleep(1); let b = a; await a;", 1, 36, MOVED_A);
    assert_one("let a = sleep(1); a; await a;", 1, 28, MOVED_A);
    // Every later use is reported, as rustc does.
    assert_eq!(
        errors("let a = sleep(1); await a; await a; await a;").len(),
        2
    );
}

#[test]
fn moved_in_repeat() {
    assert_one(
        "let a = sleep(1);\nrepeat 2 {\n  await a;\n}",
        3,
        9,
        MOVED_A,
    );
    // rustc does not look at the count.
    assert_one("let a = sleep(1); repeat 1 { await a; }", 1, 36, MOVED_A);
    assert_one(
        "let a = sleep(1); repeat 0 { let b = join(a); }",
        1,
        43,
        MOVED_A,
    );
    // Captured by an `async` block created in the loop.
    assert_one(
        "let a = sleep(1); repeat 2 { let t = async { await a; }; }",
        1,
        52,
        MOVED_A,
    );
    // Nested loops: declared in the outer loop, used in the inner one.
    assert_one(
        "repeat 2 { let a = sleep(1); repeat 2 { await a; } }",
        1,
        47,
        MOVED_A,
    );
}

#[test]
fn moved_through_join_race_spawn() {
    assert_one(
        "let a = sleep(1); let j = join(a, sleep(2)); await a;",
        1,
        52,
        MOVED_A,
    );
    assert_one("let a = sleep(1); await race(a, a);", 1, 33, MOVED_A);
    assert_one("let a = sleep(1); spawn(a); spawn(a);", 1, 35, MOVED_A);
    assert_one("let a = spawn(sleep(1)); await a; await a;", 1, 41, MOVED_A);
}

#[test]
fn moved_into_async_block() {
    assert_one(
        "let a = sleep(1); let b = async { await a; }; await a;",
        1,
        53,
        MOVED_A,
    );
    assert_one(
        "let a = sleep(1); let b = async { await a; await a; };",
        1,
        50,
        MOVED_A,
    );
}

#[test]
fn shadowing_reinitialises() {
    assert_ok("let a = sleep(1); await a; let a = sleep(2); await a;");
    assert_one(
        "let a = sleep(1); let a = sleep(2); await a; await a;",
        1,
        52,
        MOVED_A,
    );
    // An inner shadow does not touch the outer binding.
    assert_ok("let a = sleep(1); let t = async { let a = sleep(2); await a; }; await a;");
    // A future rebound under a new name moves the old one, the new one is fresh.
    assert_ok("let a = sleep(1); let b = a; await b;");
}

#[test]
fn log_of_a_future_does_not_move_but_is_refused() {
    let display = "`impl Future` doesn't implement `std::fmt::Display`";
    assert_one("let a = sleep(1); log(a); await a;", 1, 23, display);
    assert_one("log(1, sleep(1));", 1, 8, display);
    assert_one("log(async { 1 });", 1, 5, display);
}

#[test]
fn await_of_a_non_future() {
    assert_one("await 5;", 1, 7, "`{integer}` is not a future");
    assert_one("await \"s\";", 1, 7, "`&str` is not a future");
    assert_one("await null;", 1, 7, "`()` is not a future");
    assert_one(
        "let x = 5;\nlog(await x);",
        2,
        11,
        "`{integer}` is not a future",
    );
    assert_one(
        "let l = await join(sleep(1)); await l;",
        1,
        37,
        "`Vec<Value>` is not a future",
    );
    assert_one("await log(1);", 1, 7, "`()` is not a future");
    assert_one(
        "let a = sleep(1); await await a;",
        1,
        25,
        "`()` is not a future",
    );
    assert_one(
        "let f = await fetch(\"/\"); await f;",
        1,
        33,
        "`{integer}` is not a future",
    );
    // An output known only at run time is a `Value` in the rust engine.
    assert_one(
        "let e = await fail(\"x\"); await e;",
        1,
        32,
        "`Value` is not a future",
    );
    assert_one(
        "await await spawn(fail(\"x\"));",
        1,
        7,
        "`Value` is not a future",
    );
}

#[test]
fn operands_must_be_futures() {
    assert_one("join(sleep(1), 5);", 1, 16, "`{integer}` is not a future");
    assert_one("race(\"a\");", 1, 6, "`&str` is not a future");
    assert_one("spawn(null);", 1, 7, "`()` is not a future");
}

#[test]
fn futures_where_values_are_expected() {
    let mismatch = "mismatched types: expected `Value`, found `impl Future`";
    assert_one("let a = sleep(1, sleep(2));", 1, 18, mismatch);
    assert_one("let a = async { sleep(1) };", 1, 17, mismatch);
    assert_one(
        "repeat 2 { 5 }",
        1,
        12,
        "mismatched types: expected `()`, found `{integer}`",
    );
    assert_one(
        "repeat 2 { \"s\" }",
        1,
        12,
        "mismatched types: expected `()`, found `&str`",
    );
    assert_one(
        "repeat 2 { sleep(1) }",
        1,
        12,
        "mismatched types: expected `()`, found `impl Future`",
    );
}

#[test]
fn all_errors_in_source_order() {
    let src = "let a = sleep(1);\nawait 5;\nawait a;\nawait a;\nlog(sleep(1));";
    let got = errors(src);
    let positions: Vec<(u32, u32)> = got.iter().map(|(l, c, _)| (*l, *c)).collect();
    assert_eq!(positions, vec![(2, 7), (4, 7), (5, 5)]);
    // Found inner first (the operand is checked before the `await` of it).
    let got = errors("await await 5;\nawait async { await await 6 };");
    let positions: Vec<(u32, u32)> = got.iter().map(|(l, c, _)| (*l, *c)).collect();
    assert_eq!(positions, vec![(1, 7), (1, 13), (2, 21), (2, 27)]);
}

#[test]
fn check_source_combines_parse_and_check() {
    assert!(check_source("let a = sleep(1); await a;").is_ok());
    let e = check_source("foo();").unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].kind, ErrorKind::Parse);
    let e = check_source("await 1; await 2;").unwrap_err();
    assert_eq!(e.len(), 2);
    assert!(e.iter().all(|e| e.kind == ErrorKind::Check));
}
