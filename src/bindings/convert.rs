//! Rust values to the plain JS objects of the trace contract.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::engines::{TraceEvent, Value};
use crate::scenario::ScenarioError;

/// Sets `object[key]`, on a plain object made here, which takes any field.
///
/// The crate's only `Reflect::set`, checked by an `assert!` with a fixed message:
/// an `expect` on its `Result<_, JsValue>` formats the `JsValue` with `Debug`, and
/// four call sites doing that were 0.1 KB gzipped more (BENCHMARKS.md, case 6).
pub(crate) fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    // The call and its check are one function for every value type; only
    // the conversion is made per type (−0.3 K raw over six types).
    set_value(object, key, &value.into());
}

fn set_value(object: &Object, key: &str, value: &JsValue) {
    let stored = Reflect::set(object, &JsValue::from_str(key), value);
    assert!(matches!(stored, Ok(true)), "a plain object takes any field");
}

pub(crate) fn value(value: &Value) -> JsValue {
    match value {
        Value::Null => JsValue::NULL,
        Value::Int(n) => JsValue::from(*n as f64),
        Value::Str(s) => JsValue::from_str(s),
        Value::List(items) => items.iter().map(self::value).collect::<Array>().into(),
    }
}

/// `{ kind, message, line, col }`.
pub(crate) fn error(error: &ScenarioError) -> JsValue {
    let object = Object::new();
    set(&object, "kind", error.kind.as_str());
    set(&object, "message", error.message.as_str());
    set(&object, "line", error.line);
    set(&object, "col", error.col);
    object.into()
}

pub(crate) fn errors(errors: &[ScenarioError]) -> JsValue {
    errors.iter().map(error).collect::<Array>().into()
}

#[wasm_bindgen(module = "/src/bindings/convert.js")]
extern "C" {
    #[wasm_bindgen(js_name = traceEvent)]
    #[allow(clippy::too_many_arguments)]
    fn trace_event(
        seq: f64,
        t: f64,
        kind: &str,
        op: &str,
        label: &str,
        ok: Option<bool>,
        value: JsValue,
        error: Option<&str>,
        ready: Option<bool>,
        text: Option<&str>,
        task: Option<f64>,
    ) -> JsValue;
}

/// `{ seq, t, kind, op, label, ok?, value?, error?, ready?, text?, task? }`,
/// made by `convert.js` (see there why).
pub(crate) fn event(event: &TraceEvent) -> JsValue {
    trace_event(
        event.seq as f64,
        event.t,
        event.kind.as_str(),
        &event.op.id,
        &event.op.label,
        event.ok,
        event.value.as_ref().map_or(JsValue::UNDEFINED, value),
        event.error.as_deref(),
        event.ready,
        event.text.as_deref(),
        event.task.map(|task| task as f64),
    )
}

/// `{ engine, ok, error?, events }`.
pub(crate) fn trace(
    engine: &str,
    failure: Option<&ScenarioError>,
    events: &[TraceEvent],
) -> JsValue {
    trace_of(engine, failure, events.iter().map(event).collect::<Array>())
}

/// [`trace`] with the events already converted.
pub(crate) fn trace_of(engine: &str, failure: Option<&ScenarioError>, events: Array) -> JsValue {
    let object = Object::new();
    set(&object, "engine", engine);
    set(&object, "ok", failure.is_none());
    if let Some(failure) = failure {
        set(&object, "error", error(failure));
    }
    set(&object, "events", events);
    object.into()
}
