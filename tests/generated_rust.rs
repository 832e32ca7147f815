//! The Rust the playground shows for each preset is real code: it is kept in
//! `tests/generated/` (checked against the code generator here), compiled as
//! part of this test, and run on the executor.
//!
//! After changing the code generator or a preset, regenerate the files with
//! `UPDATE_GENERATED=1 cargo test --test generated_rust`, and read the diff.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use futures_playground::platform::ManualPlatform;
use futures_playground::scenario::{parse, to_rust};
use futures_playground::script::Error;

/// The one preset rustc refuses: its generated Rust would not compile.
const REFUSED: &str = "10-moved-future";

macro_rules! generated {
    ($($module:ident => $file:literal),* $(,)?) => {
        $(
        // The generated code keeps the program's unused bindings, and rustc's
        // warning about them is the lesson of those presets.
        #[allow(unused_variables)]
        mod $module {
            include!(concat!("generated/", $file, ".rs"));
            pub fn run() -> impl std::future::Future<Output = Result<(), super::Error>> {
                scenario()
            }
        })*
    };
}

generated! {
    p01 => "01-timer-created-vs-polled",
    p02 => "02-fetch-started-before-awaited",
    p03 => "03-sequential-vs-join",
    p04 => "04-race-losers",
    p05 => "05-never-awaited",
    p06 => "06-async-block-bodies",
    p07 => "07-spawn-makes-rust-eager",
    p08 => "08-unawaited-fail",
    p09 => "09-yield-now-self-wakes",
    p11 => "11-many-concurrent-timers",
}

fn generated_path(id: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/generated")
        .join(format!("{id}.rs"))
}

#[test]
#[cfg_attr(
    miri,
    ignore = "reads and writes files; a text comparison Miri has nothing to add to"
)]
fn the_kept_files_are_what_the_generator_writes_now() {
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
    for preset in futures_playground::presets::all() {
        if preset.id == REFUSED {
            continue;
        }
        let fresh = to_rust(&parse(preset.source).expect("presets parse"));
        let path = generated_path(preset.id);
        if update {
            std::fs::write(&path, &fresh).expect("writing the generated file");
            continue;
        }
        let kept = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            kept,
            fresh,
            "{} is stale: regenerate with UPDATE_GENERATED=1",
            path.display()
        );
    }
}

/// Runs one generated `scenario()` to the end on a manual clock.
fn run_to_end(
    future: impl std::future::Future<Output = Result<(), Error>> + 'static,
) -> Result<(), Error> {
    let (executor, platform) = ManualPlatform::executor();
    let handle = executor.spawn(future);
    let result = std::rc::Rc::new(std::cell::RefCell::new(None));
    let slot = result.clone();
    executor.spawn(async move { *slot.borrow_mut() = Some(handle.await.expect("not cancelled")) });
    platform.run_until_idle();
    let outcome = result.borrow_mut().take().expect("the scenario finished");
    outcome
}

#[test]
fn every_generated_program_runs() {
    for (id, outcome) in [
        ("01", run_to_end(p01::run())),
        ("03", run_to_end(p03::run())),
        ("04", run_to_end(p04::run())),
        ("05", run_to_end(p05::run())),
        ("06", run_to_end(p06::run())),
        ("07", run_to_end(p07::run())),
        ("08", run_to_end(p08::run())),
        ("09", run_to_end(p09::run())),
    ] {
        assert_eq!(outcome, Ok(()), "preset {id}");
    }
    // A thousand tasks: too slow for Miri, which the other presets cover.
    if !cfg!(miri) {
        assert_eq!(run_to_end(p11::run()), Ok(()), "preset 11");
    }
    // Natively there is no fetch: the generated program compiles and fails there.
    let fetch = run_to_end(p02::run()).unwrap_err();
    assert!(fetch.message.contains("needs a browser"), "{fetch}");
}
