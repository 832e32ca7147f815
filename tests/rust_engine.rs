//! The rust engine on a manual clock: laziness, combinators, drops and
//! cancels, op ids, and every run limit, with the executor left quiescent.
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;

use futures_playground::engines::rust::{start, Outcome, RustRun};
use futures_playground::engines::{EventKind, Limits, TraceEvent, Value};
use futures_playground::platform::ManualPlatform;
use futures_playground::scenario::{check_source, ErrorKind};
use futures_playground::Executor;

struct Finished {
    outcome: Outcome,
    events: Vec<TraceEvent>,
    executor: Executor,
}

fn begin(source: &str, limits: Limits) -> (RustRun, Executor, ManualPlatform) {
    let program = check_source(source).unwrap_or_else(|errors| panic!("refused: {errors:?}"));
    let (executor, platform) = ManualPlatform::executor();
    let run = start(Rc::new(program), &executor, limits, None);
    (run, executor, platform)
}

fn run_with(source: &str, limits: Limits) -> Finished {
    let (run, executor, platform) = begin(source, limits);
    platform.run_until_idle();
    assert!(run.is_finished(), "the run did not finish");
    let outcome = outcome_of(&run);
    Finished {
        outcome,
        events: run.take_events(),
        executor,
    }
}

fn run(source: &str) -> Finished {
    run_with(source, Limits::DEFAULT)
}

fn outcome_of(run: &RustRun) -> Outcome {
    run.outcome().expect("the run has finished")
}

impl Finished {
    /// `(kind, label, t)` of the events of the given kinds, in order.
    fn timeline(&self, kinds: &[EventKind]) -> Vec<(String, String, f64)> {
        self.events
            .iter()
            .filter(|e| kinds.contains(&e.kind))
            .map(|e| (e.kind.as_str().to_string(), e.op.label.to_string(), e.t))
            .collect()
    }

    fn logs(&self) -> Vec<(String, f64)> {
        self.events
            .iter()
            .filter(|e| e.kind == EventKind::Log)
            .map(|e| (e.text.clone().unwrap(), e.t))
            .collect()
    }

    fn first(&self, kind: EventKind, label: &str) -> &TraceEvent {
        self.events
            .iter()
            .find(|e| e.kind == kind && &*e.op.label == label)
            .unwrap_or_else(|| panic!("no {kind:?} for {label}"))
    }

    fn has(&self, kind: EventKind, label: &str) -> bool {
        self.events
            .iter()
            .any(|e| e.kind == kind && &*e.op.label == label)
    }

    fn assert_ok_and_quiescent(&self) {
        assert_eq!(self.outcome.error, None);
        self.assert_quiescent();
    }

    fn assert_quiescent(&self) {
        assert!(
            self.executor.is_quiescent(),
            "left behind: {:?}",
            self.executor
        );
        let seqs: Vec<u64> = self.events.iter().map(|e| e.seq).collect();
        assert_eq!(
            seqs,
            (0..self.events.len() as u64).collect::<Vec<_>>(),
            "seq counts 0, 1, 2…"
        );
        assert!(
            self.events.windows(2).all(|w| w[0].t <= w[1].t),
            "t never goes back"
        );
    }
}

#[test]
fn the_contract_example_sleeps_are_lazy() {
    let done = run("let a = sleep(300);\nlet b = sleep(200);\nawait b;\nawait a;\nlog(\"done\");");
    done.assert_ok_and_quiescent();
    assert_eq!(done.first(EventKind::Create, "sleep(300)").t, 0.0);
    assert_eq!(done.first(EventKind::Start, "sleep(200)").t, 0.0);
    assert_eq!(
        done.first(EventKind::Start, "sleep(300)").t,
        200.0,
        "a starts when first awaited"
    );
    assert_eq!(done.first(EventKind::Settle, "sleep(300)").t, 500.0);
    assert_eq!(done.logs(), vec![("done".to_string(), 500.0)]);
}

