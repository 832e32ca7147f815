// The js engine: a scenario program run as real JavaScript Promises, timers and
// fetch calls, interpreted from the tree the Rust parser made (its JSON, see
// `src/scenario/json.rs`). Imported by the wasm module as a wasm-bindgen snippet;
// plain ES module, no dependencies, nothing generated or evaluated.
//
//   runJs(programJson, { limits, onEvent, signal }) -> Promise<Trace>   (never rejects)
//
// ## No promise hop of its own
//
// The order of events, down to the microtask, is the order the same program
// written by hand in JavaScript gives (what `generateCode` shows). So the
// interpreter is not a tree of `async` functions (each nested evaluation would
// add hops). Expressions are evaluated by generator functions (`function*`) that
// `yield` exactly at a program `await`, with the awaited value; one `async`
// driver per activation (the program body, each `async { … }` block) does one
// real `await` per yielded value and resumes the generator with the result (or
// throws the rejection into it). An `async` block calls its driver at once, so
// its body runs synchronously up to its first `await`, as `(async () => {…})()`.
//
// ## What each construct is, and when its events are recorded
//
// - `sleep(ms, v)`: `new Promise(r => setTimeout(() => r(v ?? null), ms))`; create
//   and start when evaluated (the timer is set then), settle inside the timer
//   callback, just before `r` is called.
// - `fetch(url)`: `fetch(url, { signal, cache: 'no-store' }).then(r => r.status)`
//   (the generated code's shape, which leaves out the engine's signal and cache
//   mode; a non-2xx status is a value); create and start when evaluated,
//   settle inside the `.then` callbacks (the same hop count as the plain
//   `.then(r => r.status)`, the rejection handler rethrows).
// - `async { … }`: create and start when evaluated, before the body runs; settle
//   when the body returns or throws (just before the async function's promise
//   settles).
// - `join` / `race`: the real `Promise.all` / `Promise.race`; create and start when
//   evaluated; settle is recorded by a reaction on each operand registered right
//   after the combinator's own, so it is recorded in the microtask right after the
//   one in which the combinator settled, before anything that awaits it runs. No
//   handler is attached to the combinator's own promise, so an unawaited one that
//   rejects stays an unhandled rejection, as in plain JavaScript.
// - `spawn(e)`: `e` itself (a Promise already runs): no promise of its own. Its
//   create and start are recorded when `spawn(…)` is evaluated (right after e's
//   own), its settle right after e's settle (at once if e has already settled or
//   is a plain value).
// - `yield_now()`: `Promise.resolve()`: create, start and settle (null) at once.
// - `fail(msg)`: `Promise.reject(new Error(msg))`: create, start and settle
//   (ok: false) at once; never awaited, it is a real unhandled rejection.
// - `log(…)`: a `log` event at once; a Promise prints as `[object Promise]` (what
//   the generated code's `String(v)` prints).
//
// ## End of the run
//
// The run ends when the body has settled and every timer and fetch it started has
// settled (checked again after two macrotasks, so continuations and rejection
// notifications land first): `ok` unless the body rejected (then a `runtime`
// error at the operation whose error propagated). A limit, the time limit or the
// AbortSignal ends it at once: every live timer is cleared and every pending fetch
// aborted (a `cancel` event each), every driver stops at its next step, and the
// trace resolves after two macrotasks, once nothing of the run can fire.
//
// ## Unhandled rejections
//
// While a run is active it listens for `unhandledrejection` on `globalThis`; for a
// promise this run created it calls `preventDefault()` (so the page sees no error)
// and records an `unhandled-rejection` event. Promises of other runs are left to
// their own listeners.

const STOP = Symbol('run stopped');
const hang = () => new Promise(() => {});

const isThenable = (v) => v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function';

/** The text `log` prints for a value. */
function show(v) {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return String(v);
}

/** A value as a trace event carries it: plain JSON. */
function plain(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(plain);
  if (isThenable(v)) return '<promise>';
  return String(v);
}

function messageOf(err) {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && typeof err.message === 'string') return err.message;
  return String(err);
}

/** UTF-8 length of a string, without allocating. */
function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** One evaluation of one expression: its trace identity and its life. */
class Op {
  constructor(id, label) {
    this.id = id;
    this.label = label;
    this.settled = false;
    this.ok = undefined;
    this.outcome = undefined;
    /** `spawn` ops that settle when this one does. */
    this.followers = null;
  }
}

