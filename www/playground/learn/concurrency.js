// Learn, section 5: ways to do concurrency. A compact table of the models,
// whose figures are measured in this page when the person presses Measure
// (never written in advance), and demos: one 3-step job as callbacks,
// promises and async/await; a Web Worker as the OS-thread example; Rust
// futures on our executor.
import { el } from '../dom.js';

const N_TASKS = 10_000;
const N_HOPS = 20_000; // per side, two sides interleaving
const ROUNDS = 5;
const ROUND_TRIPS = 200;
const STEP_MS = 20;
const CALIBRATION_DOUBLES = 125_000;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const fmtBytes = (b) => (b >= 10_000 ? `${Math.round(b).toLocaleString('en')} B` : `${b.toFixed(0)} B`);
const fmtNs = (ms) => (ms * 1e6 < 1000 ? `${(ms * 1e6).toFixed(0)} ns` : `${(ms * 1e3).toFixed(1)} µs`);
const nextTask = () => new Promise((r) => setTimeout(r, 0));

/** The browser's name and version, from what it says about itself. */
function browserName() {
  const brands = navigator.userAgentData?.brands?.filter((b) => !/not.?a.?brand/i.test(b.brand));
  if (brands?.length) {
    const b = brands.find((x) => x.brand !== 'Chromium') ?? brands[0];
    return `${b.brand} ${b.version}`;
  }
  const m = navigator.userAgent.match(/(Firefox|Edg|Chrome|Version)\/(\d+)/);
  if (!m) return navigator.userAgent;
  return `${m[1] === 'Version' ? 'Safari' : m[1] === 'Edg' ? 'Edge' : m[1]} ${m[2]}`;
}

// ---- the 3-step job, three ways (the code shown is the code run: Function.toString) ----

function callbackJob(step, log, done) {
  step('fetch user', (user) => {
    step(`fetch orders of ${user}`, (orders) => {
      step(`total ${orders}`, (total) => {
        log(`result: ${total}`);
        done();
      });
    });
  });
}

function promiseJob(step, log) {
  return step('fetch user')
    .then((user) => step(`fetch orders of ${user}`))
    .then((orders) => step(`total ${orders}`))
    .then((total) => log(`result: ${total}`));
}

async function asyncJob(step, log) {
  const user = await step('fetch user');
  const orders = await step(`fetch orders of ${user}`);
  const total = await step(`total ${orders}`);
  log(`result: ${total}`);
}

/** One step: `STEP_MS` of waiting on a timer, then a made-up result. */
function stepResult(what) {
  return what.startsWith('fetch user') ? 'ada' : what.startsWith('fetch orders') ? '3 orders' : '42 €';
}

// ---- measurements ----

/** Time per hop of two interleaved chains of `hop`, in ms (median of rounds). */
async function hopCost(chain) {
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    await Promise.all([chain(N_HOPS), chain(N_HOPS)]);
    rounds.push((performance.now() - t0) / (2 * N_HOPS));
    await nextTask();
  }
  return median(rounds);
}

const microtaskChain = (n) => new Promise((done) => {
  let i = 0;
  const hop = () => (++i >= n ? done() : queueMicrotask(hop));
  queueMicrotask(hop);
});
const thenChain = (n) => {
  let p = Promise.resolve();
  for (let i = 0; i < n; i++) p = p.then(() => null);
  return p;
};
const awaitChain = async (n) => {
  for (let i = 0; i < n; i++) await null;
};

/**
 * V8 heap growth while `N_TASKS` wait on a timer, per task: the median of
 * `ROUNDS` rounds that grew (a garbage collection during a round can shrink
 * the heap; that round says nothing).
 */
