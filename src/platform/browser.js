// The browser half of BrowserPlatform. Rust hands over two long-lived
// callbacks; these wrappers are what the microtask queue and setTimeout actually
// hold, so a microtask or timer already queued when the executor is dropped
// finds `alive` false and never calls a freed Rust closure.
//
// Drains run on microtasks, in slices: once drains have kept the page busy
// for SLICE_MS without a break (a task that keeps waking itself), the next
// drain goes to a macrotask (a MessageChannel message, which, unlike
// setTimeout(0), is not clamped), so rendering, input and timers get their
// turn before the executor goes on.
const SLICE_MS = 8;

// Drains are queued as reactions to a promise that is already resolved: the
// same microtask queue as queueMicrotask, but in Chromium a reaction costs
// ~30 ns where queueMicrotask costs ~800 (BENCHMARKS.md, case 2). A trap in a
// drain is caught and reported, so it still surfaces as the page's error event.
const RESOLVED = Promise.resolve();

export class NativeScheduler {
  constructor(onDrain, onTimer) {
    this.alive = true;
    this.timer = undefined;
    this.sliceStart = -Infinity;
    this.lastDrainEnd = -Infinity;
    this.drain = () => {
      if (!this.alive) return;
      const start = performance.now();
      // After a pause, a new slice begins.
      if (start - this.lastDrainEnd > 1) this.sliceStart = start;
      try {
        onDrain();
      } catch (error) {
        reportError(error);
      } finally {
        this.lastDrainEnd = performance.now();
      }
    };
    this.channel = new MessageChannel();
    this.channel.port1.onmessage = () => {
      this.sliceStart = performance.now();
      this.drain();
    };
    this.fire = () => {
      this.timer = undefined;
      if (this.alive) onTimer();
    };
  }

  scheduleDrain() {
    const now = performance.now();
    // Busy: drains have followed each other with no pause for a whole slice.
    const busy = now - this.lastDrainEnd <= 1 && now - this.sliceStart > SLICE_MS;
    if (busy) this.channel.port2.postMessage(null);
    else RESOLVED.then(this.drain);
  }

  setTimer(ms) {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(this.fire, ms);
  }

  clearTimer() {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  dispose() {
    this.alive = false;
    this.clearTimer();
    this.channel.port1.close();
  }
}

export function now() {
  return performance.now();
}
