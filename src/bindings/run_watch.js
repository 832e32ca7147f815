import { currentInstance } from './panic.js';

// Ends a run when its time limit passes or its AbortSignal fires. The
// returned function disposes the watch; after that the Rust callbacks, which
// are about to be freed, are never called.
export function watchRun(timeMs, signal, onTimeout, onAbort) {
  const instance = currentInstance;
  let alive = true;
  // A stepped run has no time limit (Infinity): a person sets its pace.
  const timer = Number.isFinite(timeMs)
    ? setTimeout(() => {
        if (alive && instance === currentInstance) onTimeout();
      }, timeMs)
    : undefined;
  const abort = () => {
    if (alive && instance === currentInstance) onAbort();
  };
  if (signal) signal.addEventListener('abort', abort);
  return () => {
    alive = false;
    clearTimeout(timer);
    if (signal) signal.removeEventListener('abort', abort);
  };
}

// A caller's signal stops the run the same way as the run's own stop().
export function linkSignal(from, controller) {
  if (from.aborted) controller.abort();
  else from.addEventListener('abort', () => controller.abort(), { once: true });
}

export function stopFunction(controller) {
  return () => controller.abort();
}

// Calls back a microtask later, outside whatever Rust code noticed the event.
export function deferCall(callback) {
  const instance = currentInstance;
  queueMicrotask(() => {
    if (instance !== currentInstance) return;
    try {
      callback();
    } catch (error) {
      reportError(error);
    }
  });
}

// A promise and the functions that settle it, as Promise.withResolvers()
// gives them (here for browsers without it). Rust's js_sys::Promise::new
// takes a closure instead, and each caller's closure, with the glue that
// lets JS call it, cost the module more than this (BENCHMARKS.md, case 6).
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((resolveWith, rejectWith) => {
    resolve = resolveWith;
    reject = rejectWith;
  });
  return { promise, resolve, reject };
}
