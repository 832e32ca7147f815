// The browser half of BrowserPlatform. Rust hands over two long-lived
// callbacks; these wrappers are what queueMicrotask and setTimeout actually
// hold, so a microtask or timer already queued when the executor is dropped
// finds `alive` false and never calls a freed Rust closure.
export class NativeScheduler {
  constructor(onDrain, onTimer) {
    this.alive = true;
    this.timer = undefined;
    this.drain = () => {
      if (this.alive) onDrain();
    };
    this.fire = () => {
      this.timer = undefined;
      if (this.alive) onTimer();
    };
  }

  scheduleDrain() {
    queueMicrotask(this.drain);
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
  }
}

export function now() {
  return performance.now();
}