/** Bindings of one block activation; a child sees its parent's by reference. */
class Scope {
  constructor(parent) {
    this.parent = parent;
    this.vars = new Map();
  }

  get(binding) {
    for (let s = this; s; s = s.parent) {
      if (s.vars.has(binding)) return s.vars.get(binding);
    }
    return null;
  }
}

class Run {
  constructor(program, options) {
    this.program = program;
    const limits = (options && options.limits) || {};
    const num = (v, d) => (typeof v === 'number' && v >= 0 ? v : d);
    this.limits = {
      timeMs: num(limits.timeMs, 10000),
      operations: num(limits.operations, 1000000),
      liveTimers: num(limits.liveTimers, 10000),
      events: num(limits.events, 200000),
      outputBytes: num(limits.outputBytes, 1 << 20),
    };
    this.onEvent = options && typeof options.onEvent === 'function' ? options.onEvent : null;
    this.signal = options && options.signal ? options.signal : null;

    this.events = [];
    this.t0 = performance.now();
    this.steps = 0;
    this.outputBytes = 0;
    this.evaluations = new Map(); // "line:col" -> times evaluated
    this.pos = { line: 0, col: 0 }; // the node being evaluated, for limit errors

    this.timers = new Map(); // handle -> Op, live timers
    this.fetches = new Map(); // Op -> AbortController, pending fetches
    this.promiseOps = new WeakMap(); // Promise this run made -> Op
    this.errorPos = new WeakMap(); // Error this run made -> { line, col }

    this.bodySettled = false;
    this.bodyError = undefined;
    this.bodyFailed = false;
    this.ended = false; // no event, no step after this
    this.stopping = false;
    this.endCheck = false;
    this.error = null;

    this.resolveTrace = null;
    this.trace = new Promise((resolve) => {
      this.resolveTrace = resolve;
    });

    this.onUnhandled = (event) => this.unhandled(event);
    this.onAbort = () => this.stop({ kind: 'limit', message: 'run stopped', line: 0, col: 0 });
    this.timeLimit = null;
    this.listening = false;
  }

  // ---- trace ------------------------------------------------------------

  emit(kind, op, fields) {
    if (this.ended) return false;
    if (this.events.length >= this.limits.events) {
      this.limit(`the run made more than ${this.limits.events} trace events`, this.pos);
      return false;
    }
    const event = { seq: this.events.length, t: performance.now() - this.t0, kind, op: op.id, label: op.label };
    if (fields) Object.assign(event, fields);
    this.events.push(event);
    if (this.onEvent) {
      try {
        this.onEvent(event);
      } catch {
        // A listener that throws must not break the run.
      }
    }
    return true;
  }

  /** A new evaluation of the expression `node`. */
  op(node) {
    const key = `${node.line}:${node.col}`;
    const n = this.evaluations.get(key) || 0;
    this.evaluations.set(key, n + 1);
    return new Op(`${key}#${n}`, node.label);
  }

  /** Records create + start (they happen at the same moment in this engine). */
  begin(op) {
    this.emit('create', op);
    this.emit('start', op);
  }

  /** Records that `op` settled (once), and every `spawn` following it. */
  settle(op, ok, outcome) {
    if (op.settled) return;
    op.settled = true;
    op.ok = ok;
    op.outcome = outcome;
    this.emitSettle(op, ok, outcome);
    if (op.followers) {
      for (const f of op.followers) this.emitSettle(f, ok, outcome);
      op.followers = null;
    }
  }

  emitSettle(op, ok, outcome) {
    if (ok) this.emit('settle', op, { ok: true, value: plain(outcome) });
    else this.emit('settle', op, { ok: false, error: messageOf(outcome) });
  }

  /** Settles `op` with what an async function returning `value` resolves to. */
  settleWith(op, value) {
    if (isThenable(value)) {
      // The async function's promise adopts it: settle when it does.
      value.then(
        (v) => this.settle(op, true, v),
        (e) => this.settle(op, false, e),
      );
    } else {
      this.settle(op, true, value);
    }
  }

  track(promise, op) {
    this.promiseOps.set(promise, op);
    return promise;
  }

  // ---- limits -----------------------------------------------------------

