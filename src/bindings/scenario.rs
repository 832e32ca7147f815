//! The scenario API JavaScript sees: run a program on either engine, check
//! it, parse it, show it as hand-written code.

use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use super::convert;
use super::deferred::deferred;
use crate::engines::limits::number_text;
use crate::engines::trace::{EventListener, TraceEvent};
use crate::engines::{self, Limits};
use crate::platform::{BrowserPlatform, JsCallback, StepControl, SteppedPlatform};
use crate::scenario::{self, ScenarioError};
use crate::Executor;

#[wasm_bindgen(module = "/src/bindings/run_watch.js")]
extern "C" {
    #[wasm_bindgen(js_name = watchRun)]
    fn watch_run(
        time_ms: f64,
        signal: &JsValue,
        on_timeout: &JsValue,
        on_abort: &JsValue,
    ) -> Function;
    #[wasm_bindgen(js_name = linkSignal)]
    fn link_signal(from: &AbortSignal, to: &web_sys::AbortController);
    #[wasm_bindgen(js_name = stopFunction)]
    fn stop_function(controller: &web_sys::AbortController) -> Function;
    #[wasm_bindgen(js_name = deferCall)]
    fn defer_call(callback: &Function);
}

#[wasm_bindgen(module = "/src/bindings/panic.js")]
extern "C" {
    #[wasm_bindgen(js_name = settleOnPanic)]
    fn settle_on_panic(resolve: &Function) -> Function;
}

/// The options `runScenario` understands.
struct RunOptions {
    engine: Engine,
    limits: Limits,
    on_event: Option<Function>,
    signal: Option<AbortSignal>,
    /// Rust only: hold the executor's drains back for `ScenarioRun.step()`.
    stepped: bool,
    on_step_ready: Option<Function>,
}

#[derive(Clone, Copy, PartialEq)]
enum Engine {
    Js,
    Rust,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Js => "js",
            Engine::Rust => "rust",
        }
    }
}