#[test]
fn join_polls_every_operand_and_gives_a_list() {
    let done = run("let v = await join(sleep(100, 1), sleep(200, 2));\nlog(v);");
    done.assert_ok_and_quiescent();
    assert_eq!(done.first(EventKind::Start, "sleep(100, 1)").t, 0.0);
    assert_eq!(done.first(EventKind::Start, "sleep(200, 2)").t, 0.0);
    assert_eq!(done.logs(), vec![("[1, 2]".to_string(), 200.0)]);
    let settle = done.first(EventKind::Settle, "join(sleep(100, 1), sleep(200, 2))");
    assert_eq!(
        settle.value,
        Some(Value::List(vec![Value::Int(1), Value::Int(2)].into()))
    );
}

#[test]
fn join_ends_at_the_first_error_and_cancels_the_rest() {
    let done = run("let r = join(sleep(50), fail(\"boom\"), sleep(10));\nawait r;");
    assert_eq!(
        done.outcome
            .error
            .as_ref()
            .map(|e| (e.kind, e.message.as_str(), e.line, e.col)),
        Some((ErrorKind::Runtime, "boom", 1, 25))
    );
    assert!(
        done.has(EventKind::Cancel, "sleep(50)"),
        "the started operand is cancelled"
    );
    assert!(
        done.has(EventKind::Drop, "sleep(10)"),
        "the one never polled is dropped"
    );
    done.assert_quiescent();
}

#[test]
fn race_cancels_the_losers() {
    let done = run("let w = await race(sleep(300, \"slow\"), sleep(100, \"fast\"));\nlog(w);");
    done.assert_ok_and_quiescent();
    assert_eq!(done.logs(), vec![("fast".to_string(), 100.0)]);
    let cancel = done.first(EventKind::Cancel, "sleep(300, \"slow\")");
    assert_eq!(
        cancel.t, 100.0,
        "the loser is dropped when the winner finishes"
    );
    assert!(!done.has(EventKind::Settle, "sleep(300, \"slow\")"));
}

#[test]
fn a_never_awaited_future_is_created_and_dropped_without_starting() {
    let done = run("let a = sleep(100);\nlog(\"end\");");
    done.assert_ok_and_quiescent();
    assert!(done.has(EventKind::Create, "sleep(100)"));
    assert!(!done.has(EventKind::Start, "sleep(100)"));
    let kinds = done.timeline(&[EventKind::Log, EventKind::Drop]);
    assert_eq!(
        kinds.iter().map(|(k, _, _)| k.as_str()).collect::<Vec<_>>(),
        vec!["log", "drop"],
        "dropped at the end of main"
    );
}

#[test]
fn an_async_block_runs_only_when_polled() {
    let done =
        run("let b = async { log(\"inside\"); 7 };\nlog(\"before\");\nlet v = await b;\nlog(v);");
    done.assert_ok_and_quiescent();
    let logs: Vec<String> = done.logs().into_iter().map(|(t, _)| t).collect();
    assert_eq!(logs, vec!["before", "inside", "7"]);
}

#[test]
fn spawn_makes_rust_eager_on_the_next_turn() {
    let done = run(
        "let h = spawn(async { log(\"task\"); 1 });\nlog(\"main\");\nlet v = await h;\nlog(v);",
    );
    done.assert_ok_and_quiescent();
    let logs: Vec<String> = done.logs().into_iter().map(|(t, _)| t).collect();
    assert_eq!(logs, vec!["main", "task", "1"]);
}

#[test]
fn the_end_of_main_cancels_spawned_tasks_still_running() {
    let done = run("spawn(sleep(1000));\nawait sleep(10);\nlog(\"bye\");");
    done.assert_ok_and_quiescent();
    assert_eq!(done.first(EventKind::Start, "spawn(sleep(1000))").t, 0.0);
    let cancel = done.first(EventKind::Cancel, "sleep(1000)");
    assert_eq!(cancel.t, 10.0);
    assert!(done.has(EventKind::Cancel, "spawn(sleep(1000))"));
}