  /** One step (a statement, an expression, a loop turn). */
  step(node) {
    if (this.ended) throw STOP;
    this.pos = node;
    const steps = ++this.steps;
    if (steps > this.limits.operations) {
      this.limit(`the run took more than ${this.limits.operations} operations`, node);
      throw STOP;
    }
    if ((steps & 1023) === 0 && performance.now() - this.t0 > this.limits.timeMs) {
      this.limit(`the run took longer than its time limit of ${this.limits.timeMs} ms`, { line: 0, col: 0 });
      throw STOP;
    }
  }

  limit(message, pos) {
    this.stop({ kind: 'limit', message, line: pos.line, col: pos.col });
  }

  // ---- lifecycle ----------------------------------------------------------

  start() {
    if (typeof globalThis.addEventListener === 'function') {
      globalThis.addEventListener('unhandledrejection', this.onUnhandled);
      this.listening = true;
    }
    if (this.signal) {
      if (this.signal.aborted) {
        this.onAbort();
        return this.trace;
      }
      this.signal.addEventListener('abort', this.onAbort);
    }
    this.timeLimit = setTimeout(() => {
      this.timeLimit = null;
      this.limit(`the run took longer than its time limit of ${this.limits.timeMs} ms`, { line: 0, col: 0 });
    }, this.limits.timeMs);

    const root = new Scope(null);
    let body;
    try {
      body = drive(this, this.statements(this.program.body || [], root), null);
    } catch (err) {
      // Only a bug in the interpreter gets here.
      this.stop({ kind: 'runtime', message: `js engine: ${messageOf(err)}`, line: 0, col: 0 });
      return this.trace;
    }
    body.then(
      () => {
        this.bodySettled = true;
        this.maybeEnd();
      },
      (err) => {
        this.bodySettled = true;
        this.bodyFailed = true;
        this.bodyError = err;
        this.maybeEnd();
      },
    );
    return this.trace;
  }

  /** Ends the run if the body and every timer and fetch have settled, checked again after two macrotasks. */
  maybeEnd() {
    if (this.ended || this.endCheck) return;
    if (!this.quiet()) return;
    this.endCheck = true;
    setTimeout(() => {
      if (this.ended) return;
      if (!this.quiet()) {
        this.endCheck = false;
        return;
      }
      setTimeout(() => {
        this.endCheck = false;
        if (this.ended) return;
        if (this.quiet()) this.finish();
      }, 0);
    }, 0);
  }

  quiet() {
    return this.bodySettled && this.timers.size === 0 && this.fetches.size === 0;
  }

  finish() {
    if (this.bodyFailed) {
      const err = this.bodyError;
      const pos = (err && typeof err === 'object' && this.errorPos.get(err)) || { line: 0, col: 0 };
      this.error = { kind: 'runtime', message: messageOf(err), line: pos.line, col: pos.col };
    }
    this.ended = true;
    this.release();
    this.resolveTrace(this.result());
  }

  /**
   * Ends the run now: every timer cleared, every fetch aborted, a `clear` event
   * for each. Not `cancel`: the contract keeps that kind for the rust engine's
   * drops; this is the run being torn down, not the program letting go.
   */
  stop(error) {
    if (this.ended || this.stopping) return;
    this.stopping = true;
    this.error = error;
    for (const [handle, op] of this.timers) {
      clearTimeout(handle);
      this.emit('clear', op);
    }
    this.timers.clear();
    for (const [op, controller] of this.fetches) {
      try {
        controller.abort();
      } catch {
        // ignore
      }
      this.emit('clear', op);
    }
    this.fetches.clear();
    this.ended = true;
    if (this.timeLimit !== null) {
      clearTimeout(this.timeLimit);
      this.timeLimit = null;
    }
    if (this.signal) this.signal.removeEventListener('abort', this.onAbort);
    // Rejection notifications of this run's promises may still be queued: keep
    // handling them for two macrotasks, then resolve.
    setTimeout(() => {
      setTimeout(() => {
        this.release();
        this.resolveTrace(this.result());
      }, 0);
    }, 0);
  }

  release() {
    if (this.timeLimit !== null) {
      clearTimeout(this.timeLimit);
      this.timeLimit = null;
    }
    if (this.signal) this.signal.removeEventListener('abort', this.onAbort);
    if (this.listening) {
      globalThis.removeEventListener('unhandledrejection', this.onUnhandled);
      this.listening = false;
    }
  }

