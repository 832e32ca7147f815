//! Any text, as a program: parsing, the checks and both code generators must
//! give a result or an error, never panic, hang or overflow the stack.
#![no_main]

use futures_playground::scenario::{check, parse, to_javascript, to_json, to_rust};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let Ok(program) = parse(source) else { return };
    let errors = check(&program);
    let _ = to_json(&program);
    let _ = to_javascript(&program);
    if errors.is_empty() {
        let _ = to_rust(&program);
    }
});
