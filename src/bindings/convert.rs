//! Rust values to the plain JS objects of the trace contract.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::engines::{TraceEvent, Value};
use crate::scenario::ScenarioError;

pub(crate) fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    Reflect::set(object, &JsValue::from_str(key), &value.into())
        .expect("a plain object takes any field");
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

pub(crate) fn event(event: &TraceEvent) -> JsValue {
    let object = Object::new();
    set(&object, "seq", event.seq as f64);
    set(&object, "t", event.t);
    set(&object, "kind", event.kind.as_str());
    set(&object, "op", &*event.op.id);
    set(&object, "label", &*event.op.label);
    if let Some(ok) = event.ok {
        set(&object, "ok", ok);
    }
    if let Some(v) = &event.value {
        set(&object, "value", value(v));
    }
    if let Some(error) = &event.error {
        set(&object, "error", error.as_str());
    }
    if let Some(ready) = event.ready {
        set(&object, "ready", ready);
    }
    if let Some(text) = &event.text {
        set(&object, "text", text.as_str());
    }
    if let Some(task) = event.task {
        set(&object, "task", task as f64);
    }
    object.into()
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