async function jsMemoryPerTask(makeWaiter) {
  if (!performance.memory) return { available: false, why: 'not available in this browser: performance.memory is Chromium only' };
  // Calibrate first: does the heap size move by about what a known allocation
  // takes? (Without --enable-precise-memory-info, Chromium rounds it to
  // buckets and caches it.) Two moves of about the right size are needed: a
  // rounded, cached figure that is refreshed between two reads can move by
  // about that much once, by chance. Up to 4 tries: a collection may hide one.
  const expected = CALIBRATION_DOUBLES * 8;
  const moves = [];
  const right = () => moves.filter((m) => m > 0.8 * expected && m < 2 * expected).length;
  for (let t = 0; t < 4 && right() < 2; t++) {
    await nextTask();
    const c0 = performance.memory.usedJSHeapSize;
    const known = new Array(CALIBRATION_DOUBLES); // a double array, 8 bytes an element
    for (let i = 0; i < known.length; i++) known[i] = 0.5;
    moves.push(performance.memory.usedJSHeapSize - c0);
  }
  if (right() < 2) {
    return {
      available: false,
      why: `not available in this browser: performance.memory is not precise here (a ${fmtBytes(expected)} array moved it by ${moves.map(fmtBytes).join(', ')}; Chromium rounds and caches it unless started with --enable-precise-memory-info)`,
    };
  }
  const ids = new Int32Array(N_TASKS);
  const deltas = [];
  for (let r = 0; r < ROUNDS; r++) {
    await nextTask();
    const before = performance.memory.usedJSHeapSize;
    for (let i = 0; i < N_TASKS; i++) ids[i] = makeWaiter();
    const after = performance.memory.usedJSHeapSize;
    for (let i = 0; i < N_TASKS; i++) clearTimeout(ids[i]);
    deltas.push(after - before);
  }
  const grew = deltas.filter((d) => d > 0);
  if (grew.length === 0) {
    return {
      available: false,
      why: 'not measurable this time: garbage collection ran during every round',
    };
  }
  return { available: true, perTask: median(grew) / N_TASKS, rounds: grew.length };
}

// 10 000 callbacks waiting on a timer: one closure each.
const callbackWaiter = () => {
  const box = { n: 0 };
  return setTimeout(() => { box.n += 1; }, 3_600_000);
};
// 10 000 async functions each awaiting a promise resolved by a timer.
const asyncWaiter = () => {
  let id = 0;
  (async () => {
    await new Promise((resolve) => { id = setTimeout(resolve, 3_600_000); });
  })();
  return id;
};

/** A module Worker: its start-up time and the median of sequential message round trips. */
function measureWorker() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let worker;
    try {
      worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    } catch (err) {
      resolve({ available: false, why: `Web Workers are not available here: ${err.message}` });
      return;
    }
    let trips = 0;
    let first = 0;
    let started = 0;
    const ping = () => worker.postMessage({ n: trips });
    worker.addEventListener('error', (e) => {
      worker.terminate();
      reject(new Error(`the worker failed: ${e.message ?? 'error'}`));
    });
    worker.addEventListener('message', (e) => {
      if (e.data.type === 'ready') {
        started = performance.now() - t0;
        first = performance.now();
        ping();
      } else if (e.data.type === 'pong') {
        trips += 1;
        if (trips < ROUND_TRIPS) ping();
        else {
          // Timed as a whole: outside cross-origin isolation, performance.now() is too coarse for one trip.
          const roundTripMs = (performance.now() - first) / trips;
          worker.terminate();
          resolve({ available: true, startMs: started, roundTripMs, trips });
        }
      }
    });
  });
}

async function rustMemory(wasm) {
  if (typeof wasm.measureRustTasks !== 'function') return { available: false, why: 'this build of the module has no measureRustTasks export' };
  const r = await wasm.measureRustTasks(N_TASKS);
  await nextTask();
  const after = wasm.rustHeapBytes();
  return {
    available: true,
    perTask: (r.liveBytesWaiting - r.liveBytesBefore) / r.tasks,
    allocationsPerTask: r.allocationsPerTask,
    timersWaiting: r.timersWaiting,
    freed: after.liveBytes - r.liveBytesBefore,
    memoryGrowth: r.memoryBytesWaiting - r.memoryBytesBefore,
  };
}

async function rustSwitch(wasm) {
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const y = await wasm.measureRustYields(N_HOPS / 4);
    if (!y.finished) throw new Error('the yielding tasks did not finish');
    rounds.push(y.elapsedMs / y.switches);
    await nextTask();
  }
  return median(rounds);
}

// ---- the table ----