fn field(options: &JsValue, key: &str) -> JsValue {
    if options.is_object() {
        Reflect::get(options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

impl RunOptions {
    fn from_js(options: &JsValue) -> Result<RunOptions, JsValue> {
        let engine = match field(options, "engine").as_string().as_deref() {
            Some("js") => Engine::Js,
            Some("rust") => Engine::Rust,
            other => {
                // Quoted by hand: `{:?}` would link `str`'s escaping `Debug`.
                let got = other.map_or("no string".into(), |engine| format!("\"{engine}\""));
                return Err(js_sys::TypeError::new(&format!(
                    "runScenario: options.engine must be \"js\" or \"rust\", got {got}"
                ))
                .into());
            }
        };
        let mut limits = Limits::DEFAULT;
        if let Some(ms) = field(options, "timeLimitMs").as_f64() {
            if !(ms > 0.0 && ms <= Limits::MAX_TIME_MS) {
                return Err(js_sys::RangeError::new(&format!(
                    "runScenario: timeLimitMs must be in (0, {}], got {}",
                    number_text(Limits::MAX_TIME_MS),
                    number_text(ms)
                ))
                .into());
            }
            limits.time_ms = ms;
        }
        let on_event = field(options, "onEvent").dyn_into::<Function>().ok();
        let signal = field(options, "signal").dyn_into::<AbortSignal>().ok();
        let stepped = field(options, "stepped").is_truthy();
        if stepped && engine != Engine::Rust {
            return Err(
                js_sys::TypeError::new("runScenario: only the rust engine can be stepped").into(),
            );
        }
        let on_step_ready = field(options, "onStepReady").dyn_into::<Function>().ok();
        Ok(RunOptions {
            engine,
            limits,
            on_event,
            signal,
            stepped,
            on_step_ready,
        })
    }
}

/// `runScenario(source, { engine, timeLimitMs?, onEvent?, signal? })`:
/// runs the program on one engine; resolves to `{ engine, ok, error?, events }`.
/// Never rejects for a bad program: refusals and failures are in the trace.
#[wasm_bindgen(js_name = runScenario, unchecked_return_type = "Promise<Trace>")]
pub fn run_scenario(
    #[wasm_bindgen(unchecked_param_type = "string")] source: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RunOptions")] options: JsValue,
) -> Result<Promise, JsValue> {
    Ok(start_scenario(source, options)?.finished)
}

/// The program text of an export's `source` argument. Taken as a JS value
/// and copied in here, after the call has entered the module: a string
/// argument is copied into the module's memory before the call's guard runs,
/// and after a panic that guard replaces the instance (bindings/panic.rs), so
/// the copy would be in the old instance's memory.
fn source_text(source: &JsValue) -> Result<String, JsValue> {
    source
        .as_string()
        .ok_or_else(|| js_sys::TypeError::new("the program must be a string").into())
}

/// A run in progress, from `startScenario`.
#[wasm_bindgen]
pub struct ScenarioRun {
    finished: Promise,
    stop: Function,
    step: Option<StepControl>,
}

#[wasm_bindgen]
impl ScenarioRun {
    /// The trace, once the run has ended (as `runScenario` gives it).
    #[wasm_bindgen(getter, unchecked_return_type = "Promise<Trace>")]
    pub fn finished(&self) -> Promise {
        self.finished.clone()
    }

    /// Ends the run now ("run stopped"), clearing everything it started.
    pub fn stop(&self) {
        let _ = self.stop.call0(&JsValue::NULL);
    }

    /// A stepped run: polls one queued task. Returns whether one was polled.
    pub fn step(&self) -> bool {
        self.step.as_ref().is_some_and(StepControl::step)
    }

    /// A stepped run: whether a task is queued, waiting for `step()`.
    #[wasm_bindgen(js_name = canStep)]
    pub fn can_step(&self) -> bool {
        self.step.as_ref().is_some_and(StepControl::can_step)
    }

    /// A stepped run: lets the executor run on by itself from now on.
    pub fn resume(&self) {
        if let Some(step) = &self.step {
            step.resume();
        }
    }

    /// Whether the run is stepped and still held back for steps.
    #[wasm_bindgen(getter)]
    pub fn stepping(&self) -> bool {
        self.step.as_ref().is_some_and(StepControl::is_stepping)
    }
}

/// `startScenario(source, options)`: like `runScenario`, with a handle to
/// stop the run and, for the rust engine with `stepped: true`, to step its
/// executor one poll at a time (`step()`, `canStep()`, `resume()`; an
/// `onStepReady` callback hears when a task becomes ready). Timers and
/// requests keep real time meanwhile; a stepped run has no time limit, since
/// a person sets its pace.
#[wasm_bindgen(js_name = startScenario)]
pub fn start_scenario(
    #[wasm_bindgen(unchecked_param_type = "string")] source: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RunOptions")] options: JsValue,
) -> Result<ScenarioRun, JsValue> {
    super::panic::install_hook();
    let source = &source_text(&source)?;
    let mut options = RunOptions::from_js(&options)?;
    // The run's own stop, and the caller's signal if any, end it alike.
    let controller = web_sys::AbortController::new()?;
    if let Some(signal) = options.signal.take() {
        link_signal(&signal, &controller);
    }
    let stop = stop_function(&controller);
    options.signal = Some(controller.signal());
    let (finished, step) = match options.engine {
        Engine::Js => match scenario::parse(source) {
            Ok(program) => {
                let signal = options.signal.map_or(JsValue::UNDEFINED, JsValue::from);
                let on_event = options.on_event.map_or(JsValue::UNDEFINED, JsValue::from);
                let json = scenario::to_json(&program);
                (
                    engines::js::run(&json, &options.limits, &on_event, &signal),
                    None,
                )
            }
            Err(error) => (refused(Engine::Js, &error), None),
        },
        Engine::Rust => match scenario::check_source(source) {
            Ok(program) => run_rust(program, options),
            Err(errors) => (refused(Engine::Rust, &errors[0]), None),
        },
    };
    Ok(ScenarioRun {
        finished,
        stop,
        step,
    })
}

fn refused(engine: Engine, error: &ScenarioError) -> Promise {
    Promise::resolve(&convert::trace(engine.name(), Some(error), &[]))
}

fn run_rust(
    program: scenario::ast::Program,
    options: RunOptions,
) -> (Promise, Option<StepControl>) {
    let (executor, step) = if options.stepped {
        let (executor, step) = SteppedPlatform::executor(BrowserPlatform::new);
        if let Some(on_step_ready) = options.on_step_ready.clone() {
            // Told from inside the executor: the page hears it a microtask
            // later, so a step it takes then is never a poll inside a poll.
            step.set_on_ready(Some(Box::new(move || defer_call(&on_step_ready))));
        }
        (executor, Some(step))
    } else {
        (Executor::browser(), None)
    };
    // Every event handed to `onEvent` is also kept, converted, in `delivered`:
    // the result's `events` is then that same array, so the end of a long run
    // does not convert the whole trace again in one task (BENCHMARKS.md, case 7).
    let delivered = options.on_event.as_ref().map(|_| Array::new());
    let listener: Option<EventListener> = options.on_event.map(|on_event| {
        let delivered = delivered.clone().expect("made with the listener");
        Box::new(move |event: &TraceEvent| {
            let object = convert::event(event);
            delivered.push(&object);
            // A listener that throws must not break the run.
            let _ = on_event.call1(&JsValue::NULL, &object);
        }) as EventListener
    });
    let run = Rc::new(engines::rust::start(
        Rc::new(program),
        &executor,
        options.limits,
        listener,
    ));

    let on_timeout = {
        let run = run.clone();
        JsCallback::new(move || run.stop_for_time())
    };
    let on_abort = {
        let run = run.clone();
        JsCallback::new(move || run.stop("run stopped"))
    };
    let signal = options
        .signal
        .as_ref()
        .map_or(JsValue::UNDEFINED, JsValue::from);
    let time_limit = if options.stepped {
        f64::INFINITY
    } else {
        options.limits.time_ms
    };
    let dispose = watch_run(time_limit, &signal, on_timeout.as_js(), on_abort.as_js());
    if options.signal.as_ref().is_some_and(AbortSignal::aborted) {
        run.stop("run stopped");
    }

    let finished = deferred();
    let resolve = finished.resolve();
    let unwatch_panic = settle_on_panic(&resolve);
    // Waits on the page's default executor: the run's own executor is
    // shut down when the run ends.
    crate::executor::spawn_detached_on_default(crate::executor::boxed(async move {
        let outcome = run.finished().await;
        let _ = dispose.call0(&JsValue::NULL);
        let _ = unwatch_panic.call0(&JsValue::NULL);
        drop((on_timeout, on_abort));
        let events = run.take_events();
        let trace = match delivered {
            Some(delivered) if delivered.length() as usize == events.len() => {
                convert::trace_of("rust", outcome.error.as_ref(), delivered)
            }
            _ => convert::trace("rust", outcome.error.as_ref(), &events),
        };
        drop(executor);
        let _ = resolve.call1(&JsValue::NULL, &trace);
    }));
    (finished.promise(), step)
}

/// `checkScenario(source)`: `{ js: Error[], rust: Error[] }`, each engine's
/// refusals without running. The js engine refuses only what does not parse.
#[wasm_bindgen(js_name = checkScenario, unchecked_return_type = "CheckResult")]
pub fn check_scenario(
    #[wasm_bindgen(unchecked_param_type = "string")] source: JsValue,
) -> Result<JsValue, JsValue> {
    let source = &source_text(&source)?;
    let (js, rust) = match scenario::parse(source) {
        Err(error) => (vec![error.clone()], vec![error]),
        Ok(program) => (Vec::new(), scenario::check(&program)),
    };
    let result = Object::new();
    convert::set(&result, "js", convert::errors(&js));
    convert::set(&result, "rust", convert::errors(&rust));
    Ok(result.into())
}

/// `parseScenario(source)`: `{ ok: true, program }` with the tree as JSON
/// text (shape: `scenario::json`), or `{ ok: false, error }`.
#[wasm_bindgen(js_name = parseScenario, unchecked_return_type = "ParseResult")]
pub fn parse_scenario(
    #[wasm_bindgen(unchecked_param_type = "string")] source: JsValue,
) -> Result<JsValue, JsValue> {
    let source = &source_text(&source)?;
    let result = Object::new();
    match scenario::parse(source) {
        Ok(program) => {
            convert::set(&result, "ok", true);
            convert::set(&result, "program", scenario::to_json(&program));
        }
        Err(error) => {
            convert::set(&result, "ok", false);
            convert::set(&result, "error", convert::error(&error));
        }
    }
    Ok(result.into())
}

/// `generateCode(source)`: `{ ok: true, javascript, rust }`, the program as
/// idiomatic hand-written code, or `{ ok: false, error }`.
#[wasm_bindgen(js_name = generateCode, unchecked_return_type = "GeneratedCode")]
pub fn generate_code(
    #[wasm_bindgen(unchecked_param_type = "string")] source: JsValue,
) -> Result<JsValue, JsValue> {
    let source = &source_text(&source)?;
    let result = Object::new();
    match scenario::parse(source) {
        Ok(program) => {
            convert::set(&result, "ok", true);
            convert::set(&result, "javascript", scenario::to_javascript(&program));
            convert::set(&result, "rust", scenario::to_rust(&program));
        }
        Err(error) => {
            convert::set(&result, "ok", false);
            convert::set(&result, "error", convert::error(&error));
        }
    }
    Ok(result.into())
}

/// `defaultLimits()`: the limits every run has unless told otherwise.
#[wasm_bindgen(js_name = defaultLimits, unchecked_return_type = "Limits")]
pub fn default_limits() -> JsValue {
    engines::js::limits_object(&Limits::DEFAULT)
}

/// `debugCounters()`: what is alive now (`executors`, `tasks`, `jsClosures`,
/// `watchedPromises`), for leak tests: a finished run leaves each where it was.
#[wasm_bindgen(js_name = debugCounters, unchecked_return_type = "DebugCounters")]
pub fn debug_counters() -> JsValue {
    let live = crate::diagnostics::live_counts();
    let counters = Object::new();
    convert::set(&counters, "executors", live.executors as u32);
    convert::set(&counters, "tasks", live.tasks as u32);
    convert::set(&counters, "jsClosures", live.js_closures as u32);
    convert::set(
        &counters,
        "watchedPromises",
        crate::reactor::fetch::promises_in_flight() as u32,
    );
    counters.into()
}
