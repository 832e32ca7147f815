// The benchmark page's side: every contender of every case, one run per call.
// bench/run.mjs calls `window.bench.run(caseName, contender, params)` and does
// the alternating, the rounds and the statistics; this module only measures.
//
// Rust contenders live in bench/src/lib.rs (built to bench/pkg/); bare-JS
// contenders are here. Every run resolves to a plain object of numbers.
import { census, rawSetTimeout } from './timers.js';
import init, * as wasm from '../pkg/futures_playground_bench.js';

const now = () => performance.now();
const state = document.getElementById('state');

/** A macrotask later, after a GC if the browser exposes one (--js-flags=--expose-gc). */
async function settle() {
  await new Promise((resolve) => rawSetTimeout(resolve, 0));
  globalThis.gc?.();
  await new Promise((resolve) => rawSetTimeout(resolve, 0));
}

/** Deterministic deadlines in [0, max] ms (mulberry32), the same for every contender. */
function deadlines(n, seed, max = 1000) {
  const out = new Uint32Array(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = Math.floor(r * (max + 1));
  }
  return out;
}

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

function latenessStats(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    latenessP50: quantile(sorted, 0.5),
    latenessP99: quantile(sorted, 0.99),
    latenessMax: sorted[sorted.length - 1],
    latenessMin: sorted[0],
    fired: sorted.length,
  };
}

const wasmBytes = () => wasm.wasmMemory().buffer.byteLength;
const jsHeap = () => performance.memory?.usedJSHeapSize ?? NaN;

// ----- bare-JS contenders -----------------------------------------------------

/** The floor of any wasm executor on microtasks: queueMicrotask and one call into wasm per hop. */
function microtaskHops(n, callWasm) {
  return new Promise((resolve) => {
    const t0 = now();
    let i = 0;
    const step = () => {
      if (callWasm) wasm.bump();
      if (++i < n) queueMicrotask(step);
      else resolve({ ms: now() - t0 });
    };
    queueMicrotask(step);
  });
}

async function jsYield(n) {
  const t0 = now();
  for (let i = 0; i < n; i++) await null;
  return { ms: now() - t0 };
}

/** n promises of setTimeout, each awaited by its own async function. */
function jsSleeps(list) {
  return new Promise((resolveAll) => {
    const n = list.length;
    const lateness = new Float64Array(n);
    let fired = 0;
    const t0 = now();
    let createMs = NaN;
    const one = async (ms) => {
      const deadline = now() + ms;
      await new Promise((resolve) => setTimeout(resolve, ms));
      lateness[fired++] = now() - deadline;
      if (fired === n) resolveAll({ createMs, totalMs: now() - t0, lateness });
    };
    for (let i = 0; i < n; i++) one(list[i]);
    createMs = now() - t0;
  });
}

function noop() {}

/** n setTimeouts, then n clearTimeouts. */
function jsDrop(list) {
  const t0 = now();
  const ids = new Array(list.length);
  for (let i = 0; i < list.length; i++) ids[i] = setTimeout(noop, list[i]);
  for (let i = 0; i < ids.length; i++) clearTimeout(ids[i]);
  return { ms: now() - t0 };
}

async function jsFetch(url, n) {
  const t0 = now();
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const response = await fetch(url);
    ok += response.ok ? 1 : 0;
  }
  return { ms: now() - t0, ok };
}

// ----- the starvation probe (case 2) -------------------------------------------

/**
 * While a yield loop runs: the longest gap between macrotasks (a MessageChannel
 * ping-pong), between animation frames, and between turns of a JS promise
 * chain (how long a JS promise callback waits for its turn).
 */