const MODELS = [
  {
    key: 'os-thread', model: 'OS threads', demo: 'a Web Worker', sched: 'the OS kernel, preemptively',
    gives: 'real parallelism on several cores; blocking calls are fine; preemption',
    costs: 'a stack each (reserved up front), kernel switches, locks or message passing for shared data; here, messages are copied',
  },
  {
    key: 'green', model: 'Green threads', demo: null, sched: 'a runtime in user space (Go, Erlang, Rust before 1.0)',
    gives: 'blocking-style code, many cheap threads',
    costs: 'a runtime with its own growable stacks; calls into C need a real stack',
  },
  {
    key: 'callbacks', model: 'Callbacks', demo: 'setTimeout / queueMicrotask', sched: 'the event loop',
    gives: 'nothing beyond the event loop; the cheapest to start',
    costs: 'inverted control, nesting, errors passed by hand',
  },
  {
    key: 'promises', model: 'Promises, async/await (JS)', demo: 'Promise, await', sched: 'the event loop (microtasks); eager: work starts when created',
    gives: 'composition (all, race), sequential-looking code, errors that propagate',
    costs: 'an object per step; cannot be cancelled; started whether awaited or not',
  },
  {
    key: 'futures', model: 'Rust futures', demo: 'our executor (wasm)', sched: 'an executor in the program (ours); lazy: work starts at the first poll',
    gives: 'one state machine per task, sized at compile time; cancel by dropping; nothing runs unless polled',
    costs: 'needs an executor and wakers; cooperative: a long poll blocks every task',
  },
];

