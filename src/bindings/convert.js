// A trace event as the contract's plain object (SCENARIO.md), made here from
// its fields: the keys are literals, so only the values cross from wasm. Made
// in Rust, each field cost a call and a decoded key, about ten of each per
// event, and a live Rust run makes thousands of events (BENCHMARKS.md, case 7).
// Absent fields arrive as undefined and are left out; the rest keep one order:
// the contract's five, then the optional ones as TraceEvent declares them.
export function traceEvent(seq, t, kind, op, label, ok, value, error, ready, text, task) {
  const event = { seq, t, kind, op, label };
  if (ok !== undefined) event.ok = ok;
  if (value !== undefined) event.value = value;
  if (error !== undefined) event.error = error;
  if (ready !== undefined) event.ready = ready;
  if (text !== undefined) event.text = text;
  if (task !== undefined) event.task = task;
  return event;
}