  result() {
    const trace = { engine: 'js', ok: this.error === null, events: this.events };
    if (this.error !== null) trace.error = this.error;
    return trace;
  }

  unhandled(event) {
    const op = event && event.promise ? this.promiseOps.get(event.promise) : undefined;
    if (!op) return; // not this run's
    event.preventDefault();
    this.emit('unhandled-rejection', op, { error: messageOf(event.reason) });
  }

  // ---- the interpreter ---------------------------------------------------------

  *statements(list, scope) {
    for (const stmt of list) yield* this.statement(stmt, scope);
  }

  *statement(stmt, scope) {
    this.step(stmt);
    switch (stmt.type) {
      case 'let': {
        const value = yield* this.expr(stmt.value, scope);
        scope.vars.set(stmt.binding, value);
        return;
      }
      case 'expr':
        yield* this.expr(stmt.expr, scope);
        return;
      case 'repeat': {
        const block = stmt.body;
        for (let i = 0; i < stmt.count; i++) {
          this.step(stmt);
          const inner = new Scope(scope);
          yield* this.statements(block.body, inner);
          if (block.tail) yield* this.expr(block.tail, inner);
        }
        return;
      }
      default:
        throw new Error(`unknown statement type ${stmt.type}`);
    }
  }

  /** A block's statements then its tail: the block's value (null without a tail). */
  *block(block, scope) {
    yield* this.statements(block.body, scope);
    if (block.tail) return yield* this.expr(block.tail, scope);
    return null;
  }

  *expr(node, scope) {
    this.step(node);
    switch (node.type) {
      case 'integer':
      case 'string':
        return node.value;
      case 'null':
        return null;
      case 'name':
        return scope.get(node.binding);
      case 'await': {
        const operand = yield* this.expr(node.expr, scope);
        // The driver does `await operand` and resumes with the result (or throws).
        return yield operand;
      }
      case 'async':
        return this.asyncBlock(node, scope);
      case 'call': {
        const args = [];
        for (const arg of node.args) args.push(yield* this.expr(arg, scope));
        return this.call(node, args);
      }
      default:
        throw new Error(`unknown expression type ${node.type}`);
    }
  }

  asyncBlock(node, scope) {
    const op = this.op(node);
    this.begin(op);
    const promise = drive(this, this.block(node.body, new Scope(scope)), op);
    this.track(promise, op);
    if (this.ended) throw STOP;
    return promise;
  }

  call(node, args) {
    switch (node.callee) {
      case 'log': {
        const op = this.op(node);
        const text = args.map(show).join(' ');
        this.outputBytes += utf8Length(text) + 1;
        if (this.outputBytes > this.limits.outputBytes) {
          this.limit(`the program printed more than ${this.limits.outputBytes} bytes`, node);
          throw STOP;
        }
        this.emit('log', op, { text });
        return null;
      }
      case 'sleep':
        return this.sleep(node, args[0], args.length > 1 ? args[1] : null);
      case 'fetch':
        return this.fetch(node, args[0]);
      case 'join':
        return this.combine(node, args, false);
      case 'race':
        return this.combine(node, args, true);
      case 'spawn':
        return this.spawn(node, args[0]);
      case 'yield_now': {
        const op = this.op(node);
        const promise = this.track(Promise.resolve(), op);
        this.begin(op);
        this.settle(op, true, null);
        return promise;
      }
      case 'fail': {
        const op = this.op(node);
        const error = new Error(show(args[0]));
        this.errorPos.set(error, { line: node.line, col: node.col });
        const promise = this.track(Promise.reject(error), op);
        this.begin(op);
        this.settle(op, false, error);
        return promise;
      }
      default:
        throw new Error(`unknown built-in ${node.callee}`);
    }
  }

  sleep(node, ms, value) {
    const op = this.op(node);
    if (this.timers.size >= this.limits.liveTimers) {
      this.limit(`more than ${this.limits.liveTimers} timers were live at once`, node);
      throw STOP;
    }
    let handle;
    const promise = new Promise((resolve) => {
      handle = setTimeout(() => {
        if (this.ended || !this.timers.has(handle)) return; // cleared: never fires
        this.timers.delete(handle);
        const v = value ?? null;
        if (isThenable(v)) {
          this.settleWith(op, v);
          resolve(v);
        } else {
          this.settle(op, true, v);
          resolve(v);
        }
        this.maybeEnd();
      }, ms);
    });
    this.timers.set(handle, op);
    this.track(promise, op);
    this.begin(op);
    return promise;
  }