export function mount(container, ctx) {
  const cells = {};
  const rows = MODELS.map((m) => {
    cells[m.key] = {
      memory: el('td', { class: 'cc-figure', 'data-figure': 'memory' }, '–'),
      switch: el('td', { class: 'cc-figure', 'data-figure': 'switch' }, '–'),
    };
    return el('tr', { 'data-model': m.key },
      el('th', { scope: 'row' }, m.model, m.demo ? el('span', { class: 'cc-demo' }, ` (here: ${m.demo})`) : null),
      el('td', {}, m.sched), cells[m.key].memory, cells[m.key].switch, el('td', {}, m.gives), el('td', {}, m.costs));
  });
  const green = cells.green;
  green.memory.textContent = 'no demo possible';
  green.switch.textContent = 'no demo possible';
  green.memory.dataset.unavailable = 'true';
  green.switch.dataset.unavailable = 'true';

  const measureButton = el('button', { type: 'button', class: 'cc-measure primary' }, 'Measure');
  const measuredWhere = el('p', { class: 'cc-where', role: 'status' }, 'Press Measure: the figures are measured now, in this browser.');
  const how = el('details', { class: 'cc-how' }, el('summary', {}, 'How each figure is measured'),
    el('ul', {},
      el('li', {}, `Rust futures, memory: ${N_TASKS.toLocaleString('en')} tasks spawned on a fresh executor, each awaiting sleep(1 hour), all polled once so each holds a registered timer and a waker. The Rust heap is counted by a byte-counting allocator wrapped around the module's allocator (bytes handed out and not yet freed), before and while they wait; then the executor is shut down and the count read again.`),
      el('li', {}, `Rust futures, switch: two tasks each awaiting yield_now() ${(N_HOPS / 4).toLocaleString('en')} times, so the executor switches task on every poll; wall time (performance.now()) divided by the number of switches, median of ${ROUNDS} rounds.`),
      el('li', {}, `JS, memory: ${N_TASKS.toLocaleString('en')} timer callbacks (callbacks) or async functions each awaiting a promise a timer resolves (promises); growth of performance.memory.usedJSHeapSize, which counts the V8 heap only (not the browser's own timer records), divided by ${N_TASKS.toLocaleString('en')}, median of the rounds (out of ${ROUNDS}) in which no garbage collection shrank the heap. Chromium only, and precise only when Chromium runs with --enable-precise-memory-info: first a 1 MB array is allocated to check that the figure moves by about that much; if it does not, the table says so instead of showing a rounded figure.`),
      el('li', {}, `JS, switch: two interleaved chains of ${N_HOPS.toLocaleString('en')} queueMicrotask hops (callbacks) or \`await null\` hops (promises); time per hop, median of ${ROUNDS} rounds.`),
      el('li', {}, `OS thread (Web Worker): time from new Worker() to its first message, and the mean of ${ROUND_TRIPS} postMessage round trips made one after the other, timed as a whole (two thread switches and two copies of the message each). A worker's memory is in its own heap, which performance.memory does not count.`),
      el('li', {}, 'Green threads: a page cannot make its own stacks and switch between them (JavaScript has no stackful coroutines; WebAssembly stack switching is still a proposal), so there is nothing honest to measure here.')));

  // Demo (a): the same job three ways.
  const jobs = [
    { key: 'callbacks', name: 'Callbacks', fn: callbackJob },
    { key: 'promises', name: 'Promises', fn: promiseJob },
    { key: 'async', name: 'async/await', fn: asyncJob },
  ];
  const jobLogs = {};
  const jobRun = el('button', { type: 'button', class: 'cc-jobs-run' }, 'Run all three');
  const jobCols = jobs.map((j) => {
    jobLogs[j.key] = el('ol', { class: 'cc-log', 'aria-label': `${j.name}: order of events` });
    return el('div', { class: 'cc-job', 'data-job': j.key },
      el('h4', {}, j.name),
      el('pre', { class: 'cc-code' }, j.fn.toString()),
      jobLogs[j.key]);
  });

  async function runJobs() {
    jobRun.disabled = true;
    const t0 = performance.now();
    const runs = jobs.map((j) => new Promise((finished) => {
      const out = jobLogs[j.key];
      out.replaceChildren();
      const log = (text) => out.append(el('li', {}, el('span', { class: 'cc-t' }, `${(performance.now() - t0).toFixed(0).padStart(3)} ms `), text));
      if (j.key === 'callbacks') {
        const step = (what, next) => {
          log(`start: ${what}`);
          setTimeout(() => { log(`done: ${what}`); next(stepResult(what)); }, STEP_MS);
        };
        j.fn(step, log, finished);
      } else {
        const step = (what) => {
          log(`start: ${what}`);
          return new Promise((resolve) => setTimeout(() => { log(`done: ${what}`); resolve(stepResult(what)); }, STEP_MS));
        };
        j.fn(step, log).then(finished);
      }
      log('the call returned; the job goes on without us');
    }));
    await Promise.all(runs);
    jobRun.disabled = false;
    container.dataset.jobs = 'done';
  }
  jobRun.addEventListener('click', runJobs);

  // Demo (b): a worker.
  const workerButton = el('button', { type: 'button', class: 'cc-worker-run' }, 'Start a worker and ping it');
  const workerOut = el('p', { class: 'cc-worker-out', role: 'status' });
  async function runWorker() {
    workerButton.disabled = true;
    workerOut.textContent = 'Starting…';
    try {
      const w = await measureWorker();
      workerOut.dataset.available = String(w.available);
      if (w.available) {
        workerOut.dataset.startMs = String(w.startMs);
        workerOut.dataset.roundTripMs = String(w.roundTripMs);
        workerOut.textContent = `A worker started in ${w.startMs.toFixed(1)} ms; a message round trip takes ${fmtNs(w.roundTripMs)} (mean of ${w.trips} in a row).`;
      } else workerOut.textContent = w.why;
      return w;
    } catch (err) {
      workerOut.textContent = `The worker failed: ${err.message}`;
      return { available: false, why: err.message };
    } finally {
      workerButton.disabled = false;
    }
  }
  workerButton.addEventListener('click', runWorker);

  // Demo (c): Rust futures (the numbers go into the table, with the details here).
  const rustOut = el('p', { class: 'cc-rust-out', role: 'status' }, 'Measure fills this in.');

  const setFigure = (cell, text, value) => {
    cell.textContent = text;
    if (value === null) cell.dataset.unavailable = 'true';
    else {
      delete cell.dataset.unavailable;
      cell.dataset.value = String(value);
    }
  };

  let disposed = false;
  async function measureAll() {
    measureButton.disabled = true;
    container.dataset.measure = 'running';
    measuredWhere.textContent = 'Measuring…';
    try {
      const cm = await jsMemoryPerTask(callbackWaiter);
      setFigure(cells.callbacks.memory, cm.available ? `${fmtBytes(cm.perTask)} per waiting callback (V8 heap, median of ${cm.rounds})` : cm.why, cm.available ? cm.perTask : null);
      if (disposed) return;
      const pm = await jsMemoryPerTask(asyncWaiter);
      setFigure(cells.promises.memory, pm.available ? `${fmtBytes(pm.perTask)} per waiting async fn (V8 heap, median of ${pm.rounds})` : pm.why, pm.available ? pm.perTask : null);

      const rm = await rustMemory(ctx.wasm);
      if (disposed) return;
      if (rm.available) {
        setFigure(cells.futures.memory, `${fmtBytes(rm.perTask)} per task`, rm.perTask);
        rustOut.textContent = `${N_TASKS.toLocaleString('en')} waiting tasks held ${fmtBytes(rm.perTask * N_TASKS)} of Rust heap (${fmtBytes(rm.perTask)} and ${rm.allocationsPerTask.toFixed(1)} allocations per task; ${rm.timersWaiting.toLocaleString('en')} timers registered). After shutdown, ${rm.freed <= 0 ? 'all of it was freed' : `${fmtBytes(rm.freed)} was still held`}; the module's memory grew by ${fmtBytes(rm.memoryGrowth)}.`;
      } else setFigure(cells.futures.memory, rm.why, null);
      const rs = await rustSwitch(ctx.wasm);
      setFigure(cells.futures.switch, `${fmtNs(rs)} per yield`, rs);
      rustOut.textContent += ` A switch between two tasks (one yield_now) takes ${fmtNs(rs)}.`;

      const cs = await hopCost(microtaskChain);
      setFigure(cells.callbacks.switch, `${fmtNs(cs)} per queueMicrotask hop`, cs);
      const ps = await hopCost(awaitChain);
      const ts = await hopCost(thenChain);
      setFigure(cells.promises.switch, `${fmtNs(ps)} per await, ${fmtNs(ts)} per .then`, ps);

      const w = await runWorker();
      const cost = crossOriginIsolated && performance.measureUserAgentSpecificMemory
        ? 'not measured: a worker\'s heap is separate'
        : 'not available in this browser: a worker\'s heap is separate, and measureUserAgentSpecificMemory needs a cross-origin isolated page';
      setFigure(cells['os-thread'].memory, cost, null);
      if (w.available) setFigure(cells['os-thread'].switch, `${fmtNs(w.roundTripMs)} per round trip; start-up ${w.startMs.toFixed(1)} ms`, w.roundTripMs);
      else setFigure(cells['os-thread'].switch, w.why, null);

      measuredWhere.textContent = `Measured in ${browserName()} on ${new Date().toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}. Figures vary from run to run and machine to machine; press Measure again to see how much.`;
      container.dataset.measure = 'done';
    } catch (err) {
      measuredWhere.textContent = `Measuring failed: ${err.message}`;
      container.dataset.measure = 'failed';
    } finally {
      measureButton.disabled = false;
    }
  }
  measureButton.addEventListener('click', measureAll);

  container.append(
    el('p', {}, 'Five ways to have many things waiting at once, and what each costs. The figures are not written here in advance: Measure runs each demo in this page and fills them in.'),
    el('div', { class: 'cc-controls' }, measureButton),
    measuredWhere,
    el('div', { class: 'cc-table-box' },
      el('table', { class: 'cc-table' },
        el('caption', {}, `Models of concurrency (memory: per task waiting on a timer, out of ${N_TASKS.toLocaleString('en')})`),
        el('thead', {}, el('tr', {}, ['Model', 'Who schedules', 'Memory per waiting task', 'Cost of a switch', 'What you get', 'What it costs'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows))),
    how,
    el('h3', {}, 'The same 3-step job: callbacks, promises, async/await'),
    el('p', {}, `Each step waits ${STEP_MS} ms on a timer. The code below is the code that runs. All three start their first step at once, return before it is done, and run the steps in the same order: what changes is how the code reads.`),
    el('div', { class: 'cc-controls' }, jobRun),
    el('div', { class: 'cc-jobs' }, jobCols),
    el('h3', {}, 'An OS thread: a Web Worker'),
    el('p', {}, 'A worker is a real thread with its own event loop and heap. It runs in parallel with the page; the only way to talk to it is a message, copied across.'),
    el('div', { class: 'cc-controls' }, workerButton),
    workerOut,
    el('h3', {}, 'Rust futures on our executor'),
    el('p', {}, 'Each waiting task is one boxed state machine plus its slot in the executor, its timer entry and the waker the timer holds: no stack. A switch is the executor calling the next task\'s poll.'),
    rustOut,
    el('h3', {}, 'Green threads'),
    el('p', { class: 'cc-green' }, 'No demo: green threads need their own stacks and a way to switch between them, and a page has neither (JavaScript has no stackful coroutines; WebAssembly stack switching is still a proposal). Go\'s goroutines and Erlang\'s processes are green threads; Rust had them before 1.0 and removed them for their runtime cost.'),
  );

  return {
    dispose() {
      disposed = true;
    },
  };
}
