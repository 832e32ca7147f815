//! The JavaScript and Rust written for representative programs, as exact text.

use futures_playground::scenario::{check_source, to_javascript, to_rust};

fn both(src: &str) -> (String, String) {
    let program = check_source(src).unwrap_or_else(|e| panic!("{src:?}: {e:?}"));
    (to_javascript(&program), to_rust(&program))
}

const SLEEP_HELPER: &str = "const sleep = (ms, value = null) =>\n  new Promise((resolve) => setTimeout(() => resolve(value), ms));\n";

#[test]
fn race_of_two_sleeps() {
    let (js, rs) = both("let a = sleep(10, 1);\nlet b = sleep(20, 2);\nlog(await race(a, b));");
    assert_eq!(
        js,
        format!(
            "{SLEEP_HELPER}
async function main() {{
  const a = sleep(10, 1);
  const b = sleep(20, 2);
  console.log(await Promise.race([a, b]));
}}

main();
"
        )
    );
    assert_eq!(
        rs,
        "use std::time::Duration;

use futures_playground::script::{boxed, race, sleep_with, Error};

async fn scenario() -> Result<(), Error> {
    let a = sleep_with(Duration::from_millis(10), 1);
    let b = sleep_with(Duration::from_millis(20), 2);
    println!(\"{}\", race(vec![boxed(a), boxed(b)]).await?);
    Ok(())
}
"
    );
}

#[test]
fn async_block_spawn_fail_repeat() {
    let src = r#"let a = sleep(300);
let t = async {
    await a;
    await fetch("/api")
};
repeat 2 {
    log("status", await spawn(fail("no")));
}
log(await t);
"#;
    let (js, rs) = both(src);
    assert_eq!(
        js,
        format!(
            "{SLEEP_HELPER}{}
async function main() {{
  const a = sleep(300);
  const t = (async () => {{
    await a;
    return await fetch(\"/api\").then((response) => response.status);
  }})();
  for (let i = 0; i < 2; i++) {{
    log(\"status\", await Promise.reject(new Error(\"no\")));
  }}
  console.log(await t);
}}

main();
",
            "const show = (v) => (Array.isArray(v) ? `[${v.map(show).join(\", \")}]` : v === undefined ? \"null\" : String(v));\nconst log = (...values) => console.log(values.map(show).join(\" \"));\n"
        )
    );
    assert_eq!(
        rs,
        "use std::time::Duration;

use futures_playground::script::{fail, fetch, sleep, spawn, Error};

async fn scenario() -> Result<(), Error> {
    let a = sleep(Duration::from_millis(300));
    let t = async move {
        a.await?;
        Ok::<_, Error>(fetch(\"/api\").await?)
    };
    for _ in 0..2 {
        println!(\"status {}\", spawn(fail(\"no\")).await?);
    }
    println!(\"{}\", t.await?);
    Ok(())
}
"
    );
}

#[test]
fn join_goes_one_per_line_when_long_and_values_are_cloned() {
    let src = "let l = await join(sleep(1, 2), yield_now(), sleep(2, \"s\"));\nlet c = async { log(l); 9 };\nawait c;\nlog(\"{braces}\", l, null);";
    let (js, rs) = both(src);
    assert_eq!(
        rs,
        "use std::time::Duration;

use futures_playground::script::{boxed, join_all, sleep_with, yield_now, Error, Value};

async fn scenario() -> Result<(), Error> {
    let l = join_all(vec![
        boxed(sleep_with(Duration::from_millis(1), 2)),
        boxed(yield_now()),
        boxed(sleep_with(Duration::from_millis(2), \"s\")),
    ]).await?;
    let c = {
        let l = l.clone();
        async move {
            println!(\"{l}\");
            Ok::<_, Error>(Value::from(9))
        }
    };
    c.await?;
    println!(\"{{braces}} {l} null\");
    Ok(())
}
"
    );
    assert!(
        js.contains(
            "  const l = await Promise.all([sleep(1, 2), Promise.resolve(), sleep(2, \"s\")]);\n"
        ),
        "{js}"
    );
    assert!(js.contains("  log(\"{braces}\", l, null);\n"), "{js}");
}

#[test]
fn unawaited_futures_are_dropped_in_rust() {
    let (js, rs) = both("let a = sleep(5);\na;\nsleep(1);\nspawn(async { 1 });");
    assert!(rs.contains("    drop(a);\n    drop(sleep(Duration::from_millis(1)));\n    drop(spawn(async move {\n        Ok::<_, Error>(Value::from(1))\n    }));\n"), "{rs}");
    assert!(
        js.contains("  a;\n  sleep(1);\n  (async () => {\n    return 1;\n  })();\n"),
        "{js}"
    );
}

#[test]
fn names_that_clash_are_renamed() {
    let (js, rs) = both(
        "let type = 1; let sleep = 2; let sleep_ = 3; let _ = 4; log(type, sleep, sleep_, _);",
    );
    assert!(rs.contains("let type_ = 1;\n    let sleep_ = 2;\n    let sleep__ = 3;\n    let __ = 4;\n    println!(\"{type_} {sleep_} {sleep__} {__}\");"), "{rs}");
    assert!(js.contains("const type = 1;\n  const sleep$1 = 2;\n  const sleep_ = 3;\n  const _ = 4;\n  console.log(type, sleep$1, sleep_, _);"), "{js}");
}

#[test]
fn strings_are_escaped_for_each_language() {
    let (js, rs) = both(r#"let s = "q\"b\\n\nt\t é"; log(s);"#);
    assert!(js.contains(r#"const s = "q\"b\\n\nt\t é";"#), "{js}");
    assert!(rs.contains(r#"let s = "q\"b\\n\nt\t é";"#), "{rs}");
}

#[test]
fn empty_program() {
    let (js, rs) = both("// nothing\n");
    assert_eq!(js, "async function main() {\n}\n\nmain();\n");
    assert_eq!(
        rs,
        "use futures_playground::script::Error;\n\nasync fn scenario() -> Result<(), Error> {\n    Ok(())\n}\n"
    );
}