#[test]
fn an_unawaited_fail_does_nothing_and_an_awaited_one_is_the_error() {
    let quiet = run("let f = fail(\"nobody sees this\");\nlog(\"fine\");");
    quiet.assert_ok_and_quiescent();
    assert!(quiet.has(EventKind::Drop, "fail(\"nobody sees this\")"));

    let loud = run("log(\"a\");\nawait fail(\"boom\");\nlog(\"never\");");
    let error = loud.outcome.error.clone().unwrap();
    assert_eq!(
        (error.kind, error.message.as_str(), error.line, error.col),
        (ErrorKind::Runtime, "boom", 2, 7)
    );
    assert_eq!(loud.logs().len(), 1);
    loud.assert_quiescent();
}

#[test]
fn a_fetch_of_a_value_that_is_not_a_string_names_the_value() {
    // `race` of different types is a run-time value: the checks let it through,
    // and `fetch` refuses it when it is evaluated.
    for (winner, got) in [
        ("sleep(1, 3)", "the integer 3"),
        ("sleep(1, null)", "null"),
        ("join(sleep(1, 1), sleep(1, \"a\"))", "the list [1, a]"),
    ] {
        let source = format!("await fetch(await race({winner}, sleep(5, \"x\")));");
        let finished = run(&source);
        let error = finished.outcome.error.clone().unwrap();
        assert_eq!(
            (error.kind, error.message.as_str()),
            (
                ErrorKind::Runtime,
                format!("`fetch` expects a string, got {got}").as_str()
            ),
            "{source}"
        );
        finished.assert_quiescent();
    }
}

#[test]
fn yield_now_wakes_itself_once() {
    let done = run("await yield_now();\nlog(\"after\");");
    done.assert_ok_and_quiescent();
    let polls: Vec<Option<bool>> = done
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Poll && &*e.op.label == "yield_now()")
        .map(|e| e.ready)
        .collect();
    assert_eq!(polls, vec![Some(false), Some(true)]);
    assert!(done
        .events
        .iter()
        .any(|e| e.kind == EventKind::Wake && e.text.as_deref() == Some("wake-by-ref:scheduled")));
}

#[test]
fn op_ids_count_evaluations_of_one_expression() {
    let done = run("repeat 2 {\n  await sleep(5);\n}");
    done.assert_ok_and_quiescent();
    let ids: Vec<&str> = done
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Create)
        .map(|e| &*e.op.id)
        .collect();
    assert_eq!(ids, vec!["2:9#0", "2:9#1"]);
}

#[test]
fn bindings_in_a_repeat_are_dropped_each_iteration() {
    let done = run("repeat 2 {\n  let s = sleep(5);\n  log(\"i\");\n}");
    done.assert_ok_and_quiescent();
    let order: Vec<String> = done
        .timeline(&[EventKind::Log, EventKind::Drop])
        .into_iter()
        .map(|(k, _, _)| k)
        .collect();
    assert_eq!(order, vec!["log", "drop", "log", "drop"]);
}

#[test]
fn a_busy_loop_hits_the_operations_limit_and_leaves_nothing() {
    // Miri is far too slow for the default million operations.
    let limits = if cfg!(miri) {
        Limits {
            operations: 2_000,
            ..Limits::DEFAULT
        }
    } else {
        Limits::DEFAULT
    };
    let done = run_with("spawn(sleep(100000));\nrepeat 2000000000 { }", limits);
    let error = done.outcome.error.clone().unwrap();
    assert_eq!(error.kind, ErrorKind::Limit);
    assert!(error.message.contains("operations"), "{}", error.message);
    done.assert_quiescent();
}

#[test]
fn too_many_live_timers_is_a_limit() {
    let limits = Limits {
        live_timers: 5,
        ..Limits::DEFAULT
    };
    let done = run_with(
        "repeat 10 { spawn(sleep(1000)); }\nawait sleep(2000);",
        limits,
    );
    let error = done.outcome.error.clone().unwrap();
    assert_eq!(error.kind, ErrorKind::Limit);
    assert!(error.message.contains("timers"), "{}", error.message);
    done.assert_quiescent();
}

