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

import { currentInstance } from '../bindings/panic.js';

// Drains are queued as reactions to a promise that is already resolved: the
// same microtask queue as queueMicrotask, but in Chromium a reaction costs
// ~30 ns where queueMicrotask costs ~800 (BENCHMARKS.md, case 2). A trap in a
// drain is caught and reported, so it still surfaces as the page's error event.
const RESOLVED = Promise.resolve();
const BOUNDARY = 0;
const DRAIN = 1;

export class NativeScheduler {
  constructor(onDrain, onTimer) {
    this.alive = true;
    // After a panic the module is replaced (bindings/panic.js): a scheduler
    // of the old instance must not call into it again.
    const instance = currentInstance;
    this.timer = undefined;
    // A slice: drains that followed each other within one macrotask. It opens
    // with the first drain after a macrotask boundary and closes when the
    // boundary message posted then comes back (the microtasks ran out).
    this.sliceOpen = false;
    this.sliceStart = 0;
    this.drainsInSlice = 0;
    this.giveWay = false;
    this.drain = () => {
      if (!this.alive || instance !== currentInstance) return;
      if (!this.sliceOpen) {
        this.sliceOpen = true;
        this.sliceStart = performance.now();
        this.drainsInSlice = 0;
        this.channel.port2.postMessage(BOUNDARY);
      }
      // The clock costs more than a drain of one short poll: read it now and then.
      if (++this.drainsInSlice % 32 === 0 && performance.now() - this.sliceStart > SLICE_MS) this.giveWay = true;
      try {
        onDrain();
      } catch (error) {
        reportError(error);
        // A trap abandoned the drain part-way. Unless the instance is being
        // replaced, drain again: the executor finishes the task whose poll
        // trapped (its join handle reports the panic) and goes on.
        if (instance === currentInstance) RESOLVED.then(this.drain);
      }
    };
    this.channel = new MessageChannel();
    this.channel.port1.onmessage = (message) => {
      if (message.data === BOUNDARY) this.sliceOpen = false;
      else this.drain();
    };
    this.fire = () => {
      this.timer = undefined;
      if (this.alive && instance === currentInstance) onTimer();
    };
  }

  scheduleDrain() {
    if (this.giveWay) {
      // Let the page render and handle input first: the drain waits for a macrotask.
      this.giveWay = false;
      this.channel.port2.postMessage(DRAIN);
    } else {
      RESOLVED.then(this.drain);
    }
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
