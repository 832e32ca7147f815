// Test page for tests/e2e/engines*.test.mjs: loads the wasm package and exposes
// `window.fp` (the package) and `window.engines` (helpers below). Before the
// package loads, it wraps setTimeout/clearTimeout and fetch to count what is
// live, so a test can check that a run leaves nothing behind.
//
// body[data-state] = 'loading' | 'ready' | 'error'.

const native = {
  setTimeout: globalThis.setTimeout.bind(globalThis),
  clearTimeout: globalThis.clearTimeout.bind(globalThis),
  fetch: globalThis.fetch.bind(globalThis),
};

const liveTimers = new Set();
let timersSet = 0;
let fetchesInFlight = 0;
let fetchesStarted = 0;

globalThis.setTimeout = function setTimeout(callback, ms, ...rest) {
  let id;
  const wrapped = (...args) => {
    liveTimers.delete(id);
    if (typeof callback === 'function') callback(...args);
  };
  id = native.setTimeout(wrapped, ms, ...rest);
  liveTimers.add(id);
  timersSet++;
  return id;
};
globalThis.clearTimeout = function clearTimeout(id) {
  liveTimers.delete(id);
  native.clearTimeout(id);
};
globalThis.fetch = function fetch(...args) {
  fetchesInFlight++;
  fetchesStarted++;
  let promise;
  try {
    promise = native.fetch(...args);
  } catch (err) {
    fetchesInFlight--;
    throw err;
  }
  const done = () => {
    fetchesInFlight--;
  };
  promise.then(done, done);
  return promise;
};

const pause = (ms) => new Promise((resolve) => native.setTimeout(resolve, ms));

/** The kinds both engines emit (plus the js engine's `unhandled-rejection` and `clear`, and rust's `drop`). */
const KINDS = new Set(['create', 'start', 'settle', 'cancel', 'clear', 'log', 'drop', 'unhandled-rejection']);

const engines = {
  counters() {
    return { liveTimers: liveTimers.size, timersSet, fetchesInFlight, fetchesStarted };
  },

  pause,

  /**
   * Runs `source` on `engine`; resolves to `{ trace, events, streamed, late, listenerCalls }`:
   * `events` = the trace's events of the common kinds; `streamed` = how many
   * events onEvent saw before the trace resolved; `late` = onEvent calls after
   * it resolved (checked `settleMs` later).
   * Options: timeLimitMs, abortAfterMs (AbortController from outside), throwingListener,
   * settleMs (default 0: do not wait for late events), lite (return no events, only
   * `counts`, for runs of 100k+ events).
   */
  async run(source, engine, options = {}) {
    const controller = new AbortController();
    let resolved = false;
    let streamed = 0;
    let late = 0;
    const runOptions = {
      engine,
      signal: controller.signal,
      onEvent: (event) => {
        if (resolved) late++;
        else streamed++;
        if (options.throwingListener) throw new Error('listener throws on purpose');
      },
    };
    if (options.timeLimitMs !== undefined) runOptions.timeLimitMs = options.timeLimitMs;
    if (options.abortAfterMs !== undefined) native.setTimeout(() => controller.abort(), options.abortAfterMs);
    const t0 = performance.now();
    const trace = await globalThis.fp.runScenario(source, runOptions);
    const wallMs = performance.now() - t0;
    resolved = true;
    if (options.settleMs) await pause(options.settleMs);
    const events = trace.events
      .filter((e) => KINDS.has(e.kind))
      .map(({ seq, t, kind, op, label, ok, value, error, text }) => {
        const e = { seq, t, kind, op, label };
        if (ok !== undefined) e.ok = ok;
        if (value !== undefined) e.value = value;
        if (error !== undefined) e.error = error;
        if (text !== undefined) e.text = text;
        return e;
      });
    const counts = {};
    for (const e of events) {
      const key = `${e.kind} ${e.label}`;
      counts[key] = (counts[key] || 0) + 1;
    }
    return {
      engine: trace.engine,
      ok: trace.ok,
      error: trace.error ?? null,
      total: trace.events.length,
      events: options.lite ? [] : events,
      counts,
      streamed,
      late,
      wallMs,
    };
  },
};

globalThis.engines = engines;

try {
  // The package's main module: the wasm module's glue and the presets.
  const fp = await import('/pkg/index.js');
  await fp.default();
  globalThis.fp = fp;
  document.body.dataset.state = 'ready';
} catch (err) {
  document.body.dataset.state = 'error';
  const p = document.createElement('p');
  p.setAttribute('role', 'alert');
  p.textContent = String(err && err.stack ? err.stack : err);
  document.body.append(p);
}