function startProbe() {
  const probe = { running: true, macroMax: 0, frameMax: 0, microMax: 0, macroTurns: 0, frames: 0, microTurns: 0 };
  const channel = new MessageChannel();
  let lastMacro = now();
  channel.port1.onmessage = () => {
    const t = now();
    probe.macroMax = Math.max(probe.macroMax, t - lastMacro);
    lastMacro = t;
    probe.macroTurns += 1;
    if (probe.running) {
      channel.port2.postMessage(0);
      burst();
    }
  };
  channel.port2.postMessage(0);
  let lastFrame = now();
  const frame = () => {
    const t = now();
    probe.frameMax = Math.max(probe.frameMax, t - lastFrame);
    lastFrame = t;
    probe.frames += 1;
    if (probe.running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  // A JS promise chain, in bursts of 2 ms (one now, one at each macrotask
  // turn), so that it cannot itself keep the microtask queue busy forever.
  const burst = async () => {
    let last = now();
    const end = last + 2;
    while (probe.running && last < end) {
      await null;
      const t = now();
      probe.microMax = Math.max(probe.microMax, t - last);
      last = t;
      probe.microTurns += 1;
    }
  };
  burst();
  return {
    async stop() {
      // The gaps that end after the run are part of it: let one more of each arrive.
      const macroBefore = probe.macroTurns;
      const framesBefore = probe.frames;
      probe.running = false;
      await new Promise((resolve) => {
        const check = () => (probe.macroTurns > macroBefore || probe.frames > framesBefore ? resolve() : rawSetTimeout(check, 1));
        check();
      });
      channel.port1.onmessage = null;
      return {
        macroGapMaxMs: probe.macroMax,
        frameGapMaxMs: probe.frameMax,
        jsPromiseGapMaxMs: probe.microMax,
        frames: probe.frames,
      };
    },
  };
}

// ----- JS floors ------------------------------------------------------------------

const RESOLVED = Promise.resolve();

/** A JS chain of reactions on one resolved promise: the floor of the platform's drains. */
function thenHops(n) {
  return new Promise((resolve) => {
    const t0 = now();
    let i = 0;
    const step = () => {
      if (++i < n) RESOLVED.then(step);
      else resolve({ ms: now() - t0 });
    };
    RESOLVED.then(step);
  });
}

// ----- the cases ---------------------------------------------------------------

const cases = {
  async spawn(contender, { n }) {
    if (contender === 'ours') return wasm.spawnOurs(n, false);
    if (contender === 'ours+observer') return wasm.spawnOurs(n, true);
    if (contender === 'ours-warm') return wasm.spawnOursWarm(n);
    if (contender === 'ours-handle') return wasm.spawnOursHandle(n);
    if (contender === 'wbg') return wasm.spawnWbg(n);
    throw new Error(`spawn: no contender ${contender}`);
  },

  async yield(contender, { n, probe = false }) {
    const run = {
      ours: () => wasm.yieldOurs(n),
      'js-then': () => thenHops(n), wbg: () => wasm.yieldWbg(n), js: () => jsYield(n), 'js-qm': () => microtaskHops(n, false), 'js-qm-wasm': () => microtaskHops(n, true) }[contender];
    if (!run) throw new Error(`yield: no contender ${contender}`);
    const watcher = probe ? startProbe() : null;
    const result = await run();
    const out = { ms: result.ms, nsPerHop: (result.ms * 1e6) / n };
    if (watcher) Object.assign(out, await watcher.stop());
    return out;
  },

  async sleeps(contender, { n, seed, census: counting = false }) {
    const list = deadlines(n, seed);
    const run = { ours: () => wasm.sleepsOurs(list), gloo: () => wasm.sleepsGloo(list), js: () => jsSleeps(list) }[contender];
    if (!run) throw new Error(`sleeps: no contender ${contender}`);
    const wasmBefore = wasmBytes();
    const heapBefore = jsHeap();
    if (counting) census.start();
    const result = await run();
    const timers = counting ? census.stop() : null;
    const out = {
      createMs: result.createMs,
      totalMs: result.totalMs,
      ...latenessStats(result.lateness),
      wasmHeapGrowth: wasmBytes() - wasmBefore,
      jsHeapGrowth: jsHeap() - heapBefore,
    };
    if (result.registeredAtTurnEnd !== undefined) out.registeredAtTurnEnd = result.registeredAtTurnEnd;
    if (timers) Object.assign(out, { peakNativeTimers: timers.peak, nativeTimersSet: timers.sets, liveNativeTimersAfter: timers.live });
    wasm.release();
    return out;
  },

  async drop(contender, { n, seed, census: counting = false }) {
    const list = deadlines(n, seed);
    const run = { ours: () => wasm.dropOurs(list), gloo: () => wasm.dropGloo(list), js: () => jsDrop(list) }[contender];
    if (!run) throw new Error(`drop: no contender ${contender}`);
    const wasmBefore = wasmBytes();
    if (counting) census.start();
    const result = await run();
    const timers = counting ? census.stop() : null;
    const out = { ...result, wasmHeapGrowth: wasmBytes() - wasmBefore };
    if (timers) Object.assign(out, { peakNativeTimers: timers.peak, nativeTimersSet: timers.sets, liveNativeTimersAfter: timers.live });
    wasm.release();
    return out;
  },

  async fetch(contender, { n }) {
    const url = URL.createObjectURL(new Blob(['{"hello":"blob"}'], { type: 'application/json' }));
    try {
      const run = { ours: () => wasm.fetchOurs(url, n), wbg: () => wasm.fetchWbg(url, n), js: () => jsFetch(url, n) }[contender];
      if (!run) throw new Error(`fetch: no contender ${contender}`);
      const result = await run();
      if (result.ok !== n) throw new Error(`fetch ${contender}: ${result.ok} of ${n} responses ok`);
      return { ms: result.ms, usPerRequest: (result.ms * 1000) / n };
    } finally {
      wasm.release();
      URL.revokeObjectURL(url);
    }
  },
};

window.bench = {
  clockCost: (n) => wasm.clockCost(n),
  async run(caseName, contender, params = {}) {
    const run = cases[caseName];
    if (!run) throw new Error(`no case ${caseName}`);
    await settle();
    const result = await run(contender, params);
    wasm.release();
    return result;
  },
};

try {
  await init();
  state.textContent = 'ready';
  document.body.dataset.state = 'ready';
} catch (err) {
  state.textContent = `error: ${err.message}`;
  document.body.dataset.state = 'error';
  throw err;
}