#[test]
fn too_many_live_tasks_is_a_limit() {
    let limits = Limits {
        live_tasks: 3,
        ..Limits::DEFAULT
    };
    let done = run_with("repeat 10 { spawn(yield_now()); }", limits);
    let error = done.outcome.error.clone().unwrap();
    assert_eq!(
        (error.kind, error.line, error.col),
        (ErrorKind::Limit, 1, 13)
    );
    done.assert_quiescent();
}

#[test]
fn too_much_output_is_a_limit() {
    let limits = Limits {
        output_bytes: 1000,
        ..Limits::DEFAULT
    };
    let done = run_with("repeat 1000 { log(\"0123456789\"); }", limits);
    assert_eq!(done.outcome.error.clone().unwrap().kind, ErrorKind::Limit);
    assert!(done.logs().len() < 100);
    done.assert_quiescent();
}

#[test]
fn too_many_events_is_a_limit() {
    let limits = Limits {
        events: 50,
        ..Limits::DEFAULT
    };
    let done = run_with("repeat 100 { await yield_now(); }", limits);
    assert_eq!(done.outcome.error.clone().unwrap().kind, ErrorKind::Limit);
    assert!(done.events.len() <= 50);
    done.assert_quiescent();
}

#[test]
fn stopping_from_outside_leaves_nothing_and_the_next_run_works() {
    let (first, executor, platform) = begin(
        "spawn(sleep(5000));\nlet f = sleep(100);\nawait f;",
        Limits::DEFAULT,
    );
    platform.run_until_stalled();
    assert_eq!(executor.pending_timers(), 2);
    first.stop("stopped");
    assert!(first.is_finished());
    let outcome = outcome_of(&first);
    assert_eq!(outcome.error.map(|e| e.kind), Some(ErrorKind::Limit));
    assert!(executor.is_quiescent(), "{executor:?}");
    let events = first.take_events();
    assert!(events
        .iter()
        .any(|e| e.kind == EventKind::Cancel && &*e.op.label == "sleep(5000)"));

    let next = run("await sleep(1);\nlog(\"again\");");
    next.assert_ok_and_quiescent();
    assert_eq!(next.logs().len(), 1);
}

#[test]
fn the_time_limit_stops_a_waiting_program() {
    let (run, executor, platform) = begin("await sleep(60000);", Limits::DEFAULT);
    platform.run_until_stalled();
    run.stop_for_time();
    let outcome = outcome_of(&run);
    let error = outcome.error.unwrap();
    assert_eq!(error.kind, ErrorKind::Limit);
    assert!(error.message.contains("time limit"));
    assert!(executor.is_quiescent());
}

#[test]
fn every_runnable_preset_finishes_and_leaves_nothing() {
    for preset in futures_playground::presets::all() {
        // The moved future is refused; fetch needs a browser (tested there).
        if preset.id == "10-moved-future" || preset.source.contains("fetch(") {
            continue;
        }
        // A thousand tasks: too slow for Miri, which the other presets cover.
        if cfg!(miri) && preset.id == "11-many-concurrent-timers" {
            continue;
        }
        let done = run(preset.source);
        assert_eq!(done.outcome.error, None, "{}", preset.id);
        done.assert_quiescent();
        assert!(!done.logs().is_empty(), "{} logged nothing", preset.id);
    }
}

#[test]
fn the_readme_example_passes_both_engines_checks() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("```\nlet a = sleep(300);")
        .expect("the example in README.md")
        + 4;
    let example = &readme[start..start + readme[start..].find("```").unwrap()];
    check_source(example).unwrap_or_else(|errors| panic!("README example refused: {errors:?}"));
}

#[test]
fn a_spawn_event_names_the_spawn_operation_and_its_task() {
    let done = run("let h = spawn(yield_now());\nawait h;");
    done.assert_ok_and_quiescent();
    let spawn = done
        .events
        .iter()
        .find(|e| {
            e.kind == EventKind::Executor && e.text.as_deref() == Some("spawn") && e.task == Some(2)
        })
        .expect("the executor's spawn event for task 2");
    assert_eq!(&*spawn.op.label, "spawn(yield_now())");
    assert_eq!(&*spawn.op.id, "1:9#0");
}