  fetch(node, url) {
    const op = this.op(node);
    const controller = new AbortController();
    this.fetches.set(op, controller);
    this.begin(op);
    let request;
    try {
      // Past the HTTP cache, like the rust engine's (see its fetch.rs): the
      // two engines fetch the same URL at once, and Firefox would hold one
      // request until the other's body had arrived.
      request = fetch(url, { signal: controller.signal, cache: 'no-store' });
    } catch (err) {
      request = Promise.reject(err);
    }
    const promise = request.then(
      (response) => {
        if (this.ended) return hang();
        this.fetches.delete(op);
        this.settle(op, true, response.status);
        this.maybeEnd();
        return response.status;
      },
      (err) => {
        if (this.ended) return hang(); // aborted by the end of the run: nothing more
        this.fetches.delete(op);
        if (err && typeof err === 'object' && !this.errorPos.has(err)) {
          this.errorPos.set(err, { line: node.line, col: node.col });
        }
        this.settle(op, false, err);
        this.maybeEnd();
        throw err;
      },
    );
    return this.track(promise, op);
  }

  combine(node, args, race) {
    const op = this.op(node);
    const promise = this.track(race ? Promise.race(args) : Promise.all(args), op);
    this.begin(op);
    // Reactions on the operands, registered right after the combinator's own:
    // each runs in the microtask right after the combinator's, so the settle
    // is recorded just after the combinator settled, before its dependants run.
    const n = args.length;
    const values = new Array(n);
    let left = n;
    let done = false;
    args.forEach((arg, i) => {
      // `Promise.resolve` of a native promise is the promise itself, as the combinator sees it.
      Promise.resolve(arg).then(
        (v) => {
          if (done) return;
          if (race) {
            done = true;
            this.settle(op, true, v);
            return;
          }
          values[i] = v;
          if (--left === 0) {
            done = true;
            this.settle(op, true, values);
          }
        },
        (e) => {
          if (done) return;
          done = true;
          this.settle(op, false, e);
        },
      );
    });
    return promise;
  }

  spawn(node, operand) {
    const op = this.op(node);
    this.begin(op);
    const inner = isThenable(operand) ? this.promiseOps.get(operand) : undefined;
    if (!isThenable(operand)) {
      this.settle(op, true, operand);
    } else if (inner) {
      if (inner.settled) this.settle(op, inner.ok, inner.outcome);
      else (inner.followers || (inner.followers = [])).push(op);
    }
    return operand; // `spawn(e)` is `e` itself
  }
}

/**
 * Runs one activation's generator: one real `await` per value it yields, the
 * result (or the rejection) handed back to it. `op` (an `async` block's) is
 * settled when the body returns or throws.
 */
async function drive(run, gen, op) {
  let input;
  let threw = false;
  for (;;) {
    let step;
    try {
      step = threw ? gen.throw(input) : gen.next(input);
    } catch (err) {
      if (err === STOP || run.ended) return hang(); // the run ended: abandoned
      if (op) run.settle(op, false, err);
      throw err;
    }
    if (step.done) {
      if (op) run.settleWith(op, step.value);
      return step.value;
    }
    try {
      input = await step.value;
      threw = false;
    } catch (err) {
      input = err;
      threw = true;
    }
    if (run.ended) return hang();
  }
}

/**
 * Runs the program (JSON from Rust's `to_json`) on the js engine. Resolves to
 * `{ engine: "js", ok, error?, events }`; never rejects.
 */
export function runJs(programJson, options) {
  let program;
  try {
    program = typeof programJson === 'string' ? JSON.parse(programJson) : programJson;
  } catch (err) {
    return Promise.resolve({
      engine: 'js',
      ok: false,
      error: { kind: 'runtime', message: `js engine: the program is not valid JSON: ${messageOf(err)}`, line: 0, col: 0 },
      events: [],
    });
  }
  try {
    return new Run(program, options).start();
  } catch (err) {
    return Promise.resolve({
      engine: 'js',
      ok: false,
      error: { kind: 'runtime', message: `js engine: ${messageOf(err)}`, line: 0, col: 0 },
      events: [],
    });
  }
}
