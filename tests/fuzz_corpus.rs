//! Replays the fuzzing corpus (`fuzz/corpus/parse_check`: tricky programs,
//! and whatever the fuzzer found worth keeping) on every test run: each input
//! gets a result or an error, never a panic, and every error points inside it.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use futures_playground::scenario::{check, parse, to_javascript, to_json, to_rust, ScenarioError};

fn assert_inside(source: &str, error: &ScenarioError, name: &str) {
    let lines = source.lines().count().max(1) as u32;
    assert!(
        error.line >= 1 && error.line <= lines + 1,
        "{name}: line {} outside 1..={}",
        error.line,
        lines + 1
    );
    assert!(error.col >= 1, "{name}: col {}", error.col);
}

#[test]
#[cfg_attr(miri, ignore = "reads the corpus from disk")]
fn every_corpus_input_gets_a_result_or_an_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/parse_check");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("the corpus folder") {
        let path = entry.expect("a corpus entry").path();
        let bytes = std::fs::read(&path).expect("a corpus file");
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        seen += 1;
        let Ok(source) = std::str::from_utf8(&bytes) else {
            continue;
        };
        match parse(source) {
            Err(error) => assert_inside(source, &error, &name),
            Ok(program) => {
                let errors = check(&program);
                for error in &errors {
                    assert_inside(source, error, &name);
                }
                assert!(to_json(&program).starts_with("{\"type\":\"program\""));
                let _ = to_javascript(&program);
                if errors.is_empty() {
                    let _ = to_rust(&program);
                }
            }
        }
    }
    assert!(seen >= 10, "the corpus has {seen} inputs");
}
