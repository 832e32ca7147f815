// Counts live native timers. Loaded before the wasm module (bench.js imports it
// first): the executor's browser platform, gloo-timers and the bare-JS
// contenders all look `setTimeout`/`clearTimeout` up on the global object at
// each call, so wrapping the globals sees every one of them.
//
// Counting costs a closure and a Set per timer, so it is off in timed rounds
// (the wrappers then only forward) and on in the census round.
const nativeSet = globalThis.setTimeout;
const nativeClear = globalThis.clearTimeout;

export const census = {
  counting: false,
  live: new Set(),
  peak: 0,
  sets: 0,
  clears: 0,
  start() {
    this.counting = true;
    this.live.clear();
    this.peak = 0;
    this.sets = 0;
    this.clears = 0;
  },
  stop() {
    this.counting = false;
    return { peak: this.peak, live: this.live.size, sets: this.sets, clears: this.clears };
  },
};

globalThis.setTimeout = function setTimeout(handler, ms, ...args) {
  if (!census.counting) return nativeSet(handler, ms, ...args);
  const id = nativeSet(() => {
    census.live.delete(id);
    handler(...args);
  }, ms);
  census.live.add(id);
  census.sets += 1;
  if (census.live.size > census.peak) census.peak = census.live.size;
  return id;
};

globalThis.clearTimeout = function clearTimeout(id) {
  if (census.counting) {
    census.live.delete(id);
    census.clears += 1;
  }
  return nativeClear(id);
};

/** The unwrapped setTimeout, for the harness's own waits. */
export const rawSetTimeout = nativeSet;
